// Issue 8, "Nothing lost", the task pane's face (the Office.js adapter on the strict fake Excel):
// - 移除 CRM 结果 (removeOutput) takes out everything the product wrote and nothing else: after validate, apply,
//   highlight and review, the whole book — cells, number formats and formats, column widths, tables, rules,
//   lists, sheets, names, the active sheet and selection — equals the book the user had; twice equals once; a
//   book without output is left as it is.
// - A write that fails half-way leaves no half-written output: for apply, highlight, review, clear (and the
//   removal itself), every sync the action makes is failed in turn; afterwards every user cell, format, table,
//   rule and name is as before, and each kind of output is complete (the earlier or the new) or absent.
import {
  applyTags, buildReviewSheets, clearHighlights, highlightRisk, removeOutput, useHost, validateToSheet,
} from "../../src/excel/actions";
import { registerCommands, lastCommandError } from "../../src/commands/commands";
import { columnLetter, runPipeline } from "../../src/core";
import { ActionError, type RunOptions } from "../../src/excel/types";
import { generateSample } from "../../scripts/sample";
import { FINDINGS_SHEET, OWNED_COLUMNS, REVIEW_SHEET_PREFIX } from "../../src/workbook/owned";
import { createFakeExcel, parseRef, type FakeBookSpec, type FakeExcel, type FakeExcelOptions } from "./fake-excel";
import { markedSheets, marksOf, specOf, type NameSnap } from "./spec";
import { recordReliability } from "../reliability";

jest.setTimeout(300_000);

const AS_OF = "2024-11-26";
/** Small chunks, so apply, the findings sheet and the staging table are each written in several requests. */
const RUN: RunOptions = { asOf: AS_OF, chunkRows: 25 };

let fake: FakeExcel;
let restore: (() => void) | undefined;

function open(spec: FakeBookSpec, opts: FakeExcelOptions = {}): FakeExcel {
  restore?.();
  fake = createFakeExcel(spec, opts);
  restore = fake.install();
  useHost({ run: (b) => fake.Excel.run(b as never) as never, isSetSupported: (s, v) => fake.Office.context.requirements.isSetSupported(s, v) });
  return fake;
}
afterAll(() => restore?.());

const sample = generateSample({ customers: 150, asOf: AS_OF });
const SPEC = specOf(sample.model, { 订单: "订单表" });
const CUSTOMERS = "客户";
const TABLE = runPipeline(sample.model, AS_OF).tables.find((t) => t.kind === "customers" && t.used)!;
/** The second column the product takes (right of the customers table). */
const SIZED = columnLetter(TABLE.lastCol + 2);

/** The user's own things around the table, which must all survive: a rule, a list, a name, formats, a width. */
async function userize(opts: { rowsRule?: boolean; sizedColumn?: boolean } = {}): Promise<void> {
  await fake.Excel.run(async (ctx) => {
    const ws = ctx.workbook.worksheets.getItem(CUSTOMERS);
    const cf = ws.getRange("B4:B10").conditionalFormats.add("Custom" as Excel.ConditionalFormatType);
    cf.custom.rule.formula = "=LEN($B4)>10";
    cf.custom.format.fill.color = "#00FF00";
    if (opts.rowsRule) {
      // Banding over whole rows: it covers the columns the product takes, so their formats are reset, not cleared.
      const band = ws.getRange("4:200").conditionalFormats.add("Custom" as Excel.ConditionalFormatType);
      band.custom.rule.formula = "=MOD(ROW(),2)=0";
      band.custom.format.fill.color = "#F2F2F2";
    }
    if (fake.Office.context.requirements.isSetSupported("ExcelApi", "1.8")) ws.getRange("C4:C20").dataValidation.rule = { textLength: { formula1: "40", operator: "LessThanOrEqualTo" } } as never;
    ctx.workbook.names.add("客户编号区", ws.getRange("A4:A20"));
    ws.getRange("A3:D3").format.font.italic = true;
    ws.getRange("B1").format.columnWidth = 150;
    // A column right of the table the user sized but left empty: the product takes it and keeps the user's width.
    if (opts.sizedColumn) ws.getRange(`${SIZED}1`).format.columnWidth = 33;
    ws.getRange("E5").select();
    await ctx.sync();
  });
  fake.resetStats();
}

const snap = (): Snapshot => JSON.parse(JSON.stringify(fake.book.snapshot())) as Snapshot;

interface SheetSnap {
  name: string;
  cells: unknown[][];
  formulas: Record<string, unknown>;
  numberFormats: Record<string, unknown>;
  formats: { ref: string; key: string; value: unknown }[];
  conditionalFormats: { formula?: string | null; ref: string }[];
  dataValidations: { ref: string }[];
  columnWidths: Record<string, unknown>;
  [k: string]: unknown;
}
interface Snapshot {
  activeSheet: string;
  sheets: SheetSnap[];
  tables: { sheet: string }[];
  pivotTables: { sheet: string }[];
  names: NameSnap[];
  settings: unknown;
  calculationMode: string;
}

/** The ◆ columns of each of the user's sheets (1-based), by their headers anywhere in the sheet's cells. */
function ownedColumns(s: Snapshot): Record<string, Set<number>> {
  const headers = new Set(OWNED_COLUMNS.map((c) => c.header));
  const out: Record<string, Set<number>> = {};
  const marked = markedSheets(s.names);
  for (const sh of s.sheets) {
    if (marked.has(sh.name)) continue;
    for (const row of sh.cells) row?.forEach((v, i) => typeof v === "string" && headers.has(v) && (out[sh.name] ??= new Set()).add(i + 1));
  }
  return out;
}

function union(...all: Record<string, Set<number>>[]): Record<string, Set<number>> {
  const out: Record<string, Set<number>> = {};
  for (const m of all) for (const [k, v] of Object.entries(m)) for (const c of v) (out[k] ??= new Set()).add(c);
  return out;
}

const colOf = (ref: string) => parseRef(ref.replace(/\$/g, ""));
const keyCol = (k: string) => colOf(/\d/.test(k) ? k : `${k}1`)!.c0 + 1;
/** Whether every area of `ref` lies inside the columns `cols`. */
const inside = (ref: string, cols: Set<number>) =>
  ref.split(",").every((x) => {
    const r = colOf(x);
    if (!r) return false;
    for (let c = r.c0; c <= r.c1; c++) if (!cols.has(c + 1)) return false;
    return true;
  });
const ownedRule = (cf: { formula?: string | null }) => String(cf.formula ?? "").includes("CRM◆");

/**
 * A book split into what the user owns and each kind of the product's output. `cols` are the ◆ columns (of the
 * book with output): the user's view leaves them out, the columns part is exactly them. The product's sheets are
 * those its marks refer to (a sheet merely named like one is the user's: a sheet the product added and left
 * unmarked shows as a change to the user's book); each kind's marks belong to that kind.
 */
function parts(s: Snapshot, cols: Record<string, Set<number>>) {
  const marks = marksOf(s.names);
  const sheetOf = (role: (r: string) => boolean) => new Set([...marks.sheets].filter(([r]) => role(r)).map(([, name]) => name));
  const findingsSheets = sheetOf((r) => r === "findings");
  const reviewSheetNames = sheetOf((r) => r.startsWith("review."));
  const marked = new Set([...marks.sheets.values()]);
  const isOwnedSheet = (name: string) => marked.has(name);
  const markNames = (pick: (upper: string) => boolean) => s.names.filter((n) => marks.isMark(n) && pick(n.name.toUpperCase()));
  const userSheets = s.sheets.filter((x) => !isOwnedSheet(x.name));
  const trimmed = (rows: unknown[][]) => {
    const out = rows.map((r) => {
      const x = [...(r ?? [])];
      while (x.length > 0 && (x[x.length - 1] === null || x[x.length - 1] === undefined)) x.pop();
      return x;
    });
    while (out.length > 0 && out[out.length - 1].length === 0) out.pop();
    return out;
  };
  // Conditional formats in priority order: a user's rule's own number counts the product's rules above it.
  const noPriority = (cfs: SheetSnap["conditionalFormats"]) => cfs.map((cf) => ({ ...cf, priority: undefined }));
  // An owned sheet's tab position counts the product's sheets before it.
  const noPosition = (sh: SheetSnap) => ({ ...sh, position: undefined });
  const user = {
    names: s.names.filter((n) => !marks.isMark(n)),
    settings: s.settings,
    calculationMode: s.calculationMode,
    tables: s.tables.filter((t) => !isOwnedSheet(t.sheet)),
    pivotTables: s.pivotTables.filter((p) => !isOwnedSheet(p.sheet)),
    sheets: userSheets.map((sh) => {
      const c = cols[sh.name] ?? new Set<number>();
      const keep = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).filter(([k]) => !c.has(keyCol(k))));
      return {
        ...sh,
        cells: trimmed(sh.cells.map((row) => (row ?? []).map((v, i) => (c.has(i + 1) ? null : v)))),
        formulas: keep(sh.formulas),
        numberFormats: keep(sh.numberFormats),
        formats: sh.formats.filter((x) => !inside(x.ref, c)),
        conditionalFormats: noPriority(sh.conditionalFormats.filter((x) => !ownedRule(x))),
        dataValidations: sh.dataValidations.filter((x) => !inside(x.ref, c)),
        columnWidths: keep(sh.columnWidths),
      };
    }),
  };
  const columnSheets = userSheets.map((sh) => {
    const c = cols[sh.name] ?? new Set<number>();
    const only = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).filter(([k]) => c.has(keyCol(k))));
    return {
      name: sh.name,
      cells: sh.cells.map((row) => [...c].map((i) => row?.[i - 1] ?? null)),
      formulas: only(sh.formulas),
      numberFormats: only(sh.numberFormats),
      formats: sh.formats.filter((x) => inside(x.ref, c)),
      dataValidations: sh.dataValidations.filter((x) => inside(x.ref, c)),
      columnWidths: only(sh.columnWidths),
    };
  });
  const columns = { sheets: columnSheets, marks: markNames((n) => n === "_CRM_RESULTS") };
  const rules = s.sheets.flatMap((sh) => noPriority(sh.conditionalFormats.filter(ownedRule)));
  const findingsSheet = s.sheets.find((x) => findingsSheets.has(x.name));
  const findingsMarks = markNames((n) => n === "_CRM_SHEET_FINDINGS");
  const findings = findingsSheet || findingsMarks.length > 0 ? { sheet: findingsSheet ? noPosition(findingsSheet) : null, marks: findingsMarks } : null;
  const reviewSheets = s.sheets.filter((x) => reviewSheetNames.has(x.name)).map(noPosition);
  const review = {
    sheets: reviewSheets,
    tables: s.tables.filter((t) => reviewSheetNames.has(t.sheet)),
    pivotTables: s.pivotTables.filter((p) => reviewSheetNames.has(p.sheet)),
    marks: markNames((n) => n.startsWith("_CRM_SHEET_REVIEW.")),
  };
  return { active: s.activeSheet, user: JSON.stringify(user), columns: JSON.stringify(columns), rules: JSON.stringify(rules), findings: JSON.stringify(findings), review: JSON.stringify(review) };
}

/** Where two JSON values first differ, for a readable failure. */
function firstDifference(a: unknown, b: unknown, path = ""): string {
  if (JSON.stringify(a) === JSON.stringify(b)) return "";
  if (a && b && typeof a === "object" && typeof b === "object") {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  return `${path}: ${JSON.stringify(a)?.slice(0, 120)} was ${JSON.stringify(b)?.slice(0, 120)}`;
}

type Part = Exclude<keyof ReturnType<typeof parts>, "user" | "active">;
const PARTS: Part[] = ["columns", "rules", "findings", "review"];

/** Format entries that only restate Excel's default (font.bold false …), for the reset-instead-of-cleared case. */
const DEFAULTS: Record<string, unknown> = { "font.bold": false, wrapText: false };
function withoutDefaultFormats(s: Snapshot): Snapshot {
  return { ...s, sheets: s.sheets.map((sh) => ({ ...sh, formats: sh.formats.filter((f) => !(f.key in DEFAULTS && DEFAULTS[f.key] === f.value)) })) };
}

// ── undo ──

let undoTried = 0;
let undoFailed = 0;
/** Counts one undo check: the book must equal `expected` (JSON). */
function undoCheck(actual: unknown, expected: unknown): boolean {
  undoTried++;
  const same = JSON.stringify(actual) === JSON.stringify(expected);
  if (!same) undoFailed++;
  return same;
}

afterAll(() => {
  recordReliability("undo-office", { group: "nothing lost", what: "撤销 undo of the product's output (Office.js adapter, fake Excel; books × checks)", tried: undoTried, failed: undoFailed, where: "test/excel/nothing-lost.test.ts" });
});

/** Every action that writes, in a user's order. */
async function everything(o: RunOptions = RUN): Promise<void> {
  await validateToSheet(o);
  await applyTags(o);
  await highlightRisk(o);
  await buildReviewSheets(o);
}

describe("移除 CRM 结果 removeOutput", () => {
  test.each([
    ["the sample book with the user's rule, list, name, formats and widths", {}, {}],
    ["a user's column right of the table sized by hand (the product keeps that width)", {}, { sizedColumn: true }],
    ["without ExcelApi 1.8 (no lists, PivotTables or charts)", { apiSets: { ExcelApi: "1.7" } }, {}],
    ["default chunks (one request per write)", {}, {}],
  ] as const)("after validate, apply, highlight and review the whole book is the user's again: %s", async (_name, opts, user: { sizedColumn?: boolean }) => {
    open(SPEC, opts);
    await userize(user);
    const original = snap();
    if (_name.startsWith("default")) {
      await applyTags({ asOf: AS_OF });
      await highlightRisk({ asOf: AS_OF });
      await buildReviewSheets({ asOf: AS_OF });
    } else await everything();
    const cols = ownedColumns(snap());
    expect(cols[CUSTOMERS]?.size).toBe(OWNED_COLUMNS.length);
    expect(cols[CUSTOMERS].has(TABLE.lastCol + 2)).toBe(true);
    // The product's widths, except on a column the user had sized.
    const widths = fake.book.sheet(CUSTOMERS).columnWidths;
    expect(widths[SIZED]).toBe(user.sizedColumn ? 33 : OWNED_COLUMNS[1].width * 7);
    expect(snap()).not.toEqual(original);

    const out = await removeOutput(RUN);
    expect(out.columns).toBe(OWNED_COLUMNS.length);
    expect(out.rules).toBe(3);
    expect(out.sheets).toContain(FINDINGS_SHEET);
    expect(out.sheets.filter((n) => n.startsWith(REVIEW_SHEET_PREFIX)).length).toBeGreaterThanOrEqual(6);
    expect(snap()).toEqual(original);
    expect(undoCheck(snap(), original)).toBe(true);

    // Twice equals once, and says it removed nothing.
    expect(await removeOutput(RUN)).toEqual({ columns: 0, rules: 0, sheets: [] });
    expect(undoCheck(snap(), original)).toBe(true);
  });

  test("on a book that holds none of the product's output it changes nothing", async () => {
    open(SPEC);
    await userize();
    const original = snap();
    expect(await removeOutput(RUN)).toEqual({ columns: 0, rules: 0, sheets: [] });
    expect(undoCheck(snap(), original)).toBe(true);
    // And a book without a customers table at all.
    open({ sheets: [{ name: "Sheet1", cells: [["随便", "什么"], [1, 2]] }] });
    const plain = snap();
    expect(await removeOutput(RUN)).toEqual({ columns: 0, rules: 0, sheets: [] });
    expect(undoCheck(snap(), plain)).toBe(true);
  });

  test("a user's rule over whole rows covers the ◆ columns: it is kept whole; the columns' cells are emptied and their formats reset", async () => {
    open(SPEC);
    await userize({ rowsRule: true });
    const original = snap();
    await everything();
    await removeOutput(RUN);
    const after = snap();
    // The user's rules exactly as they were (clearing the formats of the ◆ columns would have cut the banding).
    expect(after.sheets.find((s) => s.name === CUSTOMERS)!.conditionalFormats).toEqual(original.sheets.find((s) => s.name === CUSTOMERS)!.conditionalFormats);
    // Everything else equal, up to format entries that restate Excel's defaults (bold off, no wrap) on the
    // former ◆ headers: the cells look and behave exactly as before.
    expect(undoCheck(withoutDefaultFormats(after), original)).toBe(true);
  });

  test("after the customers table shrank and apply ran again, the rows the longer run wrote go too", async () => {
    // The user deletes the last 20 customers (their rows emptied).
    const cells = sample.model.sheets.find((s) => s.name === CUSTOMERS)!.cells;
    const ref = `A${cells.length - 19}:${columnLetter(cells[2].length)}${cells.length}`;
    const empty = Array.from({ length: 20 }, () => new Array<null>(cells[2].length).fill(null));
    // The book the user has then, without any output.
    open(SPEC);
    await userize();
    fake.book.setValues(CUSTOMERS, ref, empty);
    const expected = snap();
    // The same edit between two applies, then the undo.
    open(SPEC);
    await userize();
    await applyTags(RUN);
    fake.book.setValues(CUSTOMERS, ref, empty);
    await applyTags(RUN);
    await removeOutput(RUN);
    expect(undoCheck(snap(), expected)).toBe(true);
  });
});

describe("the ribbon's 移除 CRM 结果", () => {
  // The page the dialog opens is found beside the add-in's own (dialog.html next to taskpane.html).
  beforeAll(() => void ((globalThis as Record<string, unknown>).location = { href: "https://addin.test.example/taskpane.html" }));
  afterAll(() => void delete (globalThis as Record<string, unknown>).location);

  test("asks first; on yes runs the same removal and completes the ribbon event", async () => {
    open(SPEC);
    await userize();
    const original = snap();
    await everything();
    registerCommands();
    const completed = jest.fn();
    fake.answerDialogs("yes");
    await fake.actions.removeOutput({ completed });
    await waitFor(() => completed.mock.calls.length > 0);
    expect(completed).toHaveBeenCalledTimes(1);
    expect(fake.dialogs).toHaveLength(1);
    expect(new URL(fake.dialogs[0]).pathname).toBe("/dialog.html");
    expect(lastCommandError).toBeNull();
    expect(undoCheck(snap(), original)).toBe(true);
  });

  test("on no, or the dialog closed, the output stays as it was", async () => {
    open(SPEC);
    await userize();
    await everything();
    const withOutput = snap();
    registerCommands();
    for (const answer of ["no", "dismiss"]) {
      const completed = jest.fn();
      fake.answerDialogs(answer);
      await fake.actions.removeOutput({ completed });
      await waitFor(() => completed.mock.calls.length > 0);
      expect(completed).toHaveBeenCalledTimes(1);
      expect(JSON.stringify(snap())).toBe(JSON.stringify(withOutput));
    }
  });
});

async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
}

// ── writes that fail half-way ──

type OpName = "apply" | "highlight" | "review" | "clear" | "remove";
const OPS: Record<OpName, () => Promise<unknown>> = {
  apply: () => applyTags(RUN),
  highlight: () => highlightRisk(RUN),
  review: () => buildReviewSheets(RUN),
  clear: () => clearHighlights(),
  remove: () => removeOutput(RUN),
};

/**
 * The starting books: the user's own, and the same with a complete earlier run of everything as of another day
 * (so its output differs from this run's: a half-replaced column or sheet shows as neither the one nor the other).
 */
const STARTS = {
  clean: async () => {
    open(SPEC);
    await userize();
  },
  "earlier output": async () => {
    open(SPEC);
    await userize();
    await everything({ ...RUN, asOf: "2024-08-31" });
  },
} as const;
type StartName = keyof typeof STARTS;

/** Starting books built once and copied for each try (the fake's book is plain data). */
const built = new Map<StartName, unknown>();
async function start(name: StartName): Promise<void> {
  if (!built.has(name)) {
    await STARTS[name]();
    built.set(name, structuredClone(fake.host.book));
  }
  open({ sheets: [{ name: "x", cells: [] }] });
  fake.host.book = structuredClone(built.get(name)) as typeof fake.host.book;
  fake.resetStats();
}

let tried = 0;
const problems: string[] = [];
const perOp: Record<string, { tried: number; syncs: number }> = {};

afterAll(() => {
  recordReliability("writes-failed-halfway-office", {
    group: "nothing lost",
    what: "中途失败的写入 writes failed halfway (fake Excel: apply, highlight, review, clear, remove × every sync)",
    tried,
    failed: problems.length,
    where: "test/excel/nothing-lost.test.ts",
  });
});

describe("a write that fails half-way leaves no half-written output", () => {
  // The book without any output: each kind's "absent" form.
  let absent: Snapshot;
  beforeAll(async () => {
    await start("clean");
    absent = snap();
  });

  const cases = (["clean", "earlier output"] as const).flatMap((s) => (["apply", "highlight", "review", "clear", "remove"] as const).map((op) => [s, op] as const));
  test.each(cases)("from the %s book, %s failing at every one of its syncs", async (startName, op) => {
    await start(startName);
    const before = snap();
    await OPS[op]();
    const done = snap();
    const syncs = fake.stats.syncs;
    expect(syncs).toBeGreaterThan(op === "clear" ? 2 : 3);
    const cols = union(ownedColumns(before), ownedColumns(done));
    const ref = { before: parts(before, cols), done: parts(done, cols), absent: parts(absent, cols) };

    for (let n = 1; n <= syncs; n++) {
      await start(startName);
      fake.failSyncAt(n);
      let error: unknown = null;
      try {
        await OPS[op]();
      } catch (e) {
        error = e;
      }
      tried++;
      const now = parts(snap(), union(cols, ownedColumns(snap())));
      const wrong: string[] = [];
      if (!(error instanceof ActionError)) wrong.push(`no ActionError (${String(error)})`);
      // The sheet in view stays, unless it was one of the product's and went with it.
      if (now.active !== ref.before.active && !markedSheets(before.names).has(ref.before.active)) wrong.push(`the active sheet changed to ${now.active}`);
      if (now.user !== ref.before.user) wrong.push(`a user cell, format, table, rule or name changed (${firstDifference(JSON.parse(now.user), JSON.parse(ref.before.user))})`);
      for (const p of PARTS) if (![ref.before[p], ref.done[p], ref.absent[p]].includes(now[p])) wrong.push(`${p} half-written`);
      if (wrong.length > 0) problems.push(`${startName} / ${op} / sync ${n} of ${syncs}: ${wrong.join("; ")}`);
    }
    perOp[`${startName} ${op}`] = { tried: syncs, syncs };
    expect(problems.filter((p) => p.startsWith(`${startName} / ${op} /`))).toEqual([]);
  });

  test("the error the pane shows says the half-written output was removed", async () => {
    await start("clean");
    await applyTags(RUN);
    const syncs = fake.stats.syncs;
    await start("clean");
    fake.failSyncAt(syncs - 1);
    const e = (await applyTags(RUN).catch((x: unknown) => x)) as ActionError;
    expect(e).toBeInstanceOf(ActionError);
    expect(e.kind).toBe("office");
    expect(e.zh).toContain("未写完的结果已移除");
    expect(e.en).toContain("half-written output was removed");
  });

  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`writes failed half-way: ${tried} tries (${Object.entries(perOp).map(([k, v]) => `${k} ${v.syncs}`).join(", ")}), ${problems.length} left a change or half-written output`);
  });
});
