// Browser entry of the end-to-end test (bundled by pane.e2e.test.ts with webpack, injected with
// page.addInitScript so it runs before the add-in's own scripts). It builds the strict fake Excel from the
// workbook spec the test put on the page as JSON and hands it to the task pane as its host: src/taskpane/index.tsx
// calls useHost(window.__crmTestHost) and then renders the pane with the real Office.js actions.
// No Office/Excel globals are installed: the pane reaches the workbook only through the injected host.
// What Office would say about itself (display language, theme) the test puts on the page as window.__crmHostContext
// ({ displayLanguage: "en-US", officeTheme: { bodyBackgroundColor: "#262626" } }); the host hands it to the pane as
// `context`, which index.tsx passes to <App host>, as it passes Office.context inside Office (office.js, loaded
// outside Office, knows neither).
import { createFakeExcel, type FakeBookSpec, type FakeExcel } from "../excel/fake-excel";

interface E2eWindow {
  __crmSpec?: FakeBookSpec;
  __crmTestHost?: { run(batch: (ctx: unknown) => Promise<unknown>): Promise<unknown>; isSetSupported(set: string, version: string): boolean; context?: E2eWindow["__crmHostContext"] };
  __crmFake?: FakeExcel;
  __crmHostContext?: { displayLanguage?: string; officeTheme?: { bodyBackgroundColor?: string } };
}

const w = window as unknown as E2eWindow;
if (!w.__crmSpec) throw new Error("e2e host: window.__crmSpec is missing (the test injects it before this bundle)");
const fake = createFakeExcel(w.__crmSpec);
w.__crmTestHost = {
  run: (batch) => fake.Excel.run(batch as never),
  isSetSupported: (set, version) => fake.Office.context.requirements.isSetSupported(set, version),
  context: w.__crmHostContext,
};
w.__crmFake = fake;
