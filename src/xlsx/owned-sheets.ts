// The product's own sheets as worksheet XML, for the patching writer (src/xlsx/zip.ts, sheet-patch.ts,
// styles-patch.ts): the same content the exceljs writer puts in them. Text is written as inline strings, so a
// value that looks like a formula stays text, and the shared-strings part of the user's workbook is untouched.
import { columnLetter as colName, dayFromYmd, HISTORY_HEADER, HISTORY_WIDTHS, serialFromDay, type Finding, type HistoryAppend } from "../core";
import { DATA_BAR, HEAT_HIGH, HEAT_LOW, GANTT_LATE, GANTT_ON_TIME, REVIEW_FORMATS, reviewGrid, type GridCell, type GridStyle, type ReviewFormat, type ReviewGrid, type ReviewSheet } from "../workbook/review-sheets";
import { FINDINGS_HEADER, FINDINGS_WIDTHS, findingRow } from "../workbook/owned";
import type { StylesPatch } from "./styles-patch";

/**
 * Text as XML element content. Characters XML 1.0 cannot hold (control characters a workbook may carry as
 * `_x0001_`, lone surrogates) are dropped: one of them would make the whole part unreadable.
 */
export function xmlText(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** Text as an XML attribute value (double-quoted). */
export const xmlAttr = (s: string) => xmlText(s).replace(/"/g, "&quot;");


/** One cell: text as an inline string, numbers as numbers, `{f, v}` as a formula with its cached text. */
export type XmlCell = string | number | null | { formula: string; text: string };

export function cellXml(ref: string, v: XmlCell, style = 0): string {
  const s = style ? ` s="${style}"` : "";
  if (v === null || v === "") return style ? `<c r="${ref}"${s}/>` : "";
  if (typeof v === "number") return `<c r="${ref}"${s}><v>${v}</v></c>`;
  if (typeof v === "object") return `<c r="${ref}"${s} t="str"><f>${xmlText(v.formula)}</f><v>${xmlText(v.text)}</v></c>`;
  const space = /^\s|\s$/.test(v) ? ' xml:space="preserve"' : "";
  return `<c r="${ref}"${s} t="inlineStr"><is><t${space}>${xmlText(v)}</t></is></c>`;
}

export function rowXml(r: number, cells: readonly XmlCell[], styles: readonly number[] = []): string {
  return `<row r="${r}">${cells.map((v, i) => cellXml(`${colName(i + 1)}${r}`, v, styles[i] ?? 0)).join("")}</row>`;
}

export const WORKSHEET_OPEN =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">';
/** The product's sheets carry a blue tab, as the exceljs and Office.js writers give them. */
export const OWNED_TAB = '<sheetPr><tabColor rgb="FF2F5597"/></sheetPr>';
/** A report sheet's tab, printed landscape and as wide as one page (fitToHeight 0: as many pages down as it takes). */
export const REPORT_TAB = '<sheetPr><tabColor rgb="FF2F5597"/><pageSetUpPr fitToPage="1"/></sheetPr>';
export const REPORT_PRINT = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape" fitToHeight="0"/>';

/**
 * Rows of the findings sheet per piece handed to the zip writer. Small: a piece of 1,000 rows was a string of about
 * 2 MB, which V8 allocates outside its young generation, so every piece stayed until a full collection — a climb of
 * about 400 MB while a million-row book's 557,000 findings were written.
 */
const FINDINGS_CHUNK = 40;

/**
 * The findings sheet 「CRM问题清单」: a frozen, filterable header and one row per finding, in pieces of a few
 * dozen rows (a million-row book may have hundreds of thousands of findings). Styles are asked for up front.
 */
export function findingsSheetChunks(findings: readonly Finding[], styles: StylesPatch): Iterable<string> {
  const head = styles.cell({ bold: true, fill: "FFDDEBF7" });
  const linkStyle = styles.cell({ color: "FF0563C1" });
  const errorStyle = styles.cell({ bold: true, color: "FF9C0006" });
  const cols = FINDINGS_WIDTHS.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("");
  const last = findings.length + 1;
  return (function* () {
    yield WORKSHEET_OPEN + OWNED_TAB +
      `<dimension ref="A1:J${last}"/>` +
      '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
      `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>` +
      rowXml(1, [...FINDINGS_HEADER], FINDINGS_HEADER.map(() => head));
    for (let i = 0; i < findings.length; i += FINDINGS_CHUNK) {
      const part: string[] = [];
      for (let k = i; k < Math.min(findings.length, i + FINDINGS_CHUNK); k++) {
        const f = findings[k];
        part.push(rowXml(k + 2, findingRow(f), [f.severity === "error" ? errorStyle : 0, 0, f.address ? linkStyle : 0]));
      }
      yield part.join("");
    }
    yield `</sheetData><autoFilter ref="A1:J${last}"/>` +
      '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';
  })();
}

/** The findings sheet as one string (small books, tests). */
export function findingsSheetXml(findings: readonly Finding[], styles: StylesPatch): string {
  return [...findingsSheetChunks(findings, styles)].join("");
}

/** The review grid's cell looks (src/workbook/review-sheets.ts) as styles of the workbook being patched. */
function gridStyles(styles: StylesPatch): (g: GridCell) => number {
  const border = "FFBFBFBF";
  const fixed: Record<Exclude<GridStyle, "cell">, number> = {
    title: styles.cell({ bold: true, size: 14 }),
    subtitle: styles.cell({ color: "FF7F7F7F" }),
    blockTitle: styles.cell({ bold: true, size: 12, color: "FF2F5597" }),
    header: styles.cell({ bold: true, fill: "FFDDEBF7", border, wrap: true, vertical: "center" }),
    note: styles.cell({ italic: true, color: "FF7F7F7F" }),
    plain: 0,
    ganttTitle: styles.cell({ bold: true }),
    week: styles.cell({ numFmt: "m/d", bold: true, size: 9, rotate: 90 }),
  };
  const cell = new Map<string, number>();
  for (const f of Object.keys(REVIEW_FORMATS) as ReviewFormat[]) cell.set(f, styles.cell({ border, numFmt: REVIEW_FORMATS[f] }));
  return (g) => (g.style === "cell" ? cell.get(g.format ?? "text")! : fixed[g.style]);
}

/** The relationship id by which a review sheet names its drawing (the product writes the sheet's relationships whole). */
export const SHEET_DRAWING_REL_ID = "rIdCrm1";
/** The relationship id by which the staging sheet names its table part (the product writes the sheet's relationships whole). */
export const SHEET_TABLE_REL_ID = "rIdCrm2";

/**
 * One review sheet as worksheet XML: the same grid the exceljs writer renders, printable landscape. With charts,
 * the sheet names its drawing part (relationship SHEET_DRAWING_REL_ID), which the patching writer adds.
 */
export function reviewSheetXml(sheet: ReviewSheet, asOf: string, styles: StylesPatch, date1904: boolean, grid: ReviewGrid = reviewGrid(sheet, asOf)): string {
  const styleOf = gridStyles(styles);
  const late = styles.diff({ fill: GANTT_LATE });
  const onTime = styles.diff({ fill: GANTT_ON_TIME });
  const byRow = new Map<number, GridCell[]>();
  for (const g of grid.cells) byRow.set(g.row, [...(byRow.get(g.row) ?? []), g]);
  const rows = [...byRow.keys()].sort((a, b) => a - b).map((r) => {
    const cells = byRow.get(r)!.sort((a, b) => a.col - b.col).map((g) => {
      let v: XmlCell = g.value;
      if (g.date && typeof v === "string") {
        const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
        if (m) v = serialFromDay(dayFromYmd(Number(m[1]), Number(m[2]), Number(m[3])), date1904);
      }
      return cellXml(`${colName(g.col)}${r}`, v, styleOf(g));
    });
    return `<row r="${r}">${cells.join("")}</row>`;
  });
  const cols = [...grid.widths].sort((a, b) => a[0] - b[0]).map(([c, w]) => `<col min="${c}" max="${c}" width="${w}" customWidth="1"/>`).join("");
  const cf =
    (grid.gantt
      ? `<conditionalFormatting sqref="${grid.gantt.ref}"><cfRule type="expression" dxfId="${late}" priority="1"><formula>${xmlText(grid.gantt.late)}</formula></cfRule>` +
        `<cfRule type="expression" dxfId="${onTime}" priority="2"><formula>${xmlText(grid.gantt.span)}</formula></cfRule></conditionalFormatting>`
      : "") +
    // Data bars from zero (not from the smallest count, Excel's default) to the largest, across the whole cell.
    grid.dataBars
      .map((ref, k) => `<conditionalFormatting sqref="${ref}"><cfRule type="dataBar" priority="${k + 3}"><dataBar minLength="0" maxLength="100"><cfvo type="num" val="0"/><cfvo type="max"/><color rgb="${DATA_BAR}"/></dataBar></cfRule></conditionalFormatting>`)
      .join("") +
    grid.colorScales
      .map((ref, k) => `<conditionalFormatting sqref="${ref}"><cfRule type="colorScale" priority="${k + 3 + grid.dataBars.length}"><colorScale><cfvo type="min"/><cfvo type="max"/><color rgb="${HEAT_LOW}"/><color rgb="${HEAT_HIGH}"/></colorScale></cfRule></conditionalFormatting>`)
      .join("");
  return (
    WORKSHEET_OPEN + REPORT_TAB +
    '<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>' +
    (cols ? `<cols>${cols}</cols>` : "") + `<sheetData>${rows.join("")}</sheetData>` + cf +
    REPORT_PRINT +
    // CT_Worksheet: … pageSetup headerFooter rowBreaks colBreaks customProperties cellWatches ignoredErrors smartTags drawing …
    (grid.charts.length > 0 ? `<drawing r:id="${SHEET_DRAWING_REL_ID}"/>` : "") +
    "</worksheet>"
  );
}

/** Rows of the history sheet per piece handed to the zip writer (small pieces die young, as the findings sheet's). */
const HISTORY_CHUNK = 64;

/** The history sheet's last column letter and its rows' cells: the date as a real date, the rest as text. */
const HISTORY_LAST = colName(HISTORY_HEADER.length);

/**
 * The rows `append` adds to the history sheet, from sheet row `first` on, in pieces (a first run on a big book adds a
 * row per customer and field). The date cell's style is asked for up front.
 */
export function historyRowChunks(append: HistoryAppend, first: number, styles: StylesPatch, date1904: boolean): Iterable<string> {
  const dateStyle = styles.cell({ numFmt: "yyyy-mm-dd" });
  return (function* () {
    for (let k = 0; k < append.length; k += HISTORY_CHUNK) {
      const part: string[] = [];
      for (let j = k; j < Math.min(append.length, k + HISTORY_CHUNK); j++) {
        const h = append.row(j);
        part.push(rowXml(first + j, [serialFromDay(h.day, date1904), h.id, h.name, h.field, h.from, h.to, h.reason], [dateStyle]));
      }
      yield part.join("");
    }
  })();
}

/** The history sheet's range, header to last row, for its dimension and filter. */
export function historyRef(lastRow: number): string {
  return `A1:${HISTORY_LAST}${Math.max(1, lastRow)}`;
}

/** The history sheet 「CRM变更历史」 written new: a frozen, filterable header and the first run's rows. */
export function historySheetChunks(append: HistoryAppend, styles: StylesPatch, date1904: boolean): Iterable<string> {
  const head = styles.cell({ bold: true, fill: "FFDDEBF7" });
  const cols = HISTORY_WIDTHS.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("");
  const ref = historyRef(append.length + 1);
  const rows = historyRowChunks(append, 2, styles, date1904);
  return (function* () {
    yield WORKSHEET_OPEN + OWNED_TAB +
      `<dimension ref="${ref}"/>` +
      '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
      `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>` +
      rowXml(1, [...HISTORY_HEADER], HISTORY_HEADER.map(() => head));
    yield* rows;
    yield `</sheetData><autoFilter ref="${ref}"/>` +
      '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';
  })();
}
