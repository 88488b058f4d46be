// One deterministic pass: WorkbookModel + as-of date → findings and per-customer results (DOMAIN.md 1–10).
// No I/O, no clock, no globals. The stages, each in its own file:
//   tables.ts   find the tables; merge the customers tables into one list of customers
//   rules-sheet.ts  the rules in force (CRM规则)
//   detail.ts   join the detail tables (orders, interactions, tasks, key dates) to the customers
//   facts.ts    each customer's facts, and the cell that decided each
//   results.ts  stage, score and tier, classification, follow-up, warnings: the report per customer
import { formatDay, toDay } from "./dates";
import { indexDetails, type Csr, type DetailIndex } from "./detail";
import { gatherFacts, type CustomerFacts } from "./facts";
import { deferredFindings, makeFinding, sortFindings } from "./findings";
import { changedFields, FIRST_ROWS_AT_LEAST, historyReason, historySheet, readHistory, SHEET_LAST_ROW, type History, type HistoryRow } from "./history";
import { STAGE_LABEL, type Stage, type TaskStatus } from "./labels";
import { maskText } from "./privacy";
import type { Clv } from "./clv";
import { decideCustomers, type CustomerResult } from "./results";
import type { Rules } from "./rules";
import { pickRulesTable, rulesFromBook } from "./rules-sheet";
import { a1, customersEvidence, TABLES, type FoundTable, type TableKind } from "./schema";
import type { IndicatorStats, TierCuts } from "./scoring";
import { findBookTables, mergeCustomers, type Customers } from "./tables";
import type { CellValue, Day, Finding, WorkbookModel } from "./types";
import { readTable, type ReadTable } from "./validate";

export type { CustomerResult, RfmResult } from "./results";

export interface TableSummary {
  kind: TableKind;
  sheet: string;
  name?: string;
  headerRow: number;
  firstCol: number;
  /** Last column of the user's table (the product's own ◆ columns excluded). */
  lastCol: number;
  /** Sheet row of the last data row (the header row when the table is empty). */
  lastRow: number;
  rows: number;
  /** Column key → 1-based sheet column. */
  columns: Record<string, number>;
  used: boolean;
}

export interface PipelineResult {
  asOf: string;
  tables: TableSummary[];
  findings: Finding[];
  /** Every customer's results, in table order (empty unless asked for: options.customers). */
  customers: CustomerResult[];
  /** Customer i's results (0 ≤ i < summary.rows), computed on demand when they were not kept. */
  customerAt(i: number): CustomerResult;
  /** The sheet row of customer i (in its home table, customerSheet(i)), without computing its results. */
  customerRow(i: number): number;
  /** The sheet of customer i's home table: the first customers table it appears in, where its results go. */
  customerSheet(i: number): string;
  scoring: { stats: IndicatorStats[]; missing: string[]; tierCuts: TierCuts | null };
  rules: Rules;
  /** Per-detail-row facts the review needs (tasks, plan). */
  detail: DetailRows;
  summary: { rows: number; errors: number; warnings: number; infos: number };
  /** The history sheet as read (DOMAIN.md section 8a), null when the book has none. Not enumerable: not part of the report. */
  readonly history: History | null;
  /** The rows apply appends to the history sheet (worked out once, on first ask). Not enumerable. */
  historyAppend(): HistoryAppend;
  /** The BG/NBD and Gamma-Gamma fits over the orders (DOMAIN.md section 8b), made on first ask. Not enumerable. */
  clv(): Clv;
}

/**
 * What apply appends to the history sheet: one row per customer and field whose value differs from the history's
 * latest, in customer order. Nothing when the history has rows dated after the as-of date (it runs forward only) or
 * its header was changed (`skipped` says which).
 */
export interface HistoryAppend {
  length: number;
  /** Row k's cells (computed when asked: a first run on a big book appends a row per customer and field). */
  row(k: number): HistoryRow;
  skipped: "later" | "unreadable" | "full" | null;
}

export interface DetailRows {
  tasks: { customer: number; owner: string | null; status: TaskStatus | null; created: number; due: number; churnReason: string | null }[];
  plan: { task: string; strategy: string | null; owner: string | null; start: number; due: number; status: TaskStatus | null; completedOn: number; sheet: string; row: number }[];
  interactionCount: number;
  interactionsPerCustomer: Int32Array;
  /** Each customer's day of first contact, of becoming a customer (成交) and of churning (NaN: the book does not say), for the review's monthly moves. */
  moves: CustomerMoves;
}

export interface CustomerMoves {
  firstContact: Float64Array;
  won: Float64Array;
  /** The day of the customer's latest move into 流失风险客户 the history sheet recorded (NaN: none known). */
  atRisk: Float64Array;
  churned: Float64Array;
}

export interface PipelineOptions {
  /** Rules to use instead of the workbook's CRM规则 sheet (custom functions pass their own). */
  rules?: Rules;
  /**
   * Keep every customer's results in `customers` (default true). Validation alone needs only the findings, and
   * a writer going row by row asks `customerAt(i)` instead ("onDemand"): a million customers' results are then
   * never in memory at once.
   */
  customers?: boolean | "onDemand";
  /**
   * The caller does not use the model's values after this call: once every table is read into columns, the
   * model's cells are let go (emptied) so a million-row sheet's raw values do not stay in memory beside the
   * columns. Kept: each customers table's header row and any row with cells right of the table.
   */
  release?: boolean;
  /**
   * With `release`: a full garbage collection, run as a big table's raw rows are let go (at each quarter of a table
   * of COLLECT_FROM rows or more). Freed rows otherwise wait for the collector's own timing, which lets the heap of
   * a million-row book grow by a third (about 200 MB) before it runs; a host that cannot collect on demand leaves
   * it out.
   */
  collect?: () => void;
  /**
   * False: each customer's `bgnbd` figures are left null without fitting the churn model (a custom function that
   * gives stages or scores does not fit BG/NBD over the orders on every recalculation). `clv()` still fits when asked.
   */
  churnModel?: boolean;
}

/** Tables this long have their freed rows collected as they are read (`collect`): 3 collections a table, at any size. */
export const COLLECT_FROM = 1 << 16;

export function runPipeline(model: WorkbookModel, asOfInput: string | number | Date, options: PipelineOptions = {}): PipelineResult {
  const D = toDay(asOfInput);
  const date1904 = model.date1904 === true;
  const findings: Finding[] = [];

  // ── 1. tables ──
  const { found, byKind } = findBookTables(model);
  // The customers tables with the surest evidence the book has (customersEvidence): a contact list or a supplier
  // list is merged with nothing better, and a book holding only such a table still has its customers.
  const candidates = byKind.get("customers") ?? [];
  const best = Math.max(-1, ...candidates.map(customersEvidence));
  const customerTables = candidates.filter((t) => customersEvidence(t) === best);
  for (const t of candidates) {
    if (customerTables.includes(t)) continue;
    const generic = customersEvidence(t) === 1;
    findings.push(makeFinding("TABLE_MISSING", { sheet: t.sheet, row: t.headerRow, column: "", address: a1(t.sheet, t.headerRow, t.firstCol) }, {
      detail: generic
        ? `此表的编号/名称列未写明是客户的(如“客户编号”“客户名称”),未与客户表“${customerTables[0].sheet}”合并`
        : `此表除客户编号/客户名称外只有联系人、负责人或备注,视为名单而非客户表,未与客户表“${customerTables[0].sheet}”合并`,
      detailEn: generic
        ? `This table's id or name column is not named as a customer's (客户编号, 客户名称): not merged with the customers table on "${customerTables[0].sheet}"`
        : `Besides 客户编号 / 客户名称 this table has only contacts, owners or notes: read as a list, not merged with the customers table on "${customerTables[0].sheet}"`,
      fix: generic ? "若这是客户表,把表头改为“客户编号”“客户名称”" : "若这是客户表,补充客户信息列(如首次触达时间、行业);否则可忽略",
      fixEn: generic ? "If it is a customers table, name the columns 客户编号 / 客户名称" : "If it is a customers table, add customer columns (首次触达时间, 行业 …); otherwise ignore this",
    }));
  }
  if (customerTables.length === 0) {
    findings.push(makeFinding("TABLE_MISSING", { sheet: "", row: 0, column: "", address: "" }, { table: TABLES.customers.labelZh, tableEn: TABLES.customers.labelEn }));
  }

  // ── 2. rules ──
  const ruleTable = pickRulesTable(byKind.get("rules") ?? []);
  const rules = options.rules ?? rulesFromBook(ruleTable, D, date1904, findings);

  // ── 3. read the tables; merge the customers tables ──
  // Released as read: each raw row goes as soon as its table has read it, not once every table is read.
  const read = (t: FoundTable) => readTable(t, D, date1904, findings, options.release ? rowReleaser(model, t, customerTables, options.collect) : undefined);
  const cust: Customers | null = customerTables.length > 0 ? mergeCustomers(customerTables.map(read), findings) : null;
  // The history sheet (section 8a): the engine's own earlier results, read back (before release empties its sheet).
  const hSheet = cust ? historySheet(model.sheets) : undefined;
  const history = hSheet ? readHistory(hSheet, cust, D, date1904, findings, options.release === true) : null;
  const details = new Map<TableKind, ReadTable[]>();
  for (const kind of ["interactions", "orders", "tasks", "keyDates", "plan"] as TableKind[]) details.set(kind, (byKind.get(kind) ?? []).map(read));
  if (options.release) release(model, found, customerTables);
  const n = cust?.length ?? 0;

  // ── 4. detail rows joined to customers; 5. facts; 6. decisions ──
  const x = indexDetails(details, cust, D, findings);
  const facts = gatherFacts(cust, x, D, rules, findings);
  const decided = decideCustomers(cust, facts, x, D, rules, history, options.churnModel !== false);

  const customers: CustomerResult[] = [];
  const keepCustomers = options.customers === true || options.customers === undefined;
  const recorded = cust?.columns.get("recordedStage")?.str ?? null;
  // W5 is also a validation finding on the recorded stage cell; its texts are made from customer c's stage
  // decision when read (a million customers' reasons are not kept twice).
  const Stale = deferredFindings("STAGE_STALE", (c) => {
    const r = keepCustomers ? customers[c] : decided.stageAt(c);
    // The day the history recorded the move into the computed stage, suggested for 进入阶段时间.
    const entered = history?.entered(c, "stage", r.stage, D);
    return {
      val: r.recordedStage!, computed: r.stage, computedEn: r.stageKey ? STAGE_EN[r.stageKey] : r.stage, reason: r.stageReason, reasonEn: r.stageReasonEn,
      entered: entered?.exact ? formatDay(entered.day) : "",
    };
  });
  for (let c = 0; c < n; c++) {
    // A recorded stage that differs from the computed one (W5 in followup.ts, the same condition). Without kept
    // results (validate, a writer going row by row) its finding needs only the stage and its reason: a million
    // customers' results are not built here.
    const stale = recorded !== null && recorded[c] !== null && decided.stages[c] !== null && recorded[c] !== decided.stages[c];
    if (keepCustomers) customers.push(decided.customerAt(c));
    if (stale) {
      const at = cust!.cellOf("recordedStage", c)!;
      findings.push(new Stale({ sheet: at.sheet, row: at.row, column: at.header, address: at.address }, c));
    }
  }

  // ── 7. detail rows the review needs ──
  const { tasks, tCreated, tDue, tStatus, iCsr, iTime } = x;
  // Rows dated after D (FUTURE_DATE) are left out of the review's counts as out of every fact.
  let interactionCount = 0;
  for (let j = 0; j < iTime.length; j++) if (!(Math.floor(iTime[j]) > D)) interactionCount++;
  const taskRows: number[] = [];
  for (let j = 0; j < tasks.length; j++) if (!(tCreated[j] > D)) taskRows.push(j);
  const tChurn = tasks.str("churnReason");
  const tOwner = tasks.str("owner");
  const plan = details.get("plan") ?? [];
  const interactionsPerCustomer = new Int32Array(n);
  for (let c = 0; c < n; c++) interactionsPerCustomer[c] = iCsr.start[c + 1] - iCsr.start[c];
  const detail: DetailRows = {
    tasks: taskRows.map((j) => ({ customer: tasks.owner[j], owner: tOwner[j], status: tStatus[j], created: tCreated[j], due: tDue[j], churnReason: tChurn[j] })),
    plan: plan.flatMap((t) => {
      const c = (k: string) => t.columns.get(k);
      return Array.from({ length: t.length }, (_, i) => ({
        task: c("taskName")?.str?.[i] ?? "", strategy: c("strategy")?.str?.[i] ?? null, owner: c("owner")?.str?.[i] ?? null,
        start: c("start")?.num?.[i] ?? NaN, due: c("due")?.num?.[i] ?? NaN, status: (c("status")?.str?.[i] ?? null) as TaskStatus | null,
        completedOn: c("completedOn")?.num?.[i] ?? NaN, sheet: t.found.sheet, row: t.found.rowNumbers[i],
      }));
    }),
    interactionCount,
    interactionsPerCustomer,
    moves: customerMoves(cust, x, facts, decided.stages, D, rules, history),
  };

  sortFindings(findings);
  const summary = {
    rows: n,
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
    infos: findings.filter((f) => f.severity === "info").length,
  };
  const usedTables = new Set<FoundTable>([...customerTables, ...(ruleTable ? [ruleTable] : []), ...[...details.values()].flat().map((r) => r.found)]);
  const tables: TableSummary[] = found.map((t) => ({
    kind: t.kind, sheet: t.sheet, name: t.name, headerRow: t.headerRow, firstCol: t.firstCol,
    lastCol: t.firstCol + t.header.length - 1, lastRow: t.rowNumbers.length > 0 ? t.rowNumbers[t.rowNumbers.length - 1] : t.headerRow, rows: t.rowNumbers.length,
    columns: Object.fromEntries([...t.match.columns.entries()].map(([k, off]) => [k, t.firstCol + off])), used: usedTables.has(t),
  }));
  const scoring = { ...decided.scoring, tierCuts: decided.tierCuts };
  const result = { asOf: formatDay(D), tables, findings, customers, scoring, rules, detail, summary } as PipelineResult;
  // Not enumerable: the result stays plain data for JSON and deep comparison.
  Object.defineProperty(result, "customerAt", { value: keepCustomers ? (i: number) => customers[i] : decided.customerAt, enumerable: false });
  Object.defineProperty(result, "customerRow", { value: (i: number) => cust!.homeRow(i).row, enumerable: false });
  Object.defineProperty(result, "customerSheet", { value: (i: number) => cust!.homeRow(i).sheet, enumerable: false });
  Object.defineProperty(result, "history", { value: history, enumerable: false });
  Object.defineProperty(result, "clv", { value: decided.clv, enumerable: false });
  let appended: HistoryAppend | undefined;
  Object.defineProperty(result, "historyAppend", { value: () => (appended ??= historyAppend(result, history, D)), enumerable: false });
  return result;
}

/**
 * The history rows apply appends: every customer's fields compared with the history's latest, in one pass (each
 * customer's results computed once more, then let go); the cells of a row are made when the writer asks for them.
 */
function historyAppend(result: PipelineResult, history: History | null, D: Day): HistoryAppend {
  let skipped: HistoryAppend["skipped"] = history?.unreadable ? "unreadable" : history && history.laterRows > 0 ? "later" : null;
  // Room below the history's last row on one sheet: a run that would pass Excel's last row appends nothing. Known
  // before any customer is looked at when the customers the history has not met yet need more rows than that.
  const room = SHEET_LAST_ROW - (history?.lastRow ?? 1);
  const n = result.summary.rows;
  if (skipped === null && FIRST_ROWS_AT_LEAST * (n - (history?.customersRecorded ?? 0)) > room) skipped = "full";
  const who: number[] = [];
  const fields: number[] = [];
  for (let c = 0; skipped === null && c < n; c++) {
    const r = result.customerAt(c);
    for (const ch of changedFields(history, c, { stage: r.stage, tier: r.tier, valueTier: r.valueTier, riskLevel: r.riskLevel })) {
      who.push(c);
      fields.push(ch.field);
    }
    if (who.length > room) skipped = "full";
  }
  if (skipped !== null) {
    who.length = 0;
    fields.length = 0;
  }
  let last = -1;
  let lastResult: CustomerResult | null = null;
  return {
    length: who.length,
    skipped,
    row(k) {
      const c = who[k];
      if (c !== last) {
        lastResult = result.customerAt(c);
        last = c;
      }
      const r = lastResult!;
      const ch = changedFields(history, c, { stage: r.stage, tier: r.tier, valueTier: r.valueTier, riskLevel: r.riskLevel }).find((x) => x.field === fields[k])!;
      // Masked as every output of the product is (a full phone number or USCC never lands in a sheet it writes);
      // readHistory finds such a customer again by the masked form.
      return { day: D, id: maskText(r.id), name: maskText(r.name), field: ch.fieldZh, from: ch.from ?? "", to: ch.to ?? "", reason: maskText(historyReason(ch.field, r)) };
    },
  };
}

/**
 * The days the review's monthly moves count (DOMAIN.md section 8a: monthly new / won / churned), from what the book
 * records, never guessed:
 * - first contact: 首次接触时间, else the customer's earliest interaction or order;
 * - 成交, for a customer whose stage has reached it (成交, 稳定, at risk, churned): 合作起始时间, else the first order,
 *   else, for a customer now 成交, 进入阶段时间 when the recorded stage is the computed one;
 * - churned, for a churned customer: 终止合作日期 when termination decided it, the first day of silence past
 *   `stage.churnDays` when silence did, else 进入阶段时间 when the recorded stage is 流失客户 too.
 * Where the book gives no day, the history sheet's recorded moves do (section 8a): into a 成交-or-later stage, into
 * 流失客户; moves into 流失风险客户 come from the history alone (the book has no date for them).
 * Days after the as-of date are not counted (FUTURE_DATE).
 */
function customerMoves(cust: Customers | null, x: DetailIndex, facts: CustomerFacts, stages: readonly (Stage | null)[], D: Day, rules: Rules, history: History | null): CustomerMoves {
  const n = cust?.length ?? 0;
  const num = (k: string) => cust?.columns.get(k)?.num ?? null;
  const firstContactCol = num("firstContact");
  const coopStart = num("coopStart");
  const terminatedOn = num("terminatedOn");
  const stageEntered = num("stageEntered");
  const recordedStage = cust?.columns.get("recordedStage")?.str ?? null;
  const churnDays = rules.num("stage.churnDays");
  const known = (v: number | undefined): v is number => v !== undefined && !Number.isNaN(v) && v <= D;
  const earliest = (dates: Float64Array, csr: Csr, c: number) => {
    let min = NaN;
    for (let k = csr.start[c]; k < csr.start[c + 1]; k++) {
      const d = Math.floor(dates[csr.order[k]]);
      if (known(d) && !(d >= min)) min = d;
    }
    return min;
  };
  const moves: CustomerMoves = { firstContact: new Float64Array(n).fill(NaN), won: new Float64Array(n).fill(NaN), atRisk: new Float64Array(n).fill(NaN), churned: new Float64Array(n).fill(NaN) };
  /** The day the history recorded the customer's move into `stage`: this run's day when the move is new since the last run. */
  const recorded = (c: number, stage: Stage) => {
    if (!history) return NaN;
    if (stages[c] === stage) {
      const e = history.entered(c, "stage", STAGE_LABEL[stage].zh, D);
      return e?.exact ? e.day : NaN;
    }
    return history.movedInto(c, stage);
  };
  /** The day the history recorded the customer's move from before 成交 into 成交 or later (this run's, when new since the last). */
  const wonRecorded = (c: number) => {
    if (!history) return NaN;
    const reached = history.reachedWon(c);
    if (!Number.isNaN(reached)) return reached;
    const before = history.latest(c, "stage");
    const pre = before !== undefined && before !== null && !WON_OR_LATER.has(before);
    return pre && history.entered(c, "stage", STAGE_LABEL[stages[c]!].zh, D)?.exact ? D : NaN;
  };
  for (let c = 0; c < n; c++) {
    const firstOrder = earliest(x.oDate, x.oCsr, c);
    const firstInteraction = earliest(x.iTime, x.iCsr, c);
    const fc = firstContactCol?.[c];
    const firstBusiness = Number.isNaN(firstOrder) ? firstInteraction : Number.isNaN(firstInteraction) ? firstOrder : Math.min(firstOrder, firstInteraction);
    moves.firstContact[c] = known(fc) ? fc : firstBusiness;
    const stage = stages[c];
    const entered = stage !== null && recordedStage?.[c] === stage ? stageEntered?.[c] : undefined;
    if (stage === "won" || stage === "stable" || stage === "atRisk" || stage === "churned") {
      const cs = coopStart?.[c];
      moves.won[c] = known(cs) ? cs : !Number.isNaN(firstOrder) ? firstOrder : stage === "won" && known(entered) ? entered : wonRecorded(c);
    }
    if (stage === "churned") {
      const f = facts.stage.at(c);
      const t = terminatedOn?.[c];
      if (f.terminated === true) moves.churned[c] = known(t) ? t : known(entered) ? entered : NaN;
      else if (f.lastContact !== null && D - f.lastContact > churnDays) moves.churned[c] = f.lastContact + churnDays + 1;
      else if (known(entered)) moves.churned[c] = entered;
      if (Number.isNaN(moves.churned[c])) moves.churned[c] = recorded(c, "churned");
    }
    moves.atRisk[c] = recorded(c, "atRisk");
  }
  return moves;
}

const WON_OR_LATER = new Set((["won", "stable", "atRisk", "churned"] as Stage[]).map((s) => STAGE_LABEL[s].zh));

const STAGE_EN: Record<string, string> = Object.fromEntries(Object.entries(STAGE_LABEL).map(([k, l]) => [k, l.en]));

/**
 * Lets the model's cells go once every table is read. A writer still needs, beside each customers table, its
 * header row and any cell right of it (where the result columns go, so nothing there is overwritten).
 */
function release(model: WorkbookModel, found: FoundTable[], customerTables: FoundTable[]): void {
  for (const t of found) t.rows = [];
  for (const sheet of model.sheets) {
    const mine = customerTables.filter((t) => t.sheet === sheet.name);
    if (mine.length === 0) {
      sheet.cells = [];
      continue;
    }
    const r0 = sheet.originRow ?? 1;
    sheet.cells = sheet.cells.map((row, i) =>
      mine.some((t) => i + r0 === t.headerRow || row.length > t.firstCol + t.header.length - (sheet.originCol ?? 1)) ? row : EMPTY_ROW,
    );
  }
}

const EMPTY_ROW: CellValue[] = [];

/**
 * Lets table t's raw row i go once it is read (release, row by row; a big table's freed rows collected at each
 * quarter when the host can): the table's own array, and the sheet's when the
 * table shares it (a table at the sheet's first column reads the sheet's rows in place), unless a writer still needs
 * it — a row of a customers table's sheet with cells right of that table, as release keeps.
 */
function rowReleaser(model: WorkbookModel, t: FoundTable, customerTables: FoundTable[], collect?: () => void): (i: number) => void {
  const sheet = model.sheets.find((s) => s.name === t.sheet);
  const mine = customerTables.filter((c) => c.sheet === t.sheet);
  const originCol = sheet?.originCol ?? 1;
  const r0 = sheet?.originRow ?? 1;
  const keep = (row: CellValue[]) => mine.some((c) => row.length > c.firstCol + c.header.length - originCol);
  const n = t.rows.length;
  const quarters = collect && n >= COLLECT_FROM ? new Set([1, 2, 3].map((q) => Math.floor((n * q) / 4))) : null;
  return (i) => {
    if (quarters?.has(i)) collect!();
    const row = t.rows[i];
    t.rows[i] = EMPTY_ROW;
    const at = t.rowNumbers[i] - r0;
    if (sheet && sheet.cells[at] === row && !keep(row)) sheet.cells[at] = EMPTY_ROW;
  };
}

/** Masks full phone numbers and USCCs in any text a report or log prints (privacy.ts maskText). */
export function safeText(s: string): string {
  return maskText(s);
}
