// The ribbon commands' dialog page (dialog.html, opened with Office.context.ui.displayDialogAsync): an error
// message, or the confirmation before 移除 CRM 结果 Remove CRM output. Plain DOM, no React. The text is
// chosen by the query string (messages.ts) and always written as text, never as HTML. The answer goes back
// with Office.context.ui.messageParent: "yes" / "no" for the confirmation, "close" for an error; Escape
// answers "no" / "close".
import { DIALOG_TEXT, readDialogQuery, type Bilingual, type DialogAnswer } from "./messages";

/** Sends the answer to the command that opened the dialog (inside Office only). */
export type Reply = (answer: DialogAnswer) => void;

function el<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, text?: string, lang?: string): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (lang) node.lang = lang;
  return node;
}

/** One paragraph per language, zh-CN first. */
function both(doc: Document, parent: HTMLElement, text: Bilingual, className?: string): void {
  for (const [lang, value] of [["zh-CN", text.zh], ["en-US", text.en]] as const) {
    if (!value) continue;
    const p = el(doc, "p", value, lang);
    if (className) p.className = className;
    parent.appendChild(p);
  }
}

/** A button named in both languages ("确认移除 Remove"), the English part marked as such. */
function button(doc: Document, text: Bilingual, answer: DialogAnswer, reply: Reply): HTMLButtonElement {
  const b = el(doc, "button");
  b.type = "button";
  b.dataset.answer = answer;
  b.append(doc.createTextNode(`${text.zh} `), el(doc, "span", text.en, "en-US"));
  b.addEventListener("click", () => reply(answer));
  return b;
}

/** Builds the dialog into `doc`'s <main id="dialog"> for the query `search`; returns the button focused first. */
export function renderDialog(doc: Document, search: string, reply: Reply): HTMLButtonElement {
  const request = readDialogQuery(search);
  const main = doc.getElementById("dialog") ?? doc.body.appendChild(el(doc, "main"));
  main.replaceChildren();
  const title = request.kind === "error" ? DIALOG_TEXT.errorTitle : DIALOG_TEXT.removeTitle;
  const h1 = el(doc, "h1");
  h1.id = "dialog-title";
  h1.append(doc.createTextNode(`${title.zh} `), el(doc, "span", title.en, "en-US"));
  main.appendChild(h1);
  const body = el(doc, "div");
  body.id = "dialog-body";
  main.appendChild(body);
  const actions = el(doc, "div");
  actions.className = "actions";
  let first: HTMLButtonElement;
  let escape: DialogAnswer;
  if (request.kind === "error") {
    both(doc, body, request.message, "message");
    first = button(doc, DIALOG_TEXT.close, "close", reply);
    actions.append(first);
    escape = "close";
  } else {
    both(doc, body, DIALOG_TEXT.removeIntro);
    both(doc, body, DIALOG_TEXT.removeWarning, "warning");
    // The safe answer is focused first; removing takes a deliberate choice.
    first = button(doc, DIALOG_TEXT.removeNo, "no", reply);
    actions.append(button(doc, DIALOG_TEXT.removeYes, "yes", reply), first);
    escape = "no";
  }
  main.appendChild(actions);
  main.setAttribute("role", request.kind === "error" ? "alertdialog" : "dialog");
  main.setAttribute("aria-labelledby", h1.id);
  main.setAttribute("aria-describedby", body.id);
  doc.title = `${title.zh} / ${title.en} — ${DIALOG_TEXT.pageTitle.zh}`;
  doc.addEventListener("keydown", (e) => {
    if (e.key === "Escape") reply(escape);
  });
  first.focus();
  return first;
}

// On the page: render at once (the text needs no Office), reply once Office.js is ready — an answer given before
// that (a quick click or Escape) is kept and sent then, not lost.
if (typeof document !== "undefined" && document.getElementById("dialog")) {
  let ready = false;
  let pending: DialogAnswer | null = null;
  const reply: Reply = (answer) => {
    if (ready) Office.context.ui.messageParent(answer);
    else pending ??= answer;
  };
  renderDialog(document, location.search, reply);
  if (typeof Office !== "undefined" && typeof Office.onReady === "function") {
    void Office.onReady(() => {
      ready = true;
      if (pending !== null) Office.context.ui.messageParent(pending);
    });
  }
}
