// Issue 14: every output opens cleanly in Excel whatever wrote the input book, and nothing of the user's is lost.
// Each case is a book shaped like the one that showed a bug (built part by part in foreign-books.ts); every
// output is checked by ../shared/tools/ooxml-check against its input and read back by openpyxl.
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { readZipEntry, zipEntries } from "../../src/xlsx/zip";
import { runCrm } from "./cli-io";
import { buildBook, CUSTOMERS, inlineCell, MAIN, MINIMAL_STYLES, ooxmlProblems, openpyxlCells, REL, sheetXml, type BookSpec } from "./foreign-books";
import { AS_OF } from "./messy-book";
import { recordReliability } from "../reliability";

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), "crm-foreign-"));
const f = (n: string) => join(dir, n);
let outputs = 0;

async function write(name: string, spec: BookSpec): Promise<string> {
  writeFileSync(f(name), await buildBook(spec));
  return f(name);
}

const part = (file: string, name: string) => readZipEntry(file, name)?.toString("utf8") ?? "";

/** Runs a command that writes `out`, expecting exit 0 or 1 and no fallback, and checks the output. */
async function crmWrites(args: string[], input: string, out: string): Promise<void> {
  const r = await runCrm([...args, input, "--out", out, "--as-of", AS_OF], "en");
  expect(r.stderr).toBe("");
  expect(r.code).toBeLessThan(2);
  expect(ooxmlProblems(out, input)).toEqual([]);
  openpyxlCells(out);
  outputs++;
}

/** The user's cells of a book as openpyxl reads them, the product's sheets and ◆ columns left out. */
function userCells(file: string, ownSheets: string[] = []): Record<string, Record<string, string>> {
  const all = openpyxlCells(file);
  const out: Record<string, Record<string, string>> = {};
  for (const [sheet, cells] of Object.entries(all)) {
    if (ownSheets.includes(sheet)) continue;
    const ownCols = new Set(Object.entries(cells).filter(([, v]) => v.startsWith("◆")).map(([ref]) => ref.replace(/\d+$/, "")));
    out[sheet] = Object.fromEntries(Object.entries(cells).filter(([ref]) => !ownCols.has(ref.replace(/\d+$/, ""))));
  }
  return out;
}

afterAll(() => recordReliability("foreign-books", { group: "nothing lost", what: "他人程序样式的工作簿输出 outputs of books shaped like other programs' (ooxml-check + openpyxl)", tried: outputs, failed: 0, where: "test/node/foreign-books.test.ts" }));

describe("package parts as other programs write them", () => {
  test("openpyxl declares xmlns:r on each <sheet>: apply and review declare it on theirs too", async () => {
    const input = await write("openpyxl.xlsx", {
      workbookOpen: `<workbook xmlns="${MAIN}">`,
      sheetEntry: (name, id, rid) => `<sheet xmlns:r="${REL}" name="${name}" sheetId="${id}" state="visible" r:id="${rid}"/>`,
      sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS) }],
    });
    await crmWrites(["apply"], input, f("openpyxl-applied.xlsx"));
    await crmWrites(["review"], f("openpyxl-applied.xlsx"), f("openpyxl-reviewed.xlsx"));
    const names = Object.keys(openpyxlCells(f("openpyxl-reviewed.xlsx")));
    expect(names).toEqual(["客户", "CRM问题清单", "CRM变更历史", "CRM复盘-阶段与漏斗", "CRM复盘-行业与负责人", "CRM复盘-高价值客户", "CRM复盘-跟进效率", "CRM复盘-分级与RFM", "CRM复盘-执行计划", "CRM复盘-存活与价值", "CRM复盘-数据", "CRM复盘-行业透视", "CRM复盘-负责人透视"]);
    await crmWrites(["undo"], f("openpyxl-reviewed.xlsx"), f("openpyxl-undone.xlsx"));
    expect(Object.keys(openpyxlCells(f("openpyxl-undone.xlsx")))).toEqual(["客户"]);
  });

  test("sheet names as numeric character references, single-quoted attributes everywhere: undo removes exactly the product's sheets", async () => {
    const ncr = (s: string) => [...s].map((ch) => `&#${ch.codePointAt(0)};`).join("");
    const input = await write("ncr.xlsx", {
      quote: "'",
      sheetEntry: (name, id, rid) => `<sheet name='${ncr(name)}' sheetId='${id}' r:id='${rid}'/>`,
      sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS) }, { name: "复盘笔记", xml: sheetXml([["我的笔记"]]) }],
      extra: { "xl/styles.xml": MINIMAL_STYLES },
      styles: true,
    });
    await crmWrites(["apply"], input, f("ncr-applied.xlsx"));
    await crmWrites(["review"], f("ncr-applied.xlsx"), f("ncr-reviewed.xlsx"));
    // The review writes its sheets in entity form as the book had them? No: ours are ours; the user's stay as written.
    expect(part(f("ncr-reviewed.xlsx"), "xl/workbook.xml")).toContain(`name='${ncr("复盘笔记")}'`);
    const r = await runCrm(["undo", f("ncr-reviewed.xlsx"), "--out", f("ncr-undone.xlsx")], "en");
    expect(r.code).toBe(0);
    // The findings sheet, the history sheet, seven review sheets, the staging sheet and two PivotTable sheets.
    expect(r.stdout).toContain("removed 13 result columns and 12 sheets");
    expect(ooxmlProblems(f("ncr-undone.xlsx"), input)).toEqual([]);
    expect(Object.keys(openpyxlCells(f("ncr-undone.xlsx")))).toEqual(["客户", "复盘笔记"]);
    // Undo gives back the input's parts byte for byte, but for styles.xml: the styles apply appended stay
    // (unused; taking them out could renumber styles the user added after them in Excel).
    const names = zipEntries(input)!.map((e) => e.name);
    expect(zipEntries(f("ncr-undone.xlsx"))!.map((e) => e.name)).toEqual(names);
    for (const name of names.filter((n) => n !== "xl/styles.xml")) expect(`${name}: ${part(f("ncr-undone.xlsx"), name)}`).toBe(`${name}: ${part(input, name)}`);
  });

  test("ClosedXML / Open XML SDK: every element prefixed x: — apply, review, mask and undo through the patching writer", async () => {
    const input = await write("closedxml.xlsx", {
      workbookOpen: `<x:workbook xmlns:x="${MAIN}" xmlns:r="${REL}">`,
      workbookClose: "</x:workbook>",
      sheetEntry: (name, id, rid) => `<x:sheet name="${name}" sheetId="${id}" r:id="${rid}"/>`,
      sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS, { prefix: "x", head: '<x:sheetViews><x:sheetView workbookViewId="0"/></x:sheetViews>', tail: '<x:pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' }) }],
      // Its styles part is prefixed too: the product's styles must land in its blocks, counted.
      extra: { "xl/styles.xml": MINIMAL_STYLES.replace(/<(\/?)(\w+)/g, "<$1x:$2").replace('xmlns="', 'xmlns:x="').replace("<x:?xml", "<?xml") },
      styles: true,
    });
    await crmWrites(["apply"], input, f("cx-applied.xlsx"));
    const sheet = part(f("cx-applied.xlsx"), "xl/worksheets/sheet1.xml");
    expect(sheet).toContain("◆周期阶段");
    expect(sheet).toMatch(/<x:conditionalFormatting /);
    const styles = part(f("cx-applied.xlsx"), "xl/styles.xml");
    expect(styles).toMatch(/<x:cellXfs count="(?:[2-9]|1\d)"/);
    expect(styles).toMatch(/<x:dxfs count="3"/);
    await crmWrites(["review"], f("cx-applied.xlsx"), f("cx-reviewed.xlsx"));
    await crmWrites(["mask"], input, f("cx-masked.xlsx"));
    expect(JSON.stringify(openpyxlCells(f("cx-masked.xlsx")))).toContain("138****5678");
    expect(JSON.stringify(openpyxlCells(f("cx-masked.xlsx")))).not.toContain("13812345678");
    await crmWrites(["undo"], f("cx-reviewed.xlsx"), f("cx-undone.xlsx"));
    expect(userCells(f("cx-undone.xlsx"))).toEqual(userCells(input));
  });

  test("a workbook part outside xl/ and a relationships prefix other than r", async () => {
    const input = await write("elsewhere.xlsx", {
      workbookPath: "book/workbook.xml",
      workbookOpen: `<workbook xmlns="${MAIN}" xmlns:rel="${REL}">`,
      sheetEntry: (name, id, rid) => `<sheet name="${name}" sheetId="${id}" rel:id="${rid}"/>`,
      sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS) }],
    });
    await crmWrites(["apply"], input, f("elsewhere-applied.xlsx"));
    expect(zipEntries(f("elsewhere-applied.xlsx"))!.map((e) => e.name)).toContain("book/worksheets/sheet2.xml");
    expect(part(f("elsewhere-applied.xlsx"), "book/workbook.xml")).toContain('rel:id="rIdCrm1"');
    await crmWrites(["review"], f("elsewhere-applied.xlsx"), f("elsewhere-reviewed.xlsx"));
    await crmWrites(["undo"], f("elsewhere-reviewed.xlsx"), f("elsewhere-undone.xlsx"));
    expect(part(f("elsewhere-undone.xlsx"), "book/workbook.xml")).toBe(part(input, "book/workbook.xml"));
  });

  test("a workbook part whose name does not say workbook (found by its officeDocument relationship)", async () => {
    const input = await write("main-xml.xlsx", { workbookPath: "book/main.xml", sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS) }] });
    const out = f("main-xml-applied.xlsx");
    const r = await runCrm(["apply", input, "--out", out, "--as-of", AS_OF], "en");
    expect(r.code).toBeLessThan(2);
    expect(openpyxlCells(out)["客户"].I1).toBe("◆周期阶段 Stage");
    // ooxml-check finds the workbook part by the word "workbook" in its name, not by the relationship's type,
    // so it reports the valid input itself as having none; the output gets exactly the input's verdict.
    const verdict = (file: string) => ooxmlProblems(file).map((l) => l.replace(file, "BOOK"));
    expect(verdict(input)).toEqual(["BOOK: no workbook part"]);
    expect(verdict(out)).toEqual(verdict(input));
  });

  test("text in CDATA: a header is recognised and a phone number is flagged and masked", async () => {
    const cdata = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t><![CDATA[${text}]]></t></is></c>`;
    const input = await write("cdata.xlsx", { sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS, { cell: cdata }) }] });
    const v = await runCrm(["validate", input, "--as-of", AS_OF, "--json"], "en");
    expect(v.code).toBeLessThan(2);
    const report = JSON.parse(v.stdout) as { findings: { code: string; address: string }[] };
    expect(report.findings.filter((x) => x.code === "UNMASKED_PHONE").map((x) => x.address)).toEqual(["客户!E2"]);
    await crmWrites(["mask"], input, f("cdata-masked.xlsx"));
    expect(openpyxlCells(f("cdata-masked.xlsx"))["客户"].E2).toBe("138****5678");
  });

  test("Strict OOXML: validate reads it; apply refuses with one line and writes nothing", async () => {
    const input = await write("strict.xlsx", {
      mainNs: "http://purl.oclc.org/ooxml/spreadsheetml/main",
      relNs: "http://purl.oclc.org/ooxml/officeDocument/relationships",
      sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS, { ns: "http://purl.oclc.org/ooxml/spreadsheetml/main" }) }],
    });
    const v = await runCrm(["validate", input, "--as-of", AS_OF, "--json"], "en");
    expect(v.code).toBeLessThan(2);
    expect(JSON.parse(v.stdout).summary.rows).toBe(3);
    const a = await runCrm(["apply", input, "--out", f("strict-out.xlsx"), "--as-of", AS_OF], "en");
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split("\n")).toHaveLength(1);
    expect(a.stderr).toContain("Strict Open XML");
    expect(() => readFileSync(f("strict-out.xlsx"))).toThrow();
  });
});

describe("nothing of the user's is lost", () => {
  test("a note typed below the table in a ◆ column survives a second apply and undo", async () => {
    const input = await write("note.xlsx", { sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS) }] });
    await crmWrites(["apply"], input, f("note-applied.xlsx"));
    // The user types a note under the 周期阶段 column (I), two rows below the table.
    const zipBytes = readFileSync(f("note-applied.xlsx"));
    const JSZip = (await import("jszip")).default;
    const zip = await JSZip.loadAsync(zipBytes);
    const xml = await zip.file("xl/worksheets/sheet1.xml")!.async("string");
    zip.file("xl/worksheets/sheet1.xml", xml.replace("</sheetData>", `<row r="7">${inlineCell("I7", "记得回访王总")}</row></sheetData>`));
    writeFileSync(f("note-typed.xlsx"), await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    await crmWrites(["apply"], f("note-typed.xlsx"), f("note-again.xlsx"));
    expect(openpyxlCells(f("note-again.xlsx"))["客户"].I7).toBe("记得回访王总");
    await crmWrites(["undo"], f("note-again.xlsx"), f("note-undone.xlsx"));
    const cells = openpyxlCells(f("note-undone.xlsx"))["客户"];
    expect(cells.I7).toBe("记得回访王总");
    expect(cells.I1).toBeUndefined();
  });

  test("◆ columns go past cells that only look empty: a helper column of =IF(…,\"\") formulas, a filled blank, a merge", async () => {
    const rows = CUSTOMERS.map((r) => [...r]);
    const styles = `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/></patternFill></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/></cellXfs></styleSheet>`;
    // I: formulas that show "", J: a yellow blank in row 3, K1:L1 merged over the header row.
    const cell = (ref: string, text: string) => inlineCell(ref, text);
    const extra = (r: number) => `<c r="I${r}" t="str"><f>IF(H${r}&gt;100,"大客户","")</f><v></v></c>` + (r === 3 ? `<c r="J3" s="1"/>` : "");
    const body = rows.map((row, i) => `<row r="${i + 1}">${row.map((v, c) => (v === "" ? "" : cell(`${String.fromCharCode(65 + c)}${i + 1}`, v))).join("")}${i > 0 ? extra(i + 1) : ""}</row>`).join("");
    const xml = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>${body}</sheetData><mergeCells count="1"><mergeCell ref="K1:L1"/></mergeCells></worksheet>`;
    const input = await write("looks-empty.xlsx", { sheets: [{ name: "客户", xml }], extra: { "xl/styles.xml": styles }, styles: true });
    await crmWrites(["apply"], input, f("looks-empty-applied.xlsx"));
    const cells = openpyxlCells(f("looks-empty-applied.xlsx"))["客户"];
    expect(cells.I2).toBe('=IF(H2>100,"大客户","")');
    expect(cells.M1).toBe("◆周期阶段 Stage");
    for (const c of ["I1", "J1", "K1", "L1"]) expect(cells[c]).toBeUndefined();
  });

  test("review and undo leave a user's copy of a review sheet, and a user's sheet named like the product's", async () => {
    const input = await write("copies.xlsx", {
      sheets: [
        { name: "客户", xml: sheetXml(CUSTOMERS) },
        { name: "crm问题清单", xml: sheetXml([["我自己的问题清单"]]) },
      ],
    });
    await crmWrites(["apply"], input, f("copies-applied.xlsx"));
    let names = Object.keys(openpyxlCells(f("copies-applied.xlsx")));
    expect(names).toEqual(["客户", "crm问题清单", "CRM问题清单 (2)", "CRM变更历史"]);
    expect(openpyxlCells(f("copies-applied.xlsx"))["crm问题清单"]).toEqual({ A1: "我自己的问题清单" });
    await crmWrites(["review"], f("copies-applied.xlsx"), f("copies-reviewed.xlsx"));
    // The user copies a review sheet (Excel's Move or Copy) and writes on the copy: an unmarked sheet of theirs.
    const JSZip = (await import("jszip")).default;
    const zip = await JSZip.loadAsync(readFileSync(f("copies-reviewed.xlsx")));
    const wb = await zip.file("xl/workbook.xml")!.async("string");
    const rels = await zip.file("xl/_rels/workbook.xml.rels")!.async("string");
    const ct = await zip.file("[Content_Types].xml")!.async("string");
    zip.file("xl/worksheets/sheet99.xml", sheetXml([["我的批注：Q3 重点跟进"]]));
    zip.file("xl/workbook.xml", wb.replace("</sheets>", `<sheet name="CRM复盘-阶段与漏斗 (2)" sheetId="99" r:id="rIdUser99"/></sheets>`));
    zip.file("xl/_rels/workbook.xml.rels", rels.replace("</Relationships>", `<Relationship Id="rIdUser99" Type="${REL}/worksheet" Target="worksheets/sheet99.xml"/></Relationships>`));
    zip.file("[Content_Types].xml", ct.replace("</Types>", `<Override PartName="/xl/worksheets/sheet99.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`));
    writeFileSync(f("copies-copied.xlsx"), await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    await crmWrites(["review"], f("copies-copied.xlsx"), f("copies-rereviewed.xlsx"));
    expect(openpyxlCells(f("copies-rereviewed.xlsx"))["CRM复盘-阶段与漏斗 (2)"]).toEqual({ A1: "我的批注：Q3 重点跟进" });
    await crmWrites(["undo"], f("copies-rereviewed.xlsx"), f("copies-undone.xlsx"));
    names = Object.keys(openpyxlCells(f("copies-undone.xlsx")));
    expect(names).toEqual(["客户", "crm问题清单", "CRM复盘-阶段与漏斗 (2)"]);
  });

  test("undo restores a user's column range split around the ◆ columns, and keeps a user's list on the empty column", async () => {
    const head = '<cols><col min="1" max="30" width="12.5" style="0" customWidth="1"/></cols>';
    const tail = `<dataValidations count="1"><dataValidation type="list" allowBlank="1" sqref="I2:I50"><formula1>"是,否"</formula1></dataValidation></dataValidations>`;
    const input = await write("cols.xlsx", { sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS, { head, tail }) }] });
    await crmWrites(["apply"], input, f("cols-applied.xlsx"));
    const applied = part(f("cols-applied.xlsx"), "xl/worksheets/sheet1.xml");
    expect(applied).toContain('sqref="I2:I50"');
    await crmWrites(["undo"], f("cols-applied.xlsx"), f("cols-undone.xlsx"));
    expect(part(f("cols-undone.xlsx"), "xl/worksheets/sheet1.xml")).toBe(part(input, "xl/worksheets/sheet1.xml"));
  });
});

describe("the exceljs fallback (XML the patching writer does not edit)", () => {
  /** A customers sheet with a comment inside a row (the patcher refuses), a chart and printer settings beside it. */
  async function fallbackBook(name: string): Promise<string> {
    const xml = sheetXml(CUSTOMERS).replace('<row r="2">', '<row r="2"><!-- 待核实 -->');
    const chart = `<?xml version="1.0" encoding="UTF-8"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"/>`;
    const input = await write(name, { sheets: [{ name: "客户", xml }], extra: { "xl/charts/chart1.xml": chart, "xl/printerSettings/printerSettings1.bin": "\u0000\u0001" } });
    const JSZip = (await import("jszip")).default;
    const zip = await JSZip.loadAsync(readFileSync(input));
    const ct = await zip.file("[Content_Types].xml")!.async("string");
    zip.file("[Content_Types].xml", ct.replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"/><Override PartName="/xl/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/></Types>'));
    writeFileSync(input, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    return input;
  }

  test("--out: the copy is written and stderr names what it lacks, measured on the written file", async () => {
    const input = await fallbackBook("fallback.xlsx");
    const r = await runCrm(["apply", input, "--out", f("fallback-out.xlsx"), "--as-of", AS_OF], "en");
    expect(r.code).toBeLessThan(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("1 charts");
    expect(r.stderr).toContain("1 printer settings");
    expect(openpyxlCells(f("fallback-out.xlsx"))["客户"].I1).toBe("◆周期阶段 Stage");
  });

  test("the product's own charts and PivotTables are not the user's to lose: a reviewed book's --in-place apply goes ahead", async () => {
    // Reviewed through the patching writer (its charts, its pivot cache and PivotTables), then a comment put inside
    // a customers row, which the patcher refuses: apply falls back to the exceljs writer, which draws no charts.
    const input = await write("fallback-reviewed.xlsx", { sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS) }] });
    await crmWrites(["review"], input, f("fallback-reviewed-out.xlsx"));
    const JSZip = (await import("jszip")).default;
    const zip = await JSZip.loadAsync(readFileSync(f("fallback-reviewed-out.xlsx")));
    expect(Object.keys(zip.files).filter((n) => /^xl\/(charts\/chart|pivotTables\/pivotTable)\d+\.xml$/.test(n)).length).toBeGreaterThan(2);
    const sheet = await zip.file("xl/worksheets/sheet1.xml")!.async("string");
    zip.file("xl/worksheets/sheet1.xml", sheet.replace('<row r="2">', '<row r="2"><!-- 待核实 -->'));
    const book = f("fallback-reviewed-broken.xlsx");
    writeFileSync(book, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    const r = await runCrm(["apply", book, "--in-place", "--as-of", AS_OF], "en");
    expect(r.code).toBeLessThan(2);
    expect(r.stderr).not.toContain("would be lost");
    expect(r.stderr).not.toContain("does not include");
    expect(openpyxlCells(book)["客户"].I1).toBe("◆周期阶段 Stage");
  });

  test("--in-place: refused before anything is replaced; the input unchanged, no backup left", async () => {
    const input = await fallbackBook("fallback-inplace.xlsx");
    const before = readFileSync(input);
    const r = await runCrm(["apply", input, "--in-place", "--as-of", AS_OF], "en");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("would be lost by writing over it");
    expect(readFileSync(input).equals(before)).toBe(true);
    expect(() => readFileSync(f("fallback-inplace.bak.xlsx"))).toThrow();
  });
});

describe("books an earlier version wrote (no marks)", () => {
  test("its findings and review sheets are known by name and content, replaced in place and marked; undo removes them", async () => {
    const input = await write("legacy.xlsx", { sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS) }] });
    await crmWrites(["apply"], input, f("legacy-applied.xlsx"));
    await crmWrites(["review"], f("legacy-applied.xlsx"), f("legacy-reviewed.xlsx"));
    // What the version before the marks wrote: the same sheets, no hidden names.
    const JSZip = (await import("jszip")).default;
    const zip = await JSZip.loadAsync(readFileSync(f("legacy-reviewed.xlsx")));
    const wb = await zip.file("xl/workbook.xml")!.async("string");
    zip.file("xl/workbook.xml", wb.replace(/<definedNames>.*<\/definedNames>/, ""));
    writeFileSync(f("legacy-old.xlsx"), await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    expect(part(f("legacy-old.xlsx"), "xl/workbook.xml")).not.toContain("_CRM_");

    await crmWrites(["apply"], f("legacy-old.xlsx"), f("legacy-again.xlsx"));
    await crmWrites(["review"], f("legacy-again.xlsx"), f("legacy-again-reviewed.xlsx"));
    const names = Object.keys(openpyxlCells(f("legacy-again-reviewed.xlsx")));
    expect(names).toEqual(Object.keys(openpyxlCells(f("legacy-reviewed.xlsx"))));
    expect(part(f("legacy-again-reviewed.xlsx"), "xl/workbook.xml")).toContain("_CRM_SHEET_findings");
    await crmWrites(["undo"], f("legacy-old.xlsx"), f("legacy-undone.xlsx"));
    expect(Object.keys(openpyxlCells(f("legacy-undone.xlsx")))).toEqual(["客户"]);
  });
});

test("a user's own sheet named exactly CRM问题清单 is never overwritten: the product's goes beside it", async () => {
  const input = await write("own-findings.xlsx", { sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS) }, { name: "CRM问题清单", xml: sheetXml([["我记下的问题"], ["C002 电话不对"]]) }] });
  await crmWrites(["apply"], input, f("own-findings-applied.xlsx"));
  const cells = openpyxlCells(f("own-findings-applied.xlsx"));
  expect(Object.keys(cells)).toEqual(["客户", "CRM问题清单", "CRM问题清单 (2)", "CRM变更历史"]);
  expect(cells["CRM问题清单"]).toEqual({ A1: "我记下的问题", A2: "C002 电话不对" });
  await crmWrites(["apply"], f("own-findings-applied.xlsx"), f("own-findings-again.xlsx"));
  expect(Object.keys(openpyxlCells(f("own-findings-again.xlsx")))).toEqual(["客户", "CRM问题清单", "CRM问题清单 (2)", "CRM变更历史"]);
  await crmWrites(["undo"], f("own-findings-again.xlsx"), f("own-findings-undone.xlsx"));
  expect(openpyxlCells(f("own-findings-undone.xlsx"))).toEqual(openpyxlCells(input));
});

describe("the product's output re-saved by another program, then run again", () => {
  /** LibreOffice (its own writer from scratch) and openpyxl (load and save) keep the marks, as Excel does. */
  const resavers: [string, (from: string, to: string) => void][] = [
    ["LibreOffice", (from, to) => {
      const dir = mkdtempSync(join(tmpdir(), "crm-lo-"));
      const r = spawnSync("soffice", [`-env:UserInstallation=file://${join(dir, "profile")}`, "--headless", "--convert-to", "xlsx", "--outdir", dir, from], { encoding: "utf8", timeout: 120_000 });
      if (r.status !== 0) throw new Error(`soffice: ${r.stderr}`);
      writeFileSync(to, readFileSync(join(dir, from.replace(/^.*\//, ""))));
    }],
    ["openpyxl", (from, to) => {
      const r = spawnSync("/usr/bin/python3", ["-c", "import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1]); wb.save(sys.argv[2])", from, to], { encoding: "utf8" });
      if (r.status !== 0) throw new Error(`openpyxl: ${r.stderr}`);
    }],
  ];
  test.each(resavers)("re-saved by %s: apply and review find their sheets again (no copies), undo takes them out", async (who, resave) => {
    const input = await write(`resave-${who}.xlsx`, { sheets: [{ name: "客户", xml: sheetXml(CUSTOMERS) }] });
    await crmWrites(["apply"], input, f(`resave-${who}-applied.xlsx`));
    await crmWrites(["review"], f(`resave-${who}-applied.xlsx`), f(`resave-${who}-reviewed.xlsx`));
    const names = Object.keys(openpyxlCells(f(`resave-${who}-reviewed.xlsx`)));
    resave(f(`resave-${who}-reviewed.xlsx`), f(`resave-${who}-saved.xlsx`));
    // The marks survive the other program (found by them, not by the fallback for books without marks).
    const marks = part(f(`resave-${who}-saved.xlsx`), "xl/workbook.xml").match(/name="_CRM_[^"]+"/g) ?? [];
    expect(marks.sort()).toEqual(['name="_CRM_RESULTS"', 'name="_CRM_SHEET_findings"', 'name="_CRM_SHEET_history"', ...["followUp", "highValue", "industry", "plan", "stages", "tiers", "clv", "data", "industryPivot", "ownerPivot"].map((r) => `name="_CRM_SHEET_review.${r}"`)].sort());
    await crmWrites(["apply"], f(`resave-${who}-saved.xlsx`), f(`resave-${who}-again.xlsx`));
    await crmWrites(["review"], f(`resave-${who}-again.xlsx`), f(`resave-${who}-again-reviewed.xlsx`));
    expect(Object.keys(openpyxlCells(f(`resave-${who}-again-reviewed.xlsx`)))).toEqual(names);
    const again = openpyxlCells(f(`resave-${who}-again-reviewed.xlsx`))["客户"];
    expect(Object.values(again).filter((v) => v === "◆周期阶段 Stage")).toHaveLength(1);
    await crmWrites(["undo"], f(`resave-${who}-again-reviewed.xlsx`), f(`resave-${who}-undone.xlsx`));
    expect(Object.keys(openpyxlCells(f(`resave-${who}-undone.xlsx`)))).toEqual(["客户"]);
    expect(Object.values(openpyxlCells(f(`resave-${who}-undone.xlsx`))["客户"]).some((v) => v.startsWith("◆"))).toBe(false);
  });
});
