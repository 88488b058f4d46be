// Writes a WorkbookModel (the sample generator's, or a test's) as a real .xlsx the way people keep these
// tables: serial dates shown with a date format, header rows in bold, merged titles, column widths, and
// optionally one sheet as an Excel table (ListObject).
import ExcelJS from "exceljs";
import { findTables, parseRange, TABLES, type CellValue, type SheetModel, type WorkbookModel } from "../core";

export interface ModelXlsxOptions {
  /** Sheets written as Excel tables (ListObjects) instead of plain ranges: sheet name → table name. */
  listObjects?: Record<string, string>;
}

/** The workbook exceljs will write for this model. */
export function modelToWorkbook(model: WorkbookModel, opts: ModelXlsxOptions = {}): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = "CRM Workbench";
  if (model.date1904) wb.properties.date1904 = true;
  for (const sheet of model.sheets) {
    const ws = wb.addWorksheet(sheet.name);
    const tableName = opts.listObjects?.[sheet.name];
    if (tableName && writeListObject(ws, sheet, tableName)) continue;
    writeRange(ws, sheet);
  }
  return wb;
}

export async function writeModelXlsx(model: WorkbookModel, file: string, opts: ModelXlsxOptions = {}): Promise<void> {
  await modelToWorkbook(model, opts).xlsx.writeFile(file);
}

/** Which (row, col) cells of the sheet are date or date-time columns of a recognised table. */
function dateColumns(sheet: SheetModel): { headerRow: number; lastRow: number; cols: Map<number, "date" | "datetime"> }[] {
  return findTables(sheet).map((t) => {
    const cols = new Map<number, "date" | "datetime">();
    for (const def of TABLES[t.kind].columns) {
      const off = t.match.columns.get(def.key);
      if (off !== undefined && (def.type === "date" || def.type === "datetime")) cols.set(t.firstCol + off, def.type);
    }
    const lastRow = t.rowNumbers.length ? t.rowNumbers[t.rowNumbers.length - 1] : t.headerRow;
    return { headerRow: t.headerRow, lastRow, cols };
  });
}

function writeRange(ws: ExcelJS.Worksheet, sheet: SheetModel): void {
  const r0 = sheet.originRow ?? 1;
  const c0 = sheet.originCol ?? 1;
  const dates = dateColumns(sheet);
  const headerRows = new Set(dates.map((d) => d.headerRow));
  const widths: number[] = [];
  sheet.cells.forEach((row, i) => {
    const r = r0 + i;
    row.forEach((v, j) => {
      if (v === null || v === undefined || v === "") return;
      const c = c0 + j;
      const cell = ws.getCell(r, c);
      cell.value = excelValue(v);
      const kind = dates.find((d) => r > d.headerRow && r <= d.lastRow)?.cols.get(c);
      if (kind && typeof v === "number") cell.numFmt = kind === "datetime" && v % 1 !== 0 ? "yyyy-mm-dd hh:mm" : "yyyy-mm-dd";
      if (headerRows.has(r)) {
        cell.font = { bold: true };
        cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };
      }
      widths[c] = Math.max(widths[c] ?? 8, Math.min(40, textWidth(v) + 2));
    });
  });
  widths.forEach((w, c) => w && (ws.getColumn(c).width = w));
  for (const m of sheet.merged ?? []) {
    ws.mergeCells(m);
    const rg = parseRange(m);
    if (rg) ws.getCell(rg.top, rg.left).font = { bold: true, size: 14 };
  }
}

function writeListObject(ws: ExcelJS.Worksheet, sheet: SheetModel, name: string): boolean {
  const [header, ...rows] = sheet.cells;
  if (!header || header.some((h) => typeof h !== "string" || h === "") || new Set(header).size !== header.length) return false;
  const dates = dateColumns(sheet)[0];
  ws.addTable({
    name,
    ref: "A1",
    headerRow: true,
    style: { theme: "TableStyleMedium2", showRowStripes: true },
    columns: header.map((h) => ({ name: String(h), filterButton: true })),
    rows: rows.map((row) => header.map((_, j) => excelValue(row[j] ?? null))),
  });
  if (dates) for (const [c, kind] of dates.cols) ws.getColumn(c).numFmt = kind === "datetime" ? "yyyy-mm-dd hh:mm" : "yyyy-mm-dd";
  header.forEach((h, j) => (ws.getColumn(j + 1).width = Math.max(10, textWidth(h) + 4)));
  return true;
}

function excelValue(v: CellValue): ExcelJS.CellValue {
  if (v === undefined) return null;
  if (typeof v === "object" && v !== null && !(v instanceof Date)) return { error: v.error } as ExcelJS.CellErrorValue;
  return v;
}

function textWidth(v: unknown): number {
  const s = v instanceof Date ? "2024-01-01" : String(v);
  let w = 0;
  for (const ch of s) w += ch.charCodeAt(0) > 0x2e80 ? 2 : 1;
  return w;
}

/**
 * The same workbook written with exceljs's streaming writer (plain ranges, date formats on date columns):
 * for books too big for the normal writer (the benchmarks' hundred-thousand- and million-row books).
 */
export async function writeModelXlsxStreaming(model: WorkbookModel, file: string): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
  for (const sheet of model.sheets) {
    const ws = wb.addWorksheet(sheet.name);
    const dates = dateColumns(sheet);
    const r0 = sheet.originRow ?? 1;
    // The streaming writer needs merges before their rows are committed.
    for (const m of sheet.merged ?? []) ws.mergeCells(m);
    sheet.cells.forEach((row, i) => {
      const r = r0 + i;
      const out = ws.getRow(r);
      row.forEach((v, j) => {
        if (v === null || v === undefined || v === "") return;
        const cell = out.getCell((sheet.originCol ?? 1) + j);
        cell.value = excelValue(v);
        const kind = dates.find((d) => r > d.headerRow && r <= d.lastRow)?.cols.get((sheet.originCol ?? 1) + j);
        if (kind && typeof v === "number") cell.numFmt = kind === "datetime" && v % 1 !== 0 ? "yyyy-mm-dd hh:mm" : "yyyy-mm-dd";
      });
      out.commit();
    });
    ws.commit();
  }
  await wb.commit();
}
