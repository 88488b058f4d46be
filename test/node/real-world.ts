// The real-world corpus (issue 14): workbooks written by other programs, taken from public test suites
// (test/fixtures/real-world/SOURCES.md). Each gets a small Chinese customers sheet added by editing its zip
// (add_customers.py, Python + lxml: not the project's code), then apply, review, mask and undo run on it.
// Every output is checked by ooxml-check against its input, read by openpyxl with every user cell compared to
// openpyxl's reading of the input, and every part the product does not own compared byte for byte.
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { extname, join } from "path";
import { readZipEntry, zipEntries } from "../../src/xlsx/zip";
import { runCrm } from "./cli-io";
import { ooxmlProblems, openpyxlRead } from "./foreign-books";
import { packageProblems } from "./package-graph";

export { openpyxlRead };
import { AS_OF } from "./messy-book";

export const CORPUS_DIR = join(__dirname, "..", "fixtures", "real-world");
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

export interface CorpusBook {
  file: string;
  writer: string;
  features: string[];
  /** ok: every command works; read-only: validate reads it, the writers refuse (Strict); refuse: every command refuses. */
  expect: "ok" | "read-only" | "refuse";
  note?: string;
  /** Where the book is, when not in the corpus folder (books written by other programs during the test run). */
  path?: string;
}

/**
 * Where the books are. Only the ones written here (`gen-*`) are committed: the workplace keeps data fetched from
 * other repositories out of the project's history, so the rest lie beside the checkout, in the shared folder CI
 * copies next to the clone (../shared/real-world), or in this folder where they were fetched (git-ignored).
 */
const SHARED_DIR = join(__dirname, "..", "..", "..", "shared", "real-world");

export const CORPUS: CorpusBook[] = (JSON.parse(readFileSync(join(CORPUS_DIR, "corpus.json"), "utf8")) as CorpusBook[]).map((b) => {
  const path = [join(CORPUS_DIR, b.file), join(SHARED_DIR, b.file)].find(existsSync);
  return path ? { ...b, path } : b;
});

const mask = (s: string) => s.replace(/(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g, "$1****$2");

export interface BookRun {
  book: CorpusBook;
  /** Problems found: each names the operation, the part or cell, and what is wrong. Empty = the book passed. */
  problems: string[];
  /** Outputs written and checked. */
  outputs: string[];
  /** Operations run. */
  operations: number;
  /** What could not be compared and why (e.g. openpyxl cannot read the input either). */
  notes: string[];
}

/**
 * Parts of `a` missing from or different in `b`, but for those `allowed` explains. An empty `<definedNames/>`
 * in `a` counts as none: once apply has put its marks in it and undo has taken them out again, the block goes.
 */
function partDiff(a: string, b: string, allowed: (name: string) => boolean): string[] {
  const bNames = new Set(zipEntries(b)!.map((e) => e.name));
  const out: string[] = [];
  for (const e of zipEntries(a)!) {
    if (allowed(e.name)) continue;
    if (!bNames.has(e.name)) {
      out.push(`${e.name} is missing`);
      continue;
    }
    const before = readZipEntry(a, e.name)!;
    const after = readZipEntry(b, e.name)!;
    if (before.equals(after)) continue;
    const emptyNames = /<(\w+:)?definedNames\s*\/>/;
    if (emptyNames.test(before.toString("utf8")) && before.toString("utf8").replace(emptyNames, "") === after.toString("utf8")) continue;
    out.push(`${e.name} differs`);
  }
  return out;
}

/** The parts a command may write anew: the package's own, styles, the calculation chain (dropped). */
const PACKAGE_PART = /(^\[Content_Types\]\.xml$|(^|\/)_rels\/[^/]*workbook[^/]*\.rels$|(^|\/)_rels\/\.rels$|workbook[^/]*\.xml$|(^|\/)styles\.xml$|(^|\/)calcChain\.xml$)/i;

/** Runs the whole procedure on one corpus book. */
export async function runBook(book: CorpusBook): Promise<BookRun> {
  const run: BookRun = { book, problems: [], outputs: [], operations: 0, notes: [] };
  const src = book.path ?? join(CORPUS_DIR, book.file);
  const ext = extname(book.file);
  const dir = mkdtempSync(join(tmpdir(), "crm-corpus-"));
  const stem = book.file.slice(0, book.file.length - ext.length);
  const f = (n: string) => join(dir, `${stem}-${n}${ext}`);
  const opOf = (out: string) => out.slice(dir.length + stem.length + 2, out.length - ext.length);
  const problem = (s: string) => run.problems.push(s);

  /** A command that must refuse: exit 2, one stderr line naming the file, nothing written. */
  const refused = async (cmd: string, file: string) => {
    const args = cmd === "validate" ? [cmd, file, "--as-of", AS_OF] : [cmd, file, "--out", f(`${cmd}-out`), "--as-of", AS_OF];
    const r = await runCrm(args, "en");
    run.operations++;
    const lines = r.stderr.trim().split("\n");
    if (r.code !== 2) problem(`${cmd}: exit ${r.code}, expected 2`);
    if (lines.length !== 1 || !lines[0].includes(file.slice(file.lastIndexOf("/") + 1))) problem(`${cmd}: stderr should be one line naming the file: ${JSON.stringify(r.stderr)}`);
    if (existsSync(f(`${cmd}-out`))) problem(`${cmd}: wrote an output`);
  };
  if (book.expect === "refuse") {
    for (const cmd of ["validate", "apply", "mask", "undo"]) await refused(cmd, src);
    return run;
  }

  const add = spawnSync(PYTHON, [join(CORPUS_DIR, "add_customers.py"), src, f("in")], { encoding: "utf8" });
  if (add.status !== 0) {
    problem(`add_customers.py: ${add.stderr.trim()}`);
    return run;
  }
  const input = f("in");
  if (book.expect === "read-only") {
    const v = await runCrm(["validate", input, "--as-of", AS_OF, "--json"], "en");
    run.operations++;
    if (v.code >= 2) problem(`validate: exit ${v.code}: ${v.stderr.trim()}`);
    else if (JSON.parse(v.stdout).summary.rows !== 8) problem(`validate: ${JSON.parse(v.stdout).summary.rows} customers read, expected the 8 added`);
    for (const cmd of ["apply", "review", "mask", "undo"]) await refused(cmd, input);
    return run;
  }
  const customersPart = zipEntries(input)!.map((e) => e.name).find((n) => !zipEntries(src)!.some((e) => e.name === n) && /sheet/i.test(n));

  // undo is compared with the input before apply: every part back but the styles apply appended (unused) and,
  // when the book had one, the calculation chain apply dropped (Excel rebuilds it) with its relationship and type.
  const hadCalcChain = zipEntries(input)!.some((e) => /calcChain/.test(e.name));
  const damaged = packageProblems(input).length > 0;
  // The styles part (named by its content type: not always styles.xml): apply appends to it, undo leaves the
  // appended styles; a book without one gets one, with its relationship and content type.
  const ct = readZipEntry(input, "[Content_Types].xml")!.toString("utf8");
  const names = zipEntries(input)!.map((e) => e.name);
  const stylesPart = /PartName=["']\/([^"']+)["'][^>]*ContentType=["'][^"']*spreadsheetml\.styles\+xml/.exec(ct)?.[1] ?? names.find((n) => /(^|\/)styles\.xml$/.test(n));
  const steps: { cmd: string; from: string; out: string; mayChange: (name: string) => boolean; baseline?: string }[] = [
    { cmd: "apply", from: input, out: f("applied"), mayChange: (n) => PACKAGE_PART.test(n) || n === stylesPart || n === customersPart },
    { cmd: "review", from: f("applied"), out: f("reviewed"), mayChange: (n) => PACKAGE_PART.test(n) || n === stylesPart },
    { cmd: "mask", from: input, out: f("masked"), mayChange: (n) => PACKAGE_PART.test(n) || n === stylesPart || n === customersPart || (customersPart !== undefined && n === customersPart.replace(/([^/]+)$/, "_rels/$1.rels")) },
    // A package that lists parts it lacks (phpspreadsheet-issue.3770: a theme relationship, a drawing's content type)
    // is damage Excel repairs: the dangling relationship is not carried over, and a product part given the listed
    // name takes the stale content type with it when undo removes it.
    { cmd: "undo", from: f("reviewed"), out: f("undone"), baseline: input, mayChange: (n) => n === stylesPart || ((hadCalcChain || !stylesPart) && /^\[Content_Types\]\.xml$|workbook[^/]*\.xml\.rels$|calcChain/.test(n)) || (damaged && /workbook[^/]*\.xml\.rels$|^\[Content_Types\]\.xml$/.test(n)) },
  ];
  for (const s of steps) {
    if (!existsSync(s.from)) continue;
    const r = await runCrm([s.cmd, s.from, "--out", s.out, "--as-of", AS_OF], "en");
    run.operations++;
    if (r.code >= 2 || !existsSync(s.out)) {
      problem(`${s.cmd}: exit ${r.code}: ${r.stderr.trim()}`);
      continue;
    }
    if (r.stderr.trim() !== "") problem(`${s.cmd}: stderr ${r.stderr.trim()}`);
    run.outputs.push(s.out);
    for (const p of ooxmlProblems(s.out, s.from)) problem(`${s.cmd}: ooxml-check: ${p.replace(s.out, "OUT")}`);
    for (const p of packageProblems(s.out, s.from)) problem(`${s.cmd}: package: ${p}`);
    for (const d of partDiff(s.baseline ?? s.from, s.out, s.mayChange)) problem(`${s.cmd}: ${d}`);
  }

  // Every user cell keeps its value, as openpyxl (not the project's reader) sees it.
  const read = openpyxlRead([input, ...run.outputs]);
  const before = read[input];
  if ("error" in before) {
    run.notes.push(`openpyxl cannot read the input either (${before.error}); cells compared by ooxml-check only`);
    for (const out of run.outputs) if (!("error" in read[out])) run.notes.push(`openpyxl reads the ${opOf(out)} output`);
    return run;
  }
  for (const out of run.outputs) {
    const after = read[out];
    const op = opOf(out);
    if ("error" in after) {
      problem(`${op}: openpyxl cannot read the output: ${after.error}`);
      continue;
    }
    for (const [sheet, cells] of Object.entries(before as Record<string, Record<string, string>>)) {
      const got = (after as Record<string, Record<string, string>>)[sheet];
      if (!got) {
        problem(`${op}: sheet ${sheet} is gone`);
        continue;
      }
      for (const [ref, v] of Object.entries(cells)) {
        const w = got[ref];
        const masked = op === "masked" && w === mask(v);
        if (w !== v && !masked) problem(`${op}: ${sheet}!${ref} was ${JSON.stringify(v)}, now ${JSON.stringify(w)}`);
      }
    }
  }
  return run;
}

/**
 * Converts the outputs with LibreOffice, twenty files a run (its start-up is the slow part); a file a batch did
 * not convert is tried once more on its own. Returns each file it could not convert with what soffice said.
 */
export function libreOfficeConverts(files: string[], soffice: string): string[] {
  const out = mkdtempSync(join(tmpdir(), "crm-corpus-lo-"));
  const convert = (batch: string[]) => spawnSync(soffice, [`-env:UserInstallation=file://${join(out, "profile")}`, "--headless", "--convert-to", "csv", "--outdir", out, ...batch], { encoding: "utf8", timeout: 600_000 });
  const converted = (file: string) => existsSync(join(out, file.replace(/^.*\//, "").replace(/\.[^.]+$/, ".csv")));
  for (let i = 0; i < files.length; i += 20) convert(files.slice(i, i + 20));
  const failed: string[] = [];
  for (const file of files.filter((x) => !converted(x))) {
    const r = convert([file]);
    if (!converted(file)) failed.push(`${file}: status ${r.status} ${r.error ?? ""} ${(r.stderr ?? "").trim().slice(-300)}`);
  }
  return failed;
}
