// The findings sheet as XML (for the patching writer), read back by exceljs: the same rows the exceljs
// writer produces, addresses as HYPERLINK formulas, text that looks like a formula kept as text.
import ExcelJS from "exceljs";
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runPipeline } from "../../src/core";
import { findingsSheetXml } from "../../src/xlsx/owned-sheets";
import { StylesPatch } from "../../src/xlsx/styles-patch";
import { readBook } from "../../src/xlsx/exceljs";
import { readZipEntry, writeZip, zipEntries, type ZipItem } from "../../src/xlsx/zip";
import { AS_OF, messyWorkbook } from "./messy-book";

test("a findings sheet written as XML reads back as the findings, with links and text kept as text", async () => {
  const dir = mkdtempSync(join(tmpdir(), "crm-owned-"));
  const src = join(dir, "in.xlsx");
  const wb = messyWorkbook();
  wb.addWorksheet("CRM问题清单"); // an (empty) owned sheet whose part the XML replaces
  await wb.xlsx.writeFile(src);
  const findings = runPipeline((await readBook(src)).model, AS_OF).findings;
  // A sheet name that looks like a formula, as a user may name a sheet.
  const hostile = { ...findings[0], sheet: "=cmd|' /C calc'!A0", address: "'=cmd|'' /C calc''!A0'!B2", column: "@SUM(1)" };
  const all = [...findings, hostile];

  const entries = zipEntries(src)!;
  const part = entries.map((e) => e.name).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n)).sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0])).pop()!;
  const styles = new StylesPatch(readZipEntry(src, "xl/styles.xml")!.toString("utf8"));
  const sheetXml = findingsSheetXml(all, styles);
  const items: ZipItem[] = entries.map((entry): ZipItem =>
    entry.name === part ? { name: entry.name, data: sheetXml } : entry.name === "xl/styles.xml" ? { name: entry.name, data: styles.xml() } : { name: entry.name, copyFrom: { file: src, entry } },
  );
  const out = join(dir, "out.xlsx");
  await writeZip(out, items);

  const back = new ExcelJS.Workbook();
  await back.xlsx.readFile(out);
  const ws = back.getWorksheet("CRM问题清单")!;
  expect(ws.getCell("A1").value).toBe("严重性 Severity");
  expect(ws.getCell("A1").font?.bold).toBe(true);
  expect(ws.rowCount).toBe(all.length + 1);
  all.forEach((f, i) => {
    const r = i + 2;
    expect([r, ws.getCell(`B${r}`).value]).toEqual([r, f.code]);
    expect(ws.getCell(`G${r}`).value).toBe(f.message);
    expect(ws.getCell(`J${r}`).value).toBe(f.fixEn);
    const link = ws.getCell(`C${r}`).value as ExcelJS.CellFormulaValue;
    if (f.address) {
      expect(link.result).toBe(f.address);
      expect(link.formula).toMatch(/^HYPERLINK\("#'.*'!B?[A-Z]+\d+","/);
    }
  });
  const last = all.length + 1;
  expect(ws.getCell(`D${last}`).value).toBe("=cmd|' /C calc'!A0");
  expect(ws.getCell(`D${last}`).type).toBe(ExcelJS.ValueType.String);
  expect(ws.getCell(`F${last}`).value).toBe("@SUM(1)");
  expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
});
