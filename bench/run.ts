// `npm run bench`: runs each scenario of bench/scenarios.ts in its own Node process (so peak memory is the
// scenario's own) and writes bench/RESULTS.md: a table per scenario and one line per target saying met or not.
// Targets are ratios against a baseline measured in the same process, or counts, never absolute times.
//   npm run bench              all scenarios at full size (about 15 minutes on 2 cores)
//   npm run bench -- --quick   the same scenarios at a tenth of the size (a smoke run)
//   npm run bench -- --apply-customers 20000   scenario 2 at another size
import { spawnSync } from "child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { cpus, tmpdir, totalmem } from "os";
import { join } from "path";

const QUICK = process.argv.includes("--quick");
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
  if (r.status !== 0) throw new Error(`scenario ${name} ${size} failed:\n${r.stderr}`);
  process.stderr.write(`  ${name} ${size}: ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as T;
}

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const int = (x: number) => Math.round(x).toLocaleString("en-US");
const verdict = (ok: boolean) => (ok ? "**met**" : "**not met**");

interface EngineRun { customers: number; interactions: number; orders: number; cellsParsed: number; baselineMs: number; pipelineMs: number; ratio: number; pipelineMsPerKRow: number; findings: number; peakMB: number }
interface AdapterRun { ops: { op: string; customers: number; syncs: number; chunks: number; mb: number; budget: number; maxRequestMB: number; maxResponseMB: number; ms: number }[]; peakMB: number }
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

  // 4. Excel adapter on the strict fake
  const ad = scenario<AdapterRun>("adapter", scale(100_000));
  out.push(
    "## 4. Excel adapter on the strict fake Excel: round trips and payloads",
    "",
    "Budget: 10 round trips plus one per 5,000-row chunk (reading the customers sheet; writing the owned columns, the findings sheet or the staging table) and one per 2 MB read or written: requests are also cut at 2 MB (src/excel/payload.ts), so heavy rows take more of them.",
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
    const applySmall = scenario<{ ms: number; peakMB: number }>("crm", 0, bookSmall, "apply");
    const book = join(tmp, "book.xlsx");
    const made = scenario<{ rows: number; bytes: number; ms: number }>("makeBook", size2, book);
    const stream = scenario<{ ms: number; peakMB: number }>("exceljsStreamRoundTrip", 0, book);
    const apply = scenario<{ ms: number; peakMB: number }>("crm", 0, book, "apply");
    const ratioSmall = applySmall.ms / plainSmall.ms;
    const ratio2 = apply.ms / stream.ms;
    out.push(
      "## 2. `crm apply` vs a plain exceljs read + write of the same book",
      "",
      "Benchmark books: customers with their interactions, orders, tasks, key dates and plan (about 15 rows per customer).",
      "`crm apply` reads the values with the streaming reader, computes, and writes through the patching writer: every part",
      "of the file is copied as it is and only the product's cells, rules, lists, styles and sheets are written.",
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
    const rows3 = QUICK ? 100_000 : 1_048_576;
    const tall = join(tmp, "tall.xlsx");
    const madeTall = scenario<{ bytes: number }>("makeTallBook", rows3, tall);
    const validate = scenarioWith<{ ms: number; peakMB: number }>(DEFAULT_FLAGS, "crm", 0, tall, "validate");
    const applyTall = scenarioWith<{ ms: number; peakMB: number }>(DEFAULT_FLAGS, "crm", 0, tall, "apply");
    out.push(
      "## 3. Excel's row limit",
      "",
      `A customers sheet of ${int(rows3)} rows (${f1(madeTall.bytes / 1e6)} MB), each command in a process with Node's default flags, as \`npx crm\` runs.`,
      "`crm validate` builds no per-customer results; `crm apply` computes each customer's results as its row is written.",
      "Both let the raw cells go once the tables are read into columns.",
      "",
      "| command | time s | peak MB |",
      "|---|---:|---:|",
      `| crm validate | ${f1(validate.ms / 1000)} | ${int(validate.peakMB)} |`,
      `| crm apply | ${f1(applyTall.ms / 1000)} | ${int(applyTall.peakMB)} |`,
      "",
    );
    summary.push(`- Target 3a, \`crm validate\` on ${int(rows3)} rows under 2 GiB (2,048 MB) peak: ${int(validate.peakMB)} MB — ${verdict(validate.peakMB < 2048)}`);
    summary.push(`- Target 3b, \`crm apply\` on ${int(rows3)} rows under 2 GiB (2,048 MB) peak: ${int(applyTall.peakMB)} MB — ${verdict(applyTall.peakMB < 2048)}`);

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
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const md = [
    "# Benchmarks",
    "",
    `Written by \`npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(" ")}` : ""}\` on ${started.toISOString().slice(0, 16).replace("T", " ")} UTC · ${cpus().length} cores · ${Math.round(totalmem() / 2 ** 30)} GiB · Node ${process.version}.`,
    "Each scenario runs in its own process (`--max-semi-space-size=64` for timings, Node's defaults for scenario 3's memory); engine",
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
