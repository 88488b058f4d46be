// The user's actions on the open workbook — the task pane and the ribbon commands both call these. This is
// the only place Excel.run appears: one Excel.run per action; read, compute in memory, then write only what
// the product owns, in chunks. Nothing is written before everything is computed.
import {
  buildReview, cellText, columnLetter, columnNumber, maskPhones, quoteSheet, runPipeline, RULE_DEFS, type CellValue, type PipelineResult, type TableKind, type WorkbookModel,
} from "../core";
import { looksLikeFormula } from "../workbook/owned";
import type { OwnedLayout } from "../workbook/owned";
import { missingTables, TEMPLATE_KINDS, templateTables, type TemplateLang } from "../workbook/templates";
import { dashboardOf, findingTimelines } from "./dashboard";
import { ALL_OUTPUT, DEFAULT_CHUNK_ROWS, OfficeBook, splitAddress, type OutputKinds } from "./office-book";
import {
  ActionError, type ActionErrorKind, type ApplyOutcome, type CrmActions, type HighlightOutcome, type MaskOutcome, type RemoveOutcome, type ReviewOutcome, type RuleRow, type RulesView, type RunOptions, type TemplatesOutcome, type ValidateOutcome,
} from "./types";

/** Today in the user's calendar, `YYYY-MM-DD`. */
export function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** What the actions need from the host: Excel.run and the API-set check. Tests inject a fake Excel here. */
export interface ExcelHost {
  run<T>(batch: (ctx: Excel.RequestContext) => Promise<T>): Promise<T>;
  isSetSupported(set: string, version: string): boolean;
}

export const officeHost: ExcelHost = {
  // delayForCellEdit: a click while the user is typing in a cell waits for the edit to end instead of failing.
  run: (batch) => Excel.run({ delayForCellEdit: true }, batch),
  isSetSupported: (set, version) => {
    try {
      return typeof Office !== "undefined" && Office.context?.requirements?.isSetSupported(set, version) === true;
    } catch {
      return false;
    }
  },
};

let host: ExcelHost = officeHost;

/** Replaces the host (the end-to-end tests' fake Excel); the add-in itself never calls this. */
export function useHost(h: ExcelHost): void {
  host = h;
}

function supports(set: string, version: string): boolean {
  return host.isSetSupported(set, version);
}

/**
 * Office's error codes → one message the pane can show, by who can do something about it. Only a sheet or cell
 * that vanished mid-action (ItemNotFound, InvalidReference) is the workbook having changed; an argument or an
 * operation Excel refused is the add-in's own mistake and is reported as such (retrying would fail the same way).
 */
/** Either payload limit, once halving could not help (src/excel/payload.ts splits every request it can). */
const PAYLOAD_TOO_LARGE: [ActionErrorKind, string, string] = ["payload", "数据拆到最小后仍超过 Excel 网页版每次 5 MB 的传输上限(某些单元格内文字过长)。请缩短这些单元格,或在 Excel 桌面版中运行", "Even split as small as it goes, a request is over Excel on the web's 5 MB limit (some cells hold very long text). Shorten them, or run the action in Excel for desktop"];
const OFFICE_ERRORS: Record<string, [kind: ActionErrorKind, zh: string, en: string]> = {
  ItemNotFound: ["changed", "工作簿在操作期间被修改(工作表或单元格已不存在),请重新运行", "The workbook changed during the action (a sheet or cell is gone); run it again"],
  InvalidReference: ["changed", "工作簿在操作期间被修改(引用的区域已不存在),请重新运行", "The workbook changed during the action (a range it refers to is gone); run it again"],
  InvalidOperationInCellEditMode: ["busy", "Excel 正处于单元格编辑状态:请按 Enter 或 Esc 结束编辑后重试", "Excel is editing a cell: press Enter or Esc, then try again"],
  Conflict: ["busy", "另一位用户或另一项操作正在修改同一区域,请稍后重试", "Someone or something else is changing the same cells; try again in a moment"],
  InsertDeleteConflict: ["busy", "工作簿中正在插入或删除行列,与本次写入冲突,请稍后重试", "Rows or columns are being inserted or deleted where the add-in writes; try again in a moment"],
  RequestAborted: ["busy", "Excel 中止了本次请求(可能是网络中断或工作簿已关闭),请重试", "Excel aborted the request (the connection dropped or the workbook closed); try again"],
  AccessDenied: ["protected", "无法写入:工作簿或工作表受保护,或以只读方式打开。请取消保护或另存一份后重试", "Cannot write: the workbook or sheet is protected or read-only. Unprotect it or save a copy, then try again"],
  UnsupportedSheet: ["protected", "当前工作表类型(如图表工作表)不支持此操作,请切换到普通工作表", "This kind of sheet (a chart sheet, say) does not support the action; switch to a worksheet"],
  MergedRangeConflict: ["blocked", "写入位置有合并单元格,请取消结果列(◆)所在区域的合并后重试", "Merged cells are in the way where the results (◆ columns) go; unmerge them and try again"],
  PivotTableRangeConflict: ["blocked", "写入位置有数据透视表,请移动该数据透视表后重试", "A PivotTable is in the way where the add-in writes; move it and try again"],
  FilteredRangeConflict: ["blocked", "写入位置处于筛选状态,请清除筛选后重试", "The cells the add-in writes are filtered; clear the filter and try again"],
  NonBlankCellOffSheet: ["blocked", "工作表右侧已无空列可写入结果列,请删除表格右侧不用的列", "No empty columns are left to the right of the table for the results; delete unused columns there"],
  RangeExceedsLimit: ["blocked", "区域超出 Excel 的单元格数量上限", "The range exceeds Excel's cell limit"],
  OperationCellsExceedLimit: ["blocked", "一次操作涉及的单元格超出 Excel 的上限", "The operation touches more cells than Excel allows at once"],
  RequestPayloadSizeLimitExceeded: PAYLOAD_TOO_LARGE,
  ResponsePayloadSizeLimitExceeded: PAYLOAD_TOO_LARGE,
};
/** Codes that mean the add-in asked Excel for something wrong: a defect to report, not the user's to fix. */
const ADDIN_MISTAKES = new Set(["InvalidArgument", "InvalidOperation", "InvalidBinding", "InvalidSelection", "ItemAlreadyExists", "NotImplemented", "UnsupportedOperation", "ApiNotFound", "PropertyNotLoaded", "ValueNotLoaded", "InvalidObjectPath", "RunMustReturnPromise"]);

function actionError(e: unknown): ActionError {
  if (e instanceof ActionError) return e;
  const code = String((e as { code?: string })?.code ?? "");
  const msg = String((e as Error)?.message ?? e);
  const known = OFFICE_ERRORS[code];
  if (known) return new ActionError(known[0], known[1], known[2], code);
  if (ADDIN_MISTAKES.has(code)) {
    return new ActionError("addin", `CRM 工作台内部错误(${code}:${msg})。您的工作簿没有问题;重试多半无效,请将此消息发给支持人员`, `CRM Workbench made a mistake (${code}: ${msg}). Your workbook is fine; retrying will likely fail the same way: please send this message to support`, code);
  }
  return new ActionError("office", `Excel 报告错误${code ? `(${code})` : ""}:${msg}`, `Excel reported an error${code ? ` (${code})` : ""}: ${msg}`, code || undefined);
}

function explain(e: unknown): never {
  throw actionError(e);
}

/**
 * The write phase of an action (everything it writes was computed before). When Excel fails part-way — a sync
 * rejected, the connection lost — the output kinds this action writes are removed again in the same Excel.run,
 * best effort, and the typed error is rethrown for the pane. An earlier run's output of those kinds is removed
 * too (this run was replacing it, and part of it may already be gone): the book is the user's own, and it is
 * never left half-written — the output is either complete or absent, and running the action again restores it.
 */
async function writePhase<T>(book: OfficeBook, kinds: OutputKinds, layouts: readonly OwnedLayout[], write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    const err = actionError(e);
    if (err.kind === "noCustomers" || err.kind === "cancelled") throw err;
    try {
      await book.removeOutput(kinds, layouts);
    } catch {
      throw new ActionError(err.kind, `${err.zh}。结果可能只写入了一部分，请点击“移除 CRM 结果”或重新运行`, `${err.en}. The output may be half-written: use "Remove CRM output" or run the action again`, err.code);
    }
    throw new ActionError(err.kind, `${err.zh}。未写完的结果已移除，您的数据保持原样`, `${err.en}. The half-written output was removed; your data is as it was`, err.code);
  }
}

const COLUMNS_OUTPUT: OutputKinds = { columns: true, rules: true, findings: false, review: false };

async function withBook<T>(o: RunOptions, body: (book: OfficeBook, ctx: Excel.RequestContext) => Promise<T>): Promise<T> {
  try {
    return await host.run(async (ctx) => body(new OfficeBook(ctx, { chunkRows: o.chunkRows ?? DEFAULT_CHUNK_ROWS, onProgress: o.onProgress, signal: o.signal, pivots: supports("ExcelApi", "1.8"), mergedAreas: supports("ExcelApi", "1.13"), autoFilter: supports("ExcelApi", "1.9") }), ctx));
  } catch (e) {
    explain(e);
  }
}

async function readAndCompute(book: OfficeBook, o: RunOptions): Promise<{ model: WorkbookModel; result: PipelineResult; asOf: string }> {
  const model = await book.read();
  if (o.signal?.aborted) throw new ActionError("cancelled", "已取消，工作簿未做任何修改", "Cancelled; nothing in the workbook was changed");
  const asOf = o.asOf ?? localToday();
  o.onProgress?.({ phase: "compute", done: 0, total: 1 });
  const result = runPipeline(model, asOf);
  o.onProgress?.({ phase: "compute", done: 1, total: 1 });
  if (o.signal?.aborted) throw new ActionError("cancelled", "已取消，工作簿未做任何修改", "Cancelled; nothing in the workbook was changed");
  return { model, result, asOf };
}

/** The value of `Sheet!B7` in a read model. */
function cellAt(model: WorkbookModel, address: string): CellValue {
  const [sheet, ref] = splitAddress(address);
  const m = /^\$?([A-Z]+)\$?(\d+)$/.exec(ref);
  const s = model.sheets.find((x) => x.name === sheet);
  if (!m || !s) return null;
  return s.cells[Number(m[2]) - (s.originRow ?? 1)]?.[columnNumber(m[1]) - (s.originCol ?? 1)] ?? null;
}

function requireCustomers(result: PipelineResult): void {
  if (!result.tables.some((t) => t.kind === "customers" && t.used)) {
    throw new ActionError("noCustomers", "没有找到客户表（需要带“客户名称”“客户编号”等表头的表格）", "No customers table found (a table with headers such as 客户名称, 客户编号)");
  }
}

export function validate(o: RunOptions = {}): Promise<ValidateOutcome> {
  return withBook(o, async (book) => {
    const { model, result, asOf } = await readAndCompute(book, o);
    const phones = [...new Set(result.findings.filter((f) => f.code === "UNMASKED_PHONE").map((f) => f.address))];
    return {
      asOf,
      summary: result.summary,
      findings: result.findings,
      tables: result.tables,
      // The preview shows only the masked text: a full number never reaches the pane.
      phones: phones.map((address) => ({ address, masked: maskPhones(cellText(cellAt(model, address))).text })),
      dashboard: dashboardOf(result),
      timelines: findingTimelines(result),
    };
  });
}

/** The ribbon's 校验: validation without the pane writes the findings sheet and shows it. */
export function validateToSheet(o: RunOptions = {}): Promise<{ findings: number }> {
  return withBook(o, async (book, ctx) => {
    const { result } = await readAndCompute(book, o);
    // The findings sheet its mark refers to, whatever it is called now (`CRM问题清单 (2)` beside a user's sheet of that name).
    const ws = await writePhase(book, { columns: false, rules: false, findings: true, review: false }, [], () => book.writeFindingsSheet(result.findings));
    ws.activate();
    await ctx.sync();
    return { findings: result.findings.length };
  });
}

export function applyTags(o: RunOptions = {}): Promise<ApplyOutcome> {
  return withBook(o, async (book) => {
    const { result, asOf } = await readAndCompute(book, o);
    requireCustomers(result);
    const layouts = book.layouts(result);
    // The history last (it takes back its own rows should Excel fail while appending them; a failure before it
    // leaves the history as it was).
    const history = await writePhase(book, { ...COLUMNS_OUTPUT, findings: true }, layouts, async () => {
      for (const [k, layout] of layouts.entries()) await book.writeOwnedColumns(result, layout, k);
      await book.writeFindingsSheet(result.findings);
      return book.appendHistory(result);
    });
    // Where the columns went: beside each customers table written to (merged tables: the 周期表's, then others).
    const range = layouts.map((layout) => {
      const cols = Object.values(layout.columns);
      return `${quoteSheet(layout.table.sheet)}!${columnLetter(Math.min(...cols))}${layout.table.headerRow}:${columnLetter(Math.max(...cols))}${layout.lastDataRow}`;
    }).join(", ");
    return { asOf, customers: result.customers.length, range, findings: result.findings.length, dashboard: dashboardOf(result), history };
  });
}

export function highlightRisk(o: RunOptions = {}): Promise<HighlightOutcome> {
  return withBook(o, async (book) => {
    const { result, asOf } = await readAndCompute(book, o);
    requireCustomers(result);
    // The rules compare the product's own stage and follow-up columns, so those are written (or refreshed) first.
    const layouts = book.layouts(result);
    const rules = await writePhase(book, COLUMNS_OUTPUT, layouts, async () => {
      for (const [k, layout] of layouts.entries()) await book.writeOwnedColumns(result, layout, k);
      await book.clearHighlights();
      let n = 0;
      for (const layout of layouts) n += await book.writeHighlights(layout, asOf);
      return n;
    });
    const count = (stage: string) => result.customers.filter((c) => c.stage === stage).length;
    return { asOf, rules, atRisk: count("流失风险客户"), churned: count("流失客户"), overdue: result.customers.filter((c) => c.overdue).length };
  });
}

export function clearHighlights(): Promise<{ removed: number }> {
  return withBook({}, async (book) => ({ removed: await writePhase(book, { columns: false, rules: true, findings: false, review: false }, [], () => book.clearHighlights()) }));
}

export function buildReviewSheets(o: RunOptions = {}): Promise<ReviewOutcome> {
  return withBook(o, async (book) => {
    const { result, asOf } = await readAndCompute(book, o);
    requireCustomers(result);
    const review = buildReview(result);
    const out = await writePhase(book, { columns: false, rules: false, findings: false, review: true }, [], () => book.writeReview(review, result));
    return { asOf, sheets: out.sheets, pivotTables: out.pivotTables, charts: out.charts, fallback: !supports("ExcelApi", "1.8") };
  });
}

export function maskPhoneNumbers(o: RunOptions = {}): Promise<MaskOutcome> {
  return withBook(o, async (book) => {
    const { result } = await readAndCompute(book, o);
    return book.maskPhones(result);
  });
}

/**
 * 移除 CRM 结果: takes everything the product wrote out of the book — the ◆ columns (headers, cells, formats,
 * lists, widths), its conditional-format rules, the findings and review sheets, and the history sheet unless the
 * user asked to keep it (`keepHistory`: the pane asks) — and nothing else, so the user has the workbook they had.
 * Found by their marks, so it removes any earlier run's output; on a book without any it changes nothing. Should
 * Excel fail part-way, the removal is tried once more (it is idempotent).
 */
export function removeOutput(o: RunOptions & { keepHistory?: boolean } = {}): Promise<RemoveOutcome> {
  return withBook(o, async (book) => {
    await book.read({ history: false });
    if (o.signal?.aborted) throw new ActionError("cancelled", "已取消，工作簿未做任何修改", "Cancelled; nothing in the workbook was changed");
    o.onProgress?.({ phase: "write", done: 0, total: 1 });
    const kinds = { ...ALL_OUTPUT, history: o.keepHistory !== true };
    const out = await writePhase(book, kinds, [], () => book.removeOutput(kinds));
    o.onProgress?.({ phase: "write", done: 1, total: 1 });
    return out;
  });
}

/**
 * 新建模板 Create templates (issue 22): the template tables the open workbook lacks (of `kinds`, every one by
 * default), each on a new sheet, as `crm init` makes them; the tables it has already are named and left alone.
 */
export function createTemplates(o: RunOptions & { kinds?: TableKind[]; lang?: TemplateLang } = {}): Promise<TemplatesOutcome> {
  return withBook(o, async (book) => {
    const model = await book.read({ history: false });
    const { missing, present } = missingTables(model, o.kinds ?? [...TEMPLATE_KINDS]);
    if (missing.length === 0) return { created: [], present };
    const created = await book.addTemplates(templateTables(missing, o.lang ?? "zh"));
    return { created, present };
  });
}

export function selectCell(address: string): Promise<void> {
  return withBook({}, (book) => book.selectCell(address));
}

// ── rules ──

const RULES_SHEET = "CRM规则";

interface RulesState extends RulesView {
  ws: Excel.Worksheet | null;
  /** Where the 参数/值 table is: sheet row of each key, the key and value columns, the last row. */
  table: { keyCol: number; valueCol: number; lastRow: number; rowOf: Map<string, number> } | null;
  empty: boolean;
}

const defaultText = (v: number | number[] | string | null) => (v === null ? "" : Array.isArray(v) ? v.join(",") : String(v));

async function rulesState(ctx: Excel.RequestContext): Promise<RulesState> {
  const ws = ctx.workbook.worksheets.getItemOrNullObject(RULES_SHEET);
  ws.load("name");
  await ctx.sync();
  let sheet = { name: RULES_SHEET, cells: [] as (string | number | boolean | null)[][], originRow: 1, originCol: 1 };
  if (!ws.isNullObject) {
    const used = ws.getUsedRangeOrNullObject(true).load("values,rowIndex,columnIndex");
    await ctx.sync();
    if (!used.isNullObject) {
      sheet = { name: RULES_SHEET, cells: used.values.map((r) => r.map((v) => (v === "" ? null : (v as string | number | boolean)))), originRow: used.rowIndex + 1, originCol: used.columnIndex + 1 };
    }
  }
  const result = runPipeline({ sheets: [sheet] }, localToday());
  const t = result.tables.find((x) => x.kind === "rules");
  const at = (r: number, c: number) => sheet.cells[r - sheet.originRow]?.[c - sheet.originCol] ?? null;
  let table: RulesState["table"] = null;
  const valueOf = new Map<string, string>();
  if (t && t.columns.key && t.columns.value) {
    const rowOf = new Map<string, number>();
    for (let r = t.headerRow + 1; r <= t.lastRow; r++) {
      const key = String(at(r, t.columns.key) ?? "").trim();
      if (!key || rowOf.has(key.toLowerCase())) continue;
      rowOf.set(key.toLowerCase(), r);
      valueOf.set(key.toLowerCase(), String(at(r, t.columns.value) ?? ""));
    }
    table = { keyCol: t.columns.key, valueCol: t.columns.value, lastRow: t.lastRow, rowOf };
  }
  const problems = result.findings.filter((f) => f.code === "BAD_RULE");
  const rows: RuleRow[] = RULE_DEFS.map((d) => {
    const row = table?.rowOf.get(d.key.toLowerCase());
    const p = row !== undefined ? problems.find((f) => f.row === row) : undefined;
    return {
      key: d.key, value: valueOf.get(d.key.toLowerCase()) ?? "", defaultValue: defaultText(d.value), labelZh: d.zh, labelEn: d.en,
      ...(p ? { problemZh: p.message, problemEn: p.messageEn } : {}),
    };
  });
  return { sheetExists: !ws.isNullObject, rows, ws: ws.isNullObject ? null : ws, table, empty: sheet.cells.length === 0 };
}

export function readRules(): Promise<RulesView> {
  return withBook({}, async (_book, ctx) => {
    const { sheetExists, rows } = await rulesState(ctx);
    return { sheetExists, rows };
  });
}

export function writeRule(key: string, value: string): Promise<RulesView> {
  return withBook({}, async (_book, ctx) => {
    if (!RULE_DEFS.some((d) => d.key === key)) throw new ActionError("office", `未知参数 ${key}`, `Unknown rule key ${key}`);
    const state = await rulesState(ctx);
    const text = looksLikeFormula(value) ? `'${value}` : value;
    if (!state.ws || (state.empty && !state.table)) {
      // The rules sheet with every default, the user's value for this key (the values are the user's to edit).
      const ws = state.ws ?? ctx.workbook.worksheets.add(RULES_SHEET);
      const rows = RULE_DEFS.map((d) => [d.key, d.key === key ? text : defaultText(d.value), d.zh]);
      ws.getRangeByIndexes(0, 0, rows.length + 1, 3).values = [["参数", "值", "说明"], ...rows];
      ws.getRangeByIndexes(0, 0, 1, 3).format.font.bold = true;
      ws.getRangeByIndexes(0, 2, 1, 1).format.columnWidth = 320;
    } else if (!state.table) {
      throw new ActionError("office", "“CRM规则”工作表中没有“参数/值”表，请添加表头后再编辑", "The CRM规则 sheet has no 参数/值 table; add the header row first");
    } else {
      const row = state.table.rowOf.get(key.toLowerCase());
      if (row !== undefined) state.ws.getRangeByIndexes(row - 1, state.table.valueCol - 1, 1, 1).values = [[text]];
      else {
        state.ws.getRangeByIndexes(state.table.lastRow, state.table.keyCol - 1, 1, 1).values = [[key]];
        state.ws.getRangeByIndexes(state.table.lastRow, state.table.valueCol - 1, 1, 1).values = [[text]];
      }
    }
    await ctx.sync();
    const { sheetExists, rows } = await rulesState(ctx);
    return { sheetExists, rows };
  });
}

/** The actions the pane and the ribbon use. */
export const officeActions: CrmActions = {
  validate,
  applyTags,
  highlightRisk,
  clearHighlights,
  buildReview: buildReviewSheets,
  maskPhones: maskPhoneNumbers,
  removeOutput,
  selectCell,
  readRules,
  writeRule,
  createTemplates,
};

