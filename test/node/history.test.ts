// Issue 20: the history sheet 「CRM变更历史」 written by `crm apply` (DOMAIN.md section 8a), on a book XlsxWriter made
// with add_customers.py's 8 customers beside it. Three runs — as of D, a later D', D' again — and what openpyxl
// (not the product's code) reads back: the first run records every customer's non-empty ◆ stage, tier, value tier
// and risk cells; the second appends exactly the cells that differ between the two runs' ◆ columns, with the
// earlier rows' XML unchanged byte for byte; the third appends nothing. Every output passes ooxml-check; undo takes
// the history out with the rest, or keeps it with --keep-history.
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { HISTORY_HEADER, HISTORY_SHEET } from "../../src/core";
import { readZipEntry, zipEntries } from "../../src/xlsx/zip";
import { runCrm } from "./cli-io";
import { buildBook, CUSTOMERS, ooxmlProblems, sheetXml } from "./foreign-books";
import { packageProblems } from "./package-graph";

jest.setTimeout(300_000);
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const dir = mkdtempSync(join(tmpdir(), "crm-history-"));
const f = (n: string) => join(dir, n);
const D1 = "2024-12-01";
const D2 = "2025-03-15";

beforeAll(async () => {
  const script = [
    "import sys, xlsxwriter",
    "wb = xlsxwriter.Workbook(sys.argv[1])",
    "ws = wb.add_worksheet('销售')",
    "ws.write_row(0, 0, ['区域', '销售额'])",
    "ws.write_row(1, 0, ['华东', 120])",
    // Orders: C001 twice in the month before D (稳定客户 as of D), then silent for more than 90 days by D' (流失客户).
    "ws = wb.add_worksheet('订单')",
    "ws.write_row(0, 0, ['客户编号', '下单日期', '金额(元)'])",
    "for i, (c, d, a) in enumerate([('C001', '2024-11-10', 5000), ('C001', '2024-11-25', 3000), ('C007', '2025-03-01', 8000)], start=1): ws.write_row(i, 0, [c, d, a])",
    "wb.close()",
  ].join("\n");
  const w = spawnSync(PYTHON, ["-c", script, f("user.xlsx")], { encoding: "utf8" });
  if (w.status !== 0) throw new Error(`xlsxwriter: ${w.stderr}`);
  const add = spawnSync(PYTHON, [join(__dirname, "..", "fixtures", "real-world", "add_customers.py"), f("user.xlsx"), f("in.xlsx")], { encoding: "utf8" });
  if (add.status !== 0) throw new Error(`add_customers.py: ${add.stderr}`);
  for (const [from, out, asOf, extra] of [["in", "run1", D1, []], ["run1", "run2", D2, []], ["run2", "run3", D2, []], ["run3", "undone", D2, []], ["run3", "kept", D2, ["--keep-history"]]] as const) {
    const cmd = out === "undone" || out === "kept" ? "undo" : "apply";
    const args = cmd === "undo" ? [...extra] : ["--as-of", asOf];
    const r = await runCrm([cmd, f(`${from}.xlsx`), "--out", f(`${out}.xlsx`), ...args], "en");
    if (r.code >= 2) throw new Error(`crm ${cmd} ${from}: ${r.stderr}`);
  }
});

interface Read {
  history: (string | null)[][] | null;
  /** Each customer's ◆ stage, tier, value tier and risk cells, by id. */
  owned: Record<string, Record<string, string | null>>;
}

/** The history sheet's rows (dates as YYYY-MM-DD) and the customers' four ◆ columns, as openpyxl reads them. */
function read(file: string): Read {
  const script = [
    "import sys, json, datetime, openpyxl",
    "wb = openpyxl.load_workbook(sys.argv[1])",
    "def txt(v):",
    "    if v is None: return None",
    "    if isinstance(v, datetime.datetime): return v.strftime('%Y-%m-%d')",
    "    return str(v)",
    `h = wb[${JSON.stringify(HISTORY_SHEET)}] if ${JSON.stringify(HISTORY_SHEET)} in wb.sheetnames else None`,
    "hist = [[txt(c) for c in r] for r in h.iter_rows(values_only=True)] if h is not None else None",
    "ws = wb['客户']",
    "head = [c.value for c in ws[1]]",
    "names = [('stage', '◆周期阶段 Stage'), ('tier', '◆评分等级 Tier'), ('valueTier', '◆价值分级 Value tier'), ('riskLevel', '◆风险等级 Risk')]",
    "cols = {k: head.index(n) for k, n in names if n in head}",
    "owned = {}",
    "for r in ws.iter_rows(min_row=2, values_only=True):",
    "    if r[0] is None or not cols: continue",
    "    owned[r[0]] = {k: txt(r[i]) for k, i in cols.items()}",
    "print(json.dumps({'history': hist, 'owned': owned}, ensure_ascii=False))",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openpyxl: ${r.stderr}`);
  return JSON.parse(r.stdout) as Read;
}

const FIELD_OF: Record<string, string> = { stage: "周期阶段", tier: "评分等级", valueTier: "价值分级", riskLevel: "风险等级" };

/** The rows a run must have appended: each non-empty ◆ cell that differs from the run before's (all of them on the first run). */
function expectedRows(now: Read, before: Read | null, day: string): (string | null)[][] {
  const out: (string | null)[][] = [];
  for (const [id, cells] of Object.entries(now.owned)) {
    for (const key of ["stage", "tier", "valueTier", "riskLevel"]) {
      const was = before ? before.owned[id][key] : null;
      if (cells[key] === was) continue;
      out.push([day, id, FIELD_OF[key], was, cells[key]]);
    }
  }
  return out;
}

/** The history part's rows as XML, by row number. */
function historyRowsXml(file: string): Map<number, string> {
  const entries = zipEntries(file)!;
  const wb = readZipEntry(file, "xl/workbook.xml")!.toString("utf8");
  const rid = new RegExp(`<sheet [^>]*name="${HISTORY_SHEET}"[^>]*r:id="([^"]+)"`).exec(wb)?.[1];
  const rels = readZipEntry(file, "xl/_rels/workbook.xml.rels")!.toString("utf8");
  const target = new RegExp(`Id="${rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="${rid}"`).exec(rels);
  const path = `xl/${(target?.[1] ?? target?.[2])!.replace(/^\/?xl\//, "")}`;
  expect(entries.some((e) => e.name === path)).toBe(true);
  const xml = readZipEntry(file, path)!.toString("utf8");
  return new Map([...xml.matchAll(/<row r="(\d+)"[^>]*>[\s\S]*?<\/row>/g)].map((m) => [Number(m[1]), m[0]]));
}

test("every output opens in Excel without repairs: ooxml-check and the package checks", () => {
  for (const [out, input] of [["run1", "in"], ["run2", "run1"], ["run3", "run2"], ["undone", "run3"], ["kept", "run3"]]) {
    expect([out, ooxmlProblems(f(`${out}.xlsx`), f(`${input}.xlsx`))]).toEqual([out, []]);
    expect([out, packageProblems(f(`${out}.xlsx`), f(`${input}.xlsx`))]).toEqual([out, []]);
  }
});

test("the first run records every customer's non-empty stage, tier, value tier and risk, old value blank", () => {
  const run1 = read(f("run1.xlsx"));
  expect(run1.history![0]).toEqual([...HISTORY_HEADER]);
  const rows = run1.history!.slice(1);
  expect(rows.map((r) => [r[0], r[1], r[3], r[4], r[5]])).toEqual(expectedRows(run1, null, D1));
  // Each of the 8 customers, with its name, and a reason on every row.
  expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(["C001", "C002", "C003", "C004", "C005", "C006", "C007", "C008"]));
  expect(rows.find((r) => r[1] === "C001")![2]).toBe("杭州云帆科技有限公司");
  expect(rows.every((r) => typeof r[6] === "string" && r[6].length > 0)).toBe(true);
});

test("the second run, 104 days later, appends exactly the ◆ cells that changed, and the earlier rows stay byte for byte", () => {
  const run1 = read(f("run1.xlsx"));
  const run2 = read(f("run2.xlsx"));
  const appended = run2.history!.slice(run1.history!.length);
  const expected = expectedRows(run2, run1, D2);
  // Something did change in 104 days (customers falling silent), and not everything.
  expect(expected.length).toBeGreaterThan(0);
  expect(expected.length).toBeLessThan(run1.history!.length - 1);
  expect(appended.map((r) => [r[0], r[1], r[3], r[4], r[5]])).toEqual(expected);
  expect(run2.history!.slice(0, run1.history!.length)).toEqual(run1.history);
  const before = historyRowsXml(f("run1.xlsx"));
  const after = historyRowsXml(f("run2.xlsx"));
  for (const [r, xml] of before) expect([r, after.get(r)]).toEqual([r, xml]);
  expect(after.size).toBe(before.size + expected.length);
});

test("the third run, as of the same day, appends nothing: the history part is unchanged byte for byte", () => {
  const two = historyRowsXml(f("run2.xlsx"));
  const three = historyRowsXml(f("run3.xlsx"));
  expect([...three.entries()]).toEqual([...two.entries()]);
});

test("undo takes the history out with the rest; --keep-history keeps it, rows unchanged", () => {
  expect(read(f("undone.xlsx")).history).toBeNull();
  const kept = read(f("kept.xlsx"));
  expect(kept.history).toEqual(read(f("run3.xlsx")).history);
  // Everything else went: no ◆ columns left.
  expect(Object.keys(kept.owned)).toEqual([]);
});

test("the exceljs fallback (a customers row the patcher will not edit) writes the history too, and the patcher reads it back", async () => {
  // A comment inside a row: the patching writer refuses the sheet and exceljs writes the copy, history included.
  const xml = sheetXml(CUSTOMERS).replace('<row r="2">', '<row r="2"><!-- 待核实 -->');
  writeFileSync(f("fb-in.xlsx"), await buildBook({ sheets: [{ name: "客户", xml }] }));
  const one = await runCrm(["apply", f("fb-in.xlsx"), "--out", f("fb-1.xlsx"), "--as-of", D1], "en");
  expect(one.code).toBeLessThan(2);
  const first = read(f("fb-1.xlsx"));
  expect(first.history![0]).toEqual([...HISTORY_HEADER]);
  expect(first.history!.slice(1).map((r) => [r[0], r[1], r[3], r[4], r[5]])).toEqual(expectedRows(first, null, D1));
  // exceljs rewrote the row without the comment: the next run goes through the patcher, which reads exceljs's
  // dates and rows back and, on the same day, has nothing to add.
  const two = await runCrm(["apply", f("fb-1.xlsx"), "--out", f("fb-2.xlsx"), "--as-of", D1, "--json"], "en");
  expect(JSON.parse(two.stdout).history).toEqual({ appended: 0, skipped: null });
  expect(read(f("fb-2.xlsx")).history).toEqual(first.history);
  expect(ooxmlProblems(f("fb-2.xlsx"), f("fb-1.xlsx"))).toEqual([]);
});
