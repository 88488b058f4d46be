// The CRM.* custom functions called as Excel calls them: scalars, 2-D ranges, blanks, error values, omitted
// optional arguments. Expected figures come from hand-worked examples and published references, and the
// batch functions are checked against the command line's result for the same book.
import { runPipeline, serialFromDay, toDay, type CellValue } from "../../src/core";
import { CellError } from "../../src/functions/args";
import {
  ahpWeights, closeness, maskPhone, nextFollowUp, rfm, risk, score, scoreParts, stage, tags, tier, uscc, valueTier,
} from "../../src/functions/functions";
import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { main } from "../../src/cli/cli";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { generateSample } from "../../scripts/sample";
import { readBook } from "../../src/xlsx/exceljs";

const serial = (ymd: string) => serialFromDay(toDay(ymd));
const D = serial("2024-06-30");

/** The Excel error a call throws (the whole formula fails) — never a plain exception. */
function thrown(f: () => unknown): CellError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CellError);
    return e as CellError;
  }
  throw new Error("expected an Excel error");
}

const HEAD = [["客户编号", "客户名称", "联系人", "首次触达时间", "当前周期阶段", "最近下单时间"]];

describe("element-wise functions take a cell or a range and return the same shape", () => {
  test("TIER: default thresholds 90 / 70 / 50 (DOMAIN.md section 5), blanks stay blank, text is #VALUE! in its own cell", () => {
    const out = tier([[90], [89.9], [70], [69.9], [50], [49.9], [0], [null], ["abc"]]);
    expect(out.slice(0, 8).map((r) => r[0])).toEqual(["战略客户", "重点客户", "重点客户", "普通客户", "普通客户", "观察客户", "观察客户", ""]);
    expect(out[8][0]).toBeInstanceOf(CellError);
    expect((out[8][0] as CellError).code).toBe("#VALUE!");
    expect((out[8][0] as CellError).message).toContain("score");
    expect(tier([[101]])[0][0]).toBeInstanceOf(CellError);
  });

  test("TIER reads the thresholds of a CRM规则 range", () => {
    const rules = [["参数", "值"], ["tier.strategic", 95], ["tier.key", 70], ["tier.regular", 50]];
    expect(tier([[90], [70], [69], [49]], rules).map((r) => r[0])).toEqual(["重点客户", "重点客户", "普通客户", "观察客户"]);
    const e = thrown(() => tier([[1]], [["客户名称", "联系人"]]));
    expect(e.code).toBe("#VALUE!");
    expect(e.message).toContain("rules");
  });

  // DOMAIN.md section 5 (revised): by share of a population, type-7 quantile cut points, a score on a cut point takes
  // the higher tier. Scores 1..20: cut points 19.05 / 16.2 / 10.5 (worked in test/core/scoring.test.ts).
  test("TIER with a population: by share (5 / 15 / 30 / 50 %); tier.mode = threshold keeps the bands", () => {
    const pop = Array.from({ length: 20 }, (_, i) => [i + 1]);
    const out = tier([[20], [19.05], [19], [16.2], [16.1], [10.5], [10.4]], undefined, pop).map((r) => r[0]);
    expect(out).toEqual(["战略客户", "战略客户", "重点客户", "重点客户", "普通客户", "普通客户", "观察客户"]);
    const bands = [["参数", "值"], ["tier.mode", "threshold"]];
    expect(tier([[20], [95]], bands, pop).map((r) => r[0])).toEqual(["观察客户", "战略客户"]);
    // Blank population cells are no scores; a bad one is #VALUE! naming the argument.
    expect(tier([[20]], undefined, [...pop, [null]])[0][0]).toBe("战略客户");
    expect(thrown(() => tier([[20]], undefined, [["abc"]])).message).toContain("population");
  });

  test("VALUETIER: ≥ 100万 战略客户, ≥ 50万 重点客户, else 普通客户; text amounts and the unit argument", () => {
    expect(valueTier([[1_000_000], [999_999], ["50万"], ["¥499,999"], [0]]).map((r) => r[0])).toEqual(["战略客户", "重点客户", "重点客户", "普通客户", "普通客户"]);
    expect(valueTier([[100], [50], [49.9]], "万元").map((r) => r[0])).toEqual(["战略客户", "重点客户", "普通客户"]);
    expect(thrown(() => valueTier([[1]], "美元")).message).toContain("unit");
    expect((valueTier([["约2万"]])[0][0] as CellError).code).toBe("#VALUE!");
  });

  test("CLOSENESS: ≥ 2 per month 紧密型, ≥ 1 稳定型, else 一般型; negative is #VALUE!", () => {
    expect(closeness([[2, 1.99, 1, 0.5, 0]])).toEqual([["紧密型", "稳定型", "稳定型", "一般型", "一般型"]]);
    expect((closeness([[-1]])[0][0] as CellError).code).toBe("#VALUE!");
  });

  test("NEXTFOLLOWUP: last interaction + 7 / 14 / 30 days for A / B / C (DOMAIN.md section 7), as an Excel date", () => {
    const last = serial("2024-06-01");
    expect(nextFollowUp([[last], [last], [last]], [["A"], ["B类"], ["c"]])).toEqual([[serial("2024-06-08")], [serial("2024-06-15")], [serial("2024-07-01")]]);
    expect(nextFollowUp([["2024/6/1", null]], [["A"]])).toEqual([[serial("2024-06-08"), ""]]);
    expect((nextFollowUp([[last]], [["D"]])[0][0] as CellError).message).toContain("grade");
    expect((nextFollowUp([["下周"]], [["A"]])[0][0] as CellError).message).toContain("lastInteraction");
    expect(thrown(() => nextFollowUp([[last], [last]], [["A", "B"]])).message).toContain("grade");
    const rules = [["参数", "值"], ["cadence.A", 3]];
    expect(nextFollowUp([[last]], [["A"]], rules)).toEqual([[serial("2024-06-04")]]);
  });

  test("USCC: published codes are TRUE, a wrong check character FALSE with the reason on request", () => {
    const published = ["91310110666007217T", "91330100799655058B", "9144030071526726XG"];
    expect(uscc([published])).toEqual([[true, true, true]]);
    expect(uscc([["91310110666007217X", null]])).toEqual([[false, ""]]);
    const why = uscc([["91310110666007217X", "91310110666007217T"]], true);
    expect(why[0][0]).toContain("校验位");
    expect(why[0][1]).toBe("");
  });

  test("MASKPHONE: numbers masked, the rest of the text kept, numbers stored as numbers masked too", () => {
    expect(maskPhone([["客户电话 13812345678（工作日）", "021-12345678"], [13912345678, true]])).toEqual([
      ["客户电话 138****5678（工作日）", "021-****5678"],
      ["139****5678", true],
    ]);
    expect(maskPhone([[null]])).toEqual([[""]]);
  });
});

test("a single cell arrives as a scalar or as a 1×1 range; both give a 1×1 result", () => {
  const any = (x: unknown) => x as never;
  expect(tier(any(90))).toEqual([["战略客户"]]);
  expect(tier([[90]])).toEqual([["战略客户"]]);
  expect(uscc(any("91310110666007217T"))).toEqual([[true]]);
  expect(maskPhone(any("13812345678"))).toEqual([["138****5678"]]);
  expect(valueTier(any("120万"))).toEqual([["战略客户"]]);
  expect(closeness(any(1))).toEqual([["稳定型"]]);
  expect(nextFollowUp(any(serial("2024-06-01")), any("A"))).toEqual([[serial("2024-06-08")]]);
  expect(stage([["C9", "丙", "赵", "2023-01-10", "成交客户", serial("2024-06-01")]], HEAD, D)).toEqual([["成交客户"]]);
});

describe("AHP", () => {
  // A consistent matrix built from w = (4/7, 2/7, 1/7): a_ij = w_i / w_j, so the weights come back exactly and CR = 0.
  test("returns the weights, then CR, as one spilled column", () => {
    const out = ahpWeights([[1, 2, 4], ["1/2", 1, 2], [0.25, "", 1]]);
    expect(out).toHaveLength(4);
    [4 / 7, 2 / 7, 1 / 7].forEach((w, i) => expect(out[i][0]).toBeCloseTo(w, 10));
    expect(out[3][0]).toBeCloseTo(0, 10);
  });

  // A cycle A>B>C>A, each judged 3: every row sums to 1 + 3 + 1/3, so (1,1,1)/3 is the principal eigenvector,
  // λmax = 13/3, CI = (13/3 − 3)/2 = 2/3 and CR = (2/3)/0.58 (Saaty's RI for n = 3).
  test("an inconsistent cycle: equal weights, CR = (2/3)/0.58", () => {
    const out = ahpWeights([[1, 3, 1 / 3], [1 / 3, 1, 3], [3, 1 / 3, 1]]);
    [0, 1, 2].forEach((i) => expect(out[i][0]).toBeCloseTo(1 / 3, 9));
    expect(out[3][0]).toBeCloseTo(2 / 3 / 0.58, 9);
  });

  test("bad matrices are #VALUE! naming the cell, in Chinese and English", () => {
    const e = thrown(() => ahpWeights([[1, 3], [3, 1]]));
    expect(e.code).toBe("#VALUE!");
    expect(e.message).toContain("第 1 行第 2 列");
    expect(e.message).toContain("reciprocals");
    expect(thrown(() => ahpWeights([[1, 2, 3], [0.5, 1, 2]])).message).toContain("方阵");
  });
});

describe("customer-table functions", () => {
  const rows: CellValue[][] = [
    ["C1", "甲", "王", serial("2023-01-10"), "成交客户", serial("2024-06-01")],
    [null, null, null, null, null, null],
    ["C2", "乙", "李", "2023-01-10", "成交客户", "2023-12-01"],
  ];

  test("STAGE spills one stage per row; blank rows stay blank; detail TRUE adds the rule and reason", () => {
    // C1 ordered 29 days before the as-of date: won. C2's last order was 212 days before it (> 90): churned.
    expect(stage(rows, HEAD, D)).toEqual([["成交客户"], [""], ["流失客户"]]);
    const detail = stage(rows, HEAD, "2024-06-30", null as never, null as never, null as never, true);
    expect(detail[2][0]).toBe("流失客户");
    expect(detail[2][1]).toBe("churned.noContact");
    expect(detail[2][2]).toContain("90");
  });

  test("the as-of date decides: C2's last order 2023-12-01 is 60 days old on 2024-01-30 (not churned), 212 on 2024-06-30", () => {
    expect(stage(rows.slice(2), HEAD, "2024-01-30")[0][0]).not.toBe("流失客户");
    expect(stage(rows.slice(2), HEAD, "2024-06-30")[0][0]).toBe("流失客户");
    // An omitted as-of date is today: years after 2023, C2 is churned.
    expect(stage(rows.slice(2), HEAD)[0][0]).toBe("流失客户");
  });

  test("wrong arguments are #VALUE! saying which argument and why", () => {
    expect(thrown(() => stage(rows, [["订单号", "金额"]], D)).message).toContain("headers");
    expect(thrown(() => stage([["C1", "甲"]], HEAD, D)).message).toContain("rows");
    expect(thrown(() => stage(rows, [HEAD[0], HEAD[0]], D)).message).toContain("headers");
    expect(thrown(() => stage(rows, HEAD, "昨天")).message).toContain("asOf");
    expect(thrown(() => stage(rows, HEAD, D, [["随便", "什么"]])).message).toContain("interactions");
  });

  test("SCORE over the rows, or over a population; SCOREPARTS sums to SCORE", () => {
    const head = [["客户编号", "客户名称", "近6个月消费金额", "满意度"]];
    const pop = [["A", "甲", 100, 5], ["B", "乙", 200, 4], ["C", "丙", 300, 3], ["D", "丁", 400, 2], ["E", "戊", 500, 1]];
    const all = score(pop, head, undefined, D);
    expect(all).toHaveLength(5);
    const parts = scoreParts(pop, head, undefined, D);
    // Points are rounded to 0.01 and the score to 0.1 (DOMAIN.md section 5): they agree within 0.1.
    parts.forEach((row, i) => expect(Math.abs(row.reduce((s: number, x: unknown) => s + (typeof x === "number" ? x : 0), 0) - all[i][0])).toBeLessThanOrEqual(0.1));
    expect(parts[0]).toHaveLength(8);
    // One customer scored within the population equals its score in the full run.
    expect(score([pop[2]], head, pop, D)).toEqual([all[2]]);
    // Not in the population: #N/A with the reason.
    const missing = score([["Z", "无", 1, 1]], head, pop, D)[0][0] as CellError;
    expect(missing.code).toBe("#N/A");
    expect(missing.message).toContain("population");
  });

  test("TAGS and RISK spill one value per row", () => {
    expect(tags(rows, HEAD, D)).toHaveLength(3);
    // C2 is churned: its risk has happened (DOMAIN.md section 6, 已流失).
    expect(risk(rows, HEAD, D).map((r) => r[0])).toEqual([expect.stringMatching(/^[高中低]$/), "", "已流失"]);
  });
});

describe("RFM", () => {
  // Five customers, one order each on distinct days with distinct amounts: the quintile breaks (+1) put each
  // in its own bin, so R, F and M can be worked out by hand. F is 1 for all (every frequency equals 1).
  test("recency reversed, monetary ascending, code = 100R + 10F + M", () => {
    const ids = [["A"], ["B"], ["C"], ["D"], ["E"], ["X"]];
    const oc = [["A"], ["B"], ["C"], ["D"], ["E"]];
    const od = [[serial("2024-06-29")], [serial("2024-06-20")], [serial("2024-06-10")], [serial("2024-05-31")], [serial("2024-05-01")]];
    const oa = [[500], [400], [300], [200], [100]];
    const out = rfm(ids, oc, od, oa, D);
    // recency days 1, 10, 20, 30, 60 → breaks at the 20/40/60/80% quantiles + 1 → bins 1..5, reversed: 5..1.
    expect(out.slice(0, 5)).toEqual([[5, 1, 5, 515], [4, 1, 4, 414], [3, 1, 3, 313], [2, 1, 2, 212], [1, 1, 1, 111]]);
    expect(out[5]).toEqual(["", "", "", ""]);
  });

  test("mismatched order columns and bad cells are #VALUE! naming the argument", () => {
    expect(thrown(() => rfm([["A"]], [["A"], ["B"]], [[D]], [[1], [2]], D)).message).toContain("orderDates");
    expect(thrown(() => rfm([["A"]], [["A"]], [["去年"]], [[1]], D)).message).toContain("orderDates");
    expect(thrown(() => rfm([["A"]], [["A"]], [[D]], [["很多"]], D)).message).toContain("orderAmounts");
  });
});

describe("CRM.STAGE on a real .xlsx equals `crm apply --report` for the same book and as-of date", () => {
  test("row by row, with the values Excel passes (dates as serial numbers)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "crm-fn-"));
    const file = join(dir, "book.xlsx");
    await writeModelXlsx(generateSample({ customers: 300, asOf: "2024-11-26" }).model, file, { listObjects: { 订单: "订单表" } });
    const io = { stdout: () => undefined, stderr: () => undefined, stdoutTTY: false, stderrTTY: false, env: {}, today: () => "2024-11-26" };
    expect(await main(["apply", file, "--out", join(dir, "out.xlsx"), "--report", join(dir, "report.json"), "--as-of", "2024-11-26"], io)).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as { customers: { id: string; row: number; stage: string }[] };

    // What Excel hands a custom function: raw values, dates as 1900-system serials, no Date objects.
    const book = await readBook(file);
    const excel = (name: string) => book.model.sheets.find((x) => x.name === name)!.cells.map((r) => r.map((v) => (v instanceof Date ? serialFromDay(toDay(v)) + (v.getTime() % 86_400_000) / 86_400_000 : v)));
    const cust = excel("客户");
    const out = stage(cust.slice(3), [cust[2]], serial("2024-11-26"), excel("维护记录"), excel("订单"), excel("CRM规则"));
    expect(report.customers).toHaveLength(300);
    for (const c of report.customers) expect([c.id, out[c.row - 4][0]]).toEqual([c.id, c.stage]);
  });
});

describe("a whole table from a generated book equals what the command line reports", () => {
  const sample = generateSample({ customers: 400, asOf: "2024-11-26" });
  const sheet = (name: string) => sample.model.sheets.find((s) => s.name === name)!.cells as CellValue[][];
  const cust = sheet("客户");
  const headerRow = 3; // below the merged title and a blank row
  const headers = [cust[headerRow - 1]];
  const rows = cust.slice(headerRow);
  const report = runPipeline(sample.model, "2024-11-26");
  const asOf = serial("2024-11-26");

  test("CRM.STAGE over the rows with the detail tables and the rules gives the stage `crm apply` reports, row by row", () => {
    const out = stage(rows, headers, asOf, sheet("维护记录"), sheet("订单"), sheet("CRM规则"));
    expect(out).toHaveLength(rows.length);
    expect(report.customers.length).toBe(400);
    for (const c of report.customers) expect([c.id, out[c.row - headerRow - 1][0]]).toEqual([c.id, c.stage]);
  });

  test("CRM.SCORE, CRM.TAGS and CRM.RISK agree with it too", () => {
    const sc = score(rows, headers, undefined, asOf, sheet("CRM规则"));
    const tg = tags(rows, headers, asOf, sheet("维护记录"), sheet("订单"), sheet("CRM规则"));
    const rk = risk(rows, headers, asOf, sheet("维护记录"), sheet("订单"), sheet("CRM规则"));
    const withDetails = runPipeline({ sheets: sample.model.sheets.filter((s) => ["客户", "维护记录", "订单", "CRM规则"].includes(s.name)) }, "2024-11-26");
    const noDetails = runPipeline({ sheets: sample.model.sheets.filter((s) => ["客户", "CRM规则"].includes(s.name)) }, "2024-11-26");
    for (const c of withDetails.customers) {
      const i = c.row - headerRow - 1;
      expect([c.id, tg[i][0], rk[i][0]]).toEqual([c.id, c.tags.join("、"), c.riskLevel]);
    }
    for (const c of noDetails.customers) expect([c.id, sc[c.row - headerRow - 1][0]]).toEqual([c.id, c.score]);
  });

  test("CRM.TIER of the scores, ranked against the active buyers' scores, gives the tier `crm apply` reports", () => {
    const sc = score(rows, headers, undefined, asOf, sheet("CRM规则"));
    const st = stage(rows, headers, asOf, null as never, null as never, sheet("CRM规则"));
    const noDetails = runPipeline({ sheets: sample.model.sheets.filter((s) => ["客户", "CRM规则"].includes(s.name)) }, "2024-11-26");
    const active = sc.filter((_, i) => ["成交客户", "稳定客户", "流失风险客户"].includes(st[i][0] as string) && typeof sc[i][0] === "number");
    expect(active.length).toBeGreaterThanOrEqual(5);
    const tr = tier(sc.map((r) => (typeof r[0] === "number" ? r : [null])), sheet("CRM规则"), active);
    for (const c of noDetails.customers) expect([c.id, tr[c.row - headerRow - 1][0]]).toEqual([c.id, c.tier ?? ""]);
  });
});
