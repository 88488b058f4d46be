// The workbook port over an exceljs workbook (the command line's face). Writes only what the product owns
// (src/workbook/owned.ts): its ◆ columns right of the customers table, their list validations, its marked
// conditional-format rules, its findings sheet and review sheets. Every other cell, style, name and table is
// left as exceljs read it.
import ExcelJS from "exceljs";
import { columnLetter, columnNumber, formatDay, HISTORY_HEADER, HISTORY_SHEET, HISTORY_WIDTHS, maskPhones, type Finding, type PipelineResult, type ReviewData, type Rules, type WorkbookModel } from "../core";
import {
  FINDINGS_HEADER, FINDINGS_SHEET, FINDINGS_WIDTHS, findingRow, HIGHLIGHT_RULES, isOwnedRuleFormula, isOwnedSheet, layoutFits, NoRoomError, OWNED_COLUMNS, ownedColumnOf, ownedHeader, ownedLayout, ownedValues, resultTables, REVIEW_SHEET_PREFIX,
  type OwnedLayout, type OwnedValue,
} from "../workbook/owned";
import type { MaskResult, WorkbookPort } from "../workbook/port";
import { DATA_BAR, HEAT_HIGH, HEAT_LOW, GANTT_LATE, GANTT_ON_TIME, REVIEW_FORMATS, reviewGrid, reviewSheets, type GridCell, type GridStyle, type ReviewSheet } from "../workbook/review-sheets";
import { plainValue, toModel } from "./exceljs";

const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };
const OWNED_HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFFCE4D6" } };
const THIN: ExcelJS.Border = { style: "thin", color: { argb: "FFBFBFBF" } };
const BOX: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/** A date the engine reports as `YYYY-MM-DD`, as the UTC midnight Date exceljs writes as an Excel date. */
export function dateCell(ymd: string): Date | string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : ymd;
}

export class ExcelJsBook implements WorkbookPort {
  constructor(readonly workbook: ExcelJS.Workbook) {}

  async read(): Promise<WorkbookModel> {
    return toModel(this.workbook);
  }

  // ── apply ──

  async applyResults(result: PipelineResult): Promise<void> {
    // Beside each customers table some customer calls home (merged tables, DOMAIN.md section 1).
    const planned: { ws: ExcelJS.Worksheet; layout: OwnedLayout }[] = [];
    for (const table of resultTables(result)) {
      const ws = this.workbook.getWorksheet(table.sheet);
      if (!ws) continue;
      const header = rowValues(ws, table.headerRow);
      const layout = ownedLayout(result, table, header, (col) => {
        for (let r = table.headerRow; r <= table.lastRow; r++) {
          const v = plainValue(ws.findCell(r, col)?.value ?? null);
          if (v !== null && v !== "") return true;
        }
        return false;
      });
      if (layout && !layoutFits(layout)) throw new NoRoomError();
      if (layout) planned.push({ ws, layout });
    }
    for (const { ws, layout } of planned) {
      this.writeOwnedColumns(ws, layout, ownedValues(result, layout), result.rules);
      this.writeValidations(ws, layout);
      this.writeHighlights(ws, layout, result.asOf);
    }
    this.writeFindingsSheet(result.findings);
    this.appendHistory(result);
  }

  /**
   * The history rows of this run (DOMAIN.md section 8a) after the history sheet's last row, or a new history sheet
   * on the first run. A sheet of that name the engine could not read as the history (not its header) is left alone.
   */
  private appendHistory(result: PipelineResult): void {
    const append = result.historyAppend();
    if (append.skipped !== null || append.length === 0) return;
    const lastRow = result.history?.lastRow ?? 1;
    let ws = result.history ? this.workbook.getWorksheet(result.history.sheet) : undefined;
    if (!ws) {
      if (this.workbook.getWorksheet(HISTORY_SHEET)) return;
      ws = this.replaceSheet(HISTORY_SHEET);
      styleHeader(ws.addRow([...HISTORY_HEADER]));
      HISTORY_WIDTHS.forEach((w, i) => (ws!.getColumn(i + 1).width = w));
      ws.views = [{ state: "frozen", ySplit: 1 }];
    }
    for (let k = 0; k < append.length; k++) {
      const h = append.row(k);
      const row = ws.getRow(lastRow + 1 + k);
      row.values = [dateCell(formatDay(h.day)), h.id, h.name, h.field, h.from || null, h.to || null, h.reason];
      row.getCell(1).numFmt = "yyyy-mm-dd";
    }
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: lastRow + append.length, column: HISTORY_HEADER.length } };
  }

  private writeOwnedColumns(ws: ExcelJS.Worksheet, layout: OwnedLayout, values: Record<string, OwnedValue[]>, rules: Rules): void {
    const { firstDataRow, lastDataRow } = layout;
    for (const def of OWNED_COLUMNS) {
      const c = layout.columns[def.key];
      const head = ws.getCell(layout.table.headerRow, c);
      // Below the table, only a column that already was the product's (its header says so) can hold an earlier,
      // longer run's values; in a column taken now, a cell down there is the user's.
      const wasOwned = ownedColumnOf(head.value) === def;
      const lastRow = wasOwned ? Math.max(ws.rowCount, lastDataRow) : lastDataRow;
      head.value = ownedHeader(def, rules);
      head.style = { font: { bold: true }, fill: OWNED_HEADER_FILL, border: BOX, alignment: { vertical: "middle", wrapText: true } };
      ws.getColumn(c).width = def.width;
      const vals = values[def.key];
      for (let r = firstDataRow; r <= lastRow; r++) {
        const v = r <= lastDataRow ? vals[r - firstDataRow] : null;
        // Rows past the table only need clearing where an earlier run wrote something.
        if (r > lastDataRow && ws.findCell(r, c) === undefined) continue;
        const cell = ws.getCell(r, c);
        cell.value = v === null ? null : def.isDate && typeof v === "string" ? dateCell(v) : v;
        cell.numFmt = def.numFmt ?? "General";
      }
    }
  }

  private writeValidations(ws: ExcelJS.Worksheet, layout: OwnedLayout): void {
    const dv = (ws as unknown as { dataValidations: { model: Record<string, unknown> } }).dataValidations;
    const ownedCols = new Set(Object.values(layout.columns));
    // exceljs keeps validations per cell (or per range written by us): drop every one inside an owned column.
    for (const address of Object.keys(dv.model)) {
      const first = /^\$?([A-Z]+)\$?(\d+)/.exec(address);
      if (first && ownedCols.has(columnNumber(first[1])) && Number(first[2]) > layout.table.headerRow) delete dv.model[address];
    }
    if (layout.lastDataRow < layout.firstDataRow) return;
    for (const def of OWNED_COLUMNS) {
      if (!def.choices) continue;
      const L = columnLetter(layout.columns[def.key]);
      dv.model[`${L}${layout.firstDataRow}:${L}${layout.lastDataRow}`] = {
        type: "list", allowBlank: true, formulae: [`"${def.choices.join(",")}"`],
        showErrorMessage: true, errorStyle: "warning", errorTitle: "CRM", error: `请从列表中选择 · pick a value from the list`,
      };
    }
  }

  private writeHighlights(ws: ExcelJS.Worksheet, layout: OwnedLayout, asOf: string): void {
    ws.removeConditionalFormatting((cf: ExcelJS.ConditionalFormattingOptions) => !cf.rules.some((rule) => ((rule as { formulae?: unknown[] }).formulae ?? []).some((f) => isOwnedRuleFormula(String(f)))));
    if (layout.lastDataRow < layout.firstDataRow) return;
    const L = (key: string) => columnLetter(layout.columns[key]);
    const lastOwned = Math.max(...Object.values(layout.columns));
    const rows = `${columnLetter(layout.table.firstCol)}${layout.firstDataRow}:${columnLetter(lastOwned)}${layout.lastDataRow}`;
    const next = `${L("nextFollowUp")}${layout.firstDataRow}:${L("nextFollowUp")}${layout.lastDataRow}`;
    HIGHLIGHT_RULES.forEach((rule, i) => {
      ws.addConditionalFormatting({
        ref: rule.scope === "rows" ? rows : next,
        rules: [{
          type: "expression", priority: i + 1, formulae: [rule.formula(L, layout.firstDataRow, asOf)],
          style: { fill: { type: "pattern", pattern: "solid", bgColor: { argb: rule.fill } }, font: { color: { argb: rule.font } } },
        }],
      });
    });
  }

  private writeFindingsSheet(findings: readonly Finding[]): void {
    const ws = this.replaceSheet(FINDINGS_SHEET);
    const header = [...FINDINGS_HEADER];
    styleHeader(ws.addRow(header));
    FINDINGS_WIDTHS.forEach((w, i) => (ws.getColumn(i + 1).width = w));
    for (const f of findings) {
      // exceljs would store an internal hyperlink as an external one: the link is a HYPERLINK formula.
      const row = ws.addRow(findingRow(f).map((v) => (v && typeof v === "object" ? { formula: v.formula, result: v.text } : v)));
      row.getCell(3).font = f.address ? { color: { argb: "FF0563C1" }, underline: true } : {};
      if (f.severity === "error") row.getCell(1).font = { color: { argb: "FF9C0006" }, bold: true };
    }
    ws.views = [{ state: "frozen", ySplit: 1 }];
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, findings.length + 1), column: header.length } };
  }

  /** Replaces the product's own sheet `name` in place (same tab position), or adds it at the end. */
  private replaceSheet(name: string): ExcelJS.Worksheet {
    if (!isOwnedSheet(name)) throw new Error(`not an owned sheet: ${name}`);
    const old = this.workbook.getWorksheet(name);
    const orderNo = old ? (old as unknown as { orderNo: number }).orderNo : undefined;
    if (old) this.workbook.removeWorksheet(old.id);
    const ws = this.workbook.addWorksheet(name, { properties: { tabColor: { argb: "FF2F5597" } } });
    if (orderNo !== undefined) (ws as unknown as { orderNo: number }).orderNo = orderNo;
    return ws;
  }

  // ── review ──

  async writeReview(review: ReviewData): Promise<void> {
    const sheets = reviewSheets(review);
    const keep = new Set(sheets.map((s) => s.name));
    // Review sheets of an earlier version that this one no longer makes are removed too.
    for (const ws of this.workbook.worksheets) if (ws.name.startsWith(REVIEW_SHEET_PREFIX) && !keep.has(ws.name)) this.workbook.removeWorksheet(ws.id);
    for (const s of sheets) this.writeReviewSheet(s, review.asOf);
  }

  private writeReviewSheet(s: ReviewSheet, asOf: string): void {
    const ws = this.replaceSheet(s.name);
    ws.pageSetup = { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, paperSize: 9 };
    const grid = reviewGrid(s, asOf);
    for (const g of grid.cells) {
      const cell = ws.getCell(g.row, g.col);
      cell.value = g.value === null ? null : g.date && typeof g.value === "string" ? dateCell(g.value) : g.value;
      Object.assign(cell, GRID_STYLE[g.style](g));
    }
    for (const [c, w] of grid.widths) ws.getColumn(c).width = w;
    if (grid.gantt) {
      ws.addConditionalFormatting({
        ref: grid.gantt.ref,
        rules: [
          { type: "expression", priority: 1, formulae: [grid.gantt.late], style: { fill: { type: "pattern", pattern: "solid", bgColor: { argb: GANTT_LATE } } } },
          { type: "expression", priority: 2, formulae: [grid.gantt.span], style: { fill: { type: "pattern", pattern: "solid", bgColor: { argb: GANTT_ON_TIME } } } },
        ],
      });
    }
    grid.dataBars.forEach((ref, k) => {
      // exceljs writes a data bar's colour though its typings leave it out.
      const bar: ExcelJS.DataBarRuleType & { color: { argb: string } } = { type: "dataBar", priority: k + 3, minLength: 0, maxLength: 100, cfvo: [{ type: "num", value: 0 }, { type: "max" }], color: { argb: DATA_BAR } };
      ws.addConditionalFormatting({ ref, rules: [bar] });
    });
    grid.colorScales.forEach((ref, k) => {
      ws.addConditionalFormatting({ ref, rules: [{ type: "colorScale", priority: k + 3 + grid.dataBars.length, cfvo: [{ type: "min" }, { type: "max" }], color: [{ argb: HEAT_LOW }, { argb: HEAT_HIGH }] }] });
    });
  }

  // ── mask ──

  async maskPhones(result: PipelineResult): Promise<MaskResult> {
    const out: MaskResult = { cells: 0, numbers: 0, addresses: [] };
    const seen = new Set<string>();
    for (const f of result.findings) {
      if (f.code !== "UNMASKED_PHONE" || seen.has(f.address)) continue;
      seen.add(f.address);
      const ws = this.workbook.getWorksheet(f.sheet);
      const ref = /!\$?([A-Z]+)\$?(\d+)$/.exec(f.address);
      if (!ws || !ref) continue;
      const cell = ws.getCell(Number(ref[2]), columnNumber(ref[1]));
      const n = maskCell(cell);
      if (n > 0) {
        out.cells++;
        out.numbers += n;
        out.addresses.push(f.address);
      }
    }
    return out;
  }
}

/** Masks the phone numbers of one cell's text; formulas are left alone (their text is computed). Returns how many. */
function maskCell(cell: ExcelJS.Cell): number {
  const v = cell.value;
  if (typeof v === "string" || typeof v === "number") {
    const m = maskPhones(String(v));
    if (m.count > 0) cell.value = m.text;
    return m.count;
  }
  if (v && typeof v === "object" && "richText" in v) {
    const runs = v.richText.map((run) => ({ ...run, text: maskPhones(run.text).text }));
    const whole = maskPhones(v.richText.map((run) => run.text).join(""));
    if (whole.count === 0) return 0;
    // A number split across differently formatted runs is masked as a whole, in the first run's font.
    cell.value = runs.map((run) => run.text).join("") === whole.text ? { richText: runs } : { richText: [{ ...v.richText[0], text: whole.text }] };
    return whole.count;
  }
  if (v && typeof v === "object" && "hyperlink" in v && typeof v.text === "string") {
    const m = maskPhones(v.text);
    if (m.count === 0) return 0;
    const link = /^tel:/i.test(v.hyperlink) ? `tel:${maskPhones(v.hyperlink.slice(4)).text}` : v.hyperlink;
    cell.value = { ...v, text: m.text, hyperlink: link };
    return m.count;
  }
  return 0;
}

function rowValues(ws: ExcelJS.Worksheet, r: number): unknown[] {
  const out: unknown[] = [];
  ws.findRow(r)?.eachCell({ includeEmpty: false }, (cell, c) => (out[c - 1] = plainValue(cell.value)));
  return out;
}

function styleHeader(row: ExcelJS.Row): void {
  row.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
    cell.border = BOX;
    cell.alignment = { vertical: "middle", wrapText: true };
  });
}

/** The review grid's cell looks (src/workbook/review-sheets.ts) as exceljs cell properties. */
const GRID_STYLE: Record<GridStyle, (g: GridCell) => Partial<ExcelJS.Cell>> = {
  title: () => ({ font: { bold: true, size: 14 } }),
  subtitle: () => ({ font: { color: { argb: "FF7F7F7F" } } }),
  blockTitle: () => ({ font: { bold: true, size: 12, color: { argb: "FF2F5597" } } }),
  header: () => ({ font: { bold: true }, fill: HEADER_FILL, border: BOX, alignment: { vertical: "middle", wrapText: true } }),
  cell: (g) => ({ border: BOX, ...(g.format && REVIEW_FORMATS[g.format] ? { numFmt: REVIEW_FORMATS[g.format] } : {}) }),
  note: () => ({ font: { italic: true, color: { argb: "FF7F7F7F" } } }),
  plain: () => ({}),
  ganttTitle: () => ({ font: { bold: true } }),
  week: () => ({ numFmt: "m/d", font: { bold: true, size: 9 }, alignment: { textRotation: 90 } }),
};
