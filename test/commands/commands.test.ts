// The ribbon commands with a fake Office.context.ui: errors are shown in the dialog page in both languages
// (zh-CN first), 移除 CRM 结果 removes only after a "yes" from the confirmation dialog, dialog failures (12007 a
// dialog already open, a blocked pop-up) are handled, and event.completed() is called exactly once every time.
// The actions run for real over the strict fake Excel (test/excel/fake-excel.ts); removeOutput is wrapped only
// to count its calls.
import { createFakeExcel, type FakeBookSpec, type FakeExcel } from "../excel/fake-excel";
import { ActionError, COMMAND_ERROR_EVENT } from "../../src/excel/types";
import { readDialogQuery } from "../../src/dialog/messages";

jest.mock("../../src/excel/actions", () => {
  const actual = jest.requireActual("../../src/excel/actions");
  return { ...actual, removeOutput: jest.fn((...args: unknown[]) => actual.removeOutput(...args)) };
});
// eslint-disable-next-line import/first
import * as actions from "../../src/excel/actions";
// eslint-disable-next-line import/first
import { COMMAND_NAMES, confirmationFailure, dialogUrl, lastCommandError, registerCommands, runCommand } from "../../src/commands/commands";

const removeOutputSpy = actions.removeOutput as unknown as jest.Mock;

/** What the fake dialog page does once it is open. */
type PageScript = { answer: "yes" | "no" | "close" } | { closeByUser: true } | { stayOpen: true };
/** How displayDialogAsync behaves: opens the page (and the page acts), or fails with Office's code. */
type Behaviour = { open: PageScript } | { fail: number };

interface Opened {
  url: URL;
  options: Office.DialogOptions;
  closed: number;
}

const EventType = { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" };
const AsyncResultStatus = { Succeeded: "succeeded", Failed: "failed" };

let behaviours: Behaviour[] = [];
let opened: Opened[] = [];
let failures: number[] = [];
let associated: Record<string, (event: unknown) => void> = {};

function installOffice(): void {
  const ui = {
    displayDialogAsync(url: string, options: Office.DialogOptions, callback: (r: unknown) => void) {
      const behaviour = behaviours.shift() ?? { open: { stayOpen: true } };
      if ("fail" in behaviour) {
        failures.push(behaviour.fail);
        setTimeout(() => callback({ status: AsyncResultStatus.Failed, error: { code: behaviour.fail, message: `fake ${behaviour.fail}` } }));
        return;
      }
      const record: Opened = { url: new URL(url), options, closed: 0 };
      opened.push(record);
      const handlers: Record<string, (arg: unknown) => void> = {};
      const dialog = {
        addEventHandler: (type: string, handler: (arg: unknown) => void) => (handlers[type] = handler),
        close: () => record.closed++,
      };
      setTimeout(() => {
        callback({ status: AsyncResultStatus.Succeeded, value: dialog });
        const page = behaviour.open;
        setTimeout(() => {
          if ("answer" in page) handlers[EventType.DialogMessageReceived]?.({ message: page.answer, origin: record.url.origin });
          else if ("closeByUser" in page) handlers[EventType.DialogEventReceived]?.({ error: 12006 });
        });
      });
    },
  };
  (globalThis as Record<string, unknown>).Office = {
    context: { ui },
    EventType,
    AsyncResultStatus,
    actions: { associate: (name: string, f: (event: unknown) => void) => (associated[name] = f) },
    onReady: () => Promise.resolve({}),
  };
  (globalThis as Record<string, unknown>).location = { href: "https://addin.test.example/taskpane.html" };
}

let fake: FakeExcel;
function useBook(spec: FakeBookSpec): void {
  fake = createFakeExcel(spec);
  actions.useHost({ run: (b) => fake.Excel.run(b as never) as never, isSetSupported: (s, v) => fake.Office.context.requirements.isSetSupported(s, v) });
}

/** A book with no customers table: notes and a price list. */
const NO_CUSTOMERS: FakeBookSpec = {
  sheets: [
    { name: "笔记", cells: [["本周待办"], ["给张经理回电话"]] },
    { name: "价格表", cells: [["产品", "单价"], ["A100", 120], ["B200", 80]] },
  ],
};

/** A book whose only add-in output is the findings sheet validate wrote. */
async function bookWithOutput(): Promise<void> {
  useBook({
    sheets: [
      {
        name: "客户信息表",
        cells: [
          ["客户编号", "客户名称", "联系人", "手机", "首次合作日期"],
          ["C001", "上海甲公司", "张三", "13812345678", "2023-01-05"],
          ["C002", "北京乙公司", "李四", "1391234567", "2024-03-10"],
        ],
      },
    ],
  });
  await actions.validateToSheet();
}
const sheetNames = (): string[] => fake.book.sheetNames();

let events: ActionError[] = [];
const onEvent = (e: Event): void => void events.push((e as CustomEvent<ActionError>).detail);

// The page's window is an EventTarget (the pane listens on it); Node's globalThis is not, so lend it one.
const win = new EventTarget();
const g = globalThis as unknown as Record<string, unknown>;
beforeAll(() => {
  installOffice();
  g.addEventListener = win.addEventListener.bind(win);
  g.removeEventListener = win.removeEventListener.bind(win);
  g.dispatchEvent = win.dispatchEvent.bind(win);
  win.addEventListener(COMMAND_ERROR_EVENT, onEvent);
});
afterAll(() => {
  win.removeEventListener(COMMAND_ERROR_EVENT, onEvent);
  delete g.addEventListener;
  delete g.removeEventListener;
  delete g.dispatchEvent;
});
beforeEach(() => {
  behaviours = [];
  opened = [];
  failures = [];
  events = [];
  removeOutputSpy.mockClear();
});

function fakeEvent(): { completed: jest.Mock } {
  return { completed: jest.fn() };
}

describe("ribbon errors are shown in a dialog", () => {
  test("应用标签 on a book without customers: the dialog page shows the error, zh-CN first, then en-US; the pane hears of it; completed once", async () => {
    useBook(NO_CUSTOMERS);
    behaviours = [{ open: { stayOpen: true } }];
    const event = fakeEvent();
    await runCommand("applyTags", event as never);

    expect(event.completed).toHaveBeenCalledTimes(1);
    expect(opened).toHaveLength(1);
    const { url, options } = opened[0];
    expect(url.origin + url.pathname).toBe("https://addin.test.example/dialog.html");
    expect(options.displayInIframe).toBe(true);
    const request = readDialogQuery(url.search);
    expect(request.kind).toBe("error");
    if (request.kind !== "error") return;
    // The adapter's own noCustomers message, in both languages.
    expect(request.message.zh).toContain("没有找到客户表");
    expect(request.message.en).toContain("No customers table found");
    // zh-CN comes first in the query (the page renders in that order too: see dialog-page.test.ts).
    expect(url.search.indexOf("zh=")).toBeLessThan(url.search.indexOf("en="));

    expect(events).toHaveLength(1);
    expect(events[0].kind).toBe("noCustomers");
    expect(lastCommandError?.kind).toBe("noCustomers");
  });

  test("every writing command on a book without customers shows the error dialog; the workbook is not changed", async () => {
    for (const name of ["highlightRisk", "buildReview"] as const) {
      useBook(NO_CUSTOMERS);
      opened = [];
      const event = fakeEvent();
      await runCommand(name, event as never);
      expect({ name, completed: event.completed.mock.calls.length }).toEqual({ name, completed: 1 });
      expect({ name, dialogs: opened.length }).toEqual({ name, dialogs: 1 });
      const request = readDialogQuery(opened[0].url.search);
      expect(request.kind === "error" && request.message.zh.includes("客户表") && /customers/i.test(request.message.en)).toBe(true);
      expect(sheetNames()).toEqual(["笔记", "价格表"]);
    }
  });

  test("the dialog closes itself when the page answers close", async () => {
    useBook(NO_CUSTOMERS);
    behaviours = [{ open: { answer: "close" } }];
    await runCommand("applyTags", fakeEvent() as never);
    await new Promise((r) => setTimeout(r, 5));
    expect(opened[0].closed).toBe(1);
  });

  test("12007 (a dialog is already open): the error stays with the pane, nothing throws, completed once", async () => {
    useBook(NO_CUSTOMERS);
    behaviours = [{ fail: 12007 }];
    const event = fakeEvent();
    await expect(runCommand("applyTags", event as never)).resolves.toBeUndefined();
    expect(failures).toEqual([12007]);
    expect(event.completed).toHaveBeenCalledTimes(1);
    expect(events.map((e) => e.kind)).toEqual(["noCustomers"]);
  });

  test("without the Dialog API at all the command still completes and the pane still hears of the error", async () => {
    useBook(NO_CUSTOMERS);
    const office = (globalThis as unknown as { Office: { context: { ui: unknown } } }).Office;
    const ui = office.context.ui;
    office.context.ui = undefined;
    try {
      const event = fakeEvent();
      await runCommand("highlightRisk", event as never);
      expect(event.completed).toHaveBeenCalledTimes(1);
      expect(events.map((e) => e.kind)).toEqual(["noCustomers"]);
    } finally {
      office.context.ui = ui;
    }
  });

  test("a successful command opens no dialog and clears the kept error", async () => {
    await bookWithOutput();
    const event = fakeEvent();
    await runCommand("validateWorkbook", event as never);
    expect(event.completed).toHaveBeenCalledTimes(1);
    expect(opened).toHaveLength(0);
    expect(lastCommandError).toBeNull();
  });
});

describe("移除 CRM 结果 asks first", () => {
  test("confirm = no: nothing is removed, completed once, no error", async () => {
    await bookWithOutput();
    const before = sheetNames();
    expect(before.length).toBeGreaterThan(1); // the findings sheet validate wrote
    behaviours = [{ open: { answer: "no" } }];
    const event = fakeEvent();
    await runCommand("removeOutput", event as never);
    expect(opened).toHaveLength(1);
    expect(readDialogQuery(opened[0].url.search)).toEqual({ kind: "confirmRemove" });
    expect(opened[0].closed).toBe(1);
    expect(removeOutputSpy).not.toHaveBeenCalled();
    expect(sheetNames()).toEqual(before);
    expect(event.completed).toHaveBeenCalledTimes(1);
    expect(events).toEqual([]);
  });

  test("the user closes the confirmation (12006): nothing is removed", async () => {
    await bookWithOutput();
    const before = sheetNames();
    behaviours = [{ open: { closeByUser: true } }];
    const event = fakeEvent();
    await runCommand("removeOutput", event as never);
    expect(removeOutputSpy).not.toHaveBeenCalled();
    expect(sheetNames()).toEqual(before);
    expect(event.completed).toHaveBeenCalledTimes(1);
  });

  test("confirm = yes: the add-in's output is removed, the user's sheet stays, completed once after the removal", async () => {
    await bookWithOutput();
    expect(sheetNames().length).toBeGreaterThan(1);
    behaviours = [{ open: { answer: "yes" } }];
    const event = fakeEvent();
    event.completed.mockImplementation(() => expect(removeOutputSpy).toHaveBeenCalledTimes(1));
    await runCommand("removeOutput", event as never);
    expect(removeOutputSpy).toHaveBeenCalledTimes(1);
    expect(sheetNames()).toEqual(["客户信息表"]);
    expect(event.completed).toHaveBeenCalledTimes(1);
    expect(opened[0].closed).toBe(1);
  });

  test("the confirmation cannot be shown (12007): nothing is removed, the pane is told why in both languages", async () => {
    await bookWithOutput();
    const before = sheetNames();
    behaviours = [{ fail: 12007 }];
    const event = fakeEvent();
    await runCommand("removeOutput", event as never);
    expect(removeOutputSpy).not.toHaveBeenCalled();
    expect(sheetNames()).toEqual(before);
    expect(event.completed).toHaveBeenCalledTimes(1);
    expect(events).toHaveLength(1);
    expect(events[0].zh).toBe(confirmationFailure(12007).zh);
    expect(events[0].zh).toContain("未移除任何内容");
    expect(events[0].en).toContain("Nothing was removed");
    expect(events[0].en).toContain("already open");
  });

  test("removal that fails after a yes shows the error dialog (a second dialog) and still completes once", async () => {
    useBook(NO_CUSTOMERS);
    removeOutputSpy.mockImplementationOnce(() => Promise.reject(new ActionError("changed", "工作簿已更改", "The workbook changed")));
    behaviours = [{ open: { answer: "yes" } }, { open: { stayOpen: true } }];
    const event = fakeEvent();
    await runCommand("removeOutput", event as never);
    expect(opened.map((o) => readDialogQuery(o.url.search).kind)).toEqual(["confirmRemove", "error"]);
    const second = readDialogQuery(opened[1].url.search);
    expect(second).toEqual({ kind: "error", message: { zh: "工作簿已更改", en: "The workbook changed" } });
    expect(event.completed).toHaveBeenCalledTimes(1);
  });
});

describe("registration and the dialog address", () => {
  test("every manifest command is associated and runs through runCommand", async () => {
    associated = {};
    registerCommands();
    expect(Object.keys(associated).sort()).toEqual([...COMMAND_NAMES].sort());
    useBook(NO_CUSTOMERS);
    const event = fakeEvent();
    associated.buildReview(event);
    await new Promise((r) => setTimeout(r, 50));
    expect(event.completed).toHaveBeenCalledTimes(1);
    expect(events.map((e) => e.kind)).toEqual(["noCustomers"]);
  });

  test("dialog.html sits beside the runtime page, under a path too", () => {
    expect(dialogUrl({ kind: "confirmRemove" }, "https://a.example/crm/taskpane.html")).toBe("https://a.example/crm/dialog.html?kind=confirmRemove");
    const long = "很长".repeat(1000);
    const request = readDialogQuery(new URL(dialogUrl({ kind: "error", message: { zh: long, en: "x".repeat(5000) } }, "https://a.example/")).search);
    expect(request.kind === "error" && request.message.zh.length <= 600 && request.message.zh.endsWith("…")).toBe(true);
  });
});
