// Reading a found table column by column into typed arrays, with every cell-level finding of
// DOMAIN.md section 3 (required fields, duplicates, dates, amounts, enums, USCC, phones, ranges, merges).
import { formatDay } from "./dates";
import { makeFinding } from "./findings";
import { ENUM_CHOICES, ENUM_LOOKUPS } from "./labels";
import { cellText, isBlank, MAX_AMOUNT, normalizeText, parseDateTime, quickDays, roundCents, parseEnum, parseMoney, parseNumber, parsePercent, parseText, parseYears, splitList, type Parsed } from "./parse";
import { checkUscc, hasFullPhone, maskPhones, maskUscc } from "./privacy";
import { ruleDef } from "./rules";
import { a1, headerInfo, parseRange, TABLES, type ColumnDef, type FoundTable, type TableKind } from "./schema";
import type { CellValue, Day, Finding } from "./types";

/** One column read: numbers (days, amounts, fractions) or strings; null where blank or unreadable. */
export interface ReadColumn {
  def: ColumnDef;
  header: string;
  /** 1-based sheet column. */
  col: number;
  num: Float64Array | null;
  str: (string | null)[] | null;
}

/** A table read into columns; `rowNumbers[i]` is the sheet row of entry i. */
export interface ReadTable {
  found: FoundTable;
  columns: Map<string, ReadColumn>;
  length: number;
  /**
   * A customers table's required columns and its ids: 1 where the raw cell was blank (not merely unreadable), for
   * the required checks over the merged customers (tables.ts), made once the raw cells may be gone.
   */
  blank: Map<string, Uint8Array>;
}

/**
 * Columns whose dates record something that already happened: they may not lie after the as-of date, and a detail
 * row dated after it is left out of every fact (DOMAIN.md section 1). An order's date is one; a key date's is not.
 */
const PAST_ONLY = new Set(["firstContact", "stageEntered", "lastOrder", "lastInteraction", "coopStart", "terminatedOn", "time", "created", "completedOn"]);
const PAST_ONLY_OF: Partial<Record<TableKind, ReadonlySet<string>>> = { orders: new Set(["date"]) };
const pastOnly = (kind: TableKind, key: string) => PAST_ONLY.has(key) || PAST_ONLY_OF[kind]?.has(key) === true;
const CONTACT_KEYS = new Set(["contact", "channel"]);

/**
 * Reads a table's cells into columns, with their findings. `done(i)`, when given, is told as soon as row i has been
 * read: the caller may let its raw cells go then (a million rows' cell arrays need not wait for the columns).
 */
export function readTable(t: FoundTable, asOf: Day, date1904: boolean, findings: Finding[], done?: (i: number) => void): ReadTable {
  const def = TABLES[t.kind];
  const columns = new Map<string, ReadColumn>();
  const n = t.rows.length;
  const offsets: number[] = [];
  const readers: ((i: number, v: CellValue) => void)[] = [];
  for (const c of def.columns) {
    const offset = t.match.columns.get(c.key);
    if (offset === undefined) continue;
    const rc: ReadColumn = { def: c, header: headerInfo(t.header[offset]).raw, col: t.firstCol + offset, num: null, str: null };
    columns.set(c.key, rc);
    offsets.push(offset);
    readers.push(columnReader(t, rc, offset, n, asOf, date1904, findings));
  }
  // Row by row, every column of a row in turn: each row is an array of its own in memory, and going down one
  // column at a time fetched every one of a million rows again for each column.
  const m = readers.length;
  // A required cell left blank (an unreadable one has its own finding), checked on the raw cells while they are here.
  const required = TABLES[t.kind].columns.filter((c) => c.required && t.kind !== "customers" && columns.has(c.key)).map((c) => columns.get(c.key)!);
  // A customers table's: which cells were blank, kept for the checks over all customers tables merged.
  const blank = new Map<string, Uint8Array>();
  if (t.kind === "customers") for (const c of def.columns) if ((c.required || c.key === "id") && columns.has(c.key)) blank.set(c.key, new Uint8Array(n));
  const blanks = [...blank].map(([key, marks]) => ({ offset: columns.get(key)!.col - t.firstCol, marks }));
  for (let i = 0; i < n; i++) {
    const row = t.rows[i];
    for (let k = 0; k < m; k++) readers[k](i, row[offsets[k]]);
    for (const rc of required) {
      // A rule that may be left blank (the RFM breaks: blank = quintiles, as its description says) is not missing.
      if (t.kind === "rules" && rc.def.key === "value" && blankAllowed(row[columns.get("key")!.col - t.firstCol])) continue;
      if (isBlank(row[rc.col - t.firstCol])) findings.push(makeFinding("REQUIRED_MISSING", { sheet: t.sheet, row: t.rowNumbers[i], column: rc.header, address: a1(t.sheet, t.rowNumbers[i], rc.col) }, {}));
    }
    for (const b of blanks) if (isBlank(row[b.offset])) b.marks[i] = 1;
    done?.(i);
  }
  const rt: ReadTable = { found: t, columns, length: n, blank };
  tableChecks(rt, findings);
  return rt;
}

/** Reads the cell of row i of one column into rc's array (made here), with the cell's findings. */
function columnReader(t: FoundTable, rc: ReadColumn, offset: number, n: number, asOf: Day, date1904: boolean, findings: Finding[]): (i: number, v: CellValue) => void {
  const c = rc.def;
  const info = headerInfo(t.header[offset]);
  const place = (i: number) => ({ sheet: t.sheet, row: t.rowNumbers[i], column: info.raw, address: a1(t.sheet, t.rowNumbers[i], rc.col) });
  const report = (i: number, p: Extract<Parsed<unknown>, { blank: false }>, extra: Record<string, string | number> = {}) =>
    findings.push(makeFinding(p.problem, place(i), { val: p.raw, choices: typeof c.type === "object" ? ENUM_CHOICES[c.type.enum].join("/") : "", ...extra }));
  const type = c.type;
  if (typeof type === "object" || type === "text" || type === "uscc" || type === "contact" || type === "tags") {
    const str: (string | null)[] = (rc.str = new Array(n).fill(null));
    if (typeof type === "object" && type.enum === "coreTags") {
      return (i, v) => {
        // A multi-choice cell: every listed tag must be a known one.
        const p = parseText(v);
        if (!p.ok) { if (!p.blank) report(i, p); return; }
        const bad = splitList(p.value).filter((x) => !ENUM_LOOKUPS.coreTags.has(x.toLowerCase()));
        if (bad.length > 0) report(i, { ok: false, blank: false, problem: "BAD_ENUM", raw: bad.join("、") });
        str[i] = p.value;
      };
    }
    if (typeof type === "object") {
      const lookup = ENUM_LOOKUPS[type.enum];
      return (i, v) => {
        const p = parseEnum(v, lookup);
        if (p.ok) str[i] = p.value;
        else if (!p.blank) report(i, p);
      };
    }
    const contact = CONTACT_KEYS.has(c.key);
    return (i, v) => {
      const p = parseText(v);
      if (!p.ok) { if (!p.blank) report(i, p); return; }
      str[i] = p.value;
      if (type === "uscc") {
        const chk = checkUscc(p.value);
        if (!chk.valid) findings.push(makeFinding("BAD_USCC", place(i), { val: maskUscc(p.value), reason: chk.reasonZh, reasonEn: chk.reasonEn }));
      }
      if (contact && hasFullPhone(p.value)) findings.push(makeFinding("UNMASKED_PHONE", place(i), { val: maskPhones(p.value).text }));
    };
  }
  const num = (rc.num = new Float64Array(n).fill(NaN));
  const isDate = type === "date" || type === "datetime";
  const future = isDate && pastOnly(t.kind, c.key);
  return (i, v) => {
    // Fast paths without a result object per cell: dates held as serials or Dates, non-negative amounts.
    if (isDate) {
      const d = quickDays(v, date1904, type === "datetime");
      if (!Number.isNaN(d)) {
        num[i] = d;
        if (future && Math.floor(d) > asOf) findings.push(makeFinding("FUTURE_DATE", place(i), { val: formatDay(Math.floor(d)), asOf: formatDay(asOf) }));
        return;
      }
    } else if (type === "money" && typeof v === "number" && v >= 0 && v * info.unit <= MAX_AMOUNT) {
      num[i] = roundCents(v * info.unit);
      return;
    }
    if (isBlank(v)) return;
    const p = readNumeric(type, v, info.unit, info.percent, date1904);
    if (!p.ok) {
      if (!p.blank) report(i, p, { range: RANGE_TEXT[type as string] ?? "" });
      return;
    }
    num[i] = p.value;
    if (future && Math.floor(p.value) > asOf) findings.push(makeFinding("FUTURE_DATE", place(i), { val: formatDay(Math.floor(p.value)), asOf: formatDay(asOf) }));
  };
}

const RANGE_TEXT: Record<string, string> = { percent: "0%–100%", score5: "0–5", count: "≥ 0", years: "≥ 0" };

function readNumeric(type: string, v: Parameters<typeof parseMoney>[0], unit: number, percentCol: boolean, date1904: boolean): Parsed<number> {
  switch (type) {
    case "date": {
      const p = parseDateTime(v, date1904);
      return p.ok ? { ok: true, value: p.value.day } : p;
    }
    case "datetime": {
      // Day plus the time of day as a fraction, so interactions on one day keep their order.
      const p = parseDateTime(v, date1904);
      return p.ok ? { ok: true, value: p.value.day + (p.value.minutes ?? 0) / 1440 } : p;
    }
    case "money":
      return parseMoney(v, unit);
    case "percent":
      return parsePercent(v, { percentColumn: percentCol });
    case "signedPercent":
      return parsePercent(v, { percentColumn: percentCol, min: -10, max: 100 });
    case "score5":
      return parseNumber(v, { min: 0, max: 5 });
    case "count":
      return parseNumber(v, { min: 0, integer: true });
    case "years":
      return parseYears(v);
    default:
      return parseNumber(v);
  }
}

/** Row-level and table-level checks: required fields, duplicate IDs, date order, merged cells, blank rows. */
function tableChecks(rt: ReadTable, findings: Finding[]): void {
  const t = rt.found;
  const def = TABLES[t.kind];
  const tableVars = { table: def.labelZh, tableEn: def.labelEn };
  const headerPlace = (column: string) => ({ sheet: t.sheet, row: t.headerRow, column, address: a1(t.sheet, t.headerRow, t.firstCol) });

  for (const c of def.columns) {
    // A customers table's required columns are checked over the merged customers (tables.ts): a 分类表 beside
    // the 周期表 need not repeat 联系人.
    if (!c.required || t.kind === "customers") continue;
    const rc = rt.columns.get(c.key);
    // Its blank cells were found as the rows were read (readTable).
    if (!rc) findings.push(makeFinding("COLUMN_MISSING", headerPlace(c.aliases[0]), { ...tableVars, colEn: c.labelEn }));
  }
  if (t.kind !== "customers" && t.kind !== "plan" && t.kind !== "rules" && !rt.columns.has("customerId") && !rt.columns.has("customerName")) {
    findings.push(makeFinding("COLUMN_MISSING", headerPlace("客户编号"), { ...tableVars, colEn: "Customer ID" }));
  }

  if (t.kind === "customers") {
    const ids = rt.columns.get("id");
    if (ids?.str) {
      const seen = new Map<string, number>();
      ids.str.forEach((id, i) => {
        if (id === null) return;
        const key = id.toUpperCase();
        const first = seen.get(key);
        if (first === undefined) seen.set(key, t.rowNumbers[i]);
        else findings.push(makeFinding("DUPLICATE_ID", { sheet: t.sheet, row: t.rowNumbers[i], column: ids.header, address: a1(t.sheet, t.rowNumbers[i], ids.col) }, { val: id, first }));
      });
    }
    dateOrder(rt, "stageEntered", "firstContact", findings);
    dateOrder(rt, "terminatedOn", "firstContact", findings);
  }
  if (t.kind === "tasks" || t.kind === "plan") dateOrder(rt, "due", t.kind === "plan" ? "start" : "created", findings);

  // Merged ranges that reach into the data rows (title blocks above the header are fine).
  const lastRow = t.rowNumbers.length ? t.rowNumbers[t.rowNumbers.length - 1] : t.headerRow;
  const right = t.firstCol + t.header.length - 1;
  for (const ref of t.merged ?? []) {
    const rg = parseRange(ref);
    if (!rg || rg.bottom <= t.headerRow || rg.top > lastRow || rg.right < t.firstCol || rg.left > right) continue;
    if (rg.top === rg.bottom && rg.left === rg.right) continue;
    const inHeader = rg.top <= t.headerRow;
    const colOffset = Math.max(rg.left, t.firstCol) - t.firstCol;
    findings.push(makeFinding("MERGED_CELL", { sheet: t.sheet, row: inHeader ? t.headerRow : rg.top, column: cellText(t.header[colOffset]), address: a1(t.sheet, Math.max(rg.top, t.headerRow), Math.max(rg.left, t.firstCol)) }, { range: ref }));
  }

  if (t.blankRows.length > 0) {
    const rows = t.blankRows.length > 8 ? `${t.blankRows.slice(0, 8).join("、")}…` : t.blankRows.join("、");
    findings.push(makeFinding("BLANK_ROWS", { sheet: t.sheet, row: t.blankRows[0], column: "", address: a1(t.sheet, t.blankRows[0], t.firstCol) }, { ...tableVars, count: t.blankRows.length, rows }));
  }
}

function dateOrder(rt: ReadTable, laterKey: string, earlierKey: string, findings: Finding[]): void {
  const later = rt.columns.get(laterKey);
  const earlier = rt.columns.get(earlierKey);
  if (!later?.num || !earlier?.num) return;
  const t = rt.found;
  for (let i = 0; i < rt.length; i++) {
    const a = Math.floor(later.num[i]);
    const b = Math.floor(earlier.num[i]);
    if (a < b) {
      findings.push(
        makeFinding("DATE_ORDER", { sheet: t.sheet, row: t.rowNumbers[i], column: later.header, address: a1(t.sheet, t.rowNumbers[i], later.col) }, { val: formatDay(a), otherCol: earlier.header, other: formatDay(b) }),
      );
    }
  }
}

/** The cell texts of a string column split into lower-cased words, for tag and keyword checks. */
export function textHas(s: string | null | undefined, words: readonly string[]): boolean {
  if (!s) return false;
  const t = normalizeText(s).toLowerCase();
  return words.some((w) => t.includes(w));
}

/** A rules-table key whose value may be left blank: a rule whose default is none (the RFM breaks). */
function blankAllowed(key: CellValue): boolean {
  return typeof key === "string" && ruleDef(key.trim())?.value === null;
}
