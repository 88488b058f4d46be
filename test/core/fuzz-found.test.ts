// Bugs the fuzz suites (test/fuzz, issue 8) found, each pinned by the smallest workbook or cell that showed it.
import { cellText, classifyHeader, findTables, headerInfo, parseDateTime, parseMoney, parseText, parseYears, runPipeline, type CellValue } from "../../src/core";
import { quickDays } from "../../src/core/parse";
import { book, D } from "./book";

describe("amounts and durations that overflow to Infinity are unreadable, not values", () => {
  test("a 400-digit amount, spaces between digits, and 1e308 in a 万元 column", () => {
    for (const v of ["9".repeat(400), "13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678 13812345678"]) {
      expect(parseMoney(v)).toMatchObject({ ok: false, problem: "BAD_AMOUNT" });
    }
    expect(parseMoney(1e308, 10_000)).toMatchObject({ ok: false, problem: "BAD_AMOUNT" });
    expect(parseYears("9".repeat(400))).toMatchObject({ ok: false, problem: "BAD_AMOUNT" });
    // Up to 2^53 cents every amount keeps exact cents; beyond it no amount is real.
    expect(parseMoney("90000000000000")).toEqual({ ok: true, value: 90_000_000_000_000 });
    expect(parseMoney(1e14)).toMatchObject({ ok: false, problem: "BAD_AMOUNT" });
  });

  test("the pass reports the cells instead of reading Infinity (no finding, annual purchase Infinity, scores lost)", () => {
    const res = runPipeline(
      book({ 客户: [["客户名称", "联系人", "年度采购总额(万元)", "近6个月消费金额"], ["甲", "王", 1e308, "9".repeat(400)], ["乙", "李", 10, 5000], ["丙", "赵", null, 1000], ["丁", "钱", null, null]] }),
      D,
    );
    expect(res.findings.filter((f) => f.code === "BAD_AMOUNT").map((f) => f.address)).toEqual(["客户!C2", "客户!D2"]);
    expect(res.customers.map((c) => c.annualPurchase)).toEqual([null, 100_000, null, null]);
    // Spend is the only indicator: 5,000 scores 100, 1,000 scores 0, the blanks take the mean. With Infinity
    // among the spends the clip range was infinite: 甲 and 丁 had no score and 乙 scored 0.
    expect(res.customers.map((c) => c.score)).toEqual([50, 100, 0, 50]);
  });
});

test("an invalid Date is not blank: its text is not empty, so it cannot pass as an empty name or ID", () => {
  const invalid = new Date(NaN);
  expect(cellText(invalid)).not.toBe("");
  expect(parseText(invalid)).toEqual({ ok: true, value: "Invalid Date" });
  expect(parseDateTime(invalid)).toEqual({ ok: false, blank: false, problem: "BAD_DATE", raw: "Invalid Date" });
  const res = runPipeline(book({ 客户: [["客户编号", "客户名称", "联系人"], [invalid, "甲", "王"], [new Date(NaN), "乙", "李"]] }), D);
  expect(res.customers.map((c) => c.id)).toEqual(["Invalid Date", "Invalid Date"]);
});

test("header matching is linear in the cell's length: 32,767-character cells of brackets take milliseconds, not seconds", () => {
  // The bracket-annotation regexes rescanned to the end from every "(" (≈1 s per cell before the fix); rows are
  // header-matched before the header (title blocks) and after every blank row.
  const row: CellValue[] = ["(", "（", "【", "[(", "(a)"].map((u) => u.repeat(Math.floor(32_767 / u.length)));
  row.push(`${"(".repeat(32_766)})`);
  const t0 = performance.now();
  for (const v of row) headerInfo(v);
  expect(classifyHeader(row)).toBeNull();
  expect(performance.now() - t0).toBeLessThan(1_000);
  // Annotations still read as before, nested ones from their innermost pair.
  expect(headerInfo("年度采购总额(万元)")).toMatchObject({ key: "年度采购总额", unit: 10_000 });
  expect(headerInfo("金额(单位(万元))")).toMatchObject({ key: "金额", unit: 10_000 });
  expect(headerInfo("客户名称(*公司/个人")).toMatchObject({ key: "客户名称", unit: 1 });
});

test("a table stacked below a narrower one is found, not read as that table's rows", () => {
  // 维护时间 lies beyond the customers table's three columns: only those columns were tried as a header, so
  // the interactions header and rows became customers "客户编号/维护方式" and "C1/电话沟通".
  const cells: CellValue[][] = [
    ["客户编号", "客户名称", "联系人"],
    ["C1", "甲", "王"],
    [],
    ["客户编号", "维护方式", "维护内容", "维护时间"],
    ["C1", "电话沟通", "报价", "2024-06-01"],
  ];
  expect(findTables({ name: "信息管理", cells }).map((t) => [t.kind, t.headerRow, t.rowNumbers])).toEqual([
    ["customers", 1, [2]],
    ["interactions", 4, [5]],
  ]);
  const res = runPipeline(book({ 信息管理: cells }), D);
  expect(res.customers.map((c) => [c.row, c.id, c.name])).toEqual([[2, "C1", "甲"]]);
  expect(res.detail.interactionsPerCustomer[0]).toBe(1);
});

describe("every date the report prints is a YYYY-MM-DD day of Excel's calendar", () => {
  test("JS Dates outside 1900-01-01 … 9999-12-31 are BAD_DATE, like serials outside it", () => {
    for (const d of [new Date(8.64e15), new Date(-8.64e15), new Date("1899-12-30T00:00:00Z"), new Date(Date.UTC(10000, 0, 1))]) {
      expect(parseDateTime(d)).toMatchObject({ ok: false, problem: "BAD_DATE" });
      expect(quickDays(d, false, true)).toBeNaN();
    }
    expect(parseDateTime(new Date("9999-12-31T00:00:00Z"))).toMatchObject({ ok: true });
    expect(parseDateTime(new Date("1900-01-01T00:00:00Z"))).toMatchObject({ ok: true });
  });

  test("a 9999-12-31 placeholder plus the follow-up cadence gives no follow-up date, not 10000-01-07", () => {
    // The Excel face writes nextFollowUp back through toDay(), which throws on a five-digit year.
    const res = runPipeline(book({ 客户: [["客户名称", "联系人", "客户等级", "最近互动时间"], ["甲", "王", "A", "9999-12-31"], ["乙", "李", "A", new Date(-8.64e15)]] }), D);
    expect(res.customers.map((c) => c.nextFollowUp)).toEqual([null, null]);
    expect(res.findings.filter((f) => f.code !== "COLUMN_MISSING").map((f) => [f.code, f.address])).toEqual([
      ["FUTURE_DATE", "客户!D2"],
      ["BAD_DATE", "客户!D3"],
    ]);
  });
});

test("an Excel table whose range starts left of the cells the adapter read is read column by column", () => {
  // slice(-1, …) took the row's last cell for the first column: 甲 and 王 were lost (REQUIRED_MISSING) and the
  // #N/A in 首次触达时间 went unreported.
  const sheet = { name: "S", originCol: 2, cells: [["客户名称", "联系人", "首次触达时间"], ["甲", "王", { error: "#N/A" }]], tables: [{ name: "T", range: "A1:D2" }] };
  const res = runPipeline({ sheets: [sheet] }, D);
  expect(res.customers.map((c) => c.name)).toEqual(["甲"]);
  expect(res.findings.map((f) => [f.code, f.address])).toEqual([["CELL_ERROR", "S!D2"]]);
});
