// The zip writer (src/xlsx/zip.ts) checked against an independent reader (JSZip) and exceljs: copied entries
// keep their bytes, new and streamed entries read back exactly, and the result is still the same workbook.
import { randomBytes } from "crypto";
import JSZip from "jszip";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { generateSample } from "../../scripts/sample";
import { readBook } from "../../src/xlsx/exceljs";
import { writeZip, zipEntries, type ZipItem } from "../../src/xlsx/zip";

jest.setTimeout(60_000);

test("a workbook rewritten entry by entry: copies byte for byte, one part replaced, one streamed, all readable", async () => {
  const dir = mkdtempSync(join(tmpdir(), "crm-zip-"));
  const src = join(dir, "in.xlsx");
  await writeModelXlsx(generateSample({ customers: 80, asOf: "2024-11-26" }).model, src, { listObjects: { 订单: "订单表" } });
  const entries = zipEntries(src)!;
  const big = randomBytes(2_000_000).toString("base64"); // incompressible-ish, several deflate blocks
  async function* streamed() {
    yield "第一段 part one\n";
    yield Buffer.from(big, "utf8");
    yield "最后 the end";
  }
  const core = '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>CRM 工作台</dc:creator></cp:coreProperties>';
  const items: ZipItem[] = [
    ...entries.map((entry) => (entry.name === "docProps/core.xml" ? { name: entry.name, data: core } : { name: entry.name, copyFrom: { file: src, entry } })),
    { name: "customXml/长文本.txt", stream: streamed() },
  ];
  const out = join(dir, "out.xlsx");
  await writeZip(out, items);

  const before = await JSZip.loadAsync(readFileSync(src));
  const after = await JSZip.loadAsync(readFileSync(out));
  expect(Object.keys(after.files).sort()).toEqual([...Object.keys(before.files), "customXml/长文本.txt"].sort());
  for (const e of entries) {
    if (e.name === "docProps/core.xml" || e.name.endsWith("/")) continue; // folders have no content
    expect([e.name, (await after.file(e.name)!.async("nodebuffer")).equals(await before.file(e.name)!.async("nodebuffer"))]).toEqual([e.name, true]);
  }
  expect(await after.file("docProps/core.xml")!.async("string")).toBe(core);
  expect(await after.file("customXml/长文本.txt")!.async("string")).toBe(`第一段 part one\n${big}最后 the end`);

  // Our own reader agrees on names, sizes and checksums, and exceljs reads the same workbook.
  const listed = zipEntries(out)!;
  const copied = listed.find((e) => e.name === "xl/worksheets/sheet1.xml")!;
  const original = entries.find((e) => e.name === "xl/worksheets/sheet1.xml")!;
  expect([copied.crc32, copied.size, copied.compressedSize]).toEqual([original.crc32, original.size, original.compressedSize]);
  expect((await readBook(out)).model).toEqual((await readBook(src)).model);
});
