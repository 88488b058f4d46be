// Messy cell values → typed values, or the reason they could not be read (DOMAIN.md section 2).
// Every parser is total: it never throws, whatever the cell holds.
import { dayFromSerial, dayFromYmd } from "./dates";
import type { CellErrorValue, CellValue, Day } from "./types";

/** A parse outcome: a value, a blank, or a problem whose kind becomes a finding code. */
export type Parsed<T> =
  | { ok: true; value: T }
  | { ok: false; blank: true }
  | { ok: false; blank: false; problem: "BAD_DATE" | "BAD_AMOUNT" | "NEGATIVE_AMOUNT" | "BAD_ENUM" | "OUT_OF_RANGE" | "CELL_ERROR"; raw: string };

const BLANK = { ok: false, blank: true } as const;

export function isCellError(v: CellValue): v is CellErrorValue {
  return typeof v === "object" && v !== null && !(v instanceof Date) && typeof (v as CellErrorValue).error === "string";
}

/** Blank = null, undefined, "", or only whitespace (full-width spaces included). */
export function isBlank(v: CellValue): boolean {
  return v === null || v === undefined || (typeof v === "string" && (v.length === 0 || ONLY_SPACE.test(v)));
}
const ONLY_SPACE = /^[\s\u3000]*$/;

/** Full-width → half-width (NFKC), trimmed, inner runs of white space collapsed. */
export function normalizeText(s: string): string {
  // Printable ASCII without spaces and CJK unified ideographs are already in normal form (the common case).
  if (ALREADY_NORMAL.test(s)) return s;
  return s.normalize("NFKC").replace(/[\s\u3000]+/g, " ").trim();
}
const ALREADY_NORMAL = /^[!-~\u4e00-\u9fff]*$/;

/** Readable text of any cell, for messages and text columns. */
export function cellText(v: CellValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  // An invalid Date is not blank: "" would let it pass as an empty name or ID without REQUIRED_MISSING.
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString().slice(0, 16).replace("T", " ");
  if (isCellError(v)) return v.error;
  return "";
}

function fail<T>(problem: Exclude<Parsed<T>, { ok: true } | { blank: true }>["problem"], v: CellValue): Parsed<T> {
  return { ok: false, blank: false, problem, raw: cellText(v) };
}

/** Text cells: trimmed, NFKC-folded; blank cells are blanks. */
export function parseText(v: CellValue): Parsed<string> {
  if (isCellError(v)) return fail("CELL_ERROR", v);
  if (isBlank(v)) return BLANK;
  return { ok: true, value: normalizeText(cellText(v)) };
}

// ── dates ───────────────────────────────────────────────────────────────────

/** A day and, when the cell said so, minutes past midnight. */
export interface DateTimeValue {
  day: Day;
  minutes: number | null;
}

// 2024-01-15, 2024/1/15, 2024.1.15, 2024年1月15日, with an optional time 14:30[:00]; ISO `T` accepted.
const DATE_RE = /^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?(?:(?:\s+|T|(?<=日))\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})(?:\.\d+)?)?\s*秒?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
// Excel's calendar ends on 9999-12-31: serial 2958465 in the 1900 system (where 0 is not a date),
// 2957003 in the 1904 system (where 0 is 1904-01-01).
const SERIAL_RANGE = { 1900: [1, 2_958_465], 1904: [0, 2_957_003] } as const;

// A Date cell must lie in Excel's calendar too (1900-01-01 … 9999-12-31), like a serial: a JS Date of year
// 275760 or −1 is no date a workbook holds, and the report could not print it as YYYY-MM-DD.
const DATE_CELL_DAYS = [dayFromYmd(1900, 1, 1), dayFromYmd(9999, 12, 31)] as const;

export function parseDateTime(v: CellValue, date1904 = false): Parsed<DateTimeValue> {
  if (isCellError(v)) return fail("CELL_ERROR", v);
  if (isBlank(v)) return BLANK;
  if (v instanceof Date) {
    const t = v.getTime();
    // Adapters hand dates over as UTC wall-clock values (exceljs does): the UTC fields are the user's calendar.
    const day = Math.floor(t / 86_400_000);
    if (Number.isNaN(t) || day < DATE_CELL_DAYS[0] || day > DATE_CELL_DAYS[1]) return fail("BAD_DATE", v);
    const minutes = v.getUTCHours() * 60 + v.getUTCMinutes();
    return { ok: true, value: { day, minutes: minutes === 0 ? null : minutes } };
  }
  if (typeof v === "number") return serialToDate(v, date1904, v);
  if (typeof v !== "string") return fail("BAD_DATE", v);
  const s = normalizeText(v);
  // Whole numbers typed as text in a date column are serials only when they look like one (5 digits: 1927–2173).
  if (/^\d{5}(\.\d+)?$/.test(s)) return serialToDate(Number(s), date1904, v);
  const m = DATE_RE.exec(s);
  if (!m) return fail("BAD_DATE", v);
  const day = dayFromYmd(+m[1], +m[2], +m[3]);
  if (!Number.isFinite(day)) return fail("BAD_DATE", v);
  let minutes: number | null = null;
  if (m[4] !== undefined) {
    const h = +m[4];
    const mi = +m[5];
    if (h > 23 || mi > 59 || (m[6] !== undefined && +m[6] > 59)) return fail("BAD_DATE", v);
    minutes = h * 60 + mi;
  }
  return { ok: true, value: { day, minutes } };
}

/**
 * A date or date-time cell that is already a number or a Date, as days (date-times with the time of day as a
 * fraction), without allocating: NaN when it needs the full parser (text, errors, out of range).
 * Gives exactly what parseDateTime gives for these cells.
 */
export function quickDays(v: CellValue, date1904: boolean, withTime: boolean): number {
  if (typeof v === "number") {
    const [min, max] = SERIAL_RANGE[date1904 ? 1904 : 1900];
    if (!Number.isFinite(v) || v < min || v >= max + 1) return NaN;
    const day = dayFromSerial(v, date1904);
    if (!withTime) return day;
    const minutes = Math.round((v - Math.floor(v)) * 1440);
    return minutes === 0 || minutes === 1440 ? day : day + minutes / 1440;
  }
  if (v instanceof Date) {
    const t = v.getTime();
    const day = Math.floor(t / 86_400_000);
    if (Number.isNaN(t) || day < DATE_CELL_DAYS[0] || day > DATE_CELL_DAYS[1]) return NaN;
    return withTime ? day + (v.getUTCHours() * 60 + v.getUTCMinutes()) / 1440 : day;
  }
  return NaN;
}

function serialToDate(n: number, date1904: boolean, raw: CellValue): Parsed<DateTimeValue> {
  const [min, max] = SERIAL_RANGE[date1904 ? 1904 : 1900];
  if (!Number.isFinite(n) || n < min || n >= max + 1) return fail("BAD_DATE", raw);
  const frac = n - Math.floor(n);
  const minutes = Math.round(frac * 1440);
  return { ok: true, value: { day: dayFromSerial(n, date1904), minutes: minutes === 0 || minutes === 1440 ? null : minutes } };
}

export function parseDate(v: CellValue, date1904 = false): Parsed<Day> {
  const r = parseDateTime(v, date1904);
  return r.ok ? { ok: true, value: r.value.day } : r;
}

// ── numbers, money, percents ────────────────────────────────────────────────

/** Multipliers of the money units users write after a number. */
const MONEY_UNITS: Record<string, number> = { "": 1, 元: 1, 块: 1, 千: 1_000, k: 1_000, 千元: 1_000, 万: 10_000, 万元: 10_000, w: 10_000, 百万: 1_000_000, 亿: 100_000_000, 亿元: 100_000_000 };

/**
 * The largest amount read, in yuan: 2^53 − 1 cents (about 90 trillion yuan). Beyond it a number cannot even
 * count whole cents, no real amount is that large, and sums of amounts stay far from overflowing to Infinity.
 */
export const MAX_AMOUNT = Number.MAX_SAFE_INTEGER / 100;

/**
 * Money in yuan. `columnUnit` is the multiplier of the header's annotation (`(万元)` = 10,000) and applies
 * to plain numbers only; a value that names its own unit (`12000元`, `1.2万`) keeps it.
 */
export function parseMoney(v: CellValue, columnUnit = 1): Parsed<number> {
  if (isCellError(v)) return fail("CELL_ERROR", v);
  if (isBlank(v)) return BLANK;
  let amount: number;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return fail("BAD_AMOUNT", v);
    amount = v * columnUnit;
  } else if (typeof v === "string") {
    const s = normalizeText(v).toLowerCase().replace(/^(rmb|cny)|(rmb|cny)$/g, "").replace(/[¥￥$\s]/g, "");
    const m = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(千元|千|k|万元|万|w|百万|亿元|亿|元|块)?$/.exec(s);
    if (!m) return fail("BAD_AMOUNT", v);
    const n = Number((m[1] || "") + m[2].replace(/,/g, "") + (m[3] || ""));
    amount = m[4] === undefined ? n * columnUnit : n * MONEY_UNITS[m[4]];
  } else return fail("BAD_AMOUNT", v);
  // A 400-digit string or 1e308 × the column's unit is no amount: it overflowed (or would overflow sums such as
  // spend and RFM monetary) to Infinity, which scored every customer wrongly.
  if (!Number.isFinite(amount) || amount > MAX_AMOUNT) return fail("BAD_AMOUNT", v);
  if (amount < 0) return fail("NEGATIVE_AMOUNT", v);
  return { ok: true, value: roundCents(amount) };
}

export function roundCents(n: number): number {
  return Math.round(n * 100) / 100;
}

/** A plain number (`3`, `3.5`, `3次`, `4.5分`, `1,200`); `allowNegative` for growth rates and the like. */
export function parseNumber(v: CellValue, opts: { min?: number; max?: number; integer?: boolean } = {}): Parsed<number> {
  if (isCellError(v)) return fail("CELL_ERROR", v);
  if (isBlank(v)) return BLANK;
  let n: number;
  if (typeof v === "number") n = v;
  else if (typeof v === "string") {
    const s = normalizeText(v).replace(/\s/g, "");
    const m = /^([+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?:次|个|单|分|\/5|人|家|笔)?$/.exec(s);
    if (!m) return fail("BAD_AMOUNT", v);
    n = Number(m[1].replace(/,/g, ""));
  } else return fail("BAD_AMOUNT", v);
  if (!Number.isFinite(n)) return fail("BAD_AMOUNT", v);
  if (opts.integer && !Number.isInteger(n)) return fail("BAD_AMOUNT", v);
  if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) return fail("OUT_OF_RANGE", v);
  return { ok: true, value: n };
}

/**
 * A percentage as a fraction (35% → 0.35). `35%` and `0.35` read as 35 %; a bare number above 1 reads as
 * percent points (`35` → 0.35) — in a `(%)` column every bare number does (decision: a 毛利率 of 35 means 35 %).
 */
export function parsePercent(v: CellValue, opts: { percentColumn?: boolean; min?: number; max?: number } = {}): Parsed<number> {
  if (isCellError(v)) return fail("CELL_ERROR", v);
  if (isBlank(v)) return BLANK;
  let n: number;
  let explicit = false;
  if (typeof v === "number") n = v;
  else if (typeof v === "string") {
    const s = normalizeText(v).replace(/\s/g, "");
    const m = /^([+-]?\d+(?:\.\d+)?)(%|％|‰)?$/.exec(s);
    if (!m) return fail("BAD_AMOUNT", v);
    n = Number(m[1]);
    if (m[2] === "‰") { n /= 1000; explicit = true; }
    else if (m[2]) { n /= 100; explicit = true; }
  } else return fail("BAD_AMOUNT", v);
  if (!Number.isFinite(n)) return fail("BAD_AMOUNT", v);
  if (!explicit && (opts.percentColumn || Math.abs(n) > 1)) n /= 100;
  const min = opts.min ?? 0;
  const max = opts.max ?? 1;
  if (n < min - 1e-12 || n > max + 1e-12) return fail("OUT_OF_RANGE", v);
  return { ok: true, value: n };
}

/** A duration in years: `3`, `3年`, `18个月`, `2年6个月`, `1.5 years`. */
export function parseYears(v: CellValue): Parsed<number> {
  if (isCellError(v)) return fail("CELL_ERROR", v);
  if (isBlank(v)) return BLANK;
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? { ok: true, value: v } : fail("OUT_OF_RANGE", v);
  if (typeof v !== "string") return fail("BAD_AMOUNT", v);
  const s = normalizeText(v).toLowerCase().replace(/\s/g, "");
  const m = /^(?:(\d+(?:\.\d+)?)(?:年|years?|y))?(?:(\d+(?:\.\d+)?)(?:个月|月|months?|m))?$/.exec(s);
  // Digits long enough to overflow to Infinity are not a duration.
  const years = m && (m[1] !== undefined || m[2] !== undefined) ? Number(m[1] ?? 0) + Number(m[2] ?? 0) / 12 : /^\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
  return Number.isFinite(years) ? { ok: true, value: years } : fail("BAD_AMOUNT", v);
}

// ── enumerations ────────────────────────────────────────────────────────────

/** An enumeration: canonical value → every accepted spelling (Chinese label, short form, English). */
export type EnumSpec<T extends string> = Record<T, readonly string[]>;

/** Builds a normalised lookup once per enumeration. */
export function enumLookup<T extends string>(spec: EnumSpec<T>): Map<string, T> {
  const map = new Map<string, T>();
  for (const key of Object.keys(spec) as T[]) {
    for (const alias of spec[key]) map.set(enumKey(alias), key);
  }
  return map;
}

function enumKey(s: string): string {
  return normalizeText(s).toLowerCase().replace(/[\s_\-'’]/g, "").replace(/[□☑■✓√]/g, "");
}

export function parseEnum<T extends string>(v: CellValue, lookup: Map<string, T>): Parsed<T> {
  if (isCellError(v)) return fail("CELL_ERROR", v);
  if (isBlank(v)) return BLANK;
  const hit = lookup.get(enumKey(cellText(v)));
  return hit === undefined ? fail("BAD_ENUM", v) : { ok: true, value: hit };
}

/** Splits a multi-value cell (`高潜力、待激活`, `【战略客户】【紧密型】`, `a, b; c`). */
export function splitList(s: string): string[] {
  return normalizeText(s)
    .split(/[、,，;；/|\n【】\[\]]+|\s+/)
    .map((x) => x.trim())
    .filter((x) => x !== "");
}
