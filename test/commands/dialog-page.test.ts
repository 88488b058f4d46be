/**
 * @jest-environment jsdom
 */
// The ribbon's dialog page (src/dialog/dialog.html + dialog.ts) in jsdom: the page declares its language, shows
// the error zh-CN first then en-US (as text, never HTML), every button has a name in both languages, the safe
// button has the focus, and the answers reach Office.context.ui.messageParent ("yes"/"no"/"close", Escape = no).
import * as fs from "fs";
import * as path from "path";
import { renderDialog } from "../../src/dialog/dialog";
import { dialogQuery, DIALOG_TEXT } from "../../src/dialog/messages";

const ROOT = path.resolve(__dirname, "../..");
const template = fs.readFileSync(path.join(ROOT, "src/dialog/dialog.html"), "utf8");

function load(): void {
  // The template as the build writes it (office.js address filled in), without running its scripts.
  const html = template.replace("<%= officeJs %>", "office-js/office.js");
  document.documentElement.innerHTML = /<html[^>]*>([\s\S]*)<\/html>/.exec(html)![1];
  document.documentElement.lang = /<html lang="([^"]+)"/.exec(html)![1];
}

/** The accessible name of a button: its text content (no aria-label overrides it). */
const nameOf = (b: Element): string => (b.getAttribute("aria-label") ?? b.textContent ?? "").replace(/\s+/g, " ").trim();

describe("dialog.html", () => {
  test("declares its language and has a <main> for the dialog", () => {
    expect(template).toMatch(/<html lang="zh-CN">/);
    expect(template).toMatch(/<main id="dialog">/);
    expect(template).toMatch(/<title>[^<]+<\/title>/);
    // The Office.js address comes from the build (CDN in production).
    expect([...template.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1])).toEqual(["<%= officeJs %>"]);
  });

  test("an error: zh-CN paragraph first, then en-US, as text; one named Close button with the focus; answers close", () => {
    load();
    const replies: string[] = [];
    const zh = "没有找到客户表（需要带“客户名称”等表头的表格）<b>x</b>";
    const en = "No customers table found (a table with headers such as 客户名称)";
    renderDialog(document, `?${dialogQuery({ kind: "error", message: { zh, en } })}`, (a) => replies.push(a));

    const main = document.getElementById("dialog")!;
    expect(main.getAttribute("role")).toBe("alertdialog");
    expect(document.getElementById(main.getAttribute("aria-labelledby")!)!.textContent).toContain(DIALOG_TEXT.errorTitle.zh);
    const paragraphs = [...main.querySelectorAll("p")];
    expect(paragraphs.map((p) => [p.lang, p.textContent])).toEqual([
      ["zh-CN", zh],
      ["en-US", en],
    ]);
    expect(main.querySelector("b")).toBeNull(); // the message is text, not markup

    const buttons = [...main.querySelectorAll("button")];
    expect(buttons.map(nameOf)).toEqual([`${DIALOG_TEXT.close.zh} ${DIALOG_TEXT.close.en}`]);
    expect(buttons.every((b) => b.type === "button")).toBe(true);
    expect(document.activeElement).toBe(buttons[0]);
    buttons[0].click();
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    expect(replies).toEqual(["close", "close"]);
  });

  test("the confirmation: both languages, 确认移除/暂不移除 named in both, 暂不移除 focused, answers yes / no, Escape = no", () => {
    load();
    const replies: string[] = [];
    renderDialog(document, `?${dialogQuery({ kind: "confirmRemove" })}`, (a) => replies.push(a));
    const main = document.getElementById("dialog")!;
    expect(main.getAttribute("role")).toBe("dialog");
    const langs = [...main.querySelectorAll("p")].map((p) => p.lang);
    expect(langs).toEqual(["zh-CN", "en-US", "zh-CN", "en-US"]);
    expect(main.textContent).toContain(DIALOG_TEXT.removeIntro.zh);
    expect(main.textContent).toContain(DIALOG_TEXT.removeIntro.en);

    const buttons = [...main.querySelectorAll("button")];
    expect(buttons.map(nameOf)).toEqual([
      `${DIALOG_TEXT.removeYes.zh} ${DIALOG_TEXT.removeYes.en}`,
      `${DIALOG_TEXT.removeNo.zh} ${DIALOG_TEXT.removeNo.en}`,
    ]);
    expect(buttons.every((b) => nameOf(b).length > 2)).toBe(true);
    expect(document.activeElement).toBe(buttons[1]); // the safe answer
    buttons[1].click();
    buttons[0].click();
    document.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape" }));
    expect(replies).toEqual(["no", "yes", "no"]);
    expect(document.title).toContain(DIALOG_TEXT.removeTitle.zh);
  });
});

describe("the page's start-up", () => {
  test("an answer given before Office.js is ready is sent once it is, and only once", async () => {
    load();
    window.history.replaceState(null, "", `/dialog.html?${dialogQuery({ kind: "confirmRemove" })}`);
    let ready!: () => void;
    const messageParent = jest.fn();
    const officeReady = new Promise<void>((r) => (ready = r));
    (globalThis as Record<string, unknown>).Office = { onReady: (callback?: () => void) => officeReady.then(() => callback?.()), context: { ui: { messageParent } } };
    jest.isolateModules(() => void require("../../src/dialog/dialog"));
    const no = [...document.querySelectorAll("button")].find((b) => b.dataset.answer === "no")!;
    no.click();
    expect(messageParent).not.toHaveBeenCalled();
    ready();
    await new Promise((r) => setTimeout(r, 0));
    expect(messageParent.mock.calls).toEqual([["no"]]);
    delete (globalThis as Record<string, unknown>).Office;
  });
});
