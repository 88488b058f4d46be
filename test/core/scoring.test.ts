// The evaluation model 评估模型 (src/core/scoring.ts), DOMAIN.md section 5: eight weighted indicators, clipping
// to the 5th–95th percentile (type 7), mean imputation, min–max normalisation, score = 100 Σ w·x, tiers.
import fc from "fast-check";
import { INDICATORS, indicatorWeights, knownSorted, quantile, quantileCuts, scorePopulation, thresholdCuts, tierCuts, tierOf } from "../../src/core/scoring";
import { DEFAULT_RULES, makeRules } from "../../src/core/rules";

// Indicator order in the engine's value arrays (checked below against DOMAIN.md's table).
const ORDER = ["spend6m", "tenure", "margin", "interactions", "complaints", "usage", "growth", "sizeFit"] as const;
type Key = (typeof ORDER)[number];

/** Builds values[k][i] from named columns; unnamed indicators are all blank (NaN). */
function population(cols: Partial<Record<Key, number[]>>): Float64Array[] {
  const n = Math.max(...Object.values(cols).map((c) => c!.length));
  return ORDER.map((k) => (cols[k] ? Float64Array.from(cols[k]!) : new Float64Array(n).fill(NaN)));
}

const NO_CLIP = makeRules({ "score.clipLow": 0, "score.clipHigh": 1 });

test("indicators, directions and default weights are DOMAIN.md's table", () => {
  expect(INDICATORS.map((d) => d.key)).toEqual([...ORDER]);
  expect(INDICATORS.filter((d) => d.reverse).map((d) => d.key)).toEqual(["complaints"]);
  const w = indicatorWeights(DEFAULT_RULES);
  [0.25, 0.15, 0.1, 0.15, 0.1, 0.1, 0.08, 0.07].forEach((x, k) => expect(w[k]).toBeCloseTo(x, 12));
});

describe("the source's worked example: current value 0.8×25% + 0.6×15% + 0.7×10% = 0.36", () => {
  test("all eight indicators present: the current-value points are 20 + 9 + 7 = 36", () => {
    // Three customers on a 0–10 scale, no clipping: each column's min is 0 and max is 10, so x/10 is the
    // normalised value. Customer 0: spend 8 → .8, tenure 6 → .6, margin 7 → .7; the behaviour and potential
    // indicators at their worst (0, or complaints at the maximum 10 → reverse 0). Score = 36.0.
    const values = population({
      spend6m: [8, 0, 10],
      tenure: [6, 0, 10],
      margin: [7, 0, 10],
      interactions: [0, 0, 10],
      complaints: [10, 0, 10],
      usage: [0, 0, 10],
      growth: [0, 0, 10],
      sizeFit: [0, 0, 10],
    });
    const r = scorePopulation(values, NO_CLIP);
    expect(r.pointAt(0, 0)).toBeCloseTo(20, 9);
    expect(r.pointAt(1, 0)).toBeCloseTo(9, 9);
    expect(r.pointAt(2, 0)).toBeCloseTo(7, 9);
    expect(r.score[0]).toBe(36);
    // customer 1: only complaints 0 → reverse 1 → 10 points; customer 2: everything best but complaints → 100 − 10
    expect(r.score[1]).toBe(10);
    expect(r.score[2]).toBe(90);
    expect(r.missing).toEqual([]);
  });

  test("only the three current-value indicators present: weights renormalise to .5/.3/.2", () => {
    // .25/.5 = .5, .15/.5 = .3, .10/.5 = .2 → 100 × (.5×.8 + .3×.6 + .2×.7) = 40 + 18 + 14 = 72.0
    const values = population({ spend6m: [8, 0, 10], tenure: [6, 0, 10], margin: [7, 0, 10] });
    const r = scorePopulation(values, NO_CLIP);
    expect(r.stats.map((s) => s.weight).slice(0, 3).map((w) => +w.toFixed(12))).toEqual([0.5, 0.3, 0.2]);
    expect(r.pointAt(0, 0)).toBeCloseTo(40, 9);
    expect(r.pointAt(1, 0)).toBeCloseTo(18, 9);
    expect(r.pointAt(2, 0)).toBeCloseTo(14, 9);
    expect(r.score[0]).toBe(72);
    expect(r.score[1]).toBe(0);
    expect(r.score[2]).toBe(100);
    expect(r.missing).toEqual(["interactions", "complaints", "usage", "growth", "sizeFit"]);
    expect(r.stats[3].weight).toBe(0);
  });

  test("same result with the default 5/95 % clipping when the percentiles are the min and max", () => {
    // n = 21: h = 20 × .05 = 1 and 20 × .95 = 19, so the clip points are x[1] and x[19] of the sorted column.
    // With two 0s at the bottom and two 10s at the top they are exactly 0 and 10.
    const col = (v: number) => [v, 0, 0, 10, 10, ...new Array(16).fill(5)];
    const r = scorePopulation(population({ spend6m: col(8), tenure: col(6), margin: col(7) }), DEFAULT_RULES);
    expect(r.stats[0].low).toBe(0);
    expect(r.stats[0].high).toBe(10);
    expect(r.score[0]).toBe(72);
  });
});

describe("normalisation", () => {
  test("reverse indicator: the fewest complaints get full points", () => {
    // complaints 0, 2, 5, 10 alone (weight 1): normalised 1 − x/10 → 100, 80, 50, 0
    const r = scorePopulation(population({ complaints: [0, 2, 5, 10] }), NO_CLIP);
    expect(Array.from(r.score)).toEqual([100, 80, 50, 0]);
    expect(r.normalisedAt(4, 0)).toBe(1);
  });

  test("a constant column normalises to 1 for everyone", () => {
    // tenure 3 for all → 1; spend 0, 10 → 0, 1. Weights .25/.4 = .625 and .15/.4 = .375 → 37.5 and 100
    const r = scorePopulation(population({ spend6m: [0, 10], tenure: [3, 3] }), NO_CLIP);
    expect([r.normalisedAt(1, 0), r.normalisedAt(1, 1)]).toEqual([1, 1]);
    expect(r.score[0]).toBeCloseTo(37.5, 9);
    expect(r.score[1]).toBe(100);
    // also for a reverse indicator: constant complaints are not "worst"
    const c = scorePopulation(population({ complaints: [2, 2, 2] }), DEFAULT_RULES);
    expect(Array.from(c.score)).toEqual([100, 100, 100]);
  });

  test("a blank takes the column mean and is counted", () => {
    // known 0, 10, 2 → mean 4 → normalised .4 → 40 points (spend alone has weight 1)
    const r = scorePopulation(population({ spend6m: [0, 10, 2, NaN] }), NO_CLIP);
    expect(r.stats[0].imputed).toBe(1);
    expect(r.stats[0].mean).toBeCloseTo(4, 12);
    expect(r.score[3]).toBe(40);
    expect(r.stats[1].imputed).toBe(4); // tenure: nobody has a value
  });

  test("clipping: an extreme outlier does not compress the others", () => {
    // Spend 1, 2, …, 40 and one outlier 10000 (n = 41 known) plus one blank customer.
    // Type 7: h = 40 × .05 = 2 → low = x[2] = 3; h = 40 × .95 = 38 → high = x[38] = 39.
    // 21 → (21 − 3)/36 = .5 → 50.0 (without clipping it would be (21 − 1)/9999 ≈ 0.2).
    // The blank takes the mean of the clipped values: 3+3 + (3+…+39) + 39+39 = 6 + 777 + 78 = 861; 861/41 = 21 → 50.0.
    const spend = [...Array.from({ length: 40 }, (_, i) => i + 1), 10000, NaN];
    const r = scorePopulation(population({ spend6m: spend }), DEFAULT_RULES);
    expect(r.stats[0].low).toBe(3);
    expect(r.stats[0].high).toBe(39);
    expect(r.score[20]).toBe(50); // spend 21
    expect([r.score[0], r.score[1], r.score[2]]).toEqual([0, 0, 0]); // 1, 2, 3 all at or below the clip
    expect(r.score[11]).toBe(25); // spend 12: 9/36
    expect([r.score[38], r.score[39], r.score[40]]).toEqual([100, 100, 100]); // 39, 40, 10000
    expect(r.stats[0].mean).toBeCloseTo(21, 12);
    expect(r.score[41]).toBe(50);
  });

  test("no data at all: scores are NaN, every indicator missing", () => {
    const r = scorePopulation(population({ spend6m: [NaN, NaN] }), DEFAULT_RULES);
    expect(Number.isNaN(r.score[0])).toBe(true);
    expect(r.missing).toHaveLength(8);
  });
});

describe("weights", () => {
  test("weights not summing to 1 are normalised", () => {
    // spend .5 instead of .25: sum = 1.25 → spend .4, tenure .12, margin .08, interactions .12, complaints .08,
    // usage .08, growth .064, sizeFit .056
    const w = indicatorWeights(makeRules({ "weight.spend6m": 0.5 }));
    [0.4, 0.12, 0.08, 0.12, 0.08, 0.08, 0.064, 0.056].forEach((x, k) => expect(w[k]).toBeCloseTo(x, 12));
  });

  test("doubling every weight changes no score", () => {
    const doubled = makeRules({
      "score.clipLow": 0,
      "score.clipHigh": 1,
      ...Object.fromEntries(ORDER.map((k, i) => [`weight.${k}`, 2 * [0.25, 0.15, 0.1, 0.15, 0.1, 0.1, 0.08, 0.07][i]])),
    });
    const values = population({ spend6m: [8, 0, 10], tenure: [6, 0, 10], margin: [7, 0, 10], complaints: [1, 3, 0], growth: [2, 9, 4] });
    expect(Array.from(scorePopulation(values, doubled).score)).toEqual(Array.from(scorePopulation(values, NO_CLIP).score));
  });
});

describe("type-7 quantile", () => {
  test("R / numpy reference values", () => {
    // x = 1..10: h = 9p; p = .05 → 1 + .45 = 1.45; p = .5 → 5.5; p = .95 → 9 + .55 = 9.55
    const x = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(quantile(x, 0.05)).toBeCloseTo(1.45, 12);
    expect(quantile(x, 0.5)).toBeCloseTo(5.5, 12);
    expect(quantile(x, 0.95)).toBeCloseTo(9.55, 12);
    expect(quantile(x, 0)).toBe(1);
    expect(quantile(x, 1)).toBe(10);
    expect(Number.isNaN(quantile(new Float64Array(0), 0.5))).toBe(true);
  });
});

describe("tiers", () => {
  test.each([
    [100, "strategic"],
    [90, "strategic"],
    [89.9, "key"],
    [70, "key"],
    [69.9, "regular"],
    [50, "regular"],
    [49.9, "watch"],
    [0, "watch"],
  ])("score %d → %s", (score, tier) => {
    expect(tierOf(score, thresholdCuts(DEFAULT_RULES))).toBe(tier);
  });

  test("no score → no tier; thresholds come from the rules", () => {
    expect(tierOf(NaN, thresholdCuts(DEFAULT_RULES))).toBeNull();
    expect(tierOf(85, thresholdCuts(makeRules({ "tier.strategic": 85 })))).toBe("strategic");
  });
});

// DOMAIN.md section 5, "Tier 客户等级 by score (decision, revised)": default tier.mode = quantile, shares 5/15/30 %,
// type-7 quantile cut points, a score on a cut point takes the higher tier.
describe("tiers by share (tier.mode = quantile)", () => {
  // Scores 1..20. Type 7, h = 19p: p = .95 → h 18.05 → 19 + .05 = 19.05; p = .80 → h 15.2 → 16.2; p = .50 → h 9.5 → 10.5.
  const scores = Array.from({ length: 20 }, (_, i) => i + 1);
  const cuts = quantileCuts(scores, DEFAULT_RULES)!;

  test("cut points worked by hand", () => {
    expect(cuts.strategic).toBeCloseTo(19.05, 12);
    expect(cuts.key).toBeCloseTo(16.2, 12);
    expect(cuts.regular).toBeCloseTo(10.5, 12);
    expect(tierCuts(scores, DEFAULT_RULES)).toEqual(cuts);
  });

  test("1 / 3 / 6 / 10 of the 20 scores: 5 / 15 / 30 / 50 %", () => {
    const count = (t: string) => scores.filter((x) => tierOf(x, cuts) === t).length;
    expect([count("strategic"), count("key"), count("regular"), count("watch")]).toEqual([1, 3, 6, 10]);
  });

  test.each([
    [19.05, "strategic"], [19.04, "key"],
    [16.2, "key"], [16.1, "regular"],
    [10.5, "regular"], [10.4, "watch"],
  ])("score %d on either side of a cut point → %s", (score, tier) => {
    expect(tierOf(score, cuts)).toBe(tier);
  });

  test("shares come from the rules; a share of 0 empties its tier; tier.mode = threshold keeps the bands", () => {
    // shareStrategic 0.10: p = .90 → h 17.1 → 18.1; key .10 + .15 = .25 → p .75 → h 14.25 → 15.25.
    const c = quantileCuts(scores, makeRules({ "tier.shareStrategic": 0.1 }))!;
    expect(c.strategic).toBeCloseTo(18.1, 12);
    expect(c.key).toBeCloseTo(15.25, 12);
    expect(tierOf(20, quantileCuts(scores, makeRules({ "tier.shareStrategic": 0 }))!)).toBe("key");
    expect(tierCuts(scores, makeRules({ "tier.mode": "threshold" }))).toEqual({ strategic: 90, key: 70, regular: 50 });
    expect(quantileCuts([], DEFAULT_RULES)).toBeNull();
    expect(tierOf(50, null)).toBeNull();
  });
});

describe("properties", () => {
  const cell = fc.oneof({ weight: 1, arbitrary: fc.constant(NaN) }, { weight: 4, arbitrary: fc.integer({ min: -1000, max: 1000 }) });
  const table = fc.integer({ min: 1, max: 12 }).chain((n) => fc.array(fc.array(cell, { minLength: n, maxLength: n }), { minLength: 8, maxLength: 8 }));
  const toValues = (t: number[][]) => t.map((c) => Float64Array.from(c));
  const clipRules = fc.constantFrom(DEFAULT_RULES, NO_CLIP, makeRules({ "score.clipLow": 0.2, "score.clipHigh": 0.8 }));

  test("scores lie within 0–100 (NaN only when no indicator has data)", () => {
    fc.assert(
      fc.property(table, clipRules, (t, rules) => {
        const r = scorePopulation(toValues(t), rules);
        const anyData = t.some((c) => c.some((x) => !Number.isNaN(x)));
        for (const s of r.score) {
          if (!anyData) expect(Number.isNaN(s)).toBe(true);
          else expect(s >= 0 && s <= 100).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test("raising one higher-is-better indicator of one customer never lowers that customer's score", () => {
    const higherBetter = ORDER.map((_, k) => k).filter((k) => k !== 4); // all but complaints
    fc.assert(
      fc.property(table, clipRules, fc.nat(), fc.constantFrom(...higherBetter), fc.integer({ min: 1, max: 2000 }), (t, rules, who, k, delta) => {
        const i = who % t[0].length;
        if (Number.isNaN(t[k][i])) t[k][i] = 0;
        const before = scorePopulation(toValues(t), rules);
        t[k][i] += delta;
        const after = scorePopulation(toValues(t), rules);
        const sum = (r: typeof before) => ORDER.reduce((s, _, k) => s + r.pointAt(k, i), 0);
        expect(sum(after)).toBeGreaterThanOrEqual(sum(before) - 1e-9);
        expect(after.score[i]).toBeGreaterThanOrEqual(before.score[i]);
      }),
      { numRuns: 1000 },
    );
  });

  test("results do not depend on the order of the customers", () => {
    const withPerm = table.chain((t) => fc.tuple(fc.constant(t), fc.array(fc.double({ noNaN: true }), { minLength: t[0].length, maxLength: t[0].length })));
    fc.assert(
      fc.property(withPerm, clipRules, ([t, keys], rules) => {
        const perm = keys.map((_, j) => j).sort((a, b) => keys[a] - keys[b] || a - b); // perm[j] = old index of new customer j
        const shuffled = t.map((col) => perm.map((j) => col[j]));
        const a = scorePopulation(toValues(t), rules);
        const b = scorePopulation(toValues(shuffled), rules);
        perm.forEach((old, j) => {
          if (Number.isNaN(a.score[old])) expect(Number.isNaN(b.score[j])).toBe(true);
          else expect(b.score[j]).toBe(a.score[old]);
          for (let k = 0; k < 8; k++) expect(Math.abs(b.pointAt(k, j) - a.pointAt(k, old))).toBeLessThanOrEqual(1e-9);
        });
      }),
      { numRuns: 1000 },
    );
  });
});

describe("knownSorted", () => {
  test("the values that are not NaN, ascending, as filter-then-sort gives them (−0 before 0, ±Infinity kept)", () => {
    expect(Array.from(knownSorted([3, NaN, -0, 0, -Infinity, 1.5, NaN, Infinity]))).toEqual([-Infinity, -0, 0, 1.5, 3, Infinity]);
    expect(Object.is(knownSorted([0, -0])[0], -0)).toBe(true);
    expect(knownSorted([NaN, NaN]).length).toBe(0);
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.constant(NaN))), (xs) => {
        const reference = Float64Array.from(xs.filter((x) => !Number.isNaN(x))).sort();
        expect(Array.from(knownSorted(Float64Array.from(xs)))).toEqual(Array.from(reference));
      }),
      { numRuns: 1000 },
    );
  });
});
