/**
 * @jest-environment jsdom
 */
// 新建模板 Create templates in the task pane (issue 22), against a mock CrmActions: the seven tables offered as
// checkboxes (all checked), an unchecked one left out of the call, the pane's language passed on, and the outcome
// naming what was created and what the workbook had already.
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { mockActions, renderApp } from "./fixtures";

test("all seven offered; one unchecked is left out of the call; the outcome names the sheets created and those already there", async () => {
  const actions = mockActions();
  renderApp({ actions });
  const group = screen.getByTestId("templates-kinds");
  const boxes = within(group).getAllByRole("checkbox");
  expect(boxes).toHaveLength(7);
  expect(boxes.every((b) => (b as HTMLInputElement).checked)).toBe(true);
  fireEvent.click(within(group).getByLabelText("关键节点"));
  fireEvent.click(screen.getByRole("button", { name: /^新建模板/ }));
  await waitFor(() => expect(actions.createTemplates).toHaveBeenCalledTimes(1));
  const arg = actions.createTemplates.mock.calls[0][0];
  expect(arg.kinds).toEqual(["customers", "interactions", "orders", "tasks", "plan", "rules"]);
  expect(arg.lang).toBe("zh");
  const outcome = await screen.findByTestId("templates-outcome");
  expect(outcome.textContent).toContain("已新建:维护记录、CRM规则");
  expect(outcome.textContent).toContain("已有,未改动:客户表");
});

test("nothing checked: the button is disabled", () => {
  renderApp({ actions: mockActions() });
  const group = screen.getByTestId("templates-kinds");
  for (const b of within(group).getAllByRole("checkbox")) fireEvent.click(b);
  expect((screen.getByRole("button", { name: /^新建模板/ }) as HTMLButtonElement).disabled).toBe(true);
});

test("in English: English labels, and the English outcome", async () => {
  const actions = mockActions();
  actions.createTemplates.mockResolvedValue({ created: [], present: [{ kind: "customers", sheet: "Customers" }] });
  renderApp({ actions, lang: "en" });
  expect(within(screen.getByTestId("templates-kinds")).getByLabelText("Key dates")).toBeTruthy();
  fireEvent.click(screen.getByRole("button", { name: /^Create templates/ }));
  const outcome = await screen.findByTestId("templates-outcome");
  expect(outcome.textContent).toContain("The workbook has every template table already; nothing changed.");
  expect(actions.createTemplates.mock.calls[0][0].lang).toBe("en");
});
