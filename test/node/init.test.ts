// Issue 22: `crm init`. A new book made of the template tables validates with no finding (both languages); what
// openpyxl (not the product's reader) finds in it: each sheet's Excel table with its name and range, the header row
// frozen, a list on every enumerated column, the header notes; with --sample 200, apply and review work on it. On
// the real-world corpus (every book present here: the committed gen-* books in CI, all of them where the corpus was
// fetched), with and without a customers table: only new sheets are added (every other part byte for byte, but the
// package's own parts and the styles), ooxml-check is clean against the input, and undo gives the input back (but
// for the styles init appended and the calculation chain Excel rebuilds, as after apply and undo).
import Ajv from "ajv";
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { templateTables, TEMPLATE_KINDS } from "../../src/workbook/templates";
import { readZipEntry, zipEntries } from "../../src/xlsx/zip";
import { runCrm } from "./cli-io";
import { ooxmlProblems } from "./foreign-books";
import { packageProblems } from "./package-graph";
import { CORPUS, CORPUS_DIR } from "./real-world";

jest.setTimeout(900_000);
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const dir = mkdtempSync(join(tmpdir(), "crm-init-"));
const f = (n: string) => join(dir, n);

/** What openpyxl sees of each sheet: its tables (name → ref), frozen cell, lists (sqref → formula), header notes, header row. */
function openpyxlView(file: string): Record<string, { tables: Record<string, string>; freeze: string | null; lists: Record<string, string>; prompts: Record<string, string>; header: string[] }> {
  const script = [
    "import sys, json, warnings, openpyxl",
    "warnings.simplefilter('ignore')",
    "wb = openpyxl.load_workbook(sys.argv[1])",
    "out = {}",
    "for ws in wb.worksheets:",
    "    dv = ws.data_validations.dataValidation",
    "    out[ws.title] = {",
    "        'tables': {n: r for n, r in ws.tables.items()},",
    "        'freeze': ws.freeze_panes,",
    "        'lists': {str(v.sqref): v.formula1 for v in dv if v.type == 'list'},",
    "        'prompts': {str(v.sqref): v.prompt for v in dv if v.prompt},",
    "        'header': [c.value for c in ws[1]] if ws.max_row >= 1 else [],",
    "    }",
    "print(json.dumps(out, ensure_ascii=False))",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-c", script, file], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`openpyxl: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe("a new book", () => {
  beforeAll(async () => {
    for (const [file, extra] of [["zh.xlsx", []], ["en.xlsx", ["--lang", "en"]], ["sample.xlsx", ["--sample", "200"]]] as const) {
      const r = await runCrm(["init", f(file), ...extra], "zh");
      if (r.code !== 0) throw new Error(`crm init ${file}: ${r.stderr}`);
    }
  });

  test.each(["zh", "en"] as const)("in %s: validate finds no problem at all (exit 0), and ooxml-check none", async (lang) => {
    const v = await runCrm(["validate", f(`${lang}.xlsx`), "--json"], lang);
    expect(v.code).toBe(0);
    const j = JSON.parse(v.stdout);
    expect(j.findings).toEqual([]);
    expect(ooxmlProblems(f(`${lang}.xlsx`))).toEqual([]);
    expect(packageProblems(f(`${lang}.xlsx`))).toEqual([]);
  });

  test("what openpyxl finds: seven sheets, each an Excel table over its header, frozen at A2, a list on every enumerated column, a note on every header", () => {
    const view = openpyxlView(f("zh.xlsx"));
    const tables = templateTables();
    expect(Object.keys(view)).toEqual(tables.map((t) => t.sheet));
    for (const t of tables) {
      const s = view[t.sheet];
      const last = String.fromCharCode(64 + Math.min(26, t.columns.length));
      expect([t.sheet, Object.keys(s.tables)]).toEqual([t.sheet, [t.table]]);
      expect(s.tables[t.table].startsWith("A1:")).toBe(true);
      if (t.columns.length <= 26) expect(s.tables[t.table]).toBe(`A1:${last}${Math.max(2, t.rows.length + 1)}`);
      expect(s.freeze).toBe("A2");
      expect(s.header).toEqual(t.columns.map((c) => c.header));
      expect(Object.keys(s.prompts)).toHaveLength(t.columns.length);
      const listed = t.columns.filter((c) => c.choices).map((c) => `"${c.choices!.join(",")}"`);
      expect(Object.values(s.lists).sort()).toEqual(listed.sort());
    }
    // The enumerations the issue names: stage, grade A/B/C, feedback, task status, key-date type, way of contact.
    const lists = Object.values(view).flatMap((s) => Object.values(s.lists));
    for (const must of ["潜在客户", "A,B,C", "积极", "未开始", "生日", "电话"]) expect([must, lists.some((l) => l.includes(must))]).toEqual([must, true]);
  });

  test("with --sample 200: 200 customers and their detail rows; apply and review work, their outputs pass ooxml-check", async () => {
    const v = await runCrm(["validate", f("sample.xlsx"), "--json"], "en");
    expect(JSON.parse(v.stdout).summary.rows).toBe(200);
    expect(JSON.parse(v.stdout).summary.errors).toBe(0);
    const a = await runCrm(["apply", f("sample.xlsx"), "--out", f("sample-applied.xlsx")], "en");
    expect(a.code).toBe(0);
    const r = await runCrm(["review", f("sample-applied.xlsx"), "--out", f("sample-reviewed.xlsx")], "en");
    expect(r.code).toBe(0);
    expect(ooxmlProblems(f("sample-applied.xlsx"), f("sample.xlsx"))).toEqual([]);
    expect(ooxmlProblems(f("sample-reviewed.xlsx"), f("sample-applied.xlsx"))).toEqual([]);
  });

  test("--json: one object in the output schema, naming each table created and the sheet it is on", async () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(__dirname, "..", "..", "schema", "crm-output.schema.json"), "utf8")));
    const r = await runCrm(["init", f("json.xlsx"), "--tables", "customers,orders", "--json"], "en");
    const j = JSON.parse(r.stdout);
    expect([validate(j), validate.errors]).toEqual([true, null]);
    expect(j.created).toEqual([{ kind: "customers", sheet: "Customers", table: "CRM_Customers", rows: 0 }, { kind: "orders", sheet: "Orders", table: "CRM_Orders", rows: 0 }]);
    const again = await runCrm(["init", f("json.xlsx"), "--out", f("json2.xlsx"), "--json"], "en");
    const k = JSON.parse(again.stdout);
    expect([validate(k), validate.errors]).toEqual([true, null]);
    expect(k.present).toEqual([{ kind: "customers", sheet: "Customers" }, { kind: "orders", sheet: "Orders" }]);
    expect(k.created.map((c: { kind: string }) => c.kind)).toEqual(["interactions", "tasks", "keyDates", "plan", "rules"]);
  });

  test("a sheet name already taken gets a number, and --json names the sheet as written; the user's sheet is untouched", async () => {
    const made = spawnSync(PYTHON, ["-c", "import sys, openpyxl\nwb = openpyxl.Workbook()\nws = wb.active\nws.title = 'Customers'\nws.append(['区域', '销售额'])\nws.append(['华东', 120])\nwb.save(sys.argv[1])", f("taken.xlsx")], { encoding: "utf8" });
    expect(made.status).toBe(0);
    const r = await runCrm(["init", f("taken.xlsx"), "--tables", "customers", "--out", f("taken-out.xlsx"), "--json"], "en");
    expect(JSON.parse(r.stdout).created).toEqual([{ kind: "customers", sheet: "Customers (2)", table: "CRM_Customers", rows: 0 }]);
    const view = openpyxlView(f("taken-out.xlsx"));
    expect(Object.keys(view)).toEqual(["Customers", "Customers (2)"]);
    expect(view["Customers"].header).toEqual(["区域", "销售额"]);
    expect(Object.keys(view["Customers (2)"].tables)).toEqual(["CRM_Customers"]);
  });

  test("init on a book that has every table: nothing to add, nothing written", async () => {
    const r = await runCrm(["init", f("zh.xlsx"), "--out", f("again.xlsx")], "en");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("nothing changed");
    expect(existsSync(f("again.xlsx"))).toBe(false);
  });

  test("bad arguments: an unknown table, a bad sample size, --out for a new book, an existing book without --out", async () => {
    expect((await runCrm(["init", f("x.xlsx"), "--tables", "customers,leads"], "en")).stderr).toContain("--tables takes some of customers,interactions");
    expect((await runCrm(["init", f("x.xlsx"), "--sample", "12x"], "en")).stderr).toContain("--sample takes a whole number");
    expect((await runCrm(["init", f("x.xlsx"), "--out", f("y.xlsx")], "en")).stderr).toContain("init creates it");
    expect((await runCrm(["init", f("zh.xlsx")], "en")).stderr).toContain("--out <out.xlsx>");
    expect(existsSync(f("x.xlsx"))).toBe(false);
  });
});

/** Parts of `a` missing from or changed in `b`, but for those `allowed` lets change. */
function changedParts(a: string, b: string, allowed: (name: string) => boolean): string[] {
  const inB = new Set(zipEntries(b)!.map((e) => e.name));
  return zipEntries(a)!.filter((e) => !allowed(e.name) && (!inB.has(e.name) || !readZipEntry(a, e.name)!.equals(readZipEntry(b, e.name)!))).map((e) => e.name);
}

/** The package's own parts (content types, the workbook and its relationships) and the styles, which init appends to. */
const PACKAGE = /(^\[Content_Types\]\.xml$|(^|\/)_rels\/[^/]*workbook[^/]*\.rels$|workbook[^/]*\.xml$|(^|\/)styles\.xml$|(^|\/)calcChain\.xml$)/i;

describe("on the real-world corpus: only new sheets, ooxml-check clean, undo gives the book back", () => {
  const books = CORPUS.filter((b) => b.expect === "ok" && b.path && b.file.endsWith(".xlsx"));

  test(`${books.length} books, each with and without a customers table`, async () => {
    expect(books.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const book of books) {
      const stem = book.file.replace(/\.xlsx$/, "");
      const withCustomers = f(`${stem}-in.xlsx`);
      const add = spawnSync(PYTHON, [join(CORPUS_DIR, "add_customers.py"), book.path!, withCustomers], { encoding: "utf8" });
      for (const [label, input] of [["raw", book.path!], ["customers", add.status === 0 ? withCustomers : null]] as const) {
        if (input === null) continue;
        const out = f(`${stem}-${label}-init.xlsx`);
        const undone = f(`${stem}-${label}-undone.xlsx`);
        const r = await runCrm(["init", input, "--out", out], "en");
        if (r.code !== 0) {
          problems.push(`${book.file} ${label}: init exit ${r.code}: ${r.stderr.trim()}`);
          continue;
        }
        const j = JSON.parse((await runCrm(["init", input, "--json", "--out", f(`${stem}-${label}-json.xlsx`)], "en")).stdout);
        // Every table either created or named as present (a table of the book read as one of the kinds), never both;
        // with add_customers.py's table, customers is present.
        const created: string[] = j.created.map((c: { kind: string }) => c.kind);
        const present: string[] = j.present.map((c: { kind: string }) => c.kind);
        if ([...created, ...present].sort().join() !== [...TEMPLATE_KINDS].sort().join()) problems.push(`${book.file} ${label}: created ${created.join()}, present ${present.join()}`);
        if (label === "customers" && !present.includes("customers")) problems.push(`${book.file} ${label}: the added customers table was not found`);
        for (const p of ooxmlProblems(out, input)) problems.push(`${book.file} ${label}: ooxml-check: ${p}`);
        for (const p of packageProblems(out, input)) problems.push(`${book.file} ${label}: package: ${p}`);
        // The styles part by its content type (not always styles.xml); a book without one gets one. The calculation
        // chain goes (Excel rebuilds it), with its relationship and content type, as after apply.
        const ct = readZipEntry(input, "[Content_Types].xml")!.toString("utf8");
        const stylesPart = /PartName=["']\/([^"']+)["'][^>]*ContentType=["'][^"']*spreadsheetml\.styles\+xml/.exec(ct)?.[1] ?? zipEntries(input)!.map((e) => e.name).find((n) => /(^|\/)styles\.xml$/.test(n));
        // A book whose package is damaged (a relationship to a part it lacks) gets that relationship dropped.
        const damaged = packageProblems(input).length > 0;
        const hadCalcChain = zipEntries(input)!.some((e) => /calcChain/.test(e.name));
        for (const p of changedParts(input, out, (n) => PACKAGE.test(n) || n === stylesPart)) problems.push(`${book.file} ${label}: init changed ${p}`);
        const u = await runCrm(["undo", out, "--out", undone], "en");
        if (u.code !== 0) {
          problems.push(`${book.file} ${label}: undo exit ${u.code}: ${u.stderr.trim()}`);
          continue;
        }
        // Back to the input: every part but the styles init appended (unused now), as after apply and undo.
        const mayChange = (n: string) => n === stylesPart || ((hadCalcChain || !stylesPart) && /^\[Content_Types\]\.xml$|workbook[^/]*\.xml\.rels$|calcChain/.test(n)) || (damaged && /workbook[^/]*\.xml\.rels$/.test(n));
        for (const p of changedParts(input, undone, mayChange)) problems.push(`${book.file} ${label}: after undo, ${p} differs`);
        const left = changedParts(undone, input, () => false).filter((n) => !zipEntries(input)!.some((e) => e.name === n) && !(stylesPart === undefined && /(^|\/)styles\.xml$/.test(n)));
        for (const p of left) problems.push(`${book.file} ${label}: undo left ${p}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
