// The evaluation model 评估模型 (DOMAIN.md section 5): eight indicators, weights, clipping, mean imputation,
// min–max normalisation, points per indicator, score and tier.
import type { Tier } from "./labels";
import type { Rules } from "./rules";

export type Indicator = "spend6m" | "tenure" | "margin" | "interactions" | "complaints" | "usage" | "growth" | "sizeFit";

export const INDICATORS: readonly { key: Indicator; dimension: "value" | "behaviour" | "potential"; reverse: boolean; zh: string; en: string }[] = [
  { key: "spend6m", dimension: "value", reverse: false, zh: "近6个月消费金额", en: "Spend (6 months)" },
  { key: "tenure", dimension: "value", reverse: false, zh: "合作时长", en: "Tenure" },
  { key: "margin", dimension: "value", reverse: false, zh: "毛利率贡献", en: "Margin" },
  { key: "interactions", dimension: "behaviour", reverse: false, zh: "最近互动频次", en: "Interactions" },
  { key: "complaints", dimension: "behaviour", reverse: true, zh: "投诉率", en: "Complaint rate" },
  { key: "usage", dimension: "behaviour", reverse: false, zh: "产品使用深度", en: "Usage depth" },
  { key: "growth", dimension: "potential", reverse: false, zh: "所属行业增长率", en: "Industry growth" },
  { key: "sizeFit", dimension: "potential", reverse: false, zh: "企业规模匹配度", en: "Size fit" },
];

/**
 * The values that are not NaN, sorted ascending. Counted and copied by hand: a typed array's filter() gathers what
 * it keeps as boxed numbers first, 24 bytes each — 100 MB of garbage at a million customers' four indicators.
 */
export function knownSorted(values: ArrayLike<number>): Float64Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) count++;
  const out = new Float64Array(count);
  for (let i = 0, j = 0; i < values.length; i++) if (!Number.isNaN(values[i])) out[j++] = values[i];
  return out.sort();
}

/** Type-7 quantile (R's default, numpy's linear): h = (n − 1)·p on the sorted values. */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface IndicatorStats {
  key: Indicator;
  /** Weight after normalisation (0 when the indicator has no data at all). */
  weight: number;
  low: number;
  high: number;
  mean: number;
  /** How many customers had no value and took the mean. */
  imputed: number;
}

export interface ScoreResult {
  /** Score 0–100, one decimal; NaN when no indicator has any data. */
  score: Float64Array;
  /**
   * Points of indicator k for customer i (unrounded). Worked out when asked, from the customer's value and the
   * indicator's stats: eight arrays of a million points were kept only for a report's score parts.
   */
  pointAt(k: number, i: number): number;
  /** Indicator k of customer i in 0–1, direction applied (1 = best). */
  normalisedAt(k: number, i: number): number;
  stats: IndicatorStats[];
  /** Indicators with no data for anyone: left out, their weight spread over the rest. */
  missing: Indicator[];
}

/** Configured weights, normalised to sum to 1 over the indicators that have data. */
export function indicatorWeights(rules: Rules, present: (k: Indicator) => boolean = () => true): number[] {
  const raw = INDICATORS.map((d) => (present(d.key) ? rules.num(`weight.${d.key}`) : 0));
  const sum = raw.reduce((s, x) => s + x, 0);
  return raw.map((x) => (sum > 0 ? x / sum : 0));
}

/**
 * Scores a population. `values[k][i]` is indicator k of customer i, NaN when blank. Each indicator is clipped
 * to its [clipLow, clipHigh] percentiles, blanks take the mean of the clipped values (decision: outliers are
 * handled before filling, as the source's cleaning step lists them), then min–max maps the clip range to 0–1;
 * a constant column scores 1. Reverse indicators use 1 − x.
 */
export function scorePopulation(values: readonly Float64Array[], rules: Rules): ScoreResult {
  const n = values[0]?.length ?? 0;
  const present = INDICATORS.map((_, k) => values[k].some((x) => !Number.isNaN(x)));
  const weights = indicatorWeights(rules, (key) => present[INDICATORS.findIndex((d) => d.key === key)]);
  const pLow = rules.num("score.clipLow");
  const pHigh = rules.num("score.clipHigh");
  const score = new Float64Array(n);
  const stats: IndicatorStats[] = [];
  const missing: Indicator[] = [];
  // Only an indicator with data is looked at again (normalisedAt): a blank column is not kept.
  const kept: (Float64Array | null)[] = [];
  const normalisedAt = (k: number, i: number): number => {
    const col = kept[k];
    if (col === null) return NaN;
    const { low, high, mean } = stats[k];
    const x = Number.isNaN(col[i]) ? mean : col[i];
    const span = high - low;
    const v = span > 0 ? (clamp(x, low, high) - low) / span : 1;
    return INDICATORS[k].reverse && span > 0 ? 1 - v : v;
  };
  const pointAt = (k: number, i: number): number => (kept[k] === null ? 0 : 100 * weights[k] * normalisedAt(k, i));
  INDICATORS.forEach((d, k) => {
    const col = values[k];
    if (!present[k]) {
      missing.push(d.key);
      stats.push({ key: d.key, weight: 0, low: NaN, high: NaN, mean: NaN, imputed: n });
      kept.push(null);
      return;
    }
    const known = knownSorted(col);
    const low = quantile(known, pLow);
    const high = quantile(known, pHigh);
    let sum = 0;
    for (let i = 0; i < known.length; i++) sum += clamp(known[i], low, high);
    const mean = sum / known.length;
    stats.push({ key: d.key, weight: weights[k], low, high, mean, imputed: n - known.length });
    kept.push(col);
    for (let i = 0; i < n; i++) score[i] += pointAt(k, i);
  });
  const anyData = present.some(Boolean);
  for (let i = 0; i < n; i++) score[i] = anyData ? Math.round(score[i] * 10 + 1e-9) / 10 : NaN;
  return { score, pointAt, normalisedAt, stats, missing };
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** The lowest score of each tier: a score on a cut point takes the higher tier. */
export interface TierCuts {
  strategic: number;
  key: number;
  regular: number;
}

/** `tier.mode = threshold`: the fixed bands of the rules (90 / 70 / 50 by default). */
export function thresholdCuts(rules: Rules): TierCuts {
  return { strategic: rules.num("tier.strategic"), key: rules.num("tier.key"), regular: rules.num("tier.regular") };
}

/**
 * `tier.mode = quantile` (DOMAIN.md section 5): the top tier.shareStrategic of the calibration scores are 战略客户,
 * the next tier.shareKey 重点客户, the next tier.shareRegular 普通客户, the rest 观察客户; the cut points are type-7
 * quantiles of the calibration scores. Null when there are none.
 */
export function quantileCuts(calibration: ArrayLike<number>, rules: Rules): TierCuts | null {
  const sorted = knownSorted(calibration);
  if (sorted.length === 0) return null;
  const s = rules.num("tier.shareStrategic");
  const k = rules.num("tier.shareKey");
  const r = rules.num("tier.shareRegular");
  // A share of 0 puts its cut above every score: nobody is in that tier.
  const cut = (top: number, share: number) => (share <= 0 ? Infinity : quantile(sorted, Math.max(0, 1 - top)));
  return { strategic: cut(s, s), key: cut(s + k, k), regular: cut(s + k + r, r) };
}

/** The cut points in force: quantiles of the calibration scores, or the fixed bands (tier.mode). */
export function tierCuts(calibration: ArrayLike<number>, rules: Rules): TierCuts | null {
  return rules.text("tier.mode") === "threshold" ? thresholdCuts(rules) : quantileCuts(calibration, rules);
}

export function tierOf(score: number, cuts: TierCuts | null): Tier | null {
  if (Number.isNaN(score) || cuts === null) return null;
  const eps = 1e-9;
  if (score >= cuts.strategic - eps) return "strategic";
  if (score >= cuts.key - eps) return "key";
  if (score >= cuts.regular - eps) return "regular";
  return "watch";
}
