// AHP (src/core/ahp.ts), DOMAIN.md section 5: principal-eigenvector weights and Saaty's consistency ratio.
import fc from "fast-check";
import { ahp, RANDOM_INDEX } from "../../src/core/ahp";

describe("Saaty's random index", () => {
  test("RI for n = 3..10 is 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49", () => {
    expect(RANDOM_INDEX.slice(3, 11)).toEqual([0.58, 0.9, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]);
    expect(RANDOM_INDEX[1]).toBe(0);
    expect(RANDOM_INDEX[2]).toBe(0);
  });
});

describe("the car-buying example (Cost, Safety, Style, Capacity)", () => {
  // Upper triangle as published; lower triangle reciprocals.
  const car = [
    [1, 3, 7, 3],
    [1 / 3, 1, 9, 1],
    [1 / 7, 1 / 9, 1, 1 / 7],
    [1 / 3, 1, 7, 1],
  ];
  // Reference values: w ≈ (0.510, 0.234, 0.041, 0.215), λmax ≈ 4.199, CI = (4.199 − 4)/3 = 0.0664,
  // CR = 0.0664 / 0.90 ≈ 0.074 (also checked with numpy.linalg.eig: 0.5101, 0.2344, 0.0405, 0.2151; 4.1992).
  test("weights, λmax, CI and CR", () => {
    const r = ahp(car);
    const expected = [0.51, 0.234, 0.041, 0.215];
    r.weights.forEach((w, i) => expect(Math.abs(w - expected[i])).toBeLessThanOrEqual(0.002));
    expect(r.weights.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(Math.abs(r.lambdaMax - 4.199)).toBeLessThanOrEqual(0.002);
    expect(r.ci).toBeCloseTo((r.lambdaMax - 4) / 3, 12);
    expect(r.ri).toBe(0.9);
    expect(Math.abs(r.cr - 0.074)).toBeLessThanOrEqual(0.002);
    expect(r.consistent).toBe(true); // CR < 0.10
  });

  test("upper triangle only, as text fractions, gives the same result", () => {
    const text = [
      ["1", "3", "7", "3"],
      ["", "1", "9", "1"],
      [null, "", "1", "1/7"],
      [undefined, null, "", "1"],
    ];
    const a = ahp(car);
    const b = ahp(text);
    b.weights.forEach((w, i) => expect(w).toBeCloseTo(a.weights[i], 9));
    expect(b.cr).toBeCloseTo(a.cr, 9);
  });

  test("blank upper triangle is filled from the lower triangle", () => {
    const lower = [
      [1, null, null, null],
      ["1/3", 1, null, null],
      ["1/7", "1/9", 1, null],
      ["1/3", 1, 7, 1],
    ];
    const r = ahp(lower);
    expect(Math.abs(r.weights[0] - 0.51)).toBeLessThanOrEqual(0.002);
    expect(Math.abs(r.cr - 0.074)).toBeLessThanOrEqual(0.002);
  });
});

describe("a consistent matrix", () => {
  // a_ij = w_i / w_j from w = (4/7, 2/7, 1/7): A = [[1,2,4],[1/2,1,2],[1/4,1/2,1]]; A·w = 3w, so λmax = n = 3, CI = CR = 0.
  test("returns exactly its weights and CR 0", () => {
    const r = ahp([
      [1, 2, 4],
      ["1/2", 1, 2],
      ["1/4", "1/2", 1],
    ]);
    [4 / 7, 2 / 7, 1 / 7].forEach((w, i) => expect(Math.abs(r.weights[i] - w)).toBeLessThanOrEqual(1e-9));
    expect(Math.abs(r.lambdaMax - 3)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(r.cr)).toBeLessThanOrEqual(1e-9);
    expect(r.consistent).toBe(true);
  });

  test("an inconsistent matrix is reported (CR ≥ 0.10)", () => {
    // A > B (9), B > C (9), but C > A (9): a cycle. Every row sums to 1 + 9 + 1/9, so (1,1,1) is the principal
    // eigenvector and λmax = 91/9 ≈ 10.111; CI = (91/9 − 3)/2 = 32/9 ≈ 3.556; CR = (32/9)/0.58 ≈ 6.130.
    const r = ahp([
      [1, 9, "1/9"],
      ["1/9", 1, 9],
      [9, "1/9", 1],
    ]);
    expect(r.lambdaMax).toBeCloseTo(91 / 9, 9);
    expect(r.cr).toBeCloseTo(32 / 9 / 0.58, 9);
    expect(r.consistent).toBe(false);
    r.weights.forEach((w) => expect(w).toBeCloseTo(1 / 3, 9)); // symmetric cycle: equal weights
  });
});

describe("bad matrices throw a RangeError naming the entry", () => {
  test("non-square", () => {
    expect(() => ahp([[1, 2], [0.5]])).toThrow(RangeError);
    expect(() => ahp([[1, 2], [0.5]])).toThrow(/row 2/);
    expect(() => ahp([[1, 2, 3], [0.5, 1, 2]])).toThrow(/row 1/);
  });

  test("non-positive entries", () => {
    expect(() => ahp([[1, 0], [null, 1]])).toThrow(RangeError);
    expect(() => ahp([[1, 0], [null, 1]])).toThrow(/\(1,2\)/);
    expect(() => ahp([[1, 2, 3], [0.5, 1, -2], [1 / 3, null, 1]])).toThrow(/\(2,3\)/);
    expect(() => ahp([[1, "abc"], [null, 1]])).toThrow(/\(1,2\)/);
  });

  test("non-reciprocal pairs", () => {
    expect(() => ahp([[1, 3], [3, 1]])).toThrow(RangeError);
    expect(() => ahp([[1, 3], [3, 1]])).toThrow(/\(1,2\) and \(2,1\)/);
  });

  test("a pair with both entries blank", () => {
    expect(() => ahp([[1, null, 2], [null, 1, 1], [0.5, 1, 1]])).toThrow(/\(1,2\)/);
  });

  test("a diagonal entry other than 1", () => {
    expect(() => ahp([[2, 1], [1, 1]])).toThrow(/\(1,1\)/);
  });
});

describe("property: consistent matrices", () => {
  test("for random positive weights (n 3..8) the consistent matrix returns the normalised weights and CR ≈ 0", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 3, maxLength: 8 }), (raw) => {
        const sum = raw.reduce((s, x) => s + x, 0);
        const w = raw.map((x) => x / sum);
        const a = w.map((wi) => w.map((wj) => wi / wj));
        const r = ahp(a);
        r.weights.forEach((x, i) => expect(Math.abs(x - w[i])).toBeLessThanOrEqual(1e-9));
        expect(Math.abs(r.cr)).toBeLessThanOrEqual(1e-9);
        expect(Math.abs(r.lambdaMax - w.length)).toBeLessThanOrEqual(1e-9);
      }),
      { numRuns: 1000 },
    );
  });
});
