// Issue 20 in the task pane: 应用标签 appends the history sheet 「CRM变更历史」 through Office.js, as `crm apply` does
// (DOMAIN.md section 8a), on the strict fake Excel. The rows are checked against the ◆ columns the same runs wrote
// (each changed, non-empty stage, tier, value tier and risk cell once); a run on the same day appends nothing; the
// earlier rows are never written again; a failure at any round trip leaves the history whole (all of the run's rows
// or none); the pane shows a customer's timeline from it; 移除 CRM 结果 keeps it when asked.
import { formatDay, HISTORY_HEADER, HISTORY_SHEET, toDay } from "../../src/core";
import { applyTags, removeOutput, useHost, validate } from "../../src/excel/actions";
import { createFakeExcel, type FakeBookSpec, type FakeExcel } from "./fake-excel";
import { marksOf, type NameSnap } from "./spec";

jest.setTimeout(120_000);

const D1 = "2024-06-30";
/** 100 days later: C1's last order (3 days before D1) is more than 90 days old. */
const D2 = formatDay(toDay(D1) + 100);
const ago = (n: number) => formatDay(toDay(D1) - n);

/** C1 bought 3 days before D1 and a competitor is noted (流失风险客户); C2 and C3 are prospects. */
const SPEC: FakeBookSpec = {
  sheets: [
    { name: "客户", cells: [["客户编号", "客户名称", "联系人", "首次触达时间", "近6个月消费金额(元)", "备注"], ["C1", "甲公司", "王", ago(400), 10000, "竞品接触"], ["C2", "乙公司", null, ago(200), 0, null], ["C3", "丙公司", "赵", ago(30), 500, null]] },
    { name: "订单", cells: [["客户编号", "下单日期", "金额(元)"], ["C1", ago(3), 500]] },
  ],
};

let fake: FakeExcel;
let restore: (() => void) | undefined;
function open(spec: FakeBookSpec): FakeExcel {
  restore?.();
  fake = createFakeExcel(spec);
  restore = fake.install();
  useHost({ run: (b) => fake.Excel.run(b as never) as never, isSetSupported: (s, v) => fake.Office.context.requirements.isSetSupported(s, v) });
  return fake;
}
afterEach(() => {
  restore?.();
  restore = undefined;
});

const KEYS = [["◆周期阶段 Stage", "周期阶段"], ["◆评分等级 Tier", "评分等级"], ["◆价值分级 Value tier", "价值分级"], ["◆风险等级 Risk", "风险等级"]] as const;

/** Each customer's four ◆ cells as the fake book holds them. */
function ownedCells(f: FakeExcel): Map<string, Record<string, string | null>> {
  const rows = f.book.values("客户", "A1:Z4");
  const head = rows[0];
  const out = new Map<string, Record<string, string | null>>();
  for (const r of rows.slice(1)) {
    out.set(String(r[0]), Object.fromEntries(KEYS.map(([h, field]) => {
      const v = r[head.indexOf(h)];
      return [field, v === "" || v === null || v === undefined ? null : String(v)];
    })));
  }
  return out;
}

/** The history sheet's rows (the header first), the date as the day its serial number is. */
function historyRows(f: FakeExcel): (string | number | boolean | null)[][] {
  if (!snap(f).sheets.some((s) => s.name === HISTORY_SHEET)) return [];
  return f.book.values(HISTORY_SHEET, "A1:G200").filter((r) => r.some((v) => v !== "" && v !== null));
}

/** The parts of the fake book's snapshot these tests look at. */
const snap = (f: FakeExcel) => f.book.snapshot() as { sheets: { name: string }[]; names: NameSnap[] };

const serialDay = (serial: number) => formatDay(Math.round(serial) - 25569);

/** The rows a run must append: each non-empty ◆ cell differing from the run before's (every one on the first). */
function expected(now: Map<string, Record<string, string | null>>, before: Map<string, Record<string, string | null>> | null, day: string) {
  const out: (string | null)[][] = [];
  for (const [id, cells] of now) {
    for (const [, field] of KEYS) {
      const was = before ? before.get(id)![field] : null;
      if (cells[field] !== was) out.push([day, id, field, was ?? "", cells[field] ?? ""]);
    }
  }
  return out;
}

const shape = (rows: (string | number | boolean | null)[][]) => rows.map((r) => [serialDay(r[0] as number), r[1], r[3], r[4], r[5]]);

test("the first apply records every customer; the same day again appends nothing; 100 days later only what changed, the earlier rows untouched", async () => {
  open(SPEC);
  const first = await applyTags({ asOf: D1 });
  const owned1 = ownedCells(fake);
  const rows1 = historyRows(fake);
  expect(rows1[0]).toEqual([...HISTORY_HEADER]);
  expect(shape(rows1.slice(1))).toEqual(expected(owned1, null, D1));
  expect(first.history).toEqual({ appended: rows1.length - 1, skipped: null });
  // The sheet is the product's: marked, its dates formatted as dates, the other columns as text.
  expect(marksOf(snap(fake).names).sheets.get("history")).toBe(HISTORY_SHEET);
  expect(fake.book.cell(HISTORY_SHEET, "A2").numberFormat).toBe("yyyy-mm-dd");
  expect(fake.book.cell(HISTORY_SHEET, "B2").numberFormat).toBe("@");

  const again = await applyTags({ asOf: D1 });
  expect(again.history).toEqual({ appended: 0, skipped: null });
  expect(historyRows(fake)).toEqual(rows1);

  const later = await applyTags({ asOf: D2 });
  const rows2 = historyRows(fake);
  const changes = expected(ownedCells(fake), owned1, D2);
  // C1 went silent (流失客户, risk 已流失); not everyone changed.
  expect(changes.filter((r) => r[1] === "C1").map((r) => [r[2], r[4]])).toEqual(expect.arrayContaining([["周期阶段", "流失客户"], ["风险等级", "已流失"]]));
  expect(changes.length).toBeLessThan(rows1.length - 1);
  expect(rows2.slice(0, rows1.length)).toEqual(rows1);
  expect(shape(rows2.slice(rows1.length))).toEqual(changes);
  expect(later.history.appended).toBe(changes.length);
});

test("validate reads the history back: a customer's timeline for its finding and in the at-risk list", async () => {
  open(SPEC);
  await applyTags({ asOf: D1 });
  const o = await validate({ asOf: D1 });
  const c1 = o.dashboard.atRisk.customers.find((c) => c.id === "C1")!;
  expect(c1.timeline.length).toBeGreaterThanOrEqual(3);
  expect(c1.timeline.map((e) => [e.date, e.fieldZh, e.from, e.to])).toEqual(
    historyRows(fake).slice(1).filter((r) => r[1] === "C1").map((r) => [serialDay(r[0] as number), r[3], r[4] === "" ? null : r[4], r[5]]),
  );
  // Every finding on a customer's row finds that customer's timeline by the row (C2 has no 联系人:
  // REQUIRED_MISSING on its row).
  const onRows = o.findings.filter((x) => x.sheet === "客户" && x.row > 1);
  expect(onRows.length).toBeGreaterThan(0);
  for (const f of onRows) {
    const id = fake.book.values("客户", `A${f.row}:A${f.row}`)[0][0];
    expect(o.timelines[`客户!A${f.row}`]?.id).toBe(id);
  }
});

test("a failure at any round trip of an apply leaves the history whole: all of the run's rows or none", async () => {
  open(SPEC);
  await applyTags({ asOf: D1 });
  const before = historyRows(fake);
  open(SPEC);
  await applyTags({ asOf: D1 });
  const ok = await applyTags({ asOf: D2, chunkRows: 1 });
  const after = historyRows(fake);
  expect(ok.history.appended).toBeGreaterThan(1);
  let failures = 0;
  for (let n = 1; n < 80; n++) {
    open(SPEC);
    await applyTags({ asOf: D1 });
    fake.failSyncAt(n);
    let failed = false;
    try {
      await applyTags({ asOf: D2, chunkRows: 1 });
    } catch {
      failed = true;
      failures++;
    }
    expect([n, historyRows(fake)]).toEqual([n, failed ? before : after]);
    if (!failed) break;
  }
  expect(failures).toBeGreaterThan(ok.history.appended);
});

test("the first apply failing part-way leaves no history sheet behind", async () => {
  open(SPEC);
  await applyTags({ asOf: D1, chunkRows: 1 });
  const full = historyRows(fake);
  for (let n = 1; n < 80; n++) {
    open(SPEC);
    fake.failSyncAt(n);
    let failed = false;
    try {
      await applyTags({ asOf: D1, chunkRows: 1 });
    } catch {
      failed = true;
    }
    expect([n, historyRows(fake)]).toEqual([n, failed ? [] : full]);
    if (!failed) break;
  }
});

test("移除 CRM 结果 takes the history with the rest, or keeps it (and its mark) when asked", async () => {
  open(SPEC);
  await applyTags({ asOf: D1 });
  const rows = historyRows(fake);
  const kept = await removeOutput({ keepHistory: true });
  expect(kept.sheets).not.toContain(HISTORY_SHEET);
  expect(historyRows(fake)).toEqual(rows);
  expect(marksOf(snap(fake).names).sheets.get("history")).toBe(HISTORY_SHEET);
  const all = await removeOutput();
  expect(all.sheets).toEqual([HISTORY_SHEET]);
  expect(historyRows(fake)).toEqual([]);
});
