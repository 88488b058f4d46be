// The review's two PivotTables (industry × value tier, owner × stage) over one staging table of the customers, as
// one description both writers render: the pane through Office.js (ExcelApi 1.8), the command line as pivot cache
// and PivotTable parts with the table already laid out in the cells (src/xlsx/pivots.ts).
import { maskText, STAGE_LABEL, STAGES, VALUE_TIER_LABEL, type PipelineResult } from "../core";
import { REVIEW_SHEET_PREFIX } from "./owned";

/** The staging sheet and the two PivotTable sheets, with roles of their own (found again by their marks). */
export const PIVOT_SHEETS = [
  { role: "review.data", name: `${REVIEW_SHEET_PREFIX}数据` },
  { role: "review.industryPivot", name: `${REVIEW_SHEET_PREFIX}行业透视` },
  { role: "review.ownerPivot", name: `${REVIEW_SHEET_PREFIX}负责人透视` },
] as const;

/** The staging table's header (row 1 of `CRM复盘-数据`), its number formats, and its name as an Excel table. */
export const PIVOT_DATA_HEADER = ["客户编号", "客户名称", "行业", "规模", "负责人", "周期阶段", "评分", "评分等级", "价值分级", "RFM分群", "年采购额"] as const;
// IDs, names and labels stay text even when they look like numbers (客户编号 00123).
export const PIVOT_DATA_FORMATS = ["@", "@", "@", "@", "@", "@", "0.0", "@", "@", "@", "#,##0"] as const;
export const PIVOT_DATA_TABLE = "CRM复盘数据";
/** What a blank industry, size, owner or value tier reads as in the staging table (a pivot item of its own). */
export const NOT_FILLED = "(未填写)";

export interface ReviewPivot {
  role: "review.industryPivot" | "review.ownerPivot";
  /** The PivotTable's name in Excel. */
  name: string;
  /** Its row and column fields: staging-table headers. */
  row: (typeof PIVOT_DATA_HEADER)[number];
  column: (typeof PIVOT_DATA_HEADER)[number];
}

export const INDUSTRY_PIVOT: ReviewPivot = { role: "review.industryPivot", name: "CRM行业价值透视", row: "行业", column: "价值分级" };
export const OWNER_PIVOT: ReviewPivot = { role: "review.ownerPivot", name: "CRM负责人阶段透视", row: "负责人", column: "周期阶段" };
export const REVIEW_PIVOTS: readonly ReviewPivot[] = [INDUSTRY_PIVOT, OWNER_PIVOT];
/** The field counted (one per customer) and what its values are called. */
export const PIVOT_COUNT_FIELD = "客户编号";
export const PIVOT_COUNT_NAME = "客户数";
/** Where each PivotTable starts on its sheet: A1 holds its title, A3 its top-left cell. */
export const PIVOT_TOP_ROW = 3;

/** A1 of a PivotTable's sheet: what it counts. */
export const pivotTitle = (p: ReviewPivot) => `${p.row} × ${p.column}（客户数） · customers by ${p.row} and ${p.column}`;

export type PivotDataCell = string | number;

/**
 * The staging table's rows, one per customer. A report like the review sheets beside it: full phone numbers and
 * USCCs masked (as buildReview masks them, so the pivots' industries and owners are the review tables' own).
 */
export function pivotDataRows(result: PipelineResult): PivotDataCell[][] {
  const shown = (s: string | null) => (s === null ? NOT_FILLED : maskText(s));
  const rows: PivotDataCell[][] = [];
  for (let i = 0; i < result.summary.rows; i++) {
    const c = result.customerAt(i);
    rows.push([
      maskText(c.id), maskText(c.name), shown(c.industry), shown(c.size), shown(c.owner), c.stage,
      c.score ?? "", c.tier ?? "", c.valueTier ?? NOT_FILLED, c.rfm?.segment ?? "", c.annualPurchase ?? "",
    ]);
  }
  return rows;
}

/** A PivotTable's items and counts as Excel shows them once refreshed: compact form, grand totals on both axes. */
export interface PivotLayout {
  pivot: ReviewPivot;
  /** The row field's items, top to bottom, and the column field's, left to right. */
  rowItems: string[];
  colItems: string[];
  /** counts[r][c]: the customers with row item r and column item c. */
  counts: number[][];
  rowTotals: number[];
  colTotals: number[];
  total: number;
}

/** Items in an order a reader expects: stages and value tiers in the domain's order, others by their Chinese reading, blanks last. */
const DOMAIN_ORDER: Partial<Record<string, readonly string[]>> = {
  周期阶段: STAGES.map((s) => STAGE_LABEL[s].zh),
  价值分级: (["strategic", "key", "regular"] as const).map((t) => VALUE_TIER_LABEL[t].zh),
};
const COLLATOR = new Intl.Collator("zh-CN");

function itemOrder(field: string, items: Iterable<string>): string[] {
  const known = DOMAIN_ORDER[field] ?? [];
  const rank = (s: string) => (s === NOT_FILLED ? 2 : known.includes(s) ? 0 : 1);
  return [...new Set(items)].sort((a, b) => rank(a) - rank(b) || (rank(a) === 0 ? known.indexOf(a) - known.indexOf(b) : COLLATOR.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)));
}

/** Counts the staging rows by the pivot's two fields. */
export function pivotLayout(pivot: ReviewPivot, rows: readonly PivotDataCell[][]): PivotLayout {
  const r = PIVOT_DATA_HEADER.indexOf(pivot.row);
  const c = PIVOT_DATA_HEADER.indexOf(pivot.column);
  const text = (v: PivotDataCell) => String(v);
  const rowItems = itemOrder(pivot.row, rows.map((x) => text(x[r])));
  const colItems = itemOrder(pivot.column, rows.map((x) => text(x[c])));
  const ri = new Map(rowItems.map((s, k) => [s, k]));
  const ci = new Map(colItems.map((s, k) => [s, k]));
  const counts = rowItems.map(() => colItems.map(() => 0));
  for (const x of rows) counts[ri.get(text(x[r]))!][ci.get(text(x[c]))!]++;
  const rowTotals = counts.map((line) => line.reduce((a, b) => a + b, 0));
  const colTotals = colItems.map((_, k) => counts.reduce((a, line) => a + line[k], 0));
  return { pivot, rowItems, colItems, counts, rowTotals, colTotals, total: rows.length };
}
