import { createRoot } from "react-dom/client";
import { App } from "./App";

function render(): void {
  const container = document.getElementById("root");
  if (!container) return;
  createRoot(container).render(<App />);
}

// Inside an Office host wait for Office.js to initialise; in a plain browser (tests, previews)
// `Office` is absent and the pane renders straight away.
if (typeof Office !== "undefined" && typeof Office.onReady === "function") {
  void Office.onReady(() => render());
} else {
  render();
}
