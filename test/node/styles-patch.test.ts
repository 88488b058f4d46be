// The styles the patching writer appends, read back by exceljs (an independent reader): new cells show the
// asked-for font, fill and number format, and every existing cell keeps its own style. Also the first pieces
// together: a workbook rewritten with writeZip, its sheet through patchSheet and its styles through StylesPatch.
import ExcelJS from "exceljs";
import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { patchSheet } from "../../src/xlsx/sheet-patch";
import { StylesPatch } from "../../src/xlsx/styles-patch";
import { entryStream } from "../../src/xlsx/read";
import { readZipEntry, writeZip, zipEntries, type ZipItem } from "../../src/xlsx/zip";
import { messyWorkbook } from "./messy-book";
import { readXlsx, snapshot } from "./snapshot";

test("a patched workbook: new styled cells where asked, nothing else changed", async () => {
  const dir = mkdtempSync(join(tmpdir(), "crm-styles-"));
  const src = join(dir, "in.xlsx");
  await messyWorkbook().xlsx.writeFile(src);
  const entries = zipEntries(src)!;
  const styles = new StylesPatch(readZipEntry(src, "xl/styles.xml")!.toString("utf8"));
  const head = styles.cell({ bold: true, fill: "FFFCE4D6" });
  const date = styles.cell({ numFmt: "yyyy-mm-dd" });
  const score = styles.cell({ numFmt: "0.0" });
  expect(styles.cell({ bold: true, fill: "FFFCE4D6" })).toBe(head); // asked twice, made once
  const dxf = styles.diff({ fill: "FFF2DCDB", font: "FF9C0006" });

  // Column M of the customers sheet (right of 备注 in L): a header and two values, as the product writes them.
  const cells = new Map([
    [3, [{ col: 13, xml: `<c r="M3" s="${head}" t="inlineStr"><is><t>◆下次跟进 Next follow-up</t></is></c>` }]],
    [4, [{ col: 13, xml: `<c r="M4" s="${date}"><v>45306</v></c>` }]],
    [5, [{ col: 13, xml: `<c r="M5" s="${score}"><v>87.25</v></c>` }]],
  ]);
  const sheetPart = "xl/worksheets/sheet1.xml";
  const rule = `<conditionalFormatting sqref="M4:M5"><cfRule type="expression" dxfId="${dxf}" priority="99"><formula>AND($M4&lt;45300,N("CRM◆")=0)</formula></cfRule></conditionalFormatting>`;
  const items: ZipItem[] = entries.map((entry): ZipItem => {
    if (entry.name === "xl/styles.xml") return { name: entry.name, data: styles.xml() };
    if (entry.name === sheetPart) {
      return {
        name: entry.name,
        stream: patchSheet(entryStream(src, entry) as AsyncIterable<Buffer>, {
          rows: cells, ownedCols: new Set([13]), clearFrom: 4, clearTo: 11,
          // A conditional format goes before the validations (schema order).
          tail: (t) => t.replace(/(<dataValidations\b)/, `${rule}$1`),
        }),
      };
    }
    return { name: entry.name, copyFrom: { file: src, entry } };
  });
  const out = join(dir, "out.xlsx");
  await writeZip(out, items);

  const wb = await readXlsx(out);
  const ws = wb.getWorksheet("客户 名单's")!;
  expect(ws.getCell("M3").value).toBe("◆下次跟进 Next follow-up");
  expect(ws.getCell("M3").font?.bold).toBe(true);
  expect((ws.getCell("M3").fill as ExcelJS.FillPattern).fgColor?.argb).toBe("FFFCE4D6");
  expect(ws.getCell("M4").value).toEqual(new Date(Date.UTC(2024, 0, 15))); // a date format: exceljs reads a Date
  expect(ws.getCell("M4").numFmt).toBe("yyyy-mm-dd");
  expect(ws.getCell("M5").numFmt).toBe("0.0");
  const cf = (ws as unknown as { conditionalFormattings: ExcelJS.ConditionalFormattingOptions[] }).conditionalFormattings;
  expect(cf.map((c) => c.ref)).toEqual(["K4:K11", "M4:M5"]); // the user's rule, then ours
  // Everything but column M is exactly as before, styles included.
  const before = await readXlsx(src);
  const skip = { "客户 名单's": new Set([13]) };
  const a = snapshot(before, { skipColumns: skip });
  const b = snapshot(wb, { skipColumns: skip });
  // (The snapshot leaves out rules marked N("CRM◆")=0, the product's own, like the one added above.)
  expect(b).toEqual(a);
});

test("blocks a workbook lacks are created in schema order", () => {
  const xml = '<styleSheet xmlns="x"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellXfs count="1"><xf/></cellXfs><cellStyles count="1"><cellStyle/></cellStyles></styleSheet>';
  const s = new StylesPatch(xml);
  expect(s.cell({ numFmt: "yyyy-mm-dd", bold: true })).toBe(1);
  expect(s.diff({ fill: "FF000000", font: "FFFFFFFF" })).toBe(0);
  const out = s.xml();
  const order = [...out.matchAll(/<(numFmts|fonts|fills|borders|cellXfs|cellStyles|dxfs)\b/g)].map((m) => m[1]);
  expect(order).toEqual(["numFmts", "fonts", "fills", "borders", "cellXfs", "cellStyles", "dxfs"]);
  expect(out).toContain('<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>');
  expect(out).toContain('<fonts count="2">');
  expect(out).toContain('<cellXfs count="2">');
  expect(new StylesPatch(xml).xml()).toBe(xml); // nothing asked, nothing changed
});

test("styles an earlier run added are found again: a second run adds nothing", () => {
  const xml = '<styleSheet xmlns="x"><fonts count="1"><font/></fonts><fills count="2"><fill/><fill/></fills><borders count="1"><border/></borders><cellXfs count="1"><xf/></cellXfs><cellStyles count="1"><cellStyle/></cellStyles></styleSheet>';
  const ask = (s: StylesPatch) => [
    s.cell({ bold: true, fill: "FFFCE4D6", border: "FFBFBFBF", wrap: true, vertical: "center" }),
    s.cell({ numFmt: "yyyy-mm-dd" }),
    s.cell({ numFmt: "0.0" }),
    s.diff({ fill: "FFF2DCDB", font: "FF9C0006" }),
  ];
  const first = new StylesPatch(xml);
  // Indexes follow the workbook's own: 1 existing xf, so ours are 1, 2, 3; no dxfs yet, so 0.
  expect(ask(first)).toEqual([1, 2, 3, 0]);
  const once = first.xml();
  expect(once).toContain('<borders count="2">');
  expect(once).toContain('<alignment vertical="center" wrapText="1"/>');
  const second = new StylesPatch(once);
  expect(ask(second)).toEqual([1, 2, 3, 0]);
  expect(second.xml()).toBe(once);
});
