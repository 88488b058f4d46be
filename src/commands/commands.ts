// Ribbon commands (manifest.xml: ExecuteFunction actions). They run in the shared runtime page.
// Each handler currently only signals completion: the real actions are wired to the engine
// (through the same action layer as the task pane) in a later issue.

/** The ExecuteFunction names declared in manifest.xml. */
export const COMMAND_NAMES = ["validateWorkbook", "applyTags", "highlightRisk", "buildReview"] as const;

function notYetWired(event: Office.AddinCommands.Event): void {
  event.completed();
}

export function registerCommands(): void {
  for (const name of COMMAND_NAMES) Office.actions.associate(name, notYetWired);
}

if (typeof Office !== "undefined") {
  void Office.onReady(() => registerCommands());
}
