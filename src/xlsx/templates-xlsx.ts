// The template tables (src/workbook/templates.ts) as SpreadsheetML: each a sheet with its header row frozen, the
// columns' widths and number formats, a drop-down list on every enumerated column, an input message on each header
// cell (its other-language name, 必填 when required), and an Excel table (ListObject, ECMA-376 §18.5) over the
// header and its rows. `crm init` writes them into a new or an existing book through the patching writer.
import { columnLetter, serialFromDay, toDay } from "../core";
import type { TemplateTable } from "../workbook/templates";
import { rowXml, SHEET_TABLE_REL_ID, WORKSHEET_OPEN, xmlAttr, type XmlCell } from "./owned-sheets";
import type { StylesPatch } from "./styles-patch";

const NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** Where the lists reach: the sheet's last row, so a row the user adds under the table has its list too. */
const LAST_ROW = 1_048_576;
/** The header's fill, and a required column's (a stronger shade). */
const HEAD_FILL = "FFDDEBF7";
const REQUIRED_FILL = "FFF8CBAD";

/** The table's range: the header and its rows, at least one (Excel's tables have a data row, even if empty). */
export function templateRef(t: TemplateTable): string {
  return `A1:${columnLetter(t.columns.length)}${Math.max(2, t.rows.length + 1)}`;
}

/** The table's part: its columns named by the header cells, with filter buttons and banded rows. */
export function templateTableXml(t: TemplateTable, id: number, name: string): string {
  const ref = templateRef(t);
  const columns = t.columns.map((c, k) => `<tableColumn id="${k + 1}" name="${xmlAttr(c.header)}"/>`).join("");
  return (
    DECL +
    `<table xmlns="${NS_MAIN}" id="${id}" name="${xmlAttr(name)}" displayName="${xmlAttr(name)}" ref="${ref}" totalsRowShown="0">` +
    `<autoFilter ref="${ref}"/><tableColumns count="${t.columns.length}">${columns}</tableColumns>` +
    '<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>'
  );
}

/** A value of a template row as a cell: a `YYYY-MM-DD` day in a date column as its serial number. */
function cellOf(v: string | number | null, isDate: boolean, date1904: boolean): XmlCell {
  if (isDate && typeof v === "string" && /^\d{4}-\d{2}-\d{2}/.test(v)) return serialFromDay(toDay(v.slice(0, 10))) - (date1904 ? 1462 : 0);
  return v;
}

/** The sheet's XML in pieces: header, rows (the rules' defaults, or sample rows), lists and notes, the table's link. */
export function templateSheetChunks(t: TemplateTable, styles: StylesPatch, date1904: boolean): Iterable<string> {
  const head = styles.cell({ bold: true, fill: HEAD_FILL, wrap: true, vertical: "center" });
  const headRequired = styles.cell({ bold: true, fill: REQUIRED_FILL, wrap: true, vertical: "center" });
  const body = t.columns.map((c) => (c.numFmt ? styles.cell({ numFmt: c.numFmt }) : 0));
  const isDate = t.columns.map((c) => c.numFmt?.startsWith("yyyy") === true);
  const cols = t.columns.map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" customWidth="1"${body[i] ? ` style="${body[i]}"` : ""}/>`).join("");
  const validations: string[] = [];
  t.columns.forEach((c, i) => {
    const L = columnLetter(i + 1);
    // The header's note: shown when the header cell is selected (an input message; the list is none).
    validations.push(`<dataValidation allowBlank="1" showInputMessage="1" promptTitle="${xmlAttr(c.header.replace(/\*$/, "").slice(0, 32))}" prompt="${xmlAttr(c.note.slice(0, 255))}" sqref="${L}1"/>`);
    if (c.choices && c.choices.length > 0) {
      validations.push(
        `<dataValidation type="list" allowBlank="1" showErrorMessage="1" errorStyle="warning" errorTitle="CRM" error="${xmlAttr("请从列表中选择 · pick a value from the list")}" sqref="${L}2:${L}${LAST_ROW}">` +
          `<formula1>"${xmlAttr(c.choices.join(","))}"</formula1></dataValidation>`,
      );
    }
  });
  return (function* () {
    yield WORKSHEET_OPEN + `<dimension ref="${templateRef(t)}"/>` +
      '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
      `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>` +
      rowXml(1, t.columns.map((c) => c.header), t.columns.map((c) => (c.required ? headRequired : head)));
    const rows: string[] = [];
    t.rows.forEach((r, k) => rows.push(rowXml(k + 2, t.columns.map((c, i) => cellOf(r[c.key] ?? null, isDate[i], date1904)), body)));
    // The table's one empty data row when it has none: styled, so its cells show their formats once filled.
    if (t.rows.length === 0) rows.push(rowXml(2, t.columns.map(() => null), body));
    yield rows.join("");
    yield `</sheetData><dataValidations count="${validations.length}">${validations.join("")}</dataValidations>` +
      '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
      `<tableParts count="1"><tablePart r:id="${SHEET_TABLE_REL_ID}"/></tableParts></worksheet>`;
  })();
}
