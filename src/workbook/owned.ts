// What the product owns in a user's workbook — the only places any face writes (ARCHITECTURE.md, "Never lose
// the user's data"): its marked result columns at the right of the customers table, its own sheets, and the
// conditional-format rules it created. Pure data and functions, shared by the exceljs and Office.js adapters.
import {
  CLOSENESS_LABEL, FINDINGS_SHEET, isOwnedSheet, OWNED_MARK, REVIEW_SHEET_PREFIX, RISK_LABEL, STAGE_LABEL, STAGES, TIER_LABEL, UNDETERMINED, VALUE_TIER_LABEL, WARNING_LABEL,
  type CustomerResult, type Finding, type PipelineResult, type Rules, type TableSummary,
} from "../core";

// The owned sheet names live in the engine, which must not read them as user tables.
export { OWNED_MARK, REVIEW_SHEET_PREFIX, FINDINGS_SHEET, isOwnedSheet };

/** The role of the findings sheet among the product's own sheets (review sheets: `review.…`, review-sheets.ts). */
export const FINDINGS_ROLE = "findings";

/**
 * The product's marks, the same in every face: workbook-scoped hidden defined names that refer to what it wrote.
 * `_CRM_SHEET_<role>` refers to `'<sheet>'!$A$1` of each of its own sheets; `_CRM_RESULTS` to the ◆ result
 * columns, header row to last data row. Excel keeps them right when sheets are renamed, moved or copied (a copy
 * is the user's: the workbook-scoped name still refers to the original) and when rows or columns are inserted,
 * so the product finds its output by them, never by a sheet's name.
 */
export const MARK_SHEET = "_CRM_SHEET_";
export const MARK_RESULTS = "_CRM_RESULTS";

/**
 * The results mark of the k-th customers table written to (0-based): `_CRM_RESULTS` for the first, `_CRM_RESULTS_2`
 * … for the others (merged customers tables, DOMAIN.md section 1: a customer found only in a later table gets its
 * results there). A defined name cannot span sheets, so each table has its own.
 */
export function resultsMarkName(k: number): string {
  return k === 0 ? MARK_RESULTS : `${MARK_RESULTS}_${k + 1}`;
}

/** A results mark's name (`_CRM_RESULTS`, `_CRM_RESULTS_2` …), compared as Excel does, without regard to case. */
export function isResultsMark(name: string): boolean {
  return new RegExp(`^${MARK_RESULTS}(_\\d+)?$`, "i").test(name);
}

/** Marks the product's conditional-format formulas (N("…") is 0, so the rule's meaning is unchanged). */
export const OWNED_RULE_MARK = 'N("CRM◆")=0';

export type OwnedValue = string | number | null;

export interface OwnedColumn {
  key: string;
  /** Header as written (under the default rules): the mark, the Chinese name, the English name. */
  header: string;
  /** Header as written under these rules, for a column that names a rule's value (the horizon); else `header`. */
  headerFor?(rules: Rules): string;
  /** Whether a header cell's (trimmed) text is this column's, whatever the rule's value was when it was written. */
  matches(text: string): boolean;
  labelZh: string;
  labelEn: string;
  width: number;
  /** Labels a user may pick from (a data-validation list), when the column is an enumeration. */
  choices?: readonly string[];
  /** Excel number format for numbers and dates. */
  numFmt?: string;
  /** The values are `YYYY-MM-DD` days, written as real dates so filters and rules compare them. */
  isDate?: boolean;
  value(c: CustomerResult): OwnedValue;
}

const col = (key: string, labelZh: string, labelEn: string, width: number, value: (c: CustomerResult) => OwnedValue, extra: Partial<OwnedColumn> = {}): OwnedColumn => {
  const header = `${OWNED_MARK}${labelZh} ${labelEn}`;
  return { key, labelZh, labelEn, header, width, value, matches: (text) => text === header, ...extra };
};

/** The expected-purchases header names the horizon in force (rule bgnbd.horizonDays, 90 by default). */
const purchasesHeader = (days: number) => `${OWNED_MARK}预计购买次数(${days}天) Expected purchases (${days} days)`;
const PURCHASES_HEADER = new RegExp(`^${OWNED_MARK}预计购买次数\\(\\d+天\\) Expected purchases \\(\\d+ days\\)$`);

const labels = (table: Record<string, { zh: string }>) => Object.values(table).map((l) => l.zh);

/** The derived columns `apply` writes, in order (DOMAIN.md sections 4–7). */
export const OWNED_COLUMNS: readonly OwnedColumn[] = [
  col("stage", "周期阶段", "Stage", 16, (c) => c.stage, { choices: [...STAGES.map((s) => STAGE_LABEL[s].zh), UNDETERMINED] }),
  col("stageRule", "判定依据", "Rule", 40, (c) => `${c.stageRule}：${c.stageReason}`),
  col("score", "评分", "Score", 10, (c) => c.score, { numFmt: "0.0" }),
  col("tier", "评分等级", "Tier", 14, (c) => c.tier, { choices: labels(TIER_LABEL) }),
  col("valueTier", "价值分级", "Value tier", 14, (c) => c.valueTier, { choices: labels(VALUE_TIER_LABEL) }),
  col("closeness", "亲密度", "Closeness", 12, (c) => c.closeness, { choices: labels(CLOSENESS_LABEL) }),
  col("tags", "标签", "Tags", 24, (c) => (c.tags.length > 0 ? c.tags.join("、") : null)),
  col("riskLevel", "风险等级", "Risk", 12, (c) => c.riskLevel, { choices: labels(RISK_LABEL) }),
  col("nextFollowUp", "下次跟进", "Next follow-up", 14, (c) => c.nextFollowUp, { numFmt: "yyyy-mm-dd", isDate: true }),
  col("warnings", "预警", "Warnings", 30, (c) => (c.warnings.length > 0 ? c.warnings.map((w) => `${w} ${WARNING_LABEL[w]?.zh ?? ""}`.trim()).join("；") : null)),
  // Churn probability and lifetime value (DOMAIN.md section 8b): blank without orders or without a fit.
  col("pAlive", "存活概率", "P(alive)", 12, (c) => c.bgnbd?.pAlive ?? null, { numFmt: "0.0%" }),
  col("expectedPurchases", "预计购买次数(90天)", "Expected purchases (90 days)", 16, (c) => c.bgnbd?.expectedPurchases ?? null, {
    numFmt: "0.00", headerFor: (rules) => purchasesHeader(rules.num("bgnbd.horizonDays")), matches: (text) => PURCHASES_HEADER.test(text),
  }),
  col("clv", "预计价值", "Expected value", 14, (c) => c.bgnbd?.clv ?? null, { numFmt: "#,##0.00" }),
];

/** The header an owned column is written with under these rules. */
export function ownedHeader(def: OwnedColumn, rules: Rules): string {
  return def.headerFor ? def.headerFor(rules) : def.header;
}

/** The owned column whose header a cell holds, if any. */
export function ownedColumnOf(text: unknown): OwnedColumn | undefined {
  return typeof text === "string" ? OWNED_COLUMNS.find((d) => d.matches(text.trim())) : undefined;
}

/** Where the owned columns go: the table they extend and the first column they occupy. */
export interface OwnedLayout {
  table: TableSummary;
  /** Sheet column of each owned column, by key. */
  columns: Record<string, number>;
  firstDataRow: number;
  lastDataRow: number;
}

/**
 * Places the owned columns: where the header row already holds them (a re-run), in the same columns;
 * otherwise right of the user's table, at the first run of columns that are empty over the table's rows
 * (directly adjacent unless the user keeps something there: a note beside the table is never overwritten).
 * `headerRow` is the table's header row as read from the sheet (sheet column c at index c - 1);
 * `hasData(col)` tells whether a column holds anything from the header row to the table's last row.
 */
/**
 * The customers tables results are written to, in sheet order: each used one that is the first table of some
 * customer (its home), the first such table of a sheet only. Customers of a second table stacked on the same sheet
 * are in the report but get no ◆ columns (decision: one set of result columns per sheet).
 */
export function resultTables(result: PipelineResult): TableSummary[] {
  const homes = new Set<string>();
  for (let i = 0; i < result.summary.rows; i++) homes.add(result.customerSheet(i));
  const out: TableSummary[] = [];
  for (const t of result.tables) if (t.kind === "customers" && t.used && homes.has(t.sheet) && !out.some((o) => o.sheet === t.sheet)) out.push(t);
  return out;
}

export function ownedLayout(result: PipelineResult, table: TableSummary | undefined, headerRow: readonly unknown[], hasData: (col: number) => boolean = () => false): OwnedLayout | null {
  if (!table) return null;
  const existing = new Map<string, number>();
  headerRow.forEach((h, i) => {
    const def = ownedColumnOf(h);
    if (def && i + 1 > table.lastCol && !existing.has(def.key)) existing.set(def.key, i + 1);
  });
  const columns: Record<string, number> = {};
  const missing = OWNED_COLUMNS.filter((c) => !existing.has(c.key));
  let next = Math.max(table.lastCol, ...existing.values()) + 1;
  const free = (c: number) => !hasData(c) || [...existing.values()].includes(c);
  for (let tries = 0; missing.length > 0 && tries < 16_384; tries++) {
    let ok = true;
    for (let k = 0; k < missing.length; k++) if (!free(next + k)) ok = false;
    if (ok) break;
    next++;
  }
  for (const c of OWNED_COLUMNS) columns[c.key] = existing.get(c.key) ?? next++;
  return { table, columns, firstDataRow: table.headerRow + 1, lastDataRow: table.lastRow };
}

/** Excel's last column, XFD. */
export const EXCEL_LAST_COLUMN = 16_384;

/** The owned columns would run past Excel's last column: the sheet has no room right of the table. */
export function layoutFits(layout: OwnedLayout): boolean {
  return Math.max(...Object.values(layout.columns)) <= EXCEL_LAST_COLUMN;
}

/** Why apply refused a table with no room for its result columns, for every face. */
export const NO_ROOM = {
  zh: "客户表右侧没有空列可写入结果列（工作表已用到最后一列 XFD）；请删除表格右侧、工作表末端不用的单元格后重试",
  en: "There is no room right of the customers table for the result columns (the sheet is used up to its last column, XFD); clear the unused cells at the sheet's right edge and retry",
};

/** Thrown by a writer asked to place the owned columns past XFD (the message is NO_ROOM's). */
export class NoRoomError extends Error {
  constructor() {
    super(NO_ROOM.en);
  }
}

/** Owned values by sheet row: one array per owned column, indexed by (row - firstDataRow). Rows without a customer stay null. */
export function ownedValues(result: PipelineResult, layout: OwnedLayout): Record<string, OwnedValue[]> {
  const height = layout.lastDataRow - layout.firstDataRow + 1;
  const out: Record<string, OwnedValue[]> = {};
  for (const c of OWNED_COLUMNS) out[c.key] = new Array<OwnedValue>(Math.max(0, height)).fill(null);
  for (const cust of result.customers) {
    if (cust.sheet !== layout.table.sheet) continue;
    const i = cust.row - layout.firstDataRow;
    if (i < 0 || i >= height) continue;
    for (const c of OWNED_COLUMNS) out[c.key][i] = c.value(cust);
  }
  return out;
}

/** The highlight rules: the row colour of at-risk and churned customers and the overdue follow-up date. */
export interface HighlightRule {
  key: "atRisk" | "churned" | "overdue";
  labelZh: string;
  labelEn: string;
  /** Fill colour, ARGB. */
  fill: string;
  font: string;
  /** Whole table rows (user columns + owned columns) or only the owned next-follow-up column. */
  scope: "rows" | "nextFollowUp";
  /** Formula relative to the first data row, e.g. `$Q4="流失客户"`. */
  formula(columnLetterOf: (key: string) => string, firstDataRow: number, asOf: string): string;
}

export const HIGHLIGHT_RULES: readonly HighlightRule[] = [
  {
    key: "churned", labelZh: "流失客户", labelEn: "Churned", fill: "FFF2DCDB", font: "FF9C0006", scope: "rows",
    formula: (L, r) => `AND($${L("stage")}${r}="${STAGE_LABEL.churned.zh}",${OWNED_RULE_MARK})`,
  },
  {
    key: "atRisk", labelZh: "流失风险客户", labelEn: "At risk", fill: "FFFFEB9C", font: "FF9C5700", scope: "rows",
    formula: (L, r) => `AND($${L("stage")}${r}="${STAGE_LABEL.atRisk.zh}",${OWNED_RULE_MARK})`,
  },
  {
    key: "overdue", labelZh: "跟进逾期", labelEn: "Follow-up overdue", fill: "FFFFC7CE", font: "FF9C0006", scope: "nextFollowUp",
    formula: (L, r, asOf) => {
      const [y, m, d] = asOf.split("-").map(Number);
      return `AND(ISNUMBER($${L("nextFollowUp")}${r}),$${L("nextFollowUp")}${r}<DATE(${y},${m},${d}),${OWNED_RULE_MARK})`;
    },
  },
];

/** The findings sheet's header, column widths (characters) and one finding's row, for every face's writer. */
export const FINDINGS_HEADER = ["严重性 Severity", "代码 Code", "位置 Cell", "工作表 Sheet", "行 Row", "列 Column", "问题", "修改建议", "Problem", "Fix"] as const;
export const FINDINGS_WIDTHS = [10, 18, 16, 12, 7, 14, 48, 40, 48, 40] as const;
const SEVERITY_ZH: Record<string, string> = { error: "错误", warning: "警告", info: "提示" };

/**
 * A finding as the findings sheet shows it: the address column (index 2) is a HYPERLINK formula (without the
 * leading `=`) with its text, or null for a workbook-level finding.
 */
export function findingRow(f: Finding): (string | number | null | { formula: string; text: string })[] {
  return [SEVERITY_ZH[f.severity] ?? f.severity, f.code, findingLink(f), f.sheet || null, f.row || null, f.column || null, f.message, f.fix, f.messageEn, f.fixEn];
}

/** `HYPERLINK("#'Sheet'!B7","Sheet!B7")`: a link to the finding's cell that every reader keeps internal. */
export function findingLink(f: Finding): { formula: string; text: string } | null {
  if (!f.address) return null;
  const ref = f.address.slice(f.address.lastIndexOf("!") + 1);
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return { formula: `HYPERLINK(${q(`#'${f.sheet.replace(/'/g, "''")}'!${ref}`)},${q(f.address)})`, text: f.address };
}

/** A formula the product wrote for its own conditional formatting. */
export function isOwnedRuleFormula(formula: string): boolean {
  return formula.includes(OWNED_RULE_MARK);
}

/** Text that a spreadsheet could take for a formula (formula injection): `= + - @`, tab, CR. */
export function looksLikeFormula(s: string): boolean {
  return /^[=+\-@\t\r]/.test(s);
}
