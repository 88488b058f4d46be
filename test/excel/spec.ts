// A workbook model as Excel holds it, for the fake Excel: dates are serial numbers, errors their text;
// named sheets can be declared as Excel tables over their whole used range. And the product's marks in a book.
import { columnLetter, serialFromDay, toDay, type CellValue, type WorkbookModel } from "../../src/core";
import { splitAddress } from "../../src/excel/office-book";
import { MARK_RESULTS, MARK_SHEET } from "../../src/workbook/owned";
import type { ExcelHost } from "../../src/excel/actions";
import type { FakeBookSpec, FakeCellInput, FakeExcel } from "./fake-excel";

/** The actions' host over a fake Excel (useHost(fakeHost(fake))). */
export function fakeHost(fake: FakeExcel): ExcelHost {
  return { run: (b) => fake.Excel.run(b as never) as never, isSetSupported: (s, v) => fake.Office.context.requirements.isSetSupported(s, v) };
}

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

/** A name as the fake's snapshot lists it. */
export interface NameSnap {
  name: string;
  scope: string | null;
  type: string;
  value: unknown;
}

/**
 * The product's marks among a book's names (src/workbook/owned.ts): workbook-scoped `_CRM_SHEET_<role>` and
 * `_CRM_RESULTS` (without regard to case, as Excel compares names). `sheets`: role (lower case) → the sheet its
 * mark refers to; a dangling mark (#REF!) is a mark still, of no sheet.
 */
export function marksOf(names: readonly NameSnap[]): { sheets: Map<string, string>; results: string | null; isMark: (n: NameSnap) => boolean } {
  const isMark = (n: NameSnap) => n.scope === null && (n.name.toUpperCase() === MARK_RESULTS || n.name.toUpperCase().startsWith(MARK_SHEET));
  const sheets = new Map<string, string>();
  let results: string | null = null;
  for (const n of names) {
    if (!isMark(n)) continue;
    if (n.name.toUpperCase() === MARK_RESULTS) results = String(n.value);
    else if (n.type === "Range") sheets.set(n.name.slice(MARK_SHEET.length).toLowerCase(), splitAddress(String(n.value))[0]);
  }
  return { sheets, results, isMark };
}

/** The names of the sheets the product's marks refer to. */
export function markedSheets(names: readonly NameSnap[]): Set<string> {
  return new Set(marksOf(names).sheets.values());
}
