// `crm init` (issue 22): the template tables added to a book through the patching writer — new sheets only, every
// part of the book copied as it was — or a new book made of them. The sheets are the user's from the start (no
// product mark: the engine reads them as any table of the user's); `undo` takes one out again only while it holds
// exactly what init wrote (templates.ts isUntouchedTemplate), so nothing a user typed is ever lost.
import ExcelJS from "exceljs";
import type { TemplateTable } from "../workbook/templates";
import type { BookEdit } from "./patch";
import type { StylesPatch } from "./styles-patch";
import { templateSheetChunks, templateTableXml } from "./templates-xlsx";

/** The placeholder sheet of a new book (a workbook has at least one sheet), taken out by the same write. */
export const PLACEHOLDER_SHEET = "CRM_init_placeholder";

/** The edit adding these tables as new sheets (each with its Excel table); `removeSheets` go in the same write. */
/** The role a template sheet has within init's write (it names the sheet there; no mark is set). */
export function templateRole(kind: string): string {
  return `template.${kind}`;
}

export function initEdit(tables: readonly TemplateTable[], styles: StylesPatch, date1904: boolean, removeSheets: string[] = []): BookEdit {
  return {
    sheets: new Map(),
    owned: tables.map((t) => ({
      role: templateRole(t.kind), name: t.sheet, mark: false, chunks: templateSheetChunks(t, styles, date1904),
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
