// Argument handling for the CRM.* custom functions: Excel's raw arguments (scalars, 2-D arrays, blanks,
// error values) → engine inputs, and Excel errors with a message naming the argument and the reason.
import {
  classifyHeader, dayFromSerial, formatDay, isBlank, runPipeline, toDay,
  type CellValue, type Day, type PipelineResult, type Rules, type TableKind, type WorkbookModel,
} from "../core";

export type ErrorCode = "#VALUE!" | "#N/A" | "#NUM!" | "#DIV/0!" | "#REF!" | "#NAME?" | "#NULL!";

/** The error codes a custom function can return (CustomFunctions.ErrorCode); others become #VALUE!. */
const RETURNABLE: readonly string[] = ["#VALUE!", "#N/A", "#NUM!", "#DIV/0!", "#REF!", "#NAME?", "#NULL!"];

/** Stands in for CustomFunctions.Error where the Office runtime is absent (tests, Node). */
export class CellError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** An Excel error value with a bilingual message (#VALUE! and #N/A show it; #NUM! shows only the code). */
export function xlError(code: ErrorCode, zh: string, en: string): Error {
  const message = `${zh} · ${en}`;
  if (typeof CustomFunctions !== "undefined" && CustomFunctions.Error) {
    return new CustomFunctions.Error(code as CustomFunctions.ErrorCode, message) as unknown as Error;
  }
  return new CellError(code, message);
}

/** Throws #VALUE! naming the argument. */
export function badArg(arg: string, zh: string, en: string): never {
  throw xlError("#VALUE!", `参数 ${arg}：${zh}`, `argument ${arg}: ${en}`);
}

type Raw = unknown;

/** Excel hands a missing optional argument over as null or undefined (an empty cell reference as 0 or ""). */
export function omitted(v: Raw): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 1 && Array.isArray(v[0]) && v[0].length === 1 && (v[0][0] === null || v[0][0] === ""));
}

/** Any argument as a 2-D array (a scalar becomes [[x]]). */
export function matrix(v: Raw): Raw[][] {
  if (Array.isArray(v)) return v.map((row) => (Array.isArray(row) ? row : [row]));
  return [[v]];
}

/** An error value inside a range, as Excel passes it (a CustomFunctions.Error-like object or an error string). */
function isErrorValue(v: Raw): v is { code: string } {
  return typeof v === "object" && v !== null && !(v instanceof Date) && typeof (v as { code?: unknown }).code === "string";
}

/** A raw argument cell as the engine reads cells. */
export function cell(v: Raw): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v instanceof Date) return v;
  if (isErrorValue(v)) return { error: v.code };
  return String(v);
}

/**
 * The as-of date: a date cell or TODAY() (an Excel serial), text `YYYY-MM-DD`, or omitted = today.
 * Omitted is read when the formula calculates; the function is not volatile, so pass TODAY() to have the
 * results move with the calendar (Excel then recalculates them every day, and only then).
 */
export function asOfArg(v: Raw, today: () => Day = localToday): Day {
  const x = Array.isArray(v) ? matrix(v)[0][0] : v;
  if (omitted(x) || x === 0 || x === "") return today();
  if (typeof x === "number" && Number.isFinite(x) && x >= 1 && x < 2_958_466) return dayFromSerial(x);
  if (x instanceof Date && !Number.isNaN(x.getTime())) return toDay(x);
  if (typeof x === "string" && /^\d{4}-\d{1,2}-\d{1,2}$/.test(x.trim())) {
    const [y, m, d] = x.trim().split("-").map(Number);
    const day = toDay(`${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`);
    if (formatDay(day) === `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`) return day;
  }
  return badArg("asOf", `“${String(x)}”不是日期，请用日期单元格、TODAY() 或 "2024-06-30"`, `"${String(x)}" is not a date; use a date cell, TODAY() or "2024-06-30"`);
}

function localToday(): Day {
  const d = new Date();
  return toDay(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`);
}

/** A detail-table range: its first row must be a header of the expected kind. */
function detailSheet(arg: string, v: Raw, kind: TableKind, name: string, labelZh: string): { name: string; cells: CellValue[][] } | null {
  if (omitted(v)) return null;
  const cells = matrix(v).map((row) => row.map(cell));
  const match = classifyHeader(cells[0] ?? []);
  if (!match || match.kind !== kind) {
    badArg(arg, `第一行应是${labelZh}的表头（选中范围时包含表头行）`, `the first row must be the ${kind} table's header row (include it in the range)`);
  }
  return { name, cells };
}

export interface CustomerArgs {
  rows: Raw;
  headers: Raw;
  interactions?: Raw;
  orders?: Raw;
  rules?: Raw;
}

/** The name the customers "sheet" gets inside a function call (row r of `rows` is sheet row r + 2). */
export const ROWS_SHEET = "客户";

/** rows + headers (+ detail ranges, + rules) → the same workbook model the task pane would read. */
export function customerBook(a: CustomerArgs): { model: WorkbookModel; height: number } {
  const headers = matrix(a.headers);
  if (headers.length !== 1) badArg("headers", `应是一行表头，收到 ${headers.length} 行`, `must be one header row, got ${headers.length} rows`);
  const header = headers[0].map(cell);
  const rows = matrix(a.rows).map((row) => row.map(cell));
  if (rows.some((r) => r.length !== header.length)) {
    badArg("rows", `列数（${rows[0]?.length ?? 0}）与 headers 的列数（${header.length}）不同`, `has ${rows[0]?.length ?? 0} columns but headers has ${header.length}`);
  }
  const match = classifyHeader(header);
  if (!match || match.kind !== "customers") {
    badArg("headers", "没有可识别的客户表表头（如“客户编号”“客户名称”“首次触达时间”）", "no customer table headers recognised (e.g. 客户编号, 客户名称, 首次触达时间)");
  }
  const sheets = [{ name: ROWS_SHEET, cells: [header, ...rows] }];
  const inter = detailSheet("interactions", a.interactions, "interactions", "维护记录", "维护记录");
  const orders = detailSheet("orders", a.orders, "orders", "订单", "订单");
  if (inter) sheets.push(inter);
  if (orders) sheets.push(orders);
  if (!omitted(a.rules)) sheets.push(rulesSheet(a.rules));
  return { model: { sheets }, height: rows.length };
}

function rulesSheet(v: Raw): { name: string; cells: CellValue[][] } {
  const cells = matrix(v).map((row) => row.map(cell));
  const match = classifyHeader(cells[0] ?? []);
  if (!match || match.kind !== "rules") badArg("rules", "应是 CRM规则 表（第一行为“参数”“值”表头）", "must be the CRM规则 rules table (header row 参数, 值)");
  return { name: "CRM规则", cells };
}

/** The rules from a CRM规则 range, read exactly as the task pane reads them (bad values keep their defaults). */
export function rulesArg(v: Raw): Rules | undefined {
  if (omitted(v)) return undefined;
  return runPipeline({ sheets: [rulesSheet(v)] }, 0).rules;
}

/** Per row of `rows` (index 0 = first row), the engine's customer result, or null for a blank row. */
export function resultsByRow(result: PipelineResult, height: number): (PipelineResult["customers"][number] | null)[] {
  const out: (PipelineResult["customers"][number] | null)[] = new Array(height).fill(null);
  for (const c of result.customers) if (c.sheet === ROWS_SHEET && c.row >= 2 && c.row - 2 < height) out[c.row - 2] = c;
  return out;
}

/** Maps every cell of a range; a blank stays blank, a thrown Excel error lands in its own cell. */
export function mapCells(v: Raw, f: (x: CellValue) => unknown): unknown[][] {
  return matrix(v).map((row) =>
    row.map((x) => {
      const c = cell(x);
      if (isBlank(c)) return "";
      // An error value in the range is passed on as that Excel error, like Excel's own functions do: returned as
      // the raw {error} object it would be a value Excel cannot show (MASKPHONE handed it back as it was).
      if (typeof c === "object" && c !== null && !(c instanceof Date)) {
        const code = (RETURNABLE.includes(c.error) ? c.error : "#VALUE!") as ErrorCode;
        return xlError(code, `单元格本身是错误值 ${c.error}`, `the cell itself holds the error ${c.error}`);
      }
      try {
        return f(c);
      } catch (e) {
        if (e instanceof Error) return e;
        throw e;
      }
    }),
  );
}
