// RFM scoring exactly as DOMAIN.md section 10 fixes it: type-7 quintile breaks plus one, half-open bins,
// recency reversed, and the first matching named segment.
import { quantile } from "./scoring";

export interface RfmSegment {
  key: string;
  zh: string;
  en: string;
  /** Inclusive [low, high] ranges for R, F and M. */
  r: [number, number];
  f: [number, number];
  m: [number, number];
}

export const RFM_SEGMENTS: readonly RfmSegment[] = [
  { key: "champions", zh: "重要价值", en: "Champions", r: [4, 5], f: [4, 5], m: [4, 5] },
  { key: "loyal", zh: "忠诚", en: "Loyal Customers", r: [2, 5], f: [3, 5], m: [3, 5] },
  { key: "potentialLoyalist", zh: "潜在忠诚", en: "Potential Loyalist", r: [3, 5], f: [1, 3], m: [1, 3] },
  { key: "new", zh: "新客户", en: "New Customers", r: [4, 5], f: [1, 1], m: [1, 1] },
  { key: "promising", zh: "有前景", en: "Promising", r: [3, 4], f: [1, 1], m: [1, 1] },
  { key: "needAttention", zh: "需关注", en: "Need Attention", r: [2, 3], f: [2, 3], m: [2, 3] },
  { key: "aboutToSleep", zh: "即将沉睡", en: "About To Sleep", r: [2, 3], f: [1, 2], m: [1, 2] },
  { key: "atRisk", zh: "有风险", en: "At Risk", r: [1, 2], f: [2, 5], m: [2, 5] },
  { key: "cantLose", zh: "不能失去", en: "Can't Lose Them", r: [1, 1], f: [4, 5], m: [4, 5] },
  { key: "lost", zh: "已流失", en: "Lost", r: [1, 2], f: [1, 2], m: [1, 2] },
];
export const RFM_OTHERS = { key: "others", zh: "其他", en: "Others" } as const;

/** The four inner breaks of a measure: type-7 quantiles at 20/40/60/80 % plus one. */
export function rfmBreaks(values: ArrayLike<number>): number[] {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  // Rounded to 1e-9: (n − 1)·p in floating point (9 × 0.6 = 5.3999…) must not move a break across an integer.
  return [0.2, 0.4, 0.6, 0.8].map((p) => Math.round((quantile(sorted, p) + 1) * 1e9) / 1e9);
}

/** Bin 1–5: [min, b1) → 1 … [b4, max + 1) → 5; a value equal to a break falls into the higher bin. */
export function binOf(x: number, breaks: readonly number[]): number {
  let bin = 1;
  for (const b of breaks) if (x >= b) bin++;
  return bin;
}

export interface RfmScore {
  r: number;
  f: number;
  m: number;
  score: number;
  segment: string;
  segmentZh: string;
  segmentEn: string;
}

export function segmentOf(r: number, f: number, m: number): { key: string; zh: string; en: string } {
  const inRange = (x: number, [lo, hi]: [number, number]) => x >= lo && x <= hi;
  return RFM_SEGMENTS.find((s) => inRange(r, s.r) && inRange(f, s.f) && inRange(m, s.m)) ?? RFM_OTHERS;
}

/**
 * Scores customers that have at least one order. Explicit breaks (from the rules sheet) are used as given;
 * otherwise each measure gets its own quintile breaks over these customers.
 */
export function scoreRfm(
  recencyDays: ArrayLike<number>,
  frequency: ArrayLike<number>,
  monetary: ArrayLike<number>,
  explicit: { r?: number[] | null; f?: number[] | null; m?: number[] | null } = {},
): RfmScore[] {
  const rb = explicit.r ?? rfmBreaks(recencyDays);
  const fb = explicit.f ?? rfmBreaks(frequency);
  const mb = explicit.m ?? rfmBreaks(monetary);
  const out: RfmScore[] = [];
  for (let i = 0; i < recencyDays.length; i++) {
    const r = 6 - binOf(recencyDays[i], rb);
    const f = binOf(frequency[i], fb);
    const m = binOf(monetary[i], mb);
    const seg = segmentOf(r, f, m);
    out.push({ r, f, m, score: 100 * r + 10 * f + m, segment: seg.key, segmentZh: seg.zh, segmentEn: seg.en });
  }
  return out;
}
