// CRM.PALIVE, CRM.EXPECTEDPURCHASES and CRM.CLV (DOMAIN.md section 8b, issue 21) over an order list as Excel
// passes it: the CDNOW 1/10 sample's transactions to 1997-09-30 (test/fixtures/cdnow, from lifetimes, MIT), dates
// as serial numbers. The paper's customer (x = 2, t_x = 30.43 weeks, T = 38.86 weeks: CDNOW customer 1) expects
// 1.226 purchases in the next 39 weeks; lifetimes values its purchase at 24.66 (Hardie's 24.65).
import { readFileSync } from "fs";
import { join } from "path";
import { serialFromDay, toDay } from "../../src/core";
import { CellError } from "../../src/functions/args";
import { clv, expectedPurchasesOf, pAliveOf } from "../../src/functions/functions";

const serial = (ymd: string) => serialFromDay(toDay(ymd));
const AS_OF = serial("1997-09-30");
const rows = readFileSync(join(__dirname, "..", "fixtures", "cdnow", "CDNOW_sample.txt"), "utf8").trim().split("\n").map((line) => {
  const [, id, ymd, , amount] = line.trim().split(/\s+/);
  return { id: `C${id}`, day: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`, amount: Number(amount) };
}).filter((r) => r.day <= "1997-09-30");
const ids = rows.map((r) => [r.id]);
const dates = rows.map((r) => [serial(r.day)]);
const amounts = rows.map((r) => [r.amount]);

function thrown(f: () => unknown): CellError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CellError);
    return e as CellError;
  }
  throw new Error("expected an Excel error");
}

test("CRM.EXPECTEDPURCHASES: customer 1 over 39 weeks (273 days) is the paper's 1.226; a customer not in the list is blank", () => {
  const out = expectedPurchasesOf([["C0001"], ["C9999"]], ids, dates, AS_OF, 273);
  expect(Math.abs((out[0][0] as number) - 1.226)).toBeLessThan(0.005);
  expect(out[1]).toEqual([""]);
  // Omitted, the horizon is the rules' 90 days: fewer purchases than in 273.
  expect(expectedPurchasesOf([["C0001"]], ids, dates, AS_OF)[0][0]).toBeLessThan(out[0][0] as number);
});

test("CRM.PALIVE: 1 for a customer who bought on one day only; between 0 and 1 for customer 1", () => {
  // C0003 bought on 1997-01-01 only (one purchase day): P(alive) = 1 by the model's definition.
  expect(rows.filter((r) => r.id === "C0003").map((r) => r.day)).toEqual(["1997-01-01"]);
  const out = pAliveOf([["C0003"], ["C0001"]], ids, dates, AS_OF);
  expect(out[0][0]).toBe(1);
  expect(out[1][0]).toBeGreaterThan(0);
  expect(out[1][0]).toBeLessThan(1);
});

test("CRM.CLV: customer 1's value over the horizon is its expected purchases times lifetimes' 24.66 a purchase", () => {
  const purchases = expectedPurchasesOf([["C0001"]], ids, dates, AS_OF, 90)[0][0] as number;
  const value = clv([["C0001"]], ids, dates, amounts, AS_OF, 90)[0][0] as number;
  expect(Math.abs(value / purchases - 24.66)).toBeLessThan(0.25);
});

test("too little data: #N/A for the whole formula with the reason; a bad horizon or mismatched columns: #VALUE! naming the argument", () => {
  const few = thrown(() => pAliveOf([["C0001"]], ids.slice(0, 30), dates.slice(0, 30), AS_OF));
  expect(few.code).toBe("#N/A");
  expect(few.message).toContain("bgnbd.minRepeat");
  expect(thrown(() => expectedPurchasesOf([["C0001"]], ids, dates, AS_OF, 0)).message).toContain("days");
  expect(thrown(() => expectedPurchasesOf([["C0001"]], ids, dates, AS_OF, "九十")).message).toContain("days");
  expect(thrown(() => pAliveOf([["C0001"]], ids, dates.slice(1), AS_OF)).message).toContain("orderDates");
  expect(thrown(() => clv([["C0001"]], ids, dates, amounts.slice(1), AS_OF)).message).toContain("orderAmounts");
});
