// The streaming reader (src/xlsx/read.ts) reads the same model as the exceljs reader, cell for cell,
// on hand-built and generated books, and on forms exceljs never writes (inline strings, rich shared strings
// with phonetic guides, 1904 dates, error and boolean cells) built here as raw XML.
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runPipeline, type WorkbookModel } from "../../src/core";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { generateSample } from "../../scripts/sample";
import { readBook } from "../../src/xlsx/exceljs";
import { isDateFormat, readBookStreaming, serialToDate } from "../../src/xlsx/read";
import { messyWorkbook } from "./messy-book";

jest.setTimeout(60_000);
const dir = mkdtempSync(join(tmpdir(), "crm-read-"));

/** Models compared as the engine sees them: trailing blanks and "" cells are blank. */
function norm(m: WorkbookModel) {
  return m.sheets.map((s) => {
    const cells = s.cells.map((r) => {
      const x = r.map((v) => (v === undefined || v === "" ? null : v));
      while (x.length > 0 && x[x.length - 1] === null) x.pop();
      return x;
    });
    while (cells.length > 0 && cells[cells.length - 1].length === 0) cells.pop();
    return { name: s.name, cells, merged: [...(s.merged ?? [])].sort(), tables: s.tables ?? [] };
  });
}

test.each([
  ["the messy book", async (f: string) => messyWorkbook().xlsx.writeFile(f), "2024-06-30"],
  ["the generated sample (an Excel table, a merged title)", async (f: string) => writeModelXlsx(generateSample({ customers: 200, asOf: "2024-11-26" }).model, f, { listObjects: { 订单: "订单表" } }), "2024-11-26"],
])("%s: the same model and the same results as the exceljs reader", async (_name, make, asOf) => {
  const file = join(dir, `${_name.length}.xlsx`);
  await make(file);
  const a = (await readBook(file)).model;
  const b = (await readBookStreaming(file)).model;
  expect(norm(b)).toEqual(norm(a));
  expect(b.date1904).toBe(a.date1904 === true);
  const ra = runPipeline(a, asOf);
  const rb = runPipeline(b, asOf);
  expect(rb.findings).toEqual(ra.findings);
  expect(rb.customers).toEqual(ra.customers);
});

test("forms exceljs does not write: inline and rich strings, phonetic guides, booleans, errors, 1904 dates, formula results", async () => {
  // Start from a real workbook and replace its parts with hand-written XML.
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet("客户");
  const base = await wb.xlsx.writeBuffer();
  const zip = await JSZip.loadAsync(base);
  zip.file("xl/workbook.xml", (await zip.file("xl/workbook.xml")!.async("string")).replace(/<workbookPr[^>]*\/>|<workbookPr[^>]*>.*?<\/workbookPr>/, '<workbookPr date1904="1"/>'));
  zip.file("xl/sharedStrings.xml",
    '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">' +
    '<si><t>客户编号</t></si>' +
    '<si><r><rPr><b/></rPr><t>华东</t></r><r><t xml:space="preserve">星海 </t></r><rPh sb="0" eb="2"><t>ホアドン</t></rPh></si></sst>');
  const styles = await zip.file("xl/styles.xml")!.async("string");
  // One extra cell style, appended, showing dates: numFmt 14 (builtin m/d/yyyy).
  const xfs = Number(/<cellXfs count="(\d+)">/.exec(styles)![1]);
  zip.file("xl/styles.xml", styles.replace(/<cellXfs count="(\d+)">/, `<cellXfs count="${xfs + 1}">`).replace("</cellXfs>", '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/></cellXfs>'));
  zip.file("xl/worksheets/sheet1.xml",
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>客户名称</t></is></c><c r="C1" t="inlineStr"><is><r><t>首次</t></r><r><t>触达时间</t></r></is></c></row>' +
    `<row r="3"><c r="A3" t="str"><f>"C"&amp;1</f><v>C1</v></c><c r="B3" t="s"><v>1</v></c><c r="C3" s="${xfs}"><v>43844</v></c><c r="D3" t="b"><v>1</v></c><c r="E3" t="e"><v>#N/A</v></c></row>` +
    '<row r="4"><c r="A4"><v>7</v></c><c r="C4"/></row>' +
    '</sheetData><mergeCells count="1"><mergeCell ref="D4:E4"/></mergeCells></worksheet>');
  const file = join(dir, "forms.xlsx");
  writeFileSync(file, await zip.generateAsync({ type: "nodebuffer" }));
  const { model } = await readBookStreaming(file);
  expect(model.date1904).toBe(true);
  const s = model.sheets[0];
  expect(s.cells[0]).toEqual(["客户编号", "客户名称", "首次触达时间"]);
  expect(s.cells[1]).toEqual([]);
  // The appended style shows dates: 43844 in the 1904 system is 2024-01-15; style 0 does not (7 stays 7).
  expect(s.cells[2]).toEqual(["C1", "华东星海 ", new Date(Date.UTC(2024, 0, 15)), true, { error: "#N/A" }]);
  expect(s.cells[3]).toEqual([7]);
  expect(s.merged).toEqual(["D4:E4"]);
});

test("date formats and serials", () => {
  for (const f of ["yyyy-mm-dd", "yyyy/m/d h:mm", "[$-804]yyyy\"年\"m\"月\"d\"日\"", "m/d", "hh:mm:ss"]) expect([f, isDateFormat(f)]).toEqual([f, true]);
  for (const f of ["General", "0.00", "#,##0", "0.0%", "\"days\" 0", "@", "[Red]0.00"]) expect([f, isDateFormat(f)]).toEqual([f, false]);
  expect(serialToDate(45306, false)).toEqual(new Date(Date.UTC(2024, 0, 15)));
  expect(serialToDate(43844, true)).toEqual(new Date(Date.UTC(2024, 0, 15)));
  expect(serialToDate(60, false)).toEqual(new Date(Date.UTC(1900, 1, 29 - 1 + 1))); // Excel's fictitious 1900-02-29 maps to 03-01
  expect(serialToDate(61, false)).toEqual(new Date(Date.UTC(1900, 2, 1)));
});

test("an applied book: the ◆ result columns are not read in the table's rows (the engine ignores them), their headers and a note below are", async () => {
  const { mkdtempSync } = await import("fs");
  const { tmpdir } = await import("os");
  const { join } = await import("path");
  const { main } = await import("../../src/cli/cli");
  const { memoryIO } = await import("./cli-io");
  const { messyWorkbook, AS_OF, CUSTOMERS } = await import("./messy-book");
  const { readModel } = await import("../../src/xlsx/exceljs");
  const dir = mkdtempSync(join(tmpdir(), "crm-read-owned-"));
  const wb = messyWorkbook();
  await wb.xlsx.writeFile(join(dir, "in.xlsx"));
  expect(await main(["apply", join(dir, "in.xlsx"), "--out", join(dir, "out.xlsx"), "--as-of", AS_OF], memoryIO())).toBe(1);
  const sheet = (await readModel(join(dir, "out.xlsx"))).sheets.find((s) => s.name === CUSTOMERS)!;
  // The messy book's customers header is row 3, its table ends at column L: the ◆ columns start at M.
  const header = sheet.cells[2];
  expect(header[12]).toBe("◆周期阶段 Stage");
  for (let r = 3; r < sheet.cells.length; r++) for (let c = 12; c < 22; c++) expect([r + 1, c + 1, sheet.cells[r]?.[c] ?? null]).toEqual([r + 1, c + 1, null]);
  // The same book read with every cell (exceljs) has the results there.
  const { readBook } = await import("../../src/xlsx/exceljs");
  const full = (await readBook(join(dir, "out.xlsx"))).model.sheets.find((s) => s.name === CUSTOMERS)!;
  expect(full.cells[3][12]).toEqual(expect.any(String));
});
