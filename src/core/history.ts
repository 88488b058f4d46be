// The history sheet 「CRM变更历史」 (DOMAIN.md section 8a): what changed for each customer, when and why. Each apply
// appends one row per customer and field whose value differs from that customer's latest row; the engine reads
// the rows back for the day a customer entered its stage and tier (W2, W7), the review's monthly moves and each
// customer's timeline. Damaged rows are BAD_HISTORY findings and are skipped, never fatal.
import { formatDay } from "./dates";
import { makeFinding } from "./findings";
import { CORE_TAG_LABEL, RISK_LABEL, STAGE_LABEL, STAGES, TIER_LABEL, UNDETERMINED, VALUE_TIER_LABEL, type Stage } from "./labels";
import { cellText, isBlank, isCellError, normalizeText, parseDate } from "./parse";
import { a1, columnLetter } from "./schema";
import type { CustomerResult } from "./results";
import { maskText } from "./privacy";
import { nameKey, type Customers } from "./tables";
import type { CellValue, Day, Finding, SheetModel } from "./types";

/** Its name: schema.ts keeps the same one in isOwnedSheet (the engine never reads it as a user table). */
export const HISTORY_SHEET = "CRM变更历史";
/** The history sheet's role among the product's own sheets (its mark, `_CRM_SHEET_history`). */
export const HISTORY_ROLE = "history";
export const HISTORY_HEADER = ["日期 Date", "客户编号 Customer ID", "客户名称 Customer", "字段 Field", "旧值 Old value", "新值 New value", "依据 Reason"] as const;
export const HISTORY_WIDTHS = [12, 16, 24, 12, 16, 16, 60] as const;
/** Excel's last row: a history sheet holds at most this many rows, its header included. */
export const SHEET_LAST_ROW = 1_048_576;

export type HistoryFieldKey = "stage" | "tier" | "valueTier" | "riskLevel";

export interface HistoryField {
  key: HistoryFieldKey;
  /** As the 字段 cell says it: the name of the ◆ column the value is in. */
  zh: string;
  en: string;
  /** The values the field takes, as the results report them (Chinese labels). */
  values: readonly string[];
}

const zhOf = (t: Record<string, { zh: string }>) => Object.values(t).map((l) => l.zh);

/** Rows a customer not yet in the history gets at least: its stage and its risk level always have a value. */
export const FIRST_ROWS_AT_LEAST = 2;

/** The fields history keeps, in the order their rows are written for one customer. */
export const HISTORY_FIELDS: readonly HistoryField[] = [
  { key: "stage", zh: "周期阶段", en: "Stage", values: [...STAGES.map((s) => STAGE_LABEL[s].zh), UNDETERMINED] },
  { key: "tier", zh: "评分等级", en: "Tier", values: zhOf(TIER_LABEL) },
  { key: "valueTier", zh: "价值分级", en: "Value tier", values: zhOf(VALUE_TIER_LABEL) },
  { key: "riskLevel", zh: "风险等级", en: "Risk", values: zhOf(RISK_LABEL) },
];
const FIELD_COUNT = HISTORY_FIELDS.length;

/** Value codes: an index into the field's values, or one of these. */
const NO_ROW = 255;
const BLANK = 254;

/** A field's value as a code (BLANK for none). */
export function historyCode(field: number, value: string | null): number {
  if (value === null || value === "") return BLANK;
  const k = HISTORY_FIELDS[field].values.indexOf(value);
  return k < 0 ? BLANK : k;
}

function valueOf(field: number, code: number): string | null {
  return code === BLANK || code === NO_ROW ? null : HISTORY_FIELDS[field].values[code];
}

/** The field a 字段 cell names: its Chinese or English name, or its key. */
const FIELD_BY_NAME = new Map<string, number>();
HISTORY_FIELDS.forEach((f, k) => {
  for (const n of [f.zh, f.en, f.key, `${f.zh} ${f.en}`]) FIELD_BY_NAME.set(normalizeText(n).toLowerCase(), k);
});

/** One row of a customer's timeline. */
export interface HistoryEntry {
  date: string;
  field: HistoryFieldKey;
  fieldZh: string;
  fieldEn: string;
  from: string | null;
  to: string | null;
  reason: string;
  /** The row of the history sheet it is on. */
  row: number;
}

/** The day a customer took on its current value of a field, as far as the history knows. */
export interface Entered {
  day: Day;
  /**
   * The day it changed, as the run that first saw the change recorded it; false when the customer's first
   * history rows are that day (it already had the value when the history began: the true day is that day or before).
   */
  exact: boolean;
}

export interface History {
  sheet: string;
  /** The sheet row of the history's last row (the header's when it has none): apply appends below it. */
  lastRow: number;
  /** Rows read and used. */
  rows: number;
  /** Rows dated after the as-of date (a later run's): apply appends nothing then, since the history runs forward only. */
  laterRows: number;
  /** Customers of the book with at least one row. */
  customersRecorded: number;
  /** The header is not the product's: nothing is read, and nothing is appended. */
  unreadable: boolean;
  /** The day customer c took on `value` of field f: null when the history cannot say. */
  entered(c: number, f: HistoryFieldKey, value: string | null, D: Day): Entered | null;
  /** The latest value history has for customer c's field f: undefined when it has no row for it. */
  latest(c: number, f: HistoryFieldKey): string | null | undefined;
  /** The day customer c's latest exact move into `stage` was recorded (NaN: none). */
  movedInto(c: number, stage: Stage): Day;
  /** The day customer c's first exact move from before 成交 into 成交 or a later stage was recorded (NaN: none). */
  reachedWon(c: number): Day;
  /** Customer c's rows, oldest first. */
  timeline(c: number): HistoryEntry[];
}

/** The history sheet of a book, if it has one: by the product's mark, else by its name and header (a face without marks). */
export function historySheet(sheets: readonly SheetModel[]): SheetModel | undefined {
  return sheets.find((s) => s.role === HISTORY_ROLE) ?? sheets.find((s) => s.role === undefined && s.owned === undefined && s.name === HISTORY_SHEET && isHistoryHeader(s.cells[0] ?? []));
}

export function isHistoryHeader(row: readonly CellValue[]): boolean {
  return HISTORY_HEADER.every((h, k) => typeof row[k] === "string" && normalizeText(row[k] as string) === normalizeText(h));
}

/**
 * Reads the history sheet's rows. A row is skipped, with a BAD_HISTORY finding at its cell, when its date is not a
 * date, it names no customer, its field is not one history keeps or its new value is not one of the field's; a
 * row of a customer no longer in the book, or dated after D, is skipped without one (neither is damage). `release`
 * lets each raw row go once read.
 */
export function readHistory(sheet: SheetModel, cust: Customers | null, D: Day, date1904: boolean, findings: Finding[], release = false): History {
  const r0 = sheet.originRow ?? 1;
  const c0 = sheet.originCol ?? 1;
  const cells = sheet.cells;
  const n = cust?.length ?? 0;
  const place = (row: number, col: number, header: string) => ({ sheet: sheet.name, row, column: header, address: a1(sheet.name, row, col) });
  const bad = (row: number, k: number, zh: string, en: string) =>
    findings.push(makeFinding("BAD_HISTORY", place(row, c0 + k, HISTORY_HEADER[k]), { reason: zh, reasonEn: en }));
  let lastRow = r0;
  for (let i = cells.length - 1; i >= 0; i--) {
    if ((cells[i] ?? []).some((v) => !isBlank(v))) {
      lastRow = r0 + i;
      break;
    }
  }
  const empty = makeHistory(sheet.name, lastRow, n, [], [], [], [], [], [], [], 0);
  if (!isHistoryHeader(cells[0] ?? [])) {
    findings.push(makeFinding("BAD_HISTORY", place(r0, c0, ""), {
      reason: "表头已被修改,整张变更历史未读取,本次也不追加", reasonEn: "its header was changed: the history is not read, and nothing is appended to it", fix: "把第一行恢复为产品写入的表头(日期 Date、客户编号 Customer ID …),或删除此工作表重新开始记录", fixEn: "Restore the first row to the header the product wrote (日期 Date, 客户编号 Customer ID …), or delete the sheet to start the history again",
    }));
    return { ...empty, unreadable: true };
  }
  const day: number[] = [];
  const who: number[] = [];
  const field: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const reason: string[] = [];
  const rowOf: number[] = [];
  let later = 0;
  for (let i = 1; i < cells.length; i++) {
    const cs = cells[i] ?? [];
    const r = r0 + i;
    if (release) cells[i] = [];
    if (cs.every((v) => isBlank(v))) continue;
    const v = (k: number): CellValue => cs[k];
    const d = parseDate(v(0), date1904);
    if (!d.ok) {
      bad(r, 0, d.blank ? "日期为空" : `日期“${cellText(v(0))}”无法识别`, d.blank ? "the date is empty" : `the date "${cellText(v(0))}" is not a date`);
      continue;
    }
    const text = (k: number) => (isBlank(v(k)) || isCellError(v(k)) ? null : normalizeText(cellText(v(k))));
    const id = text(1);
    const name = text(2);
    if (id === null && name === null) {
      bad(r, 1, "未写客户编号或客户名称", "it names no customer (客户编号 or 客户名称)");
      continue;
    }
    const f = FIELD_BY_NAME.get((text(3) ?? "").toLowerCase());
    if (f === undefined) {
      bad(r, 3, `字段“${cellText(v(3))}”不是变更历史记录的字段(${HISTORY_FIELDS.map((x) => x.zh).join("、")})`, `the field "${cellText(v(3))}" is not one the history keeps (${HISTORY_FIELDS.map((x) => x.en).join(", ")})`);
      continue;
    }
    const newText = text(5);
    const code = newText === null ? BLANK : HISTORY_FIELDS[f].values.indexOf(newText);
    if (code < 0) {
      bad(r, 5, `新值“${newText}”不是“${HISTORY_FIELDS[f].zh}”的取值`, `the new value "${newText}" is not a value of ${HISTORY_FIELDS[f].en}`);
      continue;
    }
    if (d.value > D) {
      later++;
      continue;
    }
    const c = cust ? customerOf(cust, id, name) : undefined;
    if (c === undefined) continue;
    const oldText = text(4);
    const old = oldText === null ? BLANK : HISTORY_FIELDS[f].values.indexOf(oldText);
    day.push(d.value);
    who.push(c);
    field.push(f);
    from.push(old < 0 ? BLANK : old);
    to.push(code);
    reason.push(text(6) ?? "");
    rowOf.push(r);
  }
  return makeHistory(sheet.name, lastRow, n, day, who, field, from, to, reason, rowOf, later);
}

/**
 * The customer a row names: by 客户编号, else by 客户名称, as detail rows are found; when two customers share the id
 * (a DUPLICATE_ID, each its own customer), the one the row's name names. Else by the masked forms the history writes.
 */
function customerOf(cust: Customers, id: string | null, name: string | null): number | undefined {
  const c = cust.find(id, name);
  if (c !== undefined && id !== null && name !== null) {
    const names = cust.columns.get("name")?.str;
    const byName = cust.find(null, name);
    const ids = cust.columns.get("id")?.str;
    if (byName !== undefined && byName !== c && names && nameKey(names[c] ?? "") !== nameKey(name) && (ids?.[byName] ?? "").toUpperCase() === id.toUpperCase()) return byName;
  }
  return c ?? masked(cust).find(id, name);
}

/**
 * The customers whose id or name the history wrote masked (a full phone number or USCC in it: maskText), by the
 * masked form, made once and only when a row names no customer as written.
 */
const maskedIndexes = new WeakMap<Customers, { find(id: string | null, name: string | null): number | undefined }>();
function masked(cust: Customers): { find(id: string | null, name: string | null): number | undefined } {
  let index = maskedIndexes.get(cust);
  if (index) return index;
  const ids = new Map<string, number>();
  const names = new Map<string, number>();
  const idCol = cust.columns.get("id")?.str;
  const nameCol = cust.columns.get("name")?.str;
  for (let c = 0; c < cust.length; c++) {
    const id = idCol?.[c];
    const name = nameCol?.[c];
    if (id && maskText(id) !== id && !ids.has(maskText(id).toUpperCase())) ids.set(maskText(id).toUpperCase(), c);
    if (name && maskText(name) !== name && !names.has(nameKey(maskText(name)))) names.set(nameKey(maskText(name)), c);
  }
  index = { find: (id, name) => (id ? ids.get(id.toUpperCase()) : undefined) ?? (name ? names.get(nameKey(name)) : undefined) };
  maskedIndexes.set(cust, index);
  return index;
}

function makeHistory(sheet: string, lastRow: number, n: number, day: number[], who: number[], field: number[], from: number[], to: number[], reason: string[], rowOf: number[], later: number): History {
  const m = day.length;
  // Each customer's rows, oldest first (by date, then sheet order: a user's sort of the sheet changes nothing).
  const start = new Int32Array(n + 1);
  for (let j = 0; j < m; j++) start[who[j] + 1]++;
  for (let c = 0; c < n; c++) start[c + 1] += start[c];
  const order = new Int32Array(m);
  const fill = start.slice(0, n);
  for (let j = 0; j < m; j++) order[fill[who[j]]++] = j;
  for (let c = 0; c < n; c++) {
    if (start[c + 1] - start[c] > 1) order.subarray(start[c], start[c + 1]).sort((a, b) => day[a] - day[b] || rowOf[a] - rowOf[b]);
  }
  // Per customer and field: the latest value, the day it was taken on and whether that day is a recorded move.
  const code = new Uint8Array(n * FIELD_COUNT).fill(NO_ROW);
  const since = new Float64Array(n * FIELD_COUNT).fill(NaN);
  const exact = new Uint8Array(n * FIELD_COUNT);
  const firstDay = new Float64Array(n).fill(NaN);
  const intoStage = new Map<number, Float64Array>();
  const reachedWon = new Float64Array(n).fill(NaN);
  const wonOrLater = new Set(["won", "stable", "atRisk", "churned"].map((x) => STAGES.indexOf(x as Stage)));
  for (let c = 0; c < n; c++) {
    for (let k = start[c]; k < start[c + 1]; k++) {
      const j = order[k];
      if (k === start[c]) firstDay[c] = day[j];
      const at = c * FIELD_COUNT + field[j];
      if (code[at] === to[j]) continue;
      const before = code[at];
      code[at] = to[j];
      since[at] = day[j];
      // A move, not the customer's first sighting: the customer has rows from an earlier day.
      exact[at] = day[j] > firstDay[c] ? 1 : 0;
      if (field[j] === 0 && exact[at] && to[j] < STAGES.length) {
        const a = intoStage.get(to[j]) ?? intoStage.set(to[j], new Float64Array(n).fill(NaN)).get(to[j])!;
        a[c] = day[j];
        if (wonOrLater.has(to[j]) && !wonOrLater.has(before) && Number.isNaN(reachedWon[c])) reachedWon[c] = day[j];
      }
    }
  }
  const fieldIndex = (f: HistoryFieldKey) => HISTORY_FIELDS.findIndex((x) => x.key === f);
  let recorded = 0;
  for (let c = 0; c < n; c++) if (start[c + 1] > start[c]) recorded++;
  return {
    sheet, lastRow, rows: m, laterRows: later, customersRecorded: recorded, unreadable: false,
    entered(c, f, value, asOf) {
      const k = fieldIndex(f);
      const at = c * FIELD_COUNT + k;
      if (code[at] !== NO_ROW && code[at] === historyCode(k, value)) return { day: since[at], exact: exact[at] === 1 };
      // A value the history has not recorded yet: taken on since the customer's last run, recorded as of this one.
      return firstDay[c] < asOf ? { day: asOf, exact: true } : null;
    },
    latest(c, f) {
      const k = fieldIndex(f);
      const v = code[c * FIELD_COUNT + k];
      return v === NO_ROW ? undefined : valueOf(k, v);
    },
    movedInto(c, stage) {
      const a = intoStage.get(STAGES.indexOf(stage));
      return a ? a[c] : NaN;
    },
    reachedWon: (c) => reachedWon[c],
    timeline(c) {
      const out: HistoryEntry[] = [];
      for (let k = start[c]; k < start[c + 1]; k++) {
        const j = order[k];
        const f = HISTORY_FIELDS[field[j]];
        out.push({ date: formatDay(day[j]), field: f.key, fieldZh: f.zh, fieldEn: f.en, from: valueOf(field[j], from[j]), to: valueOf(field[j], to[j]), reason: reason[j], row: rowOf[j] });
      }
      return out;
    },
  };
}

/** The values history keeps of one customer, as its results report them. */
export type HistoryValues = Record<HistoryFieldKey, string | null>;

/** One row to append: its seven cells (the date as a day). */
export interface HistoryRow {
  day: Day;
  id: string;
  name: string;
  field: string;
  from: string;
  to: string;
  reason: string;
}

/**
 * The rows apply appends for customer c: one per field whose value differs from the history's latest (a field the
 * history has no row for and that has no value either adds nothing). The first run records every customer.
 */
export function changedFields(history: History | null, c: number, values: HistoryValues): { field: number; fieldZh: string; from: string | null; to: string | null }[] {
  const out: { field: number; fieldZh: string; from: string | null; to: string | null }[] = [];
  HISTORY_FIELDS.forEach((f, k) => {
    const now = values[f.key];
    const before = history ? history.latest(c, f.key) : undefined;
    if (before === undefined ? now === null : before === now) return;
    out.push({ field: k, fieldZh: f.zh, from: before ?? null, to: now });
  });
  return out;
}

/** The 依据 of a row: why the customer's field has its value now, in the words the results use. */
export function historyReason(field: number, r: CustomerResult): string {
  switch (HISTORY_FIELDS[field].key) {
    case "stage":
      return `${r.stageRule}：${r.stageReason}`;
    case "tier":
      return r.score === null ? "无评分(评分指标缺失)" : `评分 ${r.score}`;
    case "valueTier":
      return r.annualPurchase === null ? "年度采购总额未知" : `年度采购总额 ${roundTo(r.annualPurchase / 10_000, 2)}万元`;
    case "riskLevel": {
      const why: string[] = [];
      if (r.stageKey === "churned") why.push("流失客户");
      if (r.stageKey === "atRisk") why.push("流失风险客户");
      for (const w of r.warnings) if (w === "W1" || w === "W2") why.push(`预警 ${w}`);
      if (r.tags.includes(CORE_TAG_LABEL.inactive.zh)) why.push(CORE_TAG_LABEL.inactive.zh);
      if (r.overdue) why.push("跟进逾期");
      if (r.tier === TIER_LABEL.watch.zh) why.push(TIER_LABEL.watch.zh);
      return why.length > 0 ? why.join("、") : "无风险信号";
    }
  }
}

function roundTo(x: number, digits: number): number {
  const p = 10 ** digits;
  return Math.round(x * p) / p;
}

/** The history sheet's column letters, header first (for writers' ranges). */
export const HISTORY_LAST_COLUMN = columnLetter(HISTORY_HEADER.length);
