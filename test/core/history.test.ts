// The history sheet 「CRM变更历史」 read back (DOMAIN.md section 8a): entry days for W2 and W7 one day either side of
// their limits, the 进入阶段时间 a stale stage is told to take, the monthly at-risk moves, damaged rows, and the
// rows a run appends — every figure worked out by hand from the rows below. D = 2024-06-30.
import { buildReview, HISTORY_HEADER, HISTORY_ROLE, HISTORY_SHEET, runPipeline, type CellValue } from "../../src/core";
import { ago, book, CUSTOMER_HEADER, customer, D, type Grid } from "./book";

const ORDERS = ["客户编号", "下单日期", "金额(元)"];
/** A history sheet as apply writes it: the header, then rows [date, id, name, field, old, new, reason]. */
const history = (...rows: CellValue[][]): Grid => [[...HISTORY_HEADER], ...rows];
const row = (daysAgo: number, id: string, field: string, from: string | null, to: string | null): CellValue[] => [ago(daysAgo), id, `客户${id}`, field, from, to, "依据"];
const runWith = (sheets: Record<string, Grid>) => runPipeline(book(sheets), D);

describe("W2: the day a customer became 流失风险客户, from the history", () => {
  // A competitor noted → at risk now; its last order three days ago, so the 30-day rule gives no entry day, and
  // without the history W2 cannot be judged.
  const customers: Grid = [[...CUSTOMER_HEADER, "备注"], customer("C1", ["竞品接触"])];
  const orders: Grid = [ORDERS, ["C1", ago(3), 500]];
  const at = (h: Grid | null) => runWith({ 客户: customers, 订单: orders, ...(h ? { [HISTORY_SHEET]: h } : {}) }).customers[0];

  test("a recorded move 8 days ago with no retention action since: W2; 7 days ago: not yet", () => {
    const moved = (n: number) => at(history(row(40, "C1", "周期阶段", null, "成交客户"), row(n, "C1", "周期阶段", "成交客户", "流失风险客户")));
    expect(moved(8).stage).toBe("流失风险客户");
    expect(moved(8).warnings).toContain("W2");
    expect(moved(7).warnings).not.toContain("W2");
  });

  test("without the history, or when the history only began with the customer already at risk, the day is not known: no W2", () => {
    expect(at(null).warnings).not.toContain("W2");
    // The customer's first rows say it was at risk 30 days ago — since then or before: the window cannot be placed.
    expect(at(history(row(30, "C1", "周期阶段", null, "流失风险客户"))).warnings).not.toContain("W2");
  });

  test("a move the history has not recorded yet (the last run saw 成交客户) is entered today: no W2", () => {
    expect(at(history(row(40, "C1", "周期阶段", null, "成交客户"))).warnings).not.toContain("W2");
  });
});

describe("W7: the day a customer entered the watch tier, from the history", () => {
  // One indicator: C2 spends nothing → score 0 → 观察客户 (C1 spends, → 战略客户); C2 has no task, so no recovery plan.
  const customers: Grid = [[...CUSTOMER_HEADER, "近6个月消费金额(元)"], customer("C1", [10000]), customer("C2", [0])];
  const c2 = (h: Grid | null) => runWith({ 客户: customers, ...(h ? { [HISTORY_SHEET]: h } : {}) }).customers[1];

  test("moved into 观察客户 16 days ago: W7; 15 days ago: not yet, and the day is known", () => {
    const moved = (n: number) => c2(history(row(60, "C2", "评分等级", null, "普通客户"), row(n, "C2", "评分等级", "普通客户", "观察客户")));
    expect(moved(16).tier).toBe("观察客户");
    expect(moved(16).warnings).toContain("W7");
    expect(moved(15).warnings).not.toContain("W7");
    expect(moved(15).missingFacts).not.toContain("tierEntered");
  });

  test("already 观察客户 when the history began 16 days ago: entered then or before, so more than 15 days: W7", () => {
    expect(c2(history(row(16, "C2", "评分等级", null, "观察客户"))).warnings).toContain("W7");
  });

  test("already 观察客户 when the history began 15 days ago: it may have entered that day, so W7 cannot be judged", () => {
    const r = c2(history(row(15, "C2", "评分等级", null, "观察客户")));
    expect(r.warnings).not.toContain("W7");
    expect(r.missingFacts).toContain("tierEntered");
  });

  test("a recovery plan (an open task) answers W7", () => {
    const r = runWith({
      客户: customers,
      跟进任务: [["任务", "客户编号", "创建时间", "状态"], ["挽回计划", "C2", ago(40), "进行中"]],
      [HISTORY_SHEET]: history(row(60, "C2", "评分等级", null, "观察客户")),
    }).customers[1];
    expect(r.warnings).not.toContain("W7");
    expect(r.missingFacts).not.toContain("tierEntered");
  });
});

test("a stale recorded stage is told the 进入阶段时间 the history recorded for the computed stage", () => {
  const sheets = {
    客户: [[...CUSTOMER_HEADER, "当前周期阶段", "备注"], customer("C1", ["成交客户", "竞品接触"])],
    订单: [ORDERS, ["C1", ago(3), 500]],
  };
  const stale = (h: Grid | null) => runWith({ ...sheets, ...(h ? { [HISTORY_SHEET]: h } : {}) }).findings.find((f) => f.code === "STAGE_STALE")!;
  const withHistory = stale(history(row(40, "C1", "周期阶段", null, "成交客户"), row(12, "C1", "周期阶段", "成交客户", "流失风险客户")));
  expect(withHistory.fix).toContain(`进入阶段时间改为 ${ago(12)}(据变更历史)`);
  expect(withHistory.fixEn).toContain(`the day it was entered to ${ago(12)}`);
  expect(stale(null).fix).not.toContain("进入阶段时间");
});

test("damaged rows are BAD_HISTORY warnings at their cells and are skipped; the good rows still count", () => {
  const res = runWith({
    客户: [[...CUSTOMER_HEADER, "备注"], customer("C1", ["竞品接触"])],
    订单: [ORDERS, ["C1", ago(3), 500]],
    [HISTORY_SHEET]: history(
      row(40, "C1", "周期阶段", null, "成交客户"),
      ["上周", "C1", "客户C1", "周期阶段", "成交客户", "流失风险客户", "x"],
      [ago(9), null, null, "周期阶段", "成交客户", "流失风险客户", "x"],
      [ago(9), "C1", "客户C1", "行业", "制造", "零售", "x"],
      [ago(9), "C1", "客户C1", "周期阶段", "成交客户", "大客户", "x"],
      row(8, "C1", "周期阶段", "成交客户", "流失风险客户"),
      // A customer no longer in the book, and a later run's row: neither is damage.
      row(8, "C9", "周期阶段", null, "成交客户"),
      row(-5, "C1", "周期阶段", "流失风险客户", "流失客户"),
    ),
  });
  const bad = res.findings.filter((f) => f.code === "BAD_HISTORY");
  expect(bad.map((f) => f.address)).toEqual([`${HISTORY_SHEET}!A3`, `${HISTORY_SHEET}!B4`, `${HISTORY_SHEET}!D5`, `${HISTORY_SHEET}!F6`]);
  expect(bad.every((f) => f.severity === "warning" && f.message.includes("已跳过"))).toBe(true);
  expect(bad[0].message).toContain("“上周”无法识别");
  // Row 7 (8 days ago) is the move: W2 holds.
  expect(res.customers[0].warnings).toContain("W2");
  expect(res.history?.rows).toBe(2);
  expect(res.history?.laterRows).toBe(1);
  // A later run's row: this run appends nothing (the history only runs forward).
  expect(res.historyAppend().skipped).toBe("later");
});

test("the product's history sheet (by its mark) with a changed header: one BAD_HISTORY at the header, nothing read, nothing appended", () => {
  const h = history(row(40, "C1", "周期阶段", null, "成交客户"));
  h[0] = ["日期", "客户", "字段", "旧", "新"];
  const model = book({ 客户: [CUSTOMER_HEADER, customer("C1")] });
  model.sheets.push({ name: HISTORY_SHEET, cells: h, owned: true, role: HISTORY_ROLE });
  const res = runPipeline(model, D);
  expect(res.findings.filter((f) => f.code === "BAD_HISTORY").map((f) => f.address)).toEqual([`${HISTORY_SHEET}!A1`]);
  expect(res.historyAppend()).toMatchObject({ length: 0, skipped: "unreadable" });
  // Without the mark (a face that reads none), a sheet of that name without the header is not the history: nothing read.
  const unmarked = runWith({ 客户: [CUSTOMER_HEADER, customer("C1")], [HISTORY_SHEET]: h });
  expect(unmarked.history).toBeNull();
  expect(unmarked.findings.some((f) => f.code === "BAD_HISTORY")).toBe(false);
});

describe("the rows a run appends", () => {
  // C1 bought 3 days ago with a competitor noted: 流失风险客户; C2 is a prospect. One scoring indicator each.
  const customers: Grid = [[...CUSTOMER_HEADER, "近6个月消费金额(元)", "备注"], customer("C1", [10000, "竞品接触"]), customer("C2", [0, null])];
  const orders: Grid = [ORDERS, ["C1", ago(3), 500]];
  const rowsOf = (h: Grid | null) => {
    const res = runWith({ 客户: customers, 订单: orders, ...(h ? { [HISTORY_SHEET]: h } : {}) });
    const a = res.historyAppend();
    return { res, rows: Array.from({ length: a.length }, (_, k) => a.row(k)) };
  };

  test("the first run records every customer's fields that have a value, one row each, old value blank", () => {
    const { res, rows } = rowsOf(null);
    const [c1, c2] = res.customers;
    expect(c1.valueTier).toBeNull();
    expect(rows.map((r) => [r.id, r.field, r.from, r.to])).toEqual([
      ["C1", "周期阶段", "", "流失风险客户"], ["C1", "评分等级", "", c1.tier], ["C1", "风险等级", "", "高"],
      ["C2", "周期阶段", "", "潜在客户"], ["C2", "评分等级", "", "观察客户"], ["C2", "风险等级", "", c2.riskLevel],
    ]);
    expect(rows.every((r) => r.day === rows[0].day && r.name === `客户${r.id}`)).toBe(true);
    expect(rows[0].reason).toBe(`${c1.stageRule}：${c1.stageReason}`);
    expect(rows[1].reason).toBe(`评分 ${c1.score}`);
    // First contact 2023-01-10 and no interaction since: the follow-up is long overdue, beside the stage.
    expect(rows[2].reason).toBe("流失风险客户、跟进逾期");
  });

  test("a run after that appends only what changed; the same values again append nothing", () => {
    const first = rowsOf(null).rows;
    const written = history(...first.map((r) => [ago(10), r.id, r.name, r.field, r.from, r.to, r.reason]));
    expect(rowsOf(written).rows).toEqual([]);
    // C1's stage recorded as 成交客户 instead: this run records the move to 流失风险客户, from 成交客户.
    const edited = written.map((r) => (r[1] === "C1" && r[3] === "周期阶段" ? [r[0], r[1], r[2], r[3], "", "成交客户", r[6]] : r));
    expect(rowsOf(edited).rows.map((r) => [r.id, r.field, r.from, r.to])).toEqual([["C1", "周期阶段", "成交客户", "流失风险客户"]]);
  });
});

test("the review's monthly at-risk moves come from the history's recorded moves into 流失风险客户", () => {
  const res = runWith({
    客户: [[...CUSTOMER_HEADER, "备注"], customer("C1", ["竞品接触"]), customer("C2"), customer("C3", ["竞品接触"])],
    订单: [ORDERS, ["C1", ago(3), 500], ["C2", ago(3), 500], ["C3", ago(3), 500]],
    [HISTORY_SHEET]: history(
      // C1: at risk since a recorded move on 2024-04-10.
      ["2024-01-05", "C1", "客户C1", "周期阶段", null, "成交客户", ""], ["2024-04-10", "C1", "客户C1", "周期阶段", "成交客户", "流失风险客户", ""],
      // C2: was at risk in February (a recorded move), back to 成交客户 since March: counted in February.
      ["2024-01-05", "C2", "客户C2", "周期阶段", null, "成交客户", ""], ["2024-02-20", "C2", "客户C2", "周期阶段", "成交客户", "流失风险客户", ""],
      ["2024-03-02", "C2", "客户C2", "周期阶段", "流失风险客户", "成交客户", ""],
      // C3: already at risk when its history began: no day of its move, undated.
      ["2024-01-05", "C3", "客户C3", "周期阶段", null, "流失风险客户", ""],
    ),
  });
  expect(res.customers.map((c) => c.stageKey)).toEqual(["atRisk", "won", "atRisk"]);
  const review = buildReview(res);
  const atRisk = Object.fromEntries(review.monthly.filter((m) => m.atRisk > 0).map((m) => [m.month, m.atRisk]));
  expect(atRisk).toEqual({ "2024-02": 1, "2024-04": 1 });
  expect(review.monthlyUndated.atRisk).toBe(1);
  // C1's timeline, oldest first.
  expect(res.history!.timeline(0).map((e) => [e.date, e.from, e.to, e.row])).toEqual([["2024-01-05", null, "成交客户", 2], ["2024-04-10", "成交客户", "流失风险客户", 3]]);
});

test("a run whose rows would pass Excel's last row appends nothing and says so", () => {
  // The history's last row is 1,048,570: six rows of room. A customer not yet recorded adds at least 2 rows (stage
  // and risk always have a value); here each adds 3 (stage, score tier, risk; no annual purchase, no value tier).
  const h: Grid = Array.from({ length: 1_048_570 }, () => []);
  h[0] = [...HISTORY_HEADER];
  h[1_048_569] = row(10, "C0", "周期阶段", null, "潜在客户");
  const sheets = (n: number) => ({
    客户: [[...CUSTOMER_HEADER, "近6个月消费金额(元)"], ...Array.from({ length: n }, (_, k) => customer(`C${k + 1}`, [k * 100]))],
    [HISTORY_SHEET]: h,
  });
  // Four customers need at least 8 rows: refused before any is looked at.
  expect(runWith(sheets(4)).historyAppend()).toMatchObject({ length: 0, skipped: "full" });
  // Three need at least 6, which fits, but they make 9: refused as the rows pass the room.
  expect(runWith(sheets(3)).historyAppend()).toMatchObject({ length: 0, skipped: "full" });
  // Two make 6: they fit exactly.
  expect(runWith(sheets(2)).historyAppend()).toMatchObject({ length: 6, skipped: null });
});

test("an id or name holding a full phone number is written masked, and the customer is still found by it", () => {
  const customers: Grid = [CUSTOMER_HEADER, ["13812345678", "王老板 13900001111", "王", ago(30)], ["C2", "乙公司", "李", ago(30)]];
  const first = runWith({ 客户: customers }).historyAppend();
  const rows = Array.from({ length: first.length }, (_, k) => first.row(k));
  expect(rows[0]).toMatchObject({ id: "138****5678", name: "王老板 139****1111" });
  expect(rows.some((r) => /13812345678|13900001111/.test(`${r.id}${r.name}${r.reason}`))).toBe(false);
  const written = history(...rows.map((r) => [ago(5), r.id, r.name, r.field, r.from, r.to, r.reason]));
  const again = runWith({ 客户: customers, [HISTORY_SHEET]: written });
  expect(again.historyAppend().length).toBe(0);
  expect(again.history!.timeline(0).length).toBe(rows.filter((r) => r.id === "138****5678").length);
});

test("two customers sharing an id (DUPLICATE_ID, each its own customer) are told apart by name: a second run adds nothing", () => {
  const customers: Grid = [CUSTOMER_HEADER, ["C1", "甲公司", "王", ago(30)], ["C1", "乙公司", "李", ago(30)]];
  const first = runWith({ 客户: customers }).historyAppend();
  const rows = Array.from({ length: first.length }, (_, k) => first.row(k));
  const again = runWith({ 客户: customers, [HISTORY_SHEET]: history(...rows.map((r) => [ago(5), r.id, r.name, r.field, r.from, r.to, r.reason])) });
  expect(again.historyAppend().length).toBe(0);
  expect(again.history!.timeline(1).length).toBe(rows.filter((r) => r.name === "乙公司").length);
});
