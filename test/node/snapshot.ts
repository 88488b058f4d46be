// Everything a user owns in a workbook, as a comparable structure: every cell's value, type and style, merges,
// row and column properties, views, filters, validations, conditional formats, tables and defined names —
// leaving out only what the product owns (its ◆ columns, its sheets, its marked rules).
import ExcelJS from "exceljs";
import { isOwnedHeader } from "../../src/core";
import { isOwnedRuleFormula, isOwnedSheet } from "../../src/workbook/owned";

export interface CellSnap {
  type: number;
  value: unknown;
  style: unknown;
}

export interface SheetSnap {
  cells: Record<string, CellSnap>;
  merges: string[];
  rows: Record<number, unknown>;
  columns: Record<number, unknown>;
  views: unknown;
  autoFilter: unknown;
  validations: Record<string, unknown>;
  conditionalFormats: unknown[];
  tables: unknown[];
}

export interface BookSnap {
  sheetOrder: string[];
  sheets: Record<string, SheetSnap>;
  definedNames: unknown;
}

export async function readXlsx(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

/** Columns of the product's own: their header (anywhere in the first 30 rows) starts with the ◆ mark. */
export function ownedColumns(ws: ExcelJS.Worksheet): Set<number> {
  const cols = new Set<number>();
  for (let r = 1; r <= Math.min(30, ws.rowCount); r++) ws.findRow(r)?.eachCell((cell, c) => isOwnedHeader(cell.value as string) && cols.add(c));
  return cols;
}

/** exceljs keeps these on every worksheet but leaves them out of its type declarations. */
export function conditionalFormats(ws: ExcelJS.Worksheet): ExcelJS.ConditionalFormattingOptions[] {
  return (ws as unknown as { conditionalFormattings: ExcelJS.ConditionalFormattingOptions[] }).conditionalFormattings;
}
export function dataValidations(ws: ExcelJS.Worksheet): Record<string, ExcelJS.DataValidation | undefined> {
  return (ws as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation | undefined> } }).dataValidations.model;
}

const json = (x: unknown) => JSON.parse(JSON.stringify(x ?? null));

/**
 * Snapshot of what the user owns. `skipColumns` leaves out columns by sheet (the product's own columns, found
 * in the book that has them); with `includeOwned` nothing is left out (for "running twice equals once").
 */
export function snapshot(wb: ExcelJS.Workbook, opts: { skipColumns?: Record<string, Set<number>>; includeOwned?: boolean } = {}): BookSnap {
  // The product's marks (hidden names `_CRM_…` that find its sheets and result columns again) are its own.
  const names = (json(wb.definedNames.model) as { name: string }[]).filter((n) => opts.includeOwned || !n.name.startsWith("_CRM_"));
  const snap: BookSnap = { sheetOrder: [], sheets: {}, definedNames: names };
  for (const ws of wb.worksheets) {
    if (!opts.includeOwned && isOwnedSheet(ws.name)) continue;
    snap.sheetOrder.push(ws.name);
    const skip = opts.includeOwned ? new Set<number>() : (opts.skipColumns?.[ws.name] ?? ownedColumns(ws));
    const cells: Record<string, CellSnap> = {};
    const rows: Record<number, unknown> = {};
    ws.eachRow({ includeEmpty: true }, (row, r) => {
      rows[r] = json({ hidden: row.hidden, height: row.height, outlineLevel: row.outlineLevel });
      row.eachCell({ includeEmpty: false }, (cell, c) => {
        if (skip.has(c)) return;
        cells[cell.address] = { type: cell.type, value: json(cell.value), style: json(cell.style) };
      });
    });
    const columns: Record<number, unknown> = {};
    for (let c = 1; c <= ws.columnCount; c++) {
      if (skip.has(c)) continue;
      const col = ws.getColumn(c);
      columns[c] = json({ width: col.width, hidden: col.hidden, outlineLevel: col.outlineLevel });
    }
    const dv = dataValidations(ws);
    const validations: Record<string, unknown> = {};
    for (const [addr, v] of Object.entries(dv)) {
      const m = /^\$?([A-Z]+)/.exec(addr);
      if (v === undefined) continue;
      if (m && [...skip].some((c) => ws.getColumn(c).letter === m[1])) continue;
      validations[addr] = json(v);
    }
    const cfs = conditionalFormats(ws).filter(
      (cf) => opts.includeOwned || !cf.rules.some((rule) => ((rule as { formulae?: unknown[] }).formulae ?? []).some((f) => isOwnedRuleFormula(String(f)))),
    );
    snap.sheets[ws.name] = {
      cells,
      merges: [...(ws.model.merges ?? [])].sort(),
      rows,
      columns,
      views: json(ws.views),
      autoFilter: json(ws.autoFilter),
      validations,
      conditionalFormats: json(cfs),
      tables: (ws.getTables() as unknown as { table: unknown }[]).map((t) => json(t.table)),
    };
  }
  return snap;
}
