// `npm run bench`: runs each scenario of bench/scenarios.ts in its own Node process (so peak memory is the
// scenario's own) and writes bench/RESULTS.md: a table per scenario and one line per target saying met or not.
// Targets are ratios against a baseline measured in the same process, or counts, never absolute times.
//   npm run bench              all scenarios at full size (about 22 minutes on 2 cores)
//   npm run bench -- --quick   the same scenarios at a tenth of the size (a smoke run)
//   npm run bench -- --apply-customers 20000   scenario 2 at another size
//   npm run bench -- --no-peers                without SheetJS and openpyxl (scenario 7's peers; about 5 minutes less)
import { spawnSync } from "child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { cpus, tmpdir, totalmem } from "os";
import { join } from "path";

const QUICK = process.argv.includes("--quick");
/** `--no-peers`: skip SheetJS and openpyxl (target 7a's SheetJS ratio is then not measured). */
const PEERS = !process.argv.includes("--no-peers");
/** `--apply-customers N`: the size of scenario 2 (default 100,000; its exceljs baseline alone takes minutes). */
const APPLY_AT = (() => {
  const i = process.argv.indexOf("--apply-customers");
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
})();
const scale = (n: number) => (QUICK ? Math.max(1_000, Math.round(n / 10)) : n);
const ROOT = join(__dirname, "..");

/** Node flags of the timing scenarios: room to grow and a larger young generation (fewer pauses). */
const TIMING_FLAGS = ["--max-old-space-size=20000", "--max-semi-space-size=64"];
/** Memory is measured as users run `npx crm`: Node's default flags. */
const DEFAULT_FLAGS: string[] = [];

function scenario<T>(name: string, size: number, ...extra: string[]): T {
  return scenarioWith<T>(TIMING_FLAGS, name, size, ...extra);
}

function scenarioWith<T>(flags: string[], name: string, size: number, ...extra: string[]): T {
  const t = Date.now();
  const r = spawnSync(process.execPath, [...flags, "-r", "ts-node/register/transpile-only", join(__dirname, "scenarios.ts"), name, String(size), ...extra], {
    cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
  });
  if (r.status !== 0) throw new Error(`scenario ${name} ${size} failed${r.signal ? ` (${r.signal})` : ""}:\n${r.stderr}`);
  process.stderr.write(`  ${name} ${size}: ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as T;
}

/** The as-of date of every run (bench/scenarios.ts's). */
const AS_OF = "2024-11-26";

/**
 * `crm` as users run it: the compiled command line (lib/, as bin/crm.js runs it) in a process of its own, through
 * bench/crm-run.js — not inside a ts-node scenario, whose TypeScript compiler added about 180 MB to every peak and
 * compiled the product's sources inside the timed run.
 */
function crmRun(flags: string[], file: string, command: "validate" | "apply", asOf = AS_OF): { ms: number; peakMB: number; startMB: number; exit: number; history?: { appended: number; skipped: string | null } } {
  const t = Date.now();
  const r = spawnSync(process.execPath, [...flags, join(__dirname, "crm-run.js"), command, file, asOf], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`crm ${command} ${file} failed${r.signal ? ` (${r.signal})` : ""}:\n${r.stderr}`);
  process.stderr.write(`  crm ${command}: ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string);
}

/** A peer's run: its time and peak, or why it has none (it threw, ran out of memory, is not installed). */
interface PeerRun { ok: boolean; ms: number; peakMB: number; startMB?: number; rows?: number; error?: string; notInstalled?: boolean; version?: string }

/** A peer's scenario, whose process may die (V8 out of memory is not an exception): that is a failed run, not a failed bench. */
function peer(flags: string[], name: string, file: string): PeerRun {
  try {
    return scenarioWith<PeerRun>(flags, name, 0, file);
  } catch (e) {
    const lines = String((e as Error).message).split("\n").map((l) => l.trim()).filter(Boolean);
    const why = lines.find((l) => /heap out of memory|Cannot create a string|RangeError|Error:/.test(l)) ?? lines.pop() ?? "failed";
    return { ok: false, ms: NaN, peakMB: NaN, error: why.slice(0, 200) };
  }
}

/** The best time of `n` runs, each its own process, with the highest peak of them; a failed run ends it. */
function bestOf<T extends { ms: number; peakMB: number; ok?: boolean }>(n: number, f: () => T): T {
  const runs: T[] = [];
  for (let i = 0; i < n; i++) {
    const r = f();
    runs.push(r);
    if (r.ok === false) return r;
  }
  const fastest = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  return { ...fastest, peakMB: Math.max(...runs.map((r) => r.peakMB)) };
}

/**
 * The median time and the median peak of `n` runs, each its own process. A run's peak resident memory is where
 * the garbage collector happened to be when the heap was fullest: three runs of one apply on 262,144 rows peaked
 * at 525, 530 and 588 MB, enough to move target 7c's marginal growth by 20 MB per 100,000 rows.
 */
function medianOf<T extends { ms: number; peakMB: number }>(n: number, f: () => T): T {
  const runs = Array.from({ length: n }, f);
  const mid = <K extends "ms" | "peakMB">(k: K) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(n / 2)];
  return { ...runs[0], ms: mid("ms"), peakMB: mid("peakMB") };
}

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const int = (x: number) => Math.round(x).toLocaleString("en-US");
const verdict = (ok: boolean) => (ok ? "**met**" : "**not met**");

interface ClvRun { customers: number; orders: number; withOrders: number; repeatCustomers: number; figures: number; passMs: number; fitMs: number; ratio: number; converged: boolean; peakMB: number }
interface EngineRun { customers: number; interactions: number; orders: number; cellsParsed: number; baselineMs: number; pipelineMs: number; ratio: number; pipelineMsPerKRow: number; findings: number; peakMB: number }
interface AdapterRun { ops: { op: string; customers: number; syncs: number; chunks: number; mb: number; budget: number; maxRequestMB: number; maxResponseMB: number; ms: number }[]; peakMB: number }
interface FloorRun { ms: number; parts: number; compressedBytes: number; bytes: number; peakMB: number; startMB: number }
interface FunctionsRun { customers: number; rows: number; interactions: number; orders: number; stageEngineMs: number; stageFunctionMs: number; stageRatio: number; scoreEngineMs: number; scoreFunctionMs: number; scoreRatio: number; peakMB: number }

/** Start-up and per-book overhead of the compiled command line (scenario 6), each the best of five runs. */
function startup(tmp: string, small: string): { nodeMs: number; helpMs: number; separateMs: number; oneRunMs: number } {
  const build = spawnSync("npm", ["run", "-s", "build:cli"], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build:cli failed:\n${build.stderr}`);
  const crm = join(ROOT, "bin", "crm.js");
  const time = (args: string[]) => {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: tmp, encoding: "utf8", env: { ...process.env, LANG: "en_US.UTF-8" } });
    if (r.status === null || r.status > 1) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const best = (f: () => number) => Math.min(...Array.from({ length: 5 }, f));
  const books = Array.from({ length: 20 }, (_, i) => {
    const f = join(tmp, `book-${i + 1}.xlsx`);
    copyFileSync(small, f);
    return f;
  });
  return {
    nodeMs: best(() => time(["-e", "0"])),
    helpMs: best(() => time([crm, "--help"])),
    separateMs: best(() => books.reduce((sum, b) => sum + time([crm, "validate", b, "--as-of", "2024-11-26"]), 0)),
    oneRunMs: best(() => time([crm, "validate", ...books, "--as-of", "2024-11-26"])),
  };
}

function main(): void {
  const started = new Date();
  process.stderr.write(`bench${QUICK ? " (quick)" : ""}:\n`);
  const out: string[] = [];
  const summary: string[] = [];

  // 1. Engine
  const small = scenario<EngineRun>("engine", scale(10_000));
  const large = scenario<EngineRun>("engine", scale(100_000));
  const perRow = large.pipelineMsPerKRow / small.pipelineMsPerKRow;
  out.push(
    "## 1. Engine: the whole pipeline vs parsing every cell once",
    "",
    "Columnar input from the sample generator (about 10 interactions and 3 orders per customer), as-of fixed. Baseline: every cell of every",
    "recognised table parsed once with the engine's own parsers, nothing else. Best of three runs each.",
    "",
    "| customers | interactions | orders | cells parsed | baseline ms | pipeline ms | ratio | pipeline ms per 1,000 rows | findings | peak MB |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...[small, large].map((r) => `| ${int(r.customers)} | ${int(r.interactions)} | ${int(r.orders)} | ${int(r.cellsParsed)} | ${int(r.baselineMs)} | ${int(r.pipelineMs)} | ${f2(r.ratio)} | ${f2(r.pipelineMsPerKRow)} | ${int(r.findings)} | ${int(r.peakMB)} |`),
    "",
  );
  summary.push(`- Target 1a, pipeline ≤ 3× the parse-once baseline at ${int(large.customers)} customers / ${int(large.interactions)} interactions: ${f2(large.ratio)}× — ${verdict(large.ratio <= 3)}`);
  summary.push(`- Target 1b, linear growth (time per row at the large size within 1.3× of the small size): ${f2(perRow)}× — ${verdict(perRow <= 1.3)}`);

  // 9. Churn probability and lifetime value: sized so that over 100,000 customers have orders (the sample
  // generator gives orders to about 60 % of its customers).
  const cl = scenario<ClvRun>("clv", scale(170_000));
  out.push(
    "## 9. Churn probability and lifetime value (BG/NBD + Gamma-Gamma)",
    "",
    "The sample generator's book. Baseline: the engine's pass over it (every table read, the orders joined and indexed to their customers,",
    "no customer's results made). Then both fits over the orders (Nelder–Mead from each start, on a sample when there are over 8,000 distinct summaries; BFGS on all)",
    "and every customer's P(alive), expected purchases and value. One run each after a warm-up.",
    "",
    "| customers | orders | customers with orders | with a repeat day | figures given | engine pass ms | fits + figures ms | ratio | converged | peak MB |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    `| ${int(cl.customers)} | ${int(cl.orders)} | ${int(cl.withOrders)} | ${int(cl.repeatCustomers)} | ${int(cl.figures)} | ${int(cl.passMs)} | ${int(cl.fitMs)} | ${f2(cl.ratio)} | ${cl.converged ? "yes" : "no"} | ${int(cl.peakMB)} |`,
    "",
  );
  summary.push(
    `- Target 9, the BG/NBD and Gamma-Gamma fits and every customer's figures over ${int(cl.withOrders)} customers with orders within half the engine's own pass over the book: ` +
      `${f2(cl.ratio)}× (${f2(cl.fitMs / 1000)} s, ${f2(cl.passMs / 1000)} s) — ${verdict(cl.ratio <= 0.5 && cl.converged && (QUICK || cl.withOrders >= 100_000))}`,
  );

  // 4. Excel adapter on the strict fake
  const ad = scenario<AdapterRun>("adapter", scale(100_000));
  out.push(
    "## 4. Excel adapter on the strict fake Excel: round trips and payloads",
    "",
    "Budget: 10 round trips plus one per 5,000-row chunk (reading the customers sheet; writing the owned columns, the findings sheet, apply's history rows or the staging table) and one per 2 MB read or written: requests are also cut at 2 MB (src/excel/payload.ts), so heavy rows take more of them.",
    "",
    "| operation | customers | sync() round trips | 5,000-row chunks | MB moved | budget | largest request MB | largest response MB | time ms |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...ad.ops.map((o) => `| ${o.op} | ${int(o.customers)} | ${o.syncs} | ${o.chunks} | ${o.mb} | ${o.budget} | ${f2(o.maxRequestMB)} | ${f2(o.maxResponseMB)} | ${int(o.ms)} |`),
    "",
  );
  const syncOk = ad.ops.every((o) => o.syncs <= o.budget);
  const payloadOk = ad.ops.every((o) => o.maxRequestMB < 5 && o.maxResponseMB < 5);
  summary.push(`- Target 4a, round trips within 10 + one per 5,000-row chunk or 2 MB moved (validate, apply, review): ${ad.ops.map((o) => `${o.op} ${o.syncs}/${o.budget}`).join(", ")} — ${verdict(syncOk)}`);
  summary.push(`- Target 4b, largest request and response under 5 MB: ${f2(Math.max(...ad.ops.map((o) => Math.max(o.maxRequestMB, o.maxResponseMB))))} MB — ${verdict(payloadOk)}`);

  // 5. Custom functions
  const fn = scenario<FunctionsRun>("functions", scale(50_000));
  out.push(
    "## 5. Custom functions: the wrapper over the engine",
    "",
    "The raw 2-D arrays Excel passes (dates as serial numbers); the engine computing the same values from the same arrays is the baseline.",
    "",
    "| function | rows | detail rows | engine ms | function ms | ratio |",
    "|---|---:|---:|---:|---:|---:|",
    `| CRM.STAGE (with interactions and orders) | ${int(fn.rows)} | ${int(fn.interactions + fn.orders)} | ${int(fn.stageEngineMs)} | ${int(fn.stageFunctionMs)} | ${f2(fn.stageRatio)} |`,
    `| CRM.SCORE | ${int(fn.rows)} | 0 | ${int(fn.scoreEngineMs)} | ${int(fn.scoreFunctionMs)} | ${f2(fn.scoreRatio)} |`,
    "",
  );
  summary.push(`- Target 5, CRM.STAGE and CRM.SCORE over ${int(fn.rows)} rows within 1.5× the engine: ${f2(fn.stageRatio)}×, ${f2(fn.scoreRatio)}× — ${verdict(fn.stageRatio <= 1.5 && fn.scoreRatio <= 1.5)}`);

  // 2. The command line on a book with its detail tables, against a plain exceljs read + write
  const tmp = mkdtempSync(join(tmpdir(), "crm-bench-"));
  try {
    // At a size the exceljs object model handles, against its read + write; at the target size, against exceljs's
    // streaming reader + writer (the object model needs over 15 minutes and about 10 GB there).
    const sizeSmall = QUICK ? 2_000 : 20_000;
    const size2 = APPLY_AT ?? scale(100_000);
    const bookSmall = join(tmp, "book-small.xlsx");
    const madeSmall = scenario<{ rows: number; bytes: number }>("makeBook", sizeSmall, bookSmall);
    const plainSmall = scenario<{ ms: number; peakMB: number }>("exceljsRoundTrip", 0, bookSmall);
    const applySmall = crmRun(TIMING_FLAGS, bookSmall, "apply");
    const book = join(tmp, "book.xlsx");
    const made = scenario<{ rows: number; bytes: number; ms: number }>("makeBook", size2, book);
    // exceljs's streaming reader meets this book's worksheets before its workbook part and now and then fails on
    // that ("Cannot read properties of undefined (reading 'sheets')", a race in its reader): one more try.
    const streamOnce = () => scenario<{ ms: number; peakMB: number }>("exceljsStreamRoundTrip", 0, book);
    let stream: { ms: number; peakMB: number };
    try {
      stream = streamOnce();
    } catch (e) {
      process.stderr.write(`  exceljs streaming round trip failed once, tried again: ${String(e).split("\n")[0]}\n`);
      stream = streamOnce();
    }
    const apply = crmRun(TIMING_FLAGS, book, "apply");
    const ratioSmall = applySmall.ms / plainSmall.ms;
    const ratio2 = apply.ms / stream.ms;
    out.push(
      "## 2. `crm apply` vs a plain exceljs read + write of the same book",
      "",
      "Benchmark books: customers with their interactions, orders, tasks, key dates and plan (about 15 rows per customer).",
      "`crm apply` reads the values with the streaming reader, computes, and writes through the patching writer: every part",
      "of the file is copied as it is and only the product's cells, rules, lists, styles and sheets are written.",
      "Every `crm` figure in this file is the compiled command line (lib/, as `npx crm` runs it) in a process of its own",
      "(bench/crm-run.js); the exceljs baselines run in the bench's ts-node scenario process.",
      "",
      "| customers | rows | MB | step | time s | peak MB | ratio |",
      "|---:|---:|---:|---|---:|---:|---:|",
      `| ${int(sizeSmall)} | ${int(madeSmall.rows)} | ${f1(madeSmall.bytes / 1e6)} | exceljs read + write (object model, baseline) | ${f1(plainSmall.ms / 1000)} | ${int(plainSmall.peakMB)} | 1.00 |`,
      `| ${int(sizeSmall)} | ${int(madeSmall.rows)} | ${f1(madeSmall.bytes / 1e6)} | crm apply | ${f1(applySmall.ms / 1000)} | ${int(applySmall.peakMB)} | ${f2(ratioSmall)} |`,
      `| ${int(size2)} | ${int(made.rows)} | ${f1(made.bytes / 1e6)} | exceljs streaming read + write (baseline) | ${f1(stream.ms / 1000)} | ${int(stream.peakMB)} | 1.00 |`,
      `| ${int(size2)} | ${int(made.rows)} | ${f1(made.bytes / 1e6)} | crm apply | ${f1(apply.ms / 1000)} | ${int(apply.peakMB)} | ${f2(ratio2)} |`,
      "",
    );
    summary.push(
      `- Target 2, \`crm apply\` within 1.5× a plain exceljs read + write: ${f2(ratio2)}× at ${int(size2)} customers (exceljs streaming baseline; peak ${int(apply.peakMB)} MB vs ${int(stream.peakMB)} MB), ` +
        `${f2(ratioSmall)}× at ${int(sizeSmall)} (object-model baseline; peak ${int(applySmall.peakMB)} MB vs ${int(plainSmall.peakMB)} MB) — ${verdict(ratio2 <= 1.5 && ratioSmall <= 1.5)}`,
    );

    // 3. Excel's row limit, with Node's default flags (as `npx crm` runs)
    // Target 7c's three sizes; the largest is this scenario's book (at --quick a tenth of each).
    const tallSizes = [262_144, 524_288, 1_048_576].map((n) => (QUICK ? Math.round(n / 10) : n));
    const rows3 = tallSizes[2];
    const tall = join(tmp, "tall.xlsx");
    const madeTall = scenario<{ bytes: number }>("makeTallBook", rows3, tall);
    const validate = medianOf(3, () => crmRun(DEFAULT_FLAGS, tall, "validate"));
    const applyTall = medianOf(3, () => crmRun(DEFAULT_FLAGS, tall, "apply"));
    out.push(
      "## 3. Excel's row limit",
      "",
      `A customers sheet of ${int(rows3)} rows (${f1(madeTall.bytes / 1e6)} MB), each command in a process with Node's default flags, as \`npx crm\` runs;`,
      "time and peak are the medians of three runs (a single run's peak moves by up to 60 MB with the collector's timing).",
      "`crm validate` builds no per-customer results; `crm apply` computes each customer's results as its row is written.",
      "Both let the raw cells go once the tables are read into columns.",
      "",
      "| command | time s | peak MB |",
      "|---|---:|---:|",
      `| crm validate | ${f1(validate.ms / 1000)} | ${int(validate.peakMB)} |`,
      `| crm apply | ${f1(applyTall.ms / 1000)} | ${int(applyTall.peakMB)} |`,
      `| apply less validate: each customer's results and the patching writer | ${f1((applyTall.ms - validate.ms) / 1000)} (${Math.round(((applyTall.ms - validate.ms) / applyTall.ms) * 100)} %) | |`,
      "",
    );
    summary.push(`- Target 3a, \`crm validate\` on ${int(rows3)} rows at most 1 GiB (1,024 MB) peak: ${int(validate.peakMB)} MB — ${verdict(validate.peakMB <= 1024)}`);
    summary.push(`- Target 3b, \`crm apply\` on ${int(rows3)} rows at most 1.25 GiB (1,280 MB) peak: ${int(applyTall.peakMB)} MB — ${verdict(applyTall.peakMB <= 1280)}`);

    // 6. The command line as a tool: start-up, and many books in one run
    const small = join(tmp, "small.xlsx");
    scenario<{ rows: number; bytes: number }>("makeBook", 200, small);
    const cli = startup(tmp, small);
    out.push(
      "## 6. `crm` as a tool: start-up and books per run",
      "",
      "`bin/crm.js` runs the compiled JavaScript in `lib/` (`npm run build:cli`); times are the best of five runs.",
      "",
      "| run | time ms | ratio |",
      "|---|---:|---:|",
      `| \`node -e 0\` (baseline) | ${int(cli.nodeMs)} | 1.00 |`,
      `| \`crm --help\` | ${int(cli.helpMs)} | ${f2(cli.helpMs / cli.nodeMs)} |`,
      `| \`crm validate\` of 20 small books, 20 runs | ${int(cli.separateMs)} | 1.00 |`,
      `| \`crm validate\` of the same 20 books, one run | ${int(cli.oneRunMs)} | ${f2(cli.oneRunMs / cli.separateMs)} |`,
      "",
    );
    summary.push(`- Target 6a, \`crm --help\` within 5× a bare \`node -e 0\`: ${f2(cli.helpMs / cli.nodeMs)}× — ${verdict(cli.helpMs / cli.nodeMs <= 5)}`);
    summary.push(`- Target 6b, 20 books in one \`crm validate\` run within half the time of 20 runs: ${f2(cli.oneRunMs / cli.separateMs)}× (per-book overhead of a separate run ${int((cli.separateMs - cli.oneRunMs) / 20)} ms) — ${verdict(cli.oneRunMs / cli.separateMs <= 0.5)}`);

    // 7. Against the floor of reading a book (inflating its parts) and against other readers
    const floorSmall = scenario<FloorRun>("inflateFloor", 0, bookSmall);
    const floorTall = scenario<FloorRun>("inflateFloor", 0, tall);
    const validateSmall = bestOf(3, () => crmRun(TIMING_FLAGS, bookSmall, "validate"));
    // The share of a validate run no reader can remove: the engine on cells already read.
    const engineSmall = scenario<{ ms: number; peakMB: number }>("engineOnBook", 0, bookSmall);
    const engineTall = scenarioWith<{ ms: number; peakMB: number }>(DEFAULT_FLAGS, "engineOnBook", 0, tall);
    const sheetSmall = PEERS ? bestOf(3, () => peer(TIMING_FLAGS, "sheetjsRead", bookSmall)) : undefined;
    const sheetTall = PEERS ? peer(TIMING_FLAGS, "sheetjsRead", tall) : undefined;
    const pySmall = PEERS ? peer(DEFAULT_FLAGS, "openpyxlRead", bookSmall) : undefined;
    const pyTall = PEERS ? peer(DEFAULT_FLAGS, "openpyxlRead", tall) : undefined;
    // Peak memory against rows: the two smaller tall books (the largest is scenario 3's), Node's default flags.
    const growth = tallSizes.map((rows, i) => {
      if (i === 2) return { rows, validate: validate.peakMB, apply: applyTall.peakMB };
      const f = join(tmp, `tall-${rows}.xlsx`);
      scenario<{ bytes: number }>("makeTallBook", rows, f);
      const v = medianOf(3, () => crmRun(DEFAULT_FLAGS, f, "validate"));
      const a = medianOf(3, () => crmRun(DEFAULT_FLAGS, f, "apply"));
      rmSync(f, { force: true });
      rmSync(`${f}.apply.xlsx`, { force: true });
      return { rows, validate: v.peakMB, apply: a.peakMB };
    });

    const floorRatio = (ms: number, floor: FloorRun) => (Number.isFinite(ms) ? `${f1(ms / floor.ms)}×` : "—");
    const peerRow = (book: string, step: string, r: { ms: number; peakMB: number; startMB?: number } | PeerRun | undefined, floor: FloorRun) => {
      if (!r) return `| ${book} | ${step} | not run (--no-peers) | | | |`;
      if ("ok" in r && !r.ok) return `| ${book} | ${step} | ${r.notInstalled ? "not installed" : `failed: ${r.error?.replace(/\|/g, "\\|")}`}${Number.isFinite(r.ms) ? ` (after ${f1(r.ms / 1000)} s)` : ""} | ${Number.isFinite(r.peakMB) ? int(r.peakMB) : "—"} | ${r.startMB !== undefined && !r.notInstalled ? int(r.startMB) : "—"} | — |`;
      return `| ${book} | ${step} | ${f2(r.ms / 1000)} | ${int(r.peakMB)} | ${r.startMB !== undefined ? int(r.startMB) : "—"} | ${floorRatio(r.ms, floor)} |`;
    };
    const smallName = `${int(sizeSmall)} customers, ${int(madeSmall.rows)} rows, ${f1(madeSmall.bytes / 1e6)} MB`;
    const tallName = `${int(rows3)} rows, ${f1(madeTall.bytes / 1e6)} MB`;
    const marginal = (key: "validate" | "apply", i: number) => ((growth[i + 1][key] - growth[i][key]) / (growth[i + 1].rows - growth[i].rows)) * 1e5;
    const linear = (key: "validate" | "apply") => {
      const lo = marginal(key, 0);
      const hi = marginal(key, 1);
      return { lo, hi, ratio: lo > 0 ? hi / lo : NaN, ok: lo > 0 && hi / lo <= 1.3 };
    };
    const linV = linear("validate");
    const linA = linear("apply");
    out.push(
      "## 7. Against the inflate floor and other readers",
      "",
      "The inflate floor: every part of the book inflated with Node's zlib in the bench's process, nothing else (no parsing, no decoding),",
      `best of three. SheetJS: \`XLSX.readFile\` (xlsx ${sheetSmall?.version ?? sheetTall?.version ?? "package"}, its default options). openpyxl: \`load_workbook(read_only=True, data_only=True)\``,
      `over every row of every sheet, every value touched, in Debian's /usr/bin/python3 (openpyxl ${pySmall?.version ?? pyTall?.version ?? "—"}; its own time and peak).`,
      `On the first book \`crm validate\` and SheetJS are the best of three runs (peak: the highest of them), with the timing flags, as \`crm apply\``,
      "(scenario 2, one run); on the tall book `crm` is scenario 3's runs (Node's default flags), SheetJS runs once with the timing flags.",
      "Start MB: the process's resident memory before the work (`crm`: Node and the compiled command line; SheetJS: Node, ts-node and the bench's modules), part of its peak.",
      "",
      "### Peers",
      "",
      "| book | step | time s | peak MB | start MB | ratio to the floor |",
      "|---|---|---:|---:|---:|---:|",
      peerRow(smallName, "inflate floor", floorSmall, floorSmall),
      peerRow(smallName, "crm validate", validateSmall, floorSmall),
      peerRow(smallName, "of which the engine alone (cells already read)", engineSmall, floorSmall),
      peerRow(smallName, "crm apply", applySmall, floorSmall),
      peerRow(smallName, "SheetJS readFile", sheetSmall, floorSmall),
      peerRow(smallName, "openpyxl read-only", pySmall, floorSmall),
      peerRow(tallName, "inflate floor", floorTall, floorTall),
      peerRow(tallName, "crm validate", validate, floorTall),
      peerRow(tallName, "of which the engine alone (cells already read)", engineTall, floorTall),
      peerRow(tallName, "crm apply", applyTall, floorTall),
      peerRow(tallName, "SheetJS readFile", sheetTall, floorTall),
      peerRow(tallName, "openpyxl read-only", pyTall, floorTall),
      "",
      `Inflated: ${f1(floorSmall.bytes / 1e6)} MB from ${f1(floorSmall.compressedBytes / 1e6)} MB in ${floorSmall.parts} parts (first book), ${f1(floorTall.bytes / 1e6)} MB from ${f1(floorTall.compressedBytes / 1e6)} MB in ${floorTall.parts} parts (tall book).`,
      "",
      "### Peak memory against rows",
      "",
      "Tall books of three sizes (the largest is scenario 3's), each command in a process with Node's default flags, the median peak of three runs. Marginal: the peak's",
      "growth per 100,000 more rows from the size before.",
      "",
      "| rows | validate peak MB | per 100,000 rows | marginal | apply peak MB | per 100,000 rows | marginal |",
      "|---:|---:|---:|---:|---:|---:|---:|",
      ...growth.map((g, i) => `| ${int(g.rows)} | ${int(g.validate)} | ${f1((g.validate / g.rows) * 1e5)} | ${i ? f1(marginal("validate", i - 1)) : ""} | ${int(g.apply)} | ${f1((g.apply / g.rows) * 1e5)} | ${i ? f1(marginal("apply", i - 1)) : ""} |`),
      "",
    );
    const vsFloor = validateSmall.ms / floorSmall.ms;
    const vsSheet = sheetSmall?.ok ? validateSmall.ms / sheetSmall.ms : NaN;
    const sheetText = !sheetSmall ? "SheetJS not run (--no-peers)" : sheetSmall.ok ? `${f2(vsSheet)}× SheetJS readFile` : `SheetJS failed (${sheetSmall.error})`;
    summary.push(
      `- Target 7a, \`crm validate\` on ${int(sizeSmall)} customers at most 0.5× SheetJS readFile and 4× the inflate floor: ${sheetText}, ${f1(vsFloor)}× the floor (${f2(validateSmall.ms / 1000)} s, ${f2(floorSmall.ms / 1000)} s; the engine alone on cells already read ${f1(engineSmall.ms / floorSmall.ms)}×) — ` +
        (Number.isFinite(vsSheet) ? verdict(vsSheet <= 0.5 && vsFloor <= 4) : vsFloor > 4 ? verdict(false) : "**not measured**"),
    );
    const tv = validate.ms / floorTall.ms;
    const ta = applyTall.ms / floorTall.ms;
    summary.push(
      `- Target 7b, at ${int(rows3)} rows \`crm validate\` at most 5× the inflate floor and 1 GiB (1,024 MB) peak, \`crm apply\` at most 8× and 1.25 GiB (1,280 MB): ` +
        `validate ${f1(tv)}×, ${int(validate.peakMB)} MB; apply ${f1(ta)}×, ${int(applyTall.peakMB)} MB (floor ${f2(floorTall.ms / 1000)} s; the engine alone on cells already read ${f1(engineTall.ms / floorTall.ms)}×) — ${verdict(tv <= 5 && validate.peakMB <= 1024 && ta <= 8 && applyTall.peakMB <= 1280)}`,
    );
    const linText = (l: typeof linV) => `${f1(l.lo)} then ${f1(l.hi)} MB per 100,000 rows (${Number.isFinite(l.ratio) ? `${f2(l.ratio)}×` : "n/a"})`;
    summary.push(
      `- Target 7c, peak memory linear in rows (marginal MB per 100,000 rows between ${tallSizes.map(int).join(", ")} rows, the larger step within 1.3× the smaller): ` +
        `validate ${linText(linV)}, apply ${linText(linA)} — ${verdict(linV.ok && linA.ok)}`,
    );

    // 8. The history sheet (DOMAIN.md section 8a): a first apply that records every customer (about half a million
    // rows), then an apply a month later that reads them all back and appends the changes, against an apply of the
    // same book without a history at that later date (the baseline, run last: it writes where the first run did).
    const histRows = QUICK ? 17_500 : 175_000;
    const histBook = join(tmp, "history.xlsx");
    scenario<{ bytes: number }>("makeTallBook", histRows, histBook);
    const later = "2024-12-26";
    const first = crmRun(DEFAULT_FLAGS, histBook, "apply");
    const second = crmRun(DEFAULT_FLAGS, `${histBook}.apply.xlsx`, "apply", later);
    const baseline = crmRun(DEFAULT_FLAGS, histBook, "apply", later);
    const readBack = first.history?.appended ?? 0;
    out.push(
      "## 8. The history sheet: half a million rows appended and read back",
      "",
      `A customers sheet of ${int(histRows)} rows; each command in a process with Node's default flags, one run each. The first apply records every`,
      "customer's stage, score tier, value tier and risk (one history row each that has a value); the second, a month later, reads those rows",
      "back (entry days for W2/W7, the review's monthly moves) and appends what changed. The baseline is the same apply at the later date on the",
      "book without a history.",
      "",
      "| run | history rows read | rows appended | time s | peak MB |",
      "|---|---:|---:|---:|---:|",
      `| apply, first run (${AS_OF}) | 0 | ${int(first.history?.appended ?? 0)} | ${f1(first.ms / 1000)} | ${int(first.peakMB)} |`,
      `| apply a month later (${later}), history read back | ${int(readBack)} | ${int(second.history?.appended ?? 0)} | ${f1(second.ms / 1000)} | ${int(second.peakMB)} |`,
      `| baseline: apply at ${later} without a history | 0 | ${int(baseline.history?.appended ?? 0)} | ${f1(baseline.ms / 1000)} | ${int(baseline.peakMB)} |`,
      "",
    );
    const histRatio = second.ms / baseline.ms;
    summary.push(
      `- Target 8, a history of at least 500,000 rows read back and appended to within apply's memory budget (1.25 GiB, 1,280 MB): ${int(readBack)} rows read, ` +
        `peak ${int(second.peakMB)} MB (the baseline without a history ${int(baseline.peakMB)} MB), time ${f2(histRatio)}× the baseline — ${verdict((QUICK || readBack >= 500_000) && second.peakMB <= 1280 && second.history?.skipped === null)}`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const md = [
    "# Benchmarks",
    "",
    `Written by \`npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\` on ${started.toISOString().slice(0, 16).replace("T", " ")} UTC · ${cpus().length} cores · ${Math.round(totalmem() / 2 ** 30)} GiB · Node ${process.version}.`,
    "Each scenario runs in its own process (`--max-semi-space-size=64` for timings, Node's defaults for scenario 3's and 7c's memory); engine",
    "and function times are the best of three runs; every target is a ratio against a baseline measured in the same run, or a count.",
    "Peak MB is the process's peak resident memory in MiB.",
    "",
    "## Targets",
    "",
    ...summary,
    "",
    ...out,
  ].join("\n");
  writeFileSync(join(__dirname, "RESULTS.md"), `${md}\n`);
  process.stderr.write(`${summary.join("\n")}\nwritten bench/RESULTS.md\n`);
}

main();
