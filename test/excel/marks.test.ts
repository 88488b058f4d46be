// The task pane knows its own output by its marks, as the command line does (src/workbook/owned.ts): hidden
// workbook-scoped names `_CRM_SHEET_<role>` referring to A1 of each of its sheets and `_CRM_RESULTS` to the ◆
// result columns — never by a sheet's name. On the strict fake Excel:
// - a user's copy of a review sheet ("Move or Copy": `CRM复盘-阶段与漏斗 (2)`, annotated) survives rebuilding the
//   review and removing the output;
// - a user's own sheet `CRM问题清单` (or `crm问题清单`: Excel refuses names differing only in case) is never
//   written over: the product's findings go to `CRM问题清单 (2)`;
// - a sheet named like the product's is read as the user's; a marked sheet is not read, whatever its name;
// - a book the command line wrote is recognised by its marks (a product sheet the user renamed is still found),
//   and the pane writes the same marks;
// - a note typed below the table in a ◆ column survives a second apply and a remove;
// - a book an earlier version wrote (no marks): its findings, review and pivot sheets are known by their exact
//   names together with what the product writes in them (as the command line knows them, src/xlsx/read.ts),
//   replaced in place and marked by the next write, removed by remove; a user's copy (`… (2)`) or a user's sheet
//   of that name holding anything else never is.
import { HISTORY_SHEET } from "../../src/core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyTags, buildReviewSheets, removeOutput, useHost, validate, validateToSheet } from "../../src/excel/actions";
import { main, type CliIO } from "../../src/cli/cli";
import { columnLetter, runPipeline } from "../../src/core";
import { splitRef } from "../../src/xlsx/package";
import { readBookStreaming } from "../../src/xlsx/read";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { FINDINGS_HEADER, FINDINGS_SHEET, MARK_RESULTS, MARK_SHEET, OWNED_COLUMNS, REVIEW_SHEET_PREFIX } from "../../src/workbook/owned";
import { REVIEW_SHEET_NAMES, reviewStamp } from "../../src/workbook/review-sheets";
import { PIVOT_SHEETS } from "../../src/workbook/review-pivots";
import { ActionError } from "../../src/excel/types";
import { generateSample } from "../../scripts/sample";
import ExcelJS from "exceljs";
import { createFakeExcel, parseRef, type FakeBookSpec, type FakeCellInput, type FakeExcel, type FakeNameSpec } from "./fake-excel";
import { excelCell, marksOf, specOf } from "./spec";

jest.setTimeout(120_000);

const AS_OF = "2024-11-26";
const LATER = "2024-12-20";

let fake: FakeExcel;
let restore: (() => void) | undefined;

function open(spec: FakeBookSpec): FakeExcel {
  restore?.();
  fake = createFakeExcel(spec);
  restore = fake.install();
  useHost({ run: (b) => fake.Excel.run(b as never) as never, isSetSupported: (s, v) => fake.Office.context.requirements.isSetSupported(s, v) });
  return fake;
}
afterAll(() => restore?.());

const sample = generateSample({ customers: 150, asOf: AS_OF });
const SPEC = specOf(sample.model, { 订单: "订单表" });
const TABLE = runPipeline(sample.model, AS_OF).tables.find((t) => t.kind === "customers" && t.used)!;
const STAGES = `${REVIEW_SHEET_PREFIX}阶段与漏斗`;

/** The product's marks in the fake book now. */
const marks = () => marksOf(fake.book.names());
/** The workbook-scoped names of the product (`_CRM_…`). */
const markNames = () => fake.book.names().filter((n) => n.scope === null && n.name.toUpperCase().startsWith("_CRM_"));
/** A sheet as the user sees it: everything but its tab position. */
const sheetView = (name: string) => {
  const snap = JSON.parse(JSON.stringify(fake.book.snapshot())) as { sheets: { name: string; position: number }[] };
  return JSON.stringify({ ...snap.sheets.find((s) => s.name === name), position: undefined });
};
/** The findings sheet's header, as written (A1:J1). */
const isFindingsSheet = (name: string) => JSON.stringify(fake.book.values(name, "A1:J1")[0]) === JSON.stringify([...FINDINGS_HEADER]);

/** The cells of these sheets of an .xlsx file as Excel shows them (formulas as their results). */
async function cellsOf(file: string, names: string[]): Promise<Map<string, FakeCellInput[][]>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const shown = (v: ExcelJS.CellValue): FakeCellInput => {
    if (v === null || v === undefined) return null;
    if (v instanceof Date) return excelCell(v);
    if (typeof v !== "object") return v;
    if ("result" in v) return shown((v.result ?? null) as ExcelJS.CellValue);
    if ("richText" in v) return v.richText.map((t) => t.text).join("");
    if ("text" in v) return String(v.text);
    if ("error" in v) return v.error;
    return null;
  };
  const out = new Map<string, FakeCellInput[][]>();
  for (const name of names) {
    const rows = wb.getWorksheet(name)!.getSheetValues();
    out.set(name, Array.from({ length: Math.max(0, rows.length - 1) }, (_r, i) => {
      const row = (rows[i + 1] ?? []) as ExcelJS.CellValue[];
      return Array.from({ length: Math.max(0, row.length - 1) }, (_c, j) => shown(row[j + 1]));
    }));
  }
  return out;
}

/** Takes the product's marks out of the fake book, as a book an earlier version wrote never had them. */
async function stripMarks(): Promise<void> {
  await fake.Excel.run(async (ctx) => {
    const names = ctx.workbook.names.load("items/name");
    await ctx.sync();
    for (const n of names.items) if (n.name.toUpperCase().startsWith("_CRM_")) n.delete();
    await ctx.sync();
  });
  expect(fake.book.names().filter((n) => n.name.toUpperCase().startsWith("_CRM_"))).toEqual([]);
}

describe("the product's sheets are its marked sheets, whatever their names", () => {
  test("a user's copy of a review sheet (Move or Copy, annotated) survives rebuilding the review and removing the output", async () => {
    open(SPEC);
    await buildReviewSheets({ asOf: AS_OF });
    const COPY = `${STAGES} (2)`;
    fake.book.copySheet(STAGES, COPY);
    fake.book.setValues(COPY, "H2:H3", [["我的批注 my note"], ["下季度重点跟进"]]);
    // Excel gives the copy a sheet-scoped copy of the mark; the workbook-scoped mark still refers to the original.
    expect(fake.book.names().filter((n) => n.name === `${MARK_SHEET}review.stages`).map((n) => [n.scope, n.value])).toEqual([
      [null, `'${STAGES}'!$A$1`],
      [COPY, `'${COPY}'!$A$1`],
    ]);
    const copy = sheetView(COPY);

    // Rebuilt as of another day: the original is replaced, the copy stays as the user left it.
    const out = await buildReviewSheets({ asOf: LATER });
    expect(out.sheets).toContain(STAGES);
    expect(out.sheets).not.toContain(COPY);
    expect(sheetView(COPY)).toBe(copy);
    expect(JSON.stringify(fake.book.values(STAGES, "A1:C40"))).toContain(LATER);
    expect(JSON.stringify(fake.book.values(COPY, "A1:C40"))).not.toContain(LATER);

    const removed = await removeOutput({ asOf: LATER });
    expect(removed.sheets).toContain(STAGES);
    expect(removed.sheets).not.toContain(COPY);
    expect(fake.book.sheetNames().filter((n) => n.startsWith(REVIEW_SHEET_PREFIX))).toEqual([COPY]);
    expect(sheetView(COPY)).toBe(copy);
    expect(markNames()).toEqual([]);
  });

  test.each([
    ["CRM问题清单", "a user's own sheet of that name"],
    ["crm问题清单", "a user's sheet named so but for case (Excel refuses names differing only in case)"],
  ])("%s, %s, is never written over: the findings go to CRM问题清单 (2), replaced there, removed from there only", async (userSheet) => {
    open({ ...SPEC, sheets: [...SPEC.sheets, { name: userSheet, cells: [["我的待办 my to-do"], ["给客户A回电话"]] }] });
    const mine = sheetView(userSheet);
    const OURS = `${FINDINGS_SHEET} (2)`;

    await applyTags({ asOf: AS_OF });
    expect(sheetView(userSheet)).toBe(mine);
    expect(isFindingsSheet(OURS)).toBe(true);
    expect(marks().sheets.get("findings")).toBe(OURS);
    const sheets = fake.book.sheetNames();

    // The next run (and the ribbon's 校验, which shows the sheet) replaces the product's, not the user's.
    await validateToSheet({ asOf: LATER });
    expect(fake.book.sheetNames()).toEqual(sheets);
    expect(fake.book.activeSheet()).toBe(OURS);
    expect(sheetView(userSheet)).toBe(mine);
    expect(isFindingsSheet(OURS)).toBe(true);

    // The findings sheet and the history the apply began.
    const removed = await removeOutput({ asOf: LATER });
    expect(removed.sheets).toEqual([OURS, HISTORY_SHEET]);
    expect(fake.book.sheetNames()).toEqual(sheets.filter((n) => n !== OURS && n !== HISTORY_SHEET));
    expect(sheetView(userSheet)).toBe(mine);
    expect(markNames()).toEqual([]);
  });

  test("a sheet merely named like the product's is read as the user's; a marked sheet is not read, whatever its name", async () => {
    // The customers table on a sheet the user called CRM复盘-客户: the user's table.
    const renamed: FakeBookSpec = { ...SPEC, sheets: SPEC.sheets.map((s) => (s.name === "客户" ? { ...s, name: `${REVIEW_SHEET_PREFIX}客户` } : s)) };
    open(renamed);
    const seen = await validate({ asOf: AS_OF });
    expect(seen.summary.rows).toBe(150);
    expect(seen.tables.some((t) => t.kind === "customers" && t.sheet === `${REVIEW_SHEET_PREFIX}客户`)).toBe(true);

    // A copy of the customers table on a sheet a mark refers to (the findings role, called 旧备份): not read, so
    // it neither doubles the customers nor turns them into duplicates.
    const customers = SPEC.sheets.find((s) => s.name === "客户")!;
    open({ ...SPEC, sheets: [...SPEC.sheets, { ...customers, name: "旧备份" }], names: [{ name: `${MARK_SHEET}findings`, refersTo: "'旧备份'!$A$1", visible: false }] });
    const marked = await validate({ asOf: AS_OF });
    open(SPEC);
    const plain = await validate({ asOf: AS_OF });
    expect(marked.summary).toEqual(plain.summary);
    expect(marked.findings.map((f) => `${f.code} ${f.address}`)).toEqual(plain.findings.map((f) => `${f.code} ${f.address}`));
  });

  test("a product sheet the user renamed is found by its mark: replaced in place under its new name, at its tab", async () => {
    open(SPEC);
    await applyTags({ asOf: AS_OF });
    fake.book.renameSheet(FINDINGS_SHEET, "我的问题清单");
    const position = fake.book.sheet("我的问题清单").position;
    const sheets = fake.book.sheetNames();
    await applyTags({ asOf: LATER });
    expect(fake.book.sheetNames()).toEqual(sheets);
    expect(fake.book.sheet("我的问题清单").position).toBe(position);
    expect(isFindingsSheet("我的问题清单")).toBe(true);
    expect(marks().sheets.get("findings")).toBe("我的问题清单");
    await removeOutput({ asOf: LATER });
    expect(fake.book.hasSheet("我的问题清单")).toBe(false);
    expect(markNames()).toEqual([]);
  });
});

describe("the marks are the command line's", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "crm-marks-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const io = (): CliIO => ({ stdout: () => undefined, stderr: () => undefined, stderrTTY: false, stdoutTTY: false, env: { LANG: "zh_CN.UTF-8" }, today: () => AS_OF });

  /**
   * The sample through `crm apply` and `crm review`, then into the fake as Excel would open it (cells, sheets,
   * names). `content`: the product's sheets with what the command line wrote in them (else a line standing for it).
   */
  async function cliBook(content = false): Promise<{ spec: FakeBookSpec; roles: Map<string, string>; results: { sheet: string; ref: string } }> {
    const input = join(root, "in.xlsx");
    const applied = join(root, "applied.xlsx");
    const reviewed = join(root, "reviewed.xlsx");
    await writeModelXlsx(sample.model, input);
    expect(await main(["apply", input, "--out", applied, "--as-of", AS_OF], io())).toBeLessThanOrEqual(1);
    expect(await main(["review", applied, "--out", reviewed, "--as-of", AS_OF], io())).toBeLessThanOrEqual(1);
    const { model, parts } = await readBookStreaming(reviewed);
    expect(parts.marks.results).not.toBeNull();
    const names: FakeNameSpec[] = [...parts.marks.sheets].map(([role, sheet]) => ({ name: MARK_SHEET + role, refersTo: `'${sheet.replace(/'/g, "''")}'!$A$1`, visible: false }));
    const results = parts.marks.results!;
    names.push({ name: MARK_RESULTS, refersTo: `'${results.sheet}'!${results.ref}`, visible: false });
    // The product's sheets are not read into the model: a line of the CLI's in each stands for their content.
    const owned = new Set(parts.marks.sheets.values());
    const written = content ? await cellsOf(reviewed, [...owned]) : new Map<string, FakeCellInput[][]>();
    const sheets = model.sheets.map((s) => ({ name: s.name, cells: owned.has(s.name) ? (written.get(s.name) ?? [["(crm wrote this)"]]) : s.cells.map((r) => r.map(excelCell)) }));
    return { spec: { sheets, names }, roles: parts.marks.sheets, results };
  }

  test("a book the command line wrote: its sheets and ◆ columns found by their marks (a renamed one too), replaced in place, removed with the marks", async () => {
    const cli = await cliBook();
    // An earlier version's review sheet (marked, of a role this version does not make), and the user's own sheet
    // named like a review sheet (unmarked).
    const spec: FakeBookSpec = {
      sheets: [...cli.spec.sheets, { name: `${REVIEW_SHEET_PREFIX}旧版`, cells: [["(an earlier version)"]] }, { name: `${REVIEW_SHEET_PREFIX}我的分析`, cells: [["我的分析 mine"]] }],
      names: [...cli.spec.names!, { name: `${MARK_SHEET}review.legacy`, refersTo: `'${REVIEW_SHEET_PREFIX}旧版'!$A$1`, visible: false }],
    };
    open(spec);
    expect(cli.roles.get("findings")).toBe(FINDINGS_SHEET);
    fake.book.renameSheet(FINDINGS_SHEET, "问题（命令行）");
    const mine = sheetView(`${REVIEW_SHEET_PREFIX}我的分析`);
    const position = fake.book.sheet("问题（命令行）").position;
    const cliResults = marks().results;

    // apply: the CLI's ◆ columns rewritten where they are (the same mark), its findings sheet replaced in place.
    const applied = await applyTags({ asOf: AS_OF });
    expect(fake.book.hasSheet(FINDINGS_SHEET)).toBe(false);
    expect(isFindingsSheet("问题（命令行）")).toBe(true);
    expect(fake.book.sheet("问题（命令行）").position).toBe(position);
    expect(marks().sheets.get("findings")).toBe("问题（命令行）");
    expect(marks().results).toBe(cliResults);
    expect(applied.range.replace(/\$/g, "")).toBe(`${cli.results.sheet}!${cli.results.ref.replace(/\$/g, "")}`);

    // review: the CLI's review sheets, its staging sheet and its two PivotTable sheets among them, replaced in place
    // under their names, the earlier version's marked sheet removed, the user's unmarked one left.
    const cliReview = [...cli.roles].filter(([role]) => role.startsWith("review.")).map(([, name]) => name);
    const positions = cliReview.map((n) => fake.book.sheet(n).position);
    const out = await buildReviewSheets({ asOf: AS_OF });
    expect(out.sheets.slice(0, cliReview.length)).toEqual(cliReview);
    expect(cliReview.map((n) => fake.book.sheet(n).position)).toEqual(positions);
    expect(fake.book.hasSheet(`${REVIEW_SHEET_PREFIX}旧版`)).toBe(false);
    expect(marks().sheets.has("review.legacy")).toBe(false);
    expect(sheetView(`${REVIEW_SHEET_PREFIX}我的分析`)).toBe(mine);
    expect(cliReview).toEqual(expect.arrayContaining(PIVOT_SHEETS.map((p) => p.name)));
    expect([...marks().sheets.keys()].sort()).toEqual(["findings", ...[...cli.roles.keys()].filter((r) => r !== "findings").map((r) => r.toLowerCase())].sort());

    // remove: every marked sheet and every mark; the ◆ columns emptied; the user's sheet stays.
    await removeOutput({ asOf: AS_OF });
    expect(markNames()).toEqual([]);
    const cliOwned = new Set(cli.roles.values());
    expect(fake.book.sheetNames()).toEqual(spec.sheets.map((x) => x.name).filter((n) => !cliOwned.has(n) && n !== `${REVIEW_SHEET_PREFIX}旧版`));
    expect(sheetView(`${REVIEW_SHEET_PREFIX}我的分析`)).toBe(mine);
    const header = fake.book.values("客户", `A${TABLE.headerRow}:AZ${TABLE.headerRow}`)[0];
    expect(header.some((v) => typeof v === "string" && v.startsWith("◆"))).toBe(false);
  });

  test("a book the command line wrote without marks (an earlier version): its sheets replaced in place and marked, no `(2)` sheets; removed by remove", async () => {
    const cli = await cliBook(true);
    const spec: FakeBookSpec = { sheets: cli.spec.sheets, names: [] };
    open(spec);
    const cliSheets = [...cli.roles.values()];
    expect(cliSheets).toContain(FINDINGS_SHEET);
    expect(cliSheets).toEqual(expect.arrayContaining(REVIEW_SHEET_NAMES.map(([, n]) => n)));
    expect(isFindingsSheet(FINDINGS_SHEET)).toBe(true);
    const positions = cliSheets.map((n) => fake.book.sheet(n).position);
    const sheets = fake.book.sheetNames();

    fake.resetStats();
    await applyTags({ asOf: LATER });
    const applySyncs = fake.stats.syncs;
    expect(fake.book.sheetNames()).toEqual(sheets);
    expect(marks().sheets.get("findings")).toBe(FINDINGS_SHEET);
    expect(isFindingsSheet(FINDINGS_SHEET)).toBe(true);

    fake.resetStats();
    const out = await buildReviewSheets({ asOf: LATER });
    const reviewSyncs = fake.stats.syncs;
    // The command line made the staging and PivotTable sheets too: all replaced in place, none added.
    expect(cliSheets).toEqual(expect.arrayContaining(PIVOT_SHEETS.map((p) => p.name)));
    expect(fake.book.sheetNames()).toEqual(sheets);
    expect(out.sheets).toEqual(cliSheets.filter((n) => n !== FINDINGS_SHEET && n !== HISTORY_SHEET));
    expect(cliSheets.map((n) => fake.book.sheet(n).position)).toEqual(positions);
    for (const [role, name] of cli.roles) expect({ role, sheet: marks().sheets.get(role.toLowerCase()) }).toEqual({ role, sheet: name });
    for (const [, name] of REVIEW_SHEET_NAMES) expect(fake.book.values(name, "A2:A2")[0][0]).toBe(reviewStamp(LATER));

    fake.resetStats();
    const removed = await removeOutput({ asOf: LATER });
    // eslint-disable-next-line no-console
    console.log(`the command line's unmarked book: apply ${applySyncs}, review ${reviewSyncs}, remove ${fake.stats.syncs} syncs`);
    expect(removed.sheets.sort()).toEqual([...cliSheets].sort());
    expect(markNames()).toEqual([]);
    expect(fake.book.sheetNames()).toEqual(sheets.filter((n) => !cliSheets.includes(n)));
    const header = fake.book.values("客户", `A${TABLE.headerRow}:AZ${TABLE.headerRow}`)[0];
    expect(header.some((v) => typeof v === "string" && v.startsWith("◆"))).toBe(false);
  });

  test("the pane's marks are written as the command line writes and reads them: hidden, workbook-scoped, A1 of each sheet, the ◆ range", async () => {
    open(SPEC);
    await applyTags({ asOf: AS_OF });
    await buildReviewSheets({ asOf: AS_OF });
    const names = markNames();
    for (const n of names) expect({ name: n.name, visible: n.visible, type: n.type }).toEqual({ name: n.name, visible: false, type: "Range" });
    // Read back with the command line's own parser of a defined name's text.
    const read = new Map(names.map((n) => [n.name, splitRef(n.formula.replace(/^=/, ""))]));
    for (const [name, ref] of read) {
      expect(ref).not.toBeNull();
      if (name !== MARK_RESULTS) expect({ name, ref: ref!.ref }).toEqual({ name, ref: "$A$1" });
    }
    expect(read.get(`${MARK_SHEET}findings`)!.sheet).toBe(FINDINGS_SHEET);
    expect(read.get(`${MARK_SHEET}review.stages`)!.sheet).toBe(STAGES);
    const cols = OWNED_COLUMNS.map((_d, k) => TABLE.lastCol + 1 + k);
    expect(read.get(MARK_RESULTS)).toEqual({ sheet: "客户", ref: `$${columnLetter(cols[0])}$${TABLE.headerRow}:$${columnLetter(cols[cols.length - 1])}$${TABLE.lastRow}` });
  });
});

describe("_CRM_RESULTS: exactly what apply wrote", () => {
  test("a note typed below the table in a ◆ column survives a second apply and a remove", async () => {
    open(SPEC);
    await applyTags({ asOf: AS_OF });
    const col = columnLetter(TABLE.lastCol + 1);
    const at = `${col}${TABLE.lastRow + 3}`;
    fake.book.setValues("客户", `${at}:${at}`, [["备注：阶段为 11 月底的判断 note"]]);
    const mark = marks().results;

    await applyTags({ asOf: LATER });
    expect(fake.book.cell("客户", at).value).toBe("备注：阶段为 11 月底的判断 note");
    // The mark reaches the table's last row, not the note.
    expect(marks().results).toBe(mark);
    expect(parseRef(splitRef(mark!)!.ref.replace(/\$/g, ""))!.r1 + 1).toBe(TABLE.lastRow);

    await removeOutput({ asOf: LATER });
    expect(fake.book.cell("客户", at).value).toBe("备注：阶段为 11 月底的判断 note");
    expect(fake.book.values("客户", `${col}${TABLE.headerRow}:${col}${TABLE.lastRow}`).flat().every((v) => v === "")).toBe(true);
    expect(markNames()).toEqual([]);
  });
});

describe("a book an earlier version wrote, without marks: its sheets are known by their names and content", () => {
  /** The product's sheets of every role the pane writes (findings, review, pivot). */
  const PRODUCT_SHEETS = [FINDINGS_SHEET, ...REVIEW_SHEET_NAMES.map(([, n]) => n), ...PIVOT_SHEETS.map((p) => p.name)];

  test("apply and review replace them in place and mark them (no `(2)` sheets, the same book and round trips as with marks); remove takes them out; a user's copy stays", async () => {
    open(SPEC);
    await applyTags({ asOf: AS_OF });
    await buildReviewSheets({ asOf: AS_OF });
    const marked = structuredClone(fake.host.book);

    // The same book, as if an earlier version had written it: no marks.
    await stripMarks();
    const unmarked = structuredClone(fake.host.book);

    const load = (book: typeof fake.host.book) => {
      open({ sheets: [{ name: "x", cells: [] }] });
      fake.host.book = structuredClone(book);
    };

    // Not read as the user's tables: validate sees what it sees with the marks.
    load(marked);
    const seenMarked = await validate({ asOf: LATER });
    load(unmarked);
    const seen = await validate({ asOf: LATER });
    expect(seen.tables).toEqual(seenMarked.tables);
    expect(seen.findings).toEqual(seenMarked.findings);

    // Apply, review and remove on either book: round trips, and the book after each.
    const run = async (book: typeof fake.host.book) => {
      load(book);
      const out: { syncs: number; book: string; result: unknown }[] = [];
      for (const action of [() => applyTags({ asOf: LATER }), () => buildReviewSheets({ asOf: LATER }), () => removeOutput({ asOf: LATER })]) {
        fake.resetStats();
        const result = await action();
        // The book as the user has it (the names in any order: the marks are added in another).
        const book = fake.book.snapshot() as { names: { name: string }[] };
        book.names.sort((a, b) => a.name.localeCompare(b.name));
        out.push({ syncs: fake.stats.syncs, book: JSON.stringify(book), result });
      }
      return out;
    };
    const withMarks = await run(marked);
    const earlier = await run(unmarked);
    // eslint-disable-next-line no-console
    console.log(`earlier version's book: apply ${earlier[0].syncs}, review ${earlier[1].syncs}, remove ${earlier[2].syncs} syncs (marked book: ${withMarks.map((x) => x.syncs).join(", ")})`);
    expect(earlier.map((x) => x.syncs)).toEqual(withMarks.map((x) => x.syncs));
    expect(earlier.map((x) => x.result)).toEqual(withMarks.map((x) => x.result));
    // After apply the earlier version's review sheets are still without marks (review gives them theirs).
    const withoutReviewMarks = (book: string) => {
      const b = JSON.parse(book) as { names: { name: string }[] };
      return { ...b, names: b.names.filter((n) => !n.name.startsWith(`${MARK_SHEET}review.`)) };
    };
    expect(JSON.parse(earlier[0].book)).toEqual(withoutReviewMarks(withMarks[0].book));
    expect(earlier.slice(1).map((x) => x.book)).toEqual(withMarks.slice(1).map((x) => x.book));

    // Step by step on the earlier version's book, with a copy the user made of a review sheet (stamp and all).
    load(unmarked);
    const COPY = `${STAGES} (2)`;
    fake.book.copySheet(STAGES, COPY);
    fake.book.setValues(COPY, "H2:H2", [["我的批注 my note"]]);
    const copy = sheetView(COPY);
    const sheets = fake.book.sheetNames();
    const positions = PRODUCT_SHEETS.map((n) => fake.book.sheet(n).position);

    await applyTags({ asOf: LATER });
    expect(fake.book.sheetNames()).toEqual(sheets);
    expect(isFindingsSheet(FINDINGS_SHEET)).toBe(true);
    expect(marks().sheets.get("findings")).toBe(FINDINGS_SHEET);
    expect(fake.book.sheet(FINDINGS_SHEET).position).toBe(positions[0]);

    const out = await buildReviewSheets({ asOf: LATER });
    expect(fake.book.sheetNames()).toEqual(sheets);
    expect(out.sheets).toEqual(PRODUCT_SHEETS.slice(1));
    expect(PRODUCT_SHEETS.map((n) => fake.book.sheet(n).position)).toEqual(positions);
    expect(PRODUCT_SHEETS.map((n) => [...marks().sheets].find(([, s]) => s === n)?.[0])).toEqual(["findings", ...REVIEW_SHEET_NAMES.map(([r]) => r.toLowerCase()), ...PIVOT_SHEETS.map((p) => p.role.toLowerCase())]);
    expect(fake.book.values(STAGES, "A2:A2")[0][0]).toBe(reviewStamp(LATER));
    expect(sheetView(COPY)).toBe(copy);
    expect(fake.book.values(COPY, "A2:A2")[0][0]).toBe(reviewStamp(AS_OF));

    const removed = await removeOutput({ asOf: LATER });
    expect(removed.sheets.sort()).toEqual([...PRODUCT_SHEETS, HISTORY_SHEET].sort());
    expect(fake.book.sheetNames()).toEqual([...SPEC.sheets.map((x) => x.name), COPY]);
    expect(sheetView(COPY)).toBe(copy);
    expect(markNames()).toEqual([]);
  });

  test("apply, review or remove failing at any one of its syncs on such a book: taken back (no half-written output, no `(2)` sheets); remove then leaves the user's book", async () => {
    open(SPEC);
    await applyTags({ asOf: AS_OF });
    await buildReviewSheets({ asOf: AS_OF });
    await stripMarks();
    const unmarked = structuredClone(fake.host.book);
    const load = () => {
      open({ sheets: [{ name: "x", cells: [] }] });
      fake.host.book = structuredClone(unmarked);
      fake.resetStats();
    };
    // Small chunks: the findings sheet and the staging table are written in several requests.
    const o = { asOf: LATER, chunkRows: 40 };
    const problems: string[] = [];
    for (const [name, op] of [["apply", () => applyTags(o)], ["review", () => buildReviewSheets(o)], ["remove", () => removeOutput(o)]] as const) {
      load();
      await op();
      const syncs = fake.stats.syncs;
      for (let n = 1; n <= syncs; n++) {
        load();
        fake.failSyncAt(n);
        const error = await op().then(() => null, (e: unknown) => e);
        if (!(error instanceof ActionError) || error.en.includes("may be half-written")) problems.push(`${name} ${n}/${syncs}: ${String(error)}`);
        if (fake.book.sheetNames().some((x) => x.endsWith(" (2)"))) problems.push(`${name} ${n}/${syncs}: ${fake.book.sheetNames().join(", ")}`);
        await removeOutput(o);
        if (fake.book.sheetNames().join() !== SPEC.sheets.map((x) => x.name).join() || markNames().length > 0) problems.push(`${name} ${n}/${syncs}: after remove ${fake.book.sheetNames().join(", ")}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test("remove alone takes an earlier version's sheets out", async () => {
    open(SPEC);
    await applyTags({ asOf: AS_OF });
    await buildReviewSheets({ asOf: AS_OF });
    await stripMarks();
    const removed = await removeOutput({ asOf: LATER });
    expect(removed.sheets.sort()).toEqual([...PRODUCT_SHEETS, HISTORY_SHEET].sort());
    expect(fake.book.sheetNames()).toEqual(SPEC.sheets.map((x) => x.name));
    const header = fake.book.values("客户", `A${TABLE.headerRow}:AZ${TABLE.headerRow}`)[0];
    expect(header.some((v) => typeof v === "string" && v.startsWith("◆"))).toBe(false);
  });

  test("a user's sheets named like the product's but holding other things, and a user's copy, are never taken", async () => {
    // The findings header one cell short, or a row lower; a review sheet's second line the user's own; the
    // staging table's header in another order; a PivotTable sheet's title the user's. And the copy of an earlier
    // version's review sheet (its stamp and all) the user made.
    const stamp = reviewStamp(AS_OF);
    const [INDUSTRY, PLAN] = [REVIEW_SHEET_NAMES[1][1], REVIEW_SHEET_NAMES[5][1]];
    const [DATA, PIVOT] = [PIVOT_SHEETS[0].name, PIVOT_SHEETS[1].name];
    const own: FakeBookSpec["sheets"] = [
      { name: FINDINGS_SHEET, cells: [[...FINDINGS_HEADER.slice(0, -1), "我的 Fix"], ["错误", "MY_CODE"]] },
      { name: STAGES, cells: [["我的阶段分析 my stages"], [`截至 as of ${AS_OF}`], [stamp]] },
      { name: INDUSTRY, cells: [["行业"], [`${stamp} `]] },
      { name: PLAN, cells: [["计划"], [`截至 as of 2024-11 · CRM Workbench`]] },
      { name: DATA, cells: [["客户名称", "客户编号", "行业"]] },
      { name: PIVOT, cells: [["行业 × 价值分级"]] },
      { name: `${REVIEW_SHEET_NAMES[2][1]} (2)`, cells: [["高价值客户（年采购额超过阈值） · High-value customers"], [stamp]] },
    ];
    open({ ...SPEC, sheets: [...SPEC.sheets, ...own] });
    const mine = own.map((x) => sheetView(x.name));

    await applyTags({ asOf: AS_OF });
    await buildReviewSheets({ asOf: AS_OF });
    expect(own.map((x) => sheetView(x.name))).toEqual(mine);
    expect(marks().sheets.get("findings")).toBe(`${FINDINGS_SHEET} (2)`);
    expect(marks().sheets.get("review.stages")).toBe(`${STAGES} (2)`);
    expect(marks().sheets.get("review.industry")).toBe(`${INDUSTRY} (2)`);
    expect(marks().sheets.get("review.plan")).toBe(`${PLAN} (2)`);
    expect(marks().sheets.get("review.data")).toBe(`${DATA} (2)`);
    expect(marks().sheets.get("review.industrypivot")).toBe(`${PIVOT} (2)`);
    // The user's copy keeps its name; the product's own sheet of that role is a new one beside it.
    expect(marks().sheets.get("review.highvalue")).toBe(REVIEW_SHEET_NAMES[2][1]);

    await removeOutput({ asOf: AS_OF });
    expect(fake.book.sheetNames()).toEqual([...SPEC.sheets, ...own].map((x) => x.name));
    expect(own.map((x) => sheetView(x.name))).toEqual(mine);
    expect(markNames()).toEqual([]);
  });
});
