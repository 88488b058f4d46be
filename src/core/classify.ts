// Classification 分类表 (DOMAIN.md section 6): value tier, closeness, core tags, risk level, grade, quadrants.
import type { Closeness, CoreTag, Grade, Quadrant, RiskLevel, Stage, Tier, ValueTier } from "./labels";
import type { Rules } from "./rules";
import { knownSorted, quantile } from "./scoring";

/** By annual purchase in yuan: ≥ 100万 strategic, ≥ 50万 key, else regular. */
export function valueTierOf(annualPurchase: number, rules: Rules): ValueTier | null {
  if (Number.isNaN(annualPurchase)) return null;
  if (annualPurchase >= rules.num("value.strategic")) return "strategic";
  if (annualPurchase >= rules.num("value.key")) return "key";
  return "regular";
}

/** By interactions per month averaged over the last months: ≥ 2 close, ≥ 1 steady, else loose. */
export function closenessOf(perMonth: number, rules: Rules): Closeness | null {
  if (Number.isNaN(perMonth)) return null;
  if (perMonth >= rules.num("closeness.tight")) return "tight";
  if (perMonth >= rules.num("closeness.stable")) return "stable";
  return "loose";
}

/** A/B/C when the user has not entered one: 战略/重点 → A, 普通 → B, 观察 → C. */
export function gradeFromTier(tier: Tier | null): Grade | null {
  if (tier === null) return null;
  return tier === "strategic" || tier === "key" ? "A" : tier === "regular" ? "B" : "C";
}

/**
 * 已流失 for a churned customer (the risk has already happened, DOMAIN.md section 6); 高 = at risk, or churn
 * warning W1/W2 active; 中 = tag 待激活, follow-up overdue, or score tier 观察; 低 otherwise (decision: the
 * source names the level without a rule).
 */
export function riskLevelOf(x: { stage: Stage | null; warnings: readonly string[]; inactive: boolean; overdue: boolean; tier: Tier | null }): RiskLevel {
  if (x.stage === "churned") return "churned";
  if (x.stage === "atRisk" || x.warnings.includes("W1") || x.warnings.includes("W2")) return "high";
  if (x.inactive || x.overdue || x.tier === "watch") return "medium";
  return "low";
}

/**
 * Core tags, several may apply. 忠诚客户 reads as tenure ≥ 3 years AND (closeness 紧密型 OR stage 稳定客户)
 * (decision: the source's example keeps tenure as the gate).
 */
export function coreTagsOf(x: {
  inactive: boolean;
  stage: Stage | null;
  risk: RiskLevel;
  tenureYears: number;
  closeness: Closeness | null;
  potentialGrade: Grade | null;
  potentialTop: boolean;
}, rules: Rules): CoreTag[] {
  const tags: CoreTag[] = [];
  if (x.potentialGrade === "A" || x.potentialTop) tags.push("highPotential");
  if (x.inactive) tags.push("inactive");
  if (x.tenureYears >= rules.num("tag.loyalYears") && (x.closeness === "tight" || x.stage === "stable")) tags.push("loyal");
  if (x.stage === "atRisk" || x.risk === "high") tags.push("risk");
  return tags;
}

/**
 * Customers whose potential-dimension points are in the top share: at or above the (1 − share) quantile and
 * above the population minimum (decision: when everyone ties, nobody stands out as high potential).
 */
export function topShare(values: Float64Array, share: number): boolean[] {
  const known = knownSorted(values);
  if (known.length === 0) return Array.from(values, () => false);
  const cut = quantile(known, 1 - share);
  const min = known[0];
  return Array.from(values, (x) => !Number.isNaN(x) && x >= cut - 1e-9 && x > min + 1e-9);
}

/** Value × potential split at each population median (decision: a value equal to the median counts as high). */
export function quadrantsOf(value: Float64Array, potential: Float64Array): (Quadrant | null)[] {
  const median = (a: Float64Array) => quantile(knownSorted(a), 0.5);
  const mv = median(value);
  const mp = median(potential);
  return Array.from(value, (v, i) => {
    const p = potential[i];
    if (Number.isNaN(v) || Number.isNaN(p) || Number.isNaN(mv) || Number.isNaN(mp)) return null;
    const hv = v >= mv - 1e-9;
    const hp = p >= mp - 1e-9;
    return hv ? (hp ? "hvhp" : "hvlp") : hp ? "lvhp" : "lvlp";
  });
}
