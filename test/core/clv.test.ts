// BG/NBD (DOMAIN.md section 8b, issue 21) against the published CDNOW figures: the 2,357 customers' 39-week summary
// as Fader, Hardie & Lee (2005) fit it (test/fixtures/cdnow, from lifetimes under the MIT licence). The paper's
// maximum-likelihood estimates are r = 0.2426, α = 4.4135 (weeks), a = 0.7929, b = 2.4258 with log-likelihood
// −9582.4; P(alive) against its closed form at hand-picked customers.
import { readFileSync } from "fs";
import { join } from "path";
import { bgnbdLogLikelihood, expectedPurchases, expectedPurchaseValue, fitBgnbd, fitGammaGamma, lnGamma, pAlive, summaryOfDays, type PurchaseSummary } from "../../src/core/clv";

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
