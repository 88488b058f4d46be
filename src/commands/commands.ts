// Ribbon commands (manifest.xml: ExecuteFunction actions), running in the shared runtime page. Each one runs
// the same action as the task pane button of the same name; without the pane, 校验 writes the findings sheet
// and shows it.
//
// A ribbon button has no UI of its own, so:
// - an error is shown in a small dialog (dialog.html, Office.context.ui.displayDialogAsync), zh-CN first and
//   en-US beside it, AND dispatched as COMMAND_ERROR_EVENT for an open pane, AND kept in lastCommandError for
//   a pane opened later;
// - 移除 CRM 结果 asks in that dialog first and removes only on an explicit yes (a closed dialog, Escape, or a
//   dialog that cannot be shown — e.g. 12007, another dialog is already open — removes nothing).
// event.completed() is called exactly once whatever happens, after the action (and the confirmation) ends.
import { applyTags, buildReviewSheets, highlightRisk, removeOutput, validateToSheet } from "../excel/actions";
import { ActionError, COMMAND_ERROR_EVENT } from "../excel/types";
import { dialogQuery, type Bilingual, type DialogAnswer, type DialogRequest } from "../dialog/messages";

/** The ExecuteFunction names declared in manifest.xml. */
export const COMMAND_NAMES = ["validateWorkbook", "applyTags", "highlightRisk", "buildReview", "removeOutput"] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

const RUN: Record<CommandName, () => Promise<unknown>> = {
  validateWorkbook: () => validateToSheet(),
  applyTags: () => applyTags(),
  highlightRisk: () => highlightRisk(),
  buildReview: () => buildReviewSheets(),
  removeOutput: () => removeOutput(),
};

/** Commands that ask in the dialog before they run. */
const CONFIRM: Partial<Record<CommandName, DialogRequest>> = { removeOutput: { kind: "confirmRemove" } };

/** The last ribbon error, for the pane to show when it opens. */
export let lastCommandError: ActionError | null = null;

/** Office's dialog error codes (displayDialogAsync's asyncResult.error.code, DialogEventReceived's arg.error). */
export const DIALOG_ERROR = {
  /** The page is not on the add-in's domain / cannot be opened. */
  invalidUrl: 12004,
  /** The page is not https. */
  notHttps: 12005,
  /** The user closed the dialog (DialogEventReceived). */
  closedByUser: 12006,
  /** A dialog is already open from this add-in. */
  alreadyOpen: 12007,
  /** The user ignored the pop-up / the browser blocked it (Office on the web). */
  blocked: 12009,
} as const;

/** The dialog page's address beside the runtime page (dialog.html is a build output next to taskpane.html). */
export function dialogUrl(request: DialogRequest, base: string = globalThis.location?.href ?? ""): string {
  const url = new URL("dialog.html", base);
  url.search = dialogQuery(request);
  return url.toString();
}

/** Dialog size in % of the screen: the error is short, the confirmation carries two paragraphs per language. */
const DIALOG_SIZE: Record<DialogRequest["kind"], { height: number; width: number }> = {
  error: { height: 35, width: 40 },
  confirmRemove: { height: 55, width: 45 },
};

/**
 * What became of a dialog: the answer the page sent, "dismissed" when the user closed it, "shown" (when not
 * waiting for an answer), or "failed" with Office's code when it could not be shown (or broke while open).
 */
export type DialogOutcome = { answer: DialogAnswer } | { dismissed: true } | { shown: true } | { failed: number; message: string };

/**
 * Opens dialog.html for `request`. With `waitForAnswer` it resolves when the page answers, the user closes it,
 * or it cannot be shown; without, as soon as it is on screen (it still closes itself when the page answers).
 * Never rejects.
 */
export function showDialog(request: DialogRequest, waitForAnswer = true): Promise<DialogOutcome> {
  return new Promise<DialogOutcome>((resolve) => {
    let settled = false;
    let open = false;
    const settle = (outcome: DialogOutcome, dialog?: Office.Dialog): void => {
      if (dialog && open && !("dismissed" in outcome)) {
        open = false;
        try {
          dialog.close();
        } catch {
          /* already closed */
        }
      }
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    try {
      const ui = typeof Office !== "undefined" ? Office.context?.ui : undefined;
      if (!ui || typeof ui.displayDialogAsync !== "function") {
        settle({ failed: 0, message: "Office.context.ui.displayDialogAsync is not available" });
        return;
      }
      ui.displayDialogAsync(dialogUrl(request), { ...DIALOG_SIZE[request.kind], displayInIframe: true }, (result) => {
        if (result.status !== Office.AsyncResultStatus.Succeeded) {
          settle({ failed: result.error?.code ?? 0, message: result.error?.message ?? "displayDialogAsync failed" });
          return;
        }
        const dialog = result.value;
        open = true;
        if (!waitForAnswer) settle({ shown: true });
        dialog.addEventHandler(Office.EventType.DialogMessageReceived, (arg) => {
          const message = "message" in arg ? String(arg.message) : "";
          if (message === "yes" || message === "no" || message === "close") settle({ answer: message }, dialog);
        });
        dialog.addEventHandler(Office.EventType.DialogEventReceived, (arg) => {
          const code = "error" in arg ? Number(arg.error) : 0;
          if (code === DIALOG_ERROR.closedByUser) {
            open = false;
            settle({ dismissed: true }, dialog);
          }
          else settle({ failed: code, message: `dialog event ${code}` }, dialog);
        });
      });
    } catch (e) {
      settle({ failed: 0, message: String((e as Error)?.message ?? e) });
    }
  });
}

/** Why a confirmation could not be asked, said in both languages (nothing was removed). */
export function confirmationFailure(code: number): Bilingual {
  const why: Bilingual =
    code === DIALOG_ERROR.alreadyOpen
      ? { zh: "已有一个 CRM 工作台对话框打开，请先关闭它", en: "another CRM Workbench dialog is already open; close it first" }
      : code === DIALOG_ERROR.blocked
        ? { zh: "浏览器阻止了对话框，请允许弹出窗口", en: "the browser blocked the dialog; allow pop-ups for Excel" }
        : { zh: `无法显示确认对话框（代码 ${code}）`, en: `the confirmation dialog could not be shown (code ${code})` };
  return {
    zh: `未移除任何内容：${why.zh}。也可以在任务窗格中移除 CRM 结果。`,
    en: `Nothing was removed: ${why.en}. You can also remove the CRM output from the task pane.`,
  };
}

function asActionError(e: unknown): ActionError {
  if (e instanceof ActionError) return e;
  const message = String((e as Error)?.message ?? e);
  return new ActionError("office", message, message);
}

/** Keeps the error for the pane and tells an open pane about it. */
function report(error: ActionError): void {
  lastCommandError = error;
  if (typeof CustomEvent === "function") globalThis.dispatchEvent?.(new CustomEvent(COMMAND_ERROR_EVENT, { detail: error }));
}

export async function runCommand(name: CommandName, event?: Office.AddinCommands.Event): Promise<void> {
  try {
    const confirm = CONFIRM[name];
    if (confirm) {
      const outcome = await showDialog(confirm);
      if (!("answer" in outcome) || outcome.answer !== "yes") {
        // A "no", a closed dialog or one that never opened: nothing is removed. Only the last is worth saying.
        if ("failed" in outcome) {
          const text = confirmationFailure(outcome.failed);
          report(new ActionError("cancelled", text.zh, text.en));
        }
        return;
      }
    }
    await RUN[name]();
    lastCommandError = null;
  } catch (e) {
    const error = asActionError(e);
    report(error);
    // Shown where the user is looking; the command completes once it is on screen (the user reads and closes
    // it in their own time). If it cannot open (12007: one is already open, or the browser blocks it) the
    // error stays with the pane, as before.
    await showDialog({ kind: "error", message: { zh: error.zh, en: error.en } }, false);
  } finally {
    event?.completed();
  }
}

export function registerCommands(): void {
  for (const name of COMMAND_NAMES) Office.actions.associate(name, (event: Office.AddinCommands.Event) => void runCommand(name, event));
}

if (typeof Office !== "undefined" && typeof Office.onReady === "function") {
  void Office.onReady(() => registerCommands());
}
