// The whole pass: tables found by their header row, every finding code of DOMAIN.md section 10 produced by a
// workbook model, the finding shape, and properties (no throw, deterministic, row order does not matter).
import fc from "fast-check";
import { FINDING_CODES, findTables, HISTORY_HEADER, HISTORY_SHEET, runPipeline, type CellValue, type FindingCode } from "../../src/core";
import { ago, book, CUSTOMER_HEADER, customer, D, run } from "./book";

describe("finding tables", () => {
  test("a title block above the header, bracket annotations, English headers and an extra user column", () => {
    const [t] = findTables({
      name: "周期表",
      cells: [["客户关系周期管理表"], [], ["Customer ID", "客户名称(*公司/个人)", "联系人(*)", "我的备注列", "首次触达时间"], ["C1", "甲公司", "王", "x", "2024-01-15"]],
    });
    expect(t.kind).toBe("customers");
    expect(t.headerRow).toBe(3);
    expect(t.rowNumbers).toEqual([4]);
    expect([...t.match.columns.keys()].sort()).toEqual(["contact", "firstContact", "id", "name"]);
  });

  test("two tables stacked on one sheet, separated by a blank row; a sheet origin away from A1", () => {
    const found = findTables({
      name: "信息管理",
      originRow: 5,
      originCol: 3,
      cells: [
        ["客户编号", "客户名称", "联系人"],
        ["C1", "甲", "王"],
        [],
        ["客户编号", "维护时间", "维护方式", "客户反馈"],
        ["C1", "2024-01-15 14:30", "电话沟通", "积极"],
      ],
    });
    expect(found.map((t) => [t.kind, t.headerRow, t.firstCol])).toEqual([
      ["customers", 5, 3],
      ["interactions", 8, 3],
    ]);
  });

  test("an Excel table (ListObject) is read from its declared range", () => {
    const [t] = findTables({ name: "S", cells: [["noise"], ["客户名称", "联系人", "首次接触时间"], ["甲", "王", 45306]], tables: [{ name: "T客户", range: "A2:C3" }] });
    expect(t.name).toBe("T客户");
    expect(t.rows).toHaveLength(1);
  });

  test("万元 in the header scales plain numbers", () => {
    const res = run({ 客户: [[...CUSTOMER_HEADER, "年度采购总额(万元)"], customer("C1", [120])] });
    expect(res.customers[0].annualPurchase).toBe(1_200_000);
  });

  test("the 1904 date system shifts serials by 1,462 days", () => {
    const cells: CellValue[][] = [CUSTOMER_HEADER, ["C1", "甲", "王", 43841]];
    const r1904 = runPipeline(book({ 客户: cells }, { date1904: true }), D);
    const r1900 = runPipeline(book({ 客户: [CUSTOMER_HEADER, ["C1", "甲", "王", 45303]] }), D);
    // 43841 (1904) and 45303 (1900) are both 2024-01-12; neither is in the future, so no finding either way.
    expect(r1904.findings).toEqual(r1900.findings);
  });
});

describe("every finding code comes from some workbook", () => {
  const res = runPipeline(
    {
      sheets: [
        {
          name: "客户",
          merged: ["H4:H5"],
          cells: [
            ["客户编号", "客户名称", "联系人", "联系方式", "统一社会信用代码", "首次触达时间", "进入阶段时间", "满意度", "近6个月消费金额(元)", "当前周期阶段", "最近下单时间", "毛利率"],
            ["C1", "甲", "王经理", "13812345678", "91310110666007217T", "2024-01-15", "2024-01-10", 4, "abc", "潜在", "2024-05-01", "30%"],
            ["C1", "乙", "", "尾号5678", "91310110666007217X", "2024/13/01", "2024-02-01", 6, -5, "跟进中", null, "150%"],
            ["C3", "丙", "李", { error: "#N/A" }, null, "2099-01-01", null, 4, 100, null, null, null],
            [],
            ["C4", "丁", "赵", "手机*", null, "2024-01-15", null, null, null, null, null, null],
          ],
        },
        // C4's order of 2023-06-01 makes the orders table cover the last 6 and 12 months (DOMAIN.md section 1).
        { name: "订单", cells: [["客户编号", "下单日期", "金额(元)"], ["C1", "2024-05-20", 100], ["C999", "2024-05-20", 100], ["C4", "2023-06-01", 50]] },
        { name: "其他客户", cells: [["客户名称", "联系人"], ["戊", "孙"]] },
        { name: "维护记录", cells: [["客户名称", "维护时间"], ["甲", "2024-06-01"]] },
        { name: "CRM规则", cells: [["参数", "值"], ["stage.churnDays", "九十"]] },
        // The history sheet (section 8a) with a row whose date is not a date.
        { name: HISTORY_SHEET, cells: [[...HISTORY_HEADER], ["昨天", "C1", "甲", "周期阶段", null, "潜在客户", ""]] },
      ],
    },
    D,
  );
  // A customers table without the required 联系人 and 首次触达时间 columns.
  const noColumns = runPipeline(book({ 客户: [["客户编号", "客户名称"], ["C1", "甲"]] }), D);
  // A book with an orders log and no customers table at all.
  const noCustomers = runPipeline(book({ 订单: [["客户编号", "下单日期", "金额"], ["C1", "2024-05-20", 100]] }), D);
  const codes = new Set([...res.findings, ...noColumns.findings, ...noCustomers.findings].map((f) => f.code));

  test("missing required columns are named at the header row", () => {
    expect(noColumns.findings.filter((f) => f.code === "COLUMN_MISSING").map((f) => [f.column, f.address])).toEqual([
      ["联系人", "客户!A1"],
      ["首次触达时间", "客户!A1"],
    ]);
  });

  test.each(FINDING_CODES.map((c) => [c]))("%s", (code) => {
    expect(codes).toContain(code as FindingCode);
  });

  test("each finding names its place and says why, in both languages", () => {
    for (const f of res.findings) {
      expect(f.message).not.toBe("");
      expect(f.messageEn).not.toBe("");
      expect(f.fix).not.toBe("");
      if (f.code !== "TABLE_MISSING" || f.sheet !== "") expect(f.address).toMatch(/^('[^']+'|[^!']+)![A-Z]+\d+$/);
    }
  });

  test("addresses point at the offending cells", () => {
    const at = (code: string) => res.findings.filter((f) => f.code === code).map((f) => f.address);
    expect(at("UNMASKED_PHONE")).toEqual(["客户!D2"]);
    expect(at("DUPLICATE_ID")).toEqual(["客户!A3"]);
    expect(at("BAD_DATE")).toEqual(["客户!F3"]);
    expect(at("DATE_ORDER")).toEqual(["客户!G2"]);
    expect(at("FUTURE_DATE")).toEqual(["客户!F4"]);
    expect(at("CELL_ERROR")).toEqual(["客户!D4"]);
    expect(at("BAD_USCC")).toEqual(["客户!E3"]);
    expect(at("BAD_ENUM")).toEqual(["客户!J3"]);
    expect(at("UNKNOWN_CUSTOMER")).toEqual(["订单!A3"]);
    expect(at("BLANK_ROWS")).toEqual(["客户!A5"]);
    expect(at("BAD_RULE")).toEqual(["CRM规则!B2"]);
    // 其他客户 (客户名称 | 联系人) is a contact list beside a real customers table: not merged (DOMAIN.md section 1).
    expect(at("REQUIRED_MISSING")).toEqual(["客户!C3"]);
    expect(at("MERGED_CELL")).toEqual(["客户!H4"]);
    // C1's 最近下单时间 2024-05-01 is older than its order on 2024-05-20; C3's 6-month spend 100 with no order at
    // all in an orders table that covers the 6 months.
    expect(at("DETAIL_MISMATCH")).toEqual(["客户!K2", "客户!I4"]);
    // Out of range: satisfaction 6 and margin 150 %.
    expect(at("OUT_OF_RANGE").sort()).toEqual(["客户!H3", "客户!L3"]);
  });

  test("no phone number or full USCC appears in any message", () => {
    const text = JSON.stringify(res.findings);
    expect(text).not.toContain("13812345678");
    expect(text).not.toContain("91310110666007217X");
  });

  test("severities follow the contract", () => {
    for (const f of res.findings) {
      const expected = ["STAGE_STALE", "DETAIL_MISMATCH", "UNKNOWN_CUSTOMER", "BAD_RULE", "COLUMN_MISSING", "TABLE_MISSING", "BAD_HISTORY"].includes(f.code) ? "warning" : f.code === "BLANK_ROWS" ? "info" : "error";
      expect(f.severity).toBe(expected);
    }
  });

  test("a workbook without a customers table says so, and does not throw", () => {
    const r = runPipeline(book({ Sheet1: [["hello"], [1, 2, 3]] }), D);
    expect(r.customers).toEqual([]);
    expect(r.findings.map((f) => f.code)).toEqual(["TABLE_MISSING"]);
  });
});

// ── properties ────────────────────────────────────────────────────────────────

const messy: fc.Arbitrary<CellValue> = fc.oneof(
  fc.constantFrom<CellValue>("", null, "潜在", "成交", "稳定", "流失风险", "bogus", "13812345678", "尾号5678", "1.2万", "-3", "35%", "2024/1/5", "2024年2月30日", "A", "B", "意向", "竞品", { error: "#N/A" }, "  "),
  fc.integer({ min: -10, max: 50000 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.string({ maxLength: 8 }),
  fc.date({ min: new Date("2020-01-01"), max: new Date("2025-01-01"), noInvalidDate: true }),
);

const HEADER = ["客户编号", "客户名称", "联系人", "首次触达时间", "当前周期阶段", "近6个月消费金额(元)", "潜力等级", "满意度", "最近互动时间", "客户状态标签", "毛利率"];
const table = fc.array(fc.array(messy, { minLength: HEADER.length - 1, maxLength: HEADER.length - 1 }), { minLength: 1, maxLength: 12 });
const orders = fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 5000 })), { maxLength: 30 });

function model(rows: CellValue[][], ords: [number, number, number][]) {
  // Unique IDs so every customer can be followed through a shuffle.
  const cust = [HEADER, ...rows.map((r, i) => [`C${i}`, ...r])];
  const ord = [["客户编号", "下单日期", "金额"], ...ords.map(([c, d, a]) => [`C${c}`, ago(d), a])];
  return book({ 客户: cust, 订单: ord });
}

describe("properties of the whole pass", () => {
  test("never throws, and every finding lies inside its table or names its sheet", () => {
    fc.assert(
      fc.property(table, orders, (rows, ords) => {
        const r = runPipeline(model(rows, ords), D);
        expect(r.customers).toHaveLength(rows.length);
        for (const f of r.findings) {
          if (f.sheet === "客户" && f.row > 0) expect(f.row).toBeLessThanOrEqual(rows.length + 1);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("deterministic, and independent of the order of the customer rows", () => {
    fc.assert(
      fc.property(table, orders, fc.integer(), (rows, ords, seed) => {
        const a = runPipeline(model(rows, ords), D);
        expect(runPipeline(model(rows, ords), D)).toEqual(a);
        // Shuffle the rows (IDs travel with their rows), then compare per customer, ignoring row numbers.
        const perm = rows.map((_, i) => i).sort((x, y) => ((x * 7919 + seed) % 101) - ((y * 7919 + seed) % 101) || x - y);
        const shuffledCust = [HEADER, ...perm.map((i) => [`C${i}`, ...rows[i]])];
        const ord = [["客户编号", "下单日期", "金额"], ...ords.map(([c, d, amt]) => [`C${c}`, ago(d), amt])];
        const b = runPipeline(book({ 客户: shuffledCust, 订单: ord }), D);
        // The row and the cells a reason or source names move with the row; nothing else may.
        const unplaced = (x: unknown) => JSON.parse(JSON.stringify(x).replace(/客户!\w+/g, "客户!…"));
        const strip = (cs: typeof a.customers) => Object.fromEntries(cs.map(({ row: _row, ...rest }) => [rest.id, unplaced(rest)]));
        expect(strip(b.customers)).toEqual(strip(a.customers));
        const codes = (r: typeof a) => r.findings.map((f) => f.code).sort();
        expect(codes(b)).toEqual(codes(a));
      }),
      { numRuns: 150 },
    );
  });
});
