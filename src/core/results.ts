// Stage 4 of the pipeline: from each customer's facts to its stage, score and tier, classification, follow-up,
// warnings and reminders (DOMAIN.md sections 4–7), as the report contract of section 10.
import { clvOfOrders, type Clv, type ClvFigures } from "./clv";
import { closenessOf, coreTagsOf, gradeFromTier, quadrantsOf, riskLevelOf, topShare, valueTierOf } from "./classify";
import { addMonths, formatDay } from "./dates";
import type { DetailIndex } from "./detail";
import type { CustomerFacts } from "./facts";
import { nextFollowUpOf, remindersOf, warningsOf, type Reminder } from "./followup";
import {
  CLOSENESS_LABEL, CORE_TAG_LABEL, COOP_STAGE_LABEL, QUADRANT_LABEL, RISK_LABEL, STAGE_ACTION, STAGE_LABEL, TIER_LABEL, TIER_TRACKING, UNDETERMINED, VALUE_TIER_LABEL,
  type CoopStage, type Grade, type KeyDateType, type Stage, type Tier,
} from "./labels";
import { decideCoopStage, decideStage, sharedList, type StageDecision, type StageRule } from "./lifecycle";
import { scoreRfm } from "./rfm";
import type { Rules } from "./rules";
import { INDICATORS, scorePopulation, tierCuts, tierOf, type IndicatorStats, type ScoreResult, type TierCuts } from "./scoring";
import type { History } from "./history";
import type { Customers } from "./tables";
import type { Day } from "./types";

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
  /** Where the customer's results are written: its row in the first customers table it appears in. */
  sheet: string;
  row: number;
  stage: string;
  stageKey: Stage | null;
  stageRule: StageRule;
  /** Why, naming the cell that decided (`已有成交:年度采购总额 120万元(客户分类表!D7)`). */
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
  /** P(alive), expected purchases and value over the horizon (DOMAIN.md section 8b); null without orders or a fit. */
  bgnbd: ClvFigures | null;
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
  /** Fact → the cell or range that decided it: `{annualPurchase: "客户分类表!D7", lastOrder: "订单!B12"}`. */
  sources: Record<string, string>;
}

/** Stages whose customers are active buyers: the population tier quantiles are cut on (section 5). */
const ACTIVE_BUYER: ReadonlySet<Stage | null> = new Set<Stage | null>(["won", "stable", "atRisk"]);
/** Fewer active buyers than this: the cut points come from every scored customer. */
const MIN_CALIBRATION = 5;

export interface Decided {
  /** Each customer's stage (its reason is worked out again when asked for: a million reasons are not kept). */
  stages: (Stage | null)[];
  scoring: { stats: IndicatorStats[]; missing: string[] };
  /** The score tiers' cut points in force (quantile or fixed bands), null when nobody is scored. */
  tierCuts: TierCuts | null;
  /** Customer c's results, computed from the columns (the same every time it is asked). */
  customerAt(c: number): CustomerResult;
  /** Customer c's stage and its reason alone (what CustomerResult says of them), without the rest. */
  stageAt(c: number): StageOutcome;
  /** The BG/NBD and Gamma-Gamma fits over the book's orders, made on first ask (validation never needs them). */
  clv(): Clv;
}

/** The stage part of a CustomerResult. */
export type StageOutcome = Pick<CustomerResult, "stage" | "stageKey" | "stageReason" | "stageReasonEn" | "recordedStage">;

/**
 * Each customer's value and potential points (the sums of their indicators' points) give the 高潜力 tag (top
 * share of potential) and the value–potential quadrant. Worked out here so the two sums are let go after.
 */
function valueAndPotential(scored: ScoreResult, n: number, rules: Rules): { potentialTop: ArrayLike<boolean>; quadrants: ArrayLike<string | null> } {
  const valuePts = new Float64Array(n);
  const potentialPts = new Float64Array(n);
  INDICATORS.forEach((d, k) => {
    const sum = d.dimension === "value" ? valuePts : d.dimension === "potential" ? potentialPts : null;
    if (sum !== null) for (let c = 0; c < n; c++) sum[c] += scored.pointAt(k, c);
  });
  const potentialKnown = scored.stats.some((s) => (s.key === "growth" || s.key === "sizeFit") && s.weight > 0);
  const valueKnown = scored.stats.some((s) => INDICATORS.find((d) => d.key === s.key)!.dimension === "value" && s.weight > 0);
  return {
    potentialTop: potentialKnown ? topShare(potentialPts, rules.num("tag.potentialTop")) : new Array<boolean>(n).fill(false),
    quadrants: valueKnown && potentialKnown ? quadrantsOf(valuePts, potentialPts) : new Array<string | null>(n).fill(null),
  };
}

export function decideCustomers(cust: Customers | null, facts: CustomerFacts, x: DetailIndex, D: Day, rules: Rules, history: History | null = null, churnModel = true): Decided {
  const n = cust?.length ?? 0;
  const num = (k: string) => cust?.columns.get(k)?.num ?? null;
  const str = (k: string) => cust?.columns.get(k)?.str ?? null;
  const has = (k: string) => cust?.columns.has(k) ?? false;
  const { inter, iTime, iCsr, tCreated, tStatus, tCsr, kType, kDate, kLead, kCsr, oDate, oAmount, oCsr, orders } = x;

  // ── stage ──
  // Only the stage is kept: the decision (its rule and reasons, about 100 bytes a customer) is made again from the
  // same facts when a customer's results or a STAGE_STALE finding asks for it (decisionAt).
  const stages: (Stage | null)[] = [];
  const coop: (CoopStage | null)[] = [];
  for (let c = 0; c < n; c++) {
    const f = facts.stage.at(c);
    stages.push(decideStage(f, D, rules).stage);
    coop.push(decideCoopStage(f, D, rules));
  }
  const decisionAt = (c: number, f = facts.stage.at(c)): StageDecision => decideStage(f, D, rules);

  // ── score and tier ──
  const complaintsCol = has("complaintRate") ? num("complaintRate")! : num("complaints");
  const nan = () => new Float64Array(n).fill(NaN);
  const scored = scorePopulation([
    facts.spend6m, facts.tenureYears, facts.margin, facts.perMonth, complaintsCol ?? nan(), num("usageDepth") ?? nan(), num("industryGrowth") ?? nan(), num("sizeFit") ?? nan(),
  ], rules);
  // The calibration scores: the active buyers', else everyone's (held in typed arrays, not grown a push at a time).
  const active = new Float64Array(n);
  const everyone = new Float64Array(n);
  let nActive = 0;
  let nEveryone = 0;
  for (let c = 0; c < n; c++) {
    if (Number.isNaN(scored.score[c])) continue;
    everyone[nEveryone++] = scored.score[c];
    if (ACTIVE_BUYER.has(stages[c])) active[nActive++] = scored.score[c];
  }
  const cuts = tierCuts(nActive >= MIN_CALIBRATION ? active.subarray(0, nActive) : everyone.subarray(0, nEveryone), rules);
  const { potentialTop, quadrants } = valueAndPotential(scored, n, rules);

  // ── RFM over customers with at least one order in the window ──
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

  // ── churn probability and lifetime value (section 8b): fitted once, when first asked ──
  let fitted: Clv | undefined;
  const clv = () => (fitted ??= clvOfOrders(n, oCsr, oDate, oAmount, D, rules.num("bgnbd.horizonDays"), rules.num("bgnbd.minRepeat")));

  // ── per customer ──
  const ids = str("id");
  const names = str("name");
  const recorded = str("recordedStage") as (Stage | null)[] | null;
  const customerGrade = str("customerGrade") as (Grade | null)[] | null;
  const potentialGrade = str("potentialGrade") as (Grade | null)[] | null;
  const firstContact = num("firstContact");
  const stageEntered = num("stageEntered");
  const contractEnd = num("contractEnd");
  const birthday = num("birthday");
  const val = (a: Float64Array | null, c: number) => (a ? a[c] : NaN);
  const recoveryFrom = D - rules.num("warn.recoveryDays");
  // Tag 待激活: no interaction in the last tag.inactiveMonths.
  const inactiveFrom = addMonths(D, -rules.num("tag.inactiveMonths"));
  const interactionKnown = inter.present || has("lastInteraction");

  /** Customer c's stage, its reason and the stage recorded in the book: what a STAGE_STALE finding quotes. */
  const stageAt = (c: number): StageOutcome => {
    const dec = decisionAt(c);
    const why = facts.evidence(c, dec.rule);
    const rec = recorded?.[c] ?? null;
    return {
      stage: dec.stage ? STAGE_LABEL[dec.stage].zh : UNDETERMINED,
      stageKey: dec.stage,
      stageReason: why ? `${dec.reason}:${why.zh}` : dec.reason,
      stageReasonEn: why ? `${dec.reasonEn}: ${why.en}` : dec.reasonEn,
      recordedStage: rec ? STAGE_LABEL[rec].zh : null,
    };
  };

  const customerAt = (c: number): CustomerResult => {
    const home = cust!.homeRow(c);
    const f = facts.stage.at(c);
    const dec = decisionAt(c, f);
    const stage = dec.stage;
    const score = scored.score[c];
    const tier: Tier | null = tierOf(score, cuts);
    const grade: Grade | null = customerGrade?.[c] ?? gradeFromTier(tier);
    const lastInteraction = facts.lastInteraction[c];
    const fu = nextFollowUpOf({ stage, grade, lastInteraction: nanToNull(lastInteraction), firstContact: nanToNull(val(firstContact, c)) }, D, rules);
    const actionDays: number[] = [];
    for (let k = iCsr.start[c]; k < iCsr.start[c + 1]; k++) actionDays.push(Math.floor(iTime[iCsr.order[k]]));
    let hasPlan = false;
    for (let k = tCsr.start[c]; k < tCsr.start[c + 1]; k++) {
      const j = tCsr.order[k];
      if (!Number.isNaN(tCreated[j])) actionDays.push(tCreated[j]);
      if ((tStatus[j] !== "done" && tStatus[j] !== null) || tCreated[j] >= recoveryFrom) hasPlan = true;
    }
    const recordedStage = recorded?.[c] ?? null;
    // The day a customer entered its score tier comes from the history sheet (section 8a). Its first rows say only
    // that the customer already had the tier that day (entered then or before): enough once warn.recoveryDays have
    // passed since, else W7 is not evaluated and the missing fact is listed, never guessed.
    const tierIn = history && tier ? history.entered(c, "tier", TIER_LABEL[tier].zh, D) : null;
    const tierEntered: Day | null = tierIn && (tierIn.exact || D - tierIn.day > rules.num("warn.recoveryDays")) ? tierIn.day : null;
    // The stage's entry day, only where the history recorded the move itself (W2 counts actions from that day).
    const stageIn = history && stage ? history.entered(c, "stage", STAGE_LABEL[stage].zh, D) : null;
    const warnings = warningsOf({
      stage, recordedStage, stageEntered: nanToNull(val(stageEntered, c)), historyStageEntered: stageIn?.exact ? stageIn.day : null, lastOrder: f.lastOrder, careResponse: f.careResponse,
      interactionDrop: f.interactionDrop, overdue: fu.overdue, tier, tierEntered, actionDays, hasRecoveryPlan: hasPlan,
    }, D, rules);
    const missingFacts = tier === "watch" && tierEntered === null ? sharedList([...dec.missingFacts, "tierEntered"]) : dec.missingFacts;
    const inactive = interactionKnown && stage !== "churned" && !(lastInteraction > inactiveFrom);
    const risk = riskLevelOf({ stage, warnings, inactive, overdue: fu.overdue, tier });
    const closeness = closenessOf(facts.perMonth[c], rules);
    const tags = coreTagsOf({ inactive, stage, risk, tenureYears: facts.tenureYears[c], closeness, potentialGrade: potentialGrade?.[c] ?? null, potentialTop: potentialTop[c] }, rules);
    const dates: { type: KeyDateType; date: Day; leadDays: number | null }[] = [];
    if (!Number.isNaN(val(contractEnd, c))) dates.push({ type: "contractEnd", date: val(contractEnd, c), leadDays: null });
    if (!Number.isNaN(val(birthday, c))) dates.push({ type: "birthday", date: val(birthday, c), leadDays: null });
    for (let k = kCsr.start[c]; k < kCsr.start[c + 1]; k++) {
      const j = kCsr.order[k];
      if (kType[j] && !Number.isNaN(kDate[j])) dates.push({ type: kType[j] as KeyDateType, date: kDate[j], leadDays: nanToNull(kLead[j]) });
    }
    const parts: Record<string, number> = {};
    INDICATORS.forEach((d, k) => {
      if (scored.stats[k].weight > 0) parts[d.key] = Math.round(scored.pointAt(k, c) * 100) / 100;
    });
    const coopStage: CoopStage | null = coop[c];
    const st = stageAt(c);
    const valueTier = valueTierOf(facts.annual[c], rules);
    return {
      id: ids?.[c] ?? "",
      name: names?.[c] ?? "",
      sheet: home.sheet,
      row: home.row,
      stage: st.stage,
      stageKey: stage,
      stageRule: dec.rule,
      stageReason: st.stageReason,
      stageReasonEn: st.stageReasonEn,
      missingFacts,
      recordedStage: st.recordedStage,
      coopStage: coopStage ? COOP_STAGE_LABEL[coopStage].zh : UNDETERMINED,
      score: Number.isNaN(score) ? null : score,
      scoreParts: parts,
      tier: tier ? TIER_LABEL[tier].zh : null,
      valueTier: valueTier ? VALUE_TIER_LABEL[valueTier].zh : null,
      closeness: closeness ? CLOSENESS_LABEL[closeness].zh : null,
      tags: tags.map((t) => CORE_TAG_LABEL[t].zh),
      riskLevel: RISK_LABEL[risk].zh,
      grade,
      rfm: rfmOf.get(c) ?? null,
      bgnbd: churnModel ? clv().at(c) : null,
      quadrant: quadrants[c] ? QUADRANT_LABEL[quadrants[c] as keyof typeof QUADRANT_LABEL].zh : null,
      nextFollowUp: fu.next === null ? null : formatDay(fu.next),
      overdue: fu.overdue,
      warnings,
      reminders: remindersOf(dates, D, rules),
      nextAction: stage ? STAGE_ACTION[stage].zh : null,
      tracking: tier ? TIER_TRACKING[tier].zh : null,
      owner: str("owner")?.[c] ?? null,
      industry: str("industry")?.[c] ?? null,
      size: str("size")?.[c] ?? null,
      annualPurchase: nanToNull(facts.annual[c]),
      churnReason: str("churnReason")?.[c] ?? null,
      sources: facts.sourcesOf(c),
    };
  };
  return { stages, scoring: { stats: scored.stats, missing: scored.missing }, tierCuts: cuts, customerAt, stageAt, clv };
}

function nanToNull(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}
