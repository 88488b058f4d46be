// BG/NBD (DOMAIN.md section 8b, issue 21) against the published CDNOW figures: the 2,357 customers' 39-week summary
// as Fader, Hardie & Lee (2005) fit it (test/fixtures/cdnow, from lifetimes under the MIT licence). The paper's
// maximum-likelihood estimates are r = 0.2426, α = 4.4135 (weeks), a = 0.7929, b = 2.4258 with log-likelihood
// −9582.4; P(alive) against its closed form at hand-picked customers.
import { readFileSync } from "fs";
import { join } from "path";
import {
  bfgs, bgnbdLogLikelihood, bgnbdObjective, digamma, expectedPurchases, expectedPurchasesFromStart, expectedPurchaseValue, fitBgnbd, fitGammaGamma, gammaGammaObjective, groupSummaries, hyp2f1, lnGamma, pAlive,
  summaryOfDays, type PurchaseSummary,
} from "../../src/core/clv";

const summary: PurchaseSummary[] = readFileSync(join(__dirname, "..", "fixtures", "cdnow", "cdnow_customers_summary.csv"), "utf8")
  .trim().split("\n").slice(1).map((line) => {
    const [, x, tx, T] = line.split(",").map(Number);
    return { x, tx, T };
  });
const PUBLISHED = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };

expect.extend({
  /** Within 1e-9 of the expected value, relatively. */
  closeToRel(received: number, expected: number) {
    const pass = Math.abs(received - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
    return { pass, message: () => `expected ${received} to be within 1e-9 (relative) of ${expected}` };
  },
});
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Expect {
      closeToRel(expected: number): unknown;
    }
  }
}

test("the CDNOW summary is the paper's: 2,357 customers, 1,411 with no repeat purchase", () => {
  expect(summary).toHaveLength(2357);
  expect(summary.filter((s) => s.x === 0)).toHaveLength(1411);
});

test("ln Γ matches known values", () => {
  expect(lnGamma(1)).toBeCloseTo(0, 12);
  expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
  expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 10);
  // The sum-of-logs shortcut and ln Γ agree: ln Γ(0.3 + 7) − ln Γ(0.3) = Σ ln(0.3 + k), k < 7.
  expect(lnGamma(7.3) - lnGamma(0.3)).toBeCloseTo([0, 1, 2, 3, 4, 5, 6].reduce((s, k) => s + Math.log(0.3 + k), 0), 10);
});

test("the log-likelihood at the published estimates is the published −9582.4", () => {
  expect(bgnbdLogLikelihood(PUBLISHED, summary)).toBeCloseTo(-9582.4, 0);
});

test("the maximum-likelihood fit finds the published estimates within 0.5 %", () => {
  const fit = fitBgnbd(summary);
  expect(fit.converged).toBe(true);
  for (const k of ["r", "alpha", "a", "b"] as const) expect(Math.abs(fit.params[k] / PUBLISHED[k] - 1)).toBeLessThan(0.005);
  expect(fit.logLikelihood).toBeCloseTo(-9582.43, 1);
  // In days instead of weeks: the same fit, with α seven times as large (the paper's 4.4135 weeks = 30.89 days).
  const days = fitBgnbd(summary.map((s) => ({ x: s.x, tx: s.tx * 7, T: s.T * 7 })));
  expect(days.params.alpha).toBeCloseTo(fit.params.alpha * 7, 1);
  expect(days.params.r).toBeCloseTo(fit.params.r, 3);
});

test("P(alive): 1 with no repeat purchase; the closed form for x > 0; more recent last purchase, more likely alive", () => {
  expect(pAlive(PUBLISHED, { x: 0, tx: 0, T: 38 })).toBe(1);
  // x = 2, t_x = 30.43, T = 38.86 (the summary's first customer), worked by hand:
  // 1 / (1 + (0.7929 / (2.4258 + 1)) · ((4.4135 + 38.86) / (4.4135 + 30.43))^(0.2426 + 2)).
  const hand = 1 / (1 + (0.7929 / 3.4258) * ((4.4135 + 38.86) / (4.4135 + 30.43)) ** 2.2426);
  expect(pAlive(PUBLISHED, { x: 2, tx: 30.43, T: 38.86 })).toBeCloseTo(hand, 12);
  const byRecency = [5, 15, 25, 35].map((tx) => pAlive(PUBLISHED, { x: 3, tx, T: 38 }));
  for (let i = 1; i < byRecency.length; i++) expect(byRecency[i]).toBeGreaterThan(byRecency[i - 1]);
});

test("expected purchases: the paper's customer (x = 2, t_x = 30.43, T = 38.86) makes 1.226 in the next 39 weeks", () => {
  expect(expectedPurchases(PUBLISHED, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 3);
  // Nothing in no time; more in a longer horizon.
  expect(expectedPurchases(PUBLISHED, { x: 2, tx: 30.43, T: 38.86 }, 0)).toBeCloseTo(0, 12);
  expect(expectedPurchases(PUBLISHED, { x: 2, tx: 30.43, T: 38.86 }, 78)).toBeGreaterThan(1.226);
});

test("the summary built from the CDNOW transactions (days) is the published one (weeks): x equal, t_x and T × 7", () => {
  // CDNOW_sample.txt: customer id, id in the sample, YYYYMMDD, quantity, amount. The calibration period is the 39
  // weeks to 1997-09-30; as of that day.
  const dayOf = (ymd: string) => Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(4, 6)) - 1, Number(ymd.slice(6, 8))) / 86_400_000;
  const D = dayOf("19970930");
  const byCustomer = new Map<number, number[]>();
  for (const line of readFileSync(join(__dirname, "..", "fixtures", "cdnow", "CDNOW_sample.txt"), "utf8").trim().split("\n")) {
    const [, id, ymd] = line.trim().split(/\s+/);
    const list = byCustomer.get(Number(id)) ?? byCustomer.set(Number(id), []).get(Number(id))!;
    list.push(dayOf(ymd));
  }
  expect(byCustomer.size).toBe(2357);
  let worst = 0;
  for (let id = 1; id <= 2357; id++) {
    const s = summaryOfDays(byCustomer.get(id)!, D)!;
    const published = summary[id - 1];
    expect([id, s.x]).toEqual([id, published.x]);
    worst = Math.max(worst, Math.abs(s.tx / 7 - published.tx), Math.abs(s.T / 7 - published.T));
  }
  // The published weeks are rounded to two decimals.
  expect(worst).toBeLessThanOrEqual(0.005 + 1e-9);
});

test("Gamma-Gamma on CDNOW's 946 repeat customers: lifetimes' published p 6.25, q 3.74, γ 15.45 within 1 %; customer 1's value 24.66", () => {
  const rows = readFileSync(join(__dirname, "..", "fixtures", "cdnow", "cdnow_customers_summary_with_transactions.csv"), "utf8")
    .trim().split("\n").slice(1).map((line) => {
      const [, x, , , zbar] = line.split(",").map(Number);
      return { x, m: zbar };
    });
  expect(rows.filter((r) => r.x > 0)).toHaveLength(946);
  const fit = fitGammaGamma(rows);
  expect(fit.converged).toBe(true);
  const published = { p: 6.25, q: 3.74, gamma: 15.45 };
  for (const k of ["p", "q", "gamma"] as const) expect([k, Math.abs(fit.params[k] / published[k] - 1) < 0.01]).toEqual([k, true]);
  // lifetimes' conditional expected average profit for customer 1 (x = 2, mean 22.35): 24.658619.
  expect(expectedPurchaseValue(fit.params, 2, 22.35)).toBeCloseTo(24.6586, 2);
});

test("the unconditional expectation matches Hardie's spreadsheet as lifetimes' test suite quotes it (weeks 0.1429 … 78)", () => {
  // lifetimes tests/test_estimation.py, test_expectation_returns_same_value_Hardie_excel_sheet: to 3 decimals.
  const fit = fitBgnbd(summary);
  const times = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
  const expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
  times.forEach((t, i) => expect([t, Math.abs(expectedPurchasesFromStart(fit.params, t) - expected[i]) < 0.0015]).toEqual([t, true]));
  expect(expectedPurchasesFromStart(fit.params, 0)).toBeCloseTo(0, 12);
});

test("Gamma-Gamma: the expected value of a purchase for CDNOW's first ten customers, from Hardie's spreadsheet (lifetimes' test)", () => {
  // lifetimes tests/test_estimation.py, test_conditional_expected_average_profit: p 6.25, q 3.74, v 15.44, within 0.1.
  const rows = readFileSync(join(__dirname, "..", "fixtures", "cdnow", "cdnow_customers_summary_with_transactions.csv"), "utf8").trim().split("\n").slice(1, 11)
    .map((line) => line.split(",").map(Number));
  const expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17];
  rows.forEach(([id, x, , , zbar], i) => expect([id, Math.abs(expectedPurchaseValue({ p: 6.25, q: 3.74, gamma: 15.44 }, x, zbar) - expected[i]) <= 0.1]).toEqual([id, true]));
});

test("P(alive) stays within [0, 1] over a grid, and a customer of 1,000 purchases long silent is 0, not NaN (lifetimes' tests)", () => {
  for (let x = 0; x < 100; x += 10) for (let tx = 0; tx < 100; tx += 10) for (let T = tx; T < 100; T += 10) {
    const p = pAlive(PUBLISHED, { x, tx, T });
    expect(p >= 0 && p <= 1).toBe(true);
  }
  expect(pAlive(PUBLISHED, { x: 1000, tx: 10, T: 100 })).toBe(0);
  expect(expectedPurchases(PUBLISHED, { x: 1000, tx: 10, T: 100 }, 39)).toBe(0);
});

test("the analytic gradients agree with central differences of the log-likelihoods", () => {
  const f = bgnbdObjective(groupSummaries(summary));
  const v = [Math.log(0.3), Math.log(5), Math.log(0.7), Math.log(2)];
  const g = f(v).grad;
  for (let j = 0; j < 4; j++) {
    const h = 1e-5;
    const up = [...v], down = [...v];
    up[j] += h;
    down[j] -= h;
    expect(g[j]).toBeCloseTo((f(up).value - f(down).value) / (2 * h), 3);
  }
  const gg = gammaGammaObjective([{ x: 1, m: 10 }, { x: 3, m: 25.5 }, { x: 7, m: 4 }, { x: 2, m: 120 }]);
  const w = [Math.log(4), Math.log(2.5), Math.log(12)];
  const gw = gg(w).grad;
  for (let j = 0; j < 3; j++) {
    const h = 1e-6;
    const up = [...w], down = [...w];
    up[j] += h;
    down[j] -= h;
    expect(gw[j]).toBeCloseTo((gg(up).value - gg(down).value) / (2 * h), 5);
  }
  // ψ against known values: ψ(1) = −γ (Euler–Mascheroni), ψ(1/2) = −γ − 2 ln 2, ψ(10) = H₉ − γ.
  const euler = 0.5772156649015329;
  expect(digamma(1)).toBeCloseTo(-euler, 12);
  expect(digamma(0.5)).toBeCloseTo(-euler - 2 * Math.LN2, 12);
  expect(digamma(10)).toBeCloseTo([1, 2, 3, 4, 5, 6, 7, 8, 9].reduce((s, k) => s + 1 / k, 0) - euler, 12);
});

test("BFGS finds the minimum of Rosenbrock's function from (−1.2, 1)", () => {
  const rosen = (v: readonly number[]) => ({
    value: 100 * (v[1] - v[0] ** 2) ** 2 + (1 - v[0]) ** 2,
    grad: [-400 * v[0] * (v[1] - v[0] ** 2) - 2 * (1 - v[0]), 200 * (v[1] - v[0] ** 2)],
  });
  const run = bfgs(rosen, [-1.2, 1], { gtol: 1e-8, maxIter: 500 });
  expect(run.converged).toBe(true);
  expect(run.x[0]).toBeCloseTo(1, 6);
  expect(run.x[1]).toBeCloseTo(1, 6);
});

test("customers drawn from the BG/NBD process with known parameters: the fit finds them again", () => {
  // 20,000 customers in days: λ ~ Gamma(r, α), p ~ Beta(a, b); after each repeat purchase a customer leaves with
  // probability p. A seeded generator (mulberry32), so the draw is the same every run.
  let seed = 20261204;
  const rnd = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const gammaDraw = (k: number): number => {
    if (k < 1) return gammaDraw(k + 1) * rnd() ** (1 / k);
    const d = k - 1 / 3, c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = Math.sqrt(-2 * Math.log(rnd())) * Math.cos(2 * Math.PI * rnd());
      const v = (1 + c * z) ** 3;
      if (v > 0 && Math.log(rnd()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  const truth = { r: 0.4, alpha: 40, a: 0.9, b: 3 };
  const D = 730;
  const drawn: PurchaseSummary[] = [];
  for (let i = 0; i < 20_000; i++) {
    const lambda = gammaDraw(truth.r) / truth.alpha;
    const u = gammaDraw(truth.a);
    const p = u / (u + gammaDraw(truth.b));
    const first = Math.floor(rnd() * 365);
    const days = [first];
    for (let t = first; ;) {
      t += -Math.log(rnd()) / lambda;
      if (t > D) break;
      days.push(t);
      if (rnd() < p) break;
    }
    drawn.push(summaryOfDays(days, D)!);
  }
  const fit = fitBgnbd(drawn);
  expect(fit.converged).toBe(true);
  // Within 10 % of the truth: the sampling error of 20,000 customers, not the fit's.
  for (const k of ["r", "alpha", "a", "b"] as const) expect([k, Math.abs(fit.params[k] / truth[k] - 1) < 0.1]).toEqual([k, true]);
});

test("expected purchases by Euler's transformation equal the paper's form, and stay finite for a customer of 600 purchase days", () => {
  // Equation 10 as the paper writes it, term by term (the form that overflows for large x).
  const paper = (P: typeof PUBLISHED, x: number, tx: number, T: number, t: number) => {
    const { r, alpha, a, b } = P;
    const head = (a + b + x - 1) / (a - 1);
    const grow = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
    return (head * grow) / (x > 0 ? 1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) : 1);
  };
  for (const [x, tx, T, t] of [[0, 0, 38, 39], [2, 30.43, 38.86, 39], [7, 35, 38, 10], [40, 37, 38.5, 52]]) {
    expect([x, expectedPurchases(PUBLISHED, { x, tx, T }, t)]).toEqual([x, expect.closeToRel(paper(PUBLISHED, x, tx, T, t))]);
  }
  // 600 purchase days in two years, the last yesterday, over the longest horizon the rules allow (3,650 days; α in
  // days): the paper's form overflows there ((1 − z)^−(r+x) with 1 − z = 761/4,411 is e^1054) and gives no number.
  const days = { ...PUBLISHED, alpha: PUBLISHED.alpha * 7 };
  expect(Number.isFinite(paper(days, 600, 729, 730, 3650))).toBe(false);
  const e = expectedPurchases(days, { x: 600, tx: 729, T: 730 }, 3650);
  expect(Number.isFinite(e)).toBe(true);
  // At most the customer's own rate kept up for the whole horizon (600 in 730 days → 3,000 in 3,650), less as it may leave.
  expect(e).toBeGreaterThan(0);
  expect(e).toBeLessThan((600 * 3650) / 730);
  // And over 90 days, close to its own rate (about 74): nearly sure to be alive after a purchase yesterday.
  expect(expectedPurchases(days, { x: 600, tx: 729, T: 730 }, 90)).toBeGreaterThan(60);
});
