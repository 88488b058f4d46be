// The pane's dashboard after validate or apply: counts by stage (the funnel), by tier, the customers at risk of
// churning with the reason that put them there, overdue follow-ups and findings by severity. Computed from the
// engine's results in memory (no extra round trip to Excel); the pane only draws it.
import { LIKELY_LOST_BELOW, maskText, quoteSheet, STAGE_LABEL, STAGES, TIER_LABEL, UNDETERMINED, type CustomerResult, type PipelineResult } from "../core";
import type { Dashboard, DashboardCustomer, TimelineEntry } from "./types";

/** Customers listed by name at most (the counts cover everyone): a pane list longer than this helps no one. */
export const DASHBOARD_LIST_LIMIT = 50;
/** A listed customer's moves shown at most, the latest ones. */
export const DASHBOARD_TIMELINE_LIMIT = 20;
/** Customers whose timelines the validate outcome carries for their findings, at most. */
export const TIMELINE_CUSTOMERS = 500;

/** Customer i's moves from the history sheet, the latest `limit`, oldest first; masked as everything the pane shows. */
export function timelineOf(result: PipelineResult, i: number, limit = DASHBOARD_TIMELINE_LIMIT): TimelineEntry[] {
  const all = result.history?.timeline(i) ?? [];
  return all.slice(Math.max(0, all.length - limit)).map((e) => ({ date: e.date, fieldZh: e.fieldZh, fieldEn: e.fieldEn, from: e.from, to: e.to, reason: maskText(e.reason) }));
}

/**
 * The timelines of customers that have a finding on their own row (the row of their home table), by the address of
 * the row's first cell as a finding names its row: `客户!A7`.
 */
export function findingTimelines(result: PipelineResult): Record<string, { id: string; name: string; entries: TimelineEntry[] }> {
  const out: Record<string, { id: string; name: string; entries: TimelineEntry[] }> = {};
  if (!result.history || result.history.rows === 0) return out;
  const rowsWithFindings = new Set(result.findings.map((f) => `${f.sheet}\u0000${f.row}`));
  let n = 0;
  for (let i = 0; i < result.summary.rows && n < TIMELINE_CUSTOMERS; i++) {
    const key = `${result.customerSheet(i)}\u0000${result.customerRow(i)}`;
    if (!rowsWithFindings.has(key)) continue;
    const entries = timelineOf(result, i);
    if (entries.length === 0) continue;
    const c = result.customers[i] ?? result.customerAt(i);
    out[`${quoteSheet(c.sheet)}!A${c.row}`] = { id: maskText(c.id), name: maskText(c.name), entries };
    n++;
  }
  return out;
}

const TIERS = ["strategic", "key", "regular", "watch"] as const;

/**
 * A customer as the pane lists it. Masked like the findings and the review (a full phone number or USCC inside a
 * name or an id never reaches the pane); the address still selects the row.
 */
function listed(c: CustomerResult, timeline: TimelineEntry[]): DashboardCustomer {
  return { id: maskText(c.id), name: maskText(c.name), address: `${quoteSheet(c.sheet)}!A${c.row}`, stage: c.stage, reasonZh: maskText(c.stageReason), reasonEn: maskText(c.stageReasonEn), warnings: c.warnings, nextFollowUp: c.nextFollowUp, timeline };
}

/** A likely-lost customer: its reason is the model's, with the figures it rests on. */
function likely(c: CustomerResult, timeline: TimelineEntry[]): DashboardCustomer {
  const f = c.bgnbd!;
  const pct = `${(f.pAlive * 100).toFixed(1)}%`;
  return {
    ...listed(c, timeline),
    pAlive: f.pAlive,
    reasonZh: `存活概率 ${pct}:复购 ${f.repeatPurchases} 次,距上次购买 ${f.daysSinceLastPurchase} 天;阶段规则仍判定为${c.stage}`,
    reasonEn: `P(alive) ${pct}: ${f.repeatPurchases} repeat purchase(s), ${f.daysSinceLastPurchase} days since the last; the stage rules still say ${c.stage}`,
  };
}

export function dashboardOf(result: PipelineResult): Dashboard {
  const n = result.summary.rows;
  const stageCount = new Map<string, number>();
  const tierCount = new Map<string, number>();
  const atRisk: DashboardCustomer[] = [];
  const overdueAll: { i: number; next: string }[] = [];
  const lostAll: { i: number; pAlive: number }[] = [];
  let atRiskTotal = 0;
  for (let i = 0; i < n; i++) {
    const c = result.customers[i] ?? result.customerAt(i);
    stageCount.set(c.stage, (stageCount.get(c.stage) ?? 0) + 1);
    const tier = c.tier ?? UNDETERMINED;
    tierCount.set(tier, (tierCount.get(tier) ?? 0) + 1);
    // At risk: the engine's risk level 高 (stage 流失风险客户, W1 or W2), with the stage rule and warnings as the reason.
    if (c.riskLevel === "高") {
      atRiskTotal++;
      if (atRisk.length < DASHBOARD_LIST_LIMIT) atRisk.push(listed(c, timelineOf(result, i)));
    }
    if (c.overdue) overdueAll.push({ i, next: c.nextFollowUp ?? "" });
    // Likely lost: the model thinks the customer probably gone while the stage rules still call it active.
    if (c.bgnbd && c.bgnbd.pAlive < LIKELY_LOST_BELOW && c.stageKey !== "atRisk" && c.stageKey !== "churned") lostAll.push({ i, pAlive: c.bgnbd.pAlive });
  }
  lostAll.sort((a, b) => a.pAlive - b.pAlive || a.i - b.i);
  const fit = result.clv().bgnbd;
  const likelyLost = fit.customers === 0 ? null : {
    total: lostAll.length,
    customers: lostAll.slice(0, DASHBOARD_LIST_LIMIT).map(({ i }) => likely(result.customers[i] ?? result.customerAt(i), timelineOf(result, i))),
    reasonZh: fit.reason,
    reasonEn: fit.reasonEn,
  };
  // Overdue longest first: the next follow-up date furthest in the past heads the list.
  overdueAll.sort((a, b) => a.next.localeCompare(b.next) || a.i - b.i);
  const overdue = overdueAll.slice(0, DASHBOARD_LIST_LIMIT).map(({ i }) => listed(result.customers[i] ?? result.customerAt(i), timelineOf(result, i)));
  const overdueTotal = overdueAll.length;
  return {
    customers: n,
    stages: [...STAGES.map((s) => ({ key: s as string, zh: STAGE_LABEL[s].zh, en: STAGE_LABEL[s].en })), { key: UNDETERMINED, zh: "无法判定", en: "Undetermined" }]
      .map((s) => ({ ...s, count: stageCount.get(s.key === UNDETERMINED ? UNDETERMINED : s.zh) ?? 0 })),
    tiers: [...TIERS.map((t) => ({ key: t as string, zh: TIER_LABEL[t].zh, en: TIER_LABEL[t].en })), { key: UNDETERMINED, zh: "未评分", en: "Not scored" }]
      .map((t) => ({ ...t, count: tierCount.get(t.key === UNDETERMINED ? UNDETERMINED : t.zh) ?? 0 })),
    atRisk: { total: atRiskTotal, customers: atRisk },
    overdue: { total: overdueTotal, customers: overdue },
    likelyLost,
    findings: { errors: result.summary.errors, warnings: result.summary.warnings, infos: result.summary.infos },
  };
}
