// The patching writer behind `crm apply` on what other tests do not build: a second run writes the same bytes
// as the first, and a workbook from a minimal generator (rows and cells without references, no styles part,
// a calculation chain) gets its owned columns without any user cell moving.
import ExcelJS from "exceljs";
import { mkdtempSync, writeFileSync } from "fs";
import JSZip from "jszip";
import { tmpdir } from "os";
import { join } from "path";
import { main, type CliIO } from "../../src/cli/cli";
import { readZipEntry, zipEntries } from "../../src/xlsx/zip";
import { FINDINGS_SHEET } from "../../src/workbook/owned";
import { AS_OF, messyWorkbook } from "./messy-book";

jest.setTimeout(60_000);
const dir = mkdtempSync(join(tmpdir(), "crm-patch-"));
const f = (name: string) => join(dir, name);

function io(): CliIO & { err: string } {
  const x = { err: "", stdout: () => undefined, stderr: (s: string) => void (x.err += s), stdoutTTY: false, stderrTTY: false, env: {}, today: () => AS_OF };
  return x;
}

test("apply on its own output writes the same bytes: nothing accumulates (styles, rules, lists, columns)", async () => {
  await messyWorkbook().xlsx.writeFile(f("messy.xlsx"));
  expect(await main(["apply", f("messy.xlsx"), "--out", f("once.xlsx"), "--as-of", AS_OF], io())).toBe(1);
  expect(await main(["apply", f("once.xlsx"), "--out", f("twice.xlsx"), "--as-of", AS_OF], io())).toBe(1);
  const names = zipEntries(f("once.xlsx"))!.map((e) => e.name);
  expect(zipEntries(f("twice.xlsx"))!.map((e) => e.name)).toEqual(names);
  for (const n of names) expect([n, readZipEntry(f("twice.xlsx"), n)!.equals(readZipEntry(f("once.xlsx"), n)!)]).toEqual([n, true]);
});

/** A workbook as a minimal generator writes it: rows and cells without references, no styles part, a calcChain. */
async function minimalBook(): Promise<Buffer> {
  const zip = new JSZip();
  zip.file("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>');
  zip.file("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>');
  zip.file("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="客户" sheetId="1" r:id="rId1"/></sheets></workbook>');
  zip.file("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>');
  const s = (t: string) => `<c t="inlineStr"><is><t>${t}</t></is></c>`;
  const n = (v: number) => `<c><v>${v}</v></c>`;
  // Row 1: header; rows 2–3: customers; column D holds a formula with its cached value.
  zip.file("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
    `<row>${s("客户编号")}${s("客户名称")}${s("成交金额")}${s("备注")}</row>` +
    `<row>${s("C001")}${s("甲公司")}${n(12)}<c><f>C2*2</f><v>24</v></c></row>` +
    `<row>${s("C002")}${s("乙公司")}${n(0)}${s("老客户")}</row>` +
    "</sheetData></worksheet>");
  zip.file("xl/calcChain.xml", '<?xml version="1.0" encoding="UTF-8"?><calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="D2" i="1"/></calcChain>');
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

test("a minimal generator's book: cells without references get theirs, a styles part is added, the calculation chain goes", async () => {
  writeFileSync(f("minimal.xlsx"), await minimalBook());
  const x = io();
  expect(await main(["apply", f("minimal.xlsx"), "--out", f("minimal-out.xlsx"), "--as-of", AS_OF], x)).toBeLessThan(2);
  expect(x.err).toBe("");
  const names = zipEntries(f("minimal-out.xlsx"))!.map((e) => e.name);
  expect(names).toContain("xl/styles.xml");
  expect(names).not.toContain("xl/calcChain.xml");
  expect(readZipEntry(f("minimal-out.xlsx"), "[Content_Types].xml")!.toString()).not.toContain("calcChain");

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(f("minimal-out.xlsx"));
  const ws = wb.getWorksheet("客户")!;
  // The user's cells where they were (A–D), the formula kept with its cached value.
  expect([1, 2, 3].map((r) => [1, 2, 3, 4].map((c) => ws.getCell(r, c).value))).toEqual([
    ["客户编号", "客户名称", "成交金额", "备注"],
    ["C001", "甲公司", 12, { formula: "C2*2", result: 24 }],
    ["C002", "乙公司", 0, "老客户"],
  ]);
  // The owned columns start right after the table (E), one header each, a stage for each customer.
  expect(ws.getCell("E1").value).toBe("◆周期阶段 Stage");
  expect(ws.getCell("N1").value).toBe("◆预警 Warnings");
  expect(typeof ws.getCell("E2").value).toBe("string");
  expect(typeof ws.getCell("E3").value).toBe("string");
  expect(ws.getCell("E1").font?.bold).toBe(true);
  expect(wb.getWorksheet(FINDINGS_SHEET)).toBeDefined();
});
