// A workbook model as Excel holds it, for the fake Excel: dates are serial numbers, errors their text;
// named sheets can be declared as Excel tables over their whole used range.
import { columnLetter, serialFromDay, toDay, type CellValue, type WorkbookModel } from "../../src/core";
import type { FakeBookSpec, FakeCellInput } from "./fake-excel";

export function excelCell(v: CellValue): FakeCellInput {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return serialFromDay(toDay(v)) + (v.getTime() % 86_400_000) / 86_400_000;
  if (typeof v === "object") return v.error;
  return v;
}

export function specOf(model: WorkbookModel, tables: Record<string, string> = {}): FakeBookSpec {
  return {
    sheets: model.sheets.map((s) => ({
      name: s.name,
      cells: s.cells.map((r) => r.map(excelCell)),
      merges: s.merged ? [...s.merged] : undefined,
      tables: tables[s.name] ? [{ name: tables[s.name], range: `A1:${columnLetter(s.cells[0].length)}${s.cells.length}` }] : undefined,
    })),
  };
}
