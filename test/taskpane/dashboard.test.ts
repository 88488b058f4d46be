/**
 * @jest-environment jsdom
 */
// The dashboard after validate or apply: every figure shown is the hand-made DASHBOARD's (test/taskpane/fixtures.ts),
// drawn by the real @fluentui/react-charts charts; a churn-risk or overdue customer selects its row.
import { fireEvent, screen, within } from "@testing-library/react";
import { DASHBOARD, mockActions, renderApp, VALIDATE_OUTCOME } from "./fixtures";

// The dashboard is loaded lazily (its own chunk in the build): load the module once up front so each test waits
// only for the render.
beforeAll(async () => {
  await import("../../src/taskpane/panels/Dashboard");
});

async function validated(lang: "zh" | "en" = "zh") {
  const actions = mockActions();
  renderApp({ actions, lang });
  fireEvent.click(screen.getByRole("button", { name: lang === "zh" ? /^校验/ : /^Validate/ }));
  await screen.findByTestId("dashboard", undefined, { timeout: 10_000 });
  return actions;
}

/** The accessible names the charts give their segments, arcs and bars: "潜在客户, 30.". */
function chartLabels(section: HTMLElement): string[] {
  return [...section.querySelectorAll("[aria-label]")].map((e) => e.getAttribute("aria-label") ?? "");
}

describe("dashboard", () => {
  test("the funnel shows every stage's count from the outcome, in funnel order, and the undetermined count", async () => {
    await validated();
    const stages = screen.getByTestId("dashboard-stages");
    const segments = chartLabels(stages).filter((l) => /, \d+\.$/.test(l));
    expect(segments).toEqual(["潜在客户, 30.", "意向客户, 25.", "成交客户, 20.", "稳定客户, 8.", "流失风险客户, 10.", "流失客户, 5."]);
    // The numbers are drawn in the segments too.
    const drawn = [...stages.querySelectorAll("svg text")].map((e) => e.textContent);
    for (const n of ["30", "25", "20", "8", "10", "5"]) expect(drawn).toContain(n);
    expect(within(stages).getByText("无法判定阶段:2 位")).toBeTruthy();
    expect(screen.getByText("共 100 位客户")).toBeTruthy();
  });

  test("tiers: one donut arc per tier with its count; the scored total in the middle", async () => {
    await validated();
    const tiers = screen.getByTestId("dashboard-tiers");
    const arcs = chartLabels(tiers).filter((l) => /, \d+\.$/.test(l));
    expect(arcs).toEqual(["战略客户, 5.", "重点客户, 15.", "普通客户, 50.", "观察客户, 20.", "未评分, 10."]);
    // 5 + 15 + 50 + 20 scored (未评分 excluded).
    expect([...tiers.querySelectorAll("text")].map((e) => e.textContent)).toContain("90");
  });

  test("findings by severity: one bar per severity with the outcome's counts", async () => {
    await validated();
    const findings = screen.getByTestId("dashboard-findings");
    const { errors, warnings, infos } = DASHBOARD.findings;
    const total = errors + warnings + infos;
    // Each bar: its count out of all findings, for screen readers; the count drawn at the bar's end.
    expect(chartLabels(findings).filter((l) => /, \d+\/\d+\.$/.test(l))).toEqual([`错误, ${errors}/${total}.`, `警告, ${warnings}/${total}.`, `提示, ${infos}/${total}.`]);
    expect([...findings.querySelectorAll("svg text")].map((e) => e.textContent)).toEqual(["4", "3", "1"]);
    // Bar lengths to one scale: 4/8, 3/8, 1/8 of the width.
    expect([...findings.querySelectorAll("svg rect[role=option]")].map((e) => e.getAttribute("width"))).toEqual(["50%", "37.5%", "12.5%"]);
  });

  test("churn-risk customers with their reason; clicking one selects its row", async () => {
    const actions = await validated();
    const risk = screen.getByTestId("dashboard-at-risk");
    expect(within(risk).getByRole("heading").textContent).toBe("流失风险客户(12)");
    expect(within(risk).getByText("列出前 3 位(共 12 位)")).toBeTruthy();
    const items = within(risk).getAllByRole("listitem");
    expect(items.map((li) => li.getAttribute("aria-label"))).toEqual(["定位到 杭州青禾贸易(客户表!A9)", "定位到 苏州远帆科技(客户表!A14)", "定位到 宁波海曙电子(客户表!A33)"]);
    expect(items[1].textContent).toContain("稳定客户30天无订单且未回应关怀");
    expect(items[1].textContent).toContain("W1");
    expect(items[0].textContent).toContain("最近订单距今 45 天(订单!D30)");
    fireEvent.click(items[1]);
    expect(actions.selectCell).toHaveBeenCalledWith("客户表!A14");
    expect(actions.selectCell).toHaveBeenCalledTimes(1);
  });

  test("clicking a churn-risk customer shows its timeline from the history sheet, oldest first; one without history says so", async () => {
    await validated();
    const risk = screen.getByTestId("dashboard-at-risk");
    expect(screen.queryByTestId("dashboard-at-risk-timeline")).toBeNull();
    const items = within(risk).getAllByRole("listitem");
    fireEvent.click(items[0]);
    const timeline = screen.getByTestId("dashboard-at-risk-timeline");
    expect(within(timeline).getAllByTestId("timeline-entry").map((e) => e.textContent)).toEqual([
      "2024-03-01 · 周期阶段: (开始记录) → 成交客户已有成交",
      "2024-06-10 · 周期阶段: 成交客户 → 流失风险客户超过30天未下单且未回应关怀",
      "2024-06-10 · 风险等级: 低 → 高流失风险客户",
    ]);
    expect(timeline.getAttribute("aria-label")).toBe("杭州青禾贸易 的变更历史");
    fireEvent.click(items[1]);
    expect(screen.getByTestId("dashboard-at-risk-timeline").textContent).toContain("暂无变更历史");
  });

  test("overdue follow-ups with the next date; Enter on one selects its row", async () => {
    const actions = await validated();
    const overdue = screen.getByTestId("dashboard-overdue");
    expect(within(overdue).getByRole("heading").textContent).toBe("跟进逾期(8)");
    const items = within(overdue).getAllByRole("listitem");
    expect(items).toHaveLength(2);
    expect(items[1].textContent).toContain("下次跟进 2024-06-25");
    expect(items[1].textContent).toContain("阶段:意向客户");
    items[1].focus();
    fireEvent.keyDown(items[1], { key: "Enter" });
    expect(actions.selectCell).toHaveBeenLastCalledWith("客户表!A46");
  });

  test("likely lost (BG/NBD): each with its P(alive) badge and the model's reason; Enter selects its row", async () => {
    const actions = await validated();
    const lost = screen.getByTestId("dashboard-likely-lost");
    expect(within(lost).getByRole("heading").textContent).toBe("可能已流失的“活跃”客户(3)");
    const items = within(lost).getAllByRole("listitem");
    expect(items).toHaveLength(2);
    expect(items[0].textContent).toContain("存活 8.2%");
    expect(items[0].textContent).toContain("复购 6 次,距上次购买 210 天");
    expect(lost.textContent).toContain("列出前 2 位(共 3 位)");
    items[1].focus();
    fireEvent.keyDown(items[1], { key: "Enter" });
    expect(actions.selectCell).toHaveBeenLastCalledWith("客户表!A62");
  });

  test("likely lost when the model gave no figures: its reason instead of a list", async () => {
    const actions = mockActions();
    const reason = { reasonZh: "只有 3 位客户有复购(在不同日期再次下单),少于拟合所需的 20 位(规则 bgnbd.minRepeat)", reasonEn: "Only 3 customers bought again on a later day, fewer than the 20 the fit needs (rule bgnbd.minRepeat)" };
    actions.validate.mockResolvedValue({ ...VALIDATE_OUTCOME, dashboard: { ...DASHBOARD, likelyLost: { total: 0, customers: [], ...reason } } });
    renderApp({ actions });
    fireEvent.click(screen.getByRole("button", { name: /^校验/ }));
    const lost = await screen.findByTestId("dashboard-likely-lost", undefined, { timeout: 10_000 });
    expect(lost.textContent).toContain(`未计算存活概率:${reason.reasonZh}`);
    expect(within(lost).queryAllByRole("listitem")).toHaveLength(0);
  });

  test("in English: English stage and tier names, English reasons", async () => {
    await validated("en");
    expect(chartLabels(screen.getByTestId("dashboard-stages")).filter((l) => /, \d+\.$/.test(l))[0]).toBe("Prospect, 30.");
    expect(chartLabels(screen.getByTestId("dashboard-tiers")).filter((l) => /, \d+\.$/.test(l))).toContain("Not scored, 10.");
    const risk = screen.getByTestId("dashboard-at-risk");
    expect(within(risk).getByRole("heading").textContent).toBe("At risk of churning (12)");
    expect(risk.textContent).toContain("Satisfaction 2.5 below 3");
    expect(screen.getByText("Stage undetermined: 2")).toBeTruthy();
  });

  test("apply shows the dashboard of its own outcome", async () => {
    const actions = mockActions();
    actions.applyTags.mockResolvedValue({ asOf: "2024-06-30", customers: 100, range: "客户表!Q1:Z101", findings: 7, dashboard: { ...DASHBOARD, atRisk: { total: 0, customers: [] } } });
    renderApp({ actions });
    fireEvent.click(screen.getByRole("tab", { name: "标签与风险" }));
    fireEvent.click(screen.getByRole("button", { name: /^应用标签/ }));
    const dash = await screen.findByTestId("dashboard", undefined, { timeout: 10_000 });
    expect(within(dash).getByText("没有流失风险客户。")).toBeTruthy();
    expect(within(screen.getByTestId("dashboard-overdue")).getAllByRole("listitem")).toHaveLength(2);
  });
});
