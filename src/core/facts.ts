// Stage 3 of the pipeline: the facts about each customer as of D, and for each the cell that decided it.
// "Where does a customer's annual purchase come from" is answered here: DOMAIN.md section 1, "Column vs detail
// table, per customer and per fact", and section 4, "How each fact is recognised".
import { addMonths, formatDay } from "./dates";
import type { DetailIndex } from "./detail";
import { makeFinding } from "./findings";
import { StageFactsTable, type StageRule, type Tri } from "./lifecycle";
import type { Rules } from "./rules";
import { money, type Customers } from "./tables";
import type { Day, Finding } from "./types";
import { textHas } from "./validate";

const TERMINATED_WORDS = ["终止合作", "已流失", "terminated"];
const COMPETITOR_WORDS = ["竞品", "竞争对手", "competitor"];
const INTEREST_TAG_WORDS = ["意向", "有需求", "interested"];
const INTEREST_CONTENT_WORDS = ["演示", "试用", "报价", "需求", "方案", "预算", "demo", "trial", "quote"];

/** A fact's source in words: zh-CN and en-US, naming the cell (`年度采购总额 120万元(客户分类表!D7)`). */
export interface Evidence {
  zh: string;
  en: string;
}

/** Where a windowed figure came from. */
const From = { Unknown: 0, Column: 1, Detail: 2 } as const;

/** The customer columns that say a customer has bought (DOMAIN.md section 4, "bought / 成交"), in the order checked. */
const BOUGHT_COLUMNS = ["lastOrder", "orders3m", "spend6m", "annualPurchase", "coopStart"] as const;

export interface CustomerFacts {
  /** The stage rules' facts, per customer. */
  stage: StageFactsTable;
  lastInteraction: Float64Array;
  /** Indicator inputs, NaN when unknown. */
  spend6m: Float64Array;
  annual: Float64Array;
  tenureYears: Float64Array;
  margin: Float64Array;
  perMonth: Float64Array;
  /** The source of the fact a stage rule turned on, for the stage reason; null when the rule names none. */
  evidence(c: number, rule: StageRule): Evidence | null;
  /** Fact → the cell or range that decided it (`客户分类表!D7`, `订单!C2:C40`), for the report. */
  sourcesOf(c: number): Record<string, string>;
}

export function gatherFacts(cust: Customers | null, x: DetailIndex, D: Day, rules: Rules, findings: Finding[]): CustomerFacts {
  const n = cust?.length ?? 0;
  const col = (k: string) => cust?.columns.get(k) ?? null;
  const num = (k: string) => col(k)?.num ?? null;
  const str = (k: string) => col(k)?.str ?? null;
  const has = (k: string) => cust?.columns.has(k) ?? false;
  const val = (a: Float64Array | null, c: number) => (a ? a[c] : NaN);
  const { orders, inter, keyDates, oDate, oAmount, oProfit, oCsr, iTime, iFeedback, iContent, iCsr, kType, kDate, kLead, kCsr } = x;

  const lastOrderCol = num("lastOrder");
  const lastInterCol = num("lastInteraction");
  const orders3mCol = num("orders3m");
  const spend6mCol = num("spend6m");
  const annualCol = num("annualPurchase");
  const coopStart = num("coopStart");
  const tenureCol = num("tenure");
  const terminatedOn = num("terminatedOn");
  const contractEnd = num("contractEnd");
  const satisfaction = num("satisfaction");
  const marginCol = num("marginRate");
  const rateCol = num("interactionRate");
  const statusTags = str("statusTags");
  const notes = str("notes");
  const requirement = str("requirement");

  const stableMonths = rules.num("stage.stableMonths");
  const recentFrom = addMonths(D, -stableMonths);
  const threeFrom = addMonths(D, -3);
  const sixFrom = addMonths(D, -6);
  const twelveFrom = addMonths(D, -12);
  const closenessMonths = rules.num("closeness.months");
  const closenessFrom = addMonths(D, -closenessMonths);
  const dropRecent = rules.num("stage.dropRecentDays");
  const dropBase = rules.num("stage.dropBaselineDays");
  const dropRatio = rules.num("stage.dropRatio");
  const competitorFrom = D - rules.num("stage.competitorDays");
  // The orders table covers a window when its earliest row (over all customers) is on or before the window's
  // start: only then does "no order rows" mean "nothing bought" in that window.
  const covers = (from: Day) => orders.present && x.oFirst <= from;

  const boughtSources = orders.present || BOUGHT_COLUMNS.some(has);
  const terminatedSources = has("terminatedOn") || has("statusTags");
  const interestSources = has("statusTags") || has("requirement") || (inter.present && inter.hasCol("content"));
  const competitorSources = has("statusTags") || has("notes") || (inter.present && inter.hasCol("content"));
  const renewalSources = has("contractEnd") || keyDates.present;
  const feedbackKnown = inter.present && inter.hasCol("feedback");

  const stage = new StageFactsTable(n);
  const lastInteraction = new Float64Array(n).fill(NaN);
  const perMonth = new Float64Array(n).fill(NaN);
  const spend6m = new Float64Array(n).fill(NaN);
  const annual = new Float64Array(n).fill(NaN);
  const tenureYears = new Float64Array(n).fill(NaN);
  const margin = new Float64Array(n).fill(NaN);
  // Sources, compactly: the deciding detail row (−1: the column) and where each windowed figure came from.
  const lastOrderRow = new Int32Array(n).fill(-1);
  const lastInterRow = new Int32Array(n).fill(-1);
  const spend6From = new Uint8Array(n);
  const annualFrom = new Uint8Array(n);
  const recentFromWhere = new Uint8Array(n);
  const boughtBy = new Int8Array(n).fill(-1);

  const mismatch = (c: number, key: string, shown: string, other: string, otherEn: string, where: string, whereEn: string, columnWins: boolean) => {
    const place = cust!.cellOf(key, c)!;
    findings.push(makeFinding("DETAIL_MISMATCH", { sheet: place.sheet, row: place.row, column: place.header, address: place.address }, {
      val: shown, other, otherEn, where, whereEn,
      used: columnWins ? "采用此单元格的值" : `采用${where}的值`, usedEn: columnWins ? "this cell's value is used" : `the value from ${whereEn} is used`,
    }));
  };

  for (let c = 0; c < n; c++) {
    // Orders of this customer, ascending by date.
    let oCount = 0, oRecent = 0, o3 = 0, o6 = 0, o6Repeat = 0, spend6 = 0, spend12 = 0, profitSum = 0, profitAmount = 0;
    let firstOrder = NaN, lastOrder = NaN, lastOrderJ = -1;
    for (let k = oCsr.start[c]; k < oCsr.start[c + 1]; k++) {
      const j = oCsr.order[k];
      const d = oDate[j];
      if (Number.isNaN(d)) continue;
      oCount++;
      if (Number.isNaN(firstOrder)) firstOrder = d;
      lastOrder = d;
      lastOrderJ = j;
      const amt = Number.isNaN(oAmount[j]) ? 0 : oAmount[j];
      if (d > recentFrom) oRecent++;
      if (d > threeFrom) o3++;
      if (d > sixFrom) {
        o6++;
        spend6 += amt;
        // A repeat order: the customer has an order on an earlier day, inside or before the window (section 4).
        if (d > firstOrder) o6Repeat++;
      }
      if (d > twelveFrom) spend12 += amt;
      if (!Number.isNaN(oProfit[j]) && !Number.isNaN(oAmount[j])) {
        profitSum += oProfit[j];
        profitAmount += oAmount[j];
      }
    }
    // Interactions of this customer, ascending by time.
    let iRecent = 0, iBase = 0, iCloseness = 0, latestFeedback: string | null = null, iLast = NaN, iLastJ = -1, competitorHit = false, interestHit = false;
    for (let k = iCsr.start[c]; k < iCsr.start[c + 1]; k++) {
      const j = iCsr.order[k];
      const t = iTime[j];
      if (Number.isNaN(t)) continue;
      const d = Math.floor(t);
      iLast = d;
      iLastJ = j;
      latestFeedback = iFeedback[j];
      if (d > D - dropRecent) iRecent++;
      else if (d > D - dropRecent - dropBase) iBase++;
      if (d > closenessFrom) iCloseness++;
      if (d > competitorFrom && textHas(iContent[j], COMPETITOR_WORDS)) competitorHit = true;
      if (textHas(iContent[j], INTEREST_CONTENT_WORDS)) interestHit = true;
    }

    // Latest-event dates: the most recent evidence wins, the column or the detail table's latest row.
    const loCol = val(lastOrderCol, c);
    const lo = later(loCol, lastOrder);
    if (!Number.isNaN(lastOrder) && !(loCol >= lastOrder)) lastOrderRow[c] = lastOrderJ;
    if (!Number.isNaN(loCol) && loCol < lastOrder) {
      mismatch(c, "lastOrder", formatDay(loCol), formatDay(lastOrder), formatDay(lastOrder), `订单${orders.cellAt(lastOrderJ, "date")}`, `the order at ${orders.cellAt(lastOrderJ, "date")}`, false);
    }
    const liCol = val(lastInterCol, c);
    const li = later(liCol, iLast);
    if (!Number.isNaN(iLast) && !(liCol >= iLast)) lastInterRow[c] = iLastJ;
    if (!Number.isNaN(liCol) && liCol < iLast) {
      mismatch(c, "lastInteraction", formatDay(liCol), formatDay(iLast), formatDay(iLast), `维护记录${inter.cellAt(iLastJ, "time")}`, `the interaction at ${inter.cellAt(iLastJ, "time")}`, false);
    }
    lastInteraction[c] = li;

    // Windowed amounts and counts: a filled column is the user's statement and wins; a covering orders table
    // fills a blank one; a filled column more than 1 % off a covering table is reported with both figures.
    const windowed = (key: string, colValue: number, detailValue: number, from: Day, label: string, labelEn: string, fmt: (v: number) => string): { value: number; from: number } => {
      const covered = covers(from);
      if (!Number.isNaN(colValue)) {
        // More than 1 % off the detail table's own figure (section 1), either way.
        if (covered && Math.abs(colValue - detailValue) > 0.01 * Math.abs(detailValue) + 1e-9) {
          const range = orders.columnRange(key === "orders3m" ? "date" : "amount");
          mismatch(c, key, fmt(colValue), fmt(detailValue), fmt(detailValue), `订单表${label}(${range})`, `the orders table's ${labelEn} (${range})`, true);
        }
        return { value: colValue, from: From.Column };
      }
      return covered ? { value: detailValue, from: From.Detail } : { value: NaN, from: From.Unknown };
    };
    const s6 = windowed("spend6m", val(spend6mCol, c), spend6, sixFrom, "近6个月合计", "6-month total", money);
    spend6m[c] = s6.value;
    spend6From[c] = s6.from;
    const s12 = windowed("annualPurchase", val(annualCol, c), spend12, twelveFrom, "近12个月合计", "12-month total", money);
    annual[c] = s12.value;
    annualFrom[c] = s12.from;
    const count = (v: number) => `${v}笔`;
    const r3 = orders3mCol ? windowed("orders3m", val(orders3mCol, c), o3, threeFrom, "近3个月订单数", "3-month order count", count) : { value: NaN, from: From.Unknown };
    let recentOrders: number | null = null;
    if (stableMonths === 3 && r3.from !== From.Unknown) {
      recentOrders = r3.value;
      recentFromWhere[c] = r3.from;
    } else if (covers(recentFrom) || oRecent >= rules.num("stage.stableOrders")) {
      // An orders table that does not reach back to the window's start still proves the orders it holds: a count
      // that already meets the stable rule is known to; a smaller one is not (more orders may be missing).
      recentOrders = oRecent;
      recentFromWhere[c] = From.Detail;
    }

    // Bought: any order row, or a purchase column filled; blank purchase columns without order rows are "no
    // purchase" (Excel users leave zeros blank), and the reason names those cells.
    let bought: Tri = null;
    if (boughtSources) {
      if (oCount > 0) boughtBy[c] = BOUGHT_COLUMNS.length;
      else {
        const k = BOUGHT_COLUMNS.findIndex((key) => {
          const v = val(num(key), c);
          return key === "lastOrder" || key === "coopStart" ? !Number.isNaN(v) : v > 0;
        });
        if (k >= 0) boughtBy[c] = k;
      }
      bought = boughtBy[c] >= 0;
    }
    const tags = statusTags?.[c] ?? null;
    const terminated: Tri = !terminatedSources ? null : !Number.isNaN(val(terminatedOn, c)) || textHas(tags, TERMINATED_WORDS);

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

    const baseRate = iBase / (dropBase / dropRecent);
    const interactionDrop: Tri = inter.present ? baseRate > 0 && iRecent <= (1 - dropRatio) * baseRate + 1e-9 : null;

    stage.set(c, {
      terminated,
      bought,
      lastOrder: Number.isNaN(lo) ? null : lo,
      lastContact: Number.isNaN(later(lo, li)) ? null : later(lo, li),
      careResponse: feedbackKnown ? latestFeedback === "positive" || latestFeedback === "neutral" : null,
      interactionDrop,
      renewalUnanswered,
      competitor: competitorSources ? competitorHit || textHas(tags, COMPETITOR_WORDS) || textHas(notes?.[c], COMPETITOR_WORDS) : null,
      recentOrders,
      repurchase6m: orders.present ? (o6 > 0 ? o6Repeat / o6 : 0) : null,
      satisfaction: satisfaction && !Number.isNaN(satisfaction[c]) ? satisfaction[c] : null,
      interested: interestSources ? textHas(tags, INTEREST_TAG_WORDS) || !!requirement?.[c] || interestHit : null,
    });

    const start = val(coopStart, c);
    tenureYears[c] = !Number.isNaN(start) ? Math.max(0, (D - start) / 365.25) : !Number.isNaN(val(tenureCol, c)) ? val(tenureCol, c) : oCount > 0 ? (D - firstOrder) / 365.25 : NaN;
    margin[c] = !Number.isNaN(val(marginCol, c)) ? val(marginCol, c) : profitAmount > 0 ? profitSum / profitAmount : NaN;
    // The user's own 最近互动频次 wins, as a filled window column does; else the interactions log.
    perMonth[c] = !Number.isNaN(val(rateCol, c)) ? val(rateCol, c) : inter.present ? iCloseness / closenessMonths : NaN;
  }

  const cellText = (key: string, c: number, shown: string): Evidence | null => {
    const p = cust?.cellOf(key, c);
    if (!p) return null;
    return { zh: `${p.header} ${shown}(${p.address})`, en: `${p.header} ${shown} from ${p.address}` };
  };
  const lastOrderEvidence = (c: number): Evidence | null => {
    const j = lastOrderRow[c];
    const d = formatDay(stage.at(c).lastOrder);
    if (j >= 0) return { zh: `订单 ${d}(${orders.cellAt(j, "date")})`, en: `order of ${d} at ${orders.cellAt(j, "date")}` };
    return cellText("lastOrder", c, d);
  };
  const lastInterEvidence = (c: number): Evidence | null => {
    const j = lastInterRow[c];
    const d = formatDay(lastInteraction[c]);
    if (j >= 0) return { zh: `维护记录 ${d}(${inter.cellAt(j, "time")})`, en: `interaction of ${d} at ${inter.cellAt(j, "time")}` };
    return cellText("lastInteraction", c, d);
  };
  const boughtEvidence = (c: number): Evidence | null => {
    const by = boughtBy[c];
    if (by === BOUGHT_COLUMNS.length) return lastOrderEvidence(c);
    if (by >= 0) {
      const key = BOUGHT_COLUMNS[by];
      const v = val(num(key), c);
      return cellText(key, c, key === "lastOrder" || key === "coopStart" ? formatDay(v) : key === "orders3m" ? String(v) : money(v));
    }
    // Not bought: the blank purchase cells and the absence of order rows decided.
    const blanks = BOUGHT_COLUMNS.map((k) => cust?.cellOf(k, c, true)).filter((p): p is NonNullable<typeof p> => !!p);
    const heads = blanks.map((p) => p.header);
    const where = blanks.map((p) => p.address);
    const noOrders = orders.present ? "且订单表中无记录" : "";
    const noOrdersEn = orders.present ? " and no order rows" : "";
    if (blanks.length === 0) return orders.present ? { zh: "订单表中无记录", en: "no order rows" } : null;
    return { zh: `${heads.join("、")}为空或为0${noOrders}(${where.join("、")})`, en: `${heads.join(", ")} blank or 0${noOrdersEn} (${where.join(", ")})` };
  };
  const recentEvidence = (c: number): Evidence | null => {
    if (recentFromWhere[c] === From.Column) return cellText("orders3m", c, String(stage.at(c).recentOrders));
    if (recentFromWhere[c] === From.Detail) {
      const range = orders.columnRange("date");
      return { zh: `订单表(${range})`, en: `the orders table (${range})` };
    }
    return null;
  };

  return {
    stage, lastInteraction, spend6m, annual, tenureYears, margin, perMonth,
    evidence(c, rule) {
      switch (rule) {
        case "churned.noContact": {
          const f = stage.at(c);
          return f.lastOrder !== null && f.lastOrder === f.lastContact ? lastOrderEvidence(c) : lastInterEvidence(c);
        }
        case "atRisk.noOrderNoResponse":
          return lastOrderEvidence(c);
        case "stable.recentOrders":
          return recentEvidence(c);
        case "won.bought":
        case "prospect.basicInfo":
          return boughtEvidence(c);
        default:
          return null;
      }
    },
    sourcesOf(c) {
      const out: Record<string, string> = {};
      const windowSource = (from: number, key: string, range: string) => {
        if (from === From.Column) out[key] = cust!.cellOf(key, c)!.address;
        else if (from === From.Detail && range) out[key] = range;
      };
      if (stage.at(c).lastOrder !== null) out.lastOrder = lastOrderRow[c] >= 0 ? orders.cellAt(lastOrderRow[c], "date") : cust!.cellOf("lastOrder", c)!.address;
      if (!Number.isNaN(lastInteraction[c])) out.lastInteraction = lastInterRow[c] >= 0 ? inter.cellAt(lastInterRow[c], "time") : cust!.cellOf("lastInteraction", c)!.address;
      windowSource(spend6From[c], "spend6m", orders.columnRange("amount"));
      windowSource(annualFrom[c], "annualPurchase", orders.columnRange("amount"));
      if (recentFromWhere[c] === From.Column) out.recentOrders = cust!.cellOf("orders3m", c)!.address;
      else if (recentFromWhere[c] === From.Detail) out.recentOrders = orders.columnRange("date");
      const by = boughtBy[c];
      if (by >= 0) out.bought = by === BOUGHT_COLUMNS.length ? out.lastOrder ?? "" : cust!.cellOf(BOUGHT_COLUMNS[by], c)!.address;
      return out;
    },
  };
}

/** The later of two days, either of which may be unknown (NaN). */
function later(a: number, b: number): number {
  if (Number.isNaN(a)) return b;
  if (Number.isNaN(b)) return a;
  return Math.max(a, b);
}
