// The product's own sheets as worksheet XML, for the patching writer (src/node/zip.ts, sheet-patch.ts,
// styles-patch.ts): the same content the exceljs writer puts in them. Text is written as inline strings, so a
// value that looks like a formula stays text, and the shared-strings part of the user's workbook is untouched.
import type { Finding } from "../core";
import { FINDINGS_HEADER, FINDINGS_WIDTHS, findingRow } from "../workbook/owned";
import type { StylesPatch } from "./styles-patch";

const xmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function colName(c: number): string {
  let s = "";
  for (let n = c; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

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

/** The findings sheet 「CRM问题清单」: a frozen, filterable header and one row per finding. */
export function findingsSheetXml(findings: readonly Finding[], styles: StylesPatch): string {
  const head = styles.cell({ bold: true, fill: "FFDDEBF7" });
  const linkStyle = styles.cell({ color: "FF0563C1" });
  const errorStyle = styles.cell({ bold: true, color: "FF9C0006" });
  const rows = [rowXml(1, [...FINDINGS_HEADER], FINDINGS_HEADER.map(() => head))];
  findings.forEach((f, i) => rows.push(rowXml(i + 2, findingRow(f), [f.severity === "error" ? errorStyle : 0, 0, f.address ? linkStyle : 0])));
  const cols = FINDINGS_WIDTHS.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join("");
  const last = findings.length + 1;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    `<dimension ref="A1:J${last}"/>` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    `<sheetFormatPr defaultRowHeight="15"/><cols>${cols}</cols><sheetData>${rows.join("")}</sheetData>` +
    `<autoFilter ref="A1:J${last}"/>` +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
  );
}
