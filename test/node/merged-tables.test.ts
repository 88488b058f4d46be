// A book with a 周期表 and a 分类表 for the same customers (DOMAIN.md section 1, "One customer, several sources")
// through the command line: one set of ◆ result columns per customers table some customer calls home (a customer
// only in the 分类表 gets its results there), each with its own mark; the output opens without repairs; a re-run
// changes nothing; undo gives back the book the user had.
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { readXlsx, snapshot } from "./snapshot";
import { ooxmlProblems } from "./foreign-books";
import { runCrm } from "./cli-io";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { readModelParts } from "../../src/xlsx/exceljs";

jest.setTimeout(120_000);
const dir = mkdtempSync(join(tmpdir(), "crm-merged-"));
const f = (name: string) => join(dir, name);
const AS_OF = "2024-06-30";

const lifecycle = [
  ["客户编号", "客户名称", "联系人", "首次触达时间", "当前周期阶段", "行业"],
  ["C1", "甲公司", "王经理", "2023-01-10", "成交", "制造业"],
  ["C2", "乙公司", "李经理", "2023-02-10", "成交", "零售业"],
  ["C3", "丙公司", "赵经理", "2023-03-10", "潜在", "IT"],
];
const classification = [
  ["客户编号", "客户名称", "联系人", "首次触达时间", "行业属性", "年度采购总额(万元)"],
  ["C2", "乙公司", "李经理", "2023-02-10", "批发业", 60],
  ["C1", "甲公司", "王经理", "2023-01-10", "制造业", 120],
  ["C4", "丁公司", "孙经理", "2023-05-01", "IT", 10],
];

beforeAll(async () => {
  await writeModelXlsx({ sheets: [{ name: "周期表", cells: lifecycle }, { name: "分类表", cells: classification }] }, f("in.xlsx"));
});

/** The header row of a sheet of a written book. */
async function headerOf(file: string, sheet: string): Promise<string[]> {
  const wb = await readXlsx(file);
  const row = wb.getWorksheet(sheet)!.getRow(1).values as unknown[];
  return row.slice(1).map((v) => String(v ?? ""));
}

test("apply: ◆ columns beside both tables, each customer's results in its home row, two marks, no repairs", async () => {
  const r = await runCrm(["apply", f("in.xlsx"), "--out", f("out.xlsx"), "--as-of", AS_OF, "--report", f("report.json")], "en");
  expect(r.code).toBeLessThanOrEqual(1);
  expect(ooxmlProblems(f("out.xlsx"), f("in.xlsx"))).toEqual([]);
  const life = await headerOf(f("out.xlsx"), "周期表");
  const cls = await headerOf(f("out.xlsx"), "分类表");
  expect(life.slice(0, 6)).toEqual(lifecycle[0]);
  expect(life[6]).toMatch(/^◆/);
  expect(cls.slice(0, 6)).toEqual(classification[0]);
  expect(cls[6]).toMatch(/^◆/);
  // The stage column: C1–C3 on the 周期表, only C4 on the 分类表 (C1 and C2 are the 周期表's customers).
  const wb = await readXlsx(f("out.xlsx"));
  const stageCol = (sheet: string) => (wb.getWorksheet(sheet)!.getRow(1).values as unknown[]).findIndex((v) => typeof v === "string" && v.startsWith("◆周期阶段"));
  const col = (sheet: string) => [2, 3, 4].map((r) => wb.getWorksheet(sheet)!.getCell(r, stageCol(sheet)).value);
  expect(stageCol("周期表")).toBeGreaterThan(0);
  expect(col("周期表")).toEqual(["成交客户", "成交客户", "潜在客户"]);
  expect(col("分类表")).toEqual([null, null, "成交客户"]);
  const { parts } = await readModelParts(f("out.xlsx"));
  expect(parts.marks.allResults.map((m) => m.sheet)).toEqual(["周期表", "分类表"]);
  const report = JSON.parse(readFileSync(f("report.json"), "utf8"));
  expect(report.customers.map((c: { id: string; sheet: string; row: number }) => `${c.id} ${c.sheet}!${c.row}`)).toEqual(["C1 周期表!2", "C2 周期表!3", "C3 周期表!4", "C4 分类表!4"]);
  // Each fact's source: C4's annual purchase from its 分类表 cell, C1's too (the 周期表 has no such column).
  expect(report.customers.map((c: { sources: Record<string, string> }) => c.sources.annualPurchase)).toEqual(["分类表!F3", "分类表!F2", undefined, "分类表!F4"]);
  expect(report.customers[0].stageReason).toContain("分类表!F3");
  // 行业 disagrees for C2: reported at the 分类表's cell, naming the 周期表's.
  const mismatch = report.findings.filter((x: { code: string }) => x.code === "DETAIL_MISMATCH");
  expect(mismatch.map((x: { address: string }) => x.address)).toEqual(["分类表!E2"]);
  expect(mismatch[0].messageEn).toContain("周期表!F3");
});

test("a re-run writes the same; undo gives back the book the user had", async () => {
  const r = await runCrm(["apply", f("out.xlsx"), "--out", f("again.xlsx"), "--as-of", AS_OF], "en");
  expect(r.code).toBeLessThanOrEqual(1);
  const a = snapshot(await readXlsx(f("out.xlsx")), { includeOwned: true });
  const b = snapshot(await readXlsx(f("again.xlsx")), { includeOwned: true });
  expect(b.sheets).toEqual(a.sheets);
  const u = await runCrm(["undo", f("again.xlsx"), "--out", f("undone.xlsx")], "en");
  expect(u.code).toBe(0);
  expect(ooxmlProblems(f("undone.xlsx"), f("again.xlsx"))).toEqual([]);
  const before = snapshot(await readXlsx(f("in.xlsx")), { includeOwned: true });
  const after = snapshot(await readXlsx(f("undone.xlsx")), { includeOwned: true });
  expect(after.sheets).toEqual(before.sheets);
  expect((await readModelParts(f("undone.xlsx"))).parts.marks.allResults).toEqual([]);
});
