// The Office.js adapter: reads the open workbook into the engine's model and writes the product's own output
// back, with a handful of sync() round trips: whole ranges read and written in row chunks (default 5,000 rows,
// so no request exceeds Excel on the web's ~5 MB payload limit), never cell by cell, and never outside what
// src/workbook/owned.ts says the product owns. It gets its RequestContext from src/excel/actions.ts, the
// only place Excel.run appears.
import {
  columnLetter, HISTORY_HEADER, HISTORY_ROLE, HISTORY_SHEET, HISTORY_WIDTHS, maskPhones, maskText, serialFromDay, toDay, type CellValue, type Finding, type PipelineResult, type ReviewData,
  type SheetModel, type WorkbookModel,
} from "../core";
import {
  FINDINGS_HEADER, FINDINGS_ROLE, FINDINGS_SHEET, findingRow, HIGHLIGHT_RULES, isOwnedRuleFormula, isResultsMark, layoutFits, looksLikeFormula, MARK_SHEET, NO_ROOM, OWNED_COLUMNS, ownedColumnOf, ownedHeader, ownedLayout, ownedValues, resultsMarkName, resultTables,
  REVIEW_SHEET_PREFIX, type OwnedColumn, type OwnedLayout, type OwnedValue,
} from "../workbook/owned";
import { INDUSTRY_PIVOT, OWNER_PIVOT, PIVOT_COUNT_FIELD, PIVOT_COUNT_NAME, PIVOT_DATA_FORMATS, PIVOT_DATA_HEADER, PIVOT_DATA_TABLE, PIVOT_SHEETS, pivotDataRows, pivotTitle, type ReviewPivot } from "../workbook/review-pivots";
import { DATA_BAR, HEAT_HIGH, HEAT_LOW, REVIEW_FORMATS, REVIEW_SHEET_NAMES, REVIEW_STAMP, reviewGrid, reviewSheets, reviewStamp, type GridChart, type GridColumnRange, type ReviewBlock, type ReviewSheet } from "../workbook/review-sheets";
import type { TemplateTable } from "../workbook/templates";
import { byteChunks, isPayloadError, PAYLOAD_BUDGET_BYTES, PRIOR_CELL_BYTES, rowBytes } from "./payload";
import { ActionError, type Progress } from "./types";

export interface BookOptions {
  chunkRows: number;
  onProgress?: (p: Progress) => void;
  signal?: AbortSignal;
  /** The host supports ExcelApi 1.8 (PivotTables, data validation lists, charts as used here). */
  pivots: boolean;
  /** The host supports ExcelApi 1.13 (merged areas, for MERGED_CELL findings). */
  mergedAreas: boolean;
  /** The host supports ExcelApi 1.9 (the findings sheet's AutoFilter). Default: yes. */
  autoFilter?: boolean;
  /** Bytes a request or response is sized to (default PAYLOAD_BUDGET_BYTES, under Excel on the web's 5 MB). */
  payloadBudget?: number;
}

export const DEFAULT_CHUNK_ROWS = 5_000;

const ERROR_TEXT = /^#(?:N\/A|VALUE!|REF!|DIV\/0!|NUM!|NAME\?|NULL!|SPILL!|CALC!|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|GETTING_DATA)$/;

/** A value Office.js returned (errors come as their text) as the engine reads it. */
export function engineValue(v: unknown): CellValue {
  if (v === null || v === undefined || v === "") return null;
  if (typeof v === "string") return ERROR_TEXT.test(v) ? { error: v } : v;
  if (typeof v === "number" || typeof v === "boolean") return v;
  return String(v);
}

/** A value to write: text that Excel would take for a formula gets the apostrophe prefix, so it stays text. */
export function cellInput(v: OwnedValue | boolean | undefined): string | number | boolean {
  if (v === null || v === undefined) return "";
  if (typeof v === "string" && looksLikeFormula(v)) return `'${v}`;
  return v;
}

/** `'Sheet 1'!B7` → ["Sheet 1", "B7"]. */
export function splitAddress(address: string): [string, string] {
  const i = address.lastIndexOf("!");
  const sheet = address.slice(0, i);
  return [sheet.startsWith("'") ? sheet.slice(1, -1).replace(/''/g, "'") : sheet, address.slice(i + 1)];
}

const HEADER_FILL = "#DDEBF7";
const OWNED_HEADER_FILL = "#FCE4D6";
/** Points per character of an owned column's width (OwnedColumn.width is in characters). */
const POINTS_PER_CHAR = 7;
/** A required template column's header fill (templates-xlsx.ts's, the same shade). */
const REQUIRED_FILL = "#F8CBAD";
/** Excel's last row: a template's lists reach it, so a row added under the table has its list too. */
const LAST_ROW = 1_048_576;
/** Excel rounds a column width it is given to its pixel grid: a width this close to the product's is the product's. */
const WIDTH_TOLERANCE = 3;

/** Excel's longest sheet name. */
const MAX_SHEET_NAME = 31;

/** A sheet name not yet taken, compared as Excel compares them (without regard to case), at most 31 characters. */
export function freeSheetName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const name = base.slice(0, MAX_SHEET_NAME - suffix.length) + suffix;
    if (!taken.has(name.toLowerCase())) return name;
  }
}


/**
 * How a sheet an earlier version wrote, without marks, is known (as src/xlsx/read.ts adoptUnmarked knows it):
 * by its exact name together with what the product writes in `ref` — the findings sheet's header row, a review
 * sheet's stamp under its title (`截至 as of … · CRM Workbench`), the staging table's header row, a PivotTable
 * sheet's title line. A copy the user made (`… (2)`) never matches by name; a user's own sheet of that name,
 * holding anything else, never by content.
 */
const UNMARKED: ReadonlyMap<string, { role: string; ref: string; is: (values: unknown[][]) => boolean }> = (() => {
  const row = (want: readonly string[]) => (v: unknown[][]) => want.every((h, c) => v[0]?.[c] === h);
  const pivot = (p: ReviewPivot) => ({ role: p.role, ref: "A1", is: (v: unknown[][]) => v[0]?.[0] === pivotTitle(p) });
  const sheetName = (role: string) => PIVOT_SHEETS.find((x) => x.role === role)!.name;
  return new Map([
    [FINDINGS_SHEET, { role: FINDINGS_ROLE, ref: `A1:${columnLetter(FINDINGS_HEADER.length)}1`, is: row(FINDINGS_HEADER) }],
    ...REVIEW_SHEET_NAMES.map(([role, name]) => [name, { role, ref: "A2", is: (v: unknown[][]) => typeof v[0]?.[0] === "string" && REVIEW_STAMP.test(v[0][0]) }] as const),
    [sheetName("review.data"), { role: "review.data", ref: `A1:${columnLetter(PIVOT_DATA_HEADER.length)}1`, is: row(PIVOT_DATA_HEADER) }],
    [sheetName(INDUSTRY_PIVOT.role), pivot(INDUSTRY_PIVOT)],
    [sheetName(OWNER_PIVOT.role), pivot(OWNER_PIVOT)],
    [HISTORY_SHEET, { role: HISTORY_ROLE, ref: `A1:${columnLetter(HISTORY_HEADER.length)}1`, is: row(HISTORY_HEADER) }],
  ]);
})();

/** The comment on each mark (hidden names do not show in Name Manager; the comment says what one is, should it be found). */
const MARK_COMMENT = "CRM Workbench: 标记本加载项写入的内容，请勿修改 · marks what CRM Workbench wrote; do not edit";

/**
 * The product's marks as the workbook holds them (src/workbook/owned.ts): workbook-scoped names
 * `_CRM_SHEET_<role>` referring to each of its sheets, `_CRM_RESULTS` to the ◆ result columns. Roles and names
 * are compared without regard to case, as Excel compares names.
 */
interface Marks {
  /**
   * Role (lower case) → the sheet its mark refers to now, whatever its name; and, for a role without a mark, the
   * sheet an earlier version wrote unmarked (UNMARKED), which gets its mark when it is replaced.
   */
  sheets: Map<string, string>;
  /**
   * The ◆ result columns of the last apply, by lower-case mark name (`_crm_results`, `_crm_results_2` … one per
   * customers table written to): their sheet and its 1-based rows and columns.
   */
  results: Map<string, { sheet: string; top: number; bottom: number; left: number; right: number }>;
  /** Every mark (by lower-case name), dangling ones (#REF!) too, to delete or re-point. */
  items: Map<string, Excel.NamedItem>;
}

const lower = (s: string) => s.toLowerCase();
const SHEET_MARK = lower(MARK_SHEET);
/** The last apply's results mark on a sheet, if it wrote there. */
const resultsOn = (marks: Marks | null, sheet: string) => [...(marks?.results.values() ?? [])].find((r) => r.sheet === sheet);
const sheetMark = (role: string) => lower(MARK_SHEET + role);

/** Which kind of output a sheet of this role is (roles of a later version: removed with everything). */
function kindOf(role: string): "findings" | "review" | "history" | null {
  const r = lower(role);
  return r === lower(FINDINGS_ROLE) ? "findings" : r === HISTORY_ROLE ? "history" : r.startsWith("review.") ? "review" : null;
}

function ofKinds(role: string, kinds: OutputKinds): boolean {
  const k = kindOf(role);
  return k === null ? kinds.findings && kinds.review : k === "history" ? kinds.history === true : kinds[k];
}

/** The kinds of output the product writes; removeOutput takes out those asked for (all of them: the undo). */
export interface OutputKinds {
  /** The ◆ columns: headers, cells, number formats and formats, lists, widths. */
  columns: boolean;
  /** The product's conditional-format rules (marked with OWNED_RULE_MARK). */
  rules: boolean;
  /** The findings sheet (its mark `_CRM_SHEET_findings`). */
  findings: boolean;
  /** The review sheets (their marks `_CRM_SHEET_review.…`), with their staging table, PivotTables and charts. */
  review: boolean;
  /** The history sheet 「CRM变更历史」 (its mark `_CRM_SHEET_history`): only the undo takes it, and only when asked. */
  history?: boolean;
}

export const ALL_OUTPUT: OutputKinds = { columns: true, rules: true, findings: true, review: true, history: true };

/** What apply did with the history sheet: rows appended, or why none were (as the command line says it). */
export interface HistoryOutcome {
  appended: number;
  skipped: "later" | "unreadable" | "full" | null;
}

/** What removeOutput took out. */
export interface RemovedOutput {
  columns: number;
  rules: number;
  sheets: string[];
}

/** The owned columns of one sheet under one header row: sheet column → its definition and the last row to clear. */
interface OwnedBlock {
  s: ReadSheet;
  headerRow: number;
  cols: Map<number, { def: OwnedColumn; bottom: number }>;
}

interface ReadSheet {
  ws: Excel.Worksheet;
  model: SheetModel;
  /** Last used row and column (1-based). */
  lastRow: number;
  lastCol: number;
}

export class OfficeBook {
  private sheets: ReadSheet[] = [];
  /**
   * The marks as the workbook holds them, read with the book (read()) and kept up to date by every write that
   * changes them; null while a write that changes them is under way, or after it failed (then they are read
   * again: that write may have been applied in part).
   */
  private marks: Marks | null = null;
  /** Sheets this action added or replaced (name → role): should a write fail before their marks are set, still the product's. */
  private made = new Map<string, string>();
  /** Chunks read and written, for the sync budget (10 + one per chunk). */
  chunks = 0;
  /** Bytes of review blocks queued and not yet sent (small blocks share a request up to half the budget). */
  private queuedBytes = 0;

  constructor(
    private readonly ctx: Excel.RequestContext,
    private readonly o: BookOptions,
  ) {}

  private checkCancel(): void {
    if (this.o.signal?.aborted) throw new ActionError("cancelled", "已取消，工作簿未做任何修改", "Cancelled; nothing in the workbook was changed");
  }

  // ── read ──

  /** Every sheet's values (formulas as their results) in row chunks: 2 syncs + one per chunk. */
  async read(opts: { history?: boolean } = {}): Promise<WorkbookModel> {
    const wb = this.ctx.workbook;
    const sheets = wb.worksheets;
    sheets.load("items/name");
    const tables = wb.tables;
    tables.load("items/name");
    const names = this.queueNames();
    await this.ctx.sync();

    const used = sheets.items.map((ws) => ws.getUsedRangeOrNullObject(true).load("rowIndex,columnIndex,rowCount,columnCount"));
    const tableInfo = tables.items.map((t) => ({ t, ws: t.worksheet.load("name"), rg: t.getRange().load("address") }));
    const marks = this.queueMarkRanges(names, sheets.items);
    await this.ctx.sync();
    this.marks = marks();
    const owned = this.ownedSheetNames(this.marks);
    // The history sheet is the product's, yet read: its rows are the engine's input (DOMAIN.md section 8a); not
    // for an action that computes nothing (remove), which would only pay for its rows.
    const historyName = opts.history === false ? undefined : this.marks.sheets.get(HISTORY_ROLE);

    type Plan = { i: number; top: number; left: number; rows: number; cols: number; merges: Excel.RangeAreas | null; cells: CellValue[][] };
    const plans: Plan[] = [];
    sheets.items.forEach((ws, i) => {
      const u = used[i];
      // The product's own sheets (those its marks refer to, whatever their names) are not read: the engine never
      // takes them for user tables, and a findings sheet of tens of thousands of long messages made the next
      // action's read exceed the response limit. A sheet merely named like one of them is the user's (unless an
      // earlier version wrote it, unmarked: known by its name and content, UNMARKED).
      if (u.isNullObject || (owned.has(ws.name) && ws.name !== historyName)) {
        plans.push({ i, top: 0, left: 0, rows: 0, cols: 0, merges: null, cells: [] });
        return;
      }
      plans.push({ i, top: u.rowIndex, left: u.columnIndex, rows: u.rowCount, cols: u.columnCount, merges: null, cells: [] });
    });

    // Requests sized by bytes (at most chunkRows rows of a sheet each; small sheets share one): a sheet's rows are
    // assumed PRIOR_CELL_BYTES a cell until some are read, then as heavy as the heaviest chunk read so far. A
    // response over Excel's limit anyway (later rows heavier than the first) halves that request and goes on.
    const totalRows = plans.reduce((s, p) => s + p.rows, 0);
    const reading = plans.filter((p) => p.rows > 0);
    const queueMerges = (p: Plan) => sheets.items[p.i].getRangeByIndexes(p.top, p.left, p.rows, p.cols).getMergedAreasOrNullObject().load("address");
    if (this.o.mergedAreas) for (const p of reading) p.merges = queueMerges(p);
    const next = new Map<Plan, number>(reading.map((p) => [p, 0]));
    const perRow = new Map<Plan, number>(reading.map((p) => [p, p.cols * PRIOR_CELL_BYTES]));
    const budget = this.o.payloadBudget ?? PAYLOAD_BUDGET_BYTES;
    let done = 0;
    const chunksBefore = this.chunks;
    for (let k = 0; k < reading.length; ) {
      this.checkCancel();
      const req: { plan: Plan; r0: number; n: number; range: Excel.Range }[] = [];
      let bytes = 0;
      for (let j = k; j < reading.length && bytes < budget; j++) {
        const p = reading[j];
        const r0 = next.get(p)!;
        const fit = Math.floor((budget - bytes) / perRow.get(p)!);
        const n = Math.min(p.rows - r0, this.o.chunkRows, req.length === 0 ? Math.max(1, fit) : fit);
        if (n < 1) break;
        req.push({ plan: p, r0, n, range: sheets.items[p.i].getRangeByIndexes(p.top + r0, p.left, n, p.cols).load("values") });
        bytes += n * perRow.get(p)!;
        if (r0 + n < p.rows) break;
      }
      try {
        await this.ctx.sync();
      } catch (e) {
        // Nothing of a refused request was read: the same rows again, in half the bytes (a single row cannot shrink).
        if (!isPayloadError(e) || (req.length === 1 && req[0].n === 1)) throw e;
        for (const part of req) perRow.set(part.plan, Math.max(perRow.get(part.plan)!, (2 * bytes) / req.reduce((s, x) => s + x.n, 0)));
        // The merged areas went with the first request: asked for again with the next one, through new objects
        // (Office.js invalidates the objects a failed request made).
        if (this.chunks === chunksBefore) for (const p of reading) if (p.merges) p.merges = queueMerges(p);
        continue;
      }
      this.chunks++;
      for (const part of req) {
        const rows = part.range.values;
        let got = 0;
        for (const row of rows) {
          got += rowBytes(row);
          part.plan.cells.push(row.map(engineValue));
        }
        perRow.set(part.plan, Math.max(perRow.get(part.plan)!, got / part.n));
        next.set(part.plan, part.r0 + part.n);
        done += part.n;
      }
      while (k < reading.length && next.get(reading[k])! >= reading[k].rows) k++;
      this.o.onProgress?.({ phase: "read", done, total: totalRows });
    }

    this.sheets = plans.map((p) => {
      const ws = sheets.items[p.i];
      const name = ws.name;
      const merged = p.merges && !p.merges.isNullObject ? p.merges.address.split(",").map((a) => splitAddress(a)[1].replace(/\$/g, "")) : [];
      const sheetTables = tableInfo.filter((x) => x.ws.name === name).map((x) => ({ name: x.t.name, range: splitAddress(x.rg.address)[1].replace(/\$/g, "") }));
      return {
        ws,
        model: { name, cells: p.cells, originRow: p.top + 1, originCol: p.left + 1, merged, tables: sheetTables, owned: owned.has(name), ...(name === historyName ? { role: HISTORY_ROLE } : {}) },
        lastRow: p.top + p.rows,
        lastCol: p.left + p.cols,
      };
    });
    return { sheets: this.sheets.map((s) => s.model) };
  }

  // ── marks ──

  /** Queues the load of the workbook-scoped names (shared with another request: no round trip of its own). */
  private queueNames(): Excel.NamedItemCollection {
    return this.ctx.workbook.names.load("items/name");
  }

  /**
   * With the names and the sheets' names loaded: queues the ranges the product's names refer to (ExcelApi 1.4)
   * and the few cells by which an earlier version's unmarked sheets are known (UNMARKED: only of sheets with
   * exactly such a name), and returns what reads them into marks after the next sync. A mark whose sheet was
   * deleted (#REF!) has no range: it is kept only to be deleted. A sheet an earlier version wrote is the product's
   * for a role without a mark (a sheet a mark refers to keeps its role).
   */
  private queueMarkRanges(names: Excel.NamedItemCollection, sheets: readonly Excel.Worksheet[]): () => Marks {
    const ours = names.items
      .filter((n) => isResultsMark(n.name) || lower(n.name).startsWith(SHEET_MARK))
      .map((n) => ({ n, rg: n.getRangeOrNullObject().load("address,rowIndex,columnIndex,rowCount,columnCount") }));
    const unmarked = sheets.flatMap((ws) => {
      const known = UNMARKED.get(ws.name);
      return known ? [{ name: ws.name, known, rg: ws.getRange(known.ref).load("values") }] : [];
    });
    return () => {
      const marks: Marks = { sheets: new Map(), results: new Map(), items: new Map() };
      for (const { n, rg } of ours) {
        const key = lower(n.name);
        marks.items.set(key, n);
        if (rg.isNullObject) continue;
        const sheet = splitAddress(rg.address)[0];
        if (isResultsMark(key)) marks.results.set(key, { sheet, top: rg.rowIndex + 1, bottom: rg.rowIndex + rg.rowCount, left: rg.columnIndex + 1, right: rg.columnIndex + rg.columnCount });
        else marks.sheets.set(key.slice(SHEET_MARK.length), sheet);
      }
      const owned = this.ownedSheetNames(marks);
      for (const { name, known, rg } of unmarked) {
        const role = lower(known.role);
        if (marks.sheets.has(role) || owned.has(name) || !known.is(rg.values)) continue;
        marks.sheets.set(role, name);
        owned.add(name);
      }
      return marks;
    };
  }

  /** The marks: as known, or read again (two syncs) after a write that changed them failed. */
  private async currentMarks(): Promise<Marks> {
    if (this.marks) return this.marks;
    const names = this.queueNames();
    const sheets = this.ctx.workbook.worksheets.load("items/name");
    await this.ctx.sync();
    const marks = this.queueMarkRanges(names, sheets.items);
    await this.ctx.sync();
    return (this.marks = marks());
  }

  /** The product's sheets: those a mark refers to (and an earlier version's, unmarked, known by UNMARKED). */
  private ownedSheetNames(marks: Marks): Set<string> {
    return new Set(marks.sheets.values());
  }

  /** Queues a mark (a hidden workbook-scoped name) on `range`, replacing the one of that name. */
  private queueMark(marks: Marks, name: string, range: Excel.Range): void {
    marks.items.get(lower(name))?.delete();
    const item = this.ctx.workbook.names.add(name, range, MARK_COMMENT);
    // NamedItem.visible (ExcelApi 1.1) is writable: a hidden name is not listed in Name Manager, like the
    // command line's `hidden="1"`.
    item.visible = false;
    marks.items.set(lower(name), item);
  }

  private sheet(name: string): ReadSheet {
    const s = this.sheets.find((x) => x.model.name === name);
    if (!s) throw new ActionError("changed", `工作表“${name}”已不存在，请重新运行`, `The sheet "${name}" no longer exists; run the action again`);
    return s;
  }

  /** Row `r` (1-based) of a read sheet, indexed by sheet column − 1. */
  private rowValues(s: ReadSheet, r: number): CellValue[] {
    const row = s.model.cells[r - (s.model.originRow ?? 1)] ?? [];
    const out: CellValue[] = [];
    row.forEach((v, j) => (out[(s.model.originCol ?? 1) - 1 + j] = v));
    return out;
  }

  // ── apply: owned columns, lists, findings sheet ──

  /** Where the owned columns go: beside each customers table some customer calls home (merged tables, DOMAIN.md section 1). */
  layouts(result: PipelineResult): OwnedLayout[] {
    const layouts = resultTables(result).map((table) => {
      const s = this.sheet(table.sheet);
      return ownedLayout(result, table, this.rowValues(s, table.headerRow), (col) => columnHasData(s.model, col, table.headerRow, table.lastRow));
    }).filter((l): l is OwnedLayout => l !== null);
    if (layouts.length === 0) throw new ActionError("noCustomers", "没有找到客户表（需要带“客户名称”等表头的表格）", "No customers table found (a table with headers such as 客户名称)");
    // A table (or a stray cell in its header row) reaching column XFD leaves no room for the result columns:
    // refuse clearly instead of asking Excel for ranges beyond its last column (that failed as "workbook changed").
    if (layouts.some((l) => !layoutFits(l))) throw new ActionError("office", NO_ROOM.zh, NO_ROOM.en);
    return layouts;
  }

  /**
   * Writes the owned columns (header, values, formats, lists) where `layout` places them, the k-th table's (its mark
   * resultsMarkName(k)): one sync per chunk plus one.
   */
  async writeOwnedColumns(result: PipelineResult, layout: OwnedLayout, k = 0): Promise<OwnedLayout> {
    const s = this.sheet(layout.table.sheet);
    const values = ownedValues(result, layout);
    const runs = columnRuns(OWNED_COLUMNS.map((c) => layout.columns[c.key]));
    const headerRow0 = layout.table.headerRow - 1;

    const queueHeader = () => {
      for (const run of runs) {
        const defs = run.keys.map((k) => OWNED_COLUMNS[k]);
        const head = s.ws.getRangeByIndexes(headerRow0, run.col - 1, 1, defs.length);
        head.values = [defs.map((d) => ownedHeader(d, result.rules))];
        head.format.font.bold = true;
        head.format.fill.color = OWNED_HEADER_FILL;
        head.format.wrapText = true;
      }
      // Widths: a column of the sheet's standard width gets the product's; one the user sized keeps the user's
      // width (removeOutput gives back only the product's). Loaded with the first chunk, set with the lists.
      return runs.flatMap((run) => run.keys.map((k, j) => ({ def: OWNED_COLUMNS[k], fmt: s.ws.getRangeByIndexes(0, run.col - 1 + j, 1, 1).format.load("useStandardWidth") })));
    };
    let widths = queueHeader();
    const first = layout.firstDataRow;
    const height = layout.lastDataRow - first + 1;
    const total = Math.max(0, height);
    // Each run's cells, row by row, as they are sent (values and number formats), so chunks are sized by their bytes.
    const cellsOf = runs.map((run) => run.keys.map((k) => OWNED_COLUMNS[k]));
    const rowOf = (i: number) => cellsOf.map((defs) => defs.map((d) => {
      const v = values[d.key][i];
      return d.isDate && typeof v === "string" ? serialFromDay(toDay(v)) : cellInput(v);
    }));
    const fmtOf = cellsOf.map((defs) => defs.map((d) => d.numFmt ?? "General"));
    const fmtBytes = fmtOf.reduce((n, f) => n + rowBytes(f), 0);
    const rows = Array.from({ length: total }, (_, i) => rowOf(i));
    await this.writeChunks(total, (i) => rows[i].reduce((n, r) => n + rowBytes(r), fmtBytes), (r0, n) => {
      runs.forEach((run, j) => {
        const rg = s.ws.getRangeByIndexes(first - 1 + r0, run.col - 1, n, cellsOf[j].length);
        rg.numberFormat = Array.from({ length: n }, () => fmtOf[j]);
        rg.values = rows.slice(r0, r0 + n).map((r) => r[j]);
      });
    }, () => (widths = queueHeader()));
    // Rows an earlier, longer run wrote below today's table: as far down as that run's mark `_CRM_RESULTS`
    // says it wrote, and only in columns that were already the product's (their header, as read, is its own).
    // Nothing further down: a note the user typed below the table in a ◆ column is the user's (clearing to the
    // sheet's end erased it). A book without the mark (an earlier version's output): the table's rows only.
    // Those rows get back what the earlier run gave them: no value, no number format, no list (their other
    // formats the product never set).
    const marks = await this.currentMarks();
    const last = resultsOn(marks, s.model.name)?.bottom ?? 0;
    if (last > layout.lastDataRow) {
      const before = this.rowValues(s, layout.table.headerRow);
      const stale = OWNED_COLUMNS.filter((def) => {
        const h = before[layout.columns[def.key] - 1];
        return ownedColumnOf(h) === def;
      });
      for (const def of stale) {
        const rg = s.ws.getRangeByIndexes(layout.lastDataRow, layout.columns[def.key] - 1, last - layout.lastDataRow, 1);
        rg.clear("Contents");
        if (this.o.pivots && def.choices) rg.dataValidation.clear();
      }
      // "General" again, in row chunks (the last one goes with the request below).
      for (let r0 = layout.lastDataRow; r0 < last; r0 += this.o.chunkRows) {
        const n = Math.min(this.o.chunkRows, last - r0);
        for (const def of stale) if (def.numFmt) s.ws.getRangeByIndexes(r0, layout.columns[def.key] - 1, n, 1).numberFormat = Array.from({ length: n }, () => ["General"]);
        if (r0 + n < last) {
          await this.ctx.sync();
          this.chunks++;
        }
      }
    }
    if (total === 0) await this.ctx.sync();
    for (const w of widths) if (w.fmt.useStandardWidth) w.fmt.columnWidth = w.def.width * POINTS_PER_CHAR;
    if (this.o.pivots && height > 0) {
      for (const def of OWNED_COLUMNS) {
        if (!def.choices) continue;
        const rg = s.ws.getRangeByIndexes(first - 1, layout.columns[def.key] - 1, height, 1);
        rg.dataValidation.clear();
        rg.dataValidation.rule = { list: { inCellDropDown: true, source: def.choices.join(",") } };
      }
    }
    // The mark of what this run wrote: the ◆ columns from the header row to the last data row, as the command
    // line marks them, for the next run and for removeOutput. Set with the last request of the columns.
    this.marks = null;
    const cols = Object.values(layout.columns);
    const left = Math.min(...cols);
    const bottom = Math.max(layout.lastDataRow, layout.table.headerRow);
    this.queueMark(marks, resultsMarkName(k), s.ws.getRangeByIndexes(headerRow0, left - 1, bottom - headerRow0, Math.max(...cols) - left + 1));
    await this.ctx.sync();
    marks.results.set(lower(resultsMarkName(k)), { sheet: s.model.name, top: layout.table.headerRow, bottom, left, right: Math.max(...cols) });
    this.marks = marks;
    return layout;
  }

  /**
   * Sends `total` rows in requests sized by their bytes (`bytesOf(i)`, at most chunkRows rows): `queue(r0, n)`
   * queues one chunk's writes. A request Excel refuses for its size applied nothing: its rows go again in two
   * halves (and what was queued before the first chunk, by `requeue`, when it went with that one). Progress is
   * reported per chunk.
   */
  private async writeChunks(total: number, bytesOf: (i: number) => number, queue: (r0: number, n: number) => void, requeue?: () => void): Promise<void> {
    const pending = byteChunks(total, bytesOf, this.o.chunkRows, this.o.payloadBudget ?? PAYLOAD_BUDGET_BYTES).reverse();
    let sent = 0;
    while (pending.length > 0) {
      const [r0, n] = pending.pop()!;
      queue(r0, n);
      try {
        await this.ctx.sync();
      } catch (e) {
        if (!isPayloadError(e) || n === 1) throw e;
        if (sent === 0) requeue?.();
        const half = Math.ceil(n / 2);
        pending.push([r0 + half, n - half], [r0, half]);
        continue;
      }
      sent += n;
      this.chunks++;
      this.o.onProgress?.({ phase: "write", done: sent, total });
    }
  }

  /**
   * Replaces the findings sheet (the one its mark refers to, whatever its name now; else a new one, never a
   * user's sheet of that name): two syncs to replace it, one per chunk of findings, one more. Returns the sheet.
   */
  async writeFindingsSheet(findings: readonly Finding[]): Promise<Excel.Worksheet> {
    const { ws } = (await this.replaceSheets([{ role: FINDINGS_ROLE, name: FINDINGS_SHEET }])).get(FINDINGS_ROLE)!;
    const header = [...FINDINGS_HEADER];
    const queueHeader = () => {
      const head = ws.getRangeByIndexes(0, 0, 1, header.length);
      head.values = [header];
      head.format.font.bold = true;
      head.format.fill.color = HEADER_FILL;
    };
    queueHeader();
    // Text columns formatted as text first, so a sheet or header named like a number or a date stays as typed.
    const fmt = ["@", "@", "General", "@", "0", "@", "@", "@", "@", "@"];
    // `formulas` so the address column can be a HYPERLINK; every other cell is a constant (text kept as text).
    // (No apostrophe prefix in a text-formatted cell: the format alone keeps `=…` as text.)
    const rowOf = (f: Finding) => findingRow(f).map((v) => (v === null ? "" : typeof v === "object" ? `=${v.formula}` : v));
    await this.writeChunks(findings.length, (i) => rowBytes(rowOf(findings[i])) + rowBytes(fmt), (r0, n) => {
      const part = findings.slice(r0, r0 + n);
      const rg = ws.getRangeByIndexes(1 + r0, 0, part.length, header.length);
      rg.numberFormat = part.map(() => fmt);
      rg.formulas = part.map(rowOf);
    }, queueHeader);
    ws.freezePanes.freezeRows(1);
    ws.getRangeByIndexes(0, 0, 1, header.length).format.columnWidth = 90;
    ws.getRangeByIndexes(0, 6, 1, 4).format.columnWidth = 260;
    if (findings.length > 0 && this.o.autoFilter !== false) ws.autoFilter.apply(ws.getRangeByIndexes(0, 0, findings.length + 1, header.length));
    await this.ctx.sync();
    return ws;
  }

  /**
   * Appends this run's history rows (DOMAIN.md section 8a) below the history sheet's last row, or makes the sheet
   * on the first run, in row chunks; the rows already there are never written. Should Excel fail part-way, what
   * this run appended is taken out again (a sheet it made, deleted with its mark), so the history is never left
   * with half a run.
   */
  async appendHistory(result: PipelineResult): Promise<HistoryOutcome> {
    // A history an earlier version left unmarked (known by its name and header) gets its mark, as replaced sheets
    // do: queued with the first rows (or sent alone when there are none).
    const marks = result.history ? await this.currentMarks() : null;
    const unmarked = marks !== null && !marks.items.has(sheetMark(HISTORY_ROLE));
    const queueMark = () => {
      if (!unmarked) return;
      this.marks = null;
      this.queueMark(marks, MARK_SHEET + HISTORY_ROLE, this.ctx.workbook.worksheets.getItem(result.history!.sheet).getRange("A1"));
    };
    const markAlone = async () => {
      queueMark();
      if (!unmarked) return;
      await this.ctx.sync();
      this.marks = marks;
    };
    const append = result.historyAppend();
    if (append.skipped !== null) {
      await markAlone();
      return { appended: 0, skipped: append.skipped };
    }
    if (append.length === 0) {
      await markAlone();
      return { appended: 0, skipped: null };
    }
    const lastRow = result.history?.lastRow ?? 1;
    const header = [...HISTORY_HEADER];
    let ws: Excel.Worksheet;
    let made = false;
    if (result.history) ws = this.ctx.workbook.worksheets.getItem(result.history.sheet);
    else {
      ws = (await this.replaceSheets([{ role: HISTORY_ROLE, name: HISTORY_SHEET }])).get(HISTORY_ROLE)!.ws;
      made = true;
      const head = ws.getRangeByIndexes(0, 0, 1, header.length);
      head.values = [header];
      head.format.font.bold = true;
      head.format.fill.color = HEADER_FILL;
      HISTORY_WIDTHS.forEach((w, c) => (ws.getRangeByIndexes(0, c, 1, 1).format.columnWidth = w * POINTS_PER_CHAR));
      ws.freezePanes.freezeRows(1);
    }
    // The date as a date; every other column as text, so an id or a name that looks like a number stays as typed.
    const fmt = ["yyyy-mm-dd", "@", "@", "@", "@", "@", "@"];
    const rowOf = (k: number) => {
      const h = append.row(k);
      return [serialFromDay(h.day), h.id, h.name, h.field, h.from, h.to, h.reason];
    };
    let written = 0;
    queueMark();
    try {
      await this.writeChunks(append.length, (k) => rowBytes(rowOf(k)) + rowBytes(fmt), (r0, n) => {
        const rg = ws.getRangeByIndexes(lastRow + r0, 0, n, header.length);
        rg.numberFormat = Array.from({ length: n }, () => fmt);
        rg.values = Array.from({ length: n }, (_, j) => rowOf(r0 + j));
        written = r0 + n;
      }, queueMark);
      if (marks && unmarked) this.marks = marks;
    } catch (e) {
      try {
        if (made) await this.removeOutput({ columns: false, rules: false, findings: false, review: false, history: true });
        else if (written > 0) {
          ws.getRangeByIndexes(lastRow, 0, written, header.length).clear("All");
          await this.ctx.sync();
        }
      } catch {
        // The error that stopped the write is the one to report.
      }
      throw e;
    }
    return { appended: append.length, skipped: null };
  }

  /**
   * The product's sheets of these roles, afresh: a sheet its role's mark refers to is deleted and added again
   * under its current name at the same tab position; a role without one gets a new sheet at the end, under the
   * first name free without regard to case (`CRM问题清单`, else `CRM问题清单 (2)` …: a user's sheet of that
   * name, in any case, stays the user's). Each new sheet's mark is set in the same request that adds it.
   * Sheets of the roles in `drop` are deleted with their marks. Never touches a sheet no mark refers to. Two
   * syncs (the marks are known from read()). Returns the new sheets by role.
   */
  async replaceSheets(wanted: readonly { role: string; name: string }[], drop: readonly string[] = []): Promise<Map<string, { ws: Excel.Worksheet; name: string }>> {
    const marks = await this.currentMarks();
    const sheets = this.ctx.workbook.worksheets;
    sheets.load("items/name,items/position");
    const active = sheets.getActiveWorksheet().load("name");
    await this.ctx.sync();
    this.marks = null;
    const byName = new Map(sheets.items.map((ws) => [ws.name, ws]));
    const markedSheet = (role: string) => {
      const name = marks.sheets.get(lower(role));
      return name !== undefined ? byName.get(name) : undefined;
    };
    // Deleted first: the marked sheets being replaced, and those of the roles dropped, with their marks.
    const gone = new Set<Excel.Worksheet>();
    const old = wanted.map((w) => markedSheet(w.role));
    for (const role of drop) {
      const ws = markedSheet(role);
      if (ws && !gone.has(ws)) {
        ws.delete();
        gone.add(ws);
      }
      marks.items.get(sheetMark(role))?.delete();
      marks.items.delete(sheetMark(role));
      marks.sheets.delete(lower(role));
    }
    // Two roles whose marks refer to one sheet (a book edited by hand): it is replaced once, by the first.
    // A replaced sheet goes back to its tab among the sheets that stay: its position less the dropped sheets
    // that were left of it (the user may have moved any of them anywhere).
    const dropped = [...gone].map((ws) => ws.position);
    const positions = old.map((ws, i) => (ws && !gone.has(ws) && old.indexOf(ws) === i ? ws.position - dropped.filter((p) => p < ws.position).length : -1));
    old.forEach((ws, i) => {
      if (positions[i] < 0) return;
      ws!.delete();
      gone.add(ws!);
    });
    const taken = new Set(sheets.items.filter((ws) => !gone.has(ws) || old.includes(ws)).map((ws) => lower(ws.name)));
    const count = sheets.items.length - gone.size + wanted.length;
    const out = new Map<string, { ws: Excel.Worksheet; name: string }>();
    wanted.forEach((w, i) => {
      const replaced = positions[i] >= 0 ? old[i]!.name : undefined;
      const name = replaced ?? freeSheetName(w.name, taken);
      taken.add(lower(name));
      const ws = sheets.add(name);
      this.made.set(name, w.role);
      ws.tabColor = "#2F5597";
      // The sheet the user was looking at is replaced: they see the new one, not the neighbour Excel picked.
      if (replaced !== undefined && replaced === active.name) ws.activate();
      this.queueMark(marks, MARK_SHEET + w.role, ws.getRange("A1"));
      marks.sheets.set(lower(w.role), name);
      out.set(w.role, { ws, name });
    });
    // Back to their tabs, leftmost first: each lands among the sheets before it as they were (in any order the
    // user put them; a position past the sheets added so far would be refused).
    wanted
      .map((w, i) => ({ ws: out.get(w.role)!.ws, at: positions[i] }))
      .filter((x) => x.at >= 0)
      .sort((a, b) => a.at - b.at)
      .forEach((x) => (x.ws.position = Math.min(x.at, count - 1)));
    await this.ctx.sync();
    this.marks = marks;
    return out;
  }

  // ── highlights ──

  /** Removes the product's conditional-format rules from every sheet; four syncs. Returns how many. */
  async clearHighlights(): Promise<number> {
    return (await this.removeOutput({ columns: false, rules: true, findings: false, review: false, history: false })).rules;
  }

  /**
   * Takes the product's output of these kinds out of the book, and nothing else: the ◆ columns (found by their
   * headers in the sheets read — read() first — plus the columns `layout` places, when an apply stops part-way),
   * the marked conditional-format rules, the findings and review sheets (those the marks refer to, whatever
   * their names, and those this action added before it stopped), and the marks. A ◆ column is cleared from its
   * header down to where the last apply wrote it (contents, number formats and formats, lists) and its width
   * given back when it is still the product's. Where a user's own conditional format covers a ◆ column,
   * clearing the formats there would cut the user's rule, so those cells get their contents, number formats and
   * header formats reset instead. Two to four syncs (one more per chunk of number formats in that case; two more
   * when a write that changed the marks failed, to read them again).
   */
  async removeOutput(kinds: OutputKinds, layouts: readonly OwnedLayout[] = []): Promise<RemovedOutput> {
    const ctx = this.ctx;
    const sheets = ctx.workbook.worksheets;
    sheets.load("items/name,items/visibility");
    const active = sheets.getActiveWorksheet().load("name");
    const needMarks = kinds.columns || kinds.findings || kinds.review || kinds.history === true;
    const names = needMarks && !this.marks ? this.queueNames() : null;
    await ctx.sync();
    if (names) {
      const read = this.queueMarkRanges(names, sheets.items);
      await ctx.sync();
      this.marks = read();
    }
    const marks = this.marks;
    const owned = marks ? this.ownedSheetNames(marks) : new Set<string>();
    const userSheets = sheets.items.filter((ws) => !owned.has(ws.name));
    const blocks = kinds.columns ? this.ownedBlocks(marks, layouts) : [];

    // The rules on every sheet (the product's are marked), and those over each block of ◆ columns.
    type Run = { block: OwnedBlock; col: number; defs: OwnedColumn[]; bottom: number; range: Excel.Range; cfs: Excel.ConditionalFormatCollection; widths: Excel.RangeFormat[] };
    const sheetCfs = kinds.rules || kinds.columns ? userSheets.map((ws) => ws.getRange().conditionalFormats.load("items/type")) : [];
    const runs: Run[] = [];
    for (const block of blocks) {
      const cols = [...block.cols.keys()].sort((a, b) => a - b);
      for (const c of cols) {
        const { def, bottom } = block.cols.get(c)!;
        const last = runs[runs.length - 1];
        if (last && last.block === block && last.col + last.defs.length === c && last.bottom === bottom) last.defs.push(def);
        else runs.push({ block, col: c, defs: [def], bottom, range: null as unknown as Excel.Range, cfs: null as unknown as Excel.ConditionalFormatCollection, widths: [] });
      }
    }
    for (const run of runs) {
      const ws = run.block.s.ws;
      run.range = ws.getRangeByIndexes(run.block.headerRow - 1, run.col - 1, run.bottom - run.block.headerRow + 1, run.defs.length);
      run.cfs = run.range.conditionalFormats.load("items/type");
      run.widths = run.defs.map((_d, j) => ws.getRangeByIndexes(0, run.col - 1 + j, 1, 1).format.load("columnWidth"));
    }
    if (sheetCfs.length > 0 || runs.length > 0) await ctx.sync();
    const custom = (c: Excel.ConditionalFormatCollection) => c.items.filter((cf) => cf.type === "Custom").map((cf) => ({ cf, rule: cf.custom.rule.load("formula") }));
    const sheetRules = sheetCfs.map(custom);
    const runRules = runs.map((r) => ({ all: r.cfs.items.length, custom: custom(r.cfs) }));
    if (sheetRules.some((x) => x.length > 0) || runRules.some((x) => x.custom.length > 0)) await ctx.sync();

    let rules = 0;
    for (const list of sheetRules) {
      for (const { cf, rule } of list) {
        if (!isOwnedRuleFormula(rule.formula)) continue;
        cf.delete();
        rules++;
      }
    }
    // A block keeps every format of the user's: cleared whole unless a user's rule covers part of it.
    const userRuleOver = new Set<OwnedBlock>();
    runs.forEach((run, i) => {
      const ours = runRules[i].custom.filter((x) => isOwnedRuleFormula(x.rule.formula)).length;
      if (runRules[i].all > ours) userRuleOver.add(run.block);
    });
    const numberFormatRuns: Run[] = [];
    for (const run of runs) {
      if (!userRuleOver.has(run.block)) run.range.clear("All");
      else {
        run.range.clear("Contents");
        const head = run.block.s.ws.getRangeByIndexes(run.block.headerRow - 1, run.col - 1, 1, run.defs.length);
        head.format.fill.clear();
        head.format.font.bold = false;
        head.format.wrapText = false;
        numberFormatRuns.push(run);
      }
      if (this.o.pivots) run.range.dataValidation.clear();
      run.defs.forEach((d, j) => {
        if (Math.abs(run.widths[j].columnWidth - d.width * POINTS_PER_CHAR) <= WIDTH_TOLERANCE) run.block.s.ws.getRangeByIndexes(0, run.col - 1 + j, 1, 1).format.useStandardWidth = true;
      });
    }

    // The product's sheets of these kinds: those their marks refer to; and those this action added whose marks a
    // failed request may not have set (their names were free, or the product's, when it added them).
    const roleOf = new Map<string, string>();
    for (const [role, name] of marks?.sheets ?? []) if (ofKinds(role, kinds)) roleOf.set(name, role);
    for (const [name, role] of this.made) if (ofKinds(role, kinds) && !roleOf.has(name)) roleOf.set(name, role);
    const removed: string[] = [];
    const doomed = sheets.items.filter((ws) => roleOf.has(ws.name));
    // A workbook keeps one visible sheet: when only the product's are left, the first of them stays (and its mark).
    const visibleLeft = sheets.items.filter((ws) => ws.visibility === "Visible" && !doomed.includes(ws)).length;
    const kept = visibleLeft === 0 ? doomed.find((x) => x.visibility === "Visible")?.name : undefined;
    for (const ws of doomed) {
      if (ws.name === kept) continue;
      ws.delete();
      removed.push(ws.name);
    }
    // Their marks (dangling ones too: a sheet deleted by a request that failed before its mark was), and the
    // mark of the ◆ columns.
    const unmarked: string[] = [];
    if (marks) {
      this.marks = null;
      for (const [key, item] of marks.items) {
        const role = key.startsWith(SHEET_MARK) ? key.slice(SHEET_MARK.length) : null;
        const ours = isResultsMark(key) ? kinds.columns : role !== null && ofKinds(role, kinds) && (kept === undefined || marks.sheets.get(role) !== kept);
        if (!ours) continue;
        item.delete();
        unmarked.push(key);
      }
    }
    // The product's sheet in view goes: the user lands on the sheet of the ◆ columns (their customers), else on
    // their first sheet, rather than on whichever neighbour Excel picks.
    if (removed.includes(active.name)) {
      const home = blocks[0]?.s.model.name ?? sheets.items.find((ws) => ws.visibility === "Visible" && !removed.includes(ws.name))?.name;
      const ws = home !== undefined ? sheets.items.find((x) => x.name === home && x.visibility === "Visible") : undefined;
      ws?.activate();
    }

    // The number formats of the columns that have one, as "General" again, in row chunks.
    let chunked = false;
    for (const run of numberFormatRuns) {
      const first = run.block.headerRow + 1;
      const last = Math.min(run.bottom, Math.max(run.block.s.lastRow, ...layouts.filter((l) => l.table.sheet === run.block.s.model.name).map((l) => l.lastDataRow)));
      for (let r0 = first; r0 <= last; r0 += this.o.chunkRows) {
        const n = Math.min(this.o.chunkRows, last - r0 + 1);
        run.defs.forEach((d, j) => {
          if (!d.numFmt) return;
          run.block.s.ws.getRangeByIndexes(r0 - 1, run.col - 1 + j, n, 1).numberFormat = Array.from({ length: n }, () => ["General"]);
        });
        await ctx.sync();
        this.chunks++;
        chunked = true;
      }
    }
    if (!chunked && (rules > 0 || runs.length > 0 || removed.length > 0 || unmarked.length > 0)) await ctx.sync();
    if (marks) {
      for (const key of unmarked) {
        marks.items.delete(key);
        if (isResultsMark(key)) marks.results.delete(key);
        else marks.sheets.delete(key.slice(SHEET_MARK.length));
      }
      // An earlier version's sheets, known without a mark, are gone too.
      for (const name of removed) {
        const role = roleOf.get(name);
        if (role !== undefined && marks.sheets.get(role) === name) marks.sheets.delete(role);
      }
      this.marks = marks;
    }
    for (const name of removed) this.made.delete(name);
    return { columns: blocks.reduce((a, b) => a + b.cols.size, 0), rules, sheets: removed };
  }

  /**
   * Where the ◆ columns are: on each of the user's sheets read, the first row from the top holding any owned
   * header, and its ◆ columns, down to where the last apply wrote them (its mark `_CRM_RESULTS`); on a sheet
   * without the mark (an earlier version's output), down to the table's last row — the last with a cell of the
   * user's outside the ◆ columns. Never to the sheet's end: a note the user typed below the table in a ◆ column
   * is the user's. Plus the columns `layouts` place, to their table's last row (an apply that stopped part-way).
   */
  private ownedBlocks(marks: Marks | null, layouts: readonly OwnedLayout[]): OwnedBlock[] {
    const blocks: OwnedBlock[] = [];
    for (const s of this.sheets) {
      if (s.model.owned) continue;
      const originRow = s.model.originRow ?? 1;
      const originCol = s.model.originCol ?? 1;
      for (let i = 0; i < s.model.cells.length; i++) {
        const found = new Map<number, OwnedColumn>();
        s.model.cells[i]?.forEach((v, j) => {
          const def = ownedColumnOf(v);
          if (def) found.set(originCol + j, def);
        });
        if (found.size === 0) continue;
        const headerRow = originRow + i;
        let bottom = resultsOn(marks, s.model.name)?.bottom ?? 0;
        if (bottom === 0) {
          for (let k = s.model.cells.length - 1; k >= i && bottom === 0; k--) {
            if (s.model.cells[k]?.some((v, j) => v !== null && v !== undefined && v !== "" && !found.has(originCol + j))) bottom = originRow + k;
          }
        }
        bottom = Math.max(bottom, headerRow);
        blocks.push({ s, headerRow, cols: new Map([...found].map(([c, def]) => [c, { def, bottom }])) });
        break;
      }
    }
    for (const layout of layouts) {
      const s = this.sheet(layout.table.sheet);
      let block = blocks.find((b) => b.s === s && b.headerRow === layout.table.headerRow);
      if (!block) blocks.push((block = { s, headerRow: layout.table.headerRow, cols: new Map() }));
      const bottom = Math.max(layout.lastDataRow, layout.table.headerRow);
      for (const def of OWNED_COLUMNS) {
        const c = layout.columns[def.key];
        const had = block.cols.get(c);
        block.cols.set(c, { def: had?.def ?? def, bottom: Math.max(bottom, had?.bottom ?? 0) });
      }
    }
    return blocks;
  }

  /** The highlight rules over the customers table and the owned columns (after clearHighlights). One sync. */
  async writeHighlights(layout: OwnedLayout, asOf: string): Promise<number> {
    if (layout.lastDataRow < layout.firstDataRow) return 0;
    const s = this.sheet(layout.table.sheet);
    const L = (key: string) => columnLetter(layout.columns[key]);
    const lastOwned = Math.max(...Object.values(layout.columns));
    const rows = `${columnLetter(layout.table.firstCol)}${layout.firstDataRow}:${columnLetter(lastOwned)}${layout.lastDataRow}`;
    const next = `${L("nextFollowUp")}${layout.firstDataRow}:${L("nextFollowUp")}${layout.lastDataRow}`;
    for (const rule of HIGHLIGHT_RULES) {
      const cf = s.ws.getRange(rule.scope === "rows" ? rows : next).conditionalFormats.add("Custom" as Excel.ConditionalFormatType);
      cf.custom.rule.formula = `=${rule.formula(L, layout.firstDataRow, asOf)}`;
      cf.custom.format.fill.color = `#${rule.fill.slice(2)}`;
      cf.custom.format.font.color = `#${rule.font.slice(2)}`;
    }
    await this.ctx.sync();
    return HIGHLIGHT_RULES.length;
  }

  // ── review ──

  /**
   * The review sheets: the printable tables every face writes, and — with ExcelApi 1.8 — a staging table of
   * one row per customer on the product's own sheet with real PivotTables over it, and charts.
   */
  async writeReview(review: ReviewData, result: PipelineResult): Promise<{ sheets: string[]; pivotTables: number; charts: number }> {
    const layouts = reviewSheets(review);
    const wanted = [...layouts.map((l) => ({ role: l.role, name: l.name })), ...(this.o.pivots ? PIVOT_SHEETS : [])];
    // Review sheets of roles an earlier version made and this one does not (or, without ExcelApi 1.8, the pivot
    // sheets) are removed too: only the product's own, known by their marks. A copy the user made of one (Excel's
    // "Move or Copy", `CRM复盘-阶段与漏斗 (2)`) is theirs: the workbook-scoped mark still refers to the original.
    const keep = new Set(wanted.map((w) => lower(w.role)));
    const marks = await this.currentMarks();
    // (An earlier version's sheets of such roles, known without a mark, too.)
    const roles = new Set([...[...marks.items.keys()].filter((k) => k.startsWith(SHEET_MARK)).map((k) => k.slice(SHEET_MARK.length)), ...marks.sheets.keys()]);
    const stale = [...roles].filter((role) => kindOf(role) === "review" && !keep.has(role));
    const made = await this.replaceSheets(wanted, stale);
    let charts = 0;
    this.queuedBytes = 0;
    for (const l of layouts) charts += await this.writeReviewSheet(made.get(l.role)!.ws, l, review.asOf);
    await this.ctx.sync();
    this.queuedBytes = 0;
    let pivotTables = 0;
    if (this.o.pivots) pivotTables = await this.writePivots(made, result);
    return { sheets: wanted.map((w) => made.get(w.role)!.name), pivotTables, charts };
  }

  /**
   * Queues one review sheet's blocks (one format call per block, per chunk of rows for a long block: a plan of
   * 70,000 tasks is over the request size limit in one) and its chart; returns charts added.
   */
  private async writeReviewSheet(ws: Excel.Worksheet, l: ReviewSheet, asOf: string): Promise<number> {
    const budget = this.o.payloadBudget ?? PAYLOAD_BUDGET_BYTES;
    ws.getRange("A1").values = [[`${l.title} · ${l.titleEn}`]];
    ws.getRange("A1").format.font.bold = true;
    ws.getRange("A1").format.font.size = 14;
    // The stamp under the title, as every face writes it (review-sheets.ts): should the marks be lost, it is how
    // either face knows the sheet again.
    ws.getRange("A2").values = [[reviewStamp(asOf)]];
    let r = 3;
    let charts = 0;
    const blocks: { b: ReviewBlock; top: number }[] = [];
    for (const b of l.blocks) {
      blocks.push({ b, top: r });
      ws.getRangeByIndexes(r, 0, 1, 1).values = [[`${b.title} ${b.titleEn}`]];
      ws.getRangeByIndexes(r, 0, 1, 1).format.font.bold = true;
      const head = ws.getRangeByIndexes(r + 1, 0, 1, b.header.length);
      head.values = [b.header];
      head.format.font.bold = true;
      head.format.fill.color = HEADER_FILL;
      const formats = b.formats.map((f) => REVIEW_FORMATS[f] ?? "@");
      // Text columns are formatted as text, which keeps `=…` as typed; other cells get the apostrophe guard.
      const rows = b.rows.map((row) => row.map((v, c) => (b.formats[c] === "date" && typeof v === "string" ? serialFromDay(toDay(v)) : b.formats[c] === "text" ? (v ?? "") : cellInput(v))));
      const bytes = rows.reduce((n, row) => n + rowBytes(row) + rowBytes(formats), 0);
      const top = r + 2;
      const queueBody = (r0: number, n: number) => {
        const body = ws.getRangeByIndexes(top + r0, 0, n, b.header.length);
        body.numberFormat = Array.from({ length: n }, () => formats);
        body.values = rows.slice(r0, r0 + n);
      };
      if (this.queuedBytes + bytes <= budget / 2) {
        // Small blocks (most of them) go with the sheet's other requests.
        if (rows.length > 0) queueBody(0, rows.length);
        this.queuedBytes += bytes;
      } else {
        // A long block (a plan of thousands of tasks) on its own, sized by bytes, halved if Excel refuses it.
        await this.ctx.sync();
        this.queuedBytes = 0;
        await this.writeChunks(rows.length, (i) => rowBytes(rows[i]) + rowBytes(formats), queueBody);
      }
      r += 2 + Math.max(1, b.rows.length);
      if (b.note) {
        ws.getRangeByIndexes(r, 0, 1, 1).values = [[cellInput(b.note)]];
        ws.getRangeByIndexes(r, 0, 1, 1).format.font.italic = true;
        r++;
      }
      r += 1;
    }
    ws.getRangeByIndexes(0, 0, 1, 1).format.columnWidth = 200;
    const grid = reviewGrid(l, asOf);
    // Data bars on the counts, from zero to the largest, and the R × F grid's colour scale, as the command line
    // writes them (one description, review-sheets.ts; conditional formats are ExcelApi 1.6).
    const html = (argb: string) => `#${argb.slice(2)}`;
    for (const ref of grid.dataBars) {
      const bar = ws.getRange(ref).conditionalFormats.add("DataBar" as Excel.ConditionalFormatType).dataBar;
      bar.lowerBoundRule = { type: "Number" as Excel.ConditionalFormatRuleType, formula: "0" };
      bar.upperBoundRule = { type: "HighestValue" as Excel.ConditionalFormatRuleType };
      bar.positiveFormat.fillColor = html(DATA_BAR);
    }
    for (const ref of grid.colorScales) {
      ws.getRange(ref).conditionalFormats.add("ColorScale" as Excel.ConditionalFormatType).colorScale.criteria = {
        minimum: { type: "LowestValue" as Excel.ConditionalFormatColorCriterionType, color: html(HEAT_LOW) },
        maximum: { type: "HighestValue" as Excel.ConditionalFormatColorCriterionType, color: html(HEAT_HIGH) },
      };
    }
    if (!this.o.pivots) return 0;
    // Charts: each block's, the Gantt view among them, as the command line draws them (one description, review-sheets.ts).
    for (const ch of grid.charts) charts += this.writeChart(ws, ch);
    return charts;
  }

  /**
   * One block's chart over its cells: made from its first series' values, then every series given its values and
   * the categories by range (ExcelApi 1.7), since a block's category and value columns need not be side by side.
   */
  private writeChart(ws: Excel.Worksheet, ch: GridChart): number {
    const type = ({ bar: "BarClustered", column: "ColumnClustered", columnStacked: "ColumnStacked", line: "LineMarkers", gantt: "BarStacked" } as const)[ch.kind];
    const range = (r: GridColumnRange) => ws.getRangeByIndexes(r.top - 1, r.col - 1, r.bottom - r.top + 1, 1);
    const chart = ws.charts.add(type as Excel.ChartType, range(ch.series[0]), "Columns" as Excel.ChartSeriesBy);
    chart.title.text = ch.title;
    chart.legend.visible = ch.series.length > 1 && ch.kind !== "gantt";
    ch.series.forEach((s, k) => {
      const series = k === 0 ? chart.series.getItemAt(0) : chart.series.add(s.name);
      series.setValues(range(s));
      series.setXAxisValues(range(ch.categories));
      series.name = s.name;
    });
    if (ch.kind === "gantt") {
      // The start dates carry each bar to its start and are not drawn; tasks read from the top; dates along the axis.
      chart.series.getItemAt(0).format.fill.clear();
      chart.axes.categoryAxis.reversePlotOrder = true;
      if (ch.axisFrom !== null) chart.axes.valueAxis.minimum = serialFromDay(ch.axisFrom);
      chart.axes.valueAxis.numberFormat = "m/d";
    }
    chart.setPosition(`${columnLetter(ch.from.col)}${ch.from.row}`, `${columnLetter(ch.to.col - 1)}${ch.to.row - 1}`);
    return 1;
  }

  /** One staging table of the customers and two PivotTables over it (ExcelApi 1.8). */
  private async writePivots(made: Map<string, { ws: Excel.Worksheet }>, result: PipelineResult): Promise<number> {
    const data = made.get("review.data")!.ws;
    const header = [...PIVOT_DATA_HEADER];
    const rows = pivotDataRows(result);
    const queueHeader = () => void (data.getRangeByIndexes(0, 0, 1, header.length).values = [header]);
    queueHeader();
    const fmt = [...PIVOT_DATA_FORMATS];
    await this.writeChunks(rows.length, (i) => rowBytes(rows[i]) + rowBytes(fmt), (r0, n) => {
      const rg = data.getRangeByIndexes(1 + r0, 0, n, header.length);
      rg.numberFormat = Array.from({ length: n }, () => fmt);
      rg.values = rows.slice(r0, r0 + n);
    }, queueHeader);
    if (rows.length === 0) return 0;
    const table = data.tables.add(data.getRangeByIndexes(0, 0, rows.length + 1, header.length), true);
    table.name = PIVOT_DATA_TABLE;
    const pivot = (p: ReviewPivot) => {
      const ws = made.get(p.role)!.ws;
      ws.getRange("A1").values = [[pivotTitle(p)]];
      const pt = ws.pivotTables.add(p.name, table, ws.getRange("A3"));
      pt.rowHierarchies.add(pt.hierarchies.getItem(p.row));
      pt.columnHierarchies.add(pt.hierarchies.getItem(p.column));
      const count = pt.dataHierarchies.add(pt.hierarchies.getItem(PIVOT_COUNT_FIELD));
      count.summarizeBy = "Count" as Excel.AggregationFunction;
      count.name = PIVOT_COUNT_NAME;
    };
    pivot(INDUSTRY_PIVOT);
    pivot(OWNER_PIVOT);
    await this.ctx.sync();
    return 2;
  }

  // ── templates ──

  /**
   * The template tables (src/workbook/templates.ts) as new sheets, as `crm init` writes them: each an Excel table
   * over its header (and the rules' defaults), the header row frozen, widths and number formats, a list on every
   * enumerated column down to the sheet's last row, each header's note as its input message. A name already taken
   * (a sheet's, or a table's or defined name's) gets a number. Nothing of the user's is touched. One sync to read
   * the names, one to write.
   */
  async addTemplates(tables: readonly TemplateTable[]): Promise<{ kind: string; sheet: string; table: string; rows: number }[]> {
    const wb = this.ctx.workbook;
    const sheets = wb.worksheets.load("items/name");
    const existing = wb.tables.load("items/name");
    const names = wb.names.load("items/name");
    await this.ctx.sync();
    const takenSheets = new Set(sheets.items.map((s) => s.name.toLowerCase()));
    const takenTables = new Set([...existing.items.map((t) => t.name), ...names.items.map((n) => n.name)].map((n) => n.toLowerCase()));
    const free = (base: string, taken: Set<string>, next: (k: number) => string) => {
      let name = base;
      for (let k = 2; taken.has(name.toLowerCase()); k++) name = next(k);
      taken.add(name.toLowerCase());
      return name;
    };
    const out: { kind: string; sheet: string; table: string; rows: number }[] = [];
    for (const t of tables) {
      const sheet = free(t.sheet, takenSheets, (k) => `${t.sheet.slice(0, 31 - ` (${k})`.length)} (${k})`);
      const name = free(t.table, takenTables, (k) => `${t.table}${k}`);
      const ws = wb.worksheets.add(sheet);
      const width = t.columns.length;
      const height = Math.max(1, t.rows.length);
      const head = ws.getRangeByIndexes(0, 0, 1, width);
      head.values = [t.columns.map((c) => c.header)];
      head.format.font.bold = true;
      head.format.wrapText = true;
      t.columns.forEach((c, i) => {
        const cell = ws.getRangeByIndexes(0, i, 1, 1);
        cell.format.fill.color = c.required ? REQUIRED_FILL : HEADER_FILL;
        cell.format.columnWidth = c.width * POINTS_PER_CHAR;
        if (c.numFmt) ws.getRangeByIndexes(1, i, height, 1).numberFormat = Array.from({ length: height }, () => [c.numFmt!]);
        if (this.o.pivots) {
          cell.dataValidation.prompt = { showPrompt: true, title: c.header.replace(/\*$/, "").slice(0, 32), message: c.note.slice(0, 255) };
          if (c.choices) {
            const body = ws.getRangeByIndexes(1, i, LAST_ROW - 1, 1);
            body.dataValidation.rule = { list: { inCellDropDown: true, source: c.choices.join(",") } };
            body.dataValidation.errorAlert = { showAlert: true, style: "Warning" as Excel.DataValidationAlertStyle, title: "CRM", message: "请从列表中选择 · pick a value from the list" };
          }
        }
      });
      if (t.rows.length > 0) ws.getRangeByIndexes(1, 0, t.rows.length, width).values = t.rows.map((r) => t.columns.map((c) => r[c.key] ?? ""));
      const table = ws.tables.add(ws.getRangeByIndexes(0, 0, height + 1, width), true);
      table.name = name;
      table.style = "TableStyleMedium2";
      ws.freezePanes.freezeRows(1);
      out.push({ kind: t.kind, sheet, table: name, rows: t.rows.length });
    }
    await this.ctx.sync();
    return out;
  }

  // ── mask, select, rules ──

  /** Masks the flagged cells (formula cells are left alone). Two syncs per 5,000 cells. */
  async maskPhones(result: PipelineResult): Promise<{ cells: number; numbers: number }> {
    const addresses = [...new Set(result.findings.filter((f) => f.code === "UNMASKED_PHONE").map((f) => f.address))];
    let cells = 0;
    let numbers = 0;
    for (let i = 0; i < addresses.length; i += this.o.chunkRows) {
      const part = addresses.slice(i, i + this.o.chunkRows).map((a) => {
        const [sheet, ref] = splitAddress(a);
        return this.sheet(sheet).ws.getRange(ref).load("formulas,values");
      });
      await this.ctx.sync();
      for (const rg of part) {
        const f = rg.formulas[0][0];
        const v = rg.values[0][0];
        // A formula reads differently in `formulas` and `values`; a text constant that merely starts with "="
        // (typed as '=…) reads the same in both, and is masked like any other text.
        if (typeof f === "string" && f.startsWith("=") && f !== v) continue;
        const m = maskPhones(String(v ?? ""));
        if (m.count === 0) continue;
        rg.values = [[cellInput(m.text)]];
        cells++;
        numbers += m.count;
      }
      await this.ctx.sync();
      this.chunks++;
    }
    return { cells, numbers };
  }

  async selectCell(address: string): Promise<void> {
    const [sheet, ref] = splitAddress(address);
    const ws = this.ctx.workbook.worksheets.getItemOrNullObject(sheet);
    ws.load("name");
    await this.ctx.sync();
    if (ws.isNullObject) throw new ActionError("changed", `工作表“${sheet}”已不存在`, `The sheet "${sheet}" no longer exists`);
    ws.activate();
    ws.getRange(ref).select();
    await this.ctx.sync();
  }
}

/** Whether sheet column `col` holds anything in rows top..bottom of a read sheet. */
function columnHasData(m: SheetModel, col: number, top: number, bottom: number): boolean {
  const j = col - (m.originCol ?? 1);
  if (j < 0) return true;
  for (let r = top; r <= bottom; r++) {
    const v = m.cells[r - (m.originRow ?? 1)]?.[j];
    if (v !== null && v !== undefined && v !== "") return true;
  }
  return false;
}

/** Groups column numbers into runs of consecutive columns (owned columns are normally one run). */
function columnRuns(cols: number[]): { col: number; keys: number[] }[] {
  const order = cols.map((c, k) => ({ c, k })).sort((a, b) => a.c - b.c);
  const runs: { col: number; keys: number[] }[] = [];
  for (const { c, k } of order) {
    const last = runs[runs.length - 1];
    if (last && last.col + last.keys.length === c) last.keys.push(k);
    else runs.push({ col: c, keys: [k] });
  }
  return runs;
}

