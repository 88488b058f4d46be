// Privacy of outputs (issue 8): no report, log, error message or findings list shows a customer's full phone
// number or full USCC. One book holds them in every text column (privacy-book.ts); every face runs over it —
// the engine, the `crm` command line (validate text and --json, apply --report, review --json, mask, errors),
// the product's own sheets in the files it writes, and the Office.js adapter's findings sheet and review sheets
// on the fake Excel — and every output is scanned for the secrets as typed and as the same digits in a row.
// (The task pane's findings list is scanned in privacy-pane.test.ts, which needs a DOM.)
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildReview, isOwnedSheet, maskText, runPipeline } from "../../src/core";
import { applyTags, buildReviewSheets, useHost, validate } from "../../src/excel/actions";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { FINDINGS_SHEET } from "../../src/workbook/owned";
import { createFakeExcel, type FakeExcel } from "../excel/fake-excel";
import { specOf } from "../excel/spec";
import { recordReliability } from "../reliability";
import { AS_OF, leaksIn, NEEDLES, PHONES, privacyModel, USCCS, usccsAreValid } from "./privacy-book";
import { readXlsxCells } from "./xlsx-cells";
import { runCrm } from "../node/cli-io";

jest.setTimeout(120_000);

/** Every output scanned, with what leaked from it (the reliability figure counts both). */
const scanned: { what: string; leaks: string[] }[] = [];

/** Scans one output and returns the secrets found in it (recorded for the figure either way). */
function scan(what: string, text: string): string[] {
  const leaks = leaksIn(text);
  scanned.push({ what, leaks });
  return leaks;
}

/** Expects `text` to be clean, naming the output and the lines that leak. */
function expectClean(what: string, text: string): void {
  const leaks = scan(what, text);
  const lines = leaks.length === 0 ? [] : text.split("\n").filter((l) => leaksIn(l).length > 0).slice(0, 10);
  expect({ what, leaks, lines }).toEqual({ what, leaks: [], lines: [] });
}

let root: string;
let book: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "crm-privacy-"));
  book = join(root, "客户隐私.xlsx");
  await writeModelXlsx(privacyModel(), book);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  const failed = scanned.filter((s) => s.leaks.length > 0).length;
  recordReliability("privacy-outputs", {
    group: "privacy and security",
    what: "扫描的输出（报告、日志、错误、问题清单、复盘） outputs scanned for full phone numbers / USCCs",
    tried: scanned.length,
    failed,
    where: "test/security/privacy-outputs.test.ts (engine, CLI, exceljs/patched files, Office adapter)",
  });
});

describe("the book really holds the secrets (so a clean scan means something)", () => {
  test("the USCCs pass the GB 32100-2015 check and the phones are full numbers", () => {
    expect(usccsAreValid()).toBe(true);
    expect(USCCS).toContain("91350100M000100Y43");
    for (const p of PHONES) expect(maskText(p.typed)).not.toBe(p.typed);
    for (const u of USCCS) expect(maskText(`名称${u}公司`)).toBe(`名称${u.slice(0, 6)}${"*".repeat(10)}${u.slice(-2)}公司`);
  });

  test("every secret is in the workbook, in many columns of every table", () => {
    const text = JSON.stringify(privacyModel());
    for (const p of PHONES) expect([p.typed, text.includes(p.typed)]).toEqual([p.typed, true]);
    for (const u of USCCS) expect([u, text.includes(u)]).toEqual([u, true]);
    expect(leaksIn(text).sort()).toEqual([...new Set<string>([...PHONES.map((p) => p.digits), ...USCCS])].sort());
    expect(NEEDLES.length).toBeGreaterThanOrEqual(PHONES.length + USCCS.length);
  });
});

describe("the engine: findings and review aggregates", () => {
  const result = runPipeline(privacyModel(), AS_OF);

  test("findings quote the bad values, masked (the finding stays useful)", () => {
    // The book is built so that many findings quote a secret-bearing cell.
    const codes = new Set(result.findings.map((f) => f.code));
    for (const c of ["BAD_ENUM", "BAD_DATE", "BAD_AMOUNT", "NEGATIVE_AMOUNT", "DUPLICATE_ID", "UNKNOWN_CUSTOMER", "UNMASKED_PHONE", "BAD_RULE"]) expect([c, codes.has(c as never)]).toEqual([c, true]);
    const masked = result.findings.filter((f) => /\*{4}/.test(f.message));
    expect(masked.length).toBeGreaterThan(10);
    // A mobile keeps its first 3 and last 4 digits, a landline its area code and last 4, a USCC its first 6 and last 2.
    const all = result.findings.map((f) => `${f.message}\n${f.messageEn}\n${f.fix}\n${f.fixEn}`).join("\n");
    expect(all).toContain("138****5678");
    expect(all).toContain("010-****5678");
    expect(all).toContain("913101**********7T");
    for (const f of result.findings) expectClean(`finding ${f.code} ${f.address}`, `${f.message}\n${f.messageEn}\n${f.fix}\n${f.fixEn}`);
  });

  test("the review aggregates (owners, industries, sizes, churn reasons, plan) are masked", () => {
    const review = buildReview(runPipeline(privacyModel(), AS_OF));
    const text = JSON.stringify(review, null, 2);
    expect(text).toContain("****"); // the secrets are there, masked
    expectClean("buildReview", text);
  });
});

// ── the command line ──

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function crm(argv: string[], lang: "zh" | "en" = "zh"): Promise<Run> {
  return runCrm(argv, lang);
}

function expectRunClean(label: string, r: Run): void {
  expectClean(`${label} stdout`, r.stdout);
  expectClean(`${label} stderr`, r.stderr);
}

/** The text of every cell on the product's own sheets (findings, review) of a written file. */
async function ownedSheetsText(file: string): Promise<{ sheets: string[]; text: string }> {
  const cells = await readXlsxCells(file);
  const sheets = [...cells.keys()].filter(isOwnedSheet);
  return { sheets, text: sheets.map((s) => cells.get(s)!.map((c) => `${c.ref}\t${c.text}\t${c.formula ?? ""}`).join("\n")).join("\n") };
}

describe("crm: every output of every command", () => {
  test.each([
    ["validate (zh)", ["validate", "BOOK"], "zh"],
    ["validate (en)", ["validate", "BOOK"], "en"],
    ["validate --all", ["validate", "BOOK", "--all"], "zh"],
    ["validate --json", ["validate", "BOOK", "--json"], "zh"],
    ["validate --json --all --lang en", ["validate", "BOOK", "--json", "--all", "--lang", "en"], "en"],
    ["review --json", ["review", "BOOK", "--json"], "zh"],
  ] as const)("%s", async (label, argv, lang) => {
    const r = await crm(argv.map((a) => (a === "BOOK" ? book : a)), lang);
    expect(r.code).toBe(1); // the book has errors
    expect(r.stdout.length).toBeGreaterThan(100);
    expect(r.stdout).toContain("****"); // the findings quote the secrets, masked
    expectRunClean(label, r);
  });

  test("apply --report: stdout, stderr, the JSON report, and the findings sheet in the file", async () => {
    const out = join(root, "apply.xlsx");
    const report = join(root, "report.json");
    const r = await crm(["apply", book, "--out", out, "--report", report]);
    expect(r.code).toBe(1);
    expectRunClean("apply", r);
    const rep = readFileSync(report, "utf8");
    const parsed = JSON.parse(rep) as { findings: unknown[]; customers: { id: string; name: string }[] };
    expect(parsed.findings.length).toBeGreaterThan(10);
    expect(parsed.customers.length).toBe(12);
    // IDs and names that were a USCC or held a phone number are there, masked.
    expect(parsed.customers.map((c) => c.id)).toContain("913101**********7T");
    expect(parsed.customers.map((c) => c.name)).toContain("厦门138****5678科技");
    expectClean("apply --report report.json", rep);
    const owned = await ownedSheetsText(out);
    expect(owned.sheets).toContain(FINDINGS_SHEET);
    expectClean("apply: the product's own sheets in the output", owned.text);
  });

  test("review --out: the review sheets in the file, and stdout", async () => {
    const out = join(root, "review.xlsx");
    const r = await crm(["review", book, "--out", out, "--lang", "en"], "en");
    expect(r.code).toBe(1);
    expectRunClean("review --out", r);
    const owned = await ownedSheetsText(out);
    expect(owned.sheets.some((s) => s.startsWith("CRM复盘"))).toBe(true);
    expect(owned.text).toContain("****");
    expectClean("review: the review sheets in the output", owned.text);
  });

  test("mask: stdout and stderr", async () => {
    const r = await crm(["mask", book, "--out", join(root, "masked.xlsx")]);
    expect(r.code).toBe(0);
    expectRunClean("mask", r);
  });

  test("a book without a customers table: the findings printed and the one-line error", async () => {
    const model = privacyModel();
    const noCustomers = join(root, "no-customers.xlsx");
    await writeModelXlsx({ sheets: model.sheets.filter((s) => s.name !== "客户") }, noCustomers);
    for (const argv of [["validate", noCustomers], ["validate", noCustomers, "--json"], ["apply", noCustomers, "--out", join(root, "nc.xlsx")]]) {
      const r = await crm(argv);
      expect(r.code).toBe(2);
      expectRunClean(argv.join(" "), r);
    }
  });

  test("usage errors that do not echo a value stay clean", async () => {
    for (const argv of [["validate"], ["apply", book], ["review", book, "--report", "x.json"], ["frobnicate", book]]) {
      const r = await crm(argv);
      expect(r.code).toBe(2);
      expectRunClean(argv.join(" "), r);
    }
  });

  // A usage error echoes the argument as typed (`--as-of … (got 138****5678)`): masked like every other output.
  test("usage errors that echo an argument mask it (bad --as-of, bad --lang, an extra argument)", async () => {
    const runs = [
      await crm(["validate", book, "--as-of", PHONES[0].typed]),
      await crm(["validate", book, "--as-of", USCCS[0]]),
      await crm(["validate", book, "--lang", PHONES[1].typed]),
      await crm(["validate", book, PHONES[4].typed]),
    ];
    for (const r of runs) expect(r.code).toBe(2);
    const leaking = runs.filter((r) => leaksIn(r.stderr).length > 0).map((r) => r.stderr.trim());
    // Recorded as leaks (the figure shows them) until the CLI masks what it echoes.
    runs.forEach((r, i) => scan(`usage error ${i + 1} stderr`, r.stderr));
    expect(leaking).toEqual([]);
  });
});

// ── the Office.js adapter on the fake Excel ──

describe("the Office adapter: findings sheet, review sheets and the validate outcome", () => {
  let fake: FakeExcel;
  let restore: () => void;
  beforeEach(() => {
    fake = createFakeExcel(specOf(privacyModel()));
    restore = fake.install();
    useHost({ run: (b) => fake.Excel.run(b as never) as never, isSetSupported: (s, v) => fake.Office.context.requirements.isSetSupported(s, v) });
  });
  afterEach(() => restore());

  const sheetText = (name: string) => {
    const used = fake.book.usedRange(name);
    if (!used) return "";
    return fake.book.values(name, used.slice(used.lastIndexOf("!") + 1)).map((r) => r.join("\t")).join("\n");
  };

  test("validate: the findings and the mask preview the pane receives", async () => {
    const o = await validate({ asOf: AS_OF });
    expect(o.findings.length).toBeGreaterThan(10);
    expect(o.phones.length).toBeGreaterThan(0);
    expectClean("Office validate outcome", JSON.stringify(o, null, 1));
  });

  test("applyTags: the CRM问题清单 sheet", async () => {
    await applyTags({ asOf: AS_OF });
    const text = sheetText(FINDINGS_SHEET);
    expect(text.split("\n").length).toBeGreaterThan(10);
    expect(text).toContain("138****5678");
    expectClean("Office CRM问题清单", text);
  });

  test("buildReview: the review sheets, the PivotTables' staging data included", async () => {
    const out = await buildReviewSheets({ asOf: AS_OF });
    expect(out.sheets.length).toBeGreaterThan(3);
    for (const s of out.sheets) expectClean(`Office ${s}`, sheetText(s));
  });
});
