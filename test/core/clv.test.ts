// BG/NBD (DOMAIN.md section 8b, issue 21) against the published CDNOW figures: the 2,357 customers' 39-week summary
// as Fader, Hardie & Lee (2005) fit it (test/fixtures/cdnow, from lifetimes under the MIT licence). The paper's
// maximum-likelihood estimates are r = 0.2426, α = 4.4135 (weeks), a = 0.7929, b = 2.4258 with log-likelihood
// −9582.4; P(alive) against its closed form at hand-picked customers.
import { readFileSync } from "fs";
import { join } from "path";
import { bgnbdLogLikelihood, fitBgnbd, lnGamma, pAlive, type PurchaseSummary } from "../../src/core/clv";

const summary: PurchaseSummary[] = readFileSync(join(__dirname, "..", "fixtures", "cdnow", "cdnow_customers_summary.csv"), "utf8")
  .trim().split("\n").slice(1).map((line) => {
    const [, x, tx, T] = line.split(",").map(Number);
    return { x, tx, T };
  });
const PUBLISHED = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 };

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
