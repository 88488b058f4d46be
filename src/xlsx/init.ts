// `crm init` (issue 22): the template tables added to a book through the patching writer — new sheets only, every
// part of the book copied as it was — or a new book made of them. The sheets are the user's from the start (no
// product mark: the engine reads them as any table of the user's); `undo` takes one out again only while it holds
// exactly what init wrote (templateUntouched), so nothing a user typed is ever lost.
import ExcelJS from "exceljs";
import { findTables, type TableKind, type WorkbookModel } from "../core";
import { templateTables, type TemplateLang, type TemplateTable } from "../workbook/templates";
import type { BookEdit } from "./patch";
import type { StylesPatch } from "./styles-patch";
import { templateSheetChunks, templateTableXml } from "./templates-xlsx";

/** The placeholder sheet of a new book (a workbook has at least one sheet), taken out by the same write. */
export const PLACEHOLDER_SHEET = "CRM_init_placeholder";

/** Which of the asked-for tables the book has already (any sheet holding a table of that kind), and which it lacks. */
export function missingTables(model: WorkbookModel, kinds: readonly TableKind[]): { missing: TableKind[]; present: { kind: TableKind; sheet: string }[] } {
  const present: { kind: TableKind; sheet: string }[] = [];
  for (const sheet of model.sheets) {
    if (sheet.owned) continue;
    for (const t of findTables(sheet)) if (kinds.includes(t.kind) && !present.some((p) => p.kind === t.kind)) present.push({ kind: t.kind, sheet: sheet.name });
  }
  return { missing: kinds.filter((k) => !present.some((p) => p.kind === k)), present };
}

/** The edit adding these tables as new sheets (each with its Excel table); `removeSheets` go in the same write. */
export function initEdit(tables: readonly TemplateTable[], styles: StylesPatch, date1904: boolean, removeSheets: string[] = []): BookEdit {
  return {
    sheets: new Map(),
    owned: tables.map((t) => ({
      role: `template.${t.kind}`, name: t.sheet, mark: false, chunks: templateSheetChunks(t, styles, date1904),
      table: { name: t.table, xml: (id: number, name: string) => templateTableXml(t, id, name) },
    })),
    styles,
    removeSheets,
  };
}

/** A new, empty book (one placeholder sheet), as the base a new book's template sheets are added to. */
export async function writeEmptyBook(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "CRM Workbench";
  wb.addWorksheet(PLACEHOLDER_SHEET);
  await wb.xlsx.writeFile(file);
}

/**
 * Whether a sheet holds exactly what init wrote for its table (the header, and the rules' defaults or nothing):
 * the sheets `undo` may take out. A sheet anyone typed into, or renamed columns of, is the user's.
 */
export function templateUntouched(sheet: WorkbookModel["sheets"][number], lang: TemplateLang | "any" = "any"): TableKind | null {
  const found = findTables(sheet);
  if (found.length !== 1) return null;
  const t = found[0];
  for (const l of lang === "any" ? (["zh", "en"] as const) : [lang]) {
    const tpl = templateTables([t.kind], l)[0];
    if (!tpl || tpl.sheet.toLowerCase() !== sheet.name.toLowerCase().replace(/ \(\d+\)$/, "")) continue;
    const expected = [tpl.columns.map((c) => c.header), ...tpl.rows.map((r) => tpl.columns.map((c) => r[c.key] ?? null))];
    const rows = sheet.cells.filter((row) => row.some((v) => norm(v) !== null));
    const same = (sheet.originRow ?? 1) === 1 && (sheet.originCol ?? 1) === 1 && rows.length === expected.length &&
      rows.every((row, i) => Array.from({ length: Math.max(row.length, expected[i].length) }, (_, j) => norm(row[j]) === norm(expected[i][j])).every(Boolean));
    if (same) return t.kind;
  }
  return null;
}

const norm = (v: unknown): string | number | null => (v === null || v === undefined || v === "" ? null : typeof v === "number" ? v : String(v));
