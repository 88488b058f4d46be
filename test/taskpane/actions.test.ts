/**
 * @jest-environment jsdom
 */
// Apply tags, highlight/clear, build review, progress and cancel, ActionError messages, the as-of date,
// the language switch and the "open this in Excel" state — with a mock CrmActions.
import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { ActionError, COMMAND_ERROR_EVENT, type Progress, type RunOptions, type ValidateOutcome } from "../../src/excel/types";
import { AS_OF, DASHBOARD, VALIDATE_OUTCOME, deferred, mockActions, renderApp } from "./fixtures";

// The pane renders the dashboard and Fluent lists in jsdom: a few seconds a test on a loaded 2-core machine.
jest.setTimeout(30_000);

function tab(name: string): void {
  fireEvent.click(screen.getByRole("tab", { name }));
}

function button(name: RegExp | string): HTMLButtonElement {
  return screen.getByRole("button", { name }) as HTMLButtonElement;
}

describe("actions absent (outside Excel)", () => {
  test("says to open the pane in Excel and disables every action", () => {
    renderApp();
    expect(screen.getByText("请在 Excel 中打开 · open this in Excel")).toBeTruthy();
    expect(button(/^校验/).disabled).toBe(true);
    tab("标签与风险");
    expect(button(/^应用标签/).disabled).toBe(true);
    expect(button(/^标记流失风险/).disabled).toBe(true);
    expect(button(/^清除标记/).disabled).toBe(true);
    expect(button(/^移除 CRM 结果/).disabled).toBe(true);
    tab("复盘");
    expect(button(/^生成复盘/).disabled).toBe(true);
  });
});

describe("apply, highlight, clear, review", () => {
  test("应用标签 calls applyTags and shows the customers written and the range", async () => {
    const actions = mockActions();
    renderApp({ actions });
    tab("标签与风险");
    fireEvent.click(button(/^应用标签/));
    const out = await screen.findByTestId("apply-outcome");
    expect(actions.applyTags).toHaveBeenCalledTimes(1);
    expect(actions.applyTags.mock.calls[0][0].asOf).toBe(AS_OF);
    expect(out.textContent).toContain("已写入 100 位客户");
    expect(out.textContent).toContain("区域:客户表!Q1:Z101");
    expect(out.textContent).toContain("校验问题 7 条");
  });

  test("标记流失风险 shows the counts; 清除标记 calls clearHighlights and reports what it removed", async () => {
    const actions = mockActions();
    renderApp({ actions });
    tab("标签与风险");
    fireEvent.click(button(/^标记流失风险/));
    const out = await screen.findByTestId("highlight-outcome");
    expect(actions.highlightRisk).toHaveBeenCalledTimes(1);
    expect(out.textContent).toContain("流失风险 12");
    expect(out.textContent).toContain("已流失 5");
    expect(out.textContent).toContain("跟进逾期 8");
    expect(out.textContent).toContain("条件格式规则 3 条");

    fireEvent.click(button(/^清除标记/));
    expect(await screen.findByText("已清除 3 条标记规则。")).toBeTruthy();
    expect(actions.clearHighlights).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("highlight-outcome")).toBeNull();
  });

  test("生成复盘 lists the sheets, PivotTables and charts", async () => {
    const actions = mockActions();
    renderApp({ actions });
    tab("复盘");
    fireEvent.click(button(/^生成复盘/));
    const out = await screen.findByTestId("review-outcome");
    expect(actions.buildReview).toHaveBeenCalledTimes(1);
    expect(out.textContent).toContain("已生成工作表(2)");
    expect(out.textContent).toContain("CRM复盘-漏斗");
    expect(out.textContent).toContain("CRM复盘-分布");
    expect(out.textContent).toContain("数据透视表:2");
    expect(out.textContent).toContain("图表:3");
    expect(out.textContent).not.toContain("ExcelApi 1.8");
  });

  test("a review without ExcelApi 1.8 says plain tables were written instead", async () => {
    const actions = mockActions();
    actions.buildReview.mockResolvedValue({ asOf: AS_OF, sheets: ["CRM复盘-漏斗"], pivotTables: 0, charts: 0, fallback: true });
    renderApp({ actions });
    tab("复盘");
    fireEvent.click(button(/^生成复盘/));
    const out = await screen.findByTestId("review-outcome");
    expect(out.textContent).toContain("此 Excel 不支持 ExcelApi 1.8");
    expect(out.textContent).toContain("因此没有创建数据透视表和图表,而是写入了普通汇总表。");
  });

  test("outcomes stay when the user moves between tabs", async () => {
    const actions = mockActions();
    renderApp({ actions });
    tab("复盘");
    fireEvent.click(button(/^生成复盘/));
    await screen.findByTestId("review-outcome");
    tab("校验");
    tab("复盘");
    expect(screen.getByTestId("review-outcome")).toBeTruthy();
  });
});

describe("移除 CRM 结果 Remove CRM output", () => {
  test("asks first; 暂不移除 goes back without calling anything", async () => {
    const actions = mockActions();
    renderApp({ actions });
    tab("标签与风险");
    fireEvent.click(button(/^移除 CRM 结果/));
    const confirm = screen.getByTestId("remove-confirm");
    expect(confirm.textContent).toContain("在 ◆ 结果列中手动修改的内容也会一并移除");
    expect(actions.removeOutput).not.toHaveBeenCalled();
    fireEvent.click(button("暂不移除"));
    expect(screen.queryByTestId("remove-confirm")).toBeNull();
    expect(button(/^移除 CRM 结果/)).toBeTruthy();
    expect(actions.removeOutput).not.toHaveBeenCalled();
  });

  test("the confirmation asks whether to keep the history sheet: removeOutput gets the answer", async () => {
    const actions = mockActions();
    renderApp({ actions });
    tab("标签与风险");
    fireEvent.click(button(/^移除 CRM 结果/));
    fireEvent.click(button("确认移除"));
    await screen.findByTestId("remove-outcome");
    expect(actions.removeOutput.mock.calls[0][0].keepHistory).toBe(false);
    fireEvent.click(button(/^移除 CRM 结果/));
    fireEvent.click(screen.getByRole("checkbox", { name: "保留变更历史(CRM变更历史工作表)" }));
    fireEvent.click(button("确认移除"));
    await waitFor(() => expect(actions.removeOutput).toHaveBeenCalledTimes(2));
    expect(actions.removeOutput.mock.calls[1][0].keepHistory).toBe(true);
  });

  test("apply says how many history rows it added, or why it added none", async () => {
    const actions = mockActions();
    renderApp({ actions });
    tab("标签与风险");
    fireEvent.click(button(/^应用标签/));
    expect((await screen.findByTestId("apply-history")).textContent).toBe("变更历史:新增 12 行(CRM变更历史)");
    actions.applyTags.mockResolvedValueOnce({ asOf: AS_OF, customers: 100, range: "客户表!Q1:Z101", findings: 7, dashboard: DASHBOARD, history: { appended: 0, skipped: "later" } });
    fireEvent.click(button(/^应用标签/));
    await waitFor(() => expect(screen.getByTestId("apply-history").textContent).toContain("已有晚于统计日的记录"));
  });

  test("确认移除 calls removeOutput with the as-of date, reports what it took out and drops the outcomes it made stale", async () => {
    const actions = mockActions();
    renderApp({ actions });
    tab("标签与风险");
    fireEvent.click(button(/^应用标签/));
    await screen.findByTestId("apply-outcome");
    fireEvent.click(button(/^移除 CRM 结果/));
    fireEvent.click(button("确认移除"));
    const out = await screen.findByTestId("remove-outcome");
    expect(actions.removeOutput).toHaveBeenCalledTimes(1);
    expect(actions.removeOutput.mock.calls[0][0].asOf).toBe(AS_OF);
    expect(out.textContent).toBe("已移除 10 个结果列、3 条标记规则、3 个工作表。");
    expect(screen.queryByTestId("apply-outcome")).toBeNull();
    expect(screen.queryByTestId("remove-confirm")).toBeNull();
    // Applying again replaces the message.
    fireEvent.click(button(/^应用标签/));
    await screen.findByTestId("apply-outcome");
    expect(screen.queryByTestId("remove-outcome")).toBeNull();
  });

  test("a book without the add-in's output: it says nothing was changed; in English too", async () => {
    const actions = mockActions();
    actions.removeOutput.mockResolvedValue({ columns: 0, rules: 0, sheets: [] });
    renderApp({ actions, lang: "en" });
    tab("Tags & risk");
    fireEvent.click(button(/^Remove CRM output 移除 CRM 结果/));
    fireEvent.click(button("Remove"));
    expect((await screen.findByTestId("remove-outcome")).textContent).toBe("The workbook holds nothing this add-in wrote; nothing was changed.");
  });

  test("a failure shows the ActionError, saying the half-written output was removed", async () => {
    const actions = mockActions();
    actions.applyTags.mockRejectedValue(new ActionError("office", "Excel 报告错误：连接中断。未写完的结果已移除，您的数据保持原样", "Excel reported an error: connection lost. The half-written output was removed; your data is as it was"));
    renderApp({ actions });
    tab("标签与风险");
    fireEvent.click(button(/^应用标签/));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Excel 报告了错误");
    expect(alert.textContent).toContain("未写完的结果已移除，您的数据保持原样");
  });
});

describe("long operations", () => {
  test("progress from onProgress, buttons disabled while running, Cancel aborts the signal", async () => {
    const actions = mockActions();
    let options: RunOptions | undefined;
    const pending = deferred<ValidateOutcome>();
    actions.validate.mockImplementation((o: RunOptions) => {
      options = o;
      o.signal?.addEventListener("abort", () => pending.reject(new ActionError("cancelled", "已取消,工作簿未做任何修改", "Cancelled; nothing in the workbook was changed")));
      return pending.promise;
    });
    renderApp({ actions });
    fireEvent.click(button(/^校验/));
    expect(await screen.findByText("正在启动…")).toBeTruthy();
    expect(button(/^校验/).disabled).toBe(true);
    tab("标签与风险");
    expect(button(/^应用标签/).disabled).toBe(true);
    tab("校验");

    act(() => options!.onProgress!({ phase: "read", done: 120, total: 400 } satisfies Progress));
    expect(screen.getByText("读取 · 120 / 400")).toBeTruthy();
    const bar = screen.getByRole("progressbar");
    expect(bar.getAttribute("aria-valuenow")).toBe("0.3");
    act(() => options!.onProgress!({ phase: "compute", done: 1, total: 1 }));
    expect(screen.getByText("计算 · 1 / 1")).toBeTruthy();

    expect(options!.signal!.aborted).toBe(false);
    fireEvent.click(button("取消正在运行的操作"));
    expect(options!.signal!.aborted).toBe(true);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("已取消");
    expect(alert.textContent).toContain("已取消,工作簿未做任何修改");
    await waitFor(() => expect(button(/^校验/).disabled).toBe(false));
    expect(screen.queryByRole("progressbar")).toBeNull();
    expect(actions.applyTags).not.toHaveBeenCalled();
  });

  test("an ActionError shows its Chinese message in a MessageBar, never a stack trace", async () => {
    const actions = mockActions();
    const err = new ActionError("changed", "工作簿在操作期间被修改(工作表或单元格已不存在),请重新运行", "The workbook changed during the action; run it again");
    actions.applyTags.mockRejectedValue(err);
    renderApp({ actions });
    tab("标签与风险");
    fireEvent.click(button(/^应用标签/));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("工作簿在操作期间被修改,请重新运行");
    expect(alert.textContent).toContain("工作簿在操作期间被修改(工作表或单元格已不存在),请重新运行");
    expect(alert.textContent).not.toContain("The workbook changed");
    expect(alert.textContent).not.toMatch(/\bat\s+\S+\s*\(|Error:/);
    expect(screen.queryByTestId("apply-outcome")).toBeNull();
    fireEvent.click(button("关闭"));
    expect(screen.queryByRole("alert")).toBeNull();
  });

  test("a ribbon command's failure shows in the open pane (the command announces it with an event)", async () => {
    renderApp({ actions: mockActions() });
    act(() => {
      window.dispatchEvent(new CustomEvent(COMMAND_ERROR_EVENT, { detail: new ActionError("noCustomers", "没有找到客户表（需要带“客户名称”等表头的表格）", "No customers table found") }));
    });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("没有找到客户表");
  });

  test.each([
    ["noCustomers", "未找到客户表"],
    ["payload", "数据量超出 Excel 的单次请求上限"],
    ["office", "Excel 报告了错误"],
  ] as const)("ActionError %s has its own title", async (kind, title) => {
    const actions = mockActions();
    actions.validate.mockRejectedValue(new ActionError(kind, `中文说明 ${kind}`, `English ${kind}`));
    renderApp({ actions });
    fireEvent.click(button(/^校验/));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain(title);
    expect(alert.textContent).toContain(`中文说明 ${kind}`);
  });

  test("any other error shows one line of its message, not the stack", async () => {
    const actions = mockActions();
    const e = new Error("GeneralException: boom\n    at Object.<anonymous> (actions.ts:1:1)");
    actions.validate.mockRejectedValue(e);
    renderApp({ actions });
    fireEvent.click(button(/^校验/));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("操作失败");
    expect(alert.textContent).toContain("GeneralException: boom");
    expect(alert.textContent).not.toContain("actions.ts:1:1");
    expect(alert.textContent).not.toContain(e.stack!.split("\n")[1].trim());
  });
});

describe("as-of date and language", () => {
  // The language switch remembers the choice (localStorage); each test starts without one.
  afterEach(() => localStorage.clear());

  test("the as-of date field is passed to every action; an invalid date disables them", async () => {
    const actions = mockActions();
    renderApp({ actions });
    const field = screen.getByLabelText("统计日") as HTMLInputElement;
    expect(field.value).toBe(AS_OF);
    fireEvent.change(field, { target: { value: "2024-03-31" } });
    fireEvent.click(button(/^校验/));
    await screen.findByTestId("count-errors");
    expect(actions.validate.mock.calls[0][0].asOf).toBe("2024-03-31");
    tab("标签与风险");
    fireEvent.click(button(/^应用标签/));
    await screen.findByTestId("apply-outcome");
    expect(actions.applyTags.mock.calls[0][0].asOf).toBe("2024-03-31");

    fireEvent.change(field, { target: { value: "" } });
    expect(screen.getByText("请输入有效日期,格式 YYYY-MM-DD")).toBeTruthy();
    expect(button(/^应用标签/).disabled).toBe(true);
  });

  test("defaults to today's date", () => {
    renderApp({ actions: mockActions(), asOf: undefined });
    const d = new Date();
    const today = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
    expect((screen.getByLabelText("统计日") as HTMLInputElement).value).toBe(today);
  });

  test("the language switch shows English labels and English finding messages", async () => {
    const actions = mockActions();
    renderApp({ actions });
    expect(screen.getByRole("tab", { name: "规则" })).toBeTruthy();
    fireEvent.change(screen.getByRole("combobox", { name: "语言 Language" }), { target: { value: "en" } });
    for (const name of ["Validate", "Tags & risk", "Review", "Rules"]) expect(screen.getByRole("tab", { name })).toBeTruthy();
    expect(screen.queryByRole("tab", { name: "规则" })).toBeNull();
    expect(screen.getByLabelText("As-of date")).toBeTruthy();
    // Action buttons: English first, Chinese beside it.
    fireEvent.click(button(/^Validate 校验/));
    await screen.findByTestId("count-errors");
    expect(screen.getByTestId("count-errors").textContent).toBe("Errors 4");
    expect(screen.getByText('Required field "联系人" is empty')).toBeTruthy();
    expect(screen.queryByText("必填项“联系人”为空")).toBeNull();
    expect(screen.getByText("Mask phone numbers 遮盖手机号")).toBeTruthy();
    expect(screen.getByRole("listitem", { name: /^Go to 客户表!C3/ })).toBeTruthy();
    expect(VALIDATE_OUTCOME.findings[0].messageEn).toBe('Required field "联系人" is empty');
  });

  test("an ActionError follows the language switch", async () => {
    const actions = mockActions();
    actions.validate.mockRejectedValue(new ActionError("noCustomers", "没有找到客户表", "No customers table found"));
    renderApp({ actions, lang: "en" });
    fireEvent.click(button(/^Validate/));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("No customers table found");
    fireEvent.change(screen.getByRole("combobox", { name: "Language 语言" }), { target: { value: "zh" } });
    expect(screen.getByRole("alert").textContent).toContain("没有找到客户表");
  });
});
