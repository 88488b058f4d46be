// Error cells and Excel data types inside the ranges the CRM.* functions take (issue 17). With
// allowErrorForDataTypeAny in functions.json, Excel hands an error cell over as a CustomFunctions.Error
// ({code: "#N/A", message?}); with allowCustomDataForDataTypeAny a data-type cell arrives as its Excel.CellValue
// object ({type: "Entity", text, properties}, {type: "FormattedNumber", basicValue, numberFormat} …). One bad
// cell must give one error cell (or one error row), the other cells computed as before.
import { serialFromDay, toDay } from "../../src/core";
import { CellError, cell } from "../../src/functions/args";
import {
  ahpWeights, closeness, maskPhone, nextFollowUp, rfm, risk, score, scoreParts, stage, tags, tier, uscc, valueTier,
} from "../../src/functions/functions";

/** The shape of the runtime's CustomFunctions.Error (code: a CustomFunctions.ErrorCode value, message optional). */
class CFError {
  constructor(
    readonly code: string,
    readonly message?: string,
  ) {}
}
const NA = () => new CFError("#N/A");
const REF = () => new CFError("#REF!");

const serial = (ymd: string) => serialFromDay(toDay(ymd));
const D = serial("2024-06-30");
const HEAD = [["客户编号", "客户名称", "联系人", "首次触达时间", "当前周期阶段", "最近下单时间"]];
const any = (x: unknown) => x as never;

/** The Excel error in a result cell. */
function err(v: unknown): CellError {
  expect(v).toBeInstanceOf(CellError);
  return v as CellError;
}
/** The Excel error a call throws (the whole formula fails). */
function thrown(f: () => unknown): CellError {
  try {
    f();
  } catch (e) {
    return err(e);
  }
  throw new Error("expected an Excel error");
}

describe("what a cell becomes (args.ts cell())", () => {
  test("CustomFunctions.Error and Excel error values become error cells with Excel's code", () => {
    expect(cell(NA())).toEqual({ error: "#N/A" });
    expect(cell(new CFError("#DIV/0!", "x"))).toEqual({ error: "#DIV/0!" });
    expect(cell({ type: "Error", basicValue: "#REF!", errorType: "Ref" })).toEqual({ error: "#REF!" });
    expect(cell({ type: "Error", errorType: "Spill" })).toEqual({ error: "#SPILL!" });
    expect(cell({ type: "Error", errorType: "NotAvailable" })).toEqual({ error: "#N/A" });
  });

  test("data types give their basic value, an entity its text; nothing becomes [object Object]", () => {
    expect(cell({ type: "Double", basicValue: 12, numberFormat: "0.00" })).toBe(12);
    expect(cell({ type: "FormattedNumber", basicValue: 45474, numberFormat: "yyyy-mm-dd" })).toBe(45474);
    expect(cell({ type: "String", basicValue: "成交客户" })).toBe("成交客户");
    expect(cell({ type: "Boolean", basicValue: false })).toBe(false);
    expect(cell({ type: "Empty", basicValue: "" })).toBeNull();
    // An entity's basicValue is "#VALUE!": its display text is what the user sees in the cell.
    expect(cell({ type: "Entity", text: "上海某某科技有限公司", basicValue: "#VALUE!", properties: { 城市: { type: "String", basicValue: "上海" } } })).toBe("上海某某科技有限公司");
    expect(cell({ type: "LinkedEntity", text: "Microsoft", id: { domainId: "d", entityId: "e", serviceId: 268, culture: "en-US" } })).toBe("Microsoft");
    expect(cell({ type: "Array", elements: [[{ type: "Double", basicValue: 3 }]] })).toBe(3);
    for (const odd of [{ type: "WebImage", address: "https://x/y.png" }, { type: "Entity", basicValue: "#VALUE!" }, { type: "Array", elements: [[1, 2]] }, { foo: 1 }]) {
      const c = cell(odd) as { error: string; en: string };
      expect([c.error, typeof c.en]).toEqual(["#VALUE!", "string"]);
      expect(c.en).not.toContain("[object");
    }
  });
});

describe("element-wise functions: an error cell gives an error in its own cell, the others are computed", () => {
  test("TIER: #N/A in → #N/A out; #REF! and #NAME? (not returnable) → #VALUE! naming the original", () => {
    const out = tier([[90], [NA()], [50], [REF()], [new CFError("#NAME?")], [new CFError("#DIV/0!")], [{ type: "Double", basicValue: 70 }]] as never);
    expect([out[0][0], out[2][0], out[6][0]]).toEqual(["战略客户", "普通客户", "重点客户"]);
    expect(err(out[1][0]).code).toBe("#N/A");
    expect(err(out[3][0]).code).toBe("#VALUE!");
    expect(err(out[3][0]).message).toContain("#REF!");
    expect(err(out[4][0]).code).toBe("#VALUE!");
    expect(err(out[4][0]).message).toContain("#NAME?");
    expect(err(out[5][0]).code).toBe("#DIV/0!");
  });

  test("TIER with a population: #N/A there is a customer without a score (CRM.SCORE's #N/A), any other error fails all", () => {
    const pop = Array.from({ length: 20 }, (_, i) => [i + 1]);
    // Scores 1..20: cut points 19.05 / 16.2 / 10.5 (test/functions/functions.test.ts); #N/A rows change nothing.
    const withNa = [...pop.slice(0, 10), [NA()], ...pop.slice(10), [{ type: "Error", basicValue: "#N/A", errorType: "NotAvailable" }]];
    expect(tier([[20], [19], [16.1], [10.4]], undefined, withNa as never).map((r) => r[0])).toEqual(["战略客户", "重点客户", "普通客户", "观察客户"]);
    const e = thrown(() => tier([[20]], undefined, [...pop, [REF()]] as never));
    expect(e.code).toBe("#VALUE!");
    expect(e.message).toContain("population");
    expect(e.message).toContain("#REF!");
  });

  test("VALUETIER, CLOSENESS: formatted numbers are their numbers; a unit that is an error fails the formula with it", () => {
    const money = { type: "FormattedNumber", basicValue: 1_000_000, numberFormat: "¥#,##0" };
    const out = valueTier([[money], [NA()], [{ type: "String", basicValue: "50万" }]] as never);
    expect([out[0][0], out[2][0]]).toEqual(["战略客户", "重点客户"]);
    expect(err(out[1][0]).code).toBe("#N/A");
    expect(valueTier([[100]], { type: "String", basicValue: "万元" })).toEqual([["战略客户"]]);
    const u = thrown(() => valueTier([[100]], NA()));
    expect([u.code, u.message.includes("unit")]).toEqual(["#N/A", true]);
    const c = closeness([[{ type: "Double", basicValue: 2 }, new CFError("#NUM!"), 1]] as never);
    expect([c[0][0], c[0][2]]).toEqual(["紧密型", "稳定型"]);
    expect(err(c[0][1]).code).toBe("#NUM!");
  });

  test("USCC and MASKPHONE read an entity's text; an image is #VALUE! saying so", () => {
    const company = { type: "Entity", text: "91310110666007217T", basicValue: "#VALUE!", properties: {} };
    const out = uscc([[company, NA(), "91310110666007217X"]] as never);
    expect([out[0][0], out[0][2]]).toEqual([true, false]);
    expect(err(out[0][1]).code).toBe("#N/A");
    const masked = maskPhone([[{ type: "Entity", text: "王经理 13812345678", properties: {} }], [{ type: "WebImage", address: "https://example.com/a.png" }], [REF()]] as never);
    expect(masked[0][0]).toBe("王经理 138****5678");
    expect(err(masked[1][0]).code).toBe("#VALUE!");
    expect(err(masked[1][0]).message).toContain("image");
    expect(err(masked[2][0]).message).toContain("#REF!");
  });

  test("NEXTFOLLOWUP: an error date or grade gives that row's error; one grade for all that is an error gives it everywhere", () => {
    const last = serial("2024-06-01");
    const out = nextFollowUp([[last], [NA()], [{ type: "FormattedNumber", basicValue: last, numberFormat: "yyyy/m/d" }]] as never, [["A"], ["B"], [{ type: "String", basicValue: "C类" }]] as never);
    expect([out[0][0], out[2][0]]).toEqual([serial("2024-06-08"), serial("2024-07-01")]);
    expect(err(out[1][0]).code).toBe("#N/A");
    const g = nextFollowUp([[last], [last]], [["A"], [REF()]] as never);
    expect(g[0][0]).toBe(serial("2024-06-08"));
    expect([err(g[1][0]).code, err(g[1][0]).message.includes("grade"), err(g[1][0]).message.includes("#REF!")]).toEqual(["#VALUE!", true, true]);
    expect(nextFollowUp([[last], [last]], any(NA())).map((r) => err(r[0]).code)).toEqual(["#N/A", "#N/A"]);
  });

  test("AHP: the matrix is one answer, so an error in it is the result, naming the cell", () => {
    const e = thrown(() => ahpWeights([[1, 2], [NA(), 1]] as never));
    expect(e.code).toBe("#N/A");
    expect(e.message).toContain("第 2 行第 1 列");
    // Formatted numbers are numbers: w = (2/3, 1/3).
    const out = ahpWeights([[1, { type: "Double", basicValue: 2 }], [{ type: "FormattedNumber", basicValue: 0.5, numberFormat: "0.0" }, 1]] as never);
    expect(out[0][0]).toBeCloseTo(2 / 3, 10);
    expect(out[1][0]).toBeCloseTo(1 / 3, 10);
  });
});

describe("customer-table functions: a row with an error cell gets that error, every other row is computed", () => {
  // C1 ordered 29 days before the as-of date: 成交客户. C2's last order was 212 days before it (> 90): 流失客户
  // (the hand-worked rows of test/functions/functions.test.ts). C3's last-order date is #N/A (a failed lookup).
  const C1 = ["C1", "甲", "王", serial("2023-01-10"), "成交客户", serial("2024-06-01")];
  const C2 = ["C2", "乙", "李", "2023-01-10", "成交客户", "2023-12-01"];
  const C3 = ["C3", "丙", "赵", "2023-01-10", "成交客户", NA()];

  test("STAGE: #N/A in one row's 最近下单时间 → #N/A in that row only; with detail TRUE all three columns", () => {
    const out = stage([C1, C3, C2] as never, HEAD, D);
    expect([out[0][0], out[2][0]]).toEqual(["成交客户", "流失客户"]);
    expect(err(out[1][0]).code).toBe("#N/A");
    expect(err(out[1][0]).message).toContain("最近下单时间");
    const detail = stage([C1, C3, C2] as never, HEAD, D, null as never, null as never, null as never, true);
    expect(detail[1].map((x) => err(x).code)).toEqual(["#N/A", "#N/A", "#N/A"]);
    expect(detail[2].slice(0, 2)).toEqual(["流失客户", "churned.noContact"]);
  });

  test("STAGE: #REF! → #VALUE! naming #REF!; an error in a column the engine does not read changes nothing", () => {
    const out = stage([C1, ["C4", "丁", "钱", "2023-01-10", REF(), "2023-12-01"], C2] as never, HEAD, D);
    expect(err(out[1][0]).code).toBe("#VALUE!");
    expect(err(out[1][0]).message).toContain("#REF!");
    expect([out[0][0], out[2][0]]).toEqual(["成交客户", "流失客户"]);
    const head = [[...HEAD[0], "内部编码XYZ"]];
    expect(stage([[...C1, NA()], [...C2, "ok"]] as never, head, D)).toEqual([["成交客户"], ["流失客户"]]);
  });

  test("STAGE reads data types: an entity customer name, a formatted date, a string stage give the plain rows' stages", () => {
    const rich = [
      [{ type: "String", basicValue: "C1" }, { type: "Entity", text: "甲", properties: {} }, "王", { type: "FormattedNumber", basicValue: serial("2023-01-10"), numberFormat: "yyyy-mm-dd" }, { type: "String", basicValue: "成交客户" }, { type: "FormattedNumber", basicValue: serial("2024-06-01"), numberFormat: "yyyy-mm-dd" }],
      C2,
    ];
    expect(stage(rich as never, HEAD, D)).toEqual([["成交客户"], ["流失客户"]]);
    // The as-of date as a formatted number.
    expect(stage([C2] as never, HEAD, { type: "FormattedNumber", basicValue: serial("2024-01-30"), numberFormat: "yyyy-mm-dd" })[0][0]).not.toBe("流失客户");
  });

  test("an error in an order row goes to that order's customer only; an order whose customer is an error belongs to no one", () => {
    const orders = [["订单编号", "客户编号", "下单日期", "金额"], ["O1", "C1", NA(), 100], ["O2", "C2", "2023-12-01", 200], ["O3", NA(), "2024-06-20", 300]];
    const out = stage([C1, C2] as never, HEAD, D, undefined, orders as never);
    expect(err(out[0][0]).code).toBe("#N/A");
    expect(err(out[0][0]).message).toContain("orders");
    expect(out[1][0]).toBe("流失客户");
    const rk = risk([C1, C2] as never, HEAD, D, undefined, orders as never);
    expect(err(rk[0][0]).code).toBe("#N/A");
    expect(rk[1][0]).toBe("已流失");
  });

  test("TAGS and RISK: the error row is its error; the others equal the plain run's values", () => {
    const plainT = tags([C1, C2] as never, HEAD, D);
    const plainR = risk([C1, C2] as never, HEAD, D);
    const t = tags([C1, C3, C2] as never, HEAD, D);
    const r = risk([C1, C3, C2] as never, HEAD, D);
    expect([t[0], t[2]]).toEqual(plainT);
    expect([r[0], r[2]]).toEqual(plainR);
    expect(r[2][0]).toBe("已流失");
    expect([err(t[1][0]).code, err(r[1][0]).code]).toEqual(["#N/A", "#N/A"]);
  });

  test("SCORE / SCOREPARTS: the error row is its error; the others are scored as if the bad cell were empty", () => {
    const head = [["客户编号", "客户名称", "近6个月消费金额", "满意度"]];
    const pop = [["A", "甲", 100, 5], ["B", "乙", 200, 4], ["C", "丙", 300, 3], ["D", "丁", 400, 2], ["E", "戊", 500, 1]];
    const bad = pop.map((r) => [...r]) as unknown[][];
    bad[2][2] = NA();
    const blank = pop.map((r) => [...r]) as unknown[][];
    blank[2][2] = null;
    const s = score(bad as never, head, undefined, D);
    const ref = score(blank as never, head, undefined, D);
    expect(err(s[2][0]).code).toBe("#N/A");
    expect([0, 1, 3, 4].map((i) => s[i][0])).toEqual([0, 1, 3, 4].map((i) => ref[i][0]));
    // By hand: the one indicator with data is 近6个月消费金额 over 100, 200, 400, 500 (C's #N/A is no value),
    // clipped to its type-7 5 % / 95 % quantiles 115 and 485: B (200 − 115)/370 = 22.97 points, D 77.03, A 0,
    // E 100; the score is rounded to 0.1.
    expect([0, 1, 3, 4].map((i) => s[i][0])).toEqual([0, 23, 77, 100]);
    const parts = scoreParts(bad as never, head, undefined, D);
    expect([0, 1, 3, 4].map((i) => parts[i][0])).toEqual([0, 22.97, 77.03, 100]);
    expect(parts[2].map((x) => err(x).code)).toEqual(new Array(8).fill("#N/A"));
    expect(parts[0]).toEqual(scoreParts(blank as never, head, undefined, D)[0]);
    // With a population: the row asked for whose population row holds the error gets it; a row asked for with
    // an error of its own too; the others are their population scores.
    const within = score([pop[2], pop[4], ["Z", REF(), 1, 1]] as never, head, bad as never, D);
    expect(err(within[0][0]).code).toBe("#N/A");
    expect(within[1][0]).toBe(ref[4][0]);
    expect(err(within[2][0]).message).toContain("#REF!");
  });

  test("errors in the arguments every row depends on fail the whole formula, with the code and the argument", () => {
    const a = thrown(() => stage([C1] as never, HEAD, NA()));
    expect([a.code, a.message.includes("asOf")]).toEqual(["#N/A", true]);
    const h = thrown(() => stage([C1] as never, [[...HEAD[0].slice(0, 5), REF()]] as never, D));
    expect([h.code, h.message.includes("headers"), h.message.includes("#REF!")]).toEqual(["#VALUE!", true, true]);
    const r = thrown(() => stage([C1] as never, HEAD, D, undefined, undefined, [["参数", "值"], ["churn.days", NA()]] as never));
    expect([r.code, r.message.includes("rules"), r.message.includes("churn.days")]).toEqual(["#N/A", true, true]);
  });
});

describe("RFM", () => {
  // The hand-worked five customers of test/functions/functions.test.ts.
  const ids = [["A"], ["B"], ["C"], ["D"], ["E"]];
  const oc = [["A"], ["B"], ["C"], ["D"], ["E"]];
  const od = [[serial("2024-06-29")], [serial("2024-06-20")], [serial("2024-06-10")], [serial("2024-05-31")], [serial("2024-05-01")]];
  const oa = [[500], [400], [300], [200], [100]];

  test("an order with an error date gives its customer that error; the others are scored as without that order", () => {
    const bad = od.map((r) => [...r]) as unknown[][];
    bad[1][0] = NA();
    const out = rfm(ids, oc, bad as never, oa, D);
    expect(out[1].map((x) => err(x).code)).toEqual(["#N/A", "#N/A", "#N/A", "#N/A"]);
    const without = rfm(ids, [oc[0], ...oc.slice(2)], [od[0], ...od.slice(2)], [oa[0], ...oa.slice(2)], D);
    expect([out[0], out[2], out[3], out[4]]).toEqual([without[0], without[2], without[3], without[4]]);
    expect(without[1]).toEqual(["", "", "", ""]);
  });

  test("formatted dates and amounts score as the plain ones; an error customer ID asked for is that row's error", () => {
    const richDates = od.map(([d]) => [{ type: "FormattedNumber", basicValue: d, numberFormat: "yyyy-mm-dd" }]);
    const richAmounts = oa.map(([a]) => [{ type: "Double", basicValue: a, numberFormat: "¥#,##0" }]);
    const out = rfm([...ids, [NA()]] as never, oc, richDates as never, richAmounts as never, D);
    expect(out.slice(0, 5)).toEqual([[5, 1, 5, 515], [4, 1, 4, 414], [3, 1, 3, 313], [2, 1, 2, 212], [1, 1, 1, 111]]);
    expect(err(out[5][0]).code).toBe("#N/A");
  });
});

describe("in Excel the errors are CustomFunctions.Error objects", () => {
  const g = globalThis as { CustomFunctions?: unknown };
  beforeAll(() => {
    g.CustomFunctions = { Error: CFError, ErrorCode: { invalidValue: "#VALUE!", notAvailable: "#N/A" } };
  });
  afterAll(() => {
    delete g.CustomFunctions;
  });

  test("the error cells of a spilled result are CustomFunctions.Error with the code and the bilingual message", () => {
    const out = tier([[90], [NA()], [REF()], ["abc"]] as never);
    expect(out[0][0]).toBe("战略客户");
    for (const x of out.slice(1)) expect(x[0]).toBeInstanceOf(CFError);
    expect(out.slice(1).map((x) => (x[0] as CFError).code)).toEqual(["#N/A", "#VALUE!", "#VALUE!"]);
    expect((out[2][0] as CFError).message).toMatch(/#REF!.*·.*#REF!/);
    // A thrown CustomFunctions.Error (not an Error subclass in this stand-in) still lands in its own cell.
    expect((out[3][0] as CFError).message).toContain("score");
  });
});
