// Round trips through real .xlsx files: the reader on messy hand-built books, every finding code with its
// address, no user cell changed by apply / review / mask, idempotence, formula injection, the 1904 system.
import ExcelJS from "exceljs";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import JSZip from "jszip";
import { tmpdir } from "os";
import { join } from "path";
import { isOwnedHeader, parseRange, runPipeline, type PipelineResult } from "../../src/core";
import { main, type CliIO } from "../../src/cli/cli";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { generateSample } from "../../scripts/sample";
import { readBook } from "../../src/xlsx/exceljs";
import { readZipEntry, zipEntries } from "../../src/xlsx/zip";
import { FINDINGS_SHEET, OWNED_COLUMNS, REVIEW_SHEET_PREFIX } from "../../src/workbook/owned";
import { AS_OF, CUSTOMERS, EXPECTED, INJECTIONS, messyWorkbook } from "./messy-book";
import { conditionalFormats, dataValidations, ownedColumns, readXlsx, snapshot } from "./snapshot";

jest.setTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), "crm-roundtrip-"));
const f = (name: string) => join(dir, name);

function quietIO(today = AS_OF): CliIO & { out: string; err: string } {
  const io = { out: "", err: "", stdout: () => undefined, stderr: () => undefined, stdoutTTY: false, stderrTTY: false, env: { LANG: "zh_CN.UTF-8" }, today: () => today } as CliIO & { out: string; err: string };
  io.stdout = (s) => void (io.out += s);
  io.stderr = (s) => void (io.err += s);
  return io;
}

async function crm(...argv: string[]): Promise<number> {
  const io = quietIO();
  const code = await main(argv, io);
  if (code === 2) throw new Error(`crm ${argv.join(" ")} → 2: ${io.err}`);
  return code;
}

let messyResult: PipelineResult;

beforeAll(async () => {
  await messyWorkbook().xlsx.writeFile(f("messy.xlsx"));
  messyResult = runPipeline((await readBook(f("messy.xlsx"))).model, AS_OF);
  const sample = generateSample({ customers: 120, asOf: "2024-11-26" });
  await writeModelXlsx(sample.model, f("sample.xlsx"), { listObjects: { 订单: "订单表" } });
});

describe("reading real workbooks", () => {
  test("every finding code is reported at the cell the book was built with", () => {
    const got = messyResult.findings.map((x) => `${x.code} ${x.address}`).sort();
    const want = EXPECTED.map(([code, address]) => `${code} ${address}`).sort();
    expect(got).toEqual(want);
    expect(new Set(messyResult.findings.map((x) => x.code)).size).toBe(20);
  });

  test("rich text, hyperlinks, formulas (cached result), hidden rows and dates in every form are read as the user sees them", async () => {
    const sheet = (await readBook(f("messy.xlsx"))).model.sheets.find((s) => s.name === CUSTOMERS)!;
    const cell = (r: number, c: number) => sheet.cells[r - 1][c - 1];
    expect(cell(4, 2)).toBe("华东星海科技有限公司");
    expect(cell(5, 2)).toBe("海南椰风贸易");
    expect(cell(4, 9)).toBe(12);
    expect(cell(6, 1)).toBe("C003"); // the hidden row is data
    expect(cell(9, 9)).toEqual({ error: "#N/A" });
    expect(cell(10, 5)).toEqual(new Date(Date.UTC(2024, 0, 1))); // serial 45292 with a date format
    expect(cell(2, 1)).toBeNull();
    expect(cell(1, 2)).toBeNull(); // a merged title's followers are blank, as Excel shows them
    const names = messyResult.customers.map((c) => c.name);
    expect(names).toEqual(["华东星海科技有限公司", "海南椰风贸易", "黔南茶业", "黔南茶业分公司", "闽北竹木", "粤西水产", "皖南纸业"]);
    // C001 was first contacted on 2023-03-15 (a Date cell); C006 on 2022年3月1日 (text): both read as days.
    expect(messyResult.customers[0].stage).toBe("成交客户");
    expect(messyResult.customers[6].stage).toBe("流失客户");
  });

  test("the 1904 date system: serial numbers and dates mean the same days as in the 1900 system", async () => {
    const make = async (date1904: boolean, file: string) => {
      const wb = new ExcelJS.Workbook();
      if (date1904) wb.properties.date1904 = true;
      const ws = wb.addWorksheet("客户");
      ws.addRow(["客户编号", "客户名称", "联系人", "首次触达时间", "进入阶段时间"]);
      // 2024-01-15 is serial 45306 in the 1900 system and 43844 in the 1904 system (1,462 days apart).
      ws.addRow(["C1", "甲", "王", date1904 ? 43844 : 45306, new Date(Date.UTC(2023, 11, 1))]);
      ws.getCell("E2").numFmt = "yyyy-mm-dd";
      await wb.xlsx.writeFile(file);
      return runPipeline((await readBook(file)).model, "2024-06-30");
    };
    for (const r of [await make(false, f("d1900.xlsx")), await make(true, f("d1904.xlsx"))]) {
      const order = r.findings.filter((x) => x.code === "DATE_ORDER");
      expect(order.map((x) => x.address)).toEqual(["客户!E2"]);
      expect(order[0].message).toContain("2023-12-01");
      expect(order[0].message).toContain("2024-01-15");
    }
  });
});

describe("apply writes only what the product owns", () => {
  test("a table that starts anywhere (D6, below notes, beside a user's own block) gets its columns right after its last column", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Sheet1");
    ws.getCell("A1").value = "说明：本表每周五更新";
    ws.getCell("A6").value = "区域";
    ws.getCell("A7").value = "华东";
    ws.getRow(6).getCell(4).value = "客户编号";
    ["客户名称", "联系人", "首次触达时间"].forEach((h, i) => (ws.getRow(6).getCell(5 + i).value = h));
    ws.getRow(7).values = ["华东", undefined, undefined, "K1", "甲公司", "王经理", "2024-03-01"] as ExcelJS.CellValue[];
    ws.getRow(8).values = [undefined, undefined, undefined, "K2", "乙公司", "李经理", "2024-04-01"] as ExcelJS.CellValue[];
    await wb.xlsx.writeFile(f("anywhere.xlsx"));
    await crm("apply", f("anywhere.xlsx"), "--out", f("anywhere-out.xlsx"), "--as-of", AS_OF);
    const out = (await readXlsx(f("anywhere-out.xlsx"))).getWorksheet("Sheet1")!;
    expect([...ownedColumns(out)]).toEqual(OWNED_COLUMNS.map((_, i) => 8 + i)); // G is the last user column
    // Placement is the point here: each row's stage is the engine's for that row.
    const res = runPipeline((await readBook(f("anywhere.xlsx"))).model, AS_OF);
    expect(res.customers.map((c) => [c.id, c.row])).toEqual([["K1", 7], ["K2", 8]]);
    expect([out.getCell("H7").value, out.getCell("H8").value]).toEqual(res.customers.map((c) => c.stage));
    expect(out.getCell("G7").value).toBe("2024-03-01");
    expect(out.getCell("A7").value).toBe("华东");
    expect(out.getCell("H5").value).toBeNull();
  });

  test("a note the user keeps beside the table is never overwritten: the owned columns move past it", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("客户");
    ws.addRow(["客户编号", "客户名称", "联系人", "首次触达时间"]);
    ws.addRow(["K1", "甲公司", "王经理", "2024-03-01"]);
    ws.addRow(["K2", "乙公司", "李经理", "2024-04-01"]);
    ws.getCell("G3").value = "备注：乙公司下月搬迁"; // two columns right of the table, in a data row
    await wb.xlsx.writeFile(f("note.xlsx"));
    await crm("apply", f("note.xlsx"), "--out", f("note-out.xlsx"), "--as-of", AS_OF);
    const out = (await readXlsx(f("note-out.xlsx"))).getWorksheet("客户")!;
    expect(out.getCell("G3").value).toBe("备注：乙公司下月搬迁");
    expect([...ownedColumns(out)]).toEqual(OWNED_COLUMNS.map((_, i) => 8 + i)); // H onwards: E..G is not a free run of ten
    // A re-run keeps them there.
    await crm("apply", f("note-out.xlsx"), "--out", f("note-out2.xlsx"), "--as-of", AS_OF);
    expect([...ownedColumns((await readXlsx(f("note-out2.xlsx"))).getWorksheet("客户")!)]).toEqual(OWNED_COLUMNS.map((_, i) => 8 + i));
  });

  test("every user cell, style, merge, validation, rule, table and name is unchanged (messy book)", async () => {
    expect(await crm("apply", f("messy.xlsx"), "--out", f("messy-applied.xlsx"), "--as-of", AS_OF)).toBe(1);
    const before = await readXlsx(f("messy.xlsx"));
    const after = await readXlsx(f("messy-applied.xlsx"));
    const owned = ownedColumns(after.getWorksheet(CUSTOMERS)!);
    expect([...owned]).toEqual(OWNED_COLUMNS.map((_, i) => 13 + i)); // right of 备注 (column L = 12)
    expect(snapshot(after, { skipColumns: { [CUSTOMERS]: owned } })).toEqual(snapshot(before, { skipColumns: { [CUSTOMERS]: owned } }));
  });

  test("the owned columns hold each customer's results in its own row, with lists, highlights and a linked findings sheet", async () => {
    const wb = await readXlsx(f("messy-applied.xlsx"));
    const ws = wb.getWorksheet(CUSTOMERS)!;
    expect(ws.getCell("M3").value).toBe(OWNED_COLUMNS[0].header);
    for (const c of messyResult.customers) expect(ws.getCell(c.row, 13).value).toBe(c.stage);
    expect(ws.getCell(7, 13).value).toBeNull(); // the blank row stays blank
    // 下次跟进 is a real date (so the overdue rule can compare it).
    const next = OWNED_COLUMNS.findIndex((c) => c.key === "nextFollowUp") + 13;
    const withNext = messyResult.customers.find((c) => c.nextFollowUp)!;
    expect(ws.getCell(withNext.row, next).value).toEqual(new Date(`${withNext.nextFollowUp}T00:00:00Z`));
    // A list validation on the stage column, covering exactly the data rows.
    const dv = dataValidations(ws);
    expect(dv.M4?.type).toBe("list");
    expect(dv.M11?.type).toBe("list");
    expect(dv.M12).toBeUndefined();
    expect(String(dv.M4?.formulae[0])).toContain("流失风险客户");
    // Conditional formatting, not fills: three rules of ours, the user's own rule untouched.
    const ours = conditionalFormats(ws).filter((cf) => cf.rules.some((r) => String((r as { formulae?: string[] }).formulae?.[0]).includes("CRM◆")));
    expect(ours.map((cf) => cf.ref)).toEqual(["A4:Y11", "A4:Y11", "U4:U11"]);
    expect(conditionalFormats(ws)).toHaveLength(4);
    // The findings sheet: one row per finding, each address a link to its cell.
    const fs = wb.getWorksheet(FINDINGS_SHEET)!;
    expect(fs.rowCount).toBe(messyResult.findings.length + 1);
    const link = fs.getCell("C2").value as ExcelJS.CellFormulaValue;
    expect(link.formula).toMatch(/^HYPERLINK\("#'.+'![A-Z]+\d+",".+"\)$/);
    expect(link.result).toBe(messyResult.findings[0].address);
  });

  test("applying to its own output changes nothing (same as-of); a later as-of changes only owned values", async () => {
    expect(await crm("apply", f("messy-applied.xlsx"), "--out", f("messy-applied2.xlsx"), "--as-of", AS_OF)).toBe(1);
    const once = snapshot(await readXlsx(f("messy-applied.xlsx")), { includeOwned: true });
    const twice = snapshot(await readXlsx(f("messy-applied2.xlsx")), { includeOwned: true });
    expect(twice).toEqual(once);

    await crm("apply", f("messy-applied.xlsx"), "--out", f("messy-later.xlsx"), "--as-of", "2025-06-30");
    const a = await readXlsx(f("messy-applied.xlsx"));
    const b = await readXlsx(f("messy-later.xlsx"));
    expect(snapshot(b)).toEqual(snapshot(a));
    expect(b.getWorksheet(CUSTOMERS)!.getCell("M4").value).not.toBe(a.getWorksheet(CUSTOMERS)!.getCell("M4").value);
  });

  test("the sample book (plain ranges, an Excel table, a merged title) loses nothing either", async () => {
    await crm("apply", f("sample.xlsx"), "--out", f("sample-applied.xlsx"), "--as-of", "2024-11-26");
    const before = await readXlsx(f("sample.xlsx"));
    const after = await readXlsx(f("sample-applied.xlsx"));
    const skipColumns = { 客户: ownedColumns(after.getWorksheet("客户")!) };
    expect(skipColumns.客户.size).toBe(OWNED_COLUMNS.length);
    expect(snapshot(after, { skipColumns })).toEqual(snapshot(before, { skipColumns }));
  });
});

describe("review replaces only its own sheets", () => {
  test("review keeps every other sheet as it was, and a second review equals the first", async () => {
    await crm("review", f("messy-applied.xlsx"), "--out", f("messy-review.xlsx"), "--as-of", AS_OF);
    await crm("review", f("messy-review.xlsx"), "--out", f("messy-review2.xlsx"), "--as-of", AS_OF);
    const applied = await readXlsx(f("messy-applied.xlsx"));
    const once = await readXlsx(f("messy-review.xlsx"));
    const twice = await readXlsx(f("messy-review2.xlsx"));
    const userAndApplied = (wb: ExcelJS.Workbook) => {
      const s = snapshot(wb, { includeOwned: true });
      s.sheetOrder = s.sheetOrder.filter((n) => !n.startsWith(REVIEW_SHEET_PREFIX));
      for (const n of Object.keys(s.sheets)) if (n.startsWith(REVIEW_SHEET_PREFIX)) delete s.sheets[n];
      // …and the marks that find the review sheets again.
      s.definedNames = (s.definedNames as { name: string }[]).filter((d) => !d.name.startsWith("_CRM_SHEET_review."));
      return s;
    };
    expect(userAndApplied(once)).toEqual(userAndApplied(applied));
    expect(snapshot(twice, { includeOwned: true })).toEqual(snapshot(once, { includeOwned: true }));
    const names = once.worksheets.map((w) => w.name);
    // Seven review sheets, the staging sheet and two PivotTable sheets.
    expect(names.filter((n) => n.startsWith(REVIEW_SHEET_PREFIX))).toHaveLength(10);
    // apply after review keeps the sheet order (the findings sheet is replaced where it was).
    await crm("apply", f("messy-review.xlsx"), "--out", f("messy-review-apply.xlsx"), "--as-of", AS_OF);
    expect((await readXlsx(f("messy-review-apply.xlsx"))).worksheets.map((w) => w.name)).toEqual(names);
  });

  test("the stage sheet counts add up to the customers, and the funnel matches a hand count", async () => {
    const wb = await readXlsx(f("messy-review.xlsx"));
    const ws = wb.getWorksheet(`${REVIEW_SHEET_PREFIX}阶段与漏斗`)!;
    const counts: Record<string, number> = {};
    for (let r = 6; r <= 12; r++) counts[String(ws.getCell(r, 1).value)] = Number(ws.getCell(r, 2).value);
    // By hand from the messy book: C001 成交; C002 and C006 流失; C003, C003′, C004, C005 潜在.
    expect(counts).toEqual({ 潜在客户: 4, 意向客户: 0, 成交客户: 1, 稳定客户: 0, 流失风险客户: 0, 流失客户: 2, undetermined: 0 });
  });
});

test("validation lists never overlap after a book passes through the command line twice (exceljs issue 2820)", async () => {
  for (const file of ["messy-review.xlsx", "messy-review2.xlsx"]) {
    const names = zipEntries(f(file))!.map((e) => e.name).filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
    let ranges = 0;
    for (const name of names) {
      const xml = readZipEntry(f(file), name)!.toString("utf8");
      const seen = new Map<string, string>();
      for (const m of xml.matchAll(/<dataValidation [^>]*sqref="([^"]+)"/g)) {
        for (const ref of m[1].split(" ")) {
          ranges++;
          const rg = parseRange(ref)!;
          for (let r = rg.top; r <= rg.bottom; r++)
            for (let c = rg.left; c <= rg.right; c++) {
              const cell = `${c},${r}`;
              expect([name, seen.get(cell)]).toEqual([name, undefined]);
              seen.set(cell, ref);
            }
        }
      }
    }
    // The user's 满意度 rule plus our five list columns, each one range.
    expect(ranges).toBe(6);
  }
});

describe("parts exceljs cannot carry over (charts, PivotTables, macros)", () => {
  const chartsBook = async () => {
    const zip = await JSZip.loadAsync(readFileSync(f("messy.xlsx")));
    zip.file("xl/charts/chart1.xml", "<c:chartSpace/>");
    zip.file("xl/charts/chart2.xml", "<c:chartSpace/>");
    zip.file("xl/pivotTables/pivotTable1.xml", "<pivotTableDefinition/>");
    writeFileSync(f("charts.xlsx"), await zip.generateAsync({ type: "nodebuffer" }));
    rmSync(f("charts.bak.xlsx"), { force: true });
  };

  test("apply keeps them: the patching writer copies every part it does not own byte for byte, in place too", async () => {
    await chartsBook();
    const before = readFileSync(f("charts.xlsx"));
    const io = quietIO();
    expect(await main(["apply", f("charts.xlsx"), "--in-place", "--as-of", AS_OF], io)).toBe(1);
    expect(readFileSync(f("charts.bak.xlsx")).equals(before)).toBe(true);
    for (const part of ["xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/pivotTables/pivotTable1.xml"]) {
      expect(readZipEntry(f("charts.xlsx"), part)!.toString("utf8")).toBe(readZipEntry(f("charts.bak.xlsx"), part)!.toString("utf8"));
    }
    // Every part but the four the product edits (its sheet, styles, the sheet list and its links) is the same.
    const changed = zipEntries(f("charts.bak.xlsx"))!.map((e) => e.name).filter((n) => !readZipEntry(f("charts.xlsx"), n)?.equals(readZipEntry(f("charts.bak.xlsx"), n)!));
    expect(changed.sort()).toEqual(["[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]);
    // review writes through the same writer: its sheets added, the charts and PivotTable still there.
    expect(await main(["review", f("charts.xlsx"), "--in-place", "--as-of", AS_OF], quietIO())).toBe(1);
    for (const part of ["xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/pivotTables/pivotTable1.xml"]) {
      expect(readZipEntry(f("charts.xlsx"), part)!.equals(readZipEntry(f("charts.bak.xlsx"), part)!)).toBe(true);
    }
    expect((await readXlsx(f("charts.xlsx"))).worksheets.filter((w) => w.name.startsWith(REVIEW_SHEET_PREFIX))).toHaveLength(10);
  });

  test("mask keeps them too; where the XML cannot be patched, the exceljs fallback refuses --in-place and says what --out leaves out", async () => {
    await chartsBook();
    expect(await main(["mask", f("charts.xlsx"), "--in-place", "--as-of", AS_OF], quietIO())).toBe(0);
    expect(readZipEntry(f("charts.xlsx"), "xl/charts/chart1.xml")!.toString()).toBe("<c:chartSpace/>");

    // A comment inside a customers row: the patcher leaves such a row alone, so apply falls back to exceljs.
    await chartsBook();
    const zip = await JSZip.loadAsync(readFileSync(f("charts.xlsx")));
    const sheet = await zip.file("xl/worksheets/sheet1.xml")!.async("string");
    zip.file("xl/worksheets/sheet1.xml", sheet.replace(/(<row r="5"[^>]*>)/, "$1<!-- a note -->"));
    writeFileSync(f("charts.xlsx"), await zip.generateAsync({ type: "nodebuffer" }));
    const before = readFileSync(f("charts.xlsx"));
    const io = quietIO();
    expect(await main(["apply", f("charts.xlsx"), "--in-place", "--as-of", AS_OF], io)).toBe(2);
    expect(io.err.trim().split("\n")).toHaveLength(1);
    expect(io.err).toContain("图表 2 个、数据透视表 1 个");
    expect(readFileSync(f("charts.xlsx")).equals(before)).toBe(true);
    expect(existsSync(f("charts.bak.xlsx"))).toBe(false);

    const io2 = quietIO();
    io2.env = { LANG: "en_US.UTF-8" };
    expect(await main(["apply", f("charts.xlsx"), "--out", f("charts-out.xlsx"), "--as-of", AS_OF], io2)).toBe(1);
    expect(io2.err).toContain("2 charts, 1 PivotTables");
    expect(existsSync(f("charts-out.xlsx"))).toBe(true);
  });
});

describe("progress on stderr", () => {
  test("a bar for a big book on a terminal; none with --json or when stderr is not a terminal", async () => {
    const sample = generateSample({ customers: 600, asOf: "2024-11-26" });
    await writeModelXlsx(sample.model, f("big.xlsx"));
    expect(statSync(f("big.xlsx")).size).toBeGreaterThan(400_000); // the threshold: a few thousand rows
    const tty = quietIO("2024-11-26");
    tty.stderrTTY = true;
    await main(["validate", f("big.xlsx")], tty);
    expect(tty.err).toMatch(/读取 \[█+░*\] +\d+%/);
    expect(tty.err).toContain("100%");
    expect(tty.out).not.toContain("█"); // stdout stays clean for pipes
    const json = quietIO("2024-11-26");
    json.stderrTTY = true;
    await main(["validate", f("big.xlsx"), "--json"], json);
    expect(json.err).toBe("");
    const pipe = quietIO("2024-11-26");
    await main(["validate", f("big.xlsx")], pipe);
    expect(pipe.err).toBe("");
  });
});

describe("mask changes exactly the flagged cells", () => {
  test("one cell changes, the rest of its text is kept, nothing else moves", async () => {
    const io = quietIO();
    expect(await main(["mask", f("messy.xlsx"), "--out", f("messy-masked.xlsx")], io)).toBe(0);
    expect(io.out).toContain("1");
    const before = snapshot(await readXlsx(f("messy.xlsx")));
    const after = snapshot(await readXlsx(f("messy-masked.xlsx")));
    expect(after.sheets[CUSTOMERS].cells.D5.value).toBe("客户电话 139****5678（工作日）");
    delete before.sheets[CUSTOMERS].cells.D5;
    delete after.sheets[CUSTOMERS].cells.D5;
    expect(after).toEqual(before);
    const again = runPipeline((await readBook(f("messy-masked.xlsx"))).model, AS_OF);
    expect(again.findings.filter((x) => x.code === "UNMASKED_PHONE")).toEqual([]);
  });
});

describe("formula injection", () => {
  test("user text that looks like a formula stays text through apply and review", async () => {
    const wb = await readXlsx(f("messy-review.xlsx"));
    const ws = wb.getWorksheet(CUSTOMERS)!;
    const texts = [4, 5, 6, 8, 9].map((r) => ws.getCell(r, 12));
    expect(texts.map((c) => c.value)).toEqual(INJECTIONS);
    for (const c of texts) expect(c.type).toBe(ExcelJS.ValueType.String);
    expect(wb.getWorksheet("备忘")!.getCell("G1").type).toBe(ExcelJS.ValueType.String);
  });

  test("the product's own text that starts with = + - @ is written as text (a sheet and header named like formulas)", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("=cmd");
    ws.addRow(["客户编号", "客户名称", "联系人", "首次触达时间", "@SUM(1)"]);
    ws.addRow(["+C1", "=HYPERLINK(\"http://evil.example\")", "-王", "2099-01-01", "=1+1"]);
    await wb.xlsx.writeFile(f("inject.xlsx"));
    await crm("apply", f("inject.xlsx"), "--out", f("inject-applied.xlsx"), "--as-of", AS_OF);
    const out = await readXlsx(f("inject-applied.xlsx"));
    const fs = out.getWorksheet(FINDINGS_SHEET)!;
    let strings = 0;
    fs.eachRow((row, r) =>
      row.eachCell((cell, c) => {
        if (r === 1 || c === 3) return; // the header, and the address column (our HYPERLINK formula)
        expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
        if (typeof cell.value === "string" && /^[=+\-@]/.test(cell.value)) strings++;
      }),
    );
    expect(strings).toBeGreaterThan(0); // the sheet name "=cmd" was written, as text
    const user = out.getWorksheet("=cmd")!;
    expect((user.getRow(2).values as unknown[]).slice(0, 6)).toEqual([undefined, "+C1", "=HYPERLINK(\"http://evil.example\")", "-王", "2099-01-01", "=1+1"]);
    for (let c = 1; c <= 5; c++) expect(user.getCell(2, c).type).toBe(ExcelJS.ValueType.String);
    expect(isOwnedHeader(user.getCell(1, 6).value as string)).toBe(true);
  });
});
