// Excel's real limits, on the strict fake: the 5 MB request and response cap of Excel on the web with text-heavy
// sheets, recovery from a payload error, rebuilding the review after the user reordered its tabs, and what the
// user is told for each Office error code (never "the workbook changed" for the add-in's own mistakes).
import { runPipeline, type CellValue, type WorkbookModel } from "../../src/core";
import { applyTags, buildReviewSheets, officeHost, useHost, validate } from "../../src/excel/actions";
import { byteChunks, rowBytes, utf8Length } from "../../src/excel/payload";
import { ActionError } from "../../src/excel/types";
import { generateSample } from "../../scripts/sample";
import { OWNED_COLUMNS, REVIEW_SHEET_PREFIX } from "../../src/workbook/owned";
import { createFakeExcel, type FakeBookSpec, type FakeExcel, type FakeExcelOptions } from "./fake-excel";
import { fakeHost, specOf } from "./spec";

jest.setTimeout(300_000);

const AS_OF = "2024-11-26";
const MB = 1024 * 1024;

let fake: FakeExcel;
let restore: () => void;

function open(spec: FakeBookSpec, opts: FakeExcelOptions = {}): FakeExcel {
  fake = createFakeExcel(spec, opts);
  restore = fake.install();
  useHost(fakeHost(fake));
  return fake;
}
afterEach(() => restore?.());

// ── a text-heavy book: 1,000 customers and an interactions log of 100,000 rows with 40-character notes ──

const NOTE = "客户反馈新品试用效果良好,希望下月安排技术人员上门培训并洽谈年度框架协议续签事宜";
const NOTE40 = NOTE.slice(0, 40);
function heavyModel(logRows: number): WorkbookModel {
  const sample = generateSample({ customers: 1_000, asOf: AS_OF });
  const customers = sample.model.sheets.find((s) => s.name === "客户")!;
  const ids = customers.cells.slice(3).map((r) => r[0]).filter((v): v is string => typeof v === "string" && v !== "");
  const names = customers.cells.slice(3).map((r) => r[1]);
  const log: CellValue[][] = [["客户编号", "客户名称", "维护时间", "维护方式", "维护内容", "客户反馈", "维护人"]];
  for (let i = 0; i < logRows; i++) {
    const k = i % ids.length;
    // Dates as Excel holds them (serials), spread over the two years before the as-of day.
    log.push([ids[k], names[k], 45_622 - (i % 700), i % 3 === 0 ? "电话" : "上门拜访", `${NOTE40}`, i % 5 === 0 ? "积极" : "中性", `销售${i % 17}`]);
  }
  return { sheets: [customers, { name: "维护记录", cells: log }] };
}

describe("payloads by bytes", () => {
  test("utf8Length counts UTF-8 bytes as TextEncoder does; rowBytes is the JSON's length", () => {
    const enc = new TextEncoder();
    for (const s of ["", "abc", NOTE, "😀 emoji", "é ü ñ", "客户\"引号\""]) expect(utf8Length(s)).toBe(enc.encode(s).length);
    // Hand-worked: ["ab",12,null,true] is 2+1+4+1+2+1+4+1+4 … = 20 bytes of JSON.
    expect(rowBytes(["ab", 12, null, true])).toBe(JSON.stringify(["ab", 12, null, true]).length);
    expect(rowBytes([NOTE40, 45_000])).toBe(enc.encode(JSON.stringify([NOTE40, 45_000])).length);
  });

  test("byteChunks: runs within the budget and the row cap; a row over the budget alone", () => {
    const sizes = [40, 40, 40, 100, 10, 10, 10, 10, 300, 5];
    expect(byteChunks(sizes.length, (i) => sizes[i], 3, 100)).toEqual([[0, 2], [2, 1], [3, 1], [4, 3], [7, 1], [8, 1], [9, 1]]);
    expect(byteChunks(0, () => 1, 10, 100)).toEqual([]);
  });

  test("a 100,000-row interactions log of 40-character notes: validate and apply stay under 5 MB a request", async () => {
    const model = heavyModel(100_000);
    const json = JSON.stringify(model.sheets[1].cells);
    // The log alone is ~20 MB of JSON: read by cell count (200,000 cells a request) a request would be ~6 MB.
    expect(new TextEncoder().encode(json).length).toBeGreaterThan(15 * MB);
    open(specOf(model));
    const expected = runPipeline(model, AS_OF);
    fake.resetStats();
    const out = await validate({ asOf: AS_OF });
    expect(out.summary).toEqual(expected.summary);
    expect(fake.stats.maxResponseBytes).toBeLessThan(5 * MB);
    expect(fake.stats.maxRequestBytes).toBeLessThan(5 * MB);
    // Sized by bytes, not by a count of cells: at least one request a 2 MB of what was read.
    const read = fake.stats.requests.reduce((n, r) => n + r.responseBytes, 0);
    expect(fake.stats.syncs).toBeGreaterThanOrEqual(Math.ceil(read / (2 * MB)));
    fake.resetStats();
    const applied = await applyTags({ asOf: AS_OF });
    expect(applied.customers).toBe(expected.customers.length);
    expect(fake.stats.maxResponseBytes).toBeLessThan(5 * MB);
    expect(fake.stats.maxRequestBytes).toBeLessThan(5 * MB);
    // eslint-disable-next-line no-console
    console.log(`100,000 log rows: ${fake.stats.syncs} syncs to apply; largest request ${(fake.stats.maxRequestBytes / MB).toFixed(2)} MB, response ${(fake.stats.maxResponseBytes / MB).toFixed(2)} MB`);
  });

  test("Excel refuses a request for its size: the read and the writes halve and go on, with the same outcome", async () => {
    const model = heavyModel(20_000);
    // The reference: the same book where nothing is refused.
    open(specOf(model));
    const plain = await applyTags({ asOf: AS_OF });
    const ownedPlain = fake.book.values("客户", "A1:AZ1100");
    restore();

    // A host whose limit is 1 MB: the add-in's 2 MB requests are refused until halved.
    open(specOf(model), { payloadLimitBytes: MB });
    const out = await applyTags({ asOf: AS_OF });
    expect(out).toEqual(plain);
    expect(fake.book.values("客户", "A1:AZ1100")).toEqual(ownedPlain);
    const refused = fake.stats.requests.filter((r) => r.bytes > MB || r.responseBytes > MB);
    expect(refused.length).toBeGreaterThan(0);
  });

  test("an injected ResponsePayloadSizeLimitExceeded on the first read is retried in halves", async () => {
    const model = heavyModel(5_000);
    open(specOf(model));
    const expected = runPipeline(model, AS_OF);
    // Sync 1: sheet names, sync 2: used ranges and marks, sync 3: the first chunk of values.
    fake.failSyncAt(3, "ResponsePayloadSizeLimitExceeded");
    const out = await validate({ asOf: AS_OF });
    expect(out.summary).toEqual(expected.summary);
    expect(out.findings.map((f) => f.address)).toEqual(expected.findings.map((f) => f.address));
  });

  test("a payload error that cannot be halved (a refused single row) is explained without a setting no UI has", async () => {
    const model = heavyModel(10);
    // One cell of 2 MB: the row alone is over a 1 MB host's limit.
    model.sheets[1].cells[3][4] = "长".repeat(700_000);
    open(specOf(model), { payloadLimitBytes: MB });
    const err = await validate({ asOf: AS_OF }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActionError);
    expect((err as ActionError).kind).toBe("payload");
    expect((err as ActionError).zh).toContain("5 MB");
    expect((err as ActionError).zh).not.toContain("每批行数");
    expect((err as ActionError).en).toContain("Excel for desktop");
  });
});

describe("a long execution plan in the review", () => {
  // 6,000 tasks with 200-character names: the plan block is about 1 KB a row, so 5,000 rows (the old chunk) were
  // over 5 MB in one request.
  const planModel = (): WorkbookModel => {
    const sample = generateSample({ customers: 30, asOf: AS_OF });
    const plan: CellValue[][] = [["任务名称", "策略关联", "执行负责人", "开始时间", "截止时间", "所需资源", "交付标准", "状态", "完成时间"]];
    for (let i = 0; i < 6_000; i++) plan.push([`${i}号任务:${NOTE.repeat(5).slice(0, 200)}`, "客户分层管理", `负责人${i % 9}`, 45_500 + (i % 90), 45_560 + (i % 90), "预算与人手", NOTE, i % 3 ? "进行中" : "已完成", i % 3 ? null : 45_600]);
    return { sheets: [...sample.model.sheets.filter((x) => x.name !== "执行计划"), { name: "执行计划", cells: plan }] };
  };

  test("is written in requests under 5 MB, and at a 1 MB host limit it is halved and written the same", async () => {
    const model = planModel();
    open(specOf(model));
    const out = await buildReviewSheets({ asOf: AS_OF });
    expect(fake.stats.maxRequestBytes).toBeLessThan(5 * MB);
    const planSheet = out.sheets.find((n) => fake.book.values(n, "A1:A1")[0][0]?.toString().includes("执行计划"))!;
    expect(planSheet).toBeDefined();
    const written = fake.book.values(planSheet, "A1:J6010");
    expect(JSON.stringify(written)).toContain("5999号任务");
    restore();

    open(specOf(model), { payloadLimitBytes: MB });
    await buildReviewSheets({ asOf: AS_OF });
    expect(fake.book.values(planSheet, "A1:J6010")).toEqual(written);
    expect(fake.stats.requests.some((r) => r.bytes > MB)).toBe(true);
  });
});

describe("the review after the user reordered its tabs", () => {
  const sample = generateSample({ customers: 120, asOf: AS_OF });
  const SPEC = specOf(sample.model, { 订单: "订单表" });

  async function moveSheet(name: string, position: number): Promise<void> {
    await fake.Excel.run(async (ctx) => {
      ctx.workbook.worksheets.getItem(name).position = position;
      await ctx.sync();
    });
  }

  test("review sheets moved first, last and between the user's sheets are rebuilt where the user put them", async () => {
    open(SPEC);
    const first = await buildReviewSheets({ asOf: AS_OF });
    const [a, b, c] = first.sheets;
    await moveSheet(a, 0);
    await moveSheet(b, fake.book.sheetNames().length - 1);
    await moveSheet(c, 2);
    const before = fake.book.sheetNames();
    const again = await buildReviewSheets({ asOf: "2024-12-20" });
    expect(again.sheets).toEqual(first.sheets);
    expect(fake.book.sheetNames()).toEqual(before);
    expect(JSON.stringify(fake.book.values(a, "A1:C5"))).toContain("2024-12-20");
  });

  test("a review sheet moved to the end, after an earlier version's review sheet this one no longer makes", async () => {
    // The earlier version's sheet (its mark `_CRM_SHEET_review.legacy`) sits left of a review sheet the user moved
    // to the last tab: deleting it leaves one sheet fewer, so the last tab's old position is past the end.
    const LEGACY = `${REVIEW_SHEET_PREFIX}旧版汇总`;
    open({ ...SPEC, sheets: [...SPEC.sheets.slice(0, 1), { name: LEGACY, cells: [["旧版复盘"]] }, ...SPEC.sheets.slice(1)], names: [{ name: "_CRM_SHEET_review.legacy", refersTo: `'${LEGACY}'!$A$1`, visible: false }] });
    const first = await buildReviewSheets({ asOf: AS_OF });
    expect(fake.book.hasSheet(LEGACY)).toBe(false);
    const last = first.sheets[0];
    await fake.Excel.run(async (ctx) => {
      ctx.workbook.worksheets.add(LEGACY).position = 1;
      ctx.workbook.names.add("_CRM_SHEET_review.legacy", ctx.workbook.worksheets.getItem(LEGACY).getRange("A1"));
      ctx.workbook.worksheets.getItem(last).position = fake.book.sheetNames().length;
      await ctx.sync();
    });
    const order = fake.book.sheetNames().filter((n) => n !== LEGACY);
    expect(order[order.length - 1]).toBe(last);
    await buildReviewSheets({ asOf: AS_OF });
    expect(fake.book.sheetNames()).toEqual(order);
  });

  test("every permutation of three review sheets among the user's sheets survives a rebuild", async () => {
    open(SPEC);
    const first = await buildReviewSheets({ asOf: AS_OF });
    const n = fake.book.sheetNames().length;
    for (const [i, j] of [[0, n - 1], [n - 1, 0], [1, n - 2]] as const) {
      await moveSheet(first.sheets[i % first.sheets.length], j);
      const before = fake.book.sheetNames();
      await buildReviewSheets({ asOf: AS_OF });
      expect(fake.book.sheetNames()).toEqual(before);
    }
    expect(fake.book.sheetNames().filter((s) => s.startsWith(REVIEW_SHEET_PREFIX)).sort()).toEqual([...first.sheets].filter((s) => s.startsWith(REVIEW_SHEET_PREFIX)).sort());
  });
});

describe("what the user is told, by Office error code", () => {
  const sample = generateSample({ customers: 30, asOf: AS_OF });
  const SPEC = specOf(sample.model);

  // kind, and words the Chinese message must hold: the user learns what to do, and whose fault it is.
  const CASES: [code: string, kind: string, zh: string, en: string][] = [
    ["ItemNotFound", "changed", "被修改", "changed"],
    ["InvalidReference", "changed", "被修改", "changed"],
    ["InvalidArgument", "addin", "内部错误", "mistake"],
    ["InvalidOperation", "addin", "您的工作簿没有问题", "workbook is fine"],
    ["ApiNotFound", "addin", "支持", "support"],
    ["ItemAlreadyExists", "addin", "内部错误", "mistake"],
    ["InvalidOperationInCellEditMode", "busy", "Enter", "Enter"],
    ["Conflict", "busy", "稍后重试", "try again"],
    ["InsertDeleteConflict", "busy", "稍后重试", "try again"],
    ["RequestAborted", "busy", "重试", "try again"],
    ["AccessDenied", "protected", "受保护", "protected"],
    ["UnsupportedSheet", "protected", "工作表", "worksheet"],
    ["MergedRangeConflict", "blocked", "合并", "Merged"],
    ["PivotTableRangeConflict", "blocked", "数据透视表", "PivotTable"],
    ["FilteredRangeConflict", "blocked", "筛选", "filter"],
    ["NonBlankCellOffSheet", "blocked", "空列", "empty columns"],
    ["RangeExceedsLimit", "blocked", "上限", "limit"],
    ["OperationCellsExceedLimit", "blocked", "上限", "Excel allows"],
    ["GeneralException", "office", "GeneralException", "GeneralException"],
  ];

  test.each(CASES)("%s → %s", async (code, kind, zh, en) => {
    open(SPEC);
    // The write phase: sync 1–2 read names and ranges, 3 reads values; a later sync writes.
    fake.failSyncAt(5, code);
    const err = (await applyTags({ asOf: AS_OF }).catch((e: unknown) => e)) as ActionError;
    expect(err).toBeInstanceOf(ActionError);
    expect(err.kind).toBe(kind);
    expect(err.code).toBe(code);
    expect(err.zh).toContain(zh);
    expect(err.en).toContain(en);
    // Only a vanished sheet or cell is blamed on the workbook changing.
    if (kind !== "changed") expect(err.zh).not.toContain("被修改");
    // Whatever failed, the half-written output was taken out again: the customers sheet has no ◆ column.
    expect(JSON.stringify(fake.book.values("客户", "A1:AZ4"))).not.toContain(OWNED_COLUMNS[0].header);
  });

  test("every action runs with delayForCellEdit, so a click while the user types waits for the edit", async () => {
    open(SPEC);
    useHost(officeHost);
    await validate({ asOf: AS_OF });
    expect(fake.runOptions).toEqual([{ delayForCellEdit: true }]);
  });
});
