import { createRoot } from "react-dom/client";
import { App } from "./App";

function render(): void {
  const container = document.getElementById("root");
  if (!container) return;
  // The Office.js actions (src/excel/actions) are passed here once they exist; until then the pane
  // shows its "open this in Excel" state. Tests and the e2e harness render <App actions={...} /> themselves.
  createRoot(container).render(<App actions={undefined} />);
}

// Inside an Office host wait for Office.js to initialise; in a plain browser (tests, previews)
// `Office` is absent and the pane renders straight away.
if (typeof Office !== "undefined" && typeof Office.onReady === "function") {
  void Office.onReady(() => render());
} else {
  render();
}
