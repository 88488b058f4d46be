// What the ribbon's dialog page says, zh-CN first and en-US beside it (the pane's wording where it has one).
// Shared by the ribbon commands (src/commands/commands.ts), which open the page, and the page itself
// (dialog.ts), which renders it; the two agree on the query string through dialogQuery/readDialogQuery.
import { LABELS } from "../taskpane/i18n";

export interface Bilingual {
  zh: string;
  en: string;
}

/** What the dialog sends back with Office.context.ui.messageParent. */
export type DialogAnswer = "yes" | "no" | "close";

/** The dialog's labels (the confirmation reuses the pane's 移除 CRM 结果 texts). */
export const DIALOG_TEXT = {
  pageTitle: { zh: "CRM 工作台", en: "CRM Workbench" },
  errorTitle: { zh: "操作未完成", en: "The action did not finish" },
  close: { zh: "关闭", en: "Close" },
  removeTitle: { zh: "移除 CRM 结果？", en: "Remove CRM output?" },
  removeIntro: LABELS["remove.intro"],
  removeWarning: LABELS["remove.warning"],
  removeYes: LABELS["remove.confirm"],
  removeNo: LABELS["remove.back"],
} satisfies Record<string, Bilingual>;

/** The two dialogs: an error with its message, or the confirmation before removing the add-in's output. */
export type DialogRequest = { kind: "error"; message: Bilingual } | { kind: "confirmRemove" };

/** Longest message text carried in the URL (per language); longer ones are cut with an ellipsis. */
export const MAX_MESSAGE = 600;

const cut = (s: string): string => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE - 1)}…` : s);

/** The query string (without "?") that asks dialog.html for `request`. */
export function dialogQuery(request: DialogRequest): string {
  const q = new URLSearchParams({ kind: request.kind });
  if (request.kind === "error") {
    q.set("zh", cut(request.message.zh));
    q.set("en", cut(request.message.en));
  }
  return q.toString();
}

/** The request a query string stands for; anything unknown is shown as an error with what it carried. */
export function readDialogQuery(search: string): DialogRequest {
  const q = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
  if (q.get("kind") === "confirmRemove") return { kind: "confirmRemove" };
  return { kind: "error", message: { zh: cut(q.get("zh") ?? ""), en: cut(q.get("en") ?? "") } };
}
