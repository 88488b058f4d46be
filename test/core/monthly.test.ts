// The review's monthly moves (DOMAIN.md section 8a: monthly new / won / churned), on a hand-built population
// whose days are worked out by hand from the rules in pipeline.ts customerMoves. As of 2024-06-30 the twelve
// months are 2023-07 … 2024-06.
import { buildReview } from "../../src/core";
import { D, run } from "./book";

const HEADER = ["客户编号", "客户名称", "联系人", "首次触达时间", "合作起始时间", "终止合作日期", "年度采购总额(万元)", "当前周期阶段", "进入阶段时间", "客户状态标签"];
const rows = [
  // A prospect first contacted in June.
  ["A", "甲", "王", "2024-06-03", null, null, null, null, null, null],
  // No first-contact date: its earliest interaction (2024-04-10) stands for it → new in April.
  ["B", "乙", "王", null, null, null, null, null, null, null],
  // First contacted before the window: in no month, and not undated either.
  ["C", "丙", "王", "2023-05-01", null, null, null, null, null, null],
  // Won: 合作起始时间 (Feb) comes before its first order (June); new in January.
  ["W1", "丁", "王", "2024-01-10", "2024-02-15", null, null, null, null, null],
  // Stable (two orders in three months), so won too; no 合作起始时间: its first order, 2024-05-20 → May.
  ["W2", "戊", "王", "2024-01-10", null, null, null, null, null, null],
  // Terminated on 2024-03-31 (churned in March); won at its first order, 2023-12-01.
  ["T", "己", "王", "2023-10-10", null, "2024-03-31", null, null, null, null],
  // Silent since its last order on 2024-01-01: more than 90 days from 2024-04-01 on (day 91; day 90 would be March 31)
  // → churned in April; won in January.
  ["S", "庚", "王", "2023-10-10", null, null, null, null, null, null],
  // Bought (annual spend) with no date anywhere: won, but when is not known → undated.
  ["U", "辛", "王", "2023-10-10", null, null, 50, null, null, null],
  // Won with no date but a recorded stage 成交客户 entered on 2024-05-05, which is the computed stage → won in May.
  ["E", "壬", "王", "2023-10-10", null, null, 20, "成交客户", "2024-05-05", null],
  // Terminated by its status tag with no date, recorded 流失客户 since 2024-02-02 → churned in February. Its recorded
  // stage is the computed one; it bought (annual spend) without a date: won undated.
  ["X", "癸", "王", "2023-10-10", null, null, 10, "流失客户", "2024-02-02", "终止合作"],
];
const ORDERS = [["客户编号", "下单日期", "金额(元)"], ["W1", "2024-06-20", 100], ["W2", "2024-05-20", 100], ["W2", "2024-06-25", 100], ["T", "2023-12-01", 100], ["S", "2024-01-01", 100]];
const INTERACTIONS = [["客户编号", "维护时间", "维护方式", "维护内容", "客户反馈"], ["B", "2024-05-01", "电话", "介绍", "中性"], ["B", "2024-04-10", "电话", "介绍", "中性"]];

const res = run({ 客户: [HEADER, ...rows], 订单: ORDERS, 维护记录: INTERACTIONS });
const review = buildReview(res);
const stageOf = (id: string) => res.customers.find((c) => c.id === id)!.stageKey;

test("the population's stages are as built", () => {
  expect(["A", "B", "C", "W1", "W2", "T", "S", "U", "E", "X"].map(stageOf)).toEqual(["prospect", "prospect", "prospect", "won", "stable", "churned", "churned", "won", "won", "churned"]);
});

test("twelve months up to the as-of month, each move counted in the month its day falls in", () => {
  expect(review.asOf).toBe(D);
  expect(review.monthly.map((m) => m.month)).toEqual(["2023-07", "2023-08", "2023-09", "2023-10", "2023-11", "2023-12", "2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]);
  const by = Object.fromEntries(review.monthly.map((m) => [m.month, [m.new, m.won, m.churned]]));
  expect(by).toEqual({
    "2023-07": [0, 0, 0], "2023-08": [0, 0, 0], "2023-09": [0, 0, 0],
    // T S U E X first contacted in October.
    "2023-10": [5, 0, 0], "2023-11": [0, 0, 0],
    // T's first order.
    "2023-12": [0, 1, 0],
    // W1 W2 contacted; S's first order.
    "2024-01": [2, 1, 0],
    // W1's 合作起始时间; X recorded 流失客户 since 2024-02-02.
    "2024-02": [0, 1, 1],
    // T terminated.
    "2024-03": [0, 0, 1],
    // B's earliest interaction; S's 91st silent day (2024-01-01 + 91 = 2024-04-01).
    "2024-04": [1, 0, 1],
    // W2's first order; E recorded 成交客户 since 2024-05-05.
    "2024-05": [0, 2, 0],
    // A.
    "2024-06": [1, 0, 0],
  });
  // Won without a day: U and X (annual spend only). Every customer has a first-contact day; C's is before the window.
  expect(review.monthlyUndated).toEqual({ new: 0, won: 2, atRisk: 0, churned: 0 });
});
