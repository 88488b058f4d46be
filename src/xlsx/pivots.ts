// The review's PivotTables as SpreadsheetML parts (ECMA-376 Part 1, §18.10): one pivot cache over the staging
// sheet, and a PivotTable part per pivot sheet, in the element order sml.xsd requires. The cache is marked
// refreshOnLoad and keeps no records (saveData="0"): Excel reads the staging sheet again when the book opens. The
// PivotTable's cells are written out as Excel lays them out (compact form, totals on both axes), so a reader that
// does not compute PivotTables (openpyxl, a viewer, a printout) shows the same counts.
import { columnLetter } from "../core";
import {
  PIVOT_COUNT_FIELD, PIVOT_COUNT_NAME, PIVOT_DATA_FORMATS, PIVOT_DATA_HEADER, PIVOT_TOP_ROW, pivotTitle, type PivotDataCell, type PivotLayout,
} from "../workbook/review-pivots";
import { cellXml, REPORT_PRINT, REPORT_TAB, rowXml, SHEET_TABLE_REL_ID, WORKSHEET_OPEN, xmlAttr } from "./owned-sheets";
import type { StylesPatch } from "./styles-patch";

export const CT_PIVOT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotTable+xml";
export const CT_PIVOT_CACHE = "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml";
const NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
/** Rows of the staging sheet per piece handed to the zip writer (small pieces die young; see FINDINGS_CHUNK). */
const DATA_CHUNK = 200;
/** The grand totals' label, given to Excel too (grandTotalCaption), so it reads the same in any interface language. */
const GRAND_TOTAL = "总计";

/** The staging range, header included: `A1:K{n+1}`. */
export function pivotDataRef(rows: number): string {
  return `A1:${columnLetter(PIVOT_DATA_HEADER.length)}${rows + 1}`;
}

/**
 * The staging table's part (ECMA-376 §18.5): an Excel table over the header and every row, named as the pane names
 * its table (or as free), its columns named by the header cells, with filter buttons and banded rows.
 */
export function pivotDataTableXml(id: number, name: string, rows: number): string {
  const ref = pivotDataRef(Math.max(rows, 1));
  const columns = PIVOT_DATA_HEADER.map((h, k) => `<tableColumn id="${k + 1}" name="${xmlAttr(h)}"/>`).join("");
  return (
    DECL +
    `<table xmlns="${NS_MAIN}" id="${id}" name="${xmlAttr(name)}" displayName="${xmlAttr(name)}" ref="${ref}" totalsRowShown="0">` +
    `<autoFilter ref="${ref}"/><tableColumns count="${PIVOT_DATA_HEADER.length}">${columns}</tableColumns>` +
    '<tableStyleInfo name="TableStyleLight9" showFirstColumn="0" showLastColumn="0" showRowStripes="1" showColumnStripes="0"/></table>'
  );
}

/** The staging sheet: the header, frozen, and one row per customer, in pieces; a table over them (pivotDataTableXml). */
export function pivotDataSheetChunks(rows: readonly PivotDataCell[][], styles: StylesPatch): Iterable<string> {
  const head = styles.cell({ bold: true, fill: "FFDDEBF7" });
  const formats = PIVOT_DATA_FORMATS.map((f) => styles.cell({ numFmt: f }));
  const widths = [14, 22, 12, 10, 10, 12, 8, 10, 10, 14, 14];
  const cols = widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("");
  const ref = pivotDataRef(rows.length);
  return (function* () {
    yield WORKSHEET_OPEN + REPORT_TAB + `<dimension ref="${ref}"/>` +
      '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
      `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>` +
      rowXml(1, [...PIVOT_DATA_HEADER], PIVOT_DATA_HEADER.map(() => head));
    for (let i = 0; i < rows.length; i += DATA_CHUNK) {
      const part: string[] = [];
      for (let k = i; k < Math.min(rows.length, i + DATA_CHUNK); k++) part.push(rowXml(k + 2, rows[k], formats));
      yield part.join("");
    }
    // The filter buttons are the table's (its own autoFilter): a sheet filter over a table makes Excel repair the file.
    yield `</sheetData>${REPORT_PRINT}<tableParts count="1"><tablePart r:id="${SHEET_TABLE_REL_ID}"/></tableParts></worksheet>`;
  })();
}

/** Where a PivotTable's cells lie: from A3, a header row of column items, a row per row item, the totals. */
export function pivotRef(l: PivotLayout): string {
  const last = PIVOT_TOP_ROW + 2 + l.rowItems.length;
  return `A${PIVOT_TOP_ROW}:${columnLetter(l.colItems.length + 2)}${last}`;
}

/**
 * A PivotTable's sheet: its title in A1 and the table's cells as Excel shows them once refreshed (compact form:
 * the count's name over the row labels, the column field's name over its items; an empty cell where no customer
 * falls). The PivotTable part (linked from the sheet) says which cells are the table.
 */
export function pivotSheetXml(l: PivotLayout, styles: StylesPatch): string {
  const title = styles.cell({ bold: true, size: 12, color: "FF2F5597" });
  const bold = styles.cell({ bold: true });
  const top = PIVOT_TOP_ROW;
  const width = l.colItems.length + 2;
  const line = (r: number, cells: (string | number | null)[], style = 0, firstStyle = style) =>
    `<row r="${r}">${cells.map((v, i) => cellXml(`${columnLetter(i + 1)}${r}`, v, i === 0 ? firstStyle : style)).join("")}</row>`;
  const rows = [
    line(1, [pivotTitle(l.pivot)], title),
    line(top, [PIVOT_COUNT_NAME, l.pivot.column], bold),
    line(top + 1, [l.pivot.row, ...l.colItems, GRAND_TOTAL], bold),
    ...l.rowItems.map((item, k) => line(top + 2 + k, [item, ...l.counts[k].map((n) => (n === 0 ? null : n)), l.rowTotals[k]], 0, bold)),
    line(top + 2 + l.rowItems.length, [GRAND_TOTAL, ...l.colTotals, l.total], bold),
  ];
  const cols = `<col min="1" max="1" width="22" customWidth="1"/><col min="2" max="${width}" width="12" customWidth="1"/>`;
  return (
    WORKSHEET_OPEN + REPORT_TAB + `<dimension ref="A1:${columnLetter(width)}${top + 2 + l.rowItems.length}"/>` +
    '<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>' +
    `<cols>${cols}</cols><sheetData>${rows.join("")}</sheetData>${REPORT_PRINT}</worksheet>`
  );
}

/**
 * The pivot cache over the staging range: a field per column, the items of the fields the two PivotTables lay out
 * (in their order, which the PivotTables' items point into), no records (Excel reads the range when the book opens).
 */
export function pivotCacheXml(dataSheet: string, rows: number, layouts: readonly PivotLayout[]): string {
  const items = new Map<string, string[]>();
  for (const l of layouts) {
    items.set(l.pivot.row, l.rowItems);
    items.set(l.pivot.column, l.colItems);
  }
  const fields = PIVOT_DATA_HEADER.map((name) => {
    const shared = items.get(name);
    const inner = shared ? `<sharedItems count="${shared.length}">${shared.map((s) => `<s v="${xmlAttr(s)}"/>`).join("")}</sharedItems>` : "<sharedItems/>";
    return `<cacheField name="${xmlAttr(name)}" numFmtId="0">${inner}</cacheField>`;
  });
  return (
    DECL +
    `<pivotCacheDefinition xmlns="${NS_MAIN}" xmlns:r="${NS_R}" saveData="0" refreshOnLoad="1" createdVersion="3" refreshedVersion="3" minRefreshableVersion="3" recordCount="${rows}">` +
    `<cacheSource type="worksheet"><worksheetSource ref="${pivotDataRef(rows)}" sheet="${xmlAttr(dataSheet)}"/></cacheSource>` +
    `<cacheFields count="${fields.length}">${fields.join("")}</cacheFields></pivotCacheDefinition>`
  );
}

/** A PivotTable part: rows by one field, columns by another, the customers counted, as the pane's pivotTables.add makes it. */
export function pivotTableXml(l: PivotLayout, cacheId: number): string {
  const rowField = PIVOT_DATA_HEADER.indexOf(l.pivot.row);
  const colField = PIVOT_DATA_HEADER.indexOf(l.pivot.column);
  const countField = PIVOT_DATA_HEADER.indexOf(PIVOT_COUNT_FIELD);
  const axisItems = (n: number) => `<items count="${n + 1}">${Array.from({ length: n }, (_, k) => `<item x="${k}"/>`).join("")}<item t="default"/></items>`;
  const fields = PIVOT_DATA_HEADER.map((_, k) => {
    if (k === rowField) return `<pivotField axis="axisRow" showAll="0">${axisItems(l.rowItems.length)}</pivotField>`;
    if (k === colField) return `<pivotField axis="axisCol" showAll="0">${axisItems(l.colItems.length)}</pivotField>`;
    return k === countField ? '<pivotField dataField="1" showAll="0"/>' : '<pivotField showAll="0"/>';
  });
  // One <i> per item shown (x: its position among the field's items; v="0" is left out), then the grand total.
  const lineItems = (n: number) => Array.from({ length: n }, (_, k) => (k === 0 ? "<i><x/></i>" : `<i><x v="${k}"/></i>`)).join("") + '<i t="grand"><x/></i>';
  return (
    DECL +
    `<pivotTableDefinition xmlns="${NS_MAIN}" name="${xmlAttr(l.pivot.name)}" cacheId="${cacheId}" applyNumberFormats="0" applyBorderFormats="0" applyFontFormats="0" ` +
    'applyPatternFormats="0" applyAlignmentFormats="0" applyWidthHeightFormats="1" dataCaption="值" updatedVersion="3" minRefreshableVersion="3" ' +
    `useAutoFormatting="1" itemPrintTitles="1" createdVersion="3" indent="0" outline="1" outlineData="1" multipleFieldFilters="0" rowHeaderCaption="${xmlAttr(l.pivot.row)}" colHeaderCaption="${xmlAttr(l.pivot.column)}" grandTotalCaption="${GRAND_TOTAL}">` +
    `<location ref="${pivotRef(l)}" firstHeaderRow="1" firstDataRow="2" firstDataCol="1"/>` +
    `<pivotFields count="${fields.length}">${fields.join("")}</pivotFields>` +
    `<rowFields count="1"><field x="${rowField}"/></rowFields><rowItems count="${l.rowItems.length + 1}">${lineItems(l.rowItems.length)}</rowItems>` +
    `<colFields count="1"><field x="${colField}"/></colFields><colItems count="${l.colItems.length + 1}">${lineItems(l.colItems.length)}</colItems>` +
    `<dataFields count="1"><dataField name="${xmlAttr(PIVOT_COUNT_NAME)}" fld="${countField}" subtotal="count" baseField="0" baseItem="0"/></dataFields>` +
    '<pivotTableStyleInfo name="PivotStyleLight16" showRowHeaders="1" showColHeaders="1" showRowStripes="0" showColStripes="0" showLastColumn="1"/>' +
    "</pivotTableDefinition>"
  );
}

