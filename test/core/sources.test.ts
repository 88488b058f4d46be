// DOMAIN.md section 1, "One customer, several sources" (revised), with the fixes of sections 4–8 it brought:
// hand-built books whose answers are worked out by hand in the comments. D = 2024-06-30.
import fc from "fast-check";
import { buildReview, runPipeline, type PipelineResult } from "../../src/core";
import { ago, book, CUSTOMER_HEADER, customer, D, monthsAgo, only, run, type Grid } from "./book";

const ORDERS = ["客户编号", "下单日期", "金额(元)"];
const INTERACTIONS = ["客户编号", "维护时间", "维护方式", "维护内容", "客户反馈"];
const codes = (res: PipelineResult, code: string) => res.findings.filter((f) => f.code === code);

describe("several customers tables are merged (section 1: 'they are merged, by 客户编号, else by 客户名称')", () => {
  // The 周期表 and the 分类表 of one team, and an interactions log longer than both whose date header is spelled
  // in a way the product does not know (走访日子): it is still the interactions table, never the customers table.
  const lifecycle: Grid = [
    ["客户编号", "客户名称", "联系人", "首次触达时间", "当前周期阶段", "行业"],
    ["C1", "甲公司", "王经理", "2023-01-10", "稳定", "制造业"],
    ["C2", "乙公司", "李经理", "2023-02-10", "成交", "零售业"],
    ["C3", "丙公司", "赵经理", "2023-03-10", "潜在", "IT"],
  ];
  const classification: Grid = [
    ["客户编号", "客户名称", "行业属性", "客户价值层级", "年度采购总额(万元)"],
    ["C2", "乙公司", "批发业", "重点客户", 60], // 行业 disagrees with the 周期表's 零售业 (C3 of that sheet)
    ["C1", "甲公司", "制造业", "战略客户", 120],
    [null, "丙公司", "IT", "普通客户", 30], // no id: merged by name
    ["C4", "丁公司", "IT", "普通客户", 10], // only in the 分类表
  ];
  const log: Grid = [["客户编号", "客户名称", "走访日子", "维护方式", "维护内容", "客户反馈"]];
  for (let k = 0; k < 12; k++) log.push([`C${(k % 4) + 1}`, null, ago(k + 1), "电话沟通", "回访", "积极"]);
  const res = runPipeline(book({ 周期表: lifecycle, 分类表: classification, 维护记录: log }), D);
  const byId = new Map(res.customers.map((c) => [c.id, c]));

  test("every customer present once, no DUPLICATE_ID", () => {
    expect(res.customers.map((c) => c.id).sort()).toEqual(["C1", "C2", "C3", "C4"]);
    expect(codes(res, "DUPLICATE_ID")).toEqual([]);
    expect(res.tables.filter((t) => t.kind === "customers").map((t) => [t.sheet, t.used])).toEqual([["周期表", true], ["分类表", true]]);
    expect(res.tables.find((t) => t.sheet === "维护记录")?.kind).toBe("interactions");
  });

  test("value tiers from the 分类表's 年度采购总额, recorded stages from the 周期表", () => {
    // 120万 ≥ 100万 → 战略客户; 60万 → 重点客户; 30万 and 10万 → 普通客户 (section 6).
    expect(["C1", "C2", "C3", "C4"].map((id) => byId.get(id)!.valueTier)).toEqual(["战略客户", "重点客户", "普通客户", "普通客户"]);
    expect(["C1", "C2", "C3", "C4"].map((id) => byId.get(id)!.recordedStage)).toEqual(["稳定客户", "成交客户", "潜在客户", null]);
    expect(byId.get("C1")!.sources.annualPurchase).toBe("分类表!E3");
  });

  test("results go to each customer's first table: C1–C3 on the 周期表, C4 on the 分类表", () => {
    expect(["C1", "C2", "C3", "C4"].map((id) => `${byId.get(id)!.sheet}!${byId.get(id)!.row}`)).toEqual(["周期表!2", "周期表!3", "周期表!4", "分类表!5"]);
  });

  test("a conflict is a DETAIL_MISMATCH at the later cell naming the cell in use; the first table wins", () => {
    const m = codes(res, "DETAIL_MISMATCH");
    expect(m.map((f) => f.address)).toEqual(["分类表!C2"]);
    expect(m[0].message).toContain("周期表!F3");
    expect(m[0].message).toContain("零售业");
    expect(m[0].messageEn).toContain("周期表!F3");
    expect(byId.get("C2")!.industry).toBe("零售业");
  });

  test("the log with the unknown date header: its missing 维护时间 is reported, and it is no customers table", () => {
    expect(codes(res, "COLUMN_MISSING").map((f) => `${f.address} ${f.column}`)).toContain("维护记录!A1 维护时间");
    // Its rows still name known customers: no UNKNOWN_CUSTOMER.
    expect(codes(res, "UNKNOWN_CUSTOMER")).toEqual([]);
  });

  // 'a header with 客户编号 or 客户名称 and at least one customer-only column (any Customers column above other than
  // id, name, contact, owner, notes)'; 'A range with the columns of a detail kind (… 节点类型 …) is that detail table'.
  test("a contact or owner list is no customers table; a 节点类型 list is key dates, whatever else it holds", () => {
    const r = run({
      客户: [[...CUSTOMER_HEADER, "行业"], customer("C1", ["制造业"])],
      负责人分配: [["客户名称", "负责人", "备注"], ["客户C1", "王五", null], ["戊公司", "赵六", null]],
      联系人: [["客户名称", "联系人"], ["己公司", "孙"]],
      节点: [["客户编号", "客户名称", "节点类型", "生日/周年庆", "满意度"], ["C1", "客户C1", "生日", "2024-07-02", 5]],
    });
    expect(r.customers.map((c) => c.id)).toEqual(["C1"]);
    expect(r.customers[0].owner).toBeNull();
    expect(Object.fromEntries(r.tables.map((t) => [t.sheet, t.kind]))).toEqual({ 客户: "customers", 负责人分配: "customers", 联系人: "customers", 节点: "keyDates" });
    // Found, but not used beside a real customers table; alone in a book, such a list is read (its missing columns
    // reported) rather than no customers table at all.
    expect(r.tables.filter((t) => t.used && t.kind === "customers").map((t) => t.sheet)).toEqual(["客户"]);
    const alone = run({ 联系人: [["客户名称", "联系人"], ["己公司", "孙"]] });
    expect(alone.customers.map((c) => c.name)).toEqual(["己公司"]);
    expect(codes(alone, "COLUMN_MISSING").map((f) => f.column)).toEqual(["首次触达时间"]);
  });

  test("a conflict on a choice column is quoted in the labels the user reads", () => {
    const r = run({
      周期表: [[...CUSTOMER_HEADER, "当前周期阶段", "客户等级"], customer("C1", ["成交", "A"])],
      分类表: [["客户编号", "客户名称", "当前周期阶段", "客户等级", "年度采购总额(万元)"], ["C1", "客户C1", "稳定客户", "观察客户", 10]],
    });
    const m = codes(r, "DETAIL_MISMATCH").map((f) => f.message);
    expect(m).toEqual([expect.stringContaining("为 稳定客户,而周期表!E2为 成交客户"), expect.stringContaining("为 C,而周期表!F2为 A")]);
  });

  test("a row with an id never merges by name into a customer with another id", () => {
    const r = run({
      周期表: [CUSTOMER_HEADER, ["C1", "甲公司", "王", "2023-01-10"]],
      分类表: [["客户编号", "客户名称", "年度采购总额(万元)"], ["C9", "甲公司", 120]],
    });
    expect(r.customers.map((c) => c.id)).toEqual(["C1", "C9"]);
  });

  test("a repeated id inside one table stays two customers (DUPLICATE_ID), merged tables or not", () => {
    const r = run({
      周期表: [CUSTOMER_HEADER, customer("C1"), customer("C1")],
      分类表: [["客户编号", "客户名称", "年度采购总额(万元)"], ["C1", "客户C1", 120]],
    });
    expect(r.customers).toHaveLength(2);
    expect(codes(r, "DUPLICATE_ID").map((f) => f.address)).toEqual(["周期表!A3"]);
    expect(r.customers[0].valueTier).toBe("战略客户");
  });
});

describe("column vs detail table, per customer and per fact (section 1)", () => {
  // 'a filled column is the user's statement and wins; the detail table fills a blank column only when it covers
  // the window … A filled column that differs by more than 1 % from a covering detail table is DETAIL_MISMATCH'.
  const header = [...CUSTOMER_HEADER, "年度采购总额(万元)"];
  const sparse = (annual: (number | null)[], extraOrders: Grid = []): PipelineResult =>
    run({
      客户: [header, ...annual.map((a, i) => customer(`C${i + 1}`, [a]))],
      订单: [ORDERS, ["C1", ago(10), 20_000], ["C2", ago(20), 5_000], ["C2", ago(40), 5_000], ...extraOrders],
    });

  test("a sparse orders log that does not reach back 12 months: value tiers from the column, a blank column unknown", () => {
    const r = sparse([120, 60, 75, null]);
    expect(r.customers.map((c) => c.valueTier)).toEqual(["战略客户", "重点客户", "重点客户", null]);
    expect(r.customers.map((c) => c.annualPurchase)).toEqual([1_200_000, 600_000, 750_000, null]);
    // Not covering: no comparison is possible, so nothing to report.
    expect(codes(r, "DETAIL_MISMATCH")).toEqual([]);
  });

  test("a covering orders log: the filled column still wins; more than 1 % apart is a DETAIL_MISMATCH with both amounts", () => {
    // C4's order 13 months ago makes the log cover the 12-month window (its earliest row is before the start).
    const r = sparse([120, 1.01, 75, null], [["C4", monthsAgo(13), 1_000]]);
    expect(r.customers.map((c) => c.valueTier)).toEqual(["战略客户", "普通客户", "重点客户", "普通客户"]);
    // C1: 120万 vs 2万 (apart) → reported; C2: 1.01万 vs 1万 = 1 % apart, not more → not reported;
    // C3: 75万 vs nothing → reported; C4: blank column, filled by the covering log: 0 in the window.
    const m = codes(r, "DETAIL_MISMATCH");
    expect(m.map((f) => f.address)).toEqual(["客户!E2", "客户!E4"]);
    expect(m[0].message).toContain("120万元");
    expect(m[0].message).toContain("2万元");
    expect(m[0].messageEn).toContain("2万元");
    expect(r.customers[3].annualPurchase).toBe(0);
    expect(r.customers[3].sources.annualPurchase).toBe("订单!C2:C5");
    expect(r.customers[0].sources.annualPurchase).toBe("客户!E2");
  });

  test("coverage: a log whose earliest row is on the window's first day covers it; a day later it does not", () => {
    // The 12-month window is (D − 12 months, D]; it starts at monthsAgo(12) = 2023-06-30.
    const blank = (earliest: string) => run({ 客户: [header, customer("C1", [null]), customer("C2", [null])], 订单: [ORDERS, ["C2", earliest, 500], ["C2", ago(3), 800]] });
    const covering = blank(monthsAgo(12));
    // C1 has no rows: 0 in a covering log; C2's first order is on the window's start, outside it: 800.
    expect(covering.customers.map((c) => c.annualPurchase)).toEqual([0, 800]);
    const short = blank("2023-07-01");
    expect(short.customers.map((c) => c.annualPurchase)).toEqual([null, null]);
    expect(short.customers.map((c) => c.valueTier)).toEqual([null, null]);
  });

  test("more than 1 % of the orders table's figure, either way: 1.02万 and 0.98万 against 1万 are reported, 0.99万 not", () => {
    const at = (v: number) => codes(sparse([null, v, null, null], [["C4", monthsAgo(13), 1_000]]), "DETAIL_MISMATCH").map((f) => f.address);
    expect(at(1.02)).toEqual(["客户!E3"]);
    expect(at(0.98)).toEqual(["客户!E3"]);
    expect(at(0.99)).toEqual([]);
  });

  test("latest-event dates: the later of the column and the log; a customer without log rows keeps the column", () => {
    const r = run({
      客户: [[...CUSTOMER_HEADER, "最近互动时间", "客户等级"], customer("C1", [ago(5), "B"]), customer("C2", [ago(50), "B"]), customer("C3", [ago(5), "B"])],
      维护记录: [INTERACTIONS, ["C2", ago(3), "电话沟通", "回访", "积极"], ["C3", ago(30), "电话沟通", "回访", "积极"]],
    });
    // C1 has no log rows: contacted 5 days ago, so not 待激活 and next follow-up in 14 − 5 = 9 days, not overdue.
    expect(r.customers[0].tags).not.toContain("待激活");
    expect(r.customers[0].nextFollowUp).toBe(ago(5 - 14));
    expect(r.customers[0].overdue).toBe(false);
    expect(r.customers[0].sources.lastInteraction).toBe("客户!E2");
    // C2: the log's 3 days ago is later than the column's 50 → the log wins, and the stale column is reported.
    expect(r.customers[1].nextFollowUp).toBe(ago(3 - 14));
    expect(r.customers[1].sources.lastInteraction).toBe("维护记录!B2");
    expect(codes(r, "DETAIL_MISMATCH").map((f) => f.address)).toEqual(["客户!E3"]);
    // C3: the column's 5 days ago is later than the log's 30 → the column wins, nothing to report.
    expect(r.customers[2].nextFollowUp).toBe(ago(5 - 14));
  });

  test("the stage reason names the cell that decided (年度采购总额 from 客户分类表!D7 style)", () => {
    const r = run({ 客户: [header, customer("C1", [120])] });
    const c = only(r);
    expect(c.stage).toBe("成交客户");
    expect(c.stageReason).toContain("年度采购总额(万元) 120万元(客户!E2)");
    expect(c.stageReasonEn).toContain("年度采购总额(万元) 120万元 from 客户!E2");
    expect(c.sources.bought).toBe("客户!E2");
    // Blank purchase columns and no orders: not bought, and the reason names the blank cells.
    const p = only(run({ 客户: [header, customer("C1", [null])], 订单: [ORDERS] }));
    expect(p.stage).toBe("潜在客户");
    expect(p.stageReason).toContain("客户!E2");
    expect(p.stageReasonEn).toMatch(/blank or 0 and no order rows \(客户!E2\)/);
  });
});

describe("FUTURE_DATE in every detail table, left out of every fact (section 1)", () => {
  test("an order dated tomorrow is a finding and does not count", () => {
    const r = run({ 客户: [CUSTOMER_HEADER, customer("C1")], 订单: [ORDERS, ["C1", ago(-1), 500], ["C1", ago(0), 500]] });
    expect(codes(r, "FUTURE_DATE").map((f) => f.address)).toEqual(["订单!B2"]);
    const c = only(r);
    // Only today's order counts: one order in 3 months is not stable; bought → 成交客户.
    expect(c.stage).toBe("成交客户");
    expect(c.rfm?.frequency).toBe(1);
  });

  test("a task created and an interaction dated after D are findings, and the review does not count them", () => {
    const r = run({
      客户: [CUSTOMER_HEADER, customer("C1")],
      跟进任务: [["任务", "客户编号", "创建时间"], ["回访", "C1", ago(-3)], ["方案", "C1", ago(3)]],
      维护记录: [INTERACTIONS, ["C1", ago(2), "电话沟通", "回访", "积极"], ["C1", ago(-60), "电话沟通", "回访", "积极"]],
    });
    expect(codes(r, "FUTURE_DATE").map((f) => f.address)).toEqual(["维护记录!B3", "跟进任务!C2"]);
    const review = buildReview(r);
    expect(review.followUp.tasks).toBe(1);
    expect(review.followUp.interactions).toBe(1);
    expect(review.followUp.byOwner.reduce((s, o) => s + o.interactions, 0)).toBe(1);
  });
});

describe("6-month repurchase rate (section 4: 'an order is a repeat when the customer has any earlier order')", () => {
  // One order in the window; satisfaction 5. Stable by repurchase needs ≥ 80 %.
  const at = (orders: Grid) => only(run({ 客户: [[...CUSTOMER_HEADER, "满意度"], customer("C1", [5])], 订单: [ORDERS, ...orders] }));
  test("the first order in the window is a repeat when the customer bought before it", () => {
    // Bought 8 months ago and 2 months ago: the window's only order is a repeat → 100 % → 稳定客户.
    expect(at([["C1", monthsAgo(8), 100], ["C1", monthsAgo(2), 100]]).stageRule).toBe("stable.repurchase");
  });
  test("the customer's very first order is not a repeat", () => {
    // Only 2 months ago: 0 of 1 → 0 % → not stable.
    expect(at([["C1", monthsAgo(2), 100]]).stage).toBe("成交客户");
    // Five orders in the window (only the last within 3 months, so rule 3's order count does not decide), the first
    // ever among them: 4 of 5 = 80 % → stable (on the boundary).
    const five = [170, 150, 130, 110, 60].map((d) => ["C1", ago(d), 100]);
    expect(at(five).stageRule).toBe("stable.repurchase");
    // Four in the window, the first ever among them: 3 of 4 = 75 % → not.
    expect(at(five.slice(1)).stage).toBe("成交客户");
  });
});

describe("客户等级 holding a tier name (section 6: 'read with the same mapping, not refused')", () => {
  test.each([
    ["战略客户", "A"], ["重点客户", "A"], ["普通客户", "B"], ["观察客户", "C"], ["B", "B"],
  ])("%s → grade %s", (cell, grade) => {
    const r = run({ 客户: [[...CUSTOMER_HEADER, "客户等级"], customer("C1", [cell])] });
    expect(codes(r, "BAD_ENUM")).toEqual([]);
    expect(only(r).grade).toBe(grade);
  });
  test("anything else is still refused", () => {
    const r = run({ 客户: [[...CUSTOMER_HEADER, "客户等级"], customer("C1", ["钻石客户"])] });
    expect(codes(r, "BAD_ENUM").map((f) => f.address)).toEqual(["客户!E2"]);
  });
});

// Properties of the merge (issue 15): shuffling which sheet comes first changes nothing but the documented
// first-table-wins conflicts; rows in any order, the same answers; more annual purchase never a lower value tier.
describe("properties of merged customers tables", () => {
  const industries = ["制造业", "零售业", "IT"];
  const custArb = fc.record({
    inLifecycle: fc.boolean(),
    inClass: fc.boolean(),
    lifeIndustry: fc.option(fc.constantFrom(...industries), { nil: null }),
    classIndustry: fc.option(fc.constantFrom(...industries), { nil: null }),
    annual: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null }),
    lastOrder: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
    stage: fc.constantFrom("潜在", "成交", "稳定", null),
  });
  const bookArb = fc.record({
    customers: fc.array(custArb, { minLength: 1, maxLength: 8 }),
    orders: fc.array(fc.tuple(fc.nat(7), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 50_000 })), { maxLength: 12 }),
    seed: fc.integer(),
  });
  type Gen = { customers: { inLifecycle: boolean; inClass: boolean; lifeIndustry: string | null; classIndustry: string | null; annual: number | null; lastOrder: number | null; stage: string | null }[]; orders: [number, number, number][]; seed: number };

  const sheets = (g: Gen, shuffle = false): Record<string, Grid> => {
    const order = g.customers.map((_, i) => i);
    if (shuffle) order.sort((x, y) => ((x * 7919 + g.seed) % 97) - ((y * 7919 + g.seed) % 97) || x - y);
    // Every customer is in at least one table.
    const inLife = (i: number) => g.customers[i].inLifecycle || !g.customers[i].inClass;
    return {
      周期表: [["客户编号", "客户名称", "联系人", "首次触达时间", "当前周期阶段", "行业", "最近下单时间"],
        ...order.filter(inLife).map((i) => { const c = g.customers[i]; return [`C${i}`, `客户${i}`, "王", "2023-01-10", c.stage, c.lifeIndustry, c.lastOrder === null ? null : ago(c.lastOrder)]; })],
      分类表: [["客户编号", "客户名称", "行业属性", "年度采购总额(万元)"],
        ...order.filter((i) => g.customers[i].inClass).map((i) => { const c = g.customers[i]; return [`C${i}`, `客户${i}`, c.classIndustry, c.annual]; })],
      订单: [ORDERS, ...g.orders.filter(([c]) => c < g.customers.length).map(([c, d, a]) => [`C${c}`, ago(d), a])],
    };
  };
  const runWith = (s: Record<string, Grid>, names: string[]) => runPipeline({ sheets: names.map((name) => ({ name, cells: s[name] })) }, D);
  /** Per customer, without where it sits (sheet, row, the cells a reason or source names) and without the industry. */
  const comparable = (r: PipelineResult) =>
    Object.fromEntries(r.customers.map(({ sheet: _s, row: _r, sources: _src, stageReason: _a, stageReasonEn: _b, industry: _i, ...rest }) => [rest.id, rest]));

  test("sheet order: only the first-table-wins conflicts change; row order: nothing; runs: deterministic", () => {
    fc.assert(
      fc.property(bookArb, (g: Gen) => {
        const s = sheets(g);
        const a = runWith(s, ["周期表", "分类表", "订单"]);
        expect(runWith(s, ["周期表", "分类表", "订单"])).toEqual(a);
        const b = runWith(s, ["分类表", "周期表", "订单"]);
        expect(comparable(b)).toEqual(comparable(a));
        const mismatches = (r: PipelineResult) => r.findings.filter((f) => f.code === "DETAIL_MISMATCH" && f.column !== "最近下单时间").length;
        expect(mismatches(b)).toBe(mismatches(a));
        // The industry is the first table's where it fills it, else the other's.
        const byId = (r: PipelineResult) => new Map(r.customers.map((c) => [c.id, c]));
        g.customers.forEach((c, i) => {
          const life = c.inLifecycle || !c.inClass ? c.lifeIndustry : null;
          const cls = c.inClass ? c.classIndustry : null;
          expect(byId(a).get(`C${i}`)!.industry).toBe(life ?? cls);
          expect(byId(b).get(`C${i}`)!.industry).toBe(cls ?? life);
        });
        const shuffled = runWith(sheets(g, true), ["周期表", "分类表", "订单"]);
        expect(comparable(shuffled)).toEqual(comparable(a));
        expect(shuffled.customers.map((c) => c.industry).sort()).toEqual(a.customers.map((c) => c.industry).sort());
      }),
      { numRuns: 150 },
    );
  });

  test("monotone: a larger 年度采购总额 never gives a lower value tier", () => {
    const rank: Record<string, number> = { 普通客户: 0, 重点客户: 1, 战略客户: 2 };
    fc.assert(
      fc.property(bookArb, fc.nat(7), fc.integer({ min: 1, max: 200 }), (g: Gen, k, extra) => {
        if (k >= g.customers.length) return;
        const c = g.customers[k];
        const before = runWith(sheets({ ...g, customers: g.customers.map((x, i) => (i === k ? { ...x, inClass: true, annual: x.annual ?? 0 } : x)) }), ["周期表", "分类表", "订单"]);
        const after = runWith(sheets({ ...g, customers: g.customers.map((x, i) => (i === k ? { ...x, inClass: true, annual: (c.annual ?? 0) + extra } : x)) }), ["周期表", "分类表", "订单"]);
        const tier = (r: PipelineResult) => r.customers.find((x) => x.id === `C${k}`)!.valueTier!;
        expect(rank[tier(after)]).toBeGreaterThanOrEqual(rank[tier(before)]);
      }),
      { numRuns: 150 },
    );
  });
});
