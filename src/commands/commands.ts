// Ribbon commands (manifest.xml: ExecuteFunction actions), running in the shared runtime page. Each one runs
// the same action as the task pane button of the same name; without the pane, 校验 writes the findings sheet
// and shows it. Errors cannot be shown from a ribbon button, so they are kept for the pane to show.
import { applyTags, buildReviewSheets, highlightRisk, removeOutput, validateToSheet } from "../excel/actions";
import { ActionError, COMMAND_ERROR_EVENT } from "../excel/types";

/** The ExecuteFunction names declared in manifest.xml. */
export const COMMAND_NAMES = ["validateWorkbook", "applyTags", "highlightRisk", "buildReview", "removeOutput"] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

const RUN: Record<CommandName, () => Promise<unknown>> = {
  validateWorkbook: () => validateToSheet(),
  applyTags: () => applyTags(),
  highlightRisk: () => highlightRisk(),
  buildReview: () => buildReviewSheets(),
  // Takes out only what the add-in wrote (any of it comes back by running the action again), so the ribbon
  // runs it without the pane's confirmation, like the other commands that replace the add-in's output.
  removeOutput: () => removeOutput(),
};

/** The last ribbon error, for the pane to show when it opens (ribbon commands have no UI of their own). */
export let lastCommandError: ActionError | null = null;

export async function runCommand(name: CommandName, event?: Office.AddinCommands.Event): Promise<void> {
  try {
    await RUN[name]();
    lastCommandError = null;
  } catch (e) {
    lastCommandError = e instanceof ActionError ? e : new ActionError("office", String((e as Error)?.message ?? e), String((e as Error)?.message ?? e));
    if (typeof CustomEvent === "function") globalThis.dispatchEvent?.(new CustomEvent(COMMAND_ERROR_EVENT, { detail: lastCommandError }));
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
