// The fake Excel object model's own behaviour: it must be at least as strict as Excel so that the adapter
// tests (sync counts, payload sizes, load discipline) prove something about the real host.
import {
  addressOf,
  createFakeExcel,
  dateSerial,
  FakeBookSpec,
  FakeExcel,
  FakeOfficeError,
  FakeRequestContext,
  parseRef,
  quoteSheet,
} from "./fake-excel";

const spec = (): FakeBookSpec => ({
  sheets: [
    {
      name: "客户",
      cells: [
        ["客户编号", "名称", "阶段", "金额"],
        ["C001", "甲公司", "成交", 1200],
        ["C002", "乙公司", "洽谈", 300],
        ["C003", "丙公司", "成交", 800],
      ],
      formulas: { E2: "=D2*2" },
      numberFormats: { D2: "#,##0" },
      merges: ["G1:H1"],
      tables: [{ name: "客户表", range: "A1:D4" }],
    },
    { name: "跟进", cells: [["客户编号", "日期"], ["C001", 45296]] },
  ],
});

/** Runs a batch and returns the error it rejected with (fails the test if it did not reject). */
async function rejection(p: Promise<unknown>): Promise<FakeOfficeError> {
  try {
    await p;
  } catch (e) {
    return e as FakeOfficeError;
  }
  throw new Error("expected a rejection");
}

let fx: FakeExcel;
beforeEach(() => {
  fx = createFakeExcel(spec());
});

describe("strictness: load + sync before reading", () => {
  test("reading an unloaded property throws PropertyNotLoaded, shaped like OfficeExtension.Error", async () => {
    await fx.Excel.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem("客户").getRange("A1:B2");
      let err: unknown;
      try {
        void r.values;
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(FakeOfficeError);
      expect(err).toBeInstanceOf(fx.OfficeExtension.Error as typeof FakeOfficeError);
      expect(err).toMatchObject({ name: "RichApi.Error", code: "PropertyNotLoaded", traceMessages: [] });
      expect((err as FakeOfficeError).debugInfo.code).toBe("PropertyNotLoaded");
      expect((err as Error).message).toMatch(/The property 'values' is not available/);
      expect(() => r.address).toThrow(expect.objectContaining({ code: "PropertyNotLoaded" }));
    });
  });

  test("a property loaded but not yet synced still throws; after sync it reads", async () => {
    await fx.Excel.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem("客户").getRange("A1:B2");
      r.load("values, address");
      expect(() => r.values).toThrow(expect.objectContaining({ code: "PropertyNotLoaded" }));
      await ctx.sync();
      expect(r.values).toEqual([
        ["客户编号", "名称"],
        ["C001", "甲公司"],
      ]);
      expect(r.address).toBe("客户!A1:B2");
      // Only what was loaded is readable.
      expect(() => r.numberFormat).toThrow(expect.objectContaining({ code: "PropertyNotLoaded" }));
    });
  });

  test("navigation properties are always accessible, their scalars are not", async () => {
    await fx.Excel.run(async (ctx) => {
      const font = ctx.workbook.worksheets.getItem("客户").getRange("A1").format.font;
      expect(() => font.bold).toThrow(expect.objectContaining({ code: "PropertyNotLoaded" }));
      font.load("bold,name");
      await ctx.sync();
      expect(font.bold).toBe(false);
      expect(font.name).toBe("Calibri");
    });
  });

  test("load forms: string paths, arrays, {select}, property objects, collections", async () => {
    await fx.Excel.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem("客户");
      const a = ws.getRange("A1").load(["address", "format/fill/color"]);
      const b = ws.getRange("B1").load({ select: "values,rowIndex" });
      const c = ws.getRange("C1").load({ columnIndex: true, format: { font: { bold: true } } });
      const sheets = ctx.workbook.worksheets.load("items/name,items/position");
      const tables = ws.tables.load("name");
      await ctx.sync();
      expect(a.address).toBe("客户!A1");
      expect(a.format.fill.color).toBe("#FFFFFF");
      expect([b.values, b.rowIndex]).toEqual([[["名称"]], 0]);
      expect([c.columnIndex, c.format.font.bold]).toEqual([2, false]);
      expect(sheets.items.map((s) => [s.name, s.position])).toEqual([
        ["客户", 0],
        ["跟进", 1],
      ]);
      expect(tables.items.map((t) => t.name)).toEqual(["客户表"]);
    });
  });

  test("isNullObject needs load + sync too", async () => {
    await fx.Excel.run(async (ctx) => {
      const missing = ctx.workbook.worksheets.getItemOrNullObject("没有");
      const present = ctx.workbook.worksheets.getItemOrNullObject("跟进");
      expect(() => missing.isNullObject).toThrow(expect.objectContaining({ code: "PropertyNotLoaded" }));
      missing.load("isNullObject");
      present.load("name");
      expect(() => missing.isNullObject).toThrow(expect.objectContaining({ code: "PropertyNotLoaded" }));
      await ctx.sync();
      expect(missing.isNullObject).toBe(true);
      expect(present.isNullObject).toBe(false);
      expect(present.name).toBe("跟进");
    });
  });

  test("operations on a null object are ignored (the delete-if-exists idiom)", async () => {
    await fx.Excel.run(async (ctx) => {
      ctx.workbook.worksheets.getItemOrNullObject("没有").delete();
      ctx.workbook.worksheets.getItemOrNullObject("跟进").delete();
      await ctx.sync();
    });
    expect(fx.book.sheetNames()).toEqual(["客户"]);
  });

  test("a locally set property reads back without a load (as Office.js), the book changes only at sync", async () => {
    await fx.Excel.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem("跟进").getRange("C1");
      r.values = [["备注"]];
      expect(r.values).toEqual([["备注"]]);
      expect(fx.book.cell("跟进", "C1").value).toBeNull();
      await ctx.sync();
      expect(fx.book.cell("跟进", "C1").value).toBe("备注");
    });
  });

  test("anything not implemented says so", async () => {
    await fx.Excel.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem("客户").getRange("A1");
      expect(() => (r as unknown as { getImage(): void }).getImage()).toThrow("FakeExcel: Range.getImage not implemented");
      expect(() => r.load("hyperlink")).toThrow("FakeExcel: load of Range.hyperlink not implemented");
      expect(() => (fx.Excel as Record<string, unknown>).BorderIndex).toThrow("FakeExcel: Excel.BorderIndex not implemented");
      // Probes by promises and test tooling stay harmless.
      expect((r as unknown as { then?: unknown }).then).toBeUndefined();
    });
  });
});

describe("round trips and payloads", () => {
  test("each sync with queued work is one round trip; an empty sync is none; Excel.run flushes the rest", async () => {
    await fx.Excel.run(async (ctx) => {
      await ctx.sync();
      expect(fx.stats.syncs).toBe(0);
      expect(fx.stats.emptySyncs).toBe(1);
      const r = ctx.workbook.worksheets.getItem("客户").getRange("A1:D4").load("values");
      await ctx.sync();
      expect(fx.stats.syncs).toBe(1);
      r.format.font.bold = true; // left queued: Excel.run syncs it
    });
    expect(fx.stats.syncs).toBe(2);
    expect(fx.stats.requests.map((q) => q.ops)).toEqual([1, 1]);
    expect(fx.book.cell("客户", "B3").format["font.bold"]).toBe(true);
    fx.resetStats();
    expect(fx.stats).toEqual({ syncs: 0, requests: [], maxRequestBytes: 0, maxResponseBytes: 0, emptySyncs: 0 });
  });

  test("request bytes are the UTF-8 JSON of the queued arguments; response bytes the JSON of what was loaded", async () => {
    const values = [["你好", 1]]; // 6 UTF-8 bytes of Chinese
    await fx.Excel.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem("跟进").getRange("C1:D1");
      r.values = values;
      await ctx.sync();
      r.load("values");
      await ctx.sync();
    });
    const [write, read] = fx.stats.requests;
    expect(write.bytes).toBeGreaterThan(new TextEncoder().encode(JSON.stringify(values)).length);
    expect(write.responseBytes).toBe(0);
    expect(read.responseBytes).toBe(new TextEncoder().encode(JSON.stringify(values)).length);
    expect(fx.stats.maxRequestBytes).toBe(Math.max(write.bytes, read.bytes));
    expect(fx.stats.maxResponseBytes).toBe(read.responseBytes);
  });

  test("a request over the limit fails with RequestPayloadSizeLimitExceeded and applies nothing", async () => {
    const small = createFakeExcel(spec(), { payloadLimitBytes: 2000 });
    const before = small.book.snapshot();
    const err = await rejection(
      small.Excel.run(async (ctx) => {
        const ws = ctx.workbook.worksheets.getItem("跟进");
        ws.getRange("A10").values = [["先写的"]];
        ws.getRange("A11:A210").values = Array.from({ length: 200 }, (_, i) => [`第${i}行`]);
        await ctx.sync();
      }),
    );
    expect(err.code).toBe("RequestPayloadSizeLimitExceeded");
    expect(small.stats.syncs).toBe(1);
    expect(small.stats.requests[0].bytes).toBeGreaterThan(2000);
    expect(small.book.snapshot()).toEqual(before);
  });

  test("a response over the limit fails with ResponsePayloadSizeLimitExceeded and the batch's writes are undone", async () => {
    const small = createFakeExcel(spec(), { payloadLimitBytes: 2000 });
    small.book.setValues("跟进", "A3:A202", Array.from({ length: 200 }, () => ["x".repeat(5)]));
    const before = small.book.snapshot();
    const err = await rejection(
      small.Excel.run(async (ctx) => {
        const ws = ctx.workbook.worksheets.getItem("跟进");
        ws.getRange("B1").values = [["改了"]];
        ws.getRange("A1:A202").load("values");
        await ctx.sync();
      }),
    );
    expect(err.code).toBe("ResponsePayloadSizeLimitExceeded");
    expect(small.book.snapshot()).toEqual(before);
    // Loading a whole sheet's values is refused without building the array.
    const whole = await rejection(
      small.Excel.run(async (ctx) => {
        ctx.workbook.worksheets.getItem("跟进").getRange().load("values");
        await ctx.sync();
      }),
    );
    expect(whole.code).toBe("ResponsePayloadSizeLimitExceeded");
  });

  test("100,000 rows × 20 columns written in 5,000-row chunks: 20 round trips, each under 5 MB, in a few seconds", async () => {
    const big = createFakeExcel({ sheets: [{ name: "客户", cells: [] }] });
    const N = 100_000;
    const C = 20;
    const header = Array.from({ length: C }, (_, j) => `列${j + 1}`);
    const row = (i: number): (string | number)[] =>
      Array.from({ length: C }, (_, j) =>
        j === 0 ? `C${i}` : j % 4 === 1 ? `客户名称${i}号有限公司` : j % 4 === 2 ? i * 3.25 : j % 4 === 3 ? "2024-03-15" : `备注 ${i}-${j}`,
      );
    const data = Array.from({ length: N }, (_, i) => row(i));
    const t0 = Date.now();
    await big.Excel.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem("客户");
      ws.getRangeByIndexes(0, 0, 1, C).values = [header];
      for (let start = 0; start < N; start += 5000) {
        ws.getRangeByIndexes(start + 1, 0, 5000, C).values = data.slice(start, start + 5000);
        await ctx.sync();
      }
    });
    const writeMs = Date.now() - t0;
    const chunkBytes = big.stats.maxRequestBytes;
    expect(big.stats.syncs).toBe(20);
    expect(big.stats.maxRequestBytes).toBeLessThan(5 * 1024 * 1024);
    expect(big.stats.maxRequestBytes).toBeGreaterThan(1024 * 1024);
    expect(writeMs).toBeLessThan(8000);
    expect(big.book.usedRange("客户")).toBe("客户!A1:T100001");
    expect(big.book.cell("客户", "B100001")).toMatchObject({ value: "客户名称99999号有限公司" });
    expect(big.book.cell("客户", "D2")).toMatchObject({ value: dateSerial(2024, 3, 15), numberFormat: "yyyy-mm-dd" });

    // Reading it back also has to be chunked: one 100,000-row load is over the response limit.
    big.resetStats();
    const t1 = Date.now();
    const tooBig = await rejection(
      big.Excel.run(async (ctx) => {
        ctx.workbook.worksheets.getItem("客户").getRange("A1:T100001").load("values");
        await ctx.sync();
      }),
    );
    expect(tooBig.code).toBe("ResponsePayloadSizeLimitExceeded");
    let rowsRead = 0;
    await big.Excel.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem("客户");
      for (let start = 1; start <= N; start += 10_000) {
        const r = ws.getRangeByIndexes(start, 0, 10_000, C).load("values");
        await ctx.sync();
        rowsRead += r.values.length;
      }
    });
    expect(rowsRead).toBe(N);
    expect(big.stats.maxResponseBytes).toBeLessThan(5 * 1024 * 1024);
    const readMs = Date.now() - t1;
    expect(readMs).toBeLessThan(8000);
    // A single 100,000-row write is refused outright.
    const oneShot = await rejection(
      big.Excel.run(async (ctx) => {
        ctx.workbook.worksheets.getItem("客户").getRangeByIndexes(1, 0, N, C).values = data;
      }),
    );
    expect(oneShot.code).toBe("RequestPayloadSizeLimitExceeded");
    // eslint-disable-next-line no-console
    console.log(`fake-excel: 100,000×20 written in 20 chunks in ${writeMs} ms; largest request ${chunkBytes} B; read back in 10 chunks in ${readMs} ms`);
  }, 30_000);
});

describe("writes are applied at sync, in order, with Excel's checks", () => {
  test("values whose dimensions do not match the range fail at sync with InvalidArgument", async () => {
    const err = await rejection(
      fx.Excel.run(async (ctx) => {
        const r = ctx.workbook.worksheets.getItem("客户").getRange("A6:B7");
        r.values = [["只有一行", "x"]]; // accepted locally, like Office.js
        await ctx.sync();
      }),
    );
    expect(err.code).toBe("InvalidArgument");
    expect(err.message).toMatch(/2×2/);
    const nf = await rejection(
      fx.Excel.run(async (ctx) => {
        ctx.workbook.worksheets.getItem("客户").getRange("A6:B6").numberFormat = [["@"]];
        await ctx.sync();
      }),
    );
    expect(nf.code).toBe("InvalidArgument");
    expect(fx.book.usedRange("客户", true)).toBe("客户!A1:E4");
  });

  test("'=' stores a formula, an apostrophe stores text, + and - start formulas, and typed input is parsed", async () => {
    await fx.Excel.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem("跟进");
      ws.getRange("A10:A19").values = [
        ["=SUM(A1:A2)"],
        ["'=SUM(A1:A2)"],
        ["-当心"],
        ["'-当心"],
        ["13800138000"],
        ["110101199003071234"],
        ["007"],
        ["2024-01-05"],
        ["true"],
        ["50%"],
      ];
      ws.getRange("C10").values = [["2024年3月5日"]];
      ws.getRange("B10").numberFormat = [["@"]];
      ws.getRange("B10").values = [["007"]]; // a text-formatted cell keeps what was typed
      await ctx.sync();
    });
    const cell = (ref: string) => fx.book.cell("跟进", ref);
    expect(cell("A10")).toMatchObject({ value: null, formula: "=SUM(A1:A2)" });
    expect(cell("A11")).toMatchObject({ value: "=SUM(A1:A2)", formula: null });
    expect(cell("A12")).toMatchObject({ formula: "=-当心" });
    expect(cell("A13")).toMatchObject({ value: "-当心", formula: null });
    expect(cell("A14").value).toBe(13800138000);
    expect(cell("A15").value).toBe(110101199003071000); // Excel keeps 15 significant digits
    expect(cell("A16").value).toBe(7);
    expect(cell("A17")).toMatchObject({ value: dateSerial(2024, 1, 5), numberFormat: "yyyy-mm-dd" });
    expect(cell("A18").value).toBe(true);
    expect(cell("A19")).toMatchObject({ value: 0.5, numberFormat: "0%" });
    expect(cell("B10")).toMatchObject({ value: "007", numberFormat: "@" });
    expect(cell("C10")).toMatchObject({ value: dateSerial(2024, 3, 5), numberFormat: 'yyyy"年"m"月"d"日"' });
    // Reading back: formulas show the formula, values show the cached value ("" when not evaluated).
    await fx.Excel.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem("跟进").getRange("A10:A11").load("values,formulas,valueTypes");
      await ctx.sync();
      expect(r.formulas).toEqual([["=SUM(A1:A2)"], ["=SUM(A1:A2)"]]);
      expect(r.values).toEqual([[""], ["=SUM(A1:A2)"]]);
      expect(r.valueTypes).toEqual([["Empty"], ["String"]]);
    });
  });

  test("null in a values array leaves the cell unchanged; \"\" clears it", async () => {
    await fx.Excel.run(async (ctx) => {
      ctx.workbook.worksheets.getItem("客户").getRange("B2:C2").values = [[null, ""]];
    });
    expect(fx.book.values("客户", "B2:C2")).toEqual([["甲公司", ""]]);
  });

  test("a missing worksheet is ItemNotFound at sync, not when the proxy is made", async () => {
    let made = false;
    const err = await rejection(
      fx.Excel.run(async (ctx) => {
        const ws = ctx.workbook.worksheets.getItem("不存在");
        made = true;
        ws.getRange("A1").load("values");
        await ctx.sync();
      }),
    );
    expect(made).toBe(true);
    expect(err.code).toBe("ItemNotFound");
    expect(err.code).toBe(fx.Excel.ErrorCodes.itemNotFound);
  });

  test("operations queued before a failing one stay applied (Excel does not roll a batch back)", async () => {
    const err = await rejection(
      fx.Excel.run(async (ctx) => {
        const ws = ctx.workbook.worksheets.getItem("跟进");
        ws.getRange("C1").values = [["之前"]];
        ctx.workbook.worksheets.add("客户"); // duplicate name
        ws.getRange("C2").values = [["之后"]];
        await ctx.sync();
      }),
    );
    expect(err.code).toBe("ItemAlreadyExists");
    expect(fx.book.cell("跟进", "C1").value).toBe("之前");
    expect(fx.book.cell("跟进", "C2").value).toBeNull();
  });

  test("getUsedRangeOrNullObject on an empty sheet is a null object; getUsedRange gives A1", async () => {
    await fx.Excel.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.add("空白");
      const u = ws.getUsedRangeOrNullObject(true).load("address");
      const a = ws.getUsedRange().load("address");
      const filled = ctx.workbook.worksheets.getItem("客户").getUsedRangeOrNullObject(true).load("address");
      await ctx.sync();
      expect(u.isNullObject).toBe(true);
      expect(a.address).toBe("空白!A1");
      expect(filled.isNullObject).toBe(false);
      expect(filled.address).toBe("客户!A1:E4");
    });
  });

  test("addresses use Excel's sheet quoting", async () => {
    expect(quoteSheet("Sheet1")).toBe("Sheet1");
    expect(quoteSheet("客户")).toBe("客户");
    expect(quoteSheet("客户 名单's")).toBe("'客户 名单''s'");
    expect(quoteSheet("CRM复盘-漏斗")).toBe("'CRM复盘-漏斗'");
    expect(quoteSheet("2024")).toBe("'2024'");
    expect(quoteSheet("A1")).toBe("'A1'");
    expect(parseRef("$B$2:A1")).toEqual({ r0: 0, c0: 0, r1: 1, c1: 1 });
    await fx.Excel.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.add("客户 名单's");
      const r = ws.getRange("A1").load("address");
      const same = ws.getRange("'客户 名单''s'!B2:C3").load("address");
      const cols = ws.getRange("C:D").load("address,rowCount,isEntireColumn");
      await ctx.sync();
      expect(r.address).toBe("'客户 名单''s'!A1");
      expect(same.address).toBe("'客户 名单''s'!B2:C3");
      expect([cols.address, cols.rowCount, cols.isEntireColumn]).toEqual(["'客户 名单''s'!C:D", 1048576, true]);
    });
    expect(addressOf("x", { r0: 0, c0: 0, r1: 2, c1: 2 }, true)).toBe("x!$A$1:$C$3");
  });

  test("worksheets: add, duplicate names, position, visibility, tab colour, freeze, activate, select", async () => {
    await fx.Excel.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.add("CRM规则");
      ws.position = 0;
      ws.tabColor = "#00b050";
      ws.freezePanes.freezeRows(1);
      ws.getRange("B2").select();
      ctx.workbook.worksheets.getItem("跟进").visibility = fx.Excel.SheetVisibility.hidden;
      const count = ctx.workbook.worksheets.getCount();
      await ctx.sync();
      expect(count.value).toBe(3);
    });
    expect(fx.book.sheetNames()).toEqual(["CRM规则", "客户", "跟进"]);
    expect(fx.book.sheet("CRM规则")).toMatchObject({ tabColor: "#00B050", frozenRows: 1 });
    expect(fx.book.activeSheet()).toBe("CRM规则");
    expect(fx.book.selection()).toBe("CRM规则!B2");
    expect(fx.book.sheet("跟进").visibility).toBe("Hidden");
    const err = await rejection(
      fx.Excel.run(async (ctx) => {
        ctx.workbook.worksheets.getItem("跟进").activate();
        await ctx.sync();
      }),
    );
    expect(err.code).toBe("InvalidOperation");
  });
});

describe("defined names as the product's marks use them", () => {
  test("names from a spec (hidden, workbook- or sheet-scoped); a user's rename and Move or Copy as Excel does them", async () => {
    const fx2 = createFakeExcel({
      ...spec(),
      names: [
        { name: "_CRM_SHEET_findings", refersTo: "'跟进'!$A$1", visible: false },
        { name: "本表", refersTo: "'跟进'!$B$2", sheet: "跟进" },
        { name: "旧", refersTo: "=#REF!$A$1" },
      ],
    });
    expect(fx2.book.names().map((n) => [n.name, n.scope, n.type, n.value, n.visible])).toEqual([
      ["_CRM_SHEET_findings", null, "Range", "跟进!$A$1", false],
      ["本表", "跟进", "Range", "跟进!$B$2", true],
      ["旧", null, "Error", "#REF!$A$1", true],
    ]);
    // A rename: the names follow the sheet.
    fx2.book.renameSheet("跟进", "跟进 记录");
    expect(fx2.book.names()[0].value).toBe("'跟进 记录'!$A$1");
    // Move or Copy: the copy after the original, with sheet-scoped copies of the names that refer to the original.
    fx2.book.copySheet("跟进 记录", "跟进 记录 (2)");
    expect(fx2.book.sheetNames()).toEqual(["客户", "跟进 记录", "跟进 记录 (2)"]);
    expect(fx2.book.values("跟进 记录 (2)", "A1:B2")).toEqual(fx2.book.values("跟进 记录", "A1:B2"));
    expect(fx2.book.names().filter((n) => n.name === "_CRM_SHEET_findings").map((n) => [n.scope, n.value])).toEqual([
      [null, "'跟进 记录'!$A$1"],
      ["跟进 记录 (2)", "'跟进 记录 (2)'!$A$1"],
    ]);
    expect(() => fx2.book.copySheet("客户", "客户 (2)")).toThrow(/not modelled/);
    // Through the API: workbook.names holds the workbook-scoped names only; the range a name refers to, or a null
    // object for #REF!; add, hide, delete.
    await fx2.Excel.run(async (ctx) => {
      const names = ctx.workbook.names.load("items/name");
      await ctx.sync();
      expect(names.items.map((n) => n.name)).toEqual(["_CRM_SHEET_findings", "旧"]);
      const ranges = names.items.map((n) => n.getRangeOrNullObject().load("address"));
      await ctx.sync();
      expect(ranges.map((r) => (r.isNullObject ? null : r.address))).toEqual(["'跟进 记录'!A1", null]);
      const added = ctx.workbook.names.add("_CRM_RESULTS", ctx.workbook.worksheets.getItem("客户").getRange("E1:F4"), "mark");
      added.visible = false;
      names.items[1].delete();
      await ctx.sync();
    });
    expect(fx2.book.names().filter((n) => n.scope === null).map((n) => [n.name, n.value, n.visible, n.comment])).toEqual([
      ["_CRM_SHEET_findings", "'跟进 记录'!$A$1", false, ""],
      ["_CRM_RESULTS", "客户!$E$1:$F$4", false, "mark"],
    ]);
    // Deleting the sheet a name refers to leaves the name #REF!.
    await fx2.Excel.run(async (ctx) => {
      ctx.workbook.worksheets.getItem("跟进 记录").delete();
      await ctx.sync();
    });
    expect(fx2.book.names().find((n) => n.name === "_CRM_SHEET_findings")).toMatchObject({ type: "Error", scope: null });
    // NamedItem.getRangeOrNullObject needs ExcelApi 1.4.
    const old = createFakeExcel({ ...spec(), names: [{ name: "x", refersTo: "'客户'!$A$1" }] }, { apiSets: { ExcelApi: "1.3" } });
    const err = await rejection(
      old.Excel.run(async (ctx) => {
        ctx.workbook.names.getItem("x").getRangeOrNullObject().load("address");
        await ctx.sync();
      }),
    );
    expect(err.code).toBe("ApiNotFound");
  });
});

describe("tables, formats, validation", () => {
  test("tables: add over a range, unique text headers, body range, rename rules", async () => {
    await fx.Excel.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem("跟进");
      ws.getRange("D1:F1").values = [["客户编号", "", "客户编号"]];
      const t = ws.tables.add("D1:F1", true);
      t.name = "跟进表";
      const body = t.getDataBodyRange().load("address");
      const head = t.getHeaderRowRange().load("values");
      const all = ctx.workbook.tables.load("items/name");
      await ctx.sync();
      expect(body.address).toBe("跟进!D2:F2"); // Excel adds an empty data row under a lone header
      expect(head.values).toEqual([["客户编号", "Column2", "客户编号2"]]);
      expect(all.items.map((x) => x.name)).toEqual(["客户表", "跟进表"]);
    });
    const bad = await rejection(
      fx.Excel.run(async (ctx) => {
        ctx.workbook.tables.getItem("跟进表").name = "客户表";
        await ctx.sync();
      }),
    );
    expect(bad.code).toBe("ItemAlreadyExists");
    const overlap = await rejection(
      fx.Excel.run(async (ctx) => {
        ctx.workbook.worksheets.getItem("客户").tables.add("C3:F6", true);
        await ctx.sync();
      }),
    );
    expect(overlap.code).toBe("InvalidArgument");
    expect(fx.book.tables().map((t) => [t.name, t.ref])).toEqual([
      ["客户表", "A1:D4"],
      ["跟进表", "D1:F2"],
    ]);
  });

  test("range formats: set on a block, uniform values read back, mixed ones read null", async () => {
    await fx.Excel.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem("客户").getRange("A1:D1");
      r.format.font.bold = true;
      r.format.fill.color = "yellow";
      r.format.columnWidth = 60;
      r.format.horizontalAlignment = fx.Excel.HorizontalAlignment.center;
      ctx.workbook.worksheets.getItem("客户").getRange("A1").format.fill.clear();
      const row = ctx.workbook.worksheets.getItem("客户").getRange("A1:D1");
      row.load("format/font/bold,format/fill/color,format/columnWidth");
      await ctx.sync();
      expect(row.format.font.bold).toBe(true);
      expect(row.format.fill.color).toBeNull();
      expect(row.format.columnWidth).toBe(60);
    });
    expect(fx.book.cell("客户", "B1").format).toMatchObject({ "font.bold": true, "fill.color": "#FFFF00", horizontalAlignment: "Center", columnWidth: 60 });
    expect(fx.book.cell("客户", "A1").format["fill.color"]).toBeUndefined();
    const badColour = await rejection(
      fx.Excel.run(async (ctx) => {
        ctx.workbook.worksheets.getItem("客户").getRange("A1").format.font.color = "not-a-colour";
        await ctx.sync();
      }),
    );
    expect(badColour.code).toBe("InvalidArgument");
  });

  test("merged areas are reported as RangeAreas", async () => {
    await fx.Excel.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.getItem("客户");
      ws.getRange("J1:K2").merge();
      const m = ws.getRange("F1:L5").getMergedAreasOrNullObject().load("address,areaCount");
      const none = ws.getRange("A1:B2").getMergedAreasOrNullObject().load("address");
      await ctx.sync();
      expect(m.address).toBe("客户!G1:H1,客户!J1:K2");
      expect(m.areaCount).toBe(2);
      expect(none.isNullObject).toBe(true);
    });
  });

  test("data validation: list rules are recorded, a literal list over 255 characters is refused", async () => {
    await fx.Excel.run(async (ctx) => {
      const dv = ctx.workbook.worksheets.getItem("客户").getRange("C2:C4").dataValidation;
      dv.clear();
      dv.rule = { list: { inCellDropDown: true, source: "洽谈,成交,流失" } };
      dv.load("type,rule");
      await ctx.sync();
      expect(dv.type).toBe("List");
      expect(dv.rule).toEqual({ list: { inCellDropDown: true, source: "洽谈,成交,流失" } });
    });
    expect(fx.book.dataValidations("客户")).toEqual([
      expect.objectContaining({ ref: "C2:C4", rule: { list: { inCellDropDown: true, source: "洽谈,成交,流失" } } }),
    ]);
    const long = await rejection(
      fx.Excel.run(async (ctx) => {
        ctx.workbook.worksheets.getItem("客户").getRange("B2:B4").dataValidation.rule = {
          list: { inCellDropDown: true, source: Array.from({ length: 60 }, (_, i) => `选项${i}`).join(",") },
        };
        await ctx.sync();
      }),
    );
    expect(long.code).toBe("InvalidArgument");
  });
});

describe("conditional formats", () => {
  test("custom rules are recorded with formula, fill and font; items load by type", async () => {
    await fx.Excel.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem("客户").getRange("A2:D4");
      const cf = r.conditionalFormats.add(fx.Excel.ConditionalFormatType.custom);
      cf.custom.rule.formula = '=$C2="流失"';
      cf.custom.format.fill.color = "#FFC7CE";
      cf.custom.format.font.color = "#9C0006";
      cf.stopIfTrue = true;
      r.conditionalFormats.add(fx.Excel.ConditionalFormatType.dataBar);
      const items = r.conditionalFormats.load("items/type");
      const count = r.conditionalFormats.getCount();
      await ctx.sync();
      expect(items.items.map((x) => x.type)).toEqual(["DataBar", "Custom"]);
      expect(count.value).toBe(2);
    });
    expect(fx.book.conditionalFormats("客户")).toEqual([
      expect.objectContaining({ ref: "A2:D4", type: "DataBar", priority: 0 }),
      expect.objectContaining({ ref: "A2:D4", type: "Custom", formula: '=$C2="流失"', fill: "#FFC7CE", font: { color: "#9C0006" }, stopIfTrue: true }),
    ]);
    await fx.Excel.run(async (ctx) => {
      ctx.workbook.worksheets.getItem("客户").getRange("A3:D3").conditionalFormats.clearAll();
    });
    expect(fx.book.conditionalFormats("客户").map((c) => c.ref)).toEqual(["A2:D2,A4:D4", "A2:D2,A4:D4"]);
  });

  test("data bars and colour scales: bounds and criteria set whole and checked as Excel checks them", async () => {
    await fx.Excel.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem("客户").getRange("B2:B4");
      const bar = r.conditionalFormats.add(fx.Excel.ConditionalFormatType.dataBar).dataBar;
      bar.lowerBoundRule = { type: "Number", formula: "0" };
      bar.upperBoundRule = { type: "HighestValue" };
      bar.positiveFormat.fillColor = "#5B9BD5";
      r.conditionalFormats.add(fx.Excel.ConditionalFormatType.colorScale).colorScale.criteria = {
        minimum: { type: "LowestValue", color: "#F2F7FC" },
        maximum: { type: "HighestValue", color: "#2F5597" },
      };
      await ctx.sync();
    });
    const [scale, bar] = fx.book.conditionalFormats("客户");
    expect(bar.dataBar).toEqual({ lowerBoundRule: { type: "Number", formula: "0" }, upperBoundRule: { type: "HighestValue" }, fillColor: "#5B9BD5", gradientFill: true, borderColor: "" });
    expect(scale.colorScale).toEqual({ minimum: { type: "LowestValue", color: "#F2F7FC" }, maximum: { type: "HighestValue", color: "#2F5597" } });
    // A number bound with no number, a colour scale with no maximum, a colour that is not one, .dataBar on a colour scale.
    const bad: ((ctx: FakeRequestContext) => void)[] = [
      (ctx) => void (ctx.workbook.worksheets.getItem("客户").getRange("C2:C4").conditionalFormats.add("DataBar").dataBar.lowerBoundRule = { type: "Number" }),
      (ctx) => void (ctx.workbook.worksheets.getItem("客户").getRange("C2:C4").conditionalFormats.add("ColorScale").colorScale.criteria = { minimum: { type: "LowestValue", color: "#FFFFFF" } }),
      (ctx) => void (ctx.workbook.worksheets.getItem("客户").getRange("C2:C4").conditionalFormats.add("DataBar").dataBar.positiveFormat.fillColor = "5B9BD5"),
      (ctx) => void (ctx.workbook.worksheets.getItem("客户").getRange("C2:C4").conditionalFormats.add("ColorScale").dataBar.upperBoundRule = { type: "HighestValue" }),
    ];
    for (const f of bad) {
      const err = await rejection(fx.Excel.run(async (ctx) => {
        f(ctx as unknown as FakeRequestContext);
        await ctx.sync();
      }));
      expect(["InvalidArgument", "InvalidOperation"]).toContain(err.code);
    }
  });

  test(".custom on a non-custom conditional format fails like Excel; customOrNullObject is a null object", async () => {
    const err = await rejection(
      fx.Excel.run(async (ctx) => {
        const cf = ctx.workbook.worksheets.getItem("客户").getRange("D2:D4").conditionalFormats.add(fx.Excel.ConditionalFormatType.dataBar);
        cf.custom.rule.formula = "=TRUE";
        await ctx.sync();
      }),
    );
    expect(err.code).toBe("InvalidOperation");
    expect(err.message).toMatch(/not permitted/);
    // Loading custom/rule/formula over a collection mixing types fails too (office-js issue #2180) …
    const mixed = await rejection(
      fx.Excel.run(async (ctx) => {
        const r = ctx.workbook.worksheets.getItem("客户").getRange("A1:D4");
        r.conditionalFormats.add(fx.Excel.ConditionalFormatType.custom).custom.rule.formula = "=TRUE";
        r.conditionalFormats.load("items/type,items/custom/rule/formula");
        await ctx.sync();
      }),
    );
    expect(mixed.code).toBe("InvalidOperation");
    // … while customOrNullObject is the way to read them.
    await fx.Excel.run(async (ctx) => {
      const coll = ctx.workbook.worksheets.getItem("客户").getRange("A1:D4").conditionalFormats.load("items/type");
      await ctx.sync();
      const customs = coll.items.map((cf) => cf.customOrNullObject.rule.load("formula"));
      const nulls = coll.items.map((cf) => cf.customOrNullObject.load("isNullObject"));
      await ctx.sync();
      expect(coll.items.map((c) => c.type)).toEqual(["Custom", "DataBar"]);
      expect(nulls.map((n) => n.isNullObject)).toEqual([false, true]);
      expect(customs[0].formula).toBe("=TRUE");
    });
  });
});

describe("PivotTables and charts", () => {
  test("a PivotTable over a table is recorded with its hierarchies and summaries", async () => {
    await fx.Excel.run(async (ctx) => {
      const ws = ctx.workbook.worksheets.add("CRM复盘-阶段");
      const pt = ws.pivotTables.add("阶段透视", ctx.workbook.tables.getItem("客户表"), "A3");
      pt.rowHierarchies.add(pt.hierarchies.getItem("阶段"));
      const sum = pt.dataHierarchies.add(pt.hierarchies.getItem("金额"));
      const count = pt.dataHierarchies.add(pt.hierarchies.getItem("客户编号"));
      count.summarizeBy = fx.Excel.AggregationFunction.count;
      count.name = "客户数";
      pt.layout.layoutType = "Tabular";
      sum.load("name,summarizeBy");
      await ctx.sync();
      expect([sum.name, sum.summarizeBy]).toEqual(["Sum of 金额", "Sum"]);
    });
    expect(fx.book.pivotTables()).toEqual([
      {
        name: "阶段透视",
        sheet: "CRM复盘-阶段",
        source: "客户表",
        destination: "'CRM复盘-阶段'!A3",
        rows: ["阶段"],
        columns: [],
        filters: [],
        data: [
          { field: "金额", name: "Sum of 金额", summarizeBy: "Sum", numberFormat: null },
          { field: "客户编号", name: "客户数", summarizeBy: "Count", numberFormat: null },
        ],
        layout: { layoutType: "Tabular", showRowGrandTotals: true, showColumnGrandTotals: true },
      },
    ]);
  });

  test("pivot fields must exist in the source header; a data name may not repeat a field name", async () => {
    const missing = await rejection(
      fx.Excel.run(async (ctx) => {
        const pt = ctx.workbook.worksheets.getItem("跟进").pivotTables.add("P", "客户!A1:D4", "跟进!D2");
        pt.rowHierarchies.add(pt.hierarchies.getItem("不存在的字段"));
        await ctx.sync();
      }),
    );
    expect(missing.code).toBe("ItemNotFound");
    const clash = await rejection(
      fx.Excel.run(async (ctx) => {
        const pt = ctx.workbook.worksheets.getItem("跟进").pivotTables.getItem("P");
        pt.dataHierarchies.add(pt.hierarchies.getItem("金额")).name = "金额";
        await ctx.sync();
      }),
    );
    expect(clash.code).toBe("InvalidArgument");
    expect(fx.book.pivotTables()[0]).toMatchObject({ name: "P", source: "客户!A1:D4", destination: "跟进!D2" });
  });

  test("without ExcelApi 1.8 the PivotTable API is not there (ApiNotFound), and Office says so", async () => {
    const old = createFakeExcel(spec(), { apiSets: { ExcelApi: "1.7" } });
    expect(old.Office.context.requirements.isSetSupported("ExcelApi", "1.8")).toBe(false);
    expect(old.Office.context.requirements.isSetSupported("ExcelApi", "1.7")).toBe(true);
    expect(fx.Office.context.requirements.isSetSupported("ExcelApi", "1.17")).toBe(true);
    const err = await rejection(
      old.Excel.run(async (ctx) => {
        ctx.workbook.worksheets.getItem("跟进").pivotTables.add("P", "客户!A1:D4", "跟进!D2");
        await ctx.sync();
      }),
    );
    expect(err.code).toBe("ApiNotFound");
    expect(old.book.pivotTables()).toEqual([]);
    // load() without names loads what the host has; naming a newer property is ApiNotFound.
    await old.Excel.run(async (ctx) => {
      const r = ctx.workbook.worksheets.getItem("客户").getRange("A1").load();
      await ctx.sync();
      expect(r.values).toEqual([["客户编号"]]);
      expect(() => (r as unknown as { top: number }).top).toThrow(expect.objectContaining({ code: "PropertyNotLoaded" }));
    });
    const named = await rejection(
      old.Excel.run(async (ctx) => {
        ctx.workbook.worksheets.getItem("客户").getRange("A1").load("top");
        await ctx.sync();
      }),
    );
    expect(named.code).toBe("ApiNotFound");
  });

  test("series added and given their values and categories by range (ExcelApi 1.7); a block of cells, or an older host, refused", async () => {
    await fx.Excel.run(async (ctx) => {
      const sheet = ctx.workbook.worksheets.getItem("客户");
      const ws = ctx.workbook.worksheets.add("CRM复盘-系列");
      const chart = ws.charts.add(fx.Excel.ChartType.columnClustered, sheet.getRange("D2:D4"), fx.Excel.ChartSeriesBy.columns);
      chart.series.getItemAt(0).setXAxisValues(sheet.getRange("B2:B4"));
      const second = chart.series.add("第二");
      second.setValues(sheet.getRange("D2:D4"));
      second.setXAxisValues(sheet.getRange("B2:B4"));
      await ctx.sync();
    });
    const [chart] = fx.book.charts("CRM复盘-系列");
    expect(chart.series.map((x) => [x.name, x.xValues, x.values])).toEqual([[expect.any(String), "客户!B2:B4", undefined], ["第二", "客户!B2:B4", "客户!D2:D4"]]);
    const block = await rejection(
      fx.Excel.run(async (ctx) => {
        const c = ctx.workbook.worksheets.getItem("CRM复盘-系列").charts.getItemAt(0);
        c.series.getItemAt(0).setValues(ctx.workbook.worksheets.getItem("客户").getRange("B2:D4"));
        await ctx.sync();
      }),
    );
    expect(block.code).toBe("InvalidArgument");
    const old = createFakeExcel(spec(), { apiSets: { ExcelApi: "1.6" } });
    const tooOld = await rejection(
      old.Excel.run(async (ctx) => {
        const sheet = ctx.workbook.worksheets.getItem("客户");
        const c = sheet.charts.add(old.Excel.ChartType.columnClustered, sheet.getRange("D2:D4"));
        c.series.add("x");
        await ctx.sync();
      }),
    );
    expect(tooOld.code).toBe("ApiNotFound");
  });

  test("charts are recorded with type, source, title, position, series colours and axis settings", async () => {
    await fx.Excel.run(async (ctx) => {
      const src = ctx.workbook.worksheets.getItem("客户").getRange("B1:B4").getBoundingRect("D1:D4");
      const ws = ctx.workbook.worksheets.add("CRM复盘-图");
      const chart = ws.charts.add(fx.Excel.ChartType.barClustered, src, fx.Excel.ChartSeriesBy.columns);
      chart.title.text = "金额";
      chart.setPosition("A1", "H15");
      chart.legend.visible = false;
      chart.series.getItemAt(0).format.fill.setSolidColor("#4472C4");
      chart.axes.categoryAxis.reversePlotOrder = true;
      chart.load("name");
      await ctx.sync();
      expect(chart.name).toBe("Chart 1");
    });
    expect(fx.book.charts("CRM复盘-图")).toEqual([
      expect.objectContaining({
        type: "BarClustered",
        source: "客户!B1:D4",
        title: "金额",
        legendVisible: false,
        position: { start: "A1", end: "H15" },
        series: [expect.objectContaining({ name: "金额", fill: "#4472C4" })], // B and C are category labels
        categoryAxis: expect.objectContaining({ reversePlotOrder: true }),
      }),
    ]);
    const noSuchSeries = await rejection(
      fx.Excel.run(async (ctx) => {
        const ws = ctx.workbook.worksheets.getItem("CRM复盘-图");
        const pie = ws.charts.add(fx.Excel.ChartType.pie, ctx.workbook.worksheets.getItem("客户").getRange("C1:D4"));
        pie.series.getItemAt(1).format.fill.clear();
        await ctx.sync();
      }),
    );
    expect(noSuchSeries.code).toBe("InvalidArgument");
    const pieAxis = await rejection(
      fx.Excel.run(async (ctx) => {
        const ws = ctx.workbook.worksheets.getItem("CRM复盘-图");
        const pie = ws.charts.add(fx.Excel.ChartType.pie, ctx.workbook.worksheets.getItem("客户").getRange("C1:D4"));
        pie.axes.categoryAxis.reversePlotOrder = true;
        await ctx.sync();
      }),
    );
    expect(pieAxis.code).toBe("InvalidOperation");
    expect(fx.book.charts("CRM复盘-图").map((c) => c.type)).toEqual(["BarClustered", "Pie", "Pie"]);
  });
});

describe("failures, contexts and snapshots", () => {
  test("failSyncAt(n) fails the n-th round trip from now with GeneralException and applies none of it", async () => {
    const before = fx.book.snapshot();
    fx.failSyncAt(2);
    const err = await rejection(
      fx.Excel.run(async (ctx) => {
        const ws = ctx.workbook.worksheets.getItem("客户");
        ws.getRange("F2").values = [["第一批"]];
        await ctx.sync(); // 1: applied
        ws.getRange("F3").values = [["第二批"]];
        ws.getRange("A1:D1").format.font.bold = true;
        ctx.workbook.worksheets.add("半截");
        await ctx.sync(); // 2: fails
      }),
    );
    expect(err.code).toBe("GeneralException");
    expect(fx.stats.syncs).toBe(2);
    const after = fx.book.snapshot();
    expect(after).not.toEqual(before);
    expect(fx.book.cell("客户", "F2").value).toBe("第一批");
    expect(fx.book.cell("客户", "F3").value).toBeNull();
    expect(fx.book.sheetNames()).toEqual(["客户", "跟进"]);
    // Undo the first batch by hand: everything else is as it was.
    fx.book.setValues("客户", "F2", [[null]]);
    expect(fx.book.snapshot()).toEqual(before);
    // The failure is used up.
    await fx.Excel.run(async (ctx) => {
      ctx.workbook.worksheets.getItem("客户").getRange("F3").values = [["重试"]];
    });
    expect(fx.book.cell("客户", "F3").value).toBe("重试");
  });

  test("a failSyncAt sync in the middle of chunked writes leaves the earlier chunks only", async () => {
    fx.failSyncAt(3);
    await rejection(
      fx.Excel.run(async (ctx) => {
        const ws = ctx.workbook.worksheets.getItem("跟进");
        for (let i = 0; i < 4; i++) {
          ws.getRange(`D${i + 1}`).values = [[`块${i}`]];
          await ctx.sync();
        }
      }),
    );
    expect(fx.book.values("跟进", "D1:D4")).toEqual([["块0"], ["块1"], [""], [""]]);
  });

  test("snapshots are deep, JSON-comparable copies; any change shows", async () => {
    const a = fx.book.snapshot();
    const b = fx.book.snapshot();
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
    (a.sheets as { cells: unknown[][] }[])[0].cells[1][1] = "tampered";
    expect(fx.book.snapshot()).toEqual(b);
    await fx.Excel.run(async (ctx) => {
      ctx.workbook.worksheets.getItem("跟进").getRange("A1").format.font.italic = true;
    });
    expect(fx.book.snapshot()).not.toEqual(b);
    const c = createFakeExcel(spec());
    await c.Excel.run(async (ctx) => {
      ctx.workbook.worksheets.getItem("跟进").getRange("Z9").values = [["x"]];
      await ctx.sync();
      ctx.workbook.worksheets.getItem("跟进").getRange("Z9").values = [[""]];
    });
    expect(c.book.snapshot()).toEqual(b); // written then cleared: nothing left
  });

  test("objects from a finished Excel.run cannot be used; objects of another context are refused", async () => {
    let kept: ReturnType<FakeRequestContext["workbook"]["worksheets"]["getItem"]> | undefined;
    let keptCtx: FakeRequestContext | undefined;
    await fx.Excel.run(async (ctx) => {
      kept = ctx.workbook.worksheets.getItem("客户").load("name");
      keptCtx = ctx;
      await ctx.sync();
    });
    expect(kept!.name).toBe("客户"); // loaded values stay readable
    kept!.getRange("A1").values = [["迟到"]];
    const late = await rejection(keptCtx!.sync());
    expect(late.code).toBe("InvalidObjectPath");
    await fx.Excel.run(async (ctx) => {
      expect(() => ctx.workbook.worksheets.getItem("跟进").charts.add("Pie", kept!.getRange("A1:B2") as never)).toThrow(
        expect.objectContaining({ code: "InvalidRequestContext" }),
      );
    });
    expect(fx.book.cell("客户", "A1").value).toBe("客户编号");
  });

  test("Office: onReady, requirement sets, action association; install() sets the globals", async () => {
    await expect(fx.Office.onReady()).resolves.toEqual({ host: "Excel", platform: "OfficeOnline" });
    const handler = jest.fn();
    fx.Office.actions.associate("applyTags", handler);
    expect(fx.actions.applyTags).toBe(handler);
    expect(fx.Office.context.requirements.isSetSupported("SharedRuntime", "1.1")).toBe(true);
    expect(fx.Office.context.requirements.isSetSupported("NoSuchSet")).toBe(false);
    const g = globalThis as unknown as { Excel?: typeof fx.Excel };
    const restore = fx.install();
    try {
      expect(g.Excel).toBe(fx.Excel);
      await g.Excel!.run(async (ctx) => {
        ctx.workbook.worksheets.getItem("跟进").getRange("B3").values = [[1]];
      });
    } finally {
      restore();
    }
    expect(g.Excel).toBeUndefined();
    expect(fx.book.cell("跟进", "B3").value).toBe(1);
  });
});

describe("code written against @types/office-js runs unchanged on the installed fake", () => {
  test("a typical adapter flow: read, chunked write, highlight, validate, pivot, chart, select", async () => {
    const restore = fx.install();
    try {
      const result = await Excel.run(async (context: Excel.RequestContext) => {
        const sheet = context.workbook.worksheets.getItem("客户");
        const used = sheet.getUsedRange(true);
        used.load(["values", "address", "rowCount", "columnCount"]);
        const tables = sheet.tables;
        tables.load("items/name");
        await context.sync();
        const header = used.values[0] as string[];
        const amountCol = header.indexOf("金额");

        // Owned result column right after the block, written in one values array.
        const out = sheet.getRangeByIndexes(0, used.columnCount, used.rowCount, 1);
        out.numberFormat = used.values.map(() => ["@"]);
        out.values = used.values.map((row, i) => [i === 0 ? "◆标签" : Number(row[amountCol]) > 500 ? "高价值" : "-普通"]);
        out.format.autofitColumns();

        const body = out.getOffsetRange(1, 0).getResizedRange(-1, 0);
        const cf = body.conditionalFormats.add(Excel.ConditionalFormatType.custom);
        cf.custom.rule.formula = `=${"F2"}="高价值"`;
        cf.custom.format.fill.color = "#C6EFCE";
        body.dataValidation.clear();
        body.dataValidation.rule = { list: { inCellDropDown: true, source: "高价值,普通" } };

        const review = context.workbook.worksheets.add("CRM复盘-金额");
        const pt = review.pivotTables.add("金额透视", tables.items[0], review.getRange("A3"));
        pt.rowHierarchies.add(pt.hierarchies.getItem("阶段"));
        const data = pt.dataHierarchies.add(pt.hierarchies.getItem("金额"));
        data.summarizeBy = Excel.AggregationFunction.sum;
        data.name = "金额合计";
        pt.layout.layoutType = "Tabular";
        const chart = review.charts.add(Excel.ChartType.columnClustered, sheet.getRange("B1:B4").getBoundingRect("D1:D4"), Excel.ChartSeriesBy.columns);
        chart.title.text = "金额";
        chart.setPosition("E3", "L18");
        sheet.freezePanes.freezeRows(1);
        sheet.getRange("F3").select();
        const check = context.workbook.worksheets.getItemOrNullObject("CRM规则");
        check.load("isNullObject");
        await context.sync();
        return { address: used.address, rulesSheet: !check.isNullObject };
      });
      expect(result).toEqual({ address: "客户!A1:E4", rulesSheet: false });
      let caught: unknown;
      await Excel.run(async (context) => {
        context.workbook.worksheets.getItem("没有这个表").load("name");
        await context.sync();
      }).catch((e: unknown) => (caught = e));
      expect(caught).toBeInstanceOf(OfficeExtension.Error);
      expect((caught as OfficeExtension.Error).code).toBe(Excel.ErrorCodes.itemNotFound);
    } finally {
      restore();
    }
    expect(fx.book.values("客户", "F1:F4")).toEqual([["◆标签"], ["高价值"], ["-普通"], ["高价值"]]); // text, not formulas
    expect(fx.book.cell("客户", "F3").formula).toBeNull();
    expect(fx.book.conditionalFormats("客户")).toEqual([expect.objectContaining({ ref: "F2:F4", formula: '=F2="高价值"', fill: "#C6EFCE" })]);
    expect(fx.book.dataValidations("客户")[0]).toMatchObject({ ref: "F2:F4" });
    expect(fx.book.pivotTables()[0]).toMatchObject({ rows: ["阶段"], data: [{ field: "金额", name: "金额合计", summarizeBy: "Sum" }] });
    expect(fx.book.charts("CRM复盘-金额")[0]).toMatchObject({ type: "ColumnClustered", title: "金额", position: { start: "E3", end: "L18" } });
    expect(fx.book.frozenRows("客户")).toBe(1);
    expect([fx.book.activeSheet(), fx.book.selection()]).toEqual(["客户", "客户!F3"]);
    expect(fx.stats.syncs).toBe(3); // two in the first run, one (failed) in the second
  });
});
