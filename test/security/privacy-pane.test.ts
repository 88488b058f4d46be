/**
 * @jest-environment jsdom
 */
// The task pane's findings list over a real workbook (issue 8, "Privacy and security"): the real Office.js
// actions run the real engine on the fake Excel, and the pane renders what they return.
// - No full phone number or USCC appears anywhere in the rendered pane: text, aria labels, titles, data attributes.
// - User text is rendered as text: a customer name and a sheet name holding markup create no element.
import "./jsdom-text-encoder";
// The dashboard's charts in jsdom: layout stand-ins (jest.config.js maps their ES-module-only d3 dependencies).
import "../taskpane/charts-cjs";
import { act, fireEvent, screen } from "@testing-library/react";
import { createElement } from "react";
import { render } from "@testing-library/react";
import { officeActions, useHost } from "../../src/excel/actions";
import { App } from "../../src/taskpane/App";
import { createFakeExcel, type FakeBookSpec, type FakeExcel } from "../excel/fake-excel";
import { specOf } from "../excel/spec";
import { recordReliability } from "../reliability";
import { AS_OF, leaksIn, privacyModel } from "./privacy-book";

jest.setTimeout(60_000);

let fake: FakeExcel;
let restore: (() => void) | undefined;

function open(spec: FakeBookSpec): void {
  fake = createFakeExcel(spec);
  restore = fake.install();
  useHost({ run: (b) => fake.Excel.run(b as never) as never, isSetSupported: (s, v) => fake.Office.context.requirements.isSetSupported(s, v) });
}
afterEach(() => restore?.());

/** Everything a user or a screen reader can get from the pane: its text and every attribute value. */
function paneText(container: HTMLElement): string {
  const attrs = [...container.querySelectorAll("*")].flatMap((el) => [...el.attributes].filter((a) => a.name !== "class" && a.name !== "style").map((a) => a.value));
  return `${container.textContent ?? ""}\n${attrs.join("\n")}`;
}

async function validateInPane(): Promise<HTMLElement> {
  const view = render(createElement(App, { asOf: AS_OF, actions: officeActions }));
  fireEvent.click(screen.getByRole("button", { name: /^校验/ }));
  await screen.findByTestId("count-errors", {}, { timeout: 20_000 });
  // Every finding rendered (the list pages at 200).
  for (let more = screen.queryByRole("button", { name: /^显示更多/ }); more; more = screen.queryByRole("button", { name: /^显示更多/ })) {
    await act(async () => void fireEvent.click(more!));
  }
  return view.container;
}

const figures = { scanned: 0, leaks: 0, payloads: 0, elements: 0 };

afterAll(() => {
  recordReliability("privacy-pane", {
    group: "privacy and security",
    what: "任务窗格渲染的问题与遮盖预览条目（文本与属性） task pane findings and mask-preview rows scanned (text and attributes)",
    tried: figures.scanned,
    failed: figures.leaks,
    where: "test/security/privacy-pane.test.ts (real actions and engine over the fake Excel)",
  });
  recordReliability("html-injection-pane", {
    group: "privacy and security",
    what: "HTML 注入载荷（客户名称、工作表名） HTML payloads in customer and sheet names rendered",
    tried: figures.payloads,
    failed: figures.elements,
    where: "test/security/privacy-pane.test.ts",
  });
});

describe("the task pane over a workbook full of phone numbers and USCCs", () => {
  test("the findings list, its labels and the mask preview show them masked, never whole", async () => {
    open(specOf(privacyModel()));
    const container = await validateInPane();
    const items = container.querySelectorAll("li [data-address], li > div");
    expect(items.length).toBeGreaterThan(10);
    // The masked forms are there (so the scan below reads the findings that quote the secrets).
    expect(container.textContent).toContain("138****5678");
    expect(container.textContent).toContain("913101**********7T");
    // And the mask preview (cell → masked text).
    fireEvent.click(screen.getByRole("button", { name: /^遮盖手机号/ }));
    expect(screen.getByRole("list", { name: /遮盖预览/ }).textContent).toContain("****");
    // Each finding and each preview row on its own (the figure counts them), then the whole pane.
    const rows = [...container.querySelectorAll("li")].map((li) => paneText(li as HTMLElement));
    expect(rows.length).toBeGreaterThan(20);
    const leakingRows = rows.filter((r) => leaksIn(r).length > 0);
    figures.scanned += rows.length;
    figures.leaks += leakingRows.length;
    expect(leakingRows).toEqual([]);
    const text = paneText(container);
    const leaks = leaksIn(text);
    expect({ leaks, lines: text.split("\n").filter((l) => leaksIn(l).length > 0).slice(0, 5) }).toEqual({ leaks: [], lines: [] });
  });
});

describe("user text is rendered as text (React escapes it; no HTML injection)", () => {
  const EVIL_NAME = "<img src=x onerror=alert(1)>";
  const EVIL_SHEET = "<img src=y onerror=alert(2)>"; // no character a sheet name may not hold
  const EVIL_STAGE = "<script>alert(3)</script>";

  test("a customer name, a sheet name and a cell value holding markup appear as text and create no element", async () => {
    const alert = jest.fn();
    window.alert = alert;
    open({
      sheets: [
        {
          name: "客户",
          cells: [
            ["客户编号", "客户名称", "联系人", "首次触达时间", "当前周期阶段"],
            ["C1", EVIL_NAME, "王经理", "2024-01-10", EVIL_STAGE],
            ["C1", "正常客户", "李经理", "2024-01-11", "潜在客户"],
          ],
        },
        {
          name: EVIL_SHEET,
          cells: [
            ["客户名称", "下单日期", "金额"],
            [EVIL_NAME, "2024-10-01", 100],
            [`${EVIL_NAME}分公司`, "2024-10-02", 200],
          ],
        },
      ],
    });
    const container = await validateInPane();
    figures.payloads += 3;
    const text = container.textContent ?? "";
    // The markup is shown literally: the unknown customer's name, the sheet name in headings and addresses, the bad stage.
    expect(text).toContain(EVIL_NAME);
    expect(text).toContain(EVIL_SHEET);
    expect(text).toContain(EVIL_STAGE);
    const made = container.querySelectorAll("img, script, iframe, object, embed, [onerror], [onload], [onclick]");
    figures.elements += made.length;
    expect([...made].map((e) => e.outerHTML)).toEqual([]);
    expect(container.innerHTML).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(container.innerHTML).toContain("&lt;script&gt;alert(3)&lt;/script&gt;");
    expect(alert).not.toHaveBeenCalled();
  });
});
