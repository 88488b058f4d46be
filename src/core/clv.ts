// Churn probability and lifetime value beyond the templates (DOMAIN.md section 8b): the BG/NBD model of Fader,
// Hardie & Lee (2005), "Counting your customers the easy way". Pure: per-customer summaries in, parameters and
// probabilities out. Time is in whatever unit the summaries use (the product uses days; the paper, weeks).

/** One customer's purchase summary: x repeat purchases, t_x the time of the last one, T the customer's age (both from the first purchase). */
export interface PurchaseSummary {
  x: number;
  tx: number;
  T: number;
}

export interface BgnbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos, g = 7: about 15 significant digits). */
export function lnGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  const x = z - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** ln(e^p + e^q), without overflow. */
function logAddExp(p: number, q: number): number {
  if (p === -Infinity) return q;
  if (q === -Infinity) return p;
  const m = Math.max(p, q);
  return m + Math.log(Math.exp(p - m) + Math.exp(q - m));
}

/**
 * One customer's BG/NBD log-likelihood (Fader, Hardie & Lee 2005, equation 6):
 * ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b) + ln[(α+T)^−(r+x) + δ(x>0) a/(b+x−1) (α+t_x)^−(r+x)].
 */
export function bgnbdCustomerLL(p: BgnbdParams, s: PurchaseSummary): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = s;
  const a1 = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha);
  const a2 = lnGamma(a + b) + lnGamma(b + x) - lnGamma(b) - lnGamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return a1 + a2 + logAddExp(a3, a4);
}

/**
 * The log-likelihood of a population. The ln Γ differences of equation 6 are sums of logs for whole x
 * (ln Γ(r+x) − ln Γ(r) = Σ ln(r+k), k < x), made once per evaluation for every x up to the largest: the fit
 * evaluates this a few thousand times.
 */
export function bgnbdLogLikelihood(p: BgnbdParams, customers: readonly PurchaseSummary[]): number {
  const { r, alpha, a, b } = p;
  let maxX = 0;
  for (const s of customers) if (Number.isInteger(s.x) && s.x > maxX) maxX = s.x;
  const lr = new Float64Array(maxX + 1);
  const lb = new Float64Array(maxX + 1);
  const lab = new Float64Array(maxX + 1);
  for (let k = 0; k < maxX; k++) {
    lr[k + 1] = lr[k] + Math.log(r + k);
    lb[k + 1] = lb[k] + Math.log(b + k);
    lab[k + 1] = lab[k] + Math.log(a + b + k);
  }
  const rLnAlpha = r * Math.log(alpha);
  const lnA = Math.log(a);
  let ll = 0;
  for (const s of customers) {
    const { x, tx, T } = s;
    if (!Number.isInteger(x) || x < 0) {
      ll += bgnbdCustomerLL(p, s);
      continue;
    }
    const a3 = -(r + x) * Math.log(alpha + T);
    const a4 = x > 0 ? lnA - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
    ll += lr[x] + rLnAlpha + lb[x] - lab[x] + logAddExp(a3, a4);
  }
  return ll;
}

/**
 * P(alive): the probability that a customer with this summary has not dropped out by T (the paper's equation 11):
 * 1 when x = 0, else 1 / (1 + δ a/(b+x−1) ((α+T)/(α+t_x))^(r+x)).
 */
export function pAlive(p: BgnbdParams, s: PurchaseSummary): number {
  if (s.x === 0) return 1;
  const ratio = (p.r + s.x) * (Math.log(p.alpha + s.T) - Math.log(p.alpha + s.tx));
  return 1 / (1 + Math.exp(Math.log(p.a) - Math.log(p.b + s.x - 1) + ratio));
}

/** Minimises f over R^n from `start` by Nelder–Mead (the standard coefficients), until the simplex's values agree to `tol`. */
export function nelderMead(f: (v: number[]) => number, start: number[], opts: { step?: number; tol?: number; maxIter?: number } = {}): { x: number[]; value: number; iterations: number; converged: boolean } {
  const n = start.length;
  const step = opts.step ?? 0.5;
  const tol = opts.tol ?? 1e-10;
  const maxIter = opts.maxIter ?? 5_000;
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, v: f(x) }));
  let it = 0;
  for (; it < maxIter; it++) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0];
    const worst = simplex[n];
    if (Math.abs(worst.v - best.v) <= tol * (Math.abs(best.v) + tol)) return { x: best.x, value: best.v, iterations: it, converged: true };
    const centroid = Array.from({ length: n }, (_, j) => simplex.slice(0, n).reduce((s, p) => s + p.x[j], 0) / n);
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j] - c));
    const reflected = along(-1);
    const fr = f(reflected);
    if (fr < best.v) {
      const expanded = along(-2);
      const fe = f(expanded);
      simplex[n] = fe < fr ? { x: expanded, v: fe } : { x: reflected, v: fr };
    } else if (fr < simplex[n - 1].v) {
      simplex[n] = { x: reflected, v: fr };
    } else {
      const contracted = fr < worst.v ? along(-0.5) : along(0.5);
      const fc = f(contracted);
      if (fc < Math.min(fr, worst.v)) simplex[n] = { x: contracted, v: fc };
      else simplex = simplex.map((p, i) => (i === 0 ? p : { x: p.x.map((v, j) => best.x[j] + 0.5 * (v - best.x[j])), v: NaN })).map((p) => (Number.isNaN(p.v) ? { x: p.x, v: f(p.x) } : p));
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0].x, value: simplex[0].v, iterations: it, converged: false };
}

/**
 * The lowest of f found by Nelder–Mead from each start, each run restarted from its own optimum (a smaller simplex)
 * until a restart no longer improves it; the best start wins.
 */
function minimiseFromStarts(f: (v: number[]) => number, starts: readonly number[][]): { x: number[]; value: number; converged: boolean } {
  let best: { x: number[]; value: number; converged: boolean } | null = null;
  for (const s of starts) {
    let run = nelderMead(f, s);
    for (let k = 0; k < 5; k++) {
      const again = nelderMead(f, run.x, { step: 0.1 });
      const still = again.value >= run.value - 1e-9 * Math.abs(run.value);
      run = again.value < run.value ? again : run;
      if (still) break;
    }
    if (!best || run.value < best.value) best = run;
  }
  return best!;
}

/**
 * The maximum-likelihood BG/NBD parameters of a population, on log-parameters (all four stay positive), by
 * Nelder–Mead from several starts, each restarted from its own optimum until it stops moving; the best wins.
 * `converged`: the best start's simplex agreed to the tolerance, and a restart from it found nothing better.
 */
export function fitBgnbd(customers: readonly PurchaseSummary[]): { params: BgnbdParams; logLikelihood: number; converged: boolean } {
  const negLL = (v: number[]) => {
    const ll = bgnbdLogLikelihood({ r: Math.exp(v[0]), alpha: Math.exp(v[1]), a: Math.exp(v[2]), b: Math.exp(v[3]) }, customers);
    return Number.isFinite(ll) ? -ll : Number.MAX_VALUE;
  };
  // The scale of time: α starts at the mean age, so a fit in days starts where one in weeks does.
  const meanT = customers.reduce((s, c) => s + c.T, 0) / Math.max(1, customers.length);
  const starts = [[0, Math.log(Math.max(meanT, 1e-6)), 0, 0], [Math.log(0.5), Math.log(Math.max(meanT / 4, 1e-6)), Math.log(0.5), Math.log(2)], [Math.log(2), Math.log(Math.max(meanT * 2, 1e-6)), Math.log(2), Math.log(5)]];
  const best = minimiseFromStarts(negLL, starts);
  const x = best.x;
  return { params: { r: Math.exp(x[0]), alpha: Math.exp(x[1]), a: Math.exp(x[2]), b: Math.exp(x[3]) }, logLikelihood: -best.value, converged: best.converged };
}

/** Gauss's hypergeometric function ₂F₁(a, b; c; z) for 0 ≤ z < 1, by its series (terms until they no longer add). */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 100_000; k++) {
    term *= ((a + k) * (b + k)) / ((c + k) * (k + 1)) * z;
    sum += term;
    if (Math.abs(term) <= 1e-15 * Math.abs(sum)) return sum;
  }
  return sum;
}

/**
 * The purchases to expect in the next t time units from a customer with this summary (the paper's equation 10):
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))] / [1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)].
 */
export function expectedPurchases(p: BgnbdParams, s: PurchaseSummary, t: number): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = s;
  const head = (a + b + x - 1) / (a - 1);
  const grow = 1 - Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t))) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
  const alive = x > 0 ? 1 + (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))) : 1;
  return (head * grow) / alive;
}

/**
 * A customer's purchase summary from the days of its orders (DOMAIN.md section 8b): x = distinct purchase days − 1
 * (the repeat purchases; orders of one day are one purchase), t_x = days from the first purchase day to the last,
 * T = days from the first to the as-of day D. Days after D are not counted. Null without a purchase day.
 */
export function summaryOfDays(days: readonly number[], D: number): PurchaseSummary | null {
  const distinct = [...new Set(days.filter((d) => Number.isFinite(d) && d <= D).map(Math.floor))].sort((p, q) => p - q);
  if (distinct.length === 0) return null;
  const first = distinct[0];
  return { x: distinct.length - 1, tx: distinct[distinct.length - 1] - first, T: D - first };
}

// ── Gamma-Gamma: the value of a purchase (Fader, Hardie & Lee 2005, "RFM and CLV") ──

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** One customer's Gamma-Gamma log-likelihood, x repeat purchases of mean value m (x > 0, m > 0). */
export function gammaGammaCustomerLL(g: GammaGammaParams, x: number, m: number): number {
  const { p, q, gamma } = g;
  return lnGamma(p * x + q) - lnGamma(p * x) - lnGamma(q) + q * Math.log(gamma) + (p * x - 1) * Math.log(m) + p * x * Math.log(x) - (p * x + q) * Math.log(x * m + gamma);
}

/** The maximum-likelihood Gamma-Gamma parameters of the customers with repeat purchases (x > 0, m > 0), on log-parameters. */
export function fitGammaGamma(customers: readonly { x: number; m: number }[]): { params: GammaGammaParams; logLikelihood: number; converged: boolean } {
  const used = customers.filter((c) => c.x > 0 && c.m > 0);
  const negLL = (v: number[]) => {
    const g = { p: Math.exp(v[0]), q: Math.exp(v[1]), gamma: Math.exp(v[2]) };
    let ll = 0;
    for (const c of used) ll += gammaGammaCustomerLL(g, c.x, c.m);
    return Number.isFinite(ll) ? -ll : Number.MAX_VALUE;
  };
  const meanM = used.reduce((s, c) => s + c.m, 0) / Math.max(1, used.length);
  const best = minimiseFromStarts(negLL, [[0, 0, Math.log(Math.max(meanM, 1e-6))], [Math.log(5), Math.log(3), Math.log(Math.max(meanM / 2, 1e-6))]]);
  const v = best.x;
  return { params: { p: Math.exp(v[0]), q: Math.exp(v[1]), gamma: Math.exp(v[2]) }, logLikelihood: -best.value, converged: best.converged };
}

/** A customer's expected value per purchase given x repeat purchases of mean value m: p(γ + x m) / (p x + q − 1). */
export function expectedPurchaseValue(g: GammaGammaParams, x: number, m: number): number {
  return (g.p * (g.gamma + x * m)) / (g.p * x + g.q - 1);
}
