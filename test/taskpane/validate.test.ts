/**
 * @jest-environment jsdom
 */
// 校验 Validate in the task pane, against a mock CrmActions: counts, grouping, filters, selecting a cell,
// masking phone numbers, and user text rendered as text.
import { fireEvent, screen, within } from "@testing-library/react";
import { AS_OF, VALIDATE_OUTCOME, finding, mockActions, renderApp } from "./fixtures";

async function validated(actions = mockActions()) {
  const view = renderApp({ actions });
  fireEvent.click(screen.getByRole("button", { name: /^校验/ }));
  await screen.findByTestId("count-errors");
  return { actions, view };
}

/** The findings List's items. */
function findingItems(): HTMLElement[] {
  const list = screen.queryByTestId("findings");
  return list ? within(list).queryAllByRole("listitem") : [];
}

/** The addresses of the clickable findings currently listed. */
function listedAddresses(): string[] {
  return findingItems()
    .map((b) => b.getAttribute("data-address"))
    .filter((a): a is string => a !== null);
}

describe("validate", () => {
  test("runs validate with the as-of date, a progress callback and an abort signal", async () => {
    const { actions } = await validated();
    expect(actions.validate).toHaveBeenCalledTimes(1);
    const o = actions.validate.mock.calls[0][0];
    expect(o.asOf).toBe(AS_OF);
    expect(typeof o.onProgress).toBe("function");
    expect(o.signal).toBeInstanceOf(AbortSignal);
  });

  test("shows the summary counts from the outcome", async () => {
    await validated();
    expect(screen.getByTestId("count-errors").textContent).toBe("错误 4");
    expect(screen.getByTestId("count-warnings").textContent).toBe("警告 3");
    expect(screen.getByTestId("count-infos").textContent).toBe("提示 1");
    expect(screen.getByText(`校验结果(统计日 ${AS_OF},共 120 行)`)).toBeTruthy();
  });

  test("one List orders findings by severity and by table/sheet, each group labelled with its count", async () => {
    await validated();
    const list = screen.getByRole("list", { name: "问题列表" });
    expect(list).toBe(screen.getByTestId("findings"));
    // Severity groups in order (errors, warnings, infos), each followed by its tables/sheets; the first item of a
    // group carries its label.
    const groups = [...list.querySelectorAll("[data-group]")].map((g) => g.textContent);
    expect(groups).toEqual(["错误 · 客户 · 客户表(3)", "错误 · 订单(1)", "警告 · 客户 · 客户表(1)", "警告 · 订单(1)", "警告 · 工作簿(1)", "提示 · 订单(1)"]);
    expect(screen.getByText("错误(4) · 警告(3) · 提示(1)")).toBeTruthy();
    const items = findingItems();
    expect(items.map((b) => b.getAttribute("data-address"))).toEqual(["客户表!C3", "客户表!F5", "客户表!E7", "订单!C9", "客户表!J4", "订单!A12", null, null]);
    expect(items.map((b) => b.getAttribute("data-severity"))).toEqual(["error", "error", "error", "error", "warning", "warning", "warning", "info"]);
    // Each finding shows its address, message and fix.
    const first = items[0];
    expect(first.textContent).toContain("客户表!C3");
    expect(first.textContent).toContain("必填项“联系人”为空");
    expect(first.textContent).toContain("建议:请填写联系人");
    expect(first.textContent).toContain("REQUIRED_MISSING");
    // A workbook-level finding (no address) is listed but not clickable.
    expect(screen.getByText("订单中有 2 个空行(14, 15),已跳过")).toBeTruthy();
    expect(screen.getByText("工作簿中未找到维护记录表")).toBeTruthy();
    expect(listedAddresses()).toHaveLength(6);
  });

  test("filtering by severity, by code and by text narrows the list", async () => {
    await validated();
    expect(screen.getByText("显示 8 / 8 条")).toBeTruthy();

    fireEvent.change(screen.getByRole("combobox", { name: "严重程度" }), { target: { value: "warning" } });
    expect(listedAddresses()).toEqual(["客户表!J4", "订单!A12"]);
    expect(screen.getByText("显示 3 / 8 条")).toBeTruthy();
    expect(screen.getByText("警告(3)")).toBeTruthy();
    expect(findingItems()).toHaveLength(3);

    fireEvent.change(screen.getByRole("combobox", { name: "严重程度" }), { target: { value: "all" } });
    const codeSelect = screen.getByRole("combobox", { name: "问题代码" });
    expect(within(codeSelect).getByRole("option", { name: "BAD_DATE (1)" })).toBeTruthy();
    fireEvent.change(codeSelect, { target: { value: "BAD_DATE" } });
    expect(listedAddresses()).toEqual(["客户表!F5"]);

    fireEvent.change(codeSelect, { target: { value: "all" } });
    fireEvent.change(screen.getByRole("searchbox", { name: "搜索" }), { target: { value: "订单!" } });
    expect(listedAddresses()).toEqual(["订单!C9", "订单!A12"]);

    fireEvent.change(screen.getByRole("searchbox", { name: "搜索" }), { target: { value: "crm9999" } });
    expect(listedAddresses()).toEqual(["订单!A12"]);

    fireEvent.change(screen.getByRole("searchbox", { name: "搜索" }), { target: { value: "没有这种问题" } });
    expect(listedAddresses()).toEqual([]);
    expect(screen.getByText("没有符合筛选条件的问题。")).toBeTruthy();
  });

  test("clicking a finding, or Enter on it, selects its cell", async () => {
    const { actions } = await validated();
    fireEvent.click(screen.getByRole("listitem", { name: /^定位到 客户表!F5/ }));
    expect(actions.selectCell).toHaveBeenCalledWith("客户表!F5");
    const other = screen.getByRole("listitem", { name: /^定位到 订单!C9/ });
    other.focus();
    fireEvent.keyDown(other, { key: "Enter" });
    expect(actions.selectCell).toHaveBeenLastCalledWith("订单!C9");
    expect(actions.selectCell).toHaveBeenCalledTimes(2);
  });

  test("a finding on a customer's row shows that customer's timeline; one elsewhere shows none", async () => {
    await validated();
    expect(screen.queryByTestId("finding-timeline")).toBeNull();
    // The stale stage at 客户表!J4 is on row 4, whose customer the outcome has a history for.
    fireEvent.click(screen.getByRole("listitem", { name: /^定位到 客户表!J4/ }));
    const timeline = screen.getByTestId("finding-timeline");
    expect(timeline.getAttribute("aria-label")).toBe("上海启明软件 的变更历史");
    expect(within(timeline).getAllByTestId("timeline-entry").map((e) => e.textContent)).toEqual(["2024-05-02 · 周期阶段: 意向客户 → 成交客户首笔订单"]);
    fireEvent.click(screen.getByRole("listitem", { name: /^定位到 订单!C9/ }));
    expect(screen.queryByTestId("finding-timeline")).toBeNull();
  });

  test("the findings List is one tab stop; arrow keys, Home and End move between findings; Enter selects", async () => {
    const { actions } = await validated();
    const items = findingItems();
    expect(items).toHaveLength(8);
    // Exactly one finding is in the tab order (instead of one per finding).
    const tabStops = () => items.filter((li) => li.tabIndex === 0);
    expect(tabStops()).toEqual([items[0]]);
    expect(items.slice(1).every((li) => li.tabIndex === -1)).toBe(true);
    items[0].focus();
    fireEvent.keyDown(items[0], { key: "ArrowDown" });
    expect(document.activeElement).toBe(items[1]);
    expect(tabStops()).toEqual([items[1]]);
    fireEvent.keyDown(items[1], { key: "ArrowDown" });
    fireEvent.keyDown(items[2], { key: "ArrowDown" });
    expect(document.activeElement).toBe(items[3]);
    fireEvent.keyDown(items[3], { key: "ArrowUp" });
    expect(document.activeElement).toBe(items[2]);
    fireEvent.keyDown(items[2], { key: "End" });
    expect(document.activeElement).toBe(items[7]);
    fireEvent.keyDown(items[7], { key: "ArrowDown" }); // stays on the last
    expect(document.activeElement).toBe(items[7]);
    fireEvent.keyDown(items[7], { key: "Home" });
    expect(document.activeElement).toBe(items[0]);
    expect(tabStops()).toEqual([items[0]]);
    fireEvent.keyDown(items[0], { key: "ArrowDown" });
    fireEvent.keyDown(items[1], { key: "Enter" });
    expect(actions.selectCell).toHaveBeenCalledWith("客户表!F5");
    // A workbook-level finding (no cell) is reachable but selects nothing.
    fireEvent.keyDown(items[1], { key: "End" });
    fireEvent.keyDown(items[7], { key: "Enter" });
    expect(actions.selectCell).toHaveBeenCalledTimes(1);
    // Leaving and coming back: the remembered finding is still the one tab stop.
    expect(tabStops()).toEqual([items[7]]);
  });

  test("a selectCell failure is reported as a message, not thrown", async () => {
    const actions = mockActions();
    actions.selectCell.mockRejectedValue(new Error("ItemNotFound"));
    await validated(actions);
    fireEvent.click(screen.getByRole("listitem", { name: /^定位到 客户表!F5/ }));
    expect(await screen.findByRole("alert")).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toContain("操作失败");
  });

  test("mask phone numbers: preview (address → masked text), then confirm calls maskPhones and reports the change", async () => {
    const { actions } = await validated();
    expect(screen.getByText("遮盖手机号 Mask phone numbers")).toBeTruthy();
    expect(screen.getByText("发现 2 个单元格含完整电话号码。")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: /^遮盖手机号/ }));
    const preview = screen.getByRole("list", { name: "遮盖预览(单元格 → 遮盖后文本)" });
    const items = within(preview).getAllByRole("listitem").map((li) => li.textContent);
    expect(items).toEqual(["客户表!E7 → 138****5678", "客户表!E9 → 尾号4321"]);
    expect(actions.maskPhones).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole("button", { name: "确认遮盖 2 个单元格" }));
    expect(await screen.findByText("已遮盖 2 个单元格中的 3 个号码。请重新校验。")).toBeTruthy();
    expect(actions.maskPhones).toHaveBeenCalledTimes(1);
    expect(actions.maskPhones.mock.calls[0][0].asOf).toBe(AS_OF);
    expect(screen.queryByRole("list", { name: "遮盖预览(单元格 → 遮盖后文本)" })).toBeNull();
  });

  test("no mask offer when the outcome has no phone numbers", async () => {
    const actions = mockActions();
    actions.validate.mockResolvedValue({ ...VALIDATE_OUTCOME, phones: [] });
    await validated(actions);
    expect(screen.queryByText("遮盖手机号 Mask phone numbers")).toBeNull();
  });

  test("user text is rendered as text: a message holding markup creates no element", async () => {
    const evil = "<img src=x onerror=alert(1)>";
    const actions = mockActions();
    actions.validate.mockResolvedValue({
      ...VALIDATE_OUTCOME,
      summary: { rows: 1, errors: 1, warnings: 0, infos: 0 },
      findings: [finding("BAD_ENUM", "error", "客户表", "客户表!B2", `“${evil}”不是有效选项`, `"${evil}" is not valid`, evil, evil)],
      phones: [{ address: "客户表!E2", masked: evil }],
    });
    const { view } = await validated(actions);
    fireEvent.click(screen.getByRole("button", { name: /^遮盖手机号/ }));
    expect(screen.getByText(`“${evil}”不是有效选项`)).toBeTruthy();
    expect(view.container.querySelector("img")).toBeNull();
    expect(view.container.innerHTML).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  test("a long list is paged: counts cover every finding, 'show more' adds the rest", async () => {
    const actions = mockActions();
    const many = Array.from({ length: 250 }, (_, i) => finding("BAD_DATE", "error", "客户表", `客户表!F${i + 2}`, `坏日期 ${i}`, `bad date ${i}`));
    actions.validate.mockResolvedValue({ ...VALIDATE_OUTCOME, summary: { rows: 250, errors: 250, warnings: 0, infos: 0 }, findings: many, phones: [] });
    await validated(actions);
    expect(screen.getByText("显示 250 / 250 条")).toBeTruthy();
    expect(screen.getByText("错误(250)")).toBeTruthy();
    expect(listedAddresses()).toHaveLength(200);
    fireEvent.click(screen.getByRole("button", { name: "显示更多(还有 50 条)" }));
    expect(listedAddresses()).toHaveLength(250);
  });
});
