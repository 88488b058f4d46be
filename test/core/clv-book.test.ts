// BG/NBD and Gamma-Gamma through the whole engine (DOMAIN.md section 8b, issue 21): a book made of the CDNOW 1/10
// sample's transactions to 1997-09-30 (test/fixtures/cdnow, from lifetimes under the MIT licence), as of that day.
// The fit in days must be the paper's (r 0.2426, α 4.4135 weeks = 30.89 days, a 0.7929, b 2.4258) within 0.5 %,
// and each customer's figures those of the closed forms at the fitted parameters.
import { readFileSync } from "fs";
import { join } from "path";
import { expectedPurchases, expectedPurchaseValue, pAlive, runPipeline, type CellValue } from "../../src/core";
import { book, CUSTOMER_HEADER, customer, D as HAND_D, ago, type Grid } from "./book";

const dayOf = (ymd: string) => `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
const AS_OF = "1997-09-30";
const transactions = readFileSync(join(__dirname, "..", "fixtures", "cdnow", "CDNOW_sample.txt"), "utf8").trim().split("\n").map((line) => {
  const [, id, ymd, , amount] = line.trim().split(/\s+/);
  return { id: `C${id}`, day: dayOf(ymd), amount: Number(amount) };
}).filter((t) => t.day <= AS_OF);
const customers: Grid = [["客户编号", "客户名称", "联系人"], ...Array.from({ length: 2357 }, (_, i): CellValue[] => [`C${String(i + 1).padStart(4, "0")}`, `客户${i + 1}`, "王经理"])];
const orders: Grid = [["客户编号", "下单日期", "金额(美元)"], ...transactions.map((t): CellValue[] => [t.id, t.day, t.amount])];
const result = runPipeline(book({ 客户: customers, 订单: orders }), AS_OF);
const clv = result.clv();

test("the book: 2,357 customers, every order dated on or before 1997-09-30 and joined to its customer", () => {
  expect(result.summary.rows).toBe(2357);
  expect(result.findings.filter((f) => f.code === "UNKNOWN_CUSTOMER" || f.code === "FUTURE_DATE")).toHaveLength(0);
  expect(clv.bgnbd.customers).toBe(2357);
  expect(clv.bgnbd.repeatCustomers).toBe(946);
});

test("BG/NBD in days: the published fit within 0.5 %, α reported in weeks too; the log-likelihood in days is the weeks' less Σx·ln 7", () => {
  const b = clv.bgnbd;
  expect(b.converged).toBe(true);
  expect(b.timeUnit).toBe("day");
  expect(b.reason).toBeNull();
  const published = { r: 0.2426, alphaWeeks: 4.4135, a: 0.7929, b: 2.4258 };
  for (const k of ["r", "alphaWeeks", "a", "b"] as const) expect([k, Math.abs(b[k]! / published[k] - 1) < 0.005]).toEqual([k, true]);
  expect(Math.abs(b.alpha! / 30.89 - 1)).toBeLessThan(0.005);
  // A density in days is the density in weeks divided by 7 for each repeat purchase (the change of time unit's
  // Jacobian), so ln L(days) = ln L(weeks) − Σx ln 7 at the optimum, up to the summary's two-decimal rounding.
  const repeatPurchases = sumX();
  expect(b.logLikelihood! - (-9582.4 - repeatPurchases * Math.log(7))).toBeLessThan(5);
  expect(b.logLikelihood! - (-9582.4 - repeatPurchases * Math.log(7))).toBeGreaterThan(-5);
});

/** Σx over the published weekly summary. */
function sumX(): number {
  return readFileSync(join(__dirname, "..", "fixtures", "cdnow", "cdnow_customers_summary.csv"), "utf8").trim().split("\n").slice(1).reduce((s, l) => s + Number(l.split(",")[1]), 0);
}

test("Gamma-Gamma on the repeat days' mean values: lifetimes' published p 6.25, q 3.74, γ 15.45 within 1 %", () => {
  const g = clv.gammaGamma;
  expect(g.converged).toBe(true);
  expect(g.customers).toBe(946);
  const published = { p: 6.25, q: 3.74, gamma: 15.45 };
  for (const k of ["p", "q", "gamma"] as const) expect([k, Math.abs(g[k]! / published[k] - 1) < 0.01]).toEqual([k, true]);
  expect(g.meanValue).toBeCloseTo((g.p! * g.gamma!) / (g.q! - 1), 1);
});

test("customer 1's figures are the closed forms at the fitted parameters, its summary worked by hand from its three orders", () => {
  // Customer 1 (CDNOW 00001… id 0001): orders 1997-01-01 $29.33, 1997-01-18 $29.73, 1997-08-02 $14.96.
  // x = 2 repeat days; t_x = 1997-08-02 − 1997-01-01 = 213 days; T = 1997-09-30 − 1997-01-01 = 272 days;
  // mean repeat value (29.73 + 14.96) / 2 = 22.345.
  const c1 = result.customers[0];
  const b = clv.bgnbd;
  const P = { r: b.r!, alpha: b.alpha!, a: b.a!, b: b.b! };
  const s = { x: 2, tx: 213, T: 272 };
  expect(c1.bgnbd!.pAlive).toBeCloseTo(pAlive(P, s), 3);
  expect(c1.bgnbd!.expectedPurchases).toBeCloseTo(expectedPurchases(P, s, 90), 3);
  const g = clv.gammaGamma;
  const value = expectedPurchaseValue({ p: g.p!, q: g.q!, gamma: g.gamma! }, 2, 22.345);
  expect(c1.bgnbd!.expectedValue).toBeCloseTo(value, 1);
  // lifetimes' figure for this customer at its published parameters: 24.66.
  expect(Math.abs(c1.bgnbd!.expectedValue! - 24.66)).toBeLessThan(0.25);
  expect(c1.bgnbd!.clv).toBeCloseTo(c1.bgnbd!.expectedPurchases * c1.bgnbd!.expectedValue!, 1);
});

test("P(alive): every customer without a repeat purchase 1; among customers of the same x and T, the later the last purchase the likelier alive", () => {
  for (const c of result.customers) if (c.bgnbd && c.rfm && c.rfm.frequency === 1) expect(c.bgnbd.pAlive).toBe(1);
  const P = { r: clv.bgnbd.r!, alpha: clv.bgnbd.alpha!, a: clv.bgnbd.a!, b: clv.bgnbd.b! };
  const byTx = [0, 50, 100, 150, 200, 250].map((tx) => pAlive(P, { x: 2, tx, T: 272 }));
  for (let i = 1; i < byTx.length; i++) expect(byTx[i]).toBeGreaterThan(byTx[i - 1]);
});

describe("too little data: no numbers, a reason, the rest of the run as before", () => {
  // n customers, each with an order 100 days ago; the first `repeat` of them ordered again 30 days ago.
  const make = (n: number, repeat: number) => {
    const cs: Grid = [CUSTOMER_HEADER, ...Array.from({ length: n }, (_, i) => customer(`C${i + 1}`))];
    const os: Grid = [["客户编号", "下单日期", "金额"], ...Array.from({ length: n }, (_, i): CellValue[] => [`C${i + 1}`, ago(100), 100])];
    for (let i = 0; i < repeat; i++) os.push([`C${i + 1}`, ago(30), 80]);
    return runPipeline(book({ 客户: cs, 订单: os }), HAND_D);
  };

  test("19 customers with a repeat purchase (fewer than bgnbd.minRepeat = 20): parameters null, the reason names both counts", () => {
    const r = make(40, 19);
    const b = r.clv().bgnbd;
    expect([b.r, b.alpha, b.a, b.b, b.logLikelihood]).toEqual([null, null, null, null, null]);
    expect(b.converged).toBe(false);
    expect(b.reason).toContain("19");
    expect(b.reason).toContain("20");
    expect(b.reasonEn).toContain("bgnbd.minRepeat");
    expect(r.clv().gammaGamma.reason).not.toBeNull();
    expect(r.customers.every((c) => c.bgnbd === null)).toBe(true);
    // The rest of the run: the same stages and RFM as a run whose rules ask for no fit at all.
    expect(r.customers.every((c) => c.rfm !== null && c.stage !== "")).toBe(true);
  });

  test("no orders at all: the reason says so", () => {
    const cs: Grid = [CUSTOMER_HEADER, customer("C1")];
    const b = runPipeline(book({ 客户: cs }), HAND_D).clv().bgnbd;
    expect(b.r).toBeNull();
    expect(b.reason).toContain("订单");
  });

  test("a book the model cannot fit (every repeat customer bought exactly twice, nobody seen to stop): the fit runs to a boundary and says it did not converge", () => {
    const cs: Grid = [CUSTOMER_HEADER, ...Array.from({ length: 40 }, (_, i) => customer(`C${i + 1}`))];
    const os: Grid = [["客户编号", "下单日期", "金额"], ...Array.from({ length: 40 }, (_, i): CellValue[] => [`C${i + 1}`, ago(100 + i), 100])];
    for (let i = 0; i < 19; i++) os.push([`C${i + 1}`, ago(60 - i), 80]);
    // The rules sheet lowers the minimum to the 19 repeat customers the book has.
    const rules: Grid = [["参数", "值"], ["bgnbd.minRepeat", 19]];
    const b = runPipeline(book({ 客户: cs, 订单: os, CRM规则: rules }), HAND_D).clv().bgnbd;
    expect(b.r).toBeNull();
    expect(b.converged).toBe(false);
    expect(b.reason).toContain("未收敛");
    expect(b.reasonEn).toContain("did not converge");
  });
});

test("bgnbd.minRepeat from the rules sheet: CDNOW's 946 repeat customers fit at 946 and are too few at 947", () => {
  const withMin = (k: number) => runPipeline(book({ 客户: customers, 订单: orders, CRM规则: [["参数", "值"], ["bgnbd.minRepeat", k]] }), AS_OF).clv().bgnbd;
  expect(withMin(946).converged).toBe(true);
  const few = withMin(947);
  expect(few.r).toBeNull();
  expect(few.reason).toContain("946");
  expect(few.reason).toContain("947");
});

test("bgnbd.horizonDays from the rules sheet: customer 1's expected purchases over 180 days are the closed form's at 180", () => {
  const r = runPipeline(book({ 客户: customers, 订单: orders, CRM规则: [["参数", "值"], ["bgnbd.horizonDays", 180]] }), AS_OF);
  const b = r.clv().bgnbd;
  expect(b.horizonDays).toBe(180);
  const P = { r: b.r!, alpha: b.alpha!, a: b.a!, b: b.b! };
  expect(r.customers[0].bgnbd!.expectedPurchases).toBeCloseTo(expectedPurchases(P, { x: 2, tx: 213, T: 272 }, 180), 3);
  expect(r.customers[0].bgnbd!.expectedPurchases).toBeGreaterThan(result.customers[0].bgnbd!.expectedPurchases);
});
