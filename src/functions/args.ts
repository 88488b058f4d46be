// Argument handling for the CRM.* custom functions: Excel's raw arguments (scalars, 2-D arrays, blanks,
// error values) → engine inputs, and Excel errors with a message naming the argument and the reason.
import {
  classifyHeader, dayFromSerial, formatDay, isBlank, runPipeline, toDay,
  type CellErrorValue, type CellValue, type Day, type PipelineResult, type Rules, type TableKind, type WorkbookModel,
} from "../core";

export type ErrorCode = "#VALUE!" | "#N/A" | "#NUM!" | "#DIV/0!" | "#REF!" | "#NAME?" | "#NULL!";

/**
 * The error codes a custom function can return (CustomFunctions.ErrorCode minus invalidName and
 * invalidReference: #NAME? and #REF! are "supported as a custom function input error, but not as a custom
 * function output error"). Every other error a cell can hold (#REF!, #NAME?, #SPILL!, #CALC!, #BUSY! …) goes
 * out as #VALUE! with a message naming the original.
 */
export const RETURNABLE: readonly string[] = ["#VALUE!", "#N/A", "#NUM!", "#DIV/0!", "#NULL!"];

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

/** An Excel error made by xlError (CustomFunctions.Error in Excel, CellError elsewhere). */
export function isExcelError(e: unknown): e is Error {
  return e instanceof CellError || (typeof CustomFunctions !== "undefined" && typeof CustomFunctions.Error === "function" && e instanceof CustomFunctions.Error) || e instanceof Error;
}

/** Throws #VALUE! naming the argument. */
export function badArg(arg: string, zh: string, en: string): never {
  throw xlError("#VALUE!", `参数 ${arg}：${zh}`, `argument ${arg}: ${en}`);
}

type Raw = unknown;

/**
 * An error value an argument brought in: Excel's code (`#N/A`, `#REF!` …), and for a rich value the engine
 * cannot read (an image, an entity without text) why it counts as #VALUE!.
 */
export interface InputError extends CellErrorValue {
  zh?: string;
  en?: string;
}

/** Excel.ErrorCellValueType → the code Excel shows, for rich error values that carry no basicValue. */
const ERROR_TYPE_CODE: Record<string, string> = {
  Blocked: "#BLOCKED!", Busy: "#BUSY!", Calc: "#CALC!", Connect: "#CONNECT!", Div0: "#DIV/0!", External: "#EXTERNAL!",
  Field: "#FIELD!", GettingData: "#GETTING_DATA", NotAvailable: "#N/A", Name: "#NAME?", Null: "#NULL!", Num: "#NUM!",
  Ref: "#REF!", Spill: "#SPILL!", Value: "#VALUE!",
};

/** Excel hands a missing optional argument over as null or undefined (an empty cell reference as 0 or ""). */
export function omitted(v: Raw): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 1 && Array.isArray(v[0]) && v[0].length === 1 && (v[0][0] === null || v[0][0] === ""));
}

/** Any argument as a 2-D array (a scalar becomes [[x]]). */
export function matrix(v: Raw): Raw[][] {
  if (Array.isArray(v)) return v.map((row) => (Array.isArray(row) ? row : [row]));
  return [[v]];
}

/** A cell value the engine reads as an error (what cell() makes of error inputs). */
export function isInputError(v: unknown): v is InputError {
  return typeof v === "object" && v !== null && !(v instanceof Date) && typeof (v as { error?: unknown }).error === "string";
}

const unreadable = (zh: string, en: string): InputError => ({ error: "#VALUE!", zh, en });

/**
 * A raw argument cell as the engine reads cells. With allowErrorForDataTypeAny (functions.json) an error cell
 * arrives as a CustomFunctions.Error (`{code: "#N/A", message?}`); Excel's data types (Excel.CellValue) arrive
 * as objects with a `type`: a number, text or TRUE/FALSE with a format gives its basicValue, an entity its
 * text (its basicValue is "#VALUE!"), an error value its code, an empty value a blank. What has no such
 * value (an image, an array in one cell) is #VALUE! saying so — never "[object Object]".
 */
export function cell(v: Raw): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v instanceof Date) return v;
  if (typeof v !== "object" || Array.isArray(v)) return unreadable("单元格的值无法读取", "the cell's value cannot be read");
  const o = v as { code?: unknown; type?: unknown; basicValue?: unknown; errorType?: unknown; text?: unknown; elements?: unknown };
  if (typeof o.code === "string" && o.type === undefined) return { error: o.code };
  const basic = o.basicValue;
  switch (o.type) {
    case "Double":
    case "FormattedNumber":
      if (typeof basic === "number") return basic;
      break;
    case "String":
      if (typeof basic === "string") return basic;
      break;
    case "Boolean":
      if (typeof basic === "boolean") return basic;
      break;
    case "NotAvailable":
      if (typeof basic === "string" || typeof basic === "number" || typeof basic === "boolean") return basic;
      break;
    case "Empty":
      return null;
    case "Error":
      return { error: typeof basic === "string" && basic.startsWith("#") ? basic : (ERROR_TYPE_CODE[String(o.errorType)] ?? "#VALUE!") };
    case "Entity":
    case "LinkedEntity":
      if (typeof o.text === "string") return o.text;
      if (typeof basic === "string" && basic !== "#VALUE!") return basic;
      return unreadable("实体数据类型没有显示文本", "the entity data type has no display text");
    case "Array": {
      const el = o.elements;
      if (Array.isArray(el) && el.length === 1 && Array.isArray(el[0]) && el[0].length === 1) return cell(el[0][0]);
      return unreadable("单元格是一个数组数据类型", "the cell holds an array data type");
    }
    case "WebImage":
      return unreadable("单元格是图片", "the cell holds an image");
  }
  if (typeof o.text === "string") return o.text;
  return unreadable(`单元格是无法读取的数据类型${typeof o.type === "string" ? ` ${o.type}` : ""}`, `the cell holds a data type that cannot be read${typeof o.type === "string" ? ` (${o.type})` : ""}`);
}

/**
 * The Excel error a result cell gets for an error input: the same code where a custom function may return it
 * (#N/A in → #N/A out), else #VALUE! with a message naming the original code. `where` says which argument
 * (and cell) held it.
 */
export function errorOut(e: InputError, whereZh = "", whereEn = ""): Error {
  const returnable = RETURNABLE.includes(e.error);
  const code = (returnable ? e.error : "#VALUE!") as ErrorCode;
  const atZh = whereZh ? `${whereZh}：` : "";
  const atEn = whereEn ? `${whereEn}: ` : "";
  if (e.zh && e.en) return xlError(code, `${atZh}${e.zh}`, `${atEn}${e.en}`);
  const zh = `${atZh}单元格本身是错误值 ${e.error}${returnable ? "" : `（自定义函数不能返回 ${e.error}，故为 #VALUE!）`}`;
  const en = `${atEn}the cell itself holds the error ${e.error}${returnable ? "" : ` (a custom function cannot return ${e.error}, hence #VALUE!)`}`;
  return xlError(code, zh, en);
}

/** A scalar argument (asOf, unit) as the engine reads it; an error there fails the whole formula with it. */
export function scalarArg(arg: string, v: Raw): CellValue {
  const x = cell(Array.isArray(v) ? matrix(v)[0][0] : v);
  if (isInputError(x)) throw errorOut(x, `参数 ${arg}`, `argument ${arg}`);
  return x;
}

/**
 * The as-of date: a date cell or TODAY() (an Excel serial), text `YYYY-MM-DD`, or omitted = today.
 * Omitted is read when the formula calculates; the function is not volatile, so pass TODAY() to have the
 * results move with the calendar (Excel then recalculates them every day, and only then).
 */
export function asOfArg(v: Raw, today: () => Day = localToday): Day {
  const x = scalarArg("asOf", v);
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

/** A header row's cells; an error there (a #REF! header) fails the whole formula: the columns cannot be told apart. */
function headerCells(arg: string, row: Raw[]): CellValue[] {
  return row.map((x, i) => {
    const c = cell(x);
    if (isInputError(c)) throw errorOut(c, `参数 ${arg} 第 ${i + 1} 列的表头`, `argument ${arg}, the header of column ${i + 1}`);
    return c;
  });
}

/** A detail-table range: its first row must be a header of the expected kind. */
function detailSheet(arg: string, v: Raw, kind: TableKind, name: string, labelZh: string): { name: string; cells: CellValue[][]; columns: Map<string, number> } | null {
  if (omitted(v)) return null;
  const raw = matrix(v);
  const header = headerCells(arg, raw[0] ?? []);
  const cells = [header, ...raw.slice(1).map((row) => row.map(cell))];
  const match = classifyHeader(header);
  if (!match || match.kind !== kind) {
    badArg(arg, `第一行应是${labelZh}的表头（选中范围时包含表头行）`, `the first row must be the ${kind} table's header row (include it in the range)`);
  }
  return { name, cells, columns: match.columns };
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

/** An error a row's result takes instead of a value, with where it came from. */
export interface RowError {
  error: InputError;
  zh: string;
  en: string;
}

/** The result cell for a row that holds (or whose detail rows hold) an error value. */
export function rowErrorOut(e: RowError): Error {
  return errorOut(e.error, e.zh, e.en);
}

/** The first error in a column the engine reads (the header is recognised), or null. */
function firstError(row: readonly CellValue[], columns: Map<string, number>): { error: InputError; col: number } | null {
  let best: { error: InputError; col: number } | null = null;
  for (const col of columns.values()) {
    const c = row[col];
    if (isInputError(c) && (!best || col < best.col)) best = { error: c, col };
  }
  return best;
}

const keyText = (v: CellValue): string => (v === null || v === undefined || isInputError(v) ? "" : String(v).trim());

/**
 * rows + headers (+ detail ranges, + rules) → the same workbook model the task pane would read, and per row
 * the error value its results must show instead (null when none). Per-cell error handling: an error in a
 * column the engine reads (its header is recognised) makes that row's results that error; so does an error in
 * a 维护记录 / 订单 row whose customer (by 客户编号, else 客户名称) is that row. Other rows are computed from the
 * same model as ever (the engine reads an error cell as a missing value with a CELL_ERROR finding).
 */
export function customerBook(a: CustomerArgs): { model: WorkbookModel; height: number; errors: (RowError | null)[] } {
  const headers = matrix(a.headers);
  if (headers.length !== 1) badArg("headers", `应是一行表头，收到 ${headers.length} 行`, `must be one header row, got ${headers.length} rows`);
  const header = headerCells("headers", headers[0]);
  const rows = matrix(a.rows).map((row) => row.map(cell));
  if (rows.some((r) => r.length !== header.length)) {
    badArg("rows", `列数（${rows[0]?.length ?? 0}）与 headers 的列数（${header.length}）不同`, `has ${rows[0]?.length ?? 0} columns but headers has ${header.length}`);
  }
  const match = classifyHeader(header);
  if (!match || match.kind !== "customers") {
    badArg("headers", "没有可识别的客户表表头（如“客户编号”“客户名称”“首次触达时间”）", "no customer table headers recognised (e.g. 客户编号, 客户名称, 首次触达时间)");
  }
  const errors: (RowError | null)[] = rows.map((r) => {
    const e = firstError(r, match.columns);
    if (!e) return null;
    const h = String(header[e.col]);
    return { error: e.error, zh: `本行“${h}”列`, en: `this row's ${h} column` };
  });
  const sheets: WorkbookModel["sheets"] = [{ name: ROWS_SHEET, cells: [header, ...rows] }];
  const inter = detailSheet("interactions", a.interactions, "interactions", "维护记录", "维护记录");
  const orders = detailSheet("orders", a.orders, "orders", "订单", "订单");
  for (const [arg, d] of [["interactions", inter], ["orders", orders]] as const) {
    if (!d) continue;
    sheets.push({ name: d.name, cells: d.cells });
    // A detail row with an error belongs to the customer its key names; a row whose key is itself an error (or
    // blank) belongs to no one the engine can tell, and is left to the engine (it reads no customer for it).
    const byId = d.columns.has("customerId");
    const keyCol = byId ? d.columns.get("customerId")! : d.columns.get("customerName");
    const custCol = match.columns.get(byId ? "id" : "name");
    if (keyCol === undefined || custCol === undefined) continue;
    let index: Map<string, number[]> | null = null; // customer key → rows, built at the first error only
    d.cells.slice(1).forEach((r, k) => {
      const e = firstError(r, d.columns);
      const key = keyText(r[keyCol]);
      if (!e || !key) return;
      if (!index) {
        const idx = new Map<string, number[]>();
        rows.forEach((cr, i) => {
          const ck = keyText(cr[custCol]);
          if (ck) idx.set(ck, [...(idx.get(ck) ?? []), i]);
        });
        index = idx;
      }
      for (const i of index.get(key) ?? []) {
        if (errors[i]) continue;
        const h = String(d.cells[0][e.col]);
        errors[i] = { error: e.error, zh: `参数 ${arg} 第 ${k + 2} 行（${d.name}）“${h}”列`, en: `argument ${arg}, row ${k + 2} (${d.name}), column ${h}` };
      }
    });
  }
  if (!omitted(a.rules)) sheets.push(rulesSheet(a.rules));
  return { model: { sheets }, height: rows.length, errors };
}

/** The CRM规则 range; an error anywhere in it fails the whole formula (every result depends on the rules). */
function rulesSheet(v: Raw): { name: string; cells: CellValue[][] } {
  const cells = matrix(v).map((row) => row.map(cell));
  cells.forEach((row, r) =>
    row.forEach((c, j) => {
      if (!isInputError(c)) return;
      const name = keyText(row[0]) || `第 ${r + 1} 行`;
      throw errorOut(c, `参数 rules（${name}，第 ${r + 1} 行第 ${j + 1} 列）`, `argument rules (${keyText(row[0]) || `row ${r + 1}`}, row ${r + 1} column ${j + 1})`);
    }),
  );
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

/** Maps every cell of a range; a blank stays blank, an error value or a thrown Excel error lands in its own cell. */
export function mapCells(v: Raw, f: (x: CellValue) => unknown): unknown[][] {
  return matrix(v).map((row) =>
    row.map((x) => {
      const c = cell(x);
      if (isBlank(c)) return "";
      // An error value in the range is passed on as that Excel error, like Excel's own functions do (#N/A in →
      // #N/A out; #REF!, #NAME? and the codes a custom function cannot return → #VALUE! naming the original).
      if (isInputError(c)) return errorOut(c);
      try {
        return f(c);
      } catch (e) {
        if (isExcelError(e)) return e;
        throw e;
      }
    }),
  );
}
