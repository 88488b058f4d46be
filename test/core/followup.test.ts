// Warnings W1–W7, next follow-up and reminders (DOMAIN.md section 7), and the classification of section 6,
// each with hand-worked dates around its threshold. D = 2024-06-30.
import { DEFAULT_RULES, toDay, warningsOf } from "../../src/core";
import { ago, CUSTOMER_HEADER, customer, D, only, run } from "./book";

const ORDERS = ["客户编号", "下单日期", "金额(元)"];
const INTERACTIONS = ["客户编号", "维护时间", "维护方式", "维护内容", "客户反馈"];
const after = (n: number) => ago(-n);

describe("warnings", () => {
  test("W1: recorded 稳定客户, no order for 31 days and no response to care; 30 days: no W1", () => {
    const at = (n: number) =>
      only(run({ 客户: [[...CUSTOMER_HEADER, "当前周期阶段"], customer("C1", ["稳定"])], 订单: [ORDERS, ["C1", ago(n), 500]], 维护记录: [INTERACTIONS, ["C1", ago(2), "电话沟通", "回访", "消极"]] }));
    expect(at(31).warnings).toContain("W1");
    expect(at(30).warnings).not.toContain("W1");
    // W1 makes the risk level 高.
    expect(at(31).riskLevel).toBe("高");
  });

  test("W2: at risk since E (recorded), no retention action in [E, E+7]", () => {
    // Competitor noted → at risk; recorded as 流失风险 since E = D−20. An interaction on E+7 is in time, E+8 is late.
    const E = 20;
    const at = (actionDaysAgo: number) =>
      only(
        run({
          客户: [[...CUSTOMER_HEADER, "当前周期阶段", "进入阶段时间", "备注"], customer("C1", ["流失风险", ago(E), "竞品接触"])],
          订单: [ORDERS, ["C1", ago(3), 500]],
          维护记录: [INTERACTIONS, ["C1", ago(actionDaysAgo), "电话沟通", "挽留沟通", "中性"]],
        }),
      );
    expect(at(E - 7).warnings).not.toContain("W2");
    expect(at(E - 8).warnings).toContain("W2");
    // A follow-up task created within the 7 days is a retention action too.
    const withTask = only(
      run({
        客户: [[...CUSTOMER_HEADER, "当前周期阶段", "进入阶段时间", "备注"], customer("C1", ["流失风险", ago(E), "竞品接触"])],
        订单: [ORDERS, ["C1", ago(3), 500]],
        跟进任务: [["任务", "客户编号", "创建时间", "状态"], ["挽留方案", "C1", ago(E - 2), "进行中"]],
      }),
    );
    expect(withTask.warnings).not.toContain("W2");
  });

  test("W3: won customer whose last order is on or before D − 3 months (2024-03-30)", () => {
    // A recent positive interaction keeps the business contact alive (no churn at 90 days) and answers care
    // (no risk from the order gap), so the stage stays 成交客户 while orders have stopped.
    const at = (d: string) => only(run({ 客户: [CUSTOMER_HEADER, customer()], 订单: [ORDERS, ["C1", d, 500]], 维护记录: [INTERACTIONS, ["C1", ago(5), "电话沟通", "回访", "积极"]] }));
    expect(at("2024-03-30").warnings).toContain("W3");
    expect(at("2024-03-31").warnings).not.toContain("W3");
    expect(at("2024-03-31").stage).toBe("成交客户");
  });

  test("W5 and STAGE_STALE: recorded stage differs from the computed one", () => {
    const res = run({ 客户: [[...CUSTOMER_HEADER, "当前周期阶段"], customer("C1", ["潜在"])], 订单: [ORDERS, ["C1", ago(5), 500]] });
    expect(only(res).warnings).toContain("W5");
    const stale = res.findings.filter((f) => f.code === "STAGE_STALE");
    expect(stale).toHaveLength(1);
    expect(stale[0].address).toBe("客户!E2");
    expect(stale[0].severity).toBe("warning");
    expect(stale[0].message).toContain("成交客户");
    // Recorded = computed: no warning.
    const same = run({ 客户: [[...CUSTOMER_HEADER, "当前周期阶段"], customer("C1", ["成交客户"])], 订单: [ORDERS, ["C1", ago(5), 500]] });
    expect(only(same).warnings).not.toContain("W5");
  });

  test("W6: grade A follows up every 7 days; last interaction 8 days ago is overdue, 7 is not", () => {
    const at = (n: number) =>
      only(run({ 客户: [[...CUSTOMER_HEADER, "客户等级(A/B/C)"], customer("C1", ["A"])], 订单: [ORDERS, ["C1", ago(3), 100]], 维护记录: [INTERACTIONS, ["C1", ago(n), "电话沟通", "回访", "积极"]] }));
    expect(at(8).overdue).toBe(true);
    expect(at(8).nextFollowUp).toBe(ago(1));
    expect(at(8).warnings).toContain("W6");
    expect(at(7).overdue).toBe(false);
    expect(at(7).nextFollowUp).toBe(ago(0));
  });

  test("cadence by grade: B every 14 days, C every 30", () => {
    const next = (grade: string) =>
      only(run({ 客户: [[...CUSTOMER_HEADER, "客户等级(A/B/C)"], customer("C1", [grade])], 订单: [ORDERS, ["C1", ago(3), 100]], 维护记录: [INTERACTIONS, ["C1", ago(10), "电话沟通", "回访", "积极"]] })).nextFollowUp;
    expect(next("B")).toBe(after(4));
    expect(next("C")).toBe(after(20));
  });

  // DOMAIN.md section 7: W7 "evaluated only when the day of entering the tier is known … otherwise it is listed among
  // the missing facts, never guessed".
  test("W7: a watch-tier customer without a recovery plan 15 days after entering the tier", () => {
    const base = {
      stage: "won" as const, recordedStage: null, stageEntered: null, lastOrder: null, careResponse: null, interactionDrop: null,
      overdue: false, tier: "watch" as const, actionDays: [], hasRecoveryPlan: false,
    };
    const day = toDay(D);
    // 16 days in the tier without a plan: W7. 15 days: the deadline has not passed yet.
    expect(warningsOf({ ...base, tierEntered: day - 16 }, day, DEFAULT_RULES)).toContain("W7");
    expect(warningsOf({ ...base, tierEntered: day - 15 }, day, DEFAULT_RULES)).not.toContain("W7");
    expect(warningsOf({ ...base, tierEntered: day - 60, hasRecoveryPlan: true }, day, DEFAULT_RULES)).not.toContain("W7");
    expect(warningsOf({ ...base, tierEntered: day - 60, tier: "regular" }, day, DEFAULT_RULES)).not.toContain("W7");
    // The entry day unknown: no W7, whatever else holds.
    expect(warningsOf({ ...base, tierEntered: null }, day, DEFAULT_RULES)).not.toContain("W7");
  });

  test("W7 without the tier's entry day: not evaluated, listed among the missing facts", () => {
    // Two customers, one indicator: C2 spends nothing → normalised 0 → score 0 → 观察客户.
    const res = run({ 客户: [[...CUSTOMER_HEADER, "近6个月消费金额(元)"], customer("C1", [10000]), customer("C2", [0])] });
    expect(res.customers[1].tier).toBe("观察客户");
    expect(res.customers[1].warnings).not.toContain("W7");
    expect(res.customers[1].missingFacts).toContain("tierEntered");
    expect(res.customers[0].missingFacts).not.toContain("tierEntered");
  });

});

describe("reminders", () => {
  test("contract end within 30 days", () => {
    const at = (n: number) => only(run({ 客户: [[...CUSTOMER_HEADER, "合同到期日"], customer("C1", [after(n)])] })).reminders;
    expect(at(30)).toEqual([expect.objectContaining({ type: "contractEnd", date: after(30), daysLeft: 30 })]);
    expect(at(31)).toEqual([]);
  });

  test("birthday on the day, every year", () => {
    expect(only(run({ 客户: [[...CUSTOMER_HEADER, "生日/周年庆"], customer("C1", ["1980-06-30"])] })).reminders.map((r) => r.type)).toEqual(["birthday"]);
    expect(only(run({ 客户: [[...CUSTOMER_HEADER, "生日/周年庆"], customer("C1", ["1980-07-01"])] })).reminders).toEqual([]);
  });

  test("renewal key date with its own lead days", () => {
    const at = (n: number) =>
      only(run({ 客户: [CUSTOMER_HEADER, customer()], 关键节点: [["客户编号", "节点类型", "日期", "提前天数"], ["C1", "续约", after(n), 10]] })).reminders;
    expect(at(10)).toHaveLength(1);
    expect(at(11)).toHaveLength(0);
  });
});

describe("classification", () => {
  test("value tier by annual purchase in 万元: 100 → 战略, 99.99 → 重点, 50 → 重点, 49.99 → 普通", () => {
    const tier = (v: number | string) => only(run({ 客户: [[...CUSTOMER_HEADER, "年度采购总额(万元)"], customer("C1", [v])] })).valueTier;
    expect(tier(100)).toBe("战略客户");
    expect(tier(99.99)).toBe("重点客户");
    expect(tier(50)).toBe("重点客户");
    expect(tier(49.99)).toBe("普通客户");
    // A value with its own unit keeps it: 120000元 is 12万 → 普通.
    expect(tier("120000元")).toBe("普通客户");
  });

  test("closeness: interactions per month over the last 3 months (6 → 2/month 紧密型, 5 → 稳定型, 2 → 一般型)", () => {
    const rows = (k: number) => Array.from({ length: k }, (_, i) => ["C1", ago(5 + i * 10), "电话沟通", "回访", "积极"]);
    const closeness = (k: number) => only(run({ 客户: [CUSTOMER_HEADER, customer()], 维护记录: [INTERACTIONS, ...rows(k)] })).closeness;
    expect(closeness(6)).toBe("紧密型");
    expect(closeness(5)).toBe("稳定型");
    expect(closeness(3)).toBe("稳定型");
    expect(closeness(2)).toBe("一般型");
  });

  test("tags: 待激活 without an interaction in 3 months; 忠诚客户 needs 3 years and closeness or stability", () => {
    const inactive = only(run({ 客户: [[...CUSTOMER_HEADER, "最近互动时间"], customer("C1", ["2024-03-30"])] }));
    expect(inactive.tags).toContain("待激活");
    const active = only(run({ 客户: [[...CUSTOMER_HEADER, "最近互动时间"], customer("C1", ["2024-03-31"])] }));
    expect(active.tags).not.toContain("待激活");

    const loyal = (start: string) =>
      only(run({ 客户: [[...CUSTOMER_HEADER, "合作起始时间"], customer("C1", [start])], 订单: [ORDERS, ["C1", ago(5), 100], ["C1", ago(20), 100]] })).tags;
    // Stable (2 orders in 3 months) and 3 years: 2021-06-29 is 1,097 days = 3.003 years before D.
    expect(loyal("2021-06-29")).toContain("忠诚客户");
    expect(loyal("2022-06-30")).not.toContain("忠诚客户");
  });

  test("potential grade A gives 高潜力; customer grade comes from the score tier when not entered", () => {
    const c = only(run({ 客户: [[...CUSTOMER_HEADER, "潜力等级(A/B/C)", "近6个月消费金额(元)"], customer("C1", ["A", 100])] }));
    expect(c.tags).toContain("高潜力");
    // One customer, one constant indicator → normalised 1 → score 100 → 战略客户 → grade A.
    expect(c.score).toBe(100);
    expect(c.tier).toBe("战略客户");
    expect(c.grade).toBe("A");
  });

  // DOMAIN.md section 6: "A churned customer (流失客户) has risk level 已流失 and neither the 风险客户 nor the 待激活 tag".
  test("risk level: 已流失 for a churned customer, without the 风险客户 and 待激活 tags; 高 for one at risk", () => {
    const c = only(run({ 客户: [[...CUSTOMER_HEADER, "最近下单时间", "最近互动时间"], customer("C1", [ago(200), ago(200)])] }));
    expect(c.stage).toBe("流失客户");
    expect(c.riskLevel).toBe("已流失");
    expect(c.tags).not.toContain("风险客户");
    expect(c.tags).not.toContain("待激活");
    // A competitor contact recorded for a customer who bought 10 days ago: at risk.
    const atRisk = only(run({ 客户: [[...CUSTOMER_HEADER, "客户状态标签"], customer("C1", ["竞品接触"])], 订单: [ORDERS, ["C1", ago(10), 100]] }));
    expect(atRisk.stage).toBe("流失风险客户");
    expect(atRisk.riskLevel).toBe("高");
    expect(atRisk.tags).toContain("风险客户");
  });

  test("risk level: 中 for 待激活 or the 观察 tier, 低 otherwise", () => {
    const res = run({ 客户: [[...CUSTOMER_HEADER, "近6个月消费金额(元)", "最近互动时间", "客户等级(A/B/C)"], customer("C1", [10000, ago(2), "C"]), customer("C2", [0, ago(2), "C"])] });
    expect(res.customers[0].riskLevel).toBe("低");
    expect(res.customers[1].riskLevel).toBe("中");
  });

  test("four quadrants split at the population medians", () => {
    // Value = spend; potential = growth. Medians of (0, 10, 20, 30) are 15 on both.
    const rows = [
      ["C1", 30, "30%"],
      ["C2", 0, "30%"],
      ["C3", 30, "0%"],
      ["C4", 0, "0%"],
      ["C5", 10, "10%"],
      ["C6", 20, "20%"],
    ];
    const res = run({ 客户: [[...CUSTOMER_HEADER, "近6个月消费金额(元)", "所属行业增长率"], ...rows.map(([id, s, g]) => customer(id as string, [s, g]))] });
    expect(res.customers.map((c) => c.quadrant)).toEqual(["高价值高潜力", "低价值高潜力", "高价值低潜力", "低价值低潜力", "低价值低潜力", "高价值高潜力"]);
  });
});

test("each customer carries its stage's standard actions and its tier's tracking rhythm", () => {
  const c = only(run({ 客户: [[...CUSTOMER_HEADER, "近6个月消费金额(元)"], customer("C1", [100])], 订单: [ORDERS, ["C1", ago(5), 100]] }));
  // Won (one order) and score 100 (a lone customer normalises to 1): 7-day return visit; quarterly strategy meeting.
  expect(c.nextAction).toContain("7日内完成首次回访");
  expect(c.tracking).toContain("季度战略对齐会议");
});
