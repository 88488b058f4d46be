import { createRoot } from "react-dom/client";
import { lastCommandError } from "../commands/commands";
import { officeActions, useHost, type ExcelHost } from "../excel/actions";
import { App } from "./App";
import { officeHostContext, type HostContext } from "./host";

/**
 * A fake Excel the end-to-end tests put on the page before it loads (never present in Office). It may carry
 * `context`, standing in for Office.context's display language and theme (office.js, loaded outside Office,
 * has neither).
 */
const testHost = (globalThis as { __crmTestHost?: ExcelHost & { context?: HostContext } }).__crmTestHost;
if (testHost) useHost(testHost);

function render(inExcel: boolean, host: HostContext | undefined): void {
  const container = document.getElementById("root");
  if (!container) return;
  createRoot(container).render(<App actions={inExcel ? officeActions : undefined} host={host} initialError={lastCommandError ?? undefined} />);
}

// Inside Excel wait for Office.js to initialise (then Office.context holds the display language and theme);
// in a plain browser the pane shows its "open this in Excel" state (no actions), unless a test host was injected.
if (testHost) {
  render(true, testHost.context);
} else if (typeof Office !== "undefined" && typeof Office.onReady === "function") {
  void Office.onReady((info) => render(info.host === Office.HostType.Excel, info.host ? officeHostContext() : undefined));
} else {
  render(false, undefined);
}
