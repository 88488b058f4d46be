// The Office.js adapter (src/excel) against the strict fake Excel: what each action reads and writes, that
// nothing the product does not own changes, that running twice equals running once, and the round-trip and
// payload budget on 100,000 customers.
import { columnLetter, runPipeline, serialFromDay, toDay, type CellValue, type WorkbookModel } from "../../src/core";
import {
  applyTags, buildReviewSheets, clearHighlights, highlightRisk, maskPhoneNumbers, readRules, removeOutput, selectCell, useHost, validate, writeRule,
} from "../../src/excel/actions";
import { ActionError } from "../../src/excel/types";
import { generateSample } from "../../scripts/sample";
import { FINDINGS_SHEET, OWNED_COLUMNS, REVIEW_SHEET_PREFIX } from "../../src/workbook/owned";
import { createFakeExcel, parseRef, type FakeBookSpec, type FakeExcel, type FakeExcelOptions } from "./fake-excel";
import { markedSheets, specOf, type NameSnap } from "./spec";

jest.setTimeout(180_000);

const AS_OF = "2024-11-26";


let fake: FakeExcel;
let restore: () => void;

function open(spec: FakeBookSpec, opts: FakeExcelOptions = {}): FakeExcel {
  fake = createFakeExcel(spec, opts);
  restore = fake.install();
  useHost({ run: (b) => fake.Excel.run(b as never) as never, isSetSupported: (s, v) => fake.Office.context.requirements.isSetSupported(s, v) });
  return fake;
}
afterEach(() => restore?.());

/** The customers sheet's owned columns (header starts with ◆), 1-based. */
function ownedCols(f: FakeExcel, sheet: string, headerRow: number): Set<number> {
  const row = f.book.values(sheet, `A${headerRow}:ZZ${headerRow}`)[0] ?? [];
  return new Set(row.map((v, i) => (typeof v === "string" && v.startsWith("◆") ? i + 1 : 0)).filter((c) => c > 0));
}

/** Everything the user owns: the product's sheets (those its marks refer to), columns and marked rules left out. */
function userView(f: FakeExcel, owned: Record<string, Set<number>>) {
  const snap = JSON.parse(JSON.stringify(f.book.snapshot())) as {
    activeSheet: string;
    names: NameSnap[];
    sheets: { name: string; cells: unknown[][]; formulas: Record<string, unknown>; numberFormats: Record<string, unknown>; formats: { ref: string }[]; conditionalFormats: { formula?: string; ref: string }[]; dataValidations: { ref: string }[]; columnWidths: Record<string, unknown>; charts: unknown[] }[];
    tables: { worksheet?: string; sheet?: string }[];
    pivotTables: { sheet?: string; worksheet?: string }[];
  };
  const colOf = (ref: string) => parseRef(ref.replace(/\$/g, ""));
  const inside = (ref: string, cols: Set<number>) => ref.split(",").every((x) => {
    const r = colOf(x);
    if (!r) return false;
    for (let c = r.c0; c <= r.c1; c++) if (!cols.has(c + 1)) return false;
    return true;
  });
  const keyCol = (k: string) => colOf(k)!.c0 + 1;
  const marked = markedSheets(snap.names);
  const isOwnedSheet = (name: string) => marked.has(name);
  return {
    tables: snap.tables.filter((t) => !isOwnedSheet(String(t.worksheet ?? t.sheet ?? ""))),
    sheets: snap.sheets.filter((s) => !isOwnedSheet(s.name)).map((s) => {
      const cols = owned[s.name] ?? new Set<number>();
      const cells = s.cells.map((row) => {
        const r = row.map((v, c) => (cols.has(c + 1) ? null : v));
        while (r.length > 0 && (r[r.length - 1] === null || r[r.length - 1] === undefined)) r.pop();
        return r;
      });
      while (cells.length > 0 && cells[cells.length - 1].length === 0) cells.pop();
      const drop = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).filter(([k]) => !cols.has(keyCol(k))));
      return {
        ...s,
        cells,
        formulas: drop(s.formulas),
        numberFormats: drop(s.numberFormats),
        formats: s.formats.filter((x) => !inside(x.ref, cols)),
        conditionalFormats: s.conditionalFormats.filter((x) => !String(x.formula ?? "").includes("CRM◆")),
        dataValidations: s.dataValidations.filter((x) => !inside(x.ref, cols)),
        columnWidths: Object.fromEntries(Object.entries(s.columnWidths ?? {}).filter(([k]) => !cols.has(keyCol(`${k}1`)))),
      };
    }),
  };
}

const sample = generateSample({ customers: 150, asOf: AS_OF });
const SPEC = specOf(sample.model, { 订单: "订单表" });
const expected = runPipeline(sample.model, AS_OF);

describe("validate", () => {
  test("reads the whole workbook and reports exactly what the engine reports for the same book", async () => {
    open(SPEC);
    const before = JSON.stringify(fake.book.snapshot());
    const out = await validate({ asOf: AS_OF });
    expect(out.summary).toEqual(expected.summary);
    expect(out.findings.map((f) => `${f.code} ${f.address}`)).toEqual(expected.findings.map((f) => `${f.code} ${f.address}`));
    // The phone preview carries only masked text.
    const phone = sample.mistakes.find((m) => m.code === "UNMASKED_PHONE")!;
    expect(out.phones.map((p) => p.address)).toEqual([phone.address]);
    expect(out.phones[0].masked).toMatch(/\d{3}\*{4}\d{4}/);
    expect(out.phones[0].masked).not.toMatch(/1[3-9]\d{9}/);
    // Reading changes nothing.
    expect(JSON.stringify(fake.book.snapshot())).toBe(before);
  });

  test("a workbook without a customers table reports TABLE_MISSING; the actions that write refuse with a clear message", async () => {
    open({ sheets: [{ name: "Sheet1", cells: [["随便", "什么"], [1, 2]] }] });
    const out = await validate({ asOf: AS_OF });
    expect(out.findings.map((f) => f.code)).toEqual(["TABLE_MISSING"]);
    await expect(applyTags({ asOf: AS_OF })).rejects.toMatchObject({ kind: "noCustomers" });
    expect(fake.book.sheetNames()).toEqual(["Sheet1"]);
  });

  test("a cancelled action writes nothing", async () => {
    open(SPEC);
    const before = JSON.stringify(fake.book.snapshot());
    const ac = new AbortController();
    const p = applyTags({ asOf: AS_OF, signal: ac.signal, onProgress: (x) => x.phase === "read" && ac.abort() });
    await expect(p).rejects.toBeInstanceOf(ActionError);
    await expect(p).rejects.toMatchObject({ kind: "cancelled" });
    expect(JSON.stringify(fake.book.snapshot())).toBe(before);
  });
});

describe("apply tags", () => {
  test("writes the owned columns with lists and the findings sheet; every user cell, format, table and rule stays", async () => {
    open(SPEC);
    const before = userView(fake, {});
    const out = await applyTags({ asOf: AS_OF });
    expect(out.customers).toBe(150);
    const cols = ownedCols(fake, "客户", 3);
    expect(cols.size).toBe(OWNED_COLUMNS.length);
    expect(userView(fake, { 客户: cols })).toEqual(before);
    // Each customer's stage in its own row; 下次跟进 a real date serial.
    const first = Math.min(...cols);
    const stageCol = columnLetter(first);
    for (const c of expected.customers) expect(fake.book.cell("客户", `${stageCol}${c.row}`).value).toBe(c.stage);
    const nextCol = columnLetter(first + OWNED_COLUMNS.findIndex((d) => d.key === "nextFollowUp"));
    const withNext = expected.customers.find((c) => c.nextFollowUp)!;
    expect(fake.book.cell("客户", `${nextCol}${withNext.row}`).value).toBe(serialFromDay(toDay(withNext.nextFollowUp!)));
    // Lists on the five enumerated columns.
    const lists = fake.book.dataValidations("客户").filter((d) => (d.rule as { list?: unknown }).list);
    expect(lists).toHaveLength(5);
    // The findings sheet: a header and one row per finding, addresses as HYPERLINK formulas.
    expect(fake.book.sheetNames()).toContain(FINDINGS_SHEET);
    const findings = fake.book.values(FINDINGS_SHEET, `A1:J${expected.findings.length + 1}`);
    expect(findings.slice(1).map((r) => r[1])).toEqual(expected.findings.map((f) => f.code));
    expect(String(fake.book.cell(FINDINGS_SHEET, "C2").formula)).toMatch(/^=HYPERLINK\("#'.+'![A-Z]+\d+",".+"\)$/);
  });

  test("running it twice equals running it once", async () => {
    // Defined names compared by name: their order is no part of a workbook (Excel keeps them sorted); a run re-adds
    // the marks it moves (the ◆ columns', the findings sheet's) after the one it leaves (the history's).
    const view = () => {
      const snap = fake.book.snapshot() as { names: { name: string }[] };
      return JSON.stringify({ ...snap, names: [...snap.names].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) });
    };
    open(SPEC);
    await applyTags({ asOf: AS_OF });
    const once = view();
    await applyTags({ asOf: AS_OF });
    expect(view()).toBe(once);
  });

  test("text that looks like a formula is written as text", async () => {
    open({ sheets: [{ name: "=cmd", cells: [["客户编号", "客户名称", "联系人", "首次触达时间"], ["+C1", "=HYPERLINK(\"http://x\")", "-王", "2099-01-01"]] }] });
    await applyTags({ asOf: AS_OF });
    // Every cell but the address links is a constant, not a formula.
    for (let r = 2; r <= 6; r++) for (const c of "ABDEFGHIJ") expect(fake.book.cell(FINDINGS_SHEET, `${c}${r}`).formula ?? null).toBeNull();
    expect(fake.book.values(FINDINGS_SHEET, "D2:D2")[0][0]).toBe("=cmd"); // the sheet name, as text
  });
});

// DOMAIN.md section 1: a 周期表 and a 分类表 for the same customers are merged; a customer only in the 分类表 gets its
// results there. The pane writes what the command line writes, and takes it all out again.
describe("merged customers tables", () => {
  const MERGED: WorkbookModel = {
    sheets: [
      { name: "周期表", cells: [["客户编号", "客户名称", "联系人", "首次触达时间", "行业"], ["C1", "甲公司", "王经理", "2024-01-10", "制造业"], ["C2", "乙公司", "李经理", "2024-02-10", "零售业"]] },
      { name: "分类表", cells: [["客户编号", "客户名称", "联系人", "首次触达时间", "年度采购总额(万元)"], ["C2", "乙公司", "李经理", "2024-02-10", 60], ["C3", "丙公司", "赵经理", "2024-03-01", 10]] },
    ],
  };
  const merged = runPipeline(MERGED, AS_OF);

  test("apply: ◆ columns beside both tables, each customer in its home row; remove takes both out", async () => {
    open(specOf(MERGED));
    const before = userView(fake, {});
    const out = await applyTags({ asOf: AS_OF });
    expect(out.range.split(", ").map((r) => r.replace(/!.*/, ""))).toEqual(["周期表", "分类表"]);
    const life = ownedCols(fake, "周期表", 1);
    const cls = ownedCols(fake, "分类表", 1);
    expect(life.size).toBe(OWNED_COLUMNS.length);
    expect(cls.size).toBe(OWNED_COLUMNS.length);
    expect(userView(fake, { 周期表: life, 分类表: cls })).toEqual(before);
    const stage = (sheet: string, cols: Set<number>, row: number) => fake.book.cell(sheet, `${columnLetter(Math.min(...cols))}${row}`).value ?? null;
    const at = (id: string) => merged.customers.find((c) => c.id === id)!;
    expect([stage("周期表", life, 2), stage("周期表", life, 3)]).toEqual([at("C1").stage, at("C2").stage]);
    // C2 is the 周期表's customer: its 分类表 row gets nothing; C3 is only in the 分类表.
    expect([stage("分类表", cls, 2), stage("分类表", cls, 3)]).toEqual([null, at("C3").stage]);
    expect(fake.book.names().filter((n) => /^_CRM_RESULTS/.test(n.name)).map((n) => n.name).sort()).toEqual(["_CRM_RESULTS", "_CRM_RESULTS_2"]);
    await removeOutput({ asOf: AS_OF });
    expect(ownedCols(fake, "周期表", 1).size + ownedCols(fake, "分类表", 1).size).toBe(0);
    expect(fake.book.names().filter((n) => /^_CRM_/.test(n.name))).toEqual([]);
    expect(userView(fake, {})).toEqual(before);
  });
});

describe("highlight churn risk", () => {
  test("three marked rules over the table; re-running replaces only them; clear removes them and keeps the user's rules", async () => {
    const spec: FakeBookSpec = JSON.parse(JSON.stringify(SPEC));
    open(spec);
    // The user's own rule, which must survive everything.
    await fake.Excel.run(async (ctx) => {
      const cf = ctx.workbook.worksheets.getItem("客户").getRange("B4:B10").conditionalFormats.add("Custom" as Excel.ConditionalFormatType);
      cf.custom.rule.formula = "=LEN($B4)>10";
      cf.custom.format.fill.color = "#00FF00";
      await ctx.sync();
    });
    const out = await highlightRisk({ asOf: AS_OF });
    expect(out.rules).toBe(3);
    expect(out.churned).toBe(expected.customers.filter((c) => c.stage === "流失客户").length);
    const ours = () => fake.book.conditionalFormats("客户").filter((c) => String(c.formula).includes("CRM◆"));
    expect(ours()).toHaveLength(3);
    await highlightRisk({ asOf: AS_OF });
    expect(ours()).toHaveLength(3);
    expect(await clearHighlights()).toEqual({ removed: 3 });
    expect(ours()).toHaveLength(0);
    expect(fake.book.conditionalFormats("客户").map((c) => c.formula)).toEqual(["=LEN($B4)>10"]);
  });
});

describe("build review", () => {
  test("review sheets, a staging table, two real PivotTables and charts; a second run replaces only its own sheets", async () => {
    open(SPEC);
    await applyTags({ asOf: AS_OF });
    const afterApply = userView(fake, { 客户: ownedCols(fake, "客户", 3) });
    const out = await buildReviewSheets({ asOf: AS_OF });
    expect(out.fallback).toBe(false);
    expect(out.pivotTables).toBe(2);
    expect(out.charts).toBeGreaterThanOrEqual(3);
    const pivots = fake.book.pivotTables();
    expect(pivots).toHaveLength(2);
    expect(JSON.stringify(pivots)).toContain("行业");
    expect(JSON.stringify(pivots)).toContain("价值分级");
    expect(fake.book.charts().length).toBe(out.charts);
    expect(fake.book.sheetNames().filter((n) => n.startsWith(REVIEW_SHEET_PREFIX))).toEqual(out.sheets);
    // The stage counts written on the funnel sheet add up to the customers.
    const stages = fake.book.values(`${REVIEW_SHEET_PREFIX}阶段与漏斗`, "A6:B12");
    expect(stages.reduce((s, r) => s + Number(r[1]), 0)).toBe(150);
    // Its chart reads those cells, as the command line's chart does (issue 19: one description, two writers):
    // categories A6:A12 (the six stages, then undetermined), values B6:B12, a clustered bar titled by its block.
    const stageChart = fake.book.charts(`${REVIEW_SHEET_PREFIX}阶段与漏斗`).find((c) => c.title.startsWith("阶段分布"))!;
    expect(stageChart.type).toBe("BarClustered");
    expect(stageChart.series.map((x) => [x.name, x.xValues, x.values])).toEqual([["客户数 Customers", `'${REVIEW_SHEET_PREFIX}阶段与漏斗'!A6:A12`, `'${REVIEW_SHEET_PREFIX}阶段与漏斗'!B6:B12`]]);
    expect(fake.book.values(`${REVIEW_SHEET_PREFIX}阶段与漏斗`, "A6:A12").map((r) => r[0])).toEqual(["潜在客户", "意向客户", "成交客户", "稳定客户", "流失风险客户", "流失客户", "undetermined"]);
    // A chart with series in columns apart from its categories: industry × value tier, one series per tier column.
    const industry = fake.book.charts(`${REVIEW_SHEET_PREFIX}行业与负责人`).find((c) => c.title.startsWith("行业 × 价值分级"))!;
    expect(industry.type).toBe("ColumnClustered");
    expect(industry.series.map((x) => x.values!.replace(/^.*!([A-Z]+)6:.*$/, "$1"))).toEqual(["B", "C", "D", "E"]);
    expect(industry.series.map((x) => x.name)).toEqual(fake.book.values(`${REVIEW_SHEET_PREFIX}行业与负责人`, "B5:E5")[0]);
    // Native data bars on the counts, as the command line writes them: the stage counts B6:B12 from zero to the
    // largest; and the R × F grid (5 × 5 counts) shaded by a two-colour scale.
    const stageCfs = fake.book.conditionalFormats(`${REVIEW_SHEET_PREFIX}阶段与漏斗`);
    expect(stageCfs.find((c) => c.ref === "B6:B12")).toEqual(expect.objectContaining({
      type: "DataBar", dataBar: expect.objectContaining({ lowerBoundRule: { type: "Number", formula: "0" }, upperBoundRule: { type: "HighestValue" }, fillColor: "#5B9BD5" }),
    }));
    expect(stageCfs.every((c) => c.type === "DataBar")).toBe(true);
    const heat = fake.book.conditionalFormats(`${REVIEW_SHEET_PREFIX}分级与RFM`).filter((c) => c.type === "ColorScale");
    expect(heat).toHaveLength(1);
    const [, top, bottom] = /^B(\d+):F(\d+)$/.exec(heat[0].ref)!.map(Number);
    expect(bottom - top).toBe(4);
    expect(fake.book.values(`${REVIEW_SHEET_PREFIX}分级与RFM`, `A${top}:A${bottom}`).map((r) => r[0])).toEqual(["R5", "R4", "R3", "R2", "R1"]);
    expect(heat[0].colorScale).toEqual({ minimum: { type: "LowestValue", color: "#F2F7FC" }, maximum: { type: "HighestValue", color: "#2F5597" } });
    const once = JSON.stringify(fake.book.snapshot());
    await buildReviewSheets({ asOf: AS_OF });
    expect(JSON.stringify(fake.book.snapshot())).toBe(once);
    expect(userView(fake, { 客户: ownedCols(fake, "客户", 3) })).toEqual(afterApply);
  });

  test("without ExcelApi 1.8: plain tables, no PivotTables or charts, and the outcome says so", async () => {
    open(SPEC, { apiSets: { ExcelApi: "1.7" } });
    const out = await buildReviewSheets({ asOf: AS_OF });
    expect(out.fallback).toBe(true);
    expect(out.pivotTables).toBe(0);
    expect(fake.book.pivotTables()).toHaveLength(0);
    expect(fake.book.sheetNames().filter((n) => n.startsWith(REVIEW_SHEET_PREFIX))).toHaveLength(7);
  });
});

describe("mask, select, rules", () => {
  test("mask changes the flagged cell only, keeping its other text", async () => {
    open(SPEC);
    const phone = sample.mistakes.find((m) => m.code === "UNMASKED_PHONE")!;
    const ref = phone.address.split("!")[1];
    const before = String(fake.book.cell("客户", ref).value);
    expect(await maskPhoneNumbers({ asOf: AS_OF })).toEqual({ cells: 1, numbers: 1 });
    const after = String(fake.book.cell("客户", ref).value);
    expect(after).toMatch(/\d{3}\*{4}\d{4}/);
    expect(after.replace(/\d{3}\*{4}\d{4}/, "")).toBe(before.replace(/1[3-9]\d{9}/, ""));
    const again = await validate({ asOf: AS_OF });
    expect(again.findings.filter((f) => f.code === "UNMASKED_PHONE")).toEqual([]);
  });

  test("selecting a finding activates its sheet and selects its cell", async () => {
    open(SPEC);
    await selectCell("订单!E12");
    expect(fake.book.activeSheet()).toBe("订单");
    expect(fake.book.selection()).toMatch(/E12$/);
    await expect(selectCell("不存在!A1")).rejects.toMatchObject({ kind: "changed" });
  });

  test("rules: the sample's sheet with its refused value; editing writes the value cell; a new book gets the sheet", async () => {
    open(SPEC);
    const view = await readRules();
    expect(view.sheetExists).toBe(true);
    const cadence = view.rows.find((r) => r.key === "cadence.A")!;
    expect(cadence.value).toBe("一周");
    expect(cadence.problemZh).toContain("一周");
    const fixed = await writeRule("cadence.A", "5");
    expect(fixed.rows.find((r) => r.key === "cadence.A")).toMatchObject({ value: "5" });
    expect(fixed.rows.find((r) => r.key === "cadence.A")!.problemZh).toBeUndefined();

    open({ sheets: [{ name: "客户", cells: [["客户编号", "客户名称"], ["C1", "甲"]] }] });
    expect((await readRules()).sheetExists).toBe(false);
    const made = await writeRule("tier.strategic", "95");
    expect(made.sheetExists).toBe(true);
    expect(made.rows.find((r) => r.key === "tier.strategic")!.value).toBe("95");
    expect(made.rows.find((r) => r.key === "tier.key")!.value).toBe("70");
  });
});

describe("100,000 customers: round trips and payloads", () => {
  // Customers only (detail tables do not change the write pattern): the sample's rows repeated with new IDs.
  const bigModel: WorkbookModel = (() => {
    const src = sample.model.sheets.find((s) => s.name === "客户")!;
    const header = src.cells[2];
    const rows = src.cells.slice(3).filter((r) => r.some((v) => v !== null && v !== ""));
    const cells: CellValue[][] = [header];
    for (let i = 0; i < 100_000; i++) {
      const r = [...rows[i % rows.length]];
      r[0] = `K${String(i).padStart(6, "0")}`;
      cells.push(r);
    }
    return { sheets: [{ name: "客户", cells }] };
  })();
  const big = specOf(bigModel);
  const bigResult = runPipeline(bigModel, AS_OF);
  const findings = bigResult.findings.length;
  // The history rows the first apply records (every customer's stage, tiers and risk): written in chunks too.
  const historyRows = bigResult.historyAppend().length;
  const chunks = (rows: number) => Math.ceil(rows / 5_000);
  // Chunks: reading the sheet (100,001 rows); writing the owned columns or the staging table (100,000 rows);
  // writing the findings sheet; apply's history rows.
  const read = chunks(100_001);
  // Requests are sized by bytes too (2 MB each, under the 5 MB limit): heavy rows (the ◆ columns' reasons, the
  // findings' messages) take a request per 2 MB beside the 5,000-row chunks. Counted from the bytes the fake measured.
  const byBytes = () => Math.ceil(fake.stats.requests.reduce((n, r) => n + r.bytes + r.responseBytes, 0) / (2 * 1024 * 1024));

  test.each([
    ["validate", () => validate({ asOf: AS_OF }), read],
    ["apply", () => applyTags({ asOf: AS_OF }), read + chunks(100_000) + chunks(findings) + chunks(historyRows)],
    ["review", () => buildReviewSheets({ asOf: AS_OF }), read + chunks(100_000)],
  ] as const)("%s: at most 10 round trips plus one per 5,000-row chunk or 2 MB sent or read, no request or response over 5 MB", async (_name, action, chunkCount) => {
    open(big);
    fake.resetStats();
    await action();
    expect(fake.stats.syncs).toBeLessThanOrEqual(10 + chunkCount + byBytes());
    expect(fake.stats.maxRequestBytes).toBeLessThan(5 * 1024 * 1024);
    expect(fake.stats.maxResponseBytes).toBeLessThan(5 * 1024 * 1024);
    // eslint-disable-next-line no-console
    console.log(`${_name}: ${fake.stats.syncs} syncs for ${chunkCount} chunks; largest request ${(fake.stats.maxRequestBytes / 1e6).toFixed(2)} MB, response ${(fake.stats.maxResponseBytes / 1e6).toFixed(2)} MB`);
  });

  test("remove output: the read plus a handful of round trips, and the book is the user's again", async () => {
    open(big);
    const before = JSON.stringify(fake.book.snapshot());
    await applyTags({ asOf: AS_OF });
    await highlightRisk({ asOf: AS_OF });
    fake.resetStats();
    await removeOutput({ asOf: AS_OF });
    expect(fake.stats.syncs).toBeLessThanOrEqual(10 + read + byBytes());
    expect(fake.stats.maxRequestBytes).toBeLessThan(5 * 1024 * 1024);
    expect(fake.stats.maxResponseBytes).toBeLessThan(5 * 1024 * 1024);
    expect(JSON.stringify(fake.book.snapshot())).toBe(before);
    // eslint-disable-next-line no-console
    console.log(`remove: ${fake.stats.syncs} syncs for ${read} chunks`);
  });
});
