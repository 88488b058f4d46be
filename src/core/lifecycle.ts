// Lifecycle stage 周期阶段 (DOMAIN.md section 4): six rules in order, the first that holds wins; a rule whose
// facts are missing is skipped and the missing facts are reported; never a guess.
import { formatDay } from "./dates";
import type { CoopStage, Stage } from "./labels";
import type { Rules } from "./rules";
import type { Day } from "./types";

/** A fact that may be unknown (null) because the workbook has no source for it. */
export type Tri = boolean | null;

/** Facts about one customer as of D, gathered by the pipeline from the customer row and the detail tables. */
export interface StageFacts {
  terminated: Tri;
  bought: Tri;
  /** Latest order day; null when none is known. */
  lastOrder: Day | null;
  /** Latest business contact (order or interaction); null when none is known. */
  lastContact: Day | null;
  /** The latest care contact got a positive or neutral answer (null: no interactions with feedback recorded). */
  careResponse: Tri;
  interactionDrop: Tri;
  renewalUnanswered: Tri;
  competitor: Tri;
  /** Orders in the last `stage.stableMonths` months; null when unknown. */
  recentOrders: number | null;
  /** 6-month repurchase rate; null when there is no Orders table. */
  repurchase6m: number | null;
  satisfaction: number | null;
  interested: Tri;
}

const TRI_KEYS = ["terminated", "bought", "careResponse", "interactionDrop", "renewalUnanswered", "competitor", "interested"] as const;
const NUM_KEYS = ["lastOrder", "lastContact", "recentOrders", "repurchase6m", "satisfaction"] as const;

/**
 * Every customer's stage facts, field by field in typed arrays: a million StageFacts objects cost about 150 MB,
 * these 47 bytes a customer. A number fact is never NaN (null when unknown), so NaN stands for null.
 */
export class StageFactsTable {
  private readonly tri: Int8Array;
  private readonly nums: Float64Array;

  constructor(readonly length: number) {
    this.tri = new Int8Array(length * TRI_KEYS.length);
    this.nums = new Float64Array(length * NUM_KEYS.length);
  }

  set(c: number, f: StageFacts): void {
    for (let k = 0; k < TRI_KEYS.length; k++) {
      const v = f[TRI_KEYS[k]];
      this.tri[c * TRI_KEYS.length + k] = v === null ? -1 : v ? 1 : 0;
    }
    for (let k = 0; k < NUM_KEYS.length; k++) this.nums[c * NUM_KEYS.length + k] = f[NUM_KEYS[k]] ?? NaN;
  }

  /** Customer c's facts as an object (made anew each time). */
  at(c: number): StageFacts {
    const t = (k: number): Tri => {
      const v = this.tri[c * TRI_KEYS.length + k];
      return v < 0 ? null : v === 1;
    };
    const n = (k: number): number | null => {
      const v = this.nums[c * NUM_KEYS.length + k];
      return Number.isNaN(v) ? null : v;
    };
    return {
      terminated: t(0), bought: t(1), careResponse: t(2), interactionDrop: t(3), renewalUnanswered: t(4), competitor: t(5), interested: t(6),
      lastOrder: n(0), lastContact: n(1), recentOrders: n(2), repurchase6m: n(3), satisfaction: n(4),
    };
  }
}

export type StageRule =
  | "churned.terminated"
  | "churned.noContact"
  | "atRisk.noOrderNoResponse"
  | "atRisk.interactionDrop"
  | "atRisk.renewalUnanswered"
  | "atRisk.competitor"
  | "stable.recentOrders"
  | "stable.repurchase"
  | "won.bought"
  | "interested.signal"
  | "prospect.basicInfo"
  | "undetermined";

export interface StageDecision {
  stage: Stage | null;
  rule: StageRule;
  /** Facts that were missing for a rule checked before the deciding one. */
  missingFacts: string[];
  /** Why, in words a manager reads (zh-CN and en-US). */
  reason: string;
  reasonEn: string;
}

const or3 = (...xs: Tri[]): Tri => (xs.some((x) => x === true) ? true : xs.every((x) => x === false) ? false : null);
const and3 = (...xs: Tri[]): Tri => (xs.some((x) => x === false) ? false : xs.every((x) => x === true) ? true : null);

/**
 * One array per distinct list of missing facts, shared by every customer missing the same ones (a million
 * customers' decisions are kept; their lists are a handful). Never changed after: callers copy to add.
 */
const LISTS = new Map<string, string[]>();
export function sharedList(list: string[]): string[] {
  if (list.length === 0) return EMPTY_LIST;
  const key = list.join("\u0000");
  let hit = LISTS.get(key);
  if (hit === undefined) {
    if (LISTS.size > 10_000) LISTS.clear();
    hit = Object.freeze(list.slice()) as string[];
    LISTS.set(key, hit);
  }
  return hit;
}
const EMPTY_LIST = Object.freeze([]) as unknown as string[];

export function decideStage(f: StageFacts, asOf: Day, rules: Rules): StageDecision {
  const missing: string[] = [];
  const miss = (...names: string[]) => names.forEach((n) => !missing.includes(n) && missing.push(n));
  const done = (stage: Stage | null, rule: StageRule, reason: string, reasonEn: string): StageDecision => ({ stage, rule, missingFacts: sharedList(missing), reason, reasonEn });

  // 1. 流失客户
  if (f.terminated === true) return done("churned", "churned.terminated", "已终止合作", "cooperation terminated");
  const churnDays = rules.num("stage.churnDays");
  const noContact: Tri = f.bought === false ? false : f.bought === null || f.lastContact === null ? null : asOf - f.lastContact > churnDays;
  if (noContact === true) {
    const d = asOf - (f.lastContact as number);
    return done("churned", "churned.noContact", `最近业务往来 ${formatDay(f.lastContact)},已 ${d} 天(> ${churnDays} 天)`, `last business contact ${formatDay(f.lastContact)}, ${d} days ago (> ${churnDays})`);
  }
  if (f.terminated === null) miss("terminated");
  if (noContact === null) miss(f.bought === null ? "bought" : "lastContact");

  // 2. 流失风险客户 (has bought)
  if (f.bought !== false) {
    const noOrderDays = rules.num("stage.riskNoOrderDays");
    const noOrder: Tri = f.lastOrder !== null ? asOf - f.lastOrder > noOrderDays : null;
    const a = and3(noOrder, f.careResponse === null ? null : !f.careResponse);
    const any = or3(a, f.interactionDrop, f.renewalUnanswered, f.competitor);
    if (any === true && f.bought === true) {
      if (a === true) {
        const d = asOf - (f.lastOrder as number);
        return done("atRisk", "atRisk.noOrderNoResponse", `${d} 天未下单(> ${noOrderDays} 天)且未回应关怀`, `no order for ${d} days (> ${noOrderDays}) and no response to care`);
      }
      if (f.interactionDrop === true) return done("atRisk", "atRisk.interactionDrop", `互动频次下降 ≥ ${pct(rules.num("stage.dropRatio"))}`, `interactions fell by ${pct(rules.num("stage.dropRatio"))} or more`);
      if (f.renewalUnanswered === true) return done("atRisk", "atRisk.renewalUnanswered", "续约提醒未获回应", "renewal reminder unanswered");
      return done("atRisk", "atRisk.competitor", "记录到竞品接触", "competitor contact recorded");
    }
    if (f.bought === null && any !== false) miss("bought");
    if (a === null) miss(noOrder === null ? "lastOrder" : "careResponse");
    if (f.interactionDrop === null) miss("interactionTrend");
    if (f.renewalUnanswered === null) miss("renewal");
    if (f.competitor === null) miss("competitor");
  }

  // 3. 稳定客户
  const stableOrders = rules.num("stage.stableOrders");
  const byOrders: Tri = f.recentOrders === null ? null : f.recentOrders >= stableOrders;
  const byRepurchase = and3(f.repurchase6m === null ? null : f.repurchase6m >= rules.num("stage.stableRepurchase") - 1e-12, f.satisfaction === null ? null : f.satisfaction >= rules.num("stage.stableSatisfaction"));
  if (byOrders === true) return done("stable", "stable.recentOrders", `近${rules.num("stage.stableMonths")}个月 ${f.recentOrders} 笔订单(≥ ${stableOrders})`, `${f.recentOrders} orders in the last ${rules.num("stage.stableMonths")} months (≥ ${stableOrders})`);
  if (byRepurchase === true) return done("stable", "stable.repurchase", `近6个月复购率 ${pct(f.repurchase6m as number)},满意度 ${f.satisfaction}`, `6-month repurchase ${pct(f.repurchase6m as number)}, satisfaction ${f.satisfaction}`);
  if (f.bought !== false) {
    if (byOrders === null) miss("recentOrders");
    if (byRepurchase === null) miss(f.repurchase6m === null ? "repurchase" : "satisfaction");
  }

  // 4. 成交客户
  if (f.bought === true) return done("won", "won.bought", "已有成交(订单、合同或首付款)", "has bought (order, contract or first payment)");
  // 5. 意向客户
  if (f.interested === true) return done("interested", "interested.signal", "有演示/试用/需求/报价等意向信号", "demo, trial, requirement or quote recorded");
  // 6. 潜在客户: only when we know the customer has not bought.
  if (f.bought === false) {
    if (f.interested === null) miss("interest");
    return done("prospect", "prospect.basicInfo", "仅登记基础信息,尚无意向或成交", "basic information only, no interest or purchase yet");
  }
  miss("bought");
  return done(null, "undetermined", "缺少判定所需信息", "not enough facts to decide");
}

/** The 分类表 cooperation stage 合作阶段: churn after a year (coop.churnDays) without cooperation. */
export function decideCoopStage(f: StageFacts, asOf: Day, rules: Rules): CoopStage | null {
  if (f.terminated === true) return "churned";
  const last = f.lastOrder ?? f.lastContact;
  if (f.bought === true && last !== null && asOf - last > rules.num("coop.churnDays")) return "churned";
  if (f.bought === true) return "won";
  if (f.interested === true) return "interested";
  if (f.bought === false) return "prospect";
  return null;
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}
