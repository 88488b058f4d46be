// RFM (src/core/rfm.ts) exactly as DOMAIN.md section 10 decides: type-7 quantiles at 20/40/60/80 % plus one,
// half-open bins (a value equal to a break goes to the higher bin), recency reversed, score 100R + 10F + M,
// first matching segment in the listed order, else Others 其他. Explicit breaks are used as given.
import { binOf, rfmBreaks, scoreRfm, segmentOf, RFM_SEGMENTS } from "../../src/core/rfm";

describe("a worked example of 10 customers", () => {
  // Type 7: h = (n − 1)·p = 9p → 1.8, 3.6, 5.4, 7.2; q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]) on sorted x (0-based).
  //
  // Recency (days), already sorted: 1, 5, 10, 20, 30, 60, 90, 120, 200, 365
  //   q.2 = 5 + .8·(10 − 5) = 9      q.4 = 20 + .6·(30 − 20) = 26
  //   q.6 = 60 + .4·(90 − 60) = 72   q.8 = 120 + .2·(200 − 120) = 136      breaks +1: 10, 27, 73, 137
  //   bins: 1→1, 5→1, 10→2 (= break), 20→2, 30→3, 60→3, 90→4, 120→4, 200→5, 365→5;  R = 6 − bin:
  //   R = 5, 5, 4, 4, 3, 3, 2, 2, 1, 1
  const recency = [1, 5, 10, 20, 30, 60, 90, 120, 200, 365];
  // Frequency: 12, 3, 7, 1, 2, 5, 1, 9, 4, 2 → sorted 1, 1, 2, 2, 3, 4, 5, 7, 9, 12
  //   q.2 = 1 + .8·1 = 1.8   q.4 = 2 + .6·1 = 2.6   q.6 = 4 + .4·1 = 4.4   q.8 = 7 + .2·2 = 7.4   breaks: 2.8, 3.6, 5.4, 8.4
  //   F = 5, 2, 4, 1, 1, 3, 1, 5, 3, 1
  const frequency = [12, 3, 7, 1, 2, 5, 1, 9, 4, 2];
  // Monetary: 5000, 800, 3000, 200, 400, 1500, 100, 4000, 1000, 300 → sorted 100, 200, 300, 400, 800, 1000, 1500, 3000, 4000, 5000
  //   q.2 = 200 + .8·100 = 280   q.4 = 400 + .6·400 = 640   q.6 = 1000 + .4·500 = 1200   q.8 = 3000 + .2·1000 = 3200
  //   breaks: 281, 641, 1201, 3201 → M = 5, 3, 4, 1, 2, 4, 1, 5, 3, 2
  const monetary = [5000, 800, 3000, 200, 400, 1500, 100, 4000, 1000, 300];

  test("breaks are the type-7 quantiles plus one", () => {
    // Floating point: 9 × 0.6 = 5.3999999999999995, so q.6 comes out as 72.99999999999999 — numpy.quantile gives
    // the same double, so compare to the exact breaks within 1e-9.
    rfmBreaks(recency).forEach((b, i) => expect(b).toBeCloseTo([10, 27, 73, 137][i], 9));
    rfmBreaks(frequency).forEach((b, i) => expect(b).toBeCloseTo([2.8, 3.6, 5.4, 8.4][i], 12));
    rfmBreaks(monetary).forEach((b, i) => expect(b).toBeCloseTo([281, 641, 1201, 3201][i], 9));
    // the input order does not matter
    expect(rfmBreaks([...recency].reverse())).toEqual(rfmBreaks(recency));
  });

  test("r, f, m, score and segment of each customer", () => {
    // Segments, first match in the listed order:
    //   (5,5,5) Champions · (5,2,3) Loyal? F=2 no → Potential Loyalist (3–5;1–3;1–3) · (4,4,4) Champions
    //   (4,1,1) Potential Loyalist (precedes New Customers) · (3,1,2) Potential Loyalist
    //   (3,3,4) Champions? R=3 no → Loyal (2–5;3–5;3–5) · (2,1,1) R<3 rules out PL/Promising; Need Attention F=1 no
    //   → About To Sleep (2–3;1–2;1–2) · (2,5,5) Loyal · (1,3,3) … At Risk (1–2;2–5;2–5) · (1,1,2) Lost (1–2;1–2;1–2)
    const expected: [number, number, number, string, string][] = [
      [5, 5, 5, "champions", "重要价值"],
      [5, 2, 3, "potentialLoyalist", "潜在忠诚"],
      [4, 4, 4, "champions", "重要价值"],
      [4, 1, 1, "potentialLoyalist", "潜在忠诚"],
      [3, 1, 2, "potentialLoyalist", "潜在忠诚"],
      [3, 3, 4, "loyal", "忠诚"],
      [2, 1, 1, "aboutToSleep", "即将沉睡"],
      [2, 5, 5, "loyal", "忠诚"],
      [1, 3, 3, "atRisk", "有风险"],
      [1, 1, 2, "lost", "已流失"],
    ];
    const got = scoreRfm(recency, frequency, monetary);
    expect(got).toHaveLength(10);
    got.forEach((s, i) => {
      const [r, f, m, key, zh] = expected[i];
      expect({ i, r: s.r, f: s.f, m: s.m, score: s.score, segment: s.segment, zh: s.segmentZh }).toEqual({ i, r, f, m, score: 100 * r + 10 * f + m, segment: key, zh });
    });
    expect(got[0].score).toBe(555);
    expect(got[9].score).toBe(112);
  });
});

describe("bins", () => {
  test("a value equal to a break falls into the higher bin", () => {
    const b = [10, 27, 73, 137];
    expect(binOf(9.999, b)).toBe(1);
    expect(binOf(10, b)).toBe(2);
    expect(binOf(27, b)).toBe(3);
    expect(binOf(73, b)).toBe(4);
    expect(binOf(137, b)).toBe(5);
    expect(binOf(136.5, b)).toBe(4);
  });

  test("ties: frequencies 1, 1, 1, 2, 2", () => {
    // n = 5: h = 4p = 0.8, 1.6, 2.4, 3.2 → q = 1, 1, 1 + .4·1 = 1.4, 2 + .2·0 = 2; breaks +1: 2, 2, 2.4, 3.
    // 1 < 2 → bin 1; 2 ≥ 2, ≥ 2, < 2.4 → bin 3. Equal values always share a bin.
    expect(rfmBreaks([1, 1, 1, 2, 2])).toEqual([2, 2, 2.4, 3]);
    const s = scoreRfm([10, 10, 10, 10, 10], [1, 1, 1, 2, 2], [100, 100, 100, 100, 100]);
    expect(s.map((x) => x.f)).toEqual([1, 1, 1, 3, 3]);
    // recency all 10: breaks 11,11,11,11 → bin 1 → R = 5; monetary all 100 → M = 1
    expect(s.map((x) => x.r)).toEqual([5, 5, 5, 5, 5]);
    expect(s.map((x) => x.m)).toEqual([1, 1, 1, 1, 1]);
    // (5,1,1) → Potential Loyalist; (5,3,1) → Champions no, Loyal M no, PL (3–5;1–3;1–3) yes
    expect(s.map((x) => x.segment)).toEqual(["potentialLoyalist", "potentialLoyalist", "potentialLoyalist", "potentialLoyalist", "potentialLoyalist"]);
  });

  test("a single customer: every break is its value + 1, so R = 5, F = 1, M = 1", () => {
    const [s] = scoreRfm([40], [3], [999]);
    expect({ r: s.r, f: s.f, m: s.m, score: s.score, segment: s.segment }).toEqual({ r: 5, f: 1, m: 1, score: 511, segment: "potentialLoyalist" });
  });

  test("explicit breaks are used as given, without +1", () => {
    // R breaks 30, 60, 90, 180 days: 29 → bin 1 → R 5; 30 → bin 2 → R 4; 90 → bin 4 → R 2; 180 → bin 5 → R 1
    // F breaks 2, 3, 5, 8: 1 → 1; 2 → 2; 5 → 4; 8 → 5.  M breaks 1000, 5000, 10000, 50000.
    const s = scoreRfm([29, 30, 90, 180], [1, 2, 5, 8], [999, 1000, 10000, 50000], {
      r: [30, 60, 90, 180],
      f: [2, 3, 5, 8],
      m: [1000, 5000, 10000, 50000],
    });
    expect(s.map((x) => [x.r, x.f, x.m])).toEqual([
      [5, 1, 1],
      [4, 2, 2],
      [2, 4, 4],
      [1, 5, 5],
    ]);
    // (4,2,2) → Potential Loyalist; (2,4,4) → Loyal; (1,5,5) → At Risk (before Can't Lose Them)
    expect(s.map((x) => x.segment)).toEqual(["potentialLoyalist", "potentialLoyalist", "loyal", "atRisk"]);
  });

  test("explicit breaks for one measure, quintiles for the others", () => {
    // F and M: quintiles of two equal values → every break is value + 1 → bin 1. R explicit: 5 → R 5, 400 → R 1.
    const s = scoreRfm([5, 400], [2, 2], [10, 10], { r: [30, 60, 90, 180] });
    expect(s.map((x) => x.score)).toEqual([511, 111]);
  });
});

describe("segmentOf against the table, by hand", () => {
  test.each([
    [5, 5, 5, "champions", "重要价值"],
    [4, 4, 4, "champions", "重要价值"],
    [1, 5, 5, "atRisk", "有风险"], // At Risk (1–2;2–5;2–5) precedes Can't Lose Them (1;4–5;4–5)
    [4, 1, 1, "potentialLoyalist", "潜在忠诚"], // Potential Loyalist (3–5;1–3;1–3) precedes New Customers
    [3, 1, 1, "potentialLoyalist", "潜在忠诚"], // … and Promising (3–4;1;1)
    [2, 1, 1, "aboutToSleep", "即将沉睡"], // R = 2 fails PL/New/Promising; Need Attention needs F ≥ 2
    [2, 2, 2, "needAttention", "需关注"], // Loyal needs F ≥ 3; PL needs R ≥ 3
    [2, 3, 3, "loyal", "忠诚"],
    [3, 2, 3, "potentialLoyalist", "潜在忠诚"],
    [2, 2, 1, "aboutToSleep", "即将沉睡"], // Need Attention needs M ≥ 2
    [1, 2, 2, "atRisk", "有风险"],
    [1, 1, 1, "lost", "已流失"],
    [2, 1, 2, "aboutToSleep", "即将沉睡"],
    [1, 2, 1, "lost", "已流失"], // At Risk needs M ≥ 2
    [5, 1, 5, "others", "其他"], // no rule: PL needs M ≤ 3, Loyal F ≥ 3, Champions F ≥ 4
    [3, 4, 1, "others", "其他"],
    [1, 1, 5, "others", "其他"],
  ])("(%d,%d,%d) → %s %s", (r, f, m, key, zh) => {
    expect(segmentOf(r, f, m)).toMatchObject({ key, zh });
  });

  test("the table is the one DOMAIN.md lists, in its order", () => {
    expect(RFM_SEGMENTS.map((s) => `${s.en} ${s.zh} ${s.r.join("–")};${s.f.join("–")};${s.m.join("–")}`)).toEqual([
      "Champions 重要价值 4–5;4–5;4–5",
      "Loyal Customers 忠诚 2–5;3–5;3–5",
      "Potential Loyalist 潜在忠诚 3–5;1–3;1–3",
      "New Customers 新客户 4–5;1–1;1–1",
      "Promising 有前景 3–4;1–1;1–1",
      "Need Attention 需关注 2–3;2–3;2–3",
      "About To Sleep 即将沉睡 2–3;1–2;1–2",
      "At Risk 有风险 1–2;2–5;2–5",
      "Can't Lose Them 不能失去 1–1;4–5;4–5",
      "Lost 已流失 1–2;1–2;1–2",
    ]);
  });
});
