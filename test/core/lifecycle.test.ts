// One test per stage rule of DOMAIN.md section 4, each with hand-worked dates one day inside and one day
// outside its threshold. As-of date D = 2024-06-30 throughout; `ago(n)` is the date n days before D.
import fc from "fast-check";
import { StageFactsTable } from "../../src/core/lifecycle";
import { ago, CUSTOMER_HEADER, customer, monthsAgo, only, run } from "./book";

const ORDERS = ["客户编号", "下单日期", "金额(元)"];
const INTERACTIONS = ["客户编号", "维护时间", "维护方式", "维护内容", "客户反馈"];

describe("rule 1 流失客户", () => {
  test("a termination date churns the customer whatever else holds", () => {
    const c = only(run({ 客户: [[...CUSTOMER_HEADER, "终止合作日期"], customer("C1", [ago(3)])], 订单: [ORDERS, ["C1", ago(2), 100]] }));
    expect(c.stage).toBe("流失客户");
    expect(c.stageRule).toBe("churned.terminated");
  });

  test("status tag 已流失 counts as terminated", () => {
    const c = only(run({ 客户: [[...CUSTOMER_HEADER, "客户状态标签"], customer("C1", ["已流失"])] }));
    expect(c.stageRule).toBe("churned.terminated");
  });

  test("latest business contact 91 days ago churns a buyer; 90 days does not", () => {
    // Interactions table present and empty for C1: no response to care, so day 90 is at risk instead.
    const at = (n: number) => only(run({ 客户: [CUSTOMER_HEADER, customer()], 订单: [ORDERS, ["C1", ago(n), 500]], 维护记录: [INTERACTIONS] }));
    expect(at(91).stage).toBe("流失客户");
    expect(at(91).stageRule).toBe("churned.noContact");
    expect(at(90).stage).toBe("流失风险客户");
    expect(at(90).stageRule).toBe("atRisk.noOrderNoResponse");
  });

  test("an interaction keeps the business contact recent", () => {
    const c = only(run({ 客户: [CUSTOMER_HEADER, customer()], 订单: [ORDERS, ["C1", ago(200), 500]], 维护记录: [INTERACTIONS, ["C1", `${ago(85)} 10:00`, "电话沟通", "回访", "消极"]] }));
    // Last contact 85 days ago (< 90): not churned; last order 200 days ago and a negative answer: at risk.
    expect(c.stage).toBe("流失风险客户");
  });

  test("a prospect that never bought is never churned by silence", () => {
    const c = only(run({ 客户: [CUSTOMER_HEADER, customer()], 订单: [ORDERS], 维护记录: [INTERACTIONS, ["C1", ago(300), "电话沟通", "问候", "中性"]] }));
    expect(c.stage).toBe("潜在客户");
  });
});

describe("rule 2 流失风险客户", () => {
  test("no order for 31 days and a negative latest answer; 30 days is not enough", () => {
    const at = (n: number) =>
      only(run({ 客户: [CUSTOMER_HEADER, customer()], 订单: [ORDERS, ["C1", ago(n), 500]], 维护记录: [INTERACTIONS, ["C1", `${ago(5)} 09:30`, "电话沟通", "节日问候", "消极"]] }));
    expect(at(31).stageRule).toBe("atRisk.noOrderNoResponse");
    expect(at(30).stage).toBe("成交客户");
  });

  test("a positive answer to the latest care contact means no risk from the order gap", () => {
    const c = only(run({ 客户: [CUSTOMER_HEADER, customer()], 订单: [ORDERS, ["C1", ago(45), 500]], 维护记录: [INTERACTIONS, ["C1", ago(5), "电话沟通", "回访", "积极"]] }));
    expect(c.stage).toBe("成交客户");
  });

  test("interactions fell by half: recent 30 days against the 90 days before", () => {
    // Six interactions in (D−120, D−30] = 2 per 30 days on average. One in the last 30 days is a 50 % fall.
    const base = [40, 50, 60, 70, 80, 100].map((n) => ["C1", ago(n), "电话沟通", "回访", "积极"]);
    const withRecent = (...days: number[]) =>
      only(run({ 客户: [CUSTOMER_HEADER, customer()], 订单: [ORDERS, ["C1", ago(3), 500]], 维护记录: [INTERACTIONS, ...base, ...days.map((n) => ["C1", ago(n), "电话沟通", "回访", "积极"])] }));
    expect(withRecent(29).stageRule).toBe("atRisk.interactionDrop");
    expect(withRecent(29).warnings).toContain("W4");
    // Two recent interactions: 2 > 1, no fall.
    expect(withRecent(29, 10).stage).toBe("成交客户");
    // An interaction on day 30 belongs to the earlier window: 7 there (avg 2.33), 1 recent ≤ 1.17 → fall.
    expect(withRecent(30, 10).stageRule).toBe("atRisk.interactionDrop");
  });

  test("a renewal reminder unanswered since (date − lead days)", () => {
    // 续约 on D−10 with 20 lead days: the reminder went out on D−30. An order on D−30 answers it; D−31 does not.
    const at = (orderDaysAgo: number) =>
      only(
        run({
          客户: [CUSTOMER_HEADER, customer()],
          订单: [ORDERS, ["C1", ago(orderDaysAgo), 800]],
          维护记录: [INTERACTIONS, ["C1", ago(125), "线下拜访", "回访", "积极"]],
          关键节点: [["客户编号", "节点类型", "日期", "提前天数"], ["C1", "续约", ago(10), 20]],
        }),
      );
    expect(at(31).stageRule).toBe("atRisk.renewalUnanswered");
    expect(at(30).stage).toBe("成交客户");
  });

  test("competitor contact within the last 90 days", () => {
    const at = (n: number) =>
      only(
        run({
          客户: [CUSTOMER_HEADER, customer()],
          订单: [ORDERS, ["C1", ago(3), 800]],
          维护记录: [INTERACTIONS, ["C1", ago(5), "电话沟通", "回访", "积极"], ["C1", ago(n), "电话沟通", "客户在对比竞品报价", "中性"]],
        }),
      );
    expect(at(89).stageRule).toBe("atRisk.competitor");
    expect(at(90).stage).toBe("成交客户");
  });

  test("a competitor noted in the remarks column", () => {
    const c = only(run({ 客户: [[...CUSTOMER_HEADER, "备注"], customer("C1", ["竞争对手在接触"])], 订单: [ORDERS, ["C1", ago(3), 800]] }));
    expect(c.stageRule).toBe("atRisk.competitor");
  });
});

describe("rule 3 稳定客户", () => {
  test("two orders in the last 3 months: 2024-03-31 counts, 2024-03-30 does not", () => {
    // D − 3 months = 2024-03-30; the window is (2024-03-30, 2024-06-30].
    expect(monthsAgo(3)).toBe("2024-03-30");
    const at = (d: string) => only(run({ 客户: [CUSTOMER_HEADER, customer()], 订单: [ORDERS, ["C1", d, 500], ["C1", ago(5), 500]] }));
    expect(at("2024-03-31").stageRule).toBe("stable.recentOrders");
    expect(at("2024-03-30").stage).toBe("成交客户");
  });

  test("6-month repurchase rate 80 % with satisfaction 4.5", () => {
    // Five orders in the last 6 months, only one in the last 3 (so rule 3's first test fails), the latest
    // 81 days ago (so rule 1's 90 days do not churn): (5 − 1) / 5 = 0.8. Four orders: 3/4 = 0.75.
    const dates = ["2024-04-10", "2024-01-05", "2024-01-25", "2024-02-10", "2024-02-28"];
    const at = (n: number, satisfaction: number) =>
      only(run({ 客户: [[...CUSTOMER_HEADER, "满意度"], customer("C1", [satisfaction])], 订单: [ORDERS, ...dates.slice(0, n).map((d) => ["C1", d, 300])] }));
    expect(at(5, 4.5).stageRule).toBe("stable.repurchase");
    expect(at(4, 4.5).stage).toBe("成交客户");
    expect(at(5, 4.4).stage).toBe("成交客户");
  });

  test("the customers table's 近3个月订单数 decides when there is no Orders table", () => {
    const at = (n: number) => only(run({ 客户: [[...CUSTOMER_HEADER, "近3个月订单数"], customer("C1", [n])] }));
    expect(at(2).stageRule).toBe("stable.recentOrders");
    expect(at(1).stage).toBe("成交客户");
  });
});

describe("rules 4–6", () => {
  test("any order makes a won customer; a cooperation start date does too", () => {
    expect(only(run({ 客户: [CUSTOMER_HEADER, customer()], 订单: [ORDERS, ["C1", ago(5), 100]] })).stageRule).toBe("won.bought");
    expect(only(run({ 客户: [[...CUSTOMER_HEADER, "合作起始时间"], customer("C1", ["2023-05-01"])] })).stageRule).toBe("won.bought");
  });

  test("interest from a tag, a requirement, or a demo in the interaction notes", () => {
    expect(only(run({ 客户: [[...CUSTOMER_HEADER, "客户状态标签"], customer("C1", ["采购意向强烈"])] })).stageRule).toBe("interested.signal");
    expect(only(run({ 客户: [[...CUSTOMER_HEADER, "客户需求"], customer("C1", ["采购办公设备"])] })).stage).toBe("意向客户");
    const viaDemo = only(run({ 客户: [CUSTOMER_HEADER, customer()], 订单: [ORDERS], 维护记录: [INTERACTIONS, ["C1", ago(4), "线下拜访", "确认3月15日产品演示时间", "积极"]] }));
    expect(viaDemo.stage).toBe("意向客户");
  });

  test("only basic information: prospect", () => {
    const c = only(run({ 客户: [[...CUSTOMER_HEADER, "客户状态标签", "近6个月消费金额(元)"], customer("C1", ["", 0])] }));
    expect(c.stage).toBe("潜在客户");
    expect(c.stageRule).toBe("prospect.basicInfo");
  });

  test("no facts about buying at all: undetermined, never a guess, with the missing facts named", () => {
    const c = only(run({ 客户: [CUSTOMER_HEADER, customer()] }));
    expect(c.stage).toBe("undetermined");
    expect(c.missingFacts).toContain("bought");
  });

  test("skipped rules are listed: a buyer without interactions data lacks the care response", () => {
    const c = only(run({ 客户: [CUSTOMER_HEADER, customer()], 订单: [ORDERS, ["C1", ago(40), 100]] }));
    // 40 days without an order, but no Interactions table: rule 2's first condition cannot be decided.
    expect(c.stage).toBe("成交客户");
    expect(c.missingFacts).toEqual(expect.arrayContaining(["careResponse", "interactionTrend"]));
  });
});

describe("分类表 cooperation stage", () => {
  test("churn after a year without cooperation: 366 days 流失, 365 days 成交", () => {
    const at = (n: number) => only(run({ 客户: [CUSTOMER_HEADER, customer()], 订单: [ORDERS, ["C1", ago(n), 100]] }));
    expect(at(366).coopStage).toBe("流失");
    expect(at(365).coopStage).toBe("成交");
    // The lifecycle stage uses its own 90-day window: both are 流失客户 there.
    expect(at(365).stage).toBe("流失客户");
  });

  test("prospect and interested", () => {
    expect(only(run({ 客户: [[...CUSTOMER_HEADER, "客户状态标签", "近6个月消费金额(元)"], customer("C1", ["", 0])] })).coopStage).toBe("潜在");
    expect(only(run({ 客户: [[...CUSTOMER_HEADER, "客户状态标签", "近6个月消费金额(元)"], customer("C1", ["有需求", 0])] })).coopStage).toBe("意向");
  });
});

describe("rules table changes the thresholds", () => {
  test("stage.churnDays = 60 churns at 61 days", () => {
    const res = run({
      客户: [CUSTOMER_HEADER, customer()],
      订单: [ORDERS, ["C1", ago(61), 100]],
      CRM规则: [["参数", "值"], ["stage.churnDays", 60]],
    });
    expect(only(res).stageRule).toBe("churned.noContact");
    expect(res.findings.filter((f) => f.code === "BAD_RULE")).toHaveLength(0);
  });
});

describe("StageFactsTable: every customer's stage facts in typed arrays", () => {
  const tri = fc.constantFrom(true, false, null);
  const day = fc.option(fc.integer({ min: -30_000, max: 80_000 }), { nil: null });
  const real = fc.option(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e9, max: 1e9 }), { nil: null });
  const facts = fc.record({
    terminated: tri, bought: tri, lastOrder: day, lastContact: day, careResponse: tri, interactionDrop: tri, renewalUnanswered: tri,
    competitor: tri, recentOrders: fc.option(fc.nat(10_000), { nil: null }), repurchase6m: real, satisfaction: real, interested: tri,
  });
  test("gives back exactly the facts it was given, for every customer (nulls, -0, fractions)", () => {
    fc.assert(
      fc.property(fc.array(facts, { minLength: 1, maxLength: 40 }), (list) => {
        const table = new StageFactsTable(list.length);
        list.forEach((f, c) => table.set(c, f));
        list.forEach((f, c) => expect(table.at(c)).toEqual(f));
      }),
      { numRuns: 300 },
    );
  });
});
