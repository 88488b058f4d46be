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
  /** points[k][i]: points of indicator k for customer i (unrounded). */
  points: Float64Array[];
  /** normalised[k][i] in 0–1, direction applied (1 = best). */
  normalised: Float64Array[];
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
  const points: Float64Array[] = [];
  const normalised: Float64Array[] = [];
  const stats: IndicatorStats[] = [];
  const missing: Indicator[] = [];
  INDICATORS.forEach((d, k) => {
    const col = values[k];
    const norm = new Float64Array(n);
    const pts = new Float64Array(n);
    if (!present[k]) {
      missing.push(d.key);
      stats.push({ key: d.key, weight: 0, low: NaN, high: NaN, mean: NaN, imputed: n });
      points.push(pts);
      normalised.push(norm.fill(NaN));
      return;
    }
    const known = Float64Array.from(col.filter((x) => !Number.isNaN(x))).sort();
    const low = quantile(known, pLow);
    const high = quantile(known, pHigh);
    let sum = 0;
    for (let i = 0; i < known.length; i++) sum += clamp(known[i], low, high);
    const mean = sum / known.length;
    let imputed = 0;
    const span = high - low;
    for (let i = 0; i < n; i++) {
      let x = col[i];
      if (Number.isNaN(x)) {
        x = mean;
        imputed++;
      }
      let v = span > 0 ? (clamp(x, low, high) - low) / span : 1;
      if (d.reverse && span > 0) v = 1 - v;
      norm[i] = v;
      pts[i] = 100 * weights[k] * v;
      score[i] += pts[i];
    }
    stats.push({ key: d.key, weight: weights[k], low, high, mean, imputed });
    points.push(pts);
    normalised.push(norm);
  });
  const anyData = present.some(Boolean);
  for (let i = 0; i < n; i++) score[i] = anyData ? Math.round(score[i] * 10 + 1e-9) / 10 : NaN;
  return { score, points, normalised, stats, missing };
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

export function tierOf(score: number, rules: Rules): Tier | null {
  if (Number.isNaN(score)) return null;
  if (score >= rules.num("tier.strategic")) return "strategic";
  if (score >= rules.num("tier.key")) return "key";
  if (score >= rules.num("tier.regular")) return "regular";
  return "watch";
}
