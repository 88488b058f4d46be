// Analytic hierarchy process (层次分析法): pairwise comparison matrix → principal-eigenvector weights and
// Saaty's consistency ratio.

/** Saaty's random consistency index by matrix order (n = 1…15). */
export const RANDOM_INDEX: readonly number[] = [0, 0, 0, 0.58, 0.9, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59];

export interface AhpResult {
  weights: number[];
  lambdaMax: number;
  /** Consistency index (λmax − n) / (n − 1). */
  ci: number;
  /** Random index for n. */
  ri: number;
  /** Consistency ratio CI / RI (0 for n ≤ 2). */
  cr: number;
  /** CR < 0.10 (Saaty's threshold). */
  consistent: boolean;
}

export type AhpInput = readonly (readonly (number | string | null | undefined)[])[];

/** Reads `3`, `0.333`, `1/3` and blanks below the diagonal (taken as reciprocals). */
function entry(v: number | string | null | undefined): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : NaN;
  if (v === null || v === undefined || String(v).trim() === "") return null;
  const s = String(v).normalize("NFKC").replace(/\s/g, "");
  const m = /^(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(s);
  if (!m) return NaN;
  return m[2] === undefined ? Number(m[1]) : Number(m[1]) / Number(m[2]);
}

/**
 * Weights by the principal eigenvector (power iteration to 1e-12), λmax as the mean of (Aw)ᵢ/wᵢ.
 * Throws a RangeError naming the bad cell when the matrix is not square, positive and reciprocal.
 */
export function ahp(input: AhpInput): AhpResult {
  const n = input.length;
  if (n < 1 || n > 15) throw new RangeError(`matrix must have 1–15 rows, has ${n}`);
  const a: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (input[i].length !== n) throw new RangeError(`matrix must be square: row ${i + 1} has ${input[i].length} entries, expected ${n}`);
    a.push(input[i].map(entry) as number[]);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = a[i][j] as number | null;
      if (i === j) {
        if (v !== null && Math.abs(v - 1) > 1e-9) throw new RangeError(`diagonal entry (${i + 1},${j + 1}) must be 1`);
        a[i][j] = 1;
        continue;
      }
      const w = a[j][i] as number | null;
      if (v === null && (w === null || Number.isNaN(w))) throw new RangeError(`entry (${i + 1},${j + 1}) is missing`);
      if (v === null) continue;
      if (Number.isNaN(v) || v <= 0) throw new RangeError(`entry (${i + 1},${j + 1}) must be a positive number or a fraction like 1/3`);
      if (w !== null && !Number.isNaN(w) && Math.abs(v * w - 1) > 0.02) throw new RangeError(`entries (${i + 1},${j + 1}) and (${j + 1},${i + 1}) must be reciprocals`);
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (a[i][j] === null) a[i][j] = 1 / (a[j][i] as number);

  let w = new Array(n).fill(1 / n);
  for (let iter = 0; iter < 1000; iter++) {
    const next = a.map((row) => row.reduce((s, x, j) => s + x * w[j], 0));
    const sum = next.reduce((s, x) => s + x, 0);
    const norm = next.map((x) => x / sum);
    const delta = norm.reduce((d, x, i) => Math.max(d, Math.abs(x - w[i])), 0);
    w = norm;
    if (delta < 1e-12) break;
  }
  const aw = a.map((row) => row.reduce((s, x, j) => s + x * w[j], 0));
  const lambdaMax = aw.reduce((s, x, i) => s + x / w[i], 0) / n;
  const ci = n > 2 ? (lambdaMax - n) / (n - 1) : 0;
  const ri = RANDOM_INDEX[n];
  const cr = n > 2 ? ci / ri : 0;
  return { weights: w, lambdaMax, ci, ri, cr, consistent: cr < 0.1 };
}
