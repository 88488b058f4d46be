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

/**
 * The BG/NBD log-likelihood of a population (Fader, Hardie & Lee 2005, equation 6) at given parameters: the fit's own
 * objective (bgnbdObjective) evaluated once.
 */
export function bgnbdLogLikelihood(p: BgnbdParams, customers: readonly PurchaseSummary[]): number {
  return -bgnbdObjective(groupSummaries(customers))([Math.log(p.r), Math.log(p.alpha), Math.log(p.a), Math.log(p.b)]).value;
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

/** A function to minimise with its gradient (the fits' negative log-likelihoods on log-parameters). */
export type Objective = (v: readonly number[]) => { value: number; grad: number[] };

/**
 * Minimises f by BFGS (inverse-Hessian updates, backtracking line search) from `start`, until every component of
 * the gradient is within `gtol`. `converged`: that happened before `maxIter` steps or a line search that found no
 * lower value.
 */
export function bfgs(f: Objective, start: readonly number[], opts: { gtol: number; maxIter?: number }): { x: number[]; value: number; converged: boolean; iterations: number } {
  const n = start.length;
  const maxIter = opts.maxIter ?? 200;
  let x = [...start];
  let cur = f(x);
  if (!Number.isFinite(cur.value)) return { x, value: cur.value, converged: false, iterations: 0 };
  // The inverse Hessian, row by row; the identity until the first step gives it a scale.
  let H: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const small = (g: number[]) => g.every((gi) => Math.abs(gi) <= opts.gtol);
  for (let it = 0; it < maxIter; it++) {
    if (small(cur.grad)) return { x, value: cur.value, converged: true, iterations: it };
    let dir = H.map((row) => -row.reduce((s, h, j) => s + h * cur.grad[j], 0));
    let slope = dir.reduce((s, d, j) => s + d * cur.grad[j], 0);
    if (!(slope < 0)) {
      // Not a descent direction (H lost its curvature): start again along the gradient.
      H = H.map((row, i) => row.map((_, j) => (i === j ? 1 : 0)));
      dir = cur.grad.map((g) => -g);
      slope = -cur.grad.reduce((s, g) => s + g * g, 0);
    }
    // A step of at most 1 in any log-parameter (a factor of e), then halved until the value falls enough (Armijo).
    let t = Math.min(1, 1 / Math.max(...dir.map(Math.abs)));
    let next: { value: number; grad: number[] } | null = null;
    let xn: number[] = x;
    for (let k = 0; k < 60; k++, t /= 2) {
      xn = x.map((xi, j) => xi + t * dir[j]);
      const cand = f(xn);
      if (Number.isFinite(cand.value) && cand.value <= cur.value + 1e-4 * t * slope) {
        next = cand;
        break;
      }
    }
    if (next === null) return { x, value: cur.value, converged: small(cur.grad), iterations: it };
    const s = xn.map((v, j) => v - x[j]);
    const y = next.grad.map((g, j) => g - cur.grad[j]);
    const sy = s.reduce((acc, v, j) => acc + v * y[j], 0);
    if (sy > 1e-12) {
      if (it === 0) {
        const scale = sy / y.reduce((acc, v) => acc + v * v, 0);
        H = H.map((row) => row.map((h) => h * scale));
      }
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
      const rho = 1 / sy;
      const Hy = H.map((row) => row.reduce((acc, h, j) => acc + h * y[j], 0));
      const yHy = y.reduce((acc, v, j) => acc + v * Hy[j], 0);
      H = H.map((row, i) => row.map((h, j) => h - rho * (Hy[i] * s[j] + s[i] * Hy[j]) + (rho * rho * yHy + rho) * s[i] * s[j]));
    }
    x = xn;
    cur = next;
  }
  return { x, value: cur.value, converged: small(cur.grad), iterations: maxIter };
}

/**
 * The lowest of f from several starts: from each, Nelder–Mead to a loose tolerance (robust far from the optimum,
 * on `coarse`, a cheaper version of f over a sample when the data are large); then BFGS on f with its gradient to
 * `gtol`, from the best of those ends and from every other end that lies apart from the ones polished (another
 * local optimum), never twice for the same one. The lowest end wins, and `converged` is that run's.
 */
function minimiseFromStarts(f: Objective, starts: readonly number[][], gtol: number, coarse: Objective = f): { x: number[]; value: number; converged: boolean } {
  const value = (v: number[]) => {
    const r = coarse(v).value;
    return Number.isFinite(r) ? r : Number.MAX_VALUE;
  };
  const rough = starts.map((s) => nelderMead(value, s, { tol: 1e-7, maxIter: 2_000 })).sort((p, q) => p.value - q.value);
  const polished: number[][] = [];
  let best: { x: number[]; value: number; converged: boolean } | null = null;
  for (const r of rough) {
    // The same optimum as one already polished (every log-parameter within 0.01): nothing to gain from it again.
    if (polished.some((p) => p.every((v, j) => Math.abs(v - r.x[j]) < 0.01))) continue;
    const run = bfgs(f, r.x, { gtol });
    polished.push(r.x);
    if (Number.isFinite(run.value) && (!best || run.value < best.value)) best = run;
  }
  return best ?? { x: [...starts[0]], value: NaN, converged: false };
}

/** A log-parameter this far from 0 (a parameter beyond e^±25) means the fit ran off to a boundary: not converged. */
const LOG_PARAM_LIMIT = 25;

/** Summaries with identical (x, t_x, T), counted once with their weight (t_x does not matter when x = 0). */
export interface GroupedSummaries {
  x: Float64Array;
  tx: Float64Array;
  T: Float64Array;
  w: Float64Array;
  length: number;
  customers: number;
  maxX: number;
}

export function groupSummaries(customers: readonly PurchaseSummary[]): GroupedSummaries {
  return groupColumns(Float64Array.from(customers, (s) => s.x), Float64Array.from(customers, (s) => s.tx), Float64Array.from(customers, (s) => s.T));
}

/** groupSummaries over columns: customer i has x[i], tx[i], T[i]; those with x NaN (no purchase) are left out. */
export function groupColumns(x: Float64Array | Int32Array, tx: Float64Array | Int32Array, T: Float64Array | Int32Array): GroupedSummaries {
  const ids: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] >= 0) ids.push(i);
  const txOf = (i: number) => (x[i] === 0 ? 0 : tx[i]);
  const gx: number[] = [], gtx: number[] = [], gT: number[] = [], gw: number[] = [];
  const add = (xi: number, txi: number, Ti: number) => {
    const last = gx.length - 1;
    if (last >= 0 && gx[last] === xi && gtx[last] === txi && gT[last] === Ti) gw[last]++;
    else {
      gx.push(xi);
      gtx.push(txi);
      gT.push(Ti);
      gw.push(1);
    }
  };
  // Sorted, then each run of equal summaries is one group (no string keys). Whole days sort as one number each,
  // (x·s + t_x)·s + T below 2^53, by the typed array's own sort (far faster than a comparator), and are read back
  // from the number.
  let span = 1;
  let whole = true;
  for (const i of ids) {
    whole &&= Number.isInteger(x[i]) && Number.isInteger(tx[i]) && Number.isInteger(T[i]) && tx[i] >= 0 && T[i] >= 0;
    span = Math.max(span, T[i] + 1, tx[i] + 1, x[i] + 1);
  }
  if (whole && span ** 3 < 2 ** 53) {
    const keys = Float64Array.from(ids, (i) => (x[i] * span + txOf(i)) * span + T[i]).sort();
    for (const k of keys) add(Math.floor(k / (span * span)), Math.floor(k / span) % span, k % span);
  } else {
    for (const i of Int32Array.from(ids).sort((i, j) => x[i] - x[j] || txOf(i) - txOf(j) || T[i] - T[j])) add(x[i], txOf(i), T[i]);
  }
  const maxX = gx.reduce((m, v) => Math.max(m, v), 0);
  return { x: Float64Array.from(gx), tx: Float64Array.from(gtx), T: Float64Array.from(gT), w: Float64Array.from(gw), length: gx.length, customers: ids.length, maxX };
}

/** Every k-th group, its weight scaled by k: a cheap likeness of the whole for the first, rough search. */
function everyKth(g: GroupedSummaries, k: number): GroupedSummaries {
  const pick = (a: Float64Array) => a.filter((_, i) => i % k === 0);
  const x = pick(g.x);
  return { x, tx: pick(g.tx), T: pick(g.T), w: pick(g.w).map((w) => w * k), length: x.length, customers: g.customers, maxX: g.maxX };
}

/**
 * The BG/NBD negative log-likelihood of grouped summaries (equation 6) and its gradient, on log-parameters
 * v = ln(r, α, a, b): ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 * + ln[(α+T)^−(r+x) + δ(x>0) a/(b+x−1) (α+t_x)^−(r+x)]. The whole-x ln Γ differences are sums of logs (and their
 * derivatives sums of reciprocals), made once per evaluation for every x up to the largest.
 */
export function bgnbdObjective(g: GroupedSummaries): Objective {
  // Whole days (the product's summaries): ln(α + T) and ln(α + t_x) are tabled once per evaluation for every day up
  // to the largest, so a group costs one exponential and one logarithm.
  let maxDay = 0;
  let whole = true;
  for (let i = 0; i < g.length && whole; i++) {
    whole = Number.isInteger(g.T[i]) && Number.isInteger(g.tx[i]) && g.T[i] >= 0 && g.tx[i] >= 0;
    if (g.T[i] > maxDay) maxDay = g.T[i];
  }
  if (maxDay > 100_000) whole = false;
  const lnDay = whole ? new Float64Array(maxDay + 1) : null;
  return (v) => {
    const r = Math.exp(v[0]), alpha = Math.exp(v[1]), a = Math.exp(v[2]), b = Math.exp(v[3]);
    const m = g.maxX;
    const lr = new Float64Array(m + 1), lb = new Float64Array(m + 1), lab = new Float64Array(m + 1);
    const dr = new Float64Array(m + 1), db = new Float64Array(m + 1), dab = new Float64Array(m + 1);
    /** ln(b + x − 1) for x ≥ 1. */
    const lbx = new Float64Array(m + 1);
    for (let k = 0; k < m; k++) {
      lr[k + 1] = lr[k] + Math.log(r + k);
      lb[k + 1] = lb[k] + Math.log(b + k);
      lab[k + 1] = lab[k] + Math.log(a + b + k);
      dr[k + 1] = dr[k] + 1 / (r + k);
      db[k + 1] = db[k] + 1 / (b + k);
      dab[k + 1] = dab[k] + 1 / (a + b + k);
      lbx[k + 1] = Math.log(b + k);
    }
    if (lnDay) for (let d = 0; d <= maxDay; d++) lnDay[d] = Math.log(alpha + d);
    const lnAlpha = Math.log(alpha), lnA = Math.log(a);
    let ll = 0, gr = 0, gal = 0, ga = 0, gb = 0;
    for (let i = 0; i < g.length; i++) {
      const x = g.x[i], w = g.w[i], T = g.T[i];
      const lT = lnDay ? lnDay[T] : Math.log(alpha + T);
      const a3 = -(r + x) * lT;
      // L = ln(e^a3 + e^a4), and w4 = e^(a4 − L), the share of the "dropped out after t_x" term.
      let L = a3, w4 = 0, ltx = 0;
      if (x > 0) {
        const tx = g.tx[i];
        ltx = lnDay ? lnDay[tx] : Math.log(alpha + tx);
        const a4 = lnA - lbx[x] - (r + x) * ltx;
        const e = Math.exp(-Math.abs(a4 - a3));
        L = Math.max(a3, a4) + Math.log1p(e);
        w4 = a4 >= a3 ? 1 / (1 + e) : e / (1 + e);
      }
      const w3 = 1 - w4;
      ll += w * (lr[x] + r * lnAlpha + lb[x] - lab[x] + L);
      // ∂/∂θ, then × θ for the log-parameter.
      gr += w * (dr[x] + lnAlpha - w3 * lT - w4 * ltx);
      gal += w * (r / alpha - (r + x) * (w3 / (alpha + T) + (x > 0 ? w4 / (alpha + g.tx[i]) : 0)));
      ga += w * (-dab[x] + w4 / a);
      gb += w * (db[x] - dab[x] - (x > 0 ? w4 / (b + x - 1) : 0));
    }
    return { value: -ll, grad: [-gr * r, -gal * alpha, -ga * a, -gb * b] };
  };
}

/** Above this many distinct summaries the rough search runs on a sample of them. */
const ROUGH_SAMPLE = 8_000;

export interface BgnbdFit {
  params: BgnbdParams;
  logLikelihood: number;
  converged: boolean;
}

/**
 * The maximum-likelihood BG/NBD parameters of a population, on log-parameters (all four stay positive): from three
 * starts, Nelder–Mead then BFGS with the analytic gradient; the best wins. Identical summaries are evaluated once.
 * `converged`: the gradient vanished (to 1e-7 of the log-likelihood) and no parameter ran off to 0 or infinity.
 */
export function fitBgnbd(customers: readonly PurchaseSummary[] | GroupedSummaries): BgnbdFit {
  const g = "w" in customers ? customers : groupSummaries(customers as readonly PurchaseSummary[]);
  const f = bgnbdObjective(g);
  const coarse = g.length > ROUGH_SAMPLE ? bgnbdObjective(everyKth(g, Math.ceil(g.length / ROUGH_SAMPLE))) : f;
  // The scale of time: α starts at the mean age, so a fit in days starts where one in weeks does.
  let sumT = 0;
  for (let i = 0; i < g.length; i++) sumT += g.w[i] * g.T[i];
  const lnT = Math.log(Math.max(sumT / Math.max(1, g.customers), 1e-6));
  const starts = [[0, lnT, 0, 0], [Math.log(0.5), lnT - Math.log(4), Math.log(0.5), Math.log(2)], [Math.log(2), lnT + Math.log(2), Math.log(2), Math.log(5)]];
  const gtol = 1e-7 * Math.max(1, Math.abs(f(starts[0]).value));
  const best = minimiseFromStarts(f, starts, gtol, coarse);
  const x = best.x;
  return {
    params: { r: Math.exp(x[0]), alpha: Math.exp(x[1]), a: Math.exp(x[2]), b: Math.exp(x[3]) },
    logLikelihood: -best.value,
    converged: best.converged && x.every((v) => Math.abs(v) < LOG_PARAM_LIMIT),
  };
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
 * (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)] / [1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)],
 * z = t/(α+T+t). Euler's transformation ₂F₁(A, B; C; z) = (1−z)^(C−A−B) ₂F₁(C−A, C−B; C; z), with 1 − z = (α+T)/(α+T+t),
 * turns the bracket into 1 − (1−z)^(a−1) ₂F₁(a+b−1−r, a−1; a+b+x−1; z): the same number, without the (1−z)^−(x+…)
 * growth that overflows for a customer of hundreds of purchase days, and a series that converges faster as x grows.
 */
export function expectedPurchases(p: BgnbdParams, s: PurchaseSummary, t: number): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = s;
  const head = (a + b + x - 1) / (a - 1);
  const z = t / (alpha + T + t);
  const grow = 1 - Math.exp((a - 1) * (Math.log(alpha + T) - Math.log(alpha + T + t))) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const alive = x > 0 ? 1 + (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx))) : 1;
  return (head * grow) / alive;
}

/**
 * The purchases a new customer makes in its first t time units (the paper's equation 7, unconditional): equation 10
 * for a customer with no purchase history yet (x = t_x = T = 0), which is the same formula.
 */
export function expectedPurchasesFromStart(p: BgnbdParams, t: number): number {
  return expectedPurchases(p, { x: 0, tx: 0, T: 0 }, t);
}

/** A customer's summary with, for Gamma-Gamma, its repeat days of known value and their mean value (NaN when none). */
export interface OrderSummary extends PurchaseSummary {
  valueDays: number;
  meanValue: number;
}

/**
 * A customer's purchase summary from its orders (DOMAIN.md section 8b): x = distinct purchase days − 1 (the repeat
 * purchases; orders of one day are one purchase, their amounts added together), t_x = days from the first purchase
 * day to the last, T = days from the first to the as-of day D, and the mean value of the repeat days whose amount is
 * known (an amount of NaN is not known). Orders after D are not counted. Null without a purchase day.
 */
export function summaryOfOrders(orders: readonly { day: number; amount: number }[], D: number): OrderSummary | null {
  const byDay = new Map<number, { sum: number; known: boolean }>();
  for (const o of orders) {
    const d = Math.floor(o.day);
    if (!Number.isFinite(d) || d > D) continue;
    const day = byDay.get(d) ?? byDay.set(d, { sum: 0, known: false }).get(d)!;
    if (!Number.isNaN(o.amount)) {
      day.sum += o.amount;
      day.known = true;
    }
  }
  if (byDay.size === 0) return null;
  const days = [...byDay.keys()].sort((p, q) => p - q);
  let valueDays = 0;
  let total = 0;
  for (const d of days.slice(1)) {
    const day = byDay.get(d)!;
    if (!day.known) continue;
    valueDays++;
    total += day.sum;
  }
  return { x: days.length - 1, tx: days[days.length - 1] - days[0], T: D - days[0], valueDays, meanValue: valueDays > 0 ? total / valueDays : NaN };
}

/** The summary of purchases on these days (no amounts). */
export function summaryOfDays(days: readonly number[], D: number): PurchaseSummary | null {
  const s = summaryOfOrders(days.map((day) => ({ day, amount: NaN })), D);
  return s && { x: s.x, tx: s.tx, T: s.T };
}

// ── Gamma-Gamma: the value of a purchase (Fader, Hardie & Lee 2005, "RFM and CLV") ──

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** ψ(z), the digamma function, for z > 0: the recurrence up to 10, then the asymptotic series. */
export function digamma(z: number): number {
  let acc = 0;
  while (z < 10) {
    acc -= 1 / z;
    z += 1;
  }
  const z2 = 1 / (z * z);
  return acc + Math.log(z) - 0.5 / z - z2 * (1 / 12 - z2 * (1 / 120 - z2 * (1 / 252 - z2 * (1 / 240 - z2 / 132))));
}

/** Customers with repeat purchases: x of them, of mean value m (both > 0). */
export interface RepeatSpend {
  x: number;
  m: number;
}

/**
 * The Gamma-Gamma negative log-likelihood and its gradient on log-parameters ln(p, q, γ). The ln Γ and ψ terms
 * depend on x alone, so they are made once per distinct x; each customer then costs one log.
 */
export function gammaGammaObjective(customers: readonly RepeatSpend[]): Objective {
  const used = customers.filter((c) => c.x > 0 && c.m > 0);
  const xs = [...new Set(used.map((c) => c.x))];
  const slot = new Map(xs.map((x, i) => [x, i]));
  const at = Int32Array.from(used.map((c) => slot.get(c.x)!));
  const x = Float64Array.from(used.map((c) => c.x));
  const m = Float64Array.from(used.map((c) => c.m));
  const lnM = m.map(Math.log);
  const lnX = x.map(Math.log);
  return (v) => {
    const p = Math.exp(v[0]), q = Math.exp(v[1]), gamma = Math.exp(v[2]);
    const lnG = Math.log(gamma);
    const gam = xs.map((xi) => lnGamma(p * xi + q) - lnGamma(p * xi) - lnGamma(q));
    const psiPQ = xs.map((xi) => digamma(p * xi + q));
    const psiP = xs.map((xi) => digamma(p * xi));
    const psiQ = digamma(q);
    let ll = 0, gp = 0, gq = 0, gg = 0;
    for (let i = 0; i < used.length; i++) {
      const k = at[i], xi = x[i], px = p * xi;
      const lxm = Math.log(xi * m[i] + gamma);
      ll += gam[k] + q * lnG + (px - 1) * lnM[i] + px * lnX[i] - (px + q) * lxm;
      gp += xi * (psiPQ[k] - psiP[k] + lnM[i] + lnX[i] - lxm);
      gq += psiPQ[k] - psiQ + lnG - lxm;
      gg += q / gamma - (px + q) / (xi * m[i] + gamma);
    }
    return { value: -ll, grad: [-gp * p, -gq * q, -gg * gamma] };
  };
}

/**
 * The maximum-likelihood Gamma-Gamma parameters of the customers with repeat purchases (x > 0, m > 0), on
 * log-parameters: Nelder–Mead then BFGS from two starts, as the BG/NBD fit.
 */
export function fitGammaGamma(customers: readonly RepeatSpend[]): { params: GammaGammaParams; logLikelihood: number; converged: boolean } {
  const used = customers.filter((c) => c.x > 0 && c.m > 0);
  const f = gammaGammaObjective(used);
  const every = Math.ceil(used.length / ROUGH_SAMPLE);
  const coarse = every > 1 ? gammaGammaObjective(used.filter((_, i) => i % every === 0)) : f;
  const meanM = used.reduce((s, c) => s + c.m, 0) / Math.max(1, used.length);
  const starts = [[0, 0, Math.log(Math.max(meanM, 1e-6))], [Math.log(5), Math.log(3), Math.log(Math.max(meanM / 2, 1e-6))]];
  const gtol = 1e-7 * Math.max(1, Math.abs(f(starts[0]).value));
  const best = minimiseFromStarts(f, starts, gtol, coarse);
  const v = best.x;
  return { params: { p: Math.exp(v[0]), q: Math.exp(v[1]), gamma: Math.exp(v[2]) }, logLikelihood: -best.value, converged: best.converged && v.every((u) => Math.abs(u) < LOG_PARAM_LIMIT) };
}

/** A customer's expected value per purchase given x repeat purchases of mean value m: p(γ + x m) / (p x + q − 1). */
export function expectedPurchaseValue(g: GammaGammaParams, x: number, m: number): number {
  return (g.p * (g.gamma + x * m)) / (g.p * x + g.q - 1);
}

// ── The book's customers: summaries from the Orders table, the fits, each customer's figures ──

/** One customer's figures (DOMAIN.md section 8b): 存活概率, 预计购买次数 and 预计价值 over the horizon. */
export interface ClvFigures {
  pAlive: number;
  expectedPurchases: number;
  /** Expected value of one purchase (Gamma-Gamma); null when that model did not fit. */
  expectedValue: number | null;
  /** expectedPurchases × expectedValue: the value to expect over the horizon, not discounted. */
  clv: number | null;
  /** The summary the figures come from: repeat purchase days (x), and days from the last purchase day to D (T − t_x). */
  repeatPurchases: number;
  daysSinceLastPurchase: number;
}

/** The BG/NBD fit as the report gives it; the parameters are null (never a guess) when `reason` says why there are none. */
export interface BgnbdReport {
  r: number | null;
  alpha: number | null;
  alphaWeeks: number | null;
  a: number | null;
  b: number | null;
  logLikelihood: number | null;
  converged: boolean;
  /** Customers with at least one dated order on or before the as-of day, and those with a repeat purchase day. */
  customers: number;
  repeatCustomers: number;
  timeUnit: "day";
  horizonDays: number;
  reason: string | null;
  reasonEn: string | null;
}

export interface GammaGammaReport {
  p: number | null;
  q: number | null;
  gamma: number | null;
  logLikelihood: number | null;
  converged: boolean;
  /** Customers with repeat purchase days of known, positive mean value: those the model is fitted on. */
  customers: number;
  /** The expected value of a purchase of a customer the book knows nothing of, p γ / (q − 1). */
  meanValue: number | null;
  /** Pearson correlation of repeat purchases and mean value; the model assumes the two independent (near 0). */
  frequencyValueCorrelation: number | null;
  reason: string | null;
  reasonEn: string | null;
}

export interface Clv {
  bgnbd: BgnbdReport;
  gammaGamma: GammaGammaReport;
  /** Customer c's figures; null without a dated order on or before the as-of day, or without a fit. */
  at(c: number): ClvFigures | null;
}

/** Customer-indexed orders: customer c's are order[start[c] .. start[c+1]) (detail.ts's CSR layout). */
interface OrderIndex {
  start: Int32Array;
  order: Int32Array;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * The figures of section 8b for every customer, from the Orders table's dates and amounts (NaN: not known). A day
 * is one purchase (its amounts added together); days after D are not counted. Fewer than `minRepeat` customers
 * with a repeat purchase day, or a fit that does not converge: no figures, and a reason in both languages.
 */
export function clvOfOrders(n: number, orders: OrderIndex, dates: Float64Array, amounts: Float64Array, D: number, horizonDays: number, minRepeat: number): Clv {
  // A book without orders allocates nothing per customer (a million-row customers sheet alone is common).
  if (orders.order.length === 0) n = 0;
  const x = new Float64Array(n).fill(NaN);
  const tx = new Float64Array(n);
  const T = new Float64Array(n);
  /** Repeat days of known value, and their mean value (NaN when none). */
  const xv = new Int32Array(n);
  const m = new Float64Array(n).fill(NaN);
  for (let c = 0; c < n; c++) {
    if (orders.start[c] === orders.start[c + 1]) continue;
    const mine: { day: number; amount: number }[] = [];
    for (let k = orders.start[c]; k < orders.start[c + 1]; k++) mine.push({ day: dates[orders.order[k]], amount: amounts[orders.order[k]] });
    const sum = summaryOfOrders(mine, D);
    if (!sum) continue;
    x[c] = sum.x;
    tx[c] = sum.tx;
    T[c] = sum.T;
    xv[c] = sum.valueDays;
    m[c] = sum.meanValue;
  }
  let customers = 0;
  let repeat = 0;
  for (let c = 0; c < n; c++) {
    if (x[c] >= 0) customers++;
    if (x[c] > 0) repeat++;
  }
  const bgnbd: BgnbdReport = { r: null, alpha: null, alphaWeeks: null, a: null, b: null, logLikelihood: null, converged: false, customers, repeatCustomers: repeat, timeUnit: "day", horizonDays, reason: null, reasonEn: null };
  const spenders: RepeatSpend[] = [];
  for (let c = 0; c < n; c++) if (xv[c] > 0 && m[c] > 0) spenders.push({ x: xv[c], m: m[c] });
  const gammaGamma: GammaGammaReport = { p: null, q: null, gamma: null, logLikelihood: null, converged: false, customers: spenders.length, meanValue: null, frequencyValueCorrelation: correlation(spenders), reason: null, reasonEn: null };
  const none = (zh: string, en: string): Clv => {
    bgnbd.reason = zh;
    bgnbd.reasonEn = en;
    gammaGamma.reason = "购买次数模型(BG/NBD)未拟合,不计算预计价值";
    gammaGamma.reasonEn = "The purchase model (BG/NBD) was not fitted, so no expected value is given";
    return { bgnbd, gammaGamma, at: () => null };
  };
  if (customers === 0) return none("订单表中没有截至分析日的带日期订单", "The Orders table has no dated order on or before the as-of date");
  if (repeat < minRepeat) {
    return none(
      `只有 ${repeat} 位客户有复购(在不同日期再次下单),少于拟合所需的 ${minRepeat} 位(规则 bgnbd.minRepeat)`,
      `Only ${repeat} customers bought again on a later day, fewer than the ${minRepeat} the fit needs (rule bgnbd.minRepeat)`,
    );
  }
  const fit = fitBgnbd(groupColumns(x, tx, T));
  if (!fit.converged) return none("BG/NBD 模型拟合未收敛(订单数据与模型假设不符,例如几乎所有复购都发生在同一时期)", "The BG/NBD fit did not converge (the orders do not suit the model, e.g. nearly all repeat purchases fall in one short period)");
  const P = fit.params;
  Object.assign(bgnbd, { r: round(P.r, 6), alpha: round(P.alpha, 6), alphaWeeks: round(P.alpha / 7, 6), a: round(P.a, 6), b: round(P.b, 6), logLikelihood: round(fit.logLikelihood, 4), converged: true });

  let G: GammaGammaParams | null = null;
  if (spenders.length < minRepeat) {
    gammaGamma.reason = `只有 ${spenders.length} 位复购客户有金额,少于拟合消费模型所需的 ${minRepeat} 位(规则 bgnbd.minRepeat)`;
    gammaGamma.reasonEn = `Only ${spenders.length} repeat customers have amounts, fewer than the ${minRepeat} the spend model needs (rule bgnbd.minRepeat)`;
  } else {
    const gg = fitGammaGamma(spenders);
    if (!gg.converged) {
      gammaGamma.reason = "消费模型(Gamma-Gamma)拟合未收敛";
      gammaGamma.reasonEn = "The spend model (Gamma-Gamma) fit did not converge";
    } else if (!(gg.params.q > 1)) {
      // q ≤ 1: the mean of the spend distribution is infinite; no expected value can be given.
      gammaGamma.reason = "客单价差异过大(模型参数 q ≤ 1),无法给出期望值";
      gammaGamma.reasonEn = "Purchase values vary too widely (the model's q ≤ 1): no expected value can be given";
    } else {
      G = gg.params;
      Object.assign(gammaGamma, { p: round(G.p, 6), q: round(G.q, 6), gamma: round(G.gamma, 6), logLikelihood: round(gg.logLikelihood, 4), converged: true, meanValue: round((G.p * G.gamma) / (G.q - 1), 2) });
    }
  }
  return {
    bgnbd,
    gammaGamma,
    at(c) {
      if (!(x[c] >= 0)) return null;
      const s = { x: x[c], tx: tx[c], T: T[c] };
      const purchases = expectedPurchases(P, s, horizonDays);
      // A customer without a repeat day of known positive value is valued as the population's purchase.
      const value = G === null ? null : xv[c] > 0 && m[c] > 0 ? expectedPurchaseValue(G, xv[c], m[c]) : expectedPurchaseValue(G, 0, 0);
      return {
        pAlive: round(pAlive(P, s), 4),
        expectedPurchases: round(purchases, 4),
        expectedValue: value === null ? null : round(value, 2),
        clv: value === null ? null : round(purchases * value, 2),
        repeatPurchases: x[c],
        daysSinceLastPurchase: T[c] - tx[c],
      };
    },
  };
}

function correlation(c: readonly RepeatSpend[]): number | null {
  if (c.length < 3) return null;
  let sx = 0, sm = 0;
  for (const v of c) {
    sx += v.x;
    sm += v.m;
  }
  const mx = sx / c.length, mm = sm / c.length;
  let cov = 0, vx = 0, vm = 0;
  for (const v of c) {
    cov += (v.x - mx) * (v.m - mm);
    vx += (v.x - mx) ** 2;
    vm += (v.m - mm) ** 2;
  }
  return vx > 0 && vm > 0 ? round(cov / Math.sqrt(vx * vm), 4) : null;
}
