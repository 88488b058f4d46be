// Issue 19: `crm review` writes the pane's two PivotTables (industry × value tier, owner × stage) over a staging
// sheet, as pivot cache and PivotTable parts. Checked on a book whose user already has a PivotTable that
// LibreOffice wrote (from a hand-made flat ODS: LibreOffice writes the xlsx pivot parts), given the fixed customers
// of add_customers.py (8 rows, hand-countable): the output passes ooxml-check and the package checks; openpyxl (not
// the product's code) reads both PivotTables' fields, source and cells, whose counts are those of the staging rows
// and, per industry, the fixture's 3/3/2; LibreOffice, rebuilding the PivotTables from the staging sheet itself on
// opening, comes to the same counts; the user's PivotTable and cache are untouched; review twice = once, byte for
// byte; undo gives back every part of the input.
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { readZipEntry, zipEntries } from "../../src/xlsx/zip";
import { runCrm } from "./cli-io";
import { ooxmlProblems } from "./foreign-books";
import { AS_OF } from "./messy-book";
import { packageProblems } from "./package-graph";

jest.setTimeout(300_000);
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const SOFFICE = ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice"].find(existsSync);
const dir = mkdtempSync(join(tmpdir(), "crm-pivots-"));
const f = (n: string) => join(dir, n);

/** The user's book: sales rows and a PivotTable of them (sum of sales by region and product), as an ODF document. */
const USER_FODS = `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:body><office:spreadsheet>
<table:table table:name="销售">
${[["区域", "产品", "销售额"], ["华东", "A", 120], ["华南", "B", 95], ["华东", "B", 80]]
  .map((row) => `<table:table-row>${row.map((v) => (typeof v === "number" ? `<table:table-cell office:value-type="float" office:value="${v}"/>` : `<table:table-cell office:value-type="string"><text:p>${v}</text:p></table:table-cell>`)).join("")}</table:table-row>`)
  .join("\n")}
</table:table>
<table:table table:name="透视"><table:table-row><table:table-cell/></table:table-row></table:table>
<table:data-pilot-tables><table:data-pilot-table table:name="销售透视" table:target-range-address="透视.A1:透视.D6">
<table:source-cell-range table:cell-range-address="销售.A1:销售.C4"/>
<table:data-pilot-field table:source-field-name="区域" table:orientation="row"/>
<table:data-pilot-field table:source-field-name="产品" table:orientation="column"/>
<table:data-pilot-field table:source-field-name="销售额" table:orientation="data" table:function="sum"/>
</table:data-pilot-table></table:data-pilot-tables>
</office:spreadsheet></office:body></office:document>
`;

function soffice(args: string[]): void {
  if (!SOFFICE) throw new Error("soffice (LibreOffice) is not installed: run `npm run setup`");
  const r = spawnSync(SOFFICE, [`-env:UserInstallation=file://${join(dir, "profile")}`, "--headless", ...args], { encoding: "utf8", timeout: 240_000 });
  if (r.status !== 0) throw new Error(`soffice ${args.join(" ")}: ${r.stderr}`);
}

beforeAll(async () => {
  writeFileSync(f("user.fods"), USER_FODS);
  soffice(["--convert-to", "xlsx", "--outdir", dir, f("user.fods")]);
  const add = spawnSync(PYTHON, [join(__dirname, "..", "fixtures", "real-world", "add_customers.py"), f("user.xlsx"), f("in.xlsx")], { encoding: "utf8" });
  if (add.status !== 0) throw new Error(`add_customers.py: ${add.stderr}`);
  for (const [cmd, from, out] of [["review", "in", "once"], ["review", "once", "twice"], ["undo", "once", "undone"]]) {
    const r = await runCrm([cmd, f(`${from}.xlsx`), "--out", f(`${out}.xlsx`), "--as-of", AS_OF], "en");
    if (r.code >= 2) throw new Error(`crm ${cmd}: ${r.stderr}`);
  }
});

interface PivotRead {
  sheet: string;
  name: string;
  ref: string;
  cacheId: number;
  rows: string[];
  cols: string[];
  data: { name: string; subtotal: string; field: string }[];
  fields: string[];
  source: { sheet: string; ref: string } | null;
  refreshOnLoad: boolean;
  /** The cells of the PivotTable's range, row by row. */
  cells: (string | number | null)[][];
}

/** Every PivotTable of every sheet as openpyxl reads it, with its range's cells; and the staging sheet's rows. */
function pivotsOf(file: string): { pivots: PivotRead[]; staging: (string | number | null)[][]; tables: { name: string; ref: string; columns: string[] }[] } {
  const script = [
    "import json, sys, warnings, openpyxl",
    "warnings.simplefilter('ignore')",
    "wb = openpyxl.load_workbook(sys.argv[1])",
    "out = []",
    "for ws in wb.worksheets:",
    "    for p in ws._pivots:",
    "        c = p.cache",
    "        names = [f.name for f in c.cacheFields]",
    "        src = c.cacheSource.worksheetSource",
    "        out.append({'sheet': ws.title, 'name': p.name, 'ref': p.location.ref, 'cacheId': p.cacheId,",
    "                    'rows': [names[f.x] for f in p.rowFields], 'cols': [names[f.x] for f in p.colFields],",
    "                    'data': [{'name': d.name, 'subtotal': d.subtotal, 'field': names[d.fld]} for d in p.dataFields],",
    "                    'fields': names, 'source': {'sheet': src.sheet, 'ref': src.ref} if src is not None else None,",
    "                    'refreshOnLoad': bool(c.refreshOnLoad),",
    "                    'cells': [[cell.value for cell in row] for row in ws[p.location.ref]]})",
    "staging = [list(r) for r in wb['CRM复盘-数据'].iter_rows(values_only=True)] if 'CRM复盘-数据' in wb.sheetnames else []",
    "tables = [{'name': t.name, 'ref': t.ref, 'columns': [c.name for c in t.tableColumns]} for t in wb['CRM复盘-数据'].tables.values()] if 'CRM复盘-数据' in wb.sheetnames else []",
    "print(json.dumps({'pivots': out, 'staging': staging, 'tables': tables}, ensure_ascii=False))",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`openpyxl: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const read = (file: string, part: string) => readZipEntry(f(file), part)!;

test("the output opens without repair: ooxml-check, and every part reached, typed and named as Excel needs", () => {
  expect(ooxmlProblems(f("once.xlsx"), f("in.xlsx"))).toEqual([]);
  expect(packageProblems(f("once.xlsx"), f("in.xlsx"))).toEqual([]);
  const names = zipEntries(f("once.xlsx"))!.map((e) => e.name);
  // The user's cache and PivotTable, then the product's one cache under its two PivotTables, and its staging table.
  expect(names.filter((n) => /^xl\/pivotCache\/pivotCacheDefinition\d+\.xml$/.test(n)).length).toBe(2);
  expect(names.filter((n) => /^xl\/tables\/table\d+\.xml$/.test(n)).length).toBe(1);
  expect(names.filter((n) => /^xl\/pivotTables\/pivotTable\d+\.xml$/.test(n)).length).toBe(3);
});

test("openpyxl reads the two PivotTables: their fields, their source, and counts that are the staging rows' own", () => {
  const { pivots, staging, tables } = pivotsOf(f("once.xlsx"));
  // The staging rows are an Excel table, named as the pane names its own.
  expect(tables).toEqual([{ name: "CRM复盘数据", ref: "A1:K9", columns: staging[0] }]);
  const ours = pivots.filter((p) => p.sheet.startsWith("CRM复盘-"));
  expect(ours.map((p) => [p.sheet, p.name, p.rows, p.cols, p.data])).toEqual([
    ["CRM复盘-行业透视", "CRM行业价值透视", ["行业"], ["价值分级"], [{ name: "客户数", subtotal: "count", field: "客户编号" }]],
    ["CRM复盘-负责人透视", "CRM负责人阶段透视", ["负责人"], ["周期阶段"], [{ name: "客户数", subtotal: "count", field: "客户编号" }]],
  ]);
  // The staging sheet: a header and the 8 customers of add_customers.py; both PivotTables read all of it, refreshed on opening.
  expect(staging[0]).toEqual(["客户编号", "客户名称", "行业", "规模", "负责人", "周期阶段", "评分", "评分等级", "价值分级", "RFM分群", "年采购额"]);
  expect(staging.slice(1).map((r) => r[0])).toEqual(["C001", "C002", "C003", "C004", "C005", "C006", "C007", "C008"]);
  for (const p of ours) {
    expect(p.fields).toEqual(staging[0]);
    expect(p.source).toEqual({ sheet: "CRM复盘-数据", ref: "A1:K9" });
    expect(p.refreshOnLoad).toBe(true);
  }
  // Each PivotTable's cells, compact form from A3: the count's name and the column field, then a header row of the
  // column items and 总计, a row per row item, the totals. Every count is the number of staging rows with that pair.
  for (const p of ours) {
    const r = staging[0].indexOf(p.rows[0]);
    const c = staging[0].indexOf(p.cols[0]);
    expect(p.ref.startsWith("A3:")).toBe(true);
    expect(p.cells[0].slice(0, 2)).toEqual(["客户数", p.cols[0]]);
    const header = p.cells[1];
    expect(header[0]).toBe(p.rows[0]);
    expect(header[header.length - 1]).toBe("总计");
    const colItems = header.slice(1, -1) as string[];
    const body = p.cells.slice(2, -1);
    const rowItems = body.map((line) => line[0] as string);
    expect(new Set(colItems)).toEqual(new Set(staging.slice(1).map((x) => x[c])));
    expect(new Set(rowItems)).toEqual(new Set(staging.slice(1).map((x) => x[r])));
    body.forEach((line, i) => {
      colItems.forEach((col, k) => {
        const n = staging.slice(1).filter((x) => x[r] === rowItems[i] && x[c] === col).length;
        expect([rowItems[i], col, line[k + 1] ?? 0]).toEqual([rowItems[i], col, n]);
      });
      expect(line[line.length - 1]).toBe(staging.slice(1).filter((x) => x[r] === rowItems[i]).length);
    });
    const totals = p.cells[p.cells.length - 1];
    expect(totals[0]).toBe("总计");
    expect(totals[totals.length - 1]).toBe(8);
  }
  // Worked by hand from add_customers.py: 互联网 C001/C005/C008, 制造业 C002/C004/C007, 零售业 C003/C006.
  const industry = ours[0];
  expect(Object.fromEntries(industry.cells.slice(2, -1).map((line) => [line[0], line[line.length - 1]]))).toEqual({ 互联网: 3, 制造业: 3, 零售业: 2 });
  // Stages in DOMAIN.md's order, not the alphabet's.
  const stages = ours[1].cells[1].slice(1, -1) as string[];
  const order = ["潜在客户", "意向客户", "成交客户", "稳定客户", "流失风险客户", "流失客户"];
  expect(stages.filter((s) => order.includes(s))).toEqual(order.filter((s) => stages.includes(s)));
});

test("the user's PivotTable and cache are untouched, review twice = once byte for byte, and undo gives back every part", () => {
  const { pivots } = pivotsOf(f("once.xlsx"));
  const user = pivots.find((p) => p.sheet === "透视")!;
  expect(user.name).toBe("销售透视");
  const ours = pivots.filter((p) => p.sheet.startsWith("CRM复盘-"));
  // One cache for both of ours, with an id of its own.
  expect(new Set(ours.map((p) => p.cacheId)).size).toBe(1);
  expect(ours[0].cacheId).not.toBe(user.cacheId);
  const inNames = zipEntries(f("in.xlsx"))!.map((e) => e.name);
  for (const n of inNames.filter((x) => /pivot/i.test(x))) expect([n, read("once.xlsx", n).equals(read("in.xlsx", n))]).toEqual([n, true]);

  expect(read("twice.xlsx", "xl/workbook.xml").equals(read("once.xlsx", "xl/workbook.xml"))).toBe(true);
  expect(read("twice.xlsx", "[Content_Types].xml").equals(read("once.xlsx", "[Content_Types].xml"))).toBe(true);
  expect(zipEntries(f("twice.xlsx"))!.map((e) => e.name)).toEqual(zipEntries(f("once.xlsx"))!.map((e) => e.name));
  for (const e of zipEntries(f("once.xlsx"))!) expect([e.name, read("twice.xlsx", e.name).equals(read("once.xlsx", e.name))]).toEqual([e.name, true]);

  expect(ooxmlProblems(f("undone.xlsx"), f("once.xlsx"))).toEqual([]);
  expect(packageProblems(f("undone.xlsx"), f("once.xlsx"))).toEqual([]);
  expect(zipEntries(f("undone.xlsx"))!.map((e) => e.name)).toEqual(inNames);
  // Every part as it was, but the styles the review sheets added (a style the user may since have used stays).
  for (const n of inNames.filter((x) => x !== "xl/styles.xml")) expect([n, read("undone.xlsx", n).equals(read("in.xlsx", n))]).toEqual([n, true]);
});

test("LibreOffice, rebuilding both PivotTables from the staging sheet when it opens the book, comes to the same counts", () => {
  soffice(["--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", join(dir, "lo"), f("once.xlsx")]);
  const ours = pivotsOf(f("once.xlsx")).pivots.filter((p) => p.sheet.startsWith("CRM复盘-"));
  const lo = pivotsOf(join(dir, "lo", "once.xlsx")).pivots.filter((p) => p.sheet.startsWith("CRM复盘-"));
  expect(lo.map((p) => [p.sheet, p.rows, p.cols, p.ref])).toEqual(ours.map((p) => [p.sheet, p.rows, p.cols, p.ref]));
  // LibreOffice writes its own name for the totals ("Total Result"): proof the cells are its own, not ours copied.
  const labelled = (cells: PivotRead["cells"]) => cells.map((line) => line.map((v) => (v === "Total Result" ? "总计" : v)));
  lo.forEach((p, k) => {
    expect(p.cells.flat()).toContain("Total Result");
    expect(labelled(p.cells)).toEqual(ours[k].cells);
  });
});

test("a user's own table already named CRM复盘数据: it keeps its name and id, the staging table takes a free one", async () => {
  const script = [
    "import sys, xlsxwriter",
    "wb = xlsxwriter.Workbook(sys.argv[1])",
    "ws = wb.add_worksheet('我的表')",
    "ws.add_table('A1:B3', {'name': 'CRM复盘数据', 'columns': [{'header': '项目'}, {'header': '数量'}], 'data': [['甲', 1], ['乙', 2]]})",
    "wb.close()",
  ].join("\n");
  const w = spawnSync(PYTHON, ["-c", script, f("table-user.xlsx")], { encoding: "utf8" });
  expect(w.stderr).toBe("");
  const add = spawnSync(PYTHON, [join(__dirname, "..", "fixtures", "real-world", "add_customers.py"), f("table-user.xlsx"), f("table-in.xlsx")], { encoding: "utf8" });
  expect(add.status).toBe(0);
  for (const [from, out] of [["table-in", "table-once"], ["table-once", "table-twice"]]) {
    const r = await runCrm(["review", f(`${from}.xlsx`), "--out", f(`${out}.xlsx`), "--as-of", AS_OF], "en");
    expect(r.code).toBeLessThan(2);
  }
  expect(ooxmlProblems(f("table-once.xlsx"), f("table-in.xlsx"))).toEqual([]);
  expect(readFileSync(f("table-twice.xlsx")).equals(readFileSync(f("table-once.xlsx")))).toBe(true);
  const script2 = [
    "import json, sys, warnings, openpyxl",
    "warnings.simplefilter('ignore')",
    "wb = openpyxl.load_workbook(sys.argv[1])",
    "print(json.dumps([[ws.title, t.name, t.id, t.ref] for ws in wb.worksheets for t in ws.tables.values()], ensure_ascii=False))",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-c", script2, f("table-once.xlsx")], { encoding: "utf8" });
  expect(JSON.parse(r.stdout)).toEqual([["我的表", "CRM复盘数据", 1, "A1:B3"], ["CRM复盘-数据", "CRM复盘数据2", 2, "A1:K9"]]);
  expect(read("table-once.xlsx", "xl/tables/table1.xml").equals(read("table-in.xlsx", "xl/tables/table1.xml"))).toBe(true);
});
