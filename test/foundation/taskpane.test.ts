// The task pane skeleton renders (server-side, no DOM needed) with its Chinese-first title and
// honest, disabled placeholder actions.
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { App } from "../../src/taskpane/App";

describe("task pane skeleton", () => {
  const html = renderToString(createElement(App));

  test("shows the Chinese title with the English subtitle", () => {
    expect(html).toContain("CRM 工作台");
    expect(html).toContain("CRM Workbench");
  });

  test("its actions are disabled placeholders marked as coming soon", () => {
    for (const label of ["校验", "应用标签", "标记流失风险", "生成复盘"]) expect(html).toContain(label);
    const buttons = html.match(/<button[^>]*>/g) ?? [];
    expect(buttons).toHaveLength(4);
    for (const b of buttons) expect(b).toMatch(/disabled/);
    expect(html).toContain("即将推出 / coming soon");
  });
});
