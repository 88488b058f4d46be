// The review aggregates 复盘 (DOMAIN.md section 8) as plain data: every face renders them its own way
// (PivotTables in Excel, formatted tables from the command line, numbers in --json).
import { formatDay, ymdFromDay } from "./dates";
import { cmp } from "./findings";
import { STAGE_LABEL, STAGES, TIER_LABEL, UNDETERMINED, VALUE_TIER_LABEL, type Stage } from "./labels";
import type { CustomerResult, PipelineResult } from "./pipeline";
import { maskText } from "./privacy";
import { RFM_OTHERS, RFM_SEGMENTS } from "./rfm";
import { splitList } from "./parse";
import type { BgnbdReport, GammaGammaReport } from "./clv";

export interface FunnelStep {
  from: string;
  to: string;
  reachedFrom: number;
  reachedTo: number;
  /** reachedTo / reachedFrom; null when nobody reached the first step. */
  rate: number | null;
}

export interface GanttRow {
  task: string;
  strategy: string | null;
  owner: string | null;
  start: string | null;
  due: string | null;
  completedOn: string | null;
  status: string | null;
  /** Done after the due date, or not done and past due. */
  late: boolean;
  sheet: string;
  row: number;
}

export interface ReviewData {
  asOf: string;
  customers: number;
  stageCounts: { stage: string; count: number }[];
  funnel: FunnelStep[];
  /** 成交 → 稳定: customers that reached 稳定 over those that reached 成交. */
  retention: number | null;
  /** Churned over customers that ever bought. */
  churnRate: number | null;
  churnReasonsTop3: { reason: string; count: number }[];
  /** rows: industry; columns: value tiers; counts. */
  industryByValueTier: { industry: string; counts: Record<string, number>; total: number }[];
  ownerByStage: { owner: string; counts: Record<string, number>; total: number }[];
  highValue: { threshold: number; count: number; byIndustry: { key: string; count: number }[]; bySize: { key: string; count: number }[] };
  followUp: {
    interactions: number;
    perCustomer: number | null;
    tasks: number;
    tasksDone: number;
    completionRate: number | null;
    overdueTasks: number;
    overdueFollowUps: number;
    byOwner: { owner: string; customers: number; interactions: number; tasks: number; done: number; overdue: number }[];
  };
  tierCounts: { tier: string; count: number }[];
  rfmSegmentCounts: { segment: string; segmentEn: string; count: number }[];
  /** Customers by RFM recency score (rows R = 5 … 1) and frequency score (counts[f − 1], F = 1 … 5). */
  rfmGrid: { r: number; counts: number[] }[];
  plan: { tasks: number; done: number; completionRate: number | null; overdue: number; gantt: GanttRow[] };
  /**
   * The twelve months up to the as-of date's (YYYY-MM, oldest first): customers first contacted (new), become
   * customers (won) and churned in each, by the days pipeline.ts customerMoves reads from the book.
   */
  monthly: { month: string; new: number; won: number; atRisk: number; churned: number }[];
  /**
   * Customers whose day of a move the book does not give (counted in no month): never contacted on record, won or
   * churned without a date, at risk now without a move the history sheet recorded.
   */
  monthlyUndated: { new: number; won: number; atRisk: number; churned: number };
  /**
   * Churn probability and lifetime value (section 8b): the fits (or the reason there are none), customers by
   * P(alive) in tenths (0–10 % … 90–100 %), and those the day-count rules still call active (not 流失风险 or 流失)
   * whose P(alive) is below LIKELY_LOST_BELOW: `likelyLostCount` of them, the lowest LIKELY_LOST_SHOWN listed.
   */
  clv: { bgnbd: BgnbdReport; gammaGamma: GammaGammaReport; pAliveBins: number[]; likelyLost: LikelyLost[]; likelyLostCount: number };
}

/** How many months the monthly moves cover, ending with the as-of date's. */
export const MONTHLY_MONTHS = 12;

/** Funnel step index reached: at risk and churned customers had reached 成交 (index 2). */
const REACHED: Record<Stage, number> = { prospect: 0, interested: 1, won: 2, stable: 3, atRisk: 2, churned: 2 };
const NONE = "(未填写)";

/**
 * User text the review shows (industries, sizes, owners, churn reasons, plan tasks): the review is a report
 * (`crm review --json`, the review sheets), so full phone numbers and USCCs in it are masked (privacy.ts maskText).
 */
const shown = (s: string | null): string | null => (s === null ? null : maskText(s));

/** What the review reads of a customer's results: a million customers' whole results would take gigabytes. */
type ReviewCustomer = Pick<CustomerResult, "stage" | "stageKey" | "churnReason" | "industry" | "valueTier" | "owner" | "annualPurchase" | "size" | "tier" | "overdue"> & {
  rfm: { segment: string; r: number; f: number } | null;
  pAlive: number | null;
};

const reviewCustomer = (c: CustomerResult): ReviewCustomer => ({
  stage: c.stage, stageKey: c.stageKey, churnReason: c.churnReason, industry: c.industry, valueTier: c.valueTier, owner: c.owner,
  annualPurchase: c.annualPurchase, size: c.size, tier: c.tier, overdue: c.overdue, rfm: c.rfm === null ? null : { segment: c.rfm.segment, r: c.rfm.r, f: c.rfm.f },
  pAlive: c.bgnbd?.pAlive ?? null,
});

/** Customers the likely-lost list shows at most (the lowest P(alive) first). */
export const LIKELY_LOST_SHOWN = 20;
/** Below this P(alive), a customer the day-count rules still call active is counted as likely lost. */
export const LIKELY_LOST_BELOW = 0.5;

/** A customer the model thinks probably gone while the stage rules still call it active (DOMAIN.md section 8b). */
export interface LikelyLost {
  id: string;
  name: string;
  stage: string;
  owner: string | null;
  pAlive: number;
  repeatPurchases: number;
  daysSinceLastPurchase: number;
  clv: number | null;
}

/** The review of a pipeline's results, kept (`customers`) or made one customer at a time (`"onDemand"`). */
export function buildReview(res: PipelineResult): ReviewData {
  // Kept while the customers pass: the likely lost (the lowest P(alive) among customers still called active).
  const lost: LikelyLost[] = [];
  let likelyLostCount = 0;
  const pAliveBins = new Array<number>(10).fill(0);
  const cs: ReviewCustomer[] = Array.from({ length: res.summary.rows }, (_, i) => {
    const c = res.customers[i] ?? res.customerAt(i);
    const f = c.bgnbd;
    if (f) {
      pAliveBins[Math.min(9, Math.floor(f.pAlive * 10))]++;
      if (c.stageKey !== "atRisk" && c.stageKey !== "churned" && f.pAlive < LIKELY_LOST_BELOW) {
        likelyLostCount++;
        const worst = lost[lost.length - 1];
        if (lost.length < LIKELY_LOST_SHOWN || f.pAlive < worst.pAlive || (f.pAlive === worst.pAlive && (f.clv ?? -1) > (worst.clv ?? -1))) {
          lost.push({ id: maskText(c.id), name: maskText(c.name), stage: c.stage, owner: shown(c.owner), pAlive: f.pAlive, repeatPurchases: f.repeatPurchases, daysSinceLastPurchase: f.daysSinceLastPurchase, clv: f.clv });
          // Lowest P(alive) first; among equals, the most value to lose first, then the book's order.
          lost.sort((a, b) => a.pAlive - b.pAlive || (b.clv ?? -1) - (a.clv ?? -1));
          if (lost.length > LIKELY_LOST_SHOWN) lost.pop();
        }
      }
    }
    return reviewCustomer(c);
  });
  const fits = res.clv();
  const D = Date.parse(res.asOf) / 86_400_000;
  const stageCounts = [...STAGES.map((s) => STAGE_LABEL[s].zh), UNDETERMINED].map((stage) => ({ stage, count: cs.filter((c) => c.stage === stage).length }));

  const reached = [0, 0, 0, 0];
  for (const c of cs) if (c.stageKey) for (let k = 0; k <= REACHED[c.stageKey]; k++) reached[k]++;
  const funnelStages: Stage[] = ["prospect", "interested", "won", "stable"];
  const funnel: FunnelStep[] = [0, 1, 2].map((k) => ({
    from: STAGE_LABEL[funnelStages[k]].zh, to: STAGE_LABEL[funnelStages[k + 1]].zh, reachedFrom: reached[k], reachedTo: reached[k + 1], rate: ratio(reached[k + 1], reached[k]),
  }));
  const churned = cs.filter((c) => c.stageKey === "churned").length;

  // Churn reasons from churned customers' 流失原因 and the 流失原因 of their follow-up tasks, each reason counted
  // once per customer (decision: TOP 3 ranks how many customers a reason lost, not how often it was written).
  const reasons = new Map<string, number>();
  const perCustomer = new Map<number, Set<string>>();
  const add = (key: number, text: string | null) => {
    if (!text) return;
    let set = perCustomer.get(key);
    if (!set) perCustomer.set(key, (set = new Set()));
    for (const r of splitList(text)) set.add(maskText(r));
  };
  // Over churned customers only (DOMAIN.md section 8): a won customer's task that notes a 流失原因 lost nobody.
  cs.forEach((c, i) => c.stageKey === "churned" && add(i, c.churnReason));
  res.detail.tasks.forEach((t) => t.customer >= 0 && cs[t.customer]?.stageKey === "churned" && add(t.customer, t.churnReason));
  for (const set of perCustomer.values()) for (const r of set) reasons.set(r, (reasons.get(r) ?? 0) + 1);
  const churnReasonsTop3 = [...reasons.entries()].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).slice(0, 3).map(([reason, count]) => ({ reason, count }));

  const valueTiers = [...Object.values(VALUE_TIER_LABEL).map((l) => l.zh), NONE];
  const industryByValueTier = crossCount(cs, (c) => shown(c.industry) ?? NONE, (c) => c.valueTier ?? NONE, valueTiers).map(({ key, counts, total }) => ({ industry: key, counts, total }));
  const stageNames = [...STAGES.map((s) => STAGE_LABEL[s].zh), UNDETERMINED];
  const ownerByStage = crossCount(cs, (c) => shown(c.owner) ?? NONE, (c) => c.stage, stageNames).map(({ key, counts, total }) => ({ owner: key, counts, total }));

  const threshold = res.rules.num("review.highValue");
  const hv = cs.filter((c) => c.annualPurchase !== null && c.annualPurchase > threshold);
  const highValue = { threshold, count: hv.length, byIndustry: countBy(hv, (c) => shown(c.industry) ?? NONE), bySize: countBy(hv, (c) => shown(c.size) ?? NONE) };

  const tasks = res.detail.tasks;
  const done = tasks.filter((t) => t.status === "done").length;
  const overdueTask = (t: (typeof tasks)[number]) => t.status !== "done" && !Number.isNaN(t.due) && t.due < D;
  const owners = new Map<string, { owner: string; customers: number; interactions: number; tasks: number; done: number; overdue: number }>();
  const ownerRow = (o: string | null) => {
    const k = shown(o) ?? NONE;
    let r = owners.get(k);
    if (!r) owners.set(k, (r = { owner: k, customers: 0, interactions: 0, tasks: 0, done: 0, overdue: 0 }));
    return r;
  };
  cs.forEach((c, i) => {
    const r = ownerRow(c.owner);
    r.customers++;
    r.interactions += res.detail.interactionsPerCustomer[i] ?? 0;
  });
  for (const t of tasks) {
    const r = ownerRow(t.owner ?? (t.customer >= 0 ? cs[t.customer].owner : null));
    r.tasks++;
    if (t.status === "done") r.done++;
    if (overdueTask(t)) r.overdue++;
  }

  const tierNames = [...Object.values(TIER_LABEL).map((l) => l.zh)];
  const tierCounts = tierNames.map((tier) => ({ tier, count: cs.filter((c) => c.tier === tier).length }));
  const rfmSegmentCounts = [...RFM_SEGMENTS, RFM_OTHERS].map((s) => ({ segment: s.zh, segmentEn: s.en, count: cs.filter((c) => c.rfm?.segment === s.zh).length }));
  const rfmGrid = [5, 4, 3, 2, 1].map((r) => ({ r, counts: [0, 0, 0, 0, 0] }));
  for (const c of cs) if (c.rfm && c.rfm.r >= 1 && c.rfm.r <= 5 && c.rfm.f >= 1 && c.rfm.f <= 5) rfmGrid[5 - c.rfm.r].counts[c.rfm.f - 1]++;

  const plan = res.detail.plan;
  const planDone = plan.filter((p) => p.status === "done" || !Number.isNaN(p.completedOn)).length;
  const gantt: GanttRow[] = plan.map((p) => {
    const isDone = p.status === "done" || !Number.isNaN(p.completedOn);
    const late = isDone ? !Number.isNaN(p.completedOn) && !Number.isNaN(p.due) && p.completedOn > p.due : !Number.isNaN(p.due) && p.due < D;
    return {
      task: maskText(p.task), strategy: shown(p.strategy), owner: shown(p.owner), start: day(p.start), due: day(p.due), completedOn: day(p.completedOn),
      status: p.status ?? (isDone ? "done" : null), late, sheet: p.sheet, row: p.row,
    };
  });

  // Monthly moves: each customer's day of first contact, of becoming a customer and of churning, by month.
  const { year, month } = ymdFromDay(D);
  const months = Array.from({ length: MONTHLY_MONTHS }, (_, k) => {
    const m = year * 12 + (month - 1) - (MONTHLY_MONTHS - 1 - k);
    return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
  });
  const monthIndex = new Map(months.map((m, k) => [m, k]));
  const monthly = months.map((m) => ({ month: m, new: 0, won: 0, atRisk: 0, churned: 0 }));
  const monthlyUndated = { new: 0, won: 0, atRisk: 0, churned: 0 };
  const moves = res.detail.moves;
  const count = (d: number, key: "new" | "won" | "atRisk" | "churned") => {
    if (Number.isNaN(d)) return void monthlyUndated[key]++;
    const k = monthIndex.get(formatDay(d).slice(0, 7));
    if (k !== undefined) monthly[k][key]++;
  };
  cs.forEach((c, i) => {
    count(moves.firstContact[i], "new");
    if (c.stageKey !== null && REACHED[c.stageKey] >= 2) count(moves.won[i], "won");
    // At risk: each customer's latest recorded move into it, whatever its stage now; one at risk now without one is undated.
    if (c.stageKey === "atRisk" || !Number.isNaN(moves.atRisk[i])) count(moves.atRisk[i], "atRisk");
    if (c.stageKey === "churned") count(moves.churned[i], "churned");
  });

  return {
    asOf: res.asOf,
    customers: cs.length,
    stageCounts,
    funnel,
    retention: ratio(reached[3], reached[2]),
    churnRate: ratio(churned, reached[2]),
    churnReasonsTop3,
    industryByValueTier,
    ownerByStage,
    highValue,
    followUp: {
      interactions: res.detail.interactionCount,
      perCustomer: ratio(res.detail.interactionCount, cs.length),
      tasks: tasks.length,
      tasksDone: done,
      completionRate: ratio(done, tasks.length),
      overdueTasks: tasks.filter(overdueTask).length,
      overdueFollowUps: cs.filter((c) => c.overdue).length,
      byOwner: [...owners.values()].sort((a, b) => cmp(a.owner, b.owner)),
    },
    tierCounts,
    rfmSegmentCounts,
    rfmGrid,
    plan: { tasks: plan.length, done: planDone, completionRate: ratio(planDone, plan.length), overdue: gantt.filter((g) => g.late && g.completedOn === null).length, gantt },
    monthly,
    monthlyUndated,
    clv: { bgnbd: fits.bgnbd, gammaGamma: fits.gammaGamma, pAliveBins, likelyLost: lost, likelyLostCount },
  };
}

function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

function day(d: number): string | null {
  return Number.isNaN(d) ? null : formatDay(d);
}

function countBy<T>(xs: readonly T[], key: (x: T) => string): { key: string; count: number }[] {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).map(([key, count]) => ({ key, count }));
}

function crossCount<T>(xs: readonly T[], row: (x: T) => string, col: (x: T) => string, cols: readonly string[]): { key: string; counts: Record<string, number>; total: number }[] {
  const m = new Map<string, Record<string, number>>();
  for (const x of xs) {
    const r = row(x);
    let counts = m.get(r);
    if (!counts) m.set(r, (counts = Object.fromEntries(cols.map((c) => [c, 0]))));
    const c = col(x);
    counts[c] = (counts[c] ?? 0) + 1;
  }
  return [...m.entries()]
    .map(([key, counts]) => ({ key, counts, total: Object.values(counts).reduce((s, v) => s + v, 0) }))
    .sort((a, b) => b.total - a.total || cmp(a.key, b.key));
}
