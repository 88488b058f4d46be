/**
 * @jest-environment jsdom
 */
// 规则 Rules: reading, editing (writeRule with the typed value, the refreshed view with the problem next to
// the row) and the AHP helper, whose expected figures are worked out by hand here (not by calling ahp()).
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { RulesView } from "../../src/excel/types";
import { RULES_VIEW, mockActions, renderApp } from "./fixtures";

// The pane renders the dashboard and Fluent lists in jsdom: a few seconds a test on a loaded 2-core machine.
jest.setTimeout(30_000);

function openRules(): void {
  fireEvent.click(screen.getByRole("tab", { name: "规则" }));
}

function cell(i: number, j: number): HTMLInputElement {
  return screen.getByRole("textbox", { name: `C${i} 相对 C${j} 的重要性` }) as HTMLInputElement;
}

function setMatrix(n: number, upper: Record<string, string>): void {
  fireEvent.change(screen.getByRole("combobox", { name: "指标个数 n" }), { target: { value: String(n) } });
  for (const [ij, v] of Object.entries(upper)) fireEvent.change(cell(Number(ij[0]), Number(ij[1])), { target: { value: v } });
}

describe("rules table", () => {
  test("opening the tab reads the rules and shows key, label, value, default", async () => {
    const actions = mockActions();
    renderApp({ actions });
    openRules();
    const row = await screen.findByRole("group", { name: "战略客户评分下限" });
    expect(actions.readRules).toHaveBeenCalledTimes(1);
    expect(row.textContent).toContain("tier.strategic");
    expect(row.textContent).toContain("默认值:90");
    expect((within(row).getByRole("textbox") as HTMLInputElement).value).toBe("95");
  });

  test("editing a value calls writeRule with the typed value and shows the refreshed view with its problem", async () => {
    const actions = mockActions();
    const refreshed: RulesView = {
      sheetExists: true,
      rows: RULES_VIEW.rows.map((r) => (r.key === "stage.churnDays" ? { ...r, value: "abc", problemZh: "应为整数", problemEn: "expected a whole number" } : r)),
    };
    actions.writeRule.mockResolvedValue(refreshed);
    renderApp({ actions });
    openRules();
    const input = (await screen.findByRole("textbox", { name: "超过多少天无业务往来判定为流失客户(stage.churnDays)的值" })) as HTMLInputElement;
    const save = screen.getByRole("button", { name: "保存 stage.churnDays" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.change(input, { target: { value: "abc" } });
    expect(save.disabled).toBe(false);
    fireEvent.click(save);
    await screen.findByText("已保存 stage.churnDays = abc");
    expect(actions.writeRule).toHaveBeenCalledWith("stage.churnDays", "abc");
    const row = screen.getByRole("group", { name: "超过多少天无业务往来判定为流失客户" });
    expect(within(row).getByText("应为整数")).toBeTruthy();
    expect(screen.getByText("1 条规则的值未被采用(见各行说明)。")).toBeTruthy();
  });

  test("Enter in a value field saves it", async () => {
    const actions = mockActions();
    renderApp({ actions });
    openRules();
    const input = await screen.findByRole("textbox", { name: "战略客户评分下限(tier.strategic)的值" });
    fireEvent.change(input, { target: { value: "92" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(actions.writeRule).toHaveBeenCalledWith("tier.strategic", "92"));
  });

  test("a workbook without the rules sheet says saving creates it", async () => {
    const actions = mockActions();
    actions.readRules.mockResolvedValue({ ...RULES_VIEW, sheetExists: false });
    renderApp({ actions });
    openRules();
    expect(await screen.findByText("工作簿中还没有 CRM规则 表:下面是默认值,保存任一值会创建该表。")).toBeTruthy();
  });
});

describe("AHP helper", () => {
  // The consistent matrix [[1,2,4],[1/2,1,2],[1/4,1/2,1]]: every column is proportional to (4,2,1), so the
  // principal eigenvector is (4,2,1)/7 = (0.5714, 0.2857, 0.1429), λmax = 3 and CI = CR = 0.
  test("weights 4/7, 2/7, 1/7 and CR 0 for the consistent 3×3 matrix, without Excel", () => {
    renderApp(); // no actions: the helper is pure
    openRules();
    setMatrix(3, { "12": "2", "13": "4", "23": "2" });
    // A Fluent Table: column headers C1…C3, each row led by its row header; the lower triangle holds reciprocals.
    const matrix = screen.getByRole("table", { name: "两两比较矩阵" });
    const rows = within(matrix).getAllByRole("row");
    expect(within(rows[0]).getAllByRole("columnheader").map((c) => c.textContent)).toEqual(["C1", "C2", "C3"]);
    expect(within(rows[2]).getByRole("rowheader").textContent).toBe("C2");
    expect(within(rows[2]).getAllByRole("cell")[0].textContent).toBe("1/2");
    expect(within(rows[3]).getAllByRole("cell")[0].textContent).toBe("1/4");
    expect(within(rows[3]).getAllByRole("cell")[1].textContent).toBe("1/2");
    expect(within(rows[1]).getAllByRole("cell")[0].textContent).toBe("1");
    expect(screen.getByTestId("ahp-weight-1").textContent).toContain((4 / 7).toFixed(4));
    expect(screen.getByTestId("ahp-weight-2").textContent).toContain((2 / 7).toFixed(4));
    expect(screen.getByTestId("ahp-weight-3").textContent).toContain((1 / 7).toFixed(4));
    expect(screen.getByTestId("ahp-weight-1").textContent).toContain("0.5714");
    expect(screen.getByTestId("ahp-cr").textContent).toBe("CR = 0.000");
    expect(screen.getByText("λmax = 3.000")).toBeTruthy();
    expect(screen.getByText("一致")).toBeTruthy();
    expect((screen.getByRole("button", { name: "写入权重规则 weight.*" }) as HTMLButtonElement).disabled).toBe(true);
  });

  test("an inconsistent matrix says 不一致 (CR ≥ 0.10) and cannot be copied", async () => {
    const actions = mockActions();
    renderApp({ actions });
    openRules();
    await screen.findByRole("group", { name: "战略客户评分下限" });
    // A ≻ B (9), B ≻ C (9) but C ≻ A (9): far from consistent.
    setMatrix(3, { "12": "9", "13": "1/9", "23": "9" });
    expect(screen.getByText("不一致 (CR ≥ 0.10)")).toBeTruthy();
    expect(Number(/CR = ([\d.]+)/.exec(screen.getByTestId("ahp-cr").textContent ?? "")![1])).toBeGreaterThanOrEqual(0.1);
    expect((screen.getByRole("button", { name: "写入权重规则 weight.*" }) as HTMLButtonElement).disabled).toBe(true);
  });

  test("bad entries are marked and no weights are shown", () => {
    renderApp();
    openRules();
    setMatrix(2, { "12": "abc" });
    expect(cell(1, 2).getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("请在标红的单元格中填写正数或分数(如 3、0.5、1/3)。")).toBeTruthy();
    expect(screen.queryByTestId("ahp-result")).toBeNull();
  });

  test("n goes from 2 to 8 and keeps the upper triangle editable", () => {
    renderApp();
    openRules();
    const options = within(screen.getByRole("combobox", { name: "指标个数 n" })).getAllByRole("option").map((o) => o.textContent);
    expect(options).toEqual(["2", "3", "4", "5", "6", "7", "8"]);
    setMatrix(8, {});
    expect(screen.getAllByRole("textbox", { name: /^C\d 相对 C\d 的重要性$/ })).toHaveLength(28);
    expect(screen.getByTestId("ahp-cr").textContent).toBe("CR = 0.000"); // all 1s: equal weights
    expect(screen.getByTestId("ahp-weight-8").textContent).toContain("0.1250");
  });

  test("copying writes the weights into the chosen weight.* rules and 0 into the others", async () => {
    const actions = mockActions();
    renderApp({ actions });
    openRules();
    await screen.findByRole("group", { name: "战略客户评分下限" });
    setMatrix(3, { "12": "2", "13": "4", "23": "2" });
    fireEvent.change(screen.getByRole("combobox", { name: "C3 对应指标" }), { target: { value: "usage" } });
    fireEvent.click(screen.getByRole("button", { name: "写入权重规则 weight.*" }));
    await waitFor(() => expect(actions.writeRule).toHaveBeenCalledTimes(8));
    expect(actions.writeRule.mock.calls).toEqual([
      ["weight.spend6m", "0.5714"],
      ["weight.tenure", "0.2857"],
      ["weight.usage", "0.1429"],
      ["weight.margin", "0"],
      ["weight.interactions", "0"],
      ["weight.complaints", "0"],
      ["weight.growth", "0"],
      ["weight.sizeFit", "0"],
    ]);
  });

  test("choosing one indicator twice blocks copying", async () => {
    const actions = mockActions();
    renderApp({ actions });
    openRules();
    await screen.findByRole("group", { name: "战略客户评分下限" });
    fireEvent.change(screen.getByRole("combobox", { name: "C2 对应指标" }), { target: { value: "spend6m" } });
    expect(screen.getByText("每个指标只能选择一次。")).toBeTruthy();
    expect((screen.getByRole("button", { name: "写入权重规则 weight.*" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
