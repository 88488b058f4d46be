// Fuzzing the whole pass (issue 8): generated workbooks that look like the templates — a customers table,
// detail tables (维护记录, 订单, 跟进任务, 关键节点, 执行计划; a kind may repeat), sometimes a CRM规则 sheet, a junk sheet
// and one of the product's own sheets — with messy values, random header order, unknown, duplicate and missing
// columns, blank rows, title rows, merged ranges, Excel tables and origins away from A1.
//
// For every workbook:
// 1. runPipeline and buildReview never throw;
// 2. two runs (the second on a deep copy) give deep-equal results, findings in the same order, and so do the
//    validation-only and on-demand modes; the input is left untouched;
// 3. every finding's address is a cell of its sheet, inside a table the pass found, naming that cell's
//    header; workbook-level findings have no address;
// 4. every non-blank row of the customers table comes out exactly once (rows without a name included, with
//    REQUIRED_MISSING), blank rows inside it are reported (BLANK_ROWS), an unused second customers table is
//    reported (TABLE_MISSING), nothing else becomes a customer;
// and every number in the report is finite.
import fc from "fast-check";
import { buildReview } from "../../src/core/review";
import { runPipeline, type PipelineResult } from "../../src/core/pipeline";
import { cellText, isCellError } from "../../src/core/parse";
import { RULE_DEFS } from "../../src/core/rules";
import { a1, parseRange } from "../../src/core/schema";
import { STAGE_LABEL, UNDETERMINED } from "../../src/core/labels";
import type { SheetModel } from "../../src/core/types";
import { bookArb, blankCell, type GenBook } from "./arbitraries";
import { cellAt, cloneModel, ensure, firstDiff, fuzzFile, limit, parseAddress } from "./harness";

const fuzz = fuzzFile("fuzz-pipeline", "test/fuzz/pipeline.fuzz.test.ts: whole workbooks through runPipeline and buildReview");
const BOOKS = 1_300;
/** A book holds about 4.9 tables (sheets of their own, stacked ones, rules, review sheet): 1,300 books make ~6,400. */
const MIN_TABLES = 5_500;

/** A result with the rules object (closures) replaced by the values it holds and accessor functions left out. */
function comparable(r: PipelineResult): unknown {
  const rules = RULE_DEFS.map((d) => [d.key, d.kind === "breaks" ? r.rules.breaks(d.key) : d.kind === "choice" ? r.rules.text(d.key) : r.rules.num(d.key)]);
  const data = Object.fromEntries(Object.entries(r).filter(([, v]) => typeof v !== "function"));
  return { ...data, rules: { values: rules, overridden: [...r.rules.overridden].sort() } };
}

/** Every number reachable from a value is finite (NaN and ±Infinity would print as null in the JSON report). */
function finiteNumbers(x: unknown, path: string): string | null {
  if (typeof x === "number") return Number.isFinite(x) ? null : `${path} = ${x}`;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const d = finiteNumbers(x[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (typeof x === "object" && x !== null) {
    for (const [k, v] of Object.entries(x)) {
      const d = finiteNumbers(v, `${path}.${k}`);
      if (d) return d;
    }
  }
  return null;
}

/** The sheet's cells rectangle and its declared Excel tables: where an address may point. */
function inSheet(sheet: SheetModel, row: number, col: number): boolean {
  const top = sheet.originRow ?? 1;
  const left = sheet.originCol ?? 1;
  const width = sheet.cells.reduce((w, r) => Math.max(w, r.length), 0);
  if (row >= top && row < top + sheet.cells.length && col >= left && col < left + width) return true;
  return (sheet.tables ?? []).some((t) => {
    const rg = parseRange(t.range);
    return rg !== null && row >= rg.top && row <= rg.bottom && col >= rg.left && col <= rg.right;
  });
}

const STAGES = new Set([...Object.values(STAGE_LABEL).map((l) => l.zh), UNDETERMINED]);

function verify(g: GenBook): void {
  const { model, asOf } = g;
  const before = cloneModel(model);
  const res = runPipeline(model, asOf);

  // 2. deterministic: the same book again, and a deep copy of it, give the same result, findings in order.
  const again = runPipeline(cloneModel(model), asOf);
  const diff = firstDiff(comparable(res), comparable(again));
  ensure(diff === null, () => `two runs differ at ${diff}`);
  const inputDiff = firstDiff(model, before);
  ensure(inputDiff === null, () => `the pass changed its input at ${inputDiff}`);
  // Validation alone, and results computed on demand from a released model, say exactly the same.
  const lean = runPipeline(cloneModel(model), asOf, { customers: false });
  const leanDiff = firstDiff([lean.findings, lean.summary], [res.findings, res.summary]);
  ensure(leanDiff === null, () => `findings without customers differ at ${leanDiff}`);
  const onDemand = runPipeline(cloneModel(model), asOf, { customers: "onDemand", release: true });
  const demandDiff = firstDiff([onDemand.findings, Array.from({ length: onDemand.summary.rows }, (_, i) => onDemand.customerAt(i))], [res.findings, res.customers]);
  ensure(demandDiff === null, () => `on-demand results differ at ${demandDiff}`);
  const review = buildReview(res);
  const reviewDiff = firstDiff(review, buildReview(again));
  ensure(reviewDiff === null, () => `two reviews differ at ${reviewDiff}`);

  // 3. every finding is placed: a cell of its sheet, inside a table the pass found, naming that header.
  const sheets = new Map(model.sheets.map((s) => [s.name, s]));
  for (const f of res.findings) {
    const what = () => `${f.code} ${JSON.stringify(f.address)} (sheet ${JSON.stringify(f.sheet)}, row ${f.row}, column ${JSON.stringify(f.column)})`;
    ensure(f.message !== "" && f.messageEn !== "" && f.fix !== "" && f.fixEn !== "", () => `${what()} says nothing`);
    if (f.sheet === "") {
      ensure(f.address === "" && f.row === 0 && f.column === "", () => `workbook-level finding with a place: ${what()}`);
      continue;
    }
    const sheet = sheets.get(f.sheet);
    ensure(sheet, () => `${what()}: no such sheet`);
    const a = parseAddress(f.address);
    ensure(a && a.sheet === f.sheet && a.row === f.row, () => `${what()}: address does not match sheet and row`);
    ensure(inSheet(sheet, a.row, a.col), () => `${what()}: outside the sheet's cells`);
    const table = res.tables.find((t) => t.sheet === f.sheet && a.row >= t.headerRow && a.row <= Math.max(t.lastRow, t.headerRow) && a.col >= t.firstCol && a.col <= t.lastCol);
    ensure(table, () => `${what()}: in no table the pass found`);
    if (f.code !== "COLUMN_MISSING" && f.column !== "") {
      const header = cellText(cellAt(sheet, table.headerRow, a.col)).trim();
      ensure(f.column.trim() === header, () => `${what()}: the header there is ${JSON.stringify(header)}`);
    }
  }
  const s = res.summary;
  ensure(s.errors + s.warnings + s.infos === res.findings.length && s.rows === res.customers.length, "summary does not add up");

  // 4. customers (DOMAIN.md section 1): the customers tables of the surest evidence are merged (res.tables says
  // which were used); another customers table is reported at its header. Every non-blank row of the first used
  // table is one customer, homed there; a later table's row is merged into one of those or is a customer of its
  // own; nothing else is a customer, and no row is two.
  const seen = new Map<string, number>();
  for (const c of res.customers) seen.set(`${c.sheet}!${c.row}`, (seen.get(`${c.sheet}!${c.row}`) ?? 0) + 1);
  const customerTables = g.placed
    .filter((p) => p.table.kind === "customers")
    .map((p) => {
      const sheet = sheets.get(p.sheet)!;
      const nonBlank = (row: number) => {
        for (let c = p.firstCol; c <= p.lastCol; c++) if (!blankCell(cellAt(sheet, row, c))) return true;
        return false;
      };
      const summary = res.tables.find((t) => t.kind === "customers" && t.sheet === p.sheet && t.headerRow === p.headerRow);
      return { p, sheet, nonBlank, rows: p.rowNumbers.filter(nonBlank), used: summary?.used === true };
    });
  if (customerTables.length === 0) {
    ensure(res.customers.length === 0, "customers without a customers table");
    ensure(res.findings.some((f) => f.code === "TABLE_MISSING" && f.sheet === ""), "no customers table and no TABLE_MISSING");
  }
  const used = customerTables.filter((t) => t.used);
  if (customerTables.length > 0) ensure(used.length > 0, "customers tables found, none used");
  for (const other of customerTables) {
    if (other.used) continue;
    const at = a1(other.p.sheet, other.p.headerRow, other.p.firstCol);
    ensure(res.findings.some((f) => f.code === "TABLE_MISSING" && f.address === at), () => `unused customers table at ${at} without TABLE_MISSING`);
  }
  for (const [place, n] of seen) ensure(n === 1, () => `customer home ${place} comes out ${n} times`);
  for (const c of res.customers) {
    ensure(used.some((t) => t.p.sheet === c.sheet && t.rows.includes(c.row)), () => `customer at ${c.sheet}!${c.row} is no row of a used customers table`);
  }
  const primary = used[0];
  if (primary) {
    const { p, sheet, nonBlank, rows } = primary;
    for (const row of rows) ensure(seen.get(`${p.sheet}!${row}`) === 1, () => `customer row ${p.sheet}!${row} comes out ${seen.get(`${p.sheet}!${row}`) ?? 0} times`);
    const most = used.reduce((sum, t) => sum + t.rows.length, 0);
    ensure(res.customers.length >= rows.length && res.customers.length <= most, () => `${res.customers.length} customers from ${rows.length}..${most} rows`);
    // Skipped rows are reported: blank rows inside the table (trailing ones are just its end).
    const last = rows[rows.length - 1] ?? p.headerRow;
    const interior = p.rowNumbers.filter((r) => r < last && !nonBlank(r));
    if (interior.length > 0) ensure(res.findings.some((f) => f.code === "BLANK_ROWS" && f.sheet === p.sheet && f.row === interior[0]), () => `blank rows ${interior.join(",")} without BLANK_ROWS`);
    // A row without a name (or ID) is kept, and reported (with one table: merged, another table may fill it).
    for (const key of used.length === 1 ? ["name", "id"] : []) {
      const idx = p.table.columns.findIndex((c) => c.key === key);
      if (idx < 0) continue;
      const col = p.headerCol + idx;
      for (const row of rows) {
        const v = cellAt(sheet, row, col);
        const address = a1(p.sheet, row, col);
        if (blankCell(v)) ensure(res.findings.some((f) => f.code === "REQUIRED_MISSING" && f.address === address), () => `blank ${key} at ${address} without REQUIRED_MISSING`);
        if (isCellError(v)) ensure(res.findings.some((f) => f.code === "CELL_ERROR" && f.address === address), () => `error value in ${key} at ${address} without CELL_ERROR`);
      }
    }
  }

  // The report holds only finite numbers and known labels; scores and RFM scores stay in their ranges.
  const bad = finiteNumbers(res.customers, "customers") ?? finiteNumbers(review, "review");
  ensure(bad === null, () => `non-finite number in the report: ${bad}`);
  for (const c of res.customers) {
    ensure(STAGES.has(c.stage), () => `stage ${c.stage}`);
    ensure(c.score === null || (c.score >= 0 && c.score <= 100), () => `score ${c.score} at ${c.sheet}!${c.row}`);
    if (c.rfm) ensure([c.rfm.r, c.rfm.f, c.rfm.m].every((x) => Number.isInteger(x) && x >= 1 && x <= 5), () => `RFM ${JSON.stringify(c.rfm)}`);
    ensure(c.nextFollowUp === null || /^\d{4}-\d{2}-\d{2}$/.test(c.nextFollowUp), () => `next follow-up ${c.nextFollowUp}`);
  }
}

describe("the whole pass on generated workbooks", () => {
  test(`never throws, deterministic, findings placed, no customer lost or duplicated (${BOOKS} workbooks)`, () => {
    fuzz.check(
      fc.property(bookArb(), (g) => {
        fuzz.count(g.tables);
        verify(g);
      }),
      { numRuns: BOOKS },
    );
  }, limit(180_000));
});

test(`the pipeline fuzzing generated at least ${MIN_TABLES} tables`, () => {
  expect(fuzz.tried).toBeGreaterThanOrEqual(MIN_TABLES);
});
