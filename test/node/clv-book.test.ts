// Issue 21 through the command line: the CDNOW 1/10 sample (test/fixtures/cdnow, from lifetimes, MIT) as a book
// openpyxl writes — a 客户 sheet of the 2,357 customers and a 订单 sheet of their transactions to 1997-09-30 —
// then `crm apply --report` and `crm review` as of that day. What openpyxl reads back: the ◆ columns 存活概率 /
// 预计购买次数(90天) / 预计价值 hold each customer's figures from the report; the review sheet CRM复盘-存活与价值
// has the fit (the paper's r, α, a, b within 0.5 %), a histogram over every customer with orders, and the likely
// lost counted from the report's stages and P(alive). The horizon in the header follows the rules sheet, and a
// re-run with another horizon rewrites the same column. Every output passes ooxml-check.
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runCrm } from "./cli-io";
import { ooxmlProblems, openpyxlCells } from "./foreign-books";

jest.setTimeout(300_000);
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const dir = mkdtempSync(join(tmpdir(), "crm-clv-"));
const f = (n: string) => join(dir, n);
const AS_OF = "1997-09-30";

interface ReportCustomer {
  id: string;
  stage: string;
  bgnbd: { pAlive: number; expectedPurchases: number; clv: number | null } | null;
}
let report: { bgnbd: Record<string, number | null>; customers: ReportCustomer[] };

beforeAll(async () => {
  const script = [
    "import sys, datetime, openpyxl",
    "wb = openpyxl.Workbook()",
    "ws = wb.active",
    "ws.title = '客户'",
    "ws.append(['客户编号', '客户名称', '联系人'])",
    "for i in range(1, 2358): ws.append(['C%04d' % i, '客户%d' % i, '王经理'])",
    "o = wb.create_sheet('订单')",
    "o.append(['客户编号', '下单日期', '金额(美元)'])",
    "for line in open(sys.argv[1]):",
    "    _, cid, ymd, _, amount = line.split()",
    "    if ymd <= '19970930': o.append(['C' + cid, datetime.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:])), float(amount)])",
    "r = wb.create_sheet('CRM规则')",
    "r.append(['参数', '值'])",
    "r.append(['bgnbd.horizonDays', 180])",
    "wb.save(sys.argv[2])",
    "r['A2'] = 'bgnbd.minRepeat'",
    "r['B2'] = 5000",
    "wb.save(sys.argv[4])",
    "del wb['CRM规则']",
    "wb.save(sys.argv[3])",
  ].join("\n");
  const w = spawnSync(PYTHON, ["-c", script, join(__dirname, "..", "fixtures", "cdnow", "CDNOW_sample.txt"), f("rules180.xlsx"), f("in.xlsx"), f("min5000.xlsx")], { encoding: "utf8" });
  if (w.status !== 0) throw new Error(`openpyxl: ${w.stderr}`);
  for (const args of [
    ["apply", f("in.xlsx"), "--out", f("applied.xlsx"), "--report", f("report.json")],
    ["review", f("applied.xlsx"), "--out", f("reviewed.xlsx")],
    ["apply", f("rules180.xlsx"), "--out", f("applied180.xlsx")],
  ]) {
    const r = await runCrm([...args, "--as-of", AS_OF], "en");
    if (r.code >= 2) throw new Error(`crm ${args[0]}: ${r.stderr}`);
  }
  // The 180-day book applied again with the rules sheet's horizon back to 90: the same column, rewritten.
  const back = spawnSync(PYTHON, ["-c", "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\nwb['CRM规则']['B2'] = 90\nwb.save(sys.argv[2])", f("applied180.xlsx"), f("back90-in.xlsx")], { encoding: "utf8" });
  if (back.status !== 0) throw new Error(`openpyxl: ${back.stderr}`);
  const r = await runCrm(["apply", f("back90-in.xlsx"), "--out", f("back90.xlsx"), "--as-of", AS_OF], "en");
  if (r.code >= 2) throw new Error(`crm apply back90: ${r.stderr}`);
  report = JSON.parse(readFileSync(f("report.json"), "utf8"));
  tooFew = await runCrm(["apply", f("min5000.xlsx"), "--out", f("min5000-out.xlsx"), "--as-of", AS_OF], "en");
});
let tooFew: Awaited<ReturnType<typeof runCrm>>;

test("too few repeat customers for the rules' minimum (5,000; CDNOW has 946): one stderr line with the reason, the ◆ cells blank, the rest written", () => {
  expect(tooFew.code).toBeLessThan(2);
  expect(tooFew.stderr).toContain("no P(alive) or expected value: Only 946 customers bought again on a later day, fewer than the 5000 the fit needs (rule bgnbd.minRepeat)");
  const cells = openpyxlCells(f("min5000-out.xlsx"))["客户"];
  const heads = ownedHeaders(cells);
  const pa = Object.keys(heads).find((k) => heads[k] === "◆存活概率 P(alive)")!;
  const stage = Object.keys(heads).find((k) => heads[k] === "◆周期阶段 Stage")!;
  expect(Object.keys(cells).filter((a) => a.startsWith(pa) && a !== `${pa}1`)).toEqual([]);
  expect(Object.keys(cells).filter((a) => a.startsWith(stage) && a !== `${stage}1`)).toHaveLength(2357);
  expect(ooxmlProblems(f("min5000-out.xlsx"), f("min5000.xlsx"))).toEqual([]);
});

/** Column letter → header text of row 1 of a sheet, for the headers that start with ◆. */
function ownedHeaders(cells: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(cells).filter(([a, v]) => /^[A-Z]+1$/.test(a) && v.startsWith("◆")).map(([a, v]) => [a.replace("1", ""), v]));
}

test("every output passes ooxml-check", () => {
  expect(ooxmlProblems(f("applied.xlsx"), f("in.xlsx"))).toEqual([]);
  expect(ooxmlProblems(f("reviewed.xlsx"), f("applied.xlsx"))).toEqual([]);
  expect(ooxmlProblems(f("applied180.xlsx"), f("rules180.xlsx"))).toEqual([]);
  expect(ooxmlProblems(f("back90.xlsx"), f("back90-in.xlsx"))).toEqual([]);
});

test("the report's fit is the paper's within 0.5 %, and the ◆ columns hold each customer's figures as the report gives them", () => {
  const b = report.bgnbd;
  const published = { r: 0.2426, alphaWeeks: 4.4135, a: 0.7929, b: 2.4258 };
  for (const k of Object.keys(published) as (keyof typeof published)[]) expect([k, Math.abs((b[k] as number) / published[k] - 1) < 0.005]).toEqual([k, true]);
  const cells = openpyxlCells(f("applied.xlsx"))["客户"];
  const heads = ownedHeaders(cells);
  const col = (h: string) => Object.keys(heads).find((k) => heads[k] === h)!;
  const [pa, ep, cv] = [col("◆存活概率 P(alive)"), col("◆预计购买次数(90天) Expected purchases (90 days)"), col("◆预计价值 Expected value")];
  expect([pa, ep, cv].every(Boolean)).toBe(true);
  let checked = 0;
  report.customers.forEach((c, i) => {
    const row = i + 2;
    if (c.bgnbd === null) return expect(cells[`${pa}${row}`]).toBeUndefined();
    expect(Number(cells[`${pa}${row}`])).toBeCloseTo(c.bgnbd.pAlive, 6);
    expect(Number(cells[`${ep}${row}`])).toBeCloseTo(c.bgnbd.expectedPurchases, 6);
    expect(Number(cells[`${cv}${row}`])).toBeCloseTo(c.bgnbd.clv!, 2);
    checked++;
  });
  expect(checked).toBe(2357);
});

test("the review sheet CRM复盘-存活与价值: the fit, the histogram over all 2,357, the likely lost as counted from the report", () => {
  const sheet = openpyxlCells(f("reviewed.xlsx"))["CRM复盘-存活与价值"];
  const byLabel = (label: string) => {
    const at = Object.keys(sheet).find((a) => a.startsWith("A") && sheet[a] === label)!;
    return Number(sheet[`B${at.slice(1)}`]);
  };
  expect(byLabel("r")).toBeCloseTo(report.bgnbd.r as number, 6);
  expect(byLabel("α(周 weeks)")).toBeCloseTo(report.bgnbd.alphaWeeks as number, 6);
  const bins = Array.from({ length: 10 }, (_, k) => byLabel(`${k * 10}–${(k + 1) * 10}%`));
  expect(bins.reduce((s, n) => s + n, 0)).toBe(2357);
  // Counted from the report: customers the rules still call active (not 流失风险客户 or 流失客户) with P(alive) < 0.5.
  const lost = report.customers.filter((c) => c.bgnbd && c.bgnbd.pAlive < 0.5 && c.stage !== "流失风险客户" && c.stage !== "流失客户");
  const note = Object.values(sheet).find((v) => v.startsWith("阶段规则仍视为活跃"))!;
  expect(note).toContain(`共 ${lost.length} 位`);
  const listed = Object.entries(sheet).filter(([a, v]) => a.startsWith("A") && /^C\d{4}$/.test(v)).map(([, v]) => v);
  const lowest = [...lost].sort((p, q) => p.bgnbd!.pAlive - q.bgnbd!.pAlive).slice(0, 20);
  expect(listed).toHaveLength(Math.min(20, lost.length));
  expect(lowest.map((c) => c.bgnbd!.pAlive)).toEqual(listed.map((id) => report.customers.find((c) => c.id === id)!.bgnbd!.pAlive));
});

test("the horizon in the header follows bgnbd.horizonDays; back at 90 the same column is rewritten, none added", () => {
  const at180 = ownedHeaders(openpyxlCells(f("applied180.xlsx"))["客户"]);
  const at90 = ownedHeaders(openpyxlCells(f("back90.xlsx"))["客户"]);
  const where = (heads: Record<string, string>, prefix: string) => Object.keys(heads).filter((k) => heads[k].startsWith(prefix));
  expect(Object.values(at180)).toContain("◆预计购买次数(180天) Expected purchases (180 days)");
  expect(Object.values(at90)).toContain("◆预计购买次数(90天) Expected purchases (90 days)");
  expect(where(at90, "◆预计购买次数")).toEqual(where(at180, "◆预计购买次数"));
  expect(Object.keys(at90)).toEqual(Object.keys(at180));
});
