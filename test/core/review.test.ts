// Review aggregates (DOMAIN.md section 8) on a hand-built population whose figures are counted by hand.
import { buildReview, runPipeline } from "../../src/core";
import { ago, book, D, run } from "./book";

const HEADER = ["客户编号", "客户名称", "联系人", "首次触达时间", "行业", "企业规模", "负责人", "客户状态标签", "年度采购总额(万元)", "流失原因", "终止合作日期"];
const ORDERS = ["客户编号", "下单日期", "金额(元)"];

// Ten customers. Stages by construction (D = 2024-06-30):
//   P1, P2 prospects (nothing bought, no interest)      I1 interested (tag 意向)
//   W1, W2 won (one order 5 days ago)                    S1, S2 stable (two orders in 3 months)
//   C1, C2, C3 churned (terminated), reasons: 价格、服务响应慢 / 价格 / 竞品
const rows = [
  ["P1", "甲", "王", "2024-01-01", "制造业", "50人", "张三", "", 0, "", ""],
  ["P2", "乙", "王", "2024-01-01", "零售业", "20人", "李四", "", 0, "", ""],
  ["I1", "丙", "王", "2024-01-01", "制造业", "50人", "张三", "意向", 0, "", ""],
  ["W1", "丁", "王", "2024-01-01", "制造业", "200人", "张三", "", 12, "", ""],
  ["W2", "戊", "王", "2024-01-01", "IT", "200人", "李四", "", 8, "", ""],
  ["S1", "己", "王", "2024-01-01", "制造业", "500人", "张三", "", 120, "", ""],
  ["S2", "庚", "王", "2024-01-01", "IT", "50人", "李四", "", 60, "", ""],
  ["C1", "辛", "王", "2024-01-01", "零售业", "20人", "张三", "", 5, "价格、服务响应慢", ago(20)],
  ["C2", "壬", "王", "2024-01-01", "零售业", "20人", "李四", "", 5, "价格", ago(40)],
  ["C3", "癸", "王", "2024-01-01", "IT", "50人", "张三", "", 5, "竞品", ago(60)],
];
const orders = [["W1", ago(5), 100], ["W2", ago(5), 100], ["S1", ago(5), 100], ["S1", ago(40), 100], ["S2", ago(10), 100], ["S2", ago(50), 100]];
const tasks = [
  ["任务", "客户编号", "负责人", "截止时间", "状态", "流失原因"],
  // W1 is won, not churned: the 流失原因 its task notes lost nobody and is not counted (DOMAIN.md section 8).
  ["回访", "W1", "张三", ago(3), "已完成", "价格"],
  ["方案", "I1", "张三", ago(2), "进行中", ""],
  ["调研", "C1", "张三", ago(-5), "未开始", "竞品"],
  ["回访", "S2", "李四", ago(1), "已完成", ""],
];
const plan = [
  ["任务名称", "策略关联", "执行负责人", "开始时间", "截止时间", "状态", "完成时间"],
  ["客户经理名单确定", "高价值客户专属服务", "张三", "2024-06-01", "2024-06-10", "已完成", "2024-06-12"],
  ["服务标准制定", "高价值客户专属服务", "李四", "2024-06-05", "2024-06-20", "进行中", null],
  ["客户对接名单确认", "高价值客户专属服务", "张三", "2024-06-10", "2024-07-15", "未开始", null],
];

const res = run({ 客户: [HEADER, ...rows], 订单: [ORDERS, ...orders], 跟进任务: tasks, 执行计划: plan });
const review = buildReview(res);

test("stages come out as constructed", () => {
  expect(Object.fromEntries(review.stageCounts.map((s) => [s.stage, s.count]))).toEqual({
    潜在客户: 2, 意向客户: 1, 成交客户: 2, 稳定客户: 2, 流失风险客户: 0, 流失客户: 3, undetermined: 0,
  });
});

test("funnel: reached counts 10 → 8 → 7 → 2; churned customers had reached 成交", () => {
  // Reached 潜在: all 10. 意向: everyone but P1, P2 = 8. 成交: W1 W2 S1 S2 C1 C2 C3 = 7. 稳定: S1 S2 = 2.
  expect(review.funnel.map((f) => [f.reachedFrom, f.reachedTo])).toEqual([[10, 8], [8, 7], [7, 2]]);
  expect(review.funnel[1].rate).toBeCloseTo(7 / 8, 12);
  expect(review.retention).toBeCloseTo(2 / 7, 12);
  expect(review.churnRate).toBeCloseTo(3 / 7, 12);
});

test("churn reasons TOP 3 over churned customers only, each reason once per customer", () => {
  // C1: its own 价格、服务响应慢 and its task's 竞品; C2: 价格; C3: 竞品 → 价格 2, 竞品 2, 服务响应慢 1 (ties in code
  // order: 价 U+4EF7 before 竞 U+7ADE). W1 is won: its task's 价格 is left out, else 价格 would count 3.
  expect(review.churnReasonsTop3).toEqual([
    { reason: "价格", count: 2 },
    { reason: "竞品", count: 2 },
    { reason: "服务响应慢", count: 1 },
  ]);
});

test("industry × value tier and high-value customers over 10万元", () => {
  const manufacturing = review.industryByValueTier.find((r) => r.industry === "制造业")!;
  // 制造业: P1, I1, W1, S1. A filled 年度采购总额 is the user's statement and wins over the Orders table
  // (DOMAIN.md section 1, revised): P1 0, I1 0, W1 12万 → 普通客户; S1 120万 → 战略客户.
  expect(manufacturing.total).toBe(4);
  expect(manufacturing.counts["普通客户"]).toBe(3);
  expect(manufacturing.counts["战略客户"]).toBe(1);
  // Over 10万元: W1 12万, S1 120万, S2 60万; W2's 8万 and the churned C1–C3's 5万 are not.
  expect(review.highValue.count).toBe(3);
});

test("follow-up efficiency: completion 2/4, one overdue open task", () => {
  expect(review.followUp.tasks).toBe(4);
  expect(review.followUp.tasksDone).toBe(2);
  expect(review.followUp.completionRate).toBe(0.5);
  // 方案 due 2 days ago and still in progress; 调研 is due in 5 days.
  expect(review.followUp.overdueTasks).toBe(1);
  const zhang = review.followUp.byOwner.find((o) => o.owner === "张三")!;
  expect([zhang.customers, zhang.tasks, zhang.done, zhang.overdue]).toEqual([6, 3, 1, 1]);
});

test("execution plan: 1 of 3 done (late), one open past due; Gantt rows keep the dates", () => {
  expect(review.plan.tasks).toBe(3);
  expect(review.plan.done).toBe(1);
  expect(review.plan.overdue).toBe(1);
  expect(review.plan.gantt.map((g) => [g.task, g.start, g.due, g.late])).toEqual([
    ["客户经理名单确定", "2024-06-01", "2024-06-10", true],
    ["服务标准制定", "2024-06-05", "2024-06-20", true],
    ["客户对接名单确认", "2024-06-10", "2024-07-15", false],
  ]);
});

test("a churn reason is counted once per customer, from its own row and its tasks together", () => {
  // C2 says 价格 on its row and again in a task: still one customer lost to 价格 there; C3's task adds 价格 too.
  const withTasks = run({
    客户: [HEADER, ...rows],
    订单: [ORDERS, ...orders],
    跟进任务: [["任务", "客户编号", "状态", "流失原因"], ["流失回访", "C2", "已完成", "价格"], ["流失回访", "C3", "已完成", "价格"]],
  });
  expect(buildReview(withTasks).churnReasonsTop3[0]).toEqual({ reason: "价格", count: 3 });
});

test("the review made one customer at a time (customers: onDemand, as crm review runs it) equals the one over kept results", () => {
  const sheets = { 客户: [HEADER, ...rows], 订单: [ORDERS, ...orders], 跟进任务: tasks, 执行计划: plan };
  const onDemand = runPipeline(book(sheets), D, { customers: "onDemand" });
  expect(onDemand.customers).toHaveLength(0);
  expect(buildReview(onDemand)).toEqual(buildReview(res));
  expect(buildReview(onDemand).customers).toBe(10);
});

test("R × F grid: each customer with RFM scores counted once, in the row of its R score and the column of its F score", () => {
  // Counted here from the customers' own RFM scores: rows R5 … R1, columns F1 … F5.
  const expected = [5, 4, 3, 2, 1].map((r) => [1, 2, 3, 4, 5].map((f) => res.customers.filter((c) => c.rfm?.r === r && c.rfm?.f === f).length));
  expect(review.rfmGrid.map((g) => g.r)).toEqual([5, 4, 3, 2, 1]);
  expect(review.rfmGrid.map((g) => g.counts)).toEqual(expected);
  // RFM is over customers with an order in the window: W1, W2, S1, S2 (the orders above), so the grid holds 4.
  expect(review.rfmGrid.reduce((n, g) => n + g.counts.reduce((a, b) => a + b, 0), 0)).toBe(4);
});
