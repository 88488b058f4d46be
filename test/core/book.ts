// Small workbook models for engine tests: each table a sheet whose first row is the header.
import { addMonths, formatDay, runPipeline, toDay, type CellValue, type CustomerResult, type PipelineResult, type WorkbookModel } from "../../src/core";

export type Grid = CellValue[][];

export function book(sheets: Record<string, Grid>, extra: Partial<WorkbookModel> = {}): WorkbookModel {
  return { sheets: Object.entries(sheets).map(([name, cells]) => ({ name, cells })), ...extra };
}

/** The as-of date every hand-worked example below uses. */
export const D = "2024-06-30";
const DAY = toDay(D);

/** The date `n` days before D, as the user would type it. */
export const ago = (n: number): string => formatDay(DAY - n);
export const monthsAgo = (m: number): string => formatDay(addMonths(DAY, -m));

export function run(sheets: Record<string, Grid>, asOf = D): PipelineResult {
  return runPipeline(book(sheets), asOf);
}

/** The single customer of a one-customer book. */
export function only(res: PipelineResult): CustomerResult {
  expect(res.customers).toHaveLength(1);
  return res.customers[0];
}

export const CUSTOMER_HEADER = ["客户编号", "客户名称", "联系人", "首次触达时间"];
export const customer = (id = "C1", extra: CellValue[] = []): CellValue[] => [id, `客户${id}`, "王经理", "2023-01-10", ...extra];
