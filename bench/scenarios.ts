// One benchmark scenario per process (so peak memory is the scenario's own), printing one JSON line.
//   node -r ts-node/register/transpile-only bench/scenarios.ts <scenario> [size]
// Every timed figure is paired with a baseline measured in the same process, so ratios are comparable on a
// noisy shared machine; each figure is the best of a few runs.
import {
  findTables, parseDate, parseDateTime, parseEnum, parseMoney, parseNumber, parsePercent, parseText, parseYears, runPipeline, serialFromDay, TABLES, toDay,
  ENUM_LOOKUPS, headerInfo, type CellValue, type WorkbookModel,
} from "../src/core";
import { applyTags, buildReviewSheets, useHost, validate } from "../src/excel/actions";
import { score, stage } from "../src/functions/functions";
import ExcelJS from "exceljs";
import { createReadStream, existsSync, statSync } from "fs";
import { spawnSync } from "child_process";
import { join } from "path";
import { createInflateRaw } from "zlib";
import { writeModelXlsxStreaming } from "../src/xlsx/model-xlsx";
import { readBookStreaming } from "../src/xlsx/read";
import { dataStart, zipEntries, type ZipEntry } from "../src/xlsx/zip";
import { generateSample } from "../scripts/sample";
import { createFakeExcel } from "../test/excel/fake-excel";
import { excelCell, specOf } from "../test/excel/spec";

const AS_OF = "2024-11-26";

function best<T>(runs: number, f: () => T): { ms: number; value: T } {
  let ms = Infinity;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    value = f();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, value };
}

async function bestAsync<T>(runs: number, f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  let ms = Infinity;
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    value = await f();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, value };
}

const peakMB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/**
 * The sample workbook at a size, with the order list thinned to about 3 orders per customer. The 分类表's
 * 年度采购总额 sums the full list, so it is left blank (the thinned log, which still reaches back a year, fills
 * it): otherwise every customer's column would disagree with the thinner log and the engine would spend its
 * time on thousands of DETAIL_MISMATCH findings no real book has.
 */
export function benchBook(customers: number): WorkbookModel {
  const model = generateSample({ customers, asOf: AS_OF }).model;
  const orders = model.sheets.find((s) => s.name === "订单")!;
  orders.cells = orders.cells.filter((_, i) => i === 0 || i % 3 === 0);
  const cls = model.sheets.find((s) => s.name === "客户分类表");
  const col = cls?.cells[0].indexOf("年度采购总额(万元)") ?? -1;
  if (cls && col >= 0) for (const row of cls.cells.slice(1)) row[col] = null;
  return model;
}

const rowsOf = (m: WorkbookModel, name: string) => (m.sheets.find((s) => s.name === name)?.cells.length ?? 1) - 1;

/** The baseline: every cell of every recognised table parsed once with the engine's own parsers, nothing else. */
export function parseOnce(model: WorkbookModel): number {
  let parsed = 0;
  for (const sheet of model.sheets) {
    for (const t of findTables(sheet)) {
      for (const c of TABLES[t.kind].columns) {
        const off = t.match.columns.get(c.key);
        if (off === undefined) continue;
        const unit = headerInfo(t.header[off]).unit;
        for (const row of t.rows) {
          const v = row[off];
          const ty = c.type;
          if (typeof ty === "object") parseEnum(v, ENUM_LOOKUPS[ty.enum]);
          else if (ty === "date") parseDate(v);
          else if (ty === "datetime") parseDateTime(v);
          else if (ty === "money") parseMoney(v, unit);
          else if (ty === "percent" || ty === "signedPercent") parsePercent(v);
          else if (ty === "years") parseYears(v);
          else if (ty === "text" || ty === "uscc" || ty === "contact" || ty === "tags") parseText(v);
          else parseNumber(v);
          parsed++;
        }
      }
    }
  }
  return parsed;
}

async function engine(customers: number) {
  const model = benchBook(customers);
  // Warm-up (JIT) on a small book, then best of three.
  runPipeline(benchBook(500), AS_OF);
  const base = best(3, () => parseOnce(model));
  const pipe = best(3, () => runPipeline(model, AS_OF));
  const interactions = rowsOf(model, "维护记录");
  return {
    customers, interactions, orders: rowsOf(model, "订单"), cellsParsed: base.value,
    baselineMs: base.ms, pipelineMs: pipe.ms, ratio: pipe.ms / base.ms,
    pipelineMsPerKRow: pipe.ms / ((customers + interactions + rowsOf(model, "订单")) / 1000),
    findings: pipe.value.findings.length, peakMB: peakMB(),
  };
}

/**
 * The churn and value models (DOMAIN.md section 8b): the engine's pass over the book (the baseline: every table
 * read, the orders joined and indexed, nobody's results made), then the BG/NBD and Gamma-Gamma fits over the
 * orders and every customer's figures. One run each (the pass takes seconds), after a warm-up on a small book.
 */
async function clv(customers: number) {
  runPipeline(benchBook(2_000), AS_OF, { customers: "onDemand" }).clv();
  const model = benchBook(customers);
  const pass = best(1, () => runPipeline(model, AS_OF, { customers: "onDemand" }));
  const res = pass.value;
  const fit = best(1, () => {
    const c = res.clv();
    let n = 0;
    for (let i = 0; i < res.summary.rows; i++) if (c.at(i)) n++;
    return { c, n };
  });
  const b = fit.value.c.bgnbd;
  return {
    customers, orders: rowsOf(model, "订单"), withOrders: b.customers, repeatCustomers: b.repeatCustomers, figures: fit.value.n,
    passMs: pass.ms, fitMs: fit.ms, ratio: fit.ms / pass.ms, converged: b.converged && fit.value.c.gammaGamma.converged, peakMB: peakMB(),
  };
}

async function adapter(customers: number) {
  // The customers table only: the sync pattern depends on its rows; detail tables add read chunks alike.
  const src = generateSample({ customers: Math.min(customers, 2_000), asOf: AS_OF }).model.sheets.find((s) => s.name === "客户")!;
  const header = src.cells[2];
  const rows = src.cells.slice(3).filter((r) => r.some((v) => v !== null && v !== ""));
  const cells: CellValue[][] = [header];
  for (let i = 0; i < customers; i++) {
    const r = [...rows[i % rows.length]];
    r[0] = `K${String(i).padStart(7, "0")}`;
    cells.push(r);
  }
  const model: WorkbookModel = { sheets: [{ name: "客户", cells }] };
  const computed = runPipeline(model, AS_OF);
  const findings = computed.findings.length;
  // The history rows the first apply records (every customer's stage, tiers and risk), written in chunks too.
  const historyRows = computed.historyAppend().length;
  const chunk = (n: number) => Math.ceil(n / 5_000);
  const out: Record<string, unknown>[] = [];
  for (const [op, run, chunks] of [
    ["validate", () => validate({ asOf: AS_OF }), chunk(customers + 1)],
    ["apply", () => applyTags({ asOf: AS_OF }), chunk(customers + 1) + chunk(customers) + chunk(findings) + chunk(historyRows)],
    ["review", () => buildReviewSheets({ asOf: AS_OF }), chunk(customers + 1) + chunk(customers)],
  ] as const) {
    const fake = createFakeExcel(specOf(model));
    useHost({ run: (b) => fake.Excel.run(b as never) as never, isSetSupported: (s, v) => fake.Office.context.requirements.isSetSupported(s, v) });
    const t = performance.now();
    await run();
    // Requests are cut at 2 MB as well as at 5,000 rows (src/excel/payload.ts): one more allowed per 2 MB moved.
    const mb = fake.stats.requests.reduce((n, r) => n + r.bytes + r.responseBytes, 0) / 2 ** 20;
    out.push({ op, customers, syncs: fake.stats.syncs, chunks, mb: Math.round(mb), budget: 10 + chunks + Math.ceil(mb / 2), maxRequestMB: fake.stats.maxRequestBytes / 1e6, maxResponseMB: fake.stats.maxResponseBytes / 1e6, ms: performance.now() - t });
  }
  return { ops: out, peakMB: peakMB() };
}

/** What Excel passes a custom function: the raw 2-D arrays, dates as serial numbers. */
function excelArrays(model: WorkbookModel, name: string): unknown[][] {
  const s = model.sheets.find((x) => x.name === name)!;
  return s.cells.map((r) => r.map(excelCell));
}

async function functions(customers: number) {
  const model = benchBook(customers);
  const cust = excelArrays(model, "客户");
  const headers = [cust[2]];
  const rows = cust.slice(3);
  const inter = excelArrays(model, "维护记录");
  const orders = excelArrays(model, "订单");
  const asOf = serialFromDay(toDay(AS_OF));
  const asCells = (m: unknown[][]) => m as CellValue[][];
  // The engine computing the same values from the same arrays, without the wrapper.
  const engineStage = () => runPipeline({ sheets: [{ name: "客户", cells: asCells([headers[0], ...rows]) }, { name: "维护记录", cells: asCells(inter) }, { name: "订单", cells: asCells(orders) }] }, AS_OF);
  const engineScore = () => runPipeline({ sheets: [{ name: "客户", cells: asCells([headers[0], ...rows]) }] }, AS_OF);
  engineScore();
  const es = best(3, engineStage);
  const ws = best(3, () => stage(rows, headers, asOf, inter, orders));
  const ec = best(3, engineScore);
  const wc = best(3, () => score(rows, headers, undefined, asOf));
  return {
    customers, rows: rows.length, interactions: inter.length - 1, orders: orders.length - 1,
    stageEngineMs: es.ms, stageFunctionMs: ws.ms, stageRatio: ws.ms / es.ms,
    scoreEngineMs: ec.ms, scoreFunctionMs: wc.ms, scoreRatio: wc.ms / ec.ms, peakMB: peakMB(),
  };
}

// ── the command line on .xlsx files (each step its own process: peak memory is that step's) ──

/** Writes the benchmark book: `size` customers with their detail tables (streaming writer). */
async function makeBook(customers: number, file?: string) {
  const t = performance.now();
  const model = benchBook(customers);
  await writeModelXlsxStreaming(model, file!);
  return { customers, rows: model.sheets.reduce((s, x) => s + x.cells.length, 0), ms: performance.now() - t, bytes: statSync(file!).size, peakMB: peakMB() };
}

/** A customers sheet of exactly `rows` rows (the header included): Excel's limit is 1,048,576. */
async function makeTallBook(rows: number, file?: string) {
  const t = performance.now();
  const src = generateSample({ customers: 2_000, asOf: AS_OF }).model.sheets.find((s) => s.name === "客户")!;
  const header = src.cells[2];
  const data = src.cells.slice(3).filter((r) => r.some((v) => v !== null && v !== ""));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file!, useSharedStrings: false, useStyles: true });
  const ws = wb.addWorksheet("客户");
  ws.addRow(header as ExcelJS.CellValue[]).commit();
  for (let i = 0; i < rows - 1; i++) {
    const r = [...data[i % data.length]] as ExcelJS.CellValue[];
    r[0] = `K${String(i).padStart(7, "0")}`;
    ws.addRow(r).commit();
  }
  ws.commit();
  await wb.commit();
  return { rows, ms: performance.now() - t, bytes: statSync(file!).size, peakMB: peakMB() };
}

/** The baseline of target 2: a plain exceljs read and write of the same book. */
async function exceljsRoundTrip(_size: number, file?: string) {
  const t = performance.now();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file!);
  await wb.xlsx.writeFile(`${file}.plain.xlsx`);
  return { ms: performance.now() - t, peakMB: peakMB() };
}

/**
 * The baseline of target 2 at sizes where the exceljs object model cannot get there in reasonable time and
 * memory: exceljs's streaming reader and writer copying every sheet row by row, values and styles.
 */
async function exceljsStreamRoundTrip(_size: number, file?: string) {
  const t = performance.now();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file!, { sharedStrings: "cache", styles: "cache", worksheets: "emit", hyperlinks: "ignore", entries: "emit" });
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: `${file}.stream.xlsx`, useSharedStrings: false, useStyles: true });
  for await (const sheet of reader) {
    const ws = writer.addWorksheet((sheet as unknown as { name: string }).name);
    for await (const row of sheet) {
      const out = ws.getRow(row.number);
      row.eachCell({ includeEmpty: false }, (cell, c) => {
        const to = out.getCell(c);
        to.value = cell.value;
        to.style = cell.style;
      });
      out.commit();
    }
    ws.commit();
  }
  await writer.commit();
  return { ms: performance.now() - t, peakMB: peakMB() };
}

/** A `crm` command in this process (as `npx crm` runs it), timed, with its peak memory. */
/**
 * What `crm validate` spends after reading: the book read in this process (the streaming reader, not timed), then
 * the engine alone on its cells as validate runs it (no per-customer results kept, the cells let go). The floor's
 * targets are measured against a whole run; this is the share no reader can remove.
 */
async function engineOnBook(_size: number, file?: string) {
  const { model } = await readBookStreaming(file!);
  const t = performance.now();
  const r = runPipeline(model, AS_OF, { customers: false, release: true });
  return { ms: performance.now() - t, rows: r.summary.rows, findings: r.findings.length, peakMB: peakMB() };
}

// ── the floor and the peers (target 7) ──

/** One entry's compressed bytes through zlib's raw inflate, the output counted and dropped; a stored entry is counted as it is. */
function inflateCount(file: string, entry: ZipEntry): Promise<number> {
  if (entry.method === 0 || entry.compressedSize === 0) return Promise.resolve(entry.method === 0 ? entry.compressedSize : 0);
  const start = dataStart(file, entry);
  return new Promise((resolve, reject) => {
    let n = 0;
    const raw = createReadStream(file, { start, end: start + entry.compressedSize - 1, highWaterMark: 1024 * 1024 });
    // 256 KiB out per chunk: the fastest tried (zlib's default 16 KiB takes 2–4× as long on the bench's books).
    const inflate = createInflateRaw({ chunkSize: 256 * 1024 });
    raw.on("error", reject);
    inflate.on("error", reject);
    inflate.on("data", (b: Buffer) => void (n += b.length));
    inflate.on("end", () => resolve(n));
    raw.pipe(inflate);
  });
}

/**
 * The floor of reading a book: every part of the file inflated with Node's zlib, nothing else (no parsing, no
 * decoding, no size checks), the output counted and dropped, each part read from the file in 1 MiB reads. The
 * central directory is read once, outside the timing. Best of three.
 */
async function inflateFloor(_size: number, file?: string) {
  const entries = zipEntries(file!);
  if (!entries) throw new Error(`${file}: not a zip`);
  const all = () => entries.reduce<Promise<number>>(async (sum, e) => (await sum) + (await inflateCount(file!, e)), Promise.resolve(0));
  const r = await bestAsync(3, all);
  return { ms: r.ms, parts: entries.length, compressedBytes: entries.reduce((s, e) => s + e.compressedSize, 0), bytes: r.value, peakMB: peakMB() };
}

/**
 * A peer: SheetJS's `XLSX.readFile` (the `xlsx` package, a devDependency), its default options. Past a size it
 * throws (a sheet's XML longer than V8's longest string); that is reported as failed, with the message.
 */
async function sheetjsRead(_size: number, file?: string) {
  // Loaded here only: every other scenario's peak memory stays its own.
  const XLSX = require("xlsx") as typeof import("xlsx");
  const t = performance.now();
  try {
    const wb = XLSX.readFile(file!);
    const ms = performance.now() - t;
    const rows = wb.SheetNames.reduce((n, s) => {
      const ref = wb.Sheets[s]["!ref"];
      return n + (ref ? XLSX.utils.decode_range(ref).e.r + 1 : 0);
    }, 0);
    return { ok: true, version: XLSX.version, ms, rows, peakMB: peakMB() };
  } catch (e) {
    return { ok: false, version: XLSX.version, error: String((e as Error)?.message ?? e).split("\n")[0], ms: performance.now() - t, peakMB: peakMB() };
  }
}

/** The interpreter the openpyxl peer runs on: Debian's own (python3-openpyxl), whatever python3 is first on PATH. */
const PYTHON = "/usr/bin/python3";

/**
 * A peer: openpyxl's read-only reader in Debian's Python (bench/openpyxl-read.py), every row of every sheet, every
 * value touched. Time and peak memory are the Python process's own; "not installed" when there is no openpyxl.
 */
async function openpyxlRead(_size: number, file?: string) {
  if (!existsSync(PYTHON)) return { ok: false, notInstalled: true, error: `${PYTHON} not installed` };
  const r = spawnSync(PYTHON, [join(__dirname, "openpyxl-read.py"), file!], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (r.error) return { ok: false, error: r.error.message };
  if (r.status !== 0) return { ok: false, error: (r.stderr.trim().split("\n").pop() ?? `exit ${r.status}`).slice(0, 300) };
  const out = JSON.parse(r.stdout.trim().split("\n").pop() as string) as { notInstalled?: boolean; error?: string; ms?: number; rows?: number; cells?: number; peakMB?: number; startMB?: number; version?: string };
  if (out.notInstalled) return { ok: false, notInstalled: true, error: `openpyxl not installed for ${PYTHON} (${out.error})` };
  return { ok: true, ...out };
}

const SCENARIOS: Record<string, (size: number, file?: string, extra?: string) => Promise<unknown>> = {
  engine, clv, adapter, functions, makeBook, makeTallBook, exceljsRoundTrip, exceljsStreamRoundTrip, engineOnBook, inflateFloor, sheetjsRead, openpyxlRead,
};

async function main() {
  const [name, sizeText, file, extra] = process.argv.slice(2);
  const f = SCENARIOS[name];
  if (!f) throw new Error(`unknown scenario ${name}; one of ${Object.keys(SCENARIOS).join(", ")}`);
  // The process's resident memory before the scenario (Node, ts-node, the bench's modules): part of every peak
  // (openpyxlRead gives its Python process's own).
  const startMB = peakMB();
  const out = await f(Number(sizeText), file, extra);
  process.stdout.write(`${JSON.stringify(out && typeof out === "object" ? { startMB, ...out } : out)}\n`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  });
}
