// One deterministic pass: WorkbookModel + as-of date → findings and per-customer results (DOMAIN.md 1–10).
// No I/O, no clock, no globals. Detail tables are indexed by customer once (CSR layout), never joined O(n²).
import { closenessOf, coreTagsOf, gradeFromTier, quadrantsOf, riskLevelOf, topShare, valueTierOf } from "./classify";
import { addMonths, formatDay, toDay } from "./dates";
import { makeFinding, sortFindings } from "./findings";
import { nextFollowUpOf, remindersOf, warningsOf, type Reminder } from "./followup";
import {
  CLOSENESS_LABEL, CORE_TAG_LABEL, COOP_STAGE_LABEL, QUADRANT_LABEL, RISK_LABEL, STAGE_ACTION, STAGE_LABEL, TIER_LABEL, TIER_TRACKING, UNDETERMINED, VALUE_TIER_LABEL,
  type CoopStage, type Grade, type KeyDateType, type Stage, type TaskStatus, type Tier,
} from "./labels";
import { decideCoopStage, decideStage, type StageFacts, type StageRule, type Tri } from "./lifecycle";
import { normalizeText } from "./parse";
import { maskText } from "./privacy";
import { scoreRfm } from "./rfm";
import { DEFAULT_RULES, readRules, ruleDef, type Rules } from "./rules";
import { a1, findTables, isOwnedSheet, TABLES, type FoundTable, type TableKind } from "./schema";
import { INDICATORS, scorePopulation, tierOf, type IndicatorStats } from "./scoring";
import type { CellValue, Day, Finding, WorkbookModel } from "./types";
import { readTable, textHas, type ReadTable } from "./validate";

export interface RfmResult {
  r: number;
  f: number;
  m: number;
  score: number;
  recencyDays: number;
  frequency: number;
  monetary: number;
  segment: string;
  segmentEn: string;
}

/** One customer's results: the report contract of DOMAIN.md section 10. */
export interface CustomerResult {
  id: string;
  name: string;
  sheet: string;
  row: number;
  stage: string;
  stageKey: Stage | null;
  stageRule: StageRule;
  stageReason: string;
  stageReasonEn: string;
  missingFacts: string[];
  recordedStage: string | null;
  coopStage: string;
  score: number | null;
  scoreParts: Record<string, number>;
  tier: string | null;
  valueTier: string | null;
  closeness: string | null;
  tags: string[];
  riskLevel: string;
  grade: Grade | null;
  rfm: RfmResult | null;
  quadrant: string | null;
  nextFollowUp: string | null;
  overdue: boolean;
  warnings: string[];
  reminders: Reminder[];
  /** The stage's standard actions and the tier's tracking rhythm, as the templates prescribe them. */
  nextAction: string | null;
  tracking: string | null;
  owner: string | null;
  industry: string | null;
  size: string | null;
  annualPurchase: number | null;
  churnReason: string | null;
}

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
  /** The sheet row of customer i, without computing its results. */
  customerRow(i: number): number;
  scoring: { stats: IndicatorStats[]; missing: string[] };
  rules: Rules;
  /** Per-detail-row facts the review needs (tasks, plan). */
  detail: DetailRows;
  summary: { rows: number; errors: number; warnings: number; infos: number };
}

export interface DetailRows {
  tasks: { customer: number; owner: string | null; status: TaskStatus | null; created: number; due: number; churnReason: string | null }[];
  plan: { task: string; strategy: string | null; owner: string | null; start: number; due: number; status: TaskStatus | null; completedOn: number; sheet: string; row: number }[];
  interactionCount: number;
  interactionsPerCustomer: Int32Array;
}

const TERMINATED_WORDS = ["终止合作", "已流失", "terminated"];
const COMPETITOR_WORDS = ["竞品", "竞争对手", "competitor"];
const INTEREST_TAG_WORDS = ["意向", "有需求", "interested"];
const INTEREST_CONTENT_WORDS = ["演示", "试用", "报价", "需求", "方案", "预算", "demo", "trial", "quote"];

/** Customer-indexed compressed rows: the detail rows of customer c are order[start[c] .. start[c+1]). */
interface Csr {
  start: Int32Array;
  order: Int32Array;
}

function buildCsr(owner: Int32Array, customers: number, sortKey?: Float64Array): Csr {
  const start = new Int32Array(customers + 1);
  for (let i = 0; i < owner.length; i++) if (owner[i] >= 0) start[owner[i] + 1]++;
  for (let c = 0; c < customers; c++) start[c + 1] += start[c];
  const fill = start.slice(0, customers);
  const order = new Int32Array(start[customers]);
  for (let i = 0; i < owner.length; i++) if (owner[i] >= 0) order[fill[owner[i]]++] = i;
  if (sortKey) {
    for (let c = 0; c < customers; c++) {
      const seg = order.subarray(start[c], start[c + 1]);
      if (seg.length > 1) seg.sort((a, b) => (sortKey[a] || 0) - (sortKey[b] || 0) || a - b);
    }
  }
  return { start, order };
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
   * columns. Kept: the customers table's header row and any row with cells right of the table.
   */
  release?: boolean;
}

export function runPipeline(model: WorkbookModel, asOfInput: string | number | Date, options: PipelineOptions = {}): PipelineResult {
  const D = toDay(asOfInput);
  const date1904 = model.date1904 === true;
  const findings: Finding[] = [];

  // ── 1. tables ──
  const found = model.sheets.filter((s) => !(s.owned ?? isOwnedSheet(s.name))).flatMap((s) => findTables(s));
  const byKind = new Map<TableKind, FoundTable[]>();
  for (const t of found) byKind.set(t.kind, [...(byKind.get(t.kind) ?? []), t]);
  const customerTables = byKind.get("customers") ?? [];
  // The customers table with the most rows is the primary one; others are reported, not merged.
  const primary = [...customerTables].sort((a, b) => b.rows.length - a.rows.length)[0];
  if (!primary) {
    findings.push(makeFinding("TABLE_MISSING", { sheet: "", row: 0, column: "", address: "" }, { table: TABLES.customers.labelZh, tableEn: TABLES.customers.labelEn }));
  }
  for (const t of customerTables) {
    if (t === primary) continue;
    findings.push(
      makeFinding("TABLE_MISSING", { sheet: t.sheet, row: t.headerRow, column: "", address: a1(t.sheet, t.headerRow, t.firstCol) }, {
        detail: `找到多个客户表,使用“${primary.sheet}”中的表(${primary.rows.length}行);此表未使用`,
        detailEn: `Several customers tables found; the one on "${primary.sheet}" (${primary.rows.length} rows) is used, this one is not`,
        fix: "把客户合并到一个客户表中,或删除多余的表",
        fixEn: "Keep all customers in one table",
      }),
    );
  }

  // ── 2. rules ──
  let rules = options.rules ?? DEFAULT_RULES;
  const ruleTables = byKind.get("rules") ?? [];
  const ruleTable = ruleTables.find((t) => t.sheet === "CRM规则") ?? ruleTables[0];
  if (ruleTable && !options.rules) {
    const rt = readTable(ruleTable, D, date1904, findings);
    const keyCol = rt.columns.get("key");
    const valCol = rt.columns.get("value");
    if (keyCol && valCol) {
      const ko = keyCol.col - ruleTable.firstCol;
      const vo = valCol.col - ruleTable.firstCol;
      const read = readRules(ruleTable.rows.map((r) => ({ key: r[ko], value: r[vo] })));
      rules = read.rules;
      for (const p of read.problems) {
        const i = p.index >= 0 ? p.index : 0;
        const row = ruleTable.rowNumbers[i] ?? ruleTable.headerRow;
        const col = p.inKey ? keyCol : valCol;
        const def = ruleDef(p.key);
        findings.push(makeFinding("BAD_RULE", { sheet: ruleTable.sheet, row, column: col.header, address: a1(ruleTable.sheet, row, col.col) }, {
          key: p.key, reason: p.reasonZh, reasonEn: p.reasonEn, def: def && !p.inKey ? String(def.value ?? "(quintiles)") : "",
        }));
      }
    }
  }

  // ── 3. read tables ──
  const cust: ReadTable | null = primary ? readTable(primary, D, date1904, findings) : null;
  const details = new Map<TableKind, ReadTable[]>();
  for (const kind of ["interactions", "orders", "tasks", "keyDates", "plan"] as TableKind[]) {
    details.set(kind, (byKind.get(kind) ?? []).map((t) => readTable(t, D, date1904, findings)));
  }
  if (options.release) {
    for (const t of found) t.rows = [];
    for (const sheet of model.sheets) {
      // A writer still needs, beside the customers table, its header row and any cell right of it (where the
      // result columns go, so nothing there is overwritten); every other row is let go.
      if (primary && sheet.name === primary.sheet) {
        const r0 = sheet.originRow ?? 1;
        const width = primary.firstCol + primary.header.length - (sheet.originCol ?? 1);
        sheet.cells = sheet.cells.map((row, i) => (i + r0 === primary.headerRow || row.length > width ? row : EMPTY_ROW));
      } else sheet.cells = [];
    }
  }
  const n = cust?.length ?? 0;
  const cNum = (k: string) => cust?.columns.get(k)?.num ?? null;
  const cStr = (k: string) => cust?.columns.get(k)?.str ?? null;
  const has = (k: string) => cust?.columns.has(k) ?? false;

  // ── 4. link detail rows to customers ──
  const idIndex = new Map<string, number>();
  const nameIndex = new Map<string, number>();
  const ids = cStr("id");
  const names = cStr("name");
  for (let i = 0; i < n; i++) {
    const id = ids?.[i];
    if (id && !idIndex.has(id.toUpperCase())) idIndex.set(id.toUpperCase(), i);
    const nm = names?.[i];
    if (nm && !nameIndex.has(nameKey(nm))) nameIndex.set(nameKey(nm), i);
  }
  /**
   * Concatenates a detail kind's tables and resolves each row's customer (−1 when unknown). Columnar: row j of
   * the concatenation is row j − offset[k] of table k; columns are copied table by table, never row by row.
   */
  const link = (kind: TableKind) => {
    const tables = details.get(kind) ?? [];
    const offsets: number[] = [];
    let length = 0;
    for (const t of tables) {
      offsets.push(length);
      length += t.length;
    }
    const owner = new Int32Array(length).fill(-1);
    tables.forEach((t, k) => {
      const idc = t.columns.get("customerId");
      const nmc = t.columns.get("customerName");
      for (let i = 0; i < t.length; i++) {
        const id = idc?.str?.[i];
        const nm = nmc?.str?.[i];
        let c = id ? idIndex.get(id.toUpperCase()) : undefined;
        if (c === undefined && nm) c = nameIndex.get(nameKey(nm));
        if (c === undefined && (id || nm) && cust) {
          const col = id ? idc! : nmc!;
          findings.push(makeFinding("UNKNOWN_CUSTOMER", { sheet: t.found.sheet, row: t.found.rowNumbers[i], column: col.header, address: a1(t.found.sheet, t.found.rowNumbers[i], col.col) }, {
            val: (id ?? nm) as string, table: TABLES[kind].labelZh, tableEn: TABLES[kind].labelEn,
          }));
        }
        if (c !== undefined) owner[offsets[k] + i] = c;
      }
    });
    const num = (key: string) => {
      const out = new Float64Array(length).fill(NaN);
      tables.forEach((t, k) => {
        const col = t.columns.get(key)?.num;
        if (col) out.set(col, offsets[k]);
      });
      return out;
    };
    const str = (key: string) => {
      const out: (string | null)[] = new Array(length).fill(null);
      tables.forEach((t, k) => {
        const col = t.columns.get(key)?.str;
        if (col) for (let i = 0; i < t.length; i++) out[offsets[k] + i] = col[i];
      });
      return out;
    };
    const hasCol = (key: string) => tables.some((t) => t.columns.has(key));
    /** The table and row index of concatenated row j. */
    const rowAt = (j: number) => {
      let k = tables.length - 1;
      while (k > 0 && offsets[k] > j) k--;
      return { t: tables[k], i: j - offsets[k] };
    };
    return { present: tables.length > 0, owner, num, str, hasCol, length, rowAt };
  };

  const orders = link("orders");
  const inter = link("interactions");
  const tasks = link("tasks");
  const keyDates = link("keyDates");

  // Rows dated after D are reported (FUTURE_DATE) and left out of every fact.
  const oDate = orders.num("date");
  const oAmount = orders.num("amount");
  const oProfit = orders.num("profit");
  for (let j = 0; j < oDate.length; j++) if (oDate[j] > D) orders.owner[j] = -1;
  const oCsr = buildCsr(orders.owner, n, oDate);
  const iTime = inter.num("time");
  for (let j = 0; j < iTime.length; j++) if (Math.floor(iTime[j]) > D) inter.owner[j] = -1;
  const iCsr = buildCsr(inter.owner, n, iTime);
  const iFeedback = inter.str("feedback");
  const iContent = inter.str("content");
  const tCreated = tasks.num("created");
  const tDue = tasks.num("due");
  const tStatus = tasks.str("status") as (TaskStatus | null)[];
  const tCsr = buildCsr(tasks.owner, n);
  const kType = keyDates.str("type") as (KeyDateType | null)[];
  const kDate = keyDates.num("date");
  const kLead = keyDates.num("leadDays");
  const kCsr = buildCsr(keyDates.owner, n);

  // ── 5. facts per customer ──
  const firstContact = cNum("firstContact");
  const lastOrderCol = cNum("lastOrder");
  const lastInterCol = cNum("lastInteraction");
  const orders3mCol = cNum("orders3m");
  const spend6mCol = cNum("spend6m");
  const annualCol = cNum("annualPurchase");
  const coopStart = cNum("coopStart");
  const tenureCol = cNum("tenure");
  const terminatedOn = cNum("terminatedOn");
  const contractEnd = cNum("contractEnd");
  const birthday = cNum("birthday");
  const satisfaction = cNum("satisfaction");
  const stageEntered = cNum("stageEntered");
  const statusTags = cStr("statusTags");
  const notes = cStr("notes");
  const requirement = cStr("requirement");
  const recorded = cStr("recordedStage") as (Stage | null)[] | null;
  const marginCol = cNum("marginRate");
  const rateCol = cNum("interactionRate");

  const stableMonths = rules.num("stage.stableMonths");
  const recentFrom = addMonths(D, -stableMonths);
  const sixFrom = addMonths(D, -6);
  const twelveFrom = addMonths(D, -12);
  const closenessMonths = rules.num("closeness.months");
  const closenessFrom = addMonths(D, -closenessMonths);
  const inactiveFrom = addMonths(D, -rules.num("tag.inactiveMonths"));
  const dropRecent = rules.num("stage.dropRecentDays");
  const dropBase = rules.num("stage.dropBaselineDays");
  const dropRatio = rules.num("stage.dropRatio");
  const competitorFrom = D - rules.num("stage.competitorDays");

  const boughtSources = orders.present || has("lastOrder") || has("orders3m") || has("spend6m") || has("annualPurchase") || has("coopStart");
  const terminatedSources = has("terminatedOn") || has("statusTags");
  const interestSources = has("statusTags") || has("requirement") || (inter.present && inter.hasCol("content"));
  const competitorSources = has("statusTags") || has("notes") || (inter.present && inter.hasCol("content"));
  const renewalSources = has("contractEnd") || keyDates.present;

  const facts: StageFacts[] = [];
  const lastInteraction = new Float64Array(n).fill(NaN);
  const perMonth = new Float64Array(n).fill(NaN);
  const spend6m = new Float64Array(n).fill(NaN);
  const annual = new Float64Array(n).fill(NaN);
  const tenureYears = new Float64Array(n).fill(NaN);
  const margin = new Float64Array(n).fill(NaN);
  const dropFlags: Tri[] = [];

  for (let c = 0; c < n; c++) {
    // Orders of this customer, ascending by date.
    let oCount = 0, oRecent = 0, o6 = 0, spend6 = 0, spend12 = 0, amountSum = 0, profitSum = 0, profitAmount = 0;
    let firstOrder = NaN, lastOrder = NaN;
    for (let k = oCsr.start[c]; k < oCsr.start[c + 1]; k++) {
      const j = oCsr.order[k];
      const d = oDate[j];
      if (Number.isNaN(d)) continue;
      oCount++;
      if (Number.isNaN(firstOrder)) firstOrder = d;
      lastOrder = d;
      const amt = Number.isNaN(oAmount[j]) ? 0 : oAmount[j];
      amountSum += amt;
      if (d > recentFrom) oRecent++;
      if (d > sixFrom) { o6++; spend6 += amt; }
      if (d > twelveFrom) spend12 += amt;
      if (!Number.isNaN(oProfit[j]) && !Number.isNaN(oAmount[j])) { profitSum += oProfit[j]; profitAmount += oAmount[j]; }
    }
    // Interactions of this customer, ascending by time.
    let iRecent = 0, iBase = 0, iCloseness = 0, latestFeedback: string | null = null, iLast = NaN, competitorHit = false, interestHit = false;
    for (let k = iCsr.start[c]; k < iCsr.start[c + 1]; k++) {
      const j = iCsr.order[k];
      const t = iTime[j];
      if (Number.isNaN(t)) continue;
      const d = Math.floor(t);
      iLast = d;
      latestFeedback = iFeedback[j];
      if (d > D - dropRecent) iRecent++;
      else if (d > D - dropRecent - dropBase) iBase++;
      if (d > closenessFrom) iCloseness++;
      if (d > competitorFrom && textHas(iContent[j], COMPETITOR_WORDS)) competitorHit = true;
      if (textHas(iContent[j], INTEREST_CONTENT_WORDS)) interestHit = true;
    }

    const lo = orders.present ? (oCount > 0 ? lastOrder : NaN) : val(lastOrderCol, c);
    const li = inter.present ? iLast : val(lastInterCol, c);
    lastInteraction[c] = li;
    const tags = statusTags?.[c] ?? null;

    const bought: Tri = !boughtSources
      ? null
      : oCount > 0 || !Number.isNaN(val(lastOrderCol, c)) || val(orders3mCol, c) > 0 || val(spend6mCol, c) > 0 || val(annualCol, c) > 0 || !Number.isNaN(val(coopStart, c));
    const terminated: Tri = !terminatedSources ? null : !Number.isNaN(val(terminatedOn, c)) || textHas(tags, TERMINATED_WORDS);
    const lastContact = maxKnown(lo, li);

    let renewalUnanswered: Tri = renewalSources ? false : null;
    if (renewalSources) {
      const check = (date: number, lead: number) => {
        if (Number.isNaN(date) || date >= D) return;
        const from = date - lead;
        let answered = false;
        for (let k = oCsr.start[c]; k < oCsr.start[c + 1] && !answered; k++) if (oDate[oCsr.order[k]] >= from) answered = true;
        for (let k = iCsr.start[c]; k < iCsr.start[c + 1] && !answered; k++) {
          const j = iCsr.order[k];
          if (Math.floor(iTime[j]) >= from && (iFeedback[j] === "positive" || iFeedback[j] === "neutral")) answered = true;
        }
        if (!answered) renewalUnanswered = true;
      };
      check(val(contractEnd, c), rules.num("remind.contractDays"));
      for (let k = kCsr.start[c]; k < kCsr.start[c + 1]; k++) {
        const j = kCsr.order[k];
        if (kType[j] === "renewal" || kType[j] === "contractEnd") check(kDate[j], Number.isNaN(kLead[j]) ? (kType[j] === "contractEnd" ? rules.num("remind.contractDays") : rules.num("remind.renewalDays")) : kLead[j]);
      }
    }

    const interactionDrop: Tri = inter.present ? iBase / (dropBase / dropRecent) > 0 && iRecent <= (1 - dropRatio) * (iBase / (dropBase / dropRecent)) + 1e-9 : null;
    dropFlags.push(interactionDrop);

    facts.push({
      terminated,
      bought,
      lastOrder: Number.isNaN(lo) ? null : lo,
      lastContact,
      careResponse: inter.present && inter.hasCol("feedback") ? latestFeedback === "positive" || latestFeedback === "neutral" : null,
      interactionDrop,
      renewalUnanswered,
      competitor: competitorSources ? competitorHit || textHas(tags, COMPETITOR_WORDS) || textHas(notes?.[c], COMPETITOR_WORDS) : null,
      recentOrders: orders.present ? oRecent : stableMonths === 3 && orders3mCol && !Number.isNaN(orders3mCol[c]) ? orders3mCol[c] : null,
      repurchase6m: orders.present ? (o6 > 0 ? (o6 - 1) / o6 : 0) : null,
      satisfaction: satisfaction && !Number.isNaN(satisfaction[c]) ? satisfaction[c] : null,
      interested: interestSources ? textHas(tags, INTEREST_TAG_WORDS) || !!requirement?.[c] || interestHit : null,
    });

    // Indicator inputs; the detail table wins over a summary column (DOMAIN.md section 1).
    spend6m[c] = orders.present ? spend6 : val(spend6mCol, c);
    annual[c] = orders.present && oCount > 0 ? spend12 : val(annualCol, c);
    const start = val(coopStart, c);
    tenureYears[c] = !Number.isNaN(start) ? Math.max(0, (D - start) / 365.25) : !Number.isNaN(val(tenureCol, c)) ? val(tenureCol, c) : orders.present && oCount > 0 ? (D - firstOrder) / 365.25 : NaN;
    margin[c] = !Number.isNaN(val(marginCol, c)) ? val(marginCol, c) : profitAmount > 0 ? profitSum / profitAmount : NaN;
    perMonth[c] = inter.present ? iCloseness / closenessMonths : val(rateCol, c);

    detailMismatches(c, { lo, li, oCount, oRecent3: countSince(oCsr, oDate, c, addMonths(D, -3)), spend6, spend12 });
  }

  function detailMismatches(c: number, x: { lo: number; li: number; oCount: number; oRecent3: number; spend6: number; spend12: number }): void {
    const t = cust!.found;
    const report = (key: string, shown: string, other: string, table: TableKind) => {
      const col = cust!.columns.get(key)!;
      findings.push(makeFinding("DETAIL_MISMATCH", { sheet: t.sheet, row: t.rowNumbers[c], column: col.header, address: a1(t.sheet, t.rowNumbers[c], col.col) }, {
        val: shown, other, table: TABLES[table].labelZh, tableEn: TABLES[table].labelEn,
      }));
    };
    if (orders.present) {
      const col = val(lastOrderCol, c);
      if (!Number.isNaN(col) && col !== x.lo) report("lastOrder", formatDay(col), Number.isNaN(x.lo) ? "无订单" : formatDay(x.lo), "orders");
      const o3 = val(orders3mCol, c);
      if (!Number.isNaN(o3) && o3 !== x.oRecent3) report("orders3m", String(o3), String(x.oRecent3), "orders");
      const s6 = val(spend6mCol, c);
      if (!Number.isNaN(s6) && Math.abs(s6 - x.spend6) > Math.max(1, 0.01 * x.spend6)) report("spend6m", money(s6), money(x.spend6), "orders");
      const ap = val(annualCol, c);
      if (!Number.isNaN(ap) && x.oCount > 0 && Math.abs(ap - x.spend12) > Math.max(1, 0.01 * x.spend12)) report("annualPurchase", money(ap), money(x.spend12), "orders");
    }
    if (inter.present) {
      const col = val(lastInterCol, c);
      if (!Number.isNaN(col) && col !== (Number.isNaN(x.li) ? NaN : x.li)) report("lastInteraction", formatDay(col), Number.isNaN(x.li) ? "无记录" : formatDay(x.li), "interactions");
    }
  }

  // ── 6. stage ──
  const decisions = facts.map((f) => decideStage(f, D, rules));
  const coop = facts.map((f) => decideCoopStage(f, D, rules));
  // The two facts the per-customer results still need, so the facts themselves can go once the pass returns.
  const lastOrderOf = facts.map((f) => f.lastOrder);
  const careResponseOf = facts.map((f) => f.careResponse);

  // ── 7. scoring ──
  const complaintsCol = has("complaintRate") ? cNum("complaintRate")! : cNum("complaints");
  const indicatorValues: Float64Array[] = [
    spend6m,
    tenureYears,
    margin,
    perMonth,
    complaintsCol ?? nanArray(n),
    cNum("usageDepth") ?? nanArray(n),
    cNum("industryGrowth") ?? nanArray(n),
    cNum("sizeFit") ?? nanArray(n),
  ];
  const scored = scorePopulation(indicatorValues, rules);
  const valuePts = new Float64Array(n);
  const potentialPts = new Float64Array(n);
  INDICATORS.forEach((d, k) => {
    for (let c = 0; c < n; c++) {
      if (d.dimension === "value") valuePts[c] += scored.points[k][c];
      if (d.dimension === "potential") potentialPts[c] += scored.points[k][c];
    }
  });
  const potentialKnown = scored.stats.some((s) => (s.key === "growth" || s.key === "sizeFit") && s.weight > 0);
  const valueKnown = scored.stats.some((s) => INDICATORS.find((d) => d.key === s.key)!.dimension === "value" && s.weight > 0);
  const potentialTop = potentialKnown ? topShare(potentialPts, rules.num("tag.potentialTop")) : new Array(n).fill(false);
  const quadrants = valueKnown && potentialKnown ? quadrantsOf(valuePts, potentialPts) : new Array(n).fill(null);

  // ── 8. RFM over customers with at least one order in the window ──
  const windowDays = rules.num("rfm.windowDays");
  const rfmIdx: number[] = [];
  const rec: number[] = [];
  const freq: number[] = [];
  const mon: number[] = [];
  if (orders.present) {
    for (let c = 0; c < n; c++) {
      let f = 0, m = 0, last = NaN;
      for (let k = oCsr.start[c]; k < oCsr.start[c + 1]; k++) {
        const j = oCsr.order[k];
        const d = oDate[j];
        if (Number.isNaN(d) || (windowDays > 0 && d <= D - windowDays)) continue;
        f++;
        m += Number.isNaN(oAmount[j]) ? 0 : oAmount[j];
        last = d;
      }
      if (f > 0) {
        rfmIdx.push(c);
        rec.push(D - last);
        freq.push(f);
        mon.push(Math.round(m * 100) / 100);
      }
    }
  }
  const rfmScores = scoreRfm(rec, freq, mon, { r: rules.breaks("rfm.rBreaks"), f: rules.breaks("rfm.fBreaks"), m: rules.breaks("rfm.mBreaks") });
  const rfmOf = new Map<number, RfmResult>();
  rfmIdx.forEach((c, k) => {
    const s = rfmScores[k];
    rfmOf.set(c, { r: s.r, f: s.f, m: s.m, score: s.score, recencyDays: rec[k], frequency: freq[k], monetary: mon[k], segment: s.segmentZh, segmentEn: s.segmentEn });
  });

  // ── 9. per-customer results ──
  const customers: CustomerResult[] = [];
  const keepCustomers = options.customers === true || options.customers === undefined;
  const customerGrade = cStr("customerGrade") as (Grade | null)[] | null;
  const potentialGrade = cStr("potentialGrade") as (Grade | null)[] | null;
  const recoveryFrom = D - rules.num("warn.recoveryDays");
  /** Customer c's results, computed from the columns (the same every time it is asked). */
  const customerAt = (c: number): CustomerResult => {
    const t = cust!.found;
    const dec = decisions[c];
    const stage = dec.stage;
    const score = scored.score[c];
    const tier: Tier | null = tierOf(score, rules);
    const grade: Grade | null = customerGrade?.[c] ?? gradeFromTier(tier);
    const fu = nextFollowUpOf({ stage, grade, lastInteraction: nanToNull(lastInteraction[c]), firstContact: nanToNull(val(firstContact, c)) }, D, rules);
    const actionDays: number[] = [];
    for (let k = iCsr.start[c]; k < iCsr.start[c + 1]; k++) actionDays.push(Math.floor(iTime[iCsr.order[k]]));
    let hasPlan = false;
    for (let k = tCsr.start[c]; k < tCsr.start[c + 1]; k++) {
      const j = tCsr.order[k];
      if (!Number.isNaN(tCreated[j])) actionDays.push(tCreated[j]);
      if ((tStatus[j] !== "done" && tStatus[j] !== null) || tCreated[j] >= recoveryFrom) hasPlan = true;
    }
    const recordedStage = recorded?.[c] ?? null;
    const warnings = warningsOf({
      stage, recordedStage, stageEntered: nanToNull(val(stageEntered, c)), lastOrder: lastOrderOf[c], careResponse: careResponseOf[c],
      interactionDrop: dropFlags[c], overdue: fu.overdue, tier, actionDays, hasRecoveryPlan: hasPlan,
    }, D, rules);
    const interactionKnown = inter.present || has("lastInteraction");
    const inactive = interactionKnown && stage !== "churned" && !(lastInteraction[c] > inactiveFrom);
    const risk = riskLevelOf({ stage, warnings, inactive, overdue: fu.overdue, tier });
    const closeness = closenessOf(perMonth[c], rules);
    const tags = coreTagsOf({ inactive, stage, risk, tenureYears: tenureYears[c], closeness, potentialGrade: potentialGrade?.[c] ?? null, potentialTop: potentialTop[c] }, rules);
    const dates: { type: KeyDateType; date: Day; leadDays: number | null }[] = [];
    if (!Number.isNaN(val(contractEnd, c))) dates.push({ type: "contractEnd", date: val(contractEnd, c), leadDays: null });
    if (!Number.isNaN(val(birthday, c))) dates.push({ type: "birthday", date: val(birthday, c), leadDays: null });
    for (let k = kCsr.start[c]; k < kCsr.start[c + 1]; k++) {
      const j = kCsr.order[k];
      if (kType[j] && !Number.isNaN(kDate[j])) dates.push({ type: kType[j] as KeyDateType, date: kDate[j], leadDays: nanToNull(kLead[j]) });
    }
    const parts: Record<string, number> = {};
    INDICATORS.forEach((d, k) => {
      if (scored.stats[k].weight > 0) parts[d.key] = Math.round(scored.points[k][c] * 100) / 100;
    });
    const coopStage: CoopStage | null = coop[c];
    return {
      id: ids?.[c] ?? "",
      name: names?.[c] ?? "",
      sheet: t.sheet,
      row: t.rowNumbers[c],
      stage: stage ? STAGE_LABEL[stage].zh : UNDETERMINED,
      stageKey: stage,
      stageRule: dec.rule,
      stageReason: dec.reason,
      stageReasonEn: dec.reasonEn,
      missingFacts: dec.missingFacts,
      recordedStage: recordedStage ? STAGE_LABEL[recordedStage].zh : null,
      coopStage: coopStage ? COOP_STAGE_LABEL[coopStage].zh : UNDETERMINED,
      score: Number.isNaN(score) ? null : score,
      scoreParts: parts,
      tier: tier ? TIER_LABEL[tier].zh : null,
      valueTier: (() => { const v = valueTierOf(annual[c], rules); return v ? VALUE_TIER_LABEL[v].zh : null; })(),
      closeness: closeness ? CLOSENESS_LABEL[closeness].zh : null,
      tags: tags.map((x) => CORE_TAG_LABEL[x].zh),
      riskLevel: RISK_LABEL[risk].zh,
      grade,
      rfm: rfmOf.get(c) ?? null,
      quadrant: quadrants[c] ? QUADRANT_LABEL[quadrants[c] as keyof typeof QUADRANT_LABEL].zh : null,
      nextFollowUp: fu.next === null ? null : formatDay(fu.next),
      overdue: fu.overdue,
      warnings,
      reminders: remindersOf(dates, D, rules),
      nextAction: stage ? STAGE_ACTION[stage].zh : null,
      tracking: tier ? TIER_TRACKING[tier].zh : null,
      owner: cStr("owner")?.[c] ?? null,
      industry: cStr("industry")?.[c] ?? null,
      size: cStr("size")?.[c] ?? null,
      annualPurchase: nanToNull(annual[c]),
      churnReason: cStr("churnReason")?.[c] ?? null,
    };
  };
  for (let c = 0; c < n; c++) {
    const r = customerAt(c);
    if (keepCustomers) customers.push(r);
    // W5 is also a validation finding on the recorded stage cell.
    if (r.warnings.includes("W5") && r.stageKey && r.recordedStage) {
      const t = cust!.found;
      const col = cust!.columns.get("recordedStage")!;
      findings.push(makeFinding("STAGE_STALE", { sheet: t.sheet, row: t.rowNumbers[c], column: col.header, address: a1(t.sheet, t.rowNumbers[c], col.col) }, {
        val: r.recordedStage, computed: r.stage, computedEn: STAGE_LABEL[r.stageKey].en, reason: r.stageReason, reasonEn: r.stageReasonEn,
      }));
    }
  }

  // ── 10. detail rows the review needs ──
  const tChurn = tasks.str("churnReason");
  const tOwner = tasks.str("owner");
  const plan = link("plan");
  const pTask = plan.str("taskName");
  const pStrategy = plan.str("strategy");
  const pOwner = plan.str("owner");
  const pStart = plan.num("start");
  const pDue = plan.num("due");
  const pStatus = plan.str("status") as (TaskStatus | null)[];
  const pDone = plan.num("completedOn");
  const interactionsPerCustomer = new Int32Array(n);
  for (let c = 0; c < n; c++) interactionsPerCustomer[c] = iCsr.start[c + 1] - iCsr.start[c];
  const detail: DetailRows = {
    tasks: Array.from({ length: tasks.length }, (_, j) => ({ customer: tasks.owner[j], owner: tOwner[j], status: tStatus[j], created: tCreated[j], due: tDue[j], churnReason: tChurn[j] })),
    plan: Array.from({ length: plan.length }, (_, j) => {
      const r = plan.rowAt(j);
      return { task: pTask[j] ?? "", strategy: pStrategy[j], owner: pOwner[j], start: pStart[j], due: pDue[j], status: pStatus[j], completedOn: pDone[j], sheet: r.t.found.sheet, row: r.t.found.rowNumbers[r.i] };
    }),
    interactionCount: inter.length,
    interactionsPerCustomer,
  };

  sortFindings(findings);
  const summary = {
    rows: n,
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
    infos: findings.filter((f) => f.severity === "info").length,
  };
  const usedTables = new Set<FoundTable>([...(primary ? [primary] : []), ...(ruleTable ? [ruleTable] : []), ...[...details.values()].flat().map((r) => r.found)]);
  const tables: TableSummary[] = found.map((t) => ({
    kind: t.kind, sheet: t.sheet, name: t.name, headerRow: t.headerRow, firstCol: t.firstCol,
    lastCol: t.firstCol + t.header.length - 1, lastRow: t.rowNumbers.length > 0 ? t.rowNumbers[t.rowNumbers.length - 1] : t.headerRow, rows: t.rowNumbers.length,
    columns: Object.fromEntries([...t.match.columns.entries()].map(([k, off]) => [k, t.firstCol + off])), used: usedTables.has(t),
  }));
  const result = { asOf: formatDay(D), tables, findings, customers, scoring: { stats: scored.stats, missing: scored.missing }, rules, detail, summary } as PipelineResult;
  // Not enumerable: the result stays plain data for JSON and deep comparison.
  Object.defineProperty(result, "customerAt", { value: keepCustomers ? (i: number) => customers[i] : customerAt, enumerable: false });
  Object.defineProperty(result, "customerRow", { value: (i: number) => cust!.found.rowNumbers[i], enumerable: false });
  return result;
}

const EMPTY_ROW: CellValue[] = [];

function val(col: Float64Array | null, i: number): number {
  return col ? col[i] : NaN;
}

function nanToNull(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}

function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(NaN);
}

function maxKnown(a: number, b: number): number | null {
  if (Number.isNaN(a)) return Number.isNaN(b) ? null : b;
  if (Number.isNaN(b)) return a;
  return Math.max(a, b);
}

function countSince(csr: Csr, dates: Float64Array, c: number, from: number): number {
  let k = 0;
  for (let x = csr.start[c]; x < csr.start[c + 1]; x++) if (dates[csr.order[x]] > from) k++;
  return k;
}

function nameKey(s: string): string {
  return normalizeText(s).toLowerCase().replace(/\s/g, "");
}

function money(x: number): string {
  return x >= 10_000 ? `${Math.round(x / 100) / 100}万元` : `${Math.round(x * 100) / 100}元`;
}

/** Masks full phone numbers and USCCs in any text a report or log prints (privacy.ts maskText). */
export function safeText(s: string): string {
  return maskText(s);
}
