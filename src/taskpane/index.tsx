import { createRoot } from "react-dom/client";
import { lastCommandError } from "../commands/commands";
import { officeActions, useHost, type ExcelHost } from "../excel/actions";
import { App } from "./App";

/** A fake Excel the end-to-end tests put on the page before it loads (never present in Office). */
const testHost = (globalThis as { __crmTestHost?: ExcelHost }).__crmTestHost;
if (testHost) useHost(testHost);

function render(inExcel: boolean): void {
  const container = document.getElementById("root");
  if (!container) return;
  createRoot(container).render(<App actions={inExcel ? officeActions : undefined} initialError={lastCommandError ?? undefined} />);
}

// Inside Excel wait for Office.js to initialise; in a plain browser the pane shows its "open this in Excel"
// state (no actions), unless a test host was injected.
if (testHost) {
  render(true);
} else if (typeof Office !== "undefined" && typeof Office.onReady === "function") {
  void Office.onReady((info) => render(info.host === Office.HostType.Excel));
} else {
  render(false);
}
