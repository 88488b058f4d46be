// Excel custom functions, namespace CRM (manifest.xml). Metadata (functions.json) is generated from the JSDoc
// below by CustomFunctionsMetadataPlugin at build time (which also appends the CustomFunctions.associate
// calls); Chinese names and help come from functions.zh-cn.json. Each function is a thin wrapper over the
// engine: same header aliases, same parsing, same rules as the task pane and the command line.
//
// As-of date: every function that needs one takes an optional `asOf`. Omitted, it is today's date when the
// formula calculates; the functions are not volatile, so results refresh when their inputs change. Pass
// TODAY() to make them follow the calendar (Excel recalculates TODAY() formulas once a day).
// Error cells and data types (issue 17). functions.json sets allowErrorForDataTypeAny (and
// allowCustomDataForDataTypeAny), so an error cell inside a range reaches these functions as a
// CustomFunctions.Error and a data-type cell as its Excel.CellValue object (args.ts cell(): the basic value, an
// entity's display text; an image or an unreadable type is #VALUE! saying so). What an error input gives:
// - The error goes out as it came in where a custom function may return it (#N/A, #VALUE!, #DIV/0!, #NUM!,
//   #NULL!); #REF!, #NAME? and the newer codes (#SPILL!, #CALC! …) cannot be returned and become #VALUE! with a
//   message naming the original code.
// - STAGE, TAGS, RISK, SCORE, SCOREPARTS: a row with an error in a column the engine reads (a recognised
//   header), or with an error in a 维护记录/订单 row of that customer, gets that error in every result column
//   of the row; every other row is computed as before (the engine reads the bad cell as a missing value).
//   SCORE with a population: the error of the row asked for or of its population row. A detail row whose
//   customer key is itself an error belongs to no customer and is left to the engine.
// - TIER, VALUETIER, CLOSENESS, USCC, MASKPHONE, NEXTFOLLOWUP: the error in its own result cell (a single grade
//   for all that is an error: every cell). TIER's population: #N/A is a customer without a score (what SCORE
//   gives), skipped like a blank; any other error there fails the whole formula with it.
// - RFM: an order whose date or amount is an error gives its customer's row that error (the order is left out
//   of the breaks); an order whose customer ID is an error belongs to no one, like a blank ID; an error in
//   customerIds is that row's error.
// - Arguments every result depends on — asOf, unit, headers, rules, the AHP matrix — fail the whole formula
//   with the error (mapped the same way), naming the argument.
// Rules: pass the CRM规则 table (header row 参数/值 included, e.g. a named range CRM_RULES) as `rules` to use
// the workbook's weights and thresholds; omitted, the defaults of DOMAIN.md apply.
import {
  ahp, checkUscc, closenessOf, CLOSENESS_LABEL, DEFAULT_RULES, INDICATORS, maskPhones, nextFollowUpOf, parseDate, parseEnum,
  buildCsr, clvOfOrders, parseMoney, parseNumber, runPipeline, scoreRfm, serialFromDay, tierOf, thresholdCuts, quantileCuts, TIER_LABEL, valueTierOf, VALUE_TIER_LABEL, ENUM_LOOKUPS,
  isBlank, type CellValue, type ClvFigures, type Grade, type PipelineResult,
} from "../core";
import {
  asOfArg, badArg, cell, customerBook, errorOut, isInputError, mapCells, matrix, omitted, resultsByRow, rowErrorOut, rulesArg, scalarArg, xlError,
} from "./args";

/* eslint-disable @typescript-eslint/no-explicit-any -- Excel passes untyped cells; the metadata plugin needs any[][] / any spelled out. */
type Range = any[][];
type Scalar = any;

function pipelineFor(rows: Range, headers: Range, asOf: Scalar, interactions?: Range, orders?: Range, rules?: Range) {
  const { model, height, errors } = customerBook({ rows, headers, interactions, orders, rules });
  // The churn model's figures are not what these functions give: not fitted on every recalculation.
  const result = runPipeline(model, asOfArg(asOf), { churnModel: false });
  return { result, byRow: resultsByRow(result, height), errors };
}

/**
 * Lifecycle stage (潜在客户 … 流失客户, or "undetermined") of each customer row, decided by the same rules as the task pane. Spills one value per row; with detail TRUE also the deciding rule and its reason.
 * @customfunction STAGE
 * @param {any[][]} rows Customer rows (without the header row), e.g. A2:H500.
 * @param {any[][]} headers The header row of those columns, e.g. A1:H1; column names are matched by their usual aliases.
 * @param {any} [asOf] As-of date (a date cell, TODAY() or "2024-06-30"); omitted = today when the formula calculates.
 * @param {any[][]} [interactions] Optional 维护记录 (interactions) table including its header row.
 * @param {any[][]} [orders] Optional 订单 (orders) table including its header row.
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row (e.g. a named range CRM_RULES).
 * @param {boolean} [detail] TRUE to add two columns: the deciding rule and its reason.
 * @returns {any[][]} One stage per row.
 */
export function stage(rows: any[][], headers: any[][], asOf?: any, interactions?: any[][], orders?: any[][], rules?: any[][], detail?: boolean): any[][] {
  const { byRow, errors } = pipelineFor(rows, headers, asOf, interactions, orders, rules);
  return byRow.map((c, i) => {
    const e = errors[i];
    if (e) return new Array(detail === true ? 3 : 1).fill(rowErrorOut(e));
    return detail === true ? (c ? [c.stage, c.stageRule, c.stageReason] : ["", "", ""]) : [c ? c.stage : ""];
  });
}

/** Which population row each of `rows` is: by customer ID, else by name. */
function locate(rows: Range, headers: Range, population: Range): (number | null)[] {
  const pop = customerBook({ rows: population, headers }).model;
  const res = runPipeline(pop, 0);
  const table = res.tables.find((t) => t.kind === "customers")!;
  const keyCol = (table.columns.id ?? table.columns.name) - 1;
  if (Number.isNaN(keyCol)) badArg("headers", "需要“客户编号”或“客户名称”列来对应 population 中的客户", "needs a 客户编号 or 客户名称 column to find rows in population");
  const index = new Map<string, number>();
  const key = (x: unknown) => {
    const c = cell(x);
    return c === null || c === undefined || isInputError(c) ? "" : String(c).trim();
  };
  matrix(population).forEach((r, i) => {
    const k = key(r[keyCol]);
    if (k && !index.has(k)) index.set(k, i);
  });
  return matrix(rows).map((r) => {
    const k = key(r[keyCol]);
    return k ? (index.get(k) ?? null) : null;
  });
}

function scoreRows(rows: Range, headers: Range, population: Range | undefined, asOf: Scalar, rules: Range | undefined, pick: (c: PipelineResult["customers"][number]) => unknown[]): Range {
  const base = omitted(population) ? rows : (population as Range);
  const { byRow, errors } = pipelineFor(base, headers, asOf, undefined, undefined, rules);
  // The rows once: re-built per row below, a whole-column range with a population took O(rows²) (a hang).
  const rowCells = matrix(rows);
  const own = omitted(population) ? errors : customerBook({ rows, headers }).errors;
  const at = omitted(population) ? rowCells.map((_, i) => i) : locate(rows, headers, population as Range);
  const width = pick({ scoreParts: {}, score: null } as unknown as PipelineResult["customers"][number]).length;
  return at.map((i, k) => {
    // An error in the row itself, or in its population row, is that row's result (the others are computed).
    const e = own[k] ?? (i === null ? null : errors[i]);
    if (e) return new Array(width).fill(rowErrorOut(e));
    if (i === null) {
      const blank = rowCells[k].every((x) => cell(x) === null || cell(x) === "");
      return new Array(width).fill(blank ? "" : xlError("#N/A", "该客户不在 population 中", "this customer is not in population"));
    }
    const c = byRow[i];
    if (!c) return new Array(width).fill("");
    if (c.score === null) return new Array(width).fill(xlError("#N/A", "没有可用的评分指标数据", "no indicator data to score"));
    return pick(c);
  });
}

/**
 * Customer score 0–100 from the eight indicators of the evaluation model, normalised over population when given (else over rows), with the default or the rules table's weights.
 * @customfunction SCORE
 * @param {any[][]} rows Customer rows (without the header row).
 * @param {any[][]} headers The header row of those columns.
 * @param {any[][]} [population] All customer rows to normalise over (same columns as headers); omitted = rows.
 * @param {any} [asOf] As-of date; omitted = today when the formula calculates.
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row.
 * @returns {any[][]} One score per row.
 */
export function score(rows: any[][], headers: any[][], population?: any[][], asOf?: any, rules?: any[][]): any[][] {
  return scoreRows(rows, headers, population, asOf, rules, (c) => [c.score]);
}

/**
 * Points per indicator behind each score, in the order 近6个月消费金额, 合作时长, 毛利率贡献, 最近互动频次, 投诉率, 产品使用深度, 所属行业增长率, 企业规模匹配度; blank where an indicator has no data.
 * @customfunction SCOREPARTS
 * @param {any[][]} rows Customer rows (without the header row).
 * @param {any[][]} headers The header row of those columns.
 * @param {any[][]} [population] All customer rows to normalise over; omitted = rows.
 * @param {any} [asOf] As-of date; omitted = today when the formula calculates.
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row.
 * @returns {any[][]} Eight columns of points per row.
 */
export function scoreParts(rows: any[][], headers: any[][], population?: any[][], asOf?: any, rules?: any[][]): any[][] {
  return scoreRows(rows, headers, population, asOf, rules, (c) => INDICATORS.map((d) => c.scoreParts[d.key] ?? ""));
}

/**
 * Score tier (战略客户, 重点客户, 普通客户, 观察客户) of each score. With a population (tier.mode = quantile, the default), by share of that population: the top 5 % 战略客户, the next 15 % 重点客户, the next 30 % 普通客户, the rest 观察客户, as the task pane and the command line cut them over the active buyers' scores. Without a population, or with tier.mode = threshold, by the fixed bands 90/70/50 of the rules table.
 * @customfunction TIER
 * @param {any[][]} score Scores 0–100 (a cell or a range).
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row.
 * @param {any[][]} [population] The scores to rank against (e.g. the active buyers' score column); omitted = the fixed bands.
 * @returns {any[][]} The tier of each score.
 */
export function tier(score: any[][], rules?: any[][], population?: any[][]): any[][] {
  const r = rulesArg(rules) ?? DEFAULT_RULES;
  const scoreOf = (v: CellValue, arg: string) => {
    const p = parseNumber(v);
    if (!p.ok || p.value < 0 || p.value > 100) throw xlError("#VALUE!", `参数 ${arg}：“${String(v)}”不是 0–100 的评分`, `argument ${arg}: "${String(v)}" is not a score 0–100`);
    return p.value;
  };
  let cuts = thresholdCuts(r);
  if (!omitted(population) && r.text("tier.mode") === "quantile") {
    // Blank cells of the population range are rows without a score, not zeros; so is #N/A, what CRM.SCORE
    // gives a customer without indicator data. Any other error leaves the cut points unknown: every result is it.
    const scores = matrix(population).flat().map(cell).filter((v) => !isBlank(v) && !(isInputError(v) && v.error === "#N/A")).map((v) => {
      if (isInputError(v)) throw errorOut(v, "参数 population", "argument population");
      return scoreOf(v, "population");
    });
    cuts = quantileCuts(scores, r) ?? cuts;
  }
  return mapCells(score, (v) => {
    const t = tierOf(scoreOf(v, "score"), cuts);
    return t ? TIER_LABEL[t].zh : "";
  });
}

/**
 * Value tier (战略客户, 重点客户, 普通客户) by annual purchase: at least 100万 strategic, 50万 key, else regular (or the rules table's thresholds).
 * @customfunction VALUETIER
 * @param {any[][]} annualPurchase Annual purchase amounts (numbers, or text such as 120万 or ¥1,200,000).
 * @param {any} [unit] Unit of plain numbers: "元" (default), "万元" or "千元".
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row.
 * @returns {any[][]} The value tier of each amount.
 */
export function valueTier(annualPurchase: any[][], unit?: any, rules?: any[][]): any[][] {
  const r = rulesArg(rules) ?? DEFAULT_RULES;
  const un = omitted(unit) ? null : scalarArg("unit", unit);
  const u = un === null || un === undefined ? 1 : ({ 元: 1, 万元: 10_000, 万: 10_000, 千元: 1_000 } as Record<string, number>)[String(un).trim()];
  if (u === undefined) badArg("unit", `“${String(un)}”不是单位，可用 元、万元、千元`, `"${String(un)}" is not a unit; use 元, 万元 or 千元`);
  return mapCells(annualPurchase, (v) => {
    const p = parseMoney(v, u);
    if (!p.ok) throw xlError("#VALUE!", `参数 annualPurchase：“${String(v)}”不是金额`, `argument annualPurchase: "${String(v)}" is not an amount`);
    const t = valueTierOf(p.value, r);
    return t ? VALUE_TIER_LABEL[t].zh : "";
  });
}

/**
 * Closeness (紧密型, 稳定型, 一般型) by interactions per month: at least 2 tight, 1 steady, else loose (or the rules table's thresholds).
 * @customfunction CLOSENESS
 * @param {any[][]} interactionsPerMonth Interactions per month (a cell or a range).
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row.
 * @returns {any[][]} The closeness of each value.
 */
export function closeness(interactionsPerMonth: any[][], rules?: any[][]): any[][] {
  const r = rulesArg(rules) ?? DEFAULT_RULES;
  return mapCells(interactionsPerMonth, (v) => {
    const p = parseNumber(v);
    if (!p.ok || p.value < 0) throw xlError("#VALUE!", `参数 interactionsPerMonth：“${String(v)}”不是非负数`, `argument interactionsPerMonth: "${String(v)}" is not a non-negative number`);
    const c = closenessOf(p.value, r);
    return c ? CLOSENESS_LABEL[c].zh : "";
  });
}

/**
 * Core tags (高潜力, 待激活, 忠诚, 风险) of each customer row, joined by 、, from the same facts as the task pane.
 * @customfunction TAGS
 * @param {any[][]} rows Customer rows (without the header row).
 * @param {any[][]} headers The header row of those columns.
 * @param {any} [asOf] As-of date; omitted = today when the formula calculates.
 * @param {any[][]} [interactions] Optional 维护记录 table including its header row.
 * @param {any[][]} [orders] Optional 订单 table including its header row.
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row.
 * @returns {any[][]} The tags of each row.
 */
export function tags(rows: any[][], headers: any[][], asOf?: any, interactions?: any[][], orders?: any[][], rules?: any[][]): any[][] {
  const { byRow, errors } = pipelineFor(rows, headers, asOf, interactions, orders, rules);
  return byRow.map((c, i) => [errors[i] ? rowErrorOut(errors[i]!) : c ? c.tags.join("、") : ""]);
}

/**
 * Risk level (高, 中, 低, 已流失) of each customer row: 已流失 when churned, high when at risk or warned of churn, medium when inactive, overdue or in the watch tier.
 * @customfunction RISK
 * @param {any[][]} rows Customer rows (without the header row).
 * @param {any[][]} headers The header row of those columns.
 * @param {any} [asOf] As-of date; omitted = today when the formula calculates.
 * @param {any[][]} [interactions] Optional 维护记录 table including its header row.
 * @param {any[][]} [orders] Optional 订单 table including its header row.
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row.
 * @returns {any[][]} The risk level of each row.
 */
export function risk(rows: any[][], headers: any[][], asOf?: any, interactions?: any[][], orders?: any[][], rules?: any[][]): any[][] {
  const { byRow, errors } = pipelineFor(rows, headers, asOf, interactions, orders, rules);
  return byRow.map((c, i) => [errors[i] ? rowErrorOut(errors[i]!) : c ? c.riskLevel : ""]);
}

/**
 * RFM scores of each customer from an order list: spills R, F, M (1–5) and the RFM code 100·R+10·F+M, with quintile breaks over the customers that have orders (the rules table may give explicit breaks). Blank for a customer without orders.
 * @customfunction RFM
 * @param {any[][]} customerIds The customers to score (a column of IDs).
 * @param {any[][]} orderCustomerIds The customer ID of each order.
 * @param {any[][]} orderDates The date of each order.
 * @param {any[][]} orderAmounts The amount of each order.
 * @param {any} [asOf] As-of date for recency; omitted = today when the formula calculates.
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row.
 * @returns {any[][]} R, F, M and the code per customer.
 */
export function rfm(customerIds: any[][], orderCustomerIds: any[][], orderDates: any[][], orderAmounts: any[][], asOf?: any, rules?: any[][]): any[][] {
  const D = asOfArg(asOf);
  const r = rulesArg(rules) ?? DEFAULT_RULES;
  const { orders, failed } = orderList(orderCustomerIds, orderDates, orderAmounts);
  const windowDays = r.num("rfm.windowDays");
  const agg = new Map<string, { last: number; count: number; sum: number }>();
  for (const o of orders) {
    // Orders after the as-of date do not exist yet; the rules' analysis window applies as in the task pane.
    if (o.day > D || (windowDays > 0 && o.day <= D - windowDays)) continue;
    const g = agg.get(o.id);
    if (g) {
      g.last = Math.max(g.last, o.day);
      g.count++;
      g.sum += o.amount;
    } else agg.set(o.id, { last: o.day, count: 1, sum: o.amount });
  }
  const wanted = matrix(customerIds).map((row) => cell(row[0]));
  // Breaks are over every customer with orders (the population), not only the ones asked for.
  const pop = [...agg.entries()];
  const scored = scoreRfm(pop.map(([, g]) => D - g.last), pop.map(([, g]) => g.count), pop.map(([, g]) => Math.round(g.sum * 100) / 100), {
    r: r.breaks("rfm.rBreaks"), f: r.breaks("rfm.fBreaks"), m: r.breaks("rfm.mBreaks"),
  });
  const byId = new Map(pop.map(([id], i) => [id, scored[i]]));
  return wanted.map((w) => {
    if (isInputError(w)) return new Array(4).fill(errorOut(w));
    const id = String(w ?? "").trim();
    const f = id ? failed.get(id) : undefined;
    if (f) return new Array(4).fill(f);
    const s = id ? byId.get(id) : undefined;
    return s ? [s.r, s.f, s.m, s.score] : ["", "", "", ""];
  });
}

/**
 * An order list as the order functions read it: each order's customer ID, day and amount (0 when no amounts are
 * passed). Per-cell errors: an order whose date or amount is an error value makes its customer's result that error
 * (the order is left out, `failed`); an order whose customer ID is an error belongs to no one, like a blank ID. A
 * date or amount that cannot be read fails the whole formula, naming the value.
 */
function orderList(orderCustomerIds: Range, orderDates: Range, orderAmounts: Range | null): { orders: { id: string; day: number; amount: number }[]; failed: Map<string, Error> } {
  const ids = matrix(orderCustomerIds).flat();
  const dates = matrix(orderDates).flat();
  const amounts = orderAmounts === null ? null : matrix(orderAmounts).flat();
  if (dates.length !== ids.length) badArg("orderDates", `有 ${dates.length} 个值，orderCustomerIds 有 ${ids.length} 个`, `has ${dates.length} values but orderCustomerIds has ${ids.length}`);
  if (amounts && amounts.length !== ids.length) badArg("orderAmounts", `有 ${amounts.length} 个值，orderCustomerIds 有 ${ids.length} 个`, `has ${amounts.length} values but orderCustomerIds has ${ids.length}`);
  const failed = new Map<string, Error>();
  const orders: { id: string; day: number; amount: number }[] = [];
  ids.forEach((raw, i) => {
    const idc = cell(raw);
    const id = idc === null || idc === undefined || isInputError(idc) ? "" : String(idc).trim();
    if (!id) return;
    const dc = cell(dates[i]);
    const ac = amounts ? cell(amounts[i]) : 0;
    const bad = isInputError(dc) ? { e: dc, arg: "orderDates" } : isInputError(ac) ? { e: ac, arg: "orderAmounts" } : null;
    if (bad) {
      if (!failed.has(id)) failed.set(id, errorOut(bad.e, `参数 ${bad.arg} 第 ${i + 1} 个值`, `argument ${bad.arg}, value ${i + 1}`));
      return;
    }
    const d = parseDate(dc);
    if (!d.ok) badArg("orderDates", `第 ${i + 1} 个值“${String(dc)}”不是日期`, `value ${i + 1} "${String(dc)}" is not a date`);
    const a = parseMoney(ac);
    if (!a.ok) badArg("orderAmounts", `第 ${i + 1} 个值“${String(ac)}”不是金额`, `value ${i + 1} "${String(ac)}" is not an amount`);
    orders.push({ id, day: d.value, amount: a.value });
  });
  return { orders, failed };
}

/**
 * The BG/NBD (and Gamma-Gamma) figures of DOMAIN.md section 8b for each customer asked for, fitted over every
 * customer of the order list: one value per row, `pick` choosing which. Blank for a customer without orders. Too
 * little data or no convergence: #N/A for the whole formula, with the reason (never a number).
 */
function clvColumn(customerIds: Range, orderCustomerIds: Range, orderDates: Range, orderAmounts: Range | null, asOf: Scalar, days: Scalar, rules: Range | undefined, pick: (f: ClvFigures) => number | null): any[][] {
  const D = asOfArg(asOf);
  const r = rulesArg(rules) ?? DEFAULT_RULES;
  let horizon = r.num("bgnbd.horizonDays");
  if (!omitted(days)) {
    const v = parseNumber(scalarArg("days", days));
    if (!v.ok || !Number.isInteger(v.value) || v.value < 1 || v.value > 3650) badArg("days", "应为 1–3650 之间的整数天数", "should be a whole number of days from 1 to 3650");
    horizon = v.value;
  }
  const { orders, failed } = orderList(orderCustomerIds, orderDates, orderAmounts);
  const index = new Map<string, number>();
  for (const o of orders) if (!index.has(o.id)) index.set(o.id, index.size);
  const owner = Int32Array.from(orders, (o) => index.get(o.id)!);
  const fit = clvOfOrders(index.size, buildCsr(owner, index.size), Float64Array.from(orders, (o) => o.day), Float64Array.from(orders, (o) => (orderAmounts === null ? NaN : o.amount)), D, horizon, r.num("bgnbd.minRepeat"));
  if (fit.bgnbd.r === null) throw xlError("#N/A", fit.bgnbd.reason ?? "", fit.bgnbd.reasonEn ?? "");
  if (orderAmounts !== null && fit.gammaGamma.p === null) throw xlError("#N/A", fit.gammaGamma.reason ?? "", fit.gammaGamma.reasonEn ?? "");
  return matrix(customerIds).map((row) => {
    const w = cell(row[0]);
    if (isInputError(w)) return [errorOut(w)];
    const id = String(w ?? "").trim();
    const f = id ? failed.get(id) : undefined;
    if (f) return [f];
    const k = id ? index.get(id) : undefined;
    const figures = k === undefined ? null : fit.at(k);
    return [figures ? pick(figures) ?? "" : ""];
  });
}

/**
 * Probability that each customer is still active (has not left for good), from the BG/NBD model fitted over every customer of the order list (a day with orders is one purchase). 1 for a customer who bought on one day only. #N/A with the reason when fewer than 20 customers bought again.
 * @customfunction PALIVE
 * @param {any[][]} customerIds The customers (a column of IDs).
 * @param {any[][]} orderCustomerIds The customer ID of each order.
 * @param {any[][]} orderDates The date of each order.
 * @param {any} [asOf] As-of date; omitted = today when the formula calculates.
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row.
 * @returns {any[][]} P(alive) per customer, from 0 to 1.
 */
export function pAliveOf(customerIds: any[][], orderCustomerIds: any[][], orderDates: any[][], asOf?: any, rules?: any[][]): any[][] {
  return clvColumn(customerIds, orderCustomerIds, orderDates, null, asOf, null, rules, (f) => f.pAlive);
}

/**
 * Purchases each customer is expected to make in the next days (90 by default, or the rules table's bgnbd.horizonDays), from the BG/NBD model fitted over every customer of the order list. #N/A with the reason when fewer than 20 customers bought again.
 * @customfunction EXPECTEDPURCHASES
 * @param {any[][]} customerIds The customers (a column of IDs).
 * @param {any[][]} orderCustomerIds The customer ID of each order.
 * @param {any[][]} orderDates The date of each order.
 * @param {any} [asOf] As-of date; omitted = today when the formula calculates.
 * @param {any} [days] The horizon in days (1–3650); omitted = the rules table's, else 90.
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row.
 * @returns {any[][]} Expected purchases per customer.
 */
export function expectedPurchasesOf(customerIds: any[][], orderCustomerIds: any[][], orderDates: any[][], asOf?: any, days?: any, rules?: any[][]): any[][] {
  return clvColumn(customerIds, orderCustomerIds, orderDates, null, asOf, days, rules, (f) => f.expectedPurchases);
}

/**
 * Value each customer is expected to bring in the next days (90 by default), not discounted: expected purchases (BG/NBD) times the expected value of a purchase (Gamma-Gamma), both fitted over every customer of the order list. #N/A with the reason when there is too little data.
 * @customfunction CLV
 * @param {any[][]} customerIds The customers (a column of IDs).
 * @param {any[][]} orderCustomerIds The customer ID of each order.
 * @param {any[][]} orderDates The date of each order.
 * @param {any[][]} orderAmounts The amount of each order.
 * @param {any} [asOf] As-of date; omitted = today when the formula calculates.
 * @param {any} [days] The horizon in days (1–3650); omitted = the rules table's, else 90.
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row.
 * @returns {any[][]} Expected value per customer.
 */
export function clv(customerIds: any[][], orderCustomerIds: any[][], orderDates: any[][], orderAmounts: any[][], asOf?: any, days?: any, rules?: any[][]): any[][] {
  return clvColumn(customerIds, orderCustomerIds, orderDates, orderAmounts, asOf, days, rules, (f) => f.clv);
}

/**
 * Next follow-up date: the last interaction plus the cadence of the customer grade (A 7 days, B 14, C 30, or the rules table's). Returns an Excel date.
 * @customfunction NEXTFOLLOWUP
 * @param {any[][]} lastInteraction Date of the last interaction (a cell or a range).
 * @param {any[][]} grade Customer grade A, B or C (A类/B类/C类 also accepted), one per date or one for all.
 * @param {any[][]} [rules] Optional CRM规则 rules table including its header row.
 * @returns {any[][]} The next follow-up date of each row.
 */
export function nextFollowUp(lastInteraction: any[][], grade: any[][], rules?: any[][]): any[][] {
  const r = rulesArg(rules) ?? DEFAULT_RULES;
  const g = matrix(grade);
  const single = g.length === 1 && g[0].length === 1;
  const dates = matrix(lastInteraction);
  if (!single && (g.length !== dates.length || g[0].length !== dates[0].length)) {
    badArg("grade", `应是一个值，或与 lastInteraction 同样大小（${dates.length}×${dates[0].length}）`, `must be one value or the same size as lastInteraction (${dates.length}×${dates[0].length})`);
  }
  return dates.map((row, i) =>
    row.map((raw, j) => {
      const v = cell(raw);
      if (v === null || v === "") return "";
      if (isInputError(v)) return errorOut(v);
      const d = parseDate(v);
      if (!d.ok) return xlError("#VALUE!", `参数 lastInteraction：“${String(v)}”不是日期`, `argument lastInteraction: "${String(v)}" is not a date`);
      const gv = cell(single ? g[0][0] : g[i][j]);
      if (isInputError(gv)) return errorOut(gv, "参数 grade", "argument grade");
      const gp = parseEnum(gv, ENUM_LOOKUPS.grade);
      if (!gp.ok) return xlError("#VALUE!", `参数 grade：“${String(gv ?? "")}”不是 A、B 或 C`, `argument grade: "${String(gv ?? "")}" is not A, B or C`);
      const next = nextFollowUpOf({ stage: null, grade: gp.value as Grade, lastInteraction: d.value, firstContact: null }, 0, r).next;
      return next === null ? "" : serialFromDay(next);
    }),
  );
}

/**
 * Checks a unified social credit code 统一社会信用代码 (GB 32100-2015): TRUE when valid. With reason TRUE, returns the reason it is invalid instead ("" when valid).
 * @customfunction USCC
 * @param {any[][]} code 18-character codes (a cell or a range).
 * @param {boolean} [reason] TRUE to return the reason instead of TRUE/FALSE.
 * @returns {any[][]} TRUE/FALSE, or the reason.
 */
export function uscc(code: any[][], reason?: boolean): any[][] {
  return mapCells(code, (v) => {
    const c = checkUscc(String(v));
    if (reason === true) return c.valid ? "" : c.reasonZh;
    return c.valid;
  });
}

/**
 * Masks full mainland mobile and landline numbers in the text, e.g. 13812345678 becomes 138****5678 and 021-12345678 becomes 021-****5678. Other text is kept as it is.
 * @customfunction MASKPHONE
 * @param {any[][]} text Text that may contain phone numbers (a cell or a range).
 * @returns {any[][]} The text with every full phone number masked.
 */
export function maskPhone(text: any[][]): any[][] {
  return mapCells(text, (v) => (typeof v === "string" ? maskPhones(v).text : typeof v === "number" ? maskPhones(String(v)).text : v));
}

/**
 * AHP weights from a pairwise comparison matrix (3, 1/3 …; blanks below the diagonal are taken as reciprocals): spills one weight per criterion, then the consistency ratio CR (acceptable below 0.10).
 * @customfunction AHP
 * @param {any[][]} matrix Square pairwise comparison matrix, 1–15 criteria.
 * @returns {any[][]} The weights, then CR.
 */
export function ahpWeights(matrix: any[][]): any[][] {
  // One matrix, one answer: an error value in any cell is the whole result (mapped like every error input).
  const m = (Array.isArray(matrix) ? matrix : [[matrix]]).map((row, i) =>
    (Array.isArray(row) ? row : [row]).map((x, j) => {
      const v = cell(x);
      if (isInputError(v)) throw errorOut(v, `参数 matrix 第 ${i + 1} 行第 ${j + 1} 列`, `argument matrix, row ${i + 1} column ${j + 1}`);
      return v === "" || v === undefined ? null : (v as number | string | null);
    }),
  );
  try {
    const res = ahp(m);
    return [...res.weights.map((w) => [w]), [res.cr]];
  } catch (e) {
    const why = (e as Error).message;
    throw xlError("#VALUE!", `参数 matrix：${ahpReasonZh(why)}`, `argument matrix: ${why}`);
  }
}

function ahpReasonZh(en: string): string {
  const cellAt = /\((\d+),(\d+)\)/.exec(en);
  const at = cellAt ? `第 ${cellAt[1]} 行第 ${cellAt[2]} 列` : "";
  if (/square/.test(en)) return "判断矩阵必须是方阵";
  if (/1–15 rows/.test(en)) return "判断矩阵应有 1–15 行";
  if (/diagonal/.test(en)) return `对角线${at}必须为 1`;
  if (/reciprocals/.test(en)) return `${at}与其对称位置的值必须互为倒数`;
  if (/missing/.test(en)) return `${at}缺少数值`;
  return `${at}必须是正数或 1/3 这样的分数`;
}
