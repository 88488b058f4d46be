// The `crm` command line (src/cli/cli.ts, DOMAIN.md section 10), driven in-process through `main(argv, io)` with a
// captured io, plus two runs of the real entry points (`npx crm`, `npm run -s crm --`). Every expected figure comes
// from the sample generator's own lists (mistakes, intended stages) or from the file system, never from the CLI.
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { hasFullPhone, makeRules, runPipeline, type WorkbookModel } from "../../src/core";
import { main, type CliIO } from "../../src/cli/cli";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { CUSTOMER_HEADERS, generateSample, type SampleOptions, type SampleWorkbook } from "../../scripts/sample";
import { readBook } from "../../src/xlsx/exceljs";
import Ajv from "ajv";

jest.setTimeout(60_000);

const REPO = join(__dirname, "..", "..");
const AS_OF = "2024-11-26";
const OPTS: SampleOptions = { customers: 60, asOf: AS_OF };
// A full mobile number, /1[3-9]\d{9}/, standing on its own: not inside a longer run of digits (the review JSON's
// ratios print 17 significant digits, e.g. 0.21428571428571427, which can hold such a run by chance).
const FULL_MOBILE = /(?<!\d)1[3-9]\d{9}(?!\d)/;

type Lang = "zh" | "en";
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Every stdout/stderr the tests saw, for the phone-number scan at the end. */
const seen: { argv: string[]; stdout: string; stderr: string }[] = [];

function captureIO(lang: Lang): { io: CliIO; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: (s) => void out.push(s),
    stderr: (s) => void err.push(s),
    stderrTTY: false,
    stdoutTTY: false,
    env: { LANG: lang === "zh" ? "zh_CN.UTF-8" : "en_US.UTF-8" },
    today: () => AS_OF,
  };
  return { io, out, err };
}

async function crm(argv: string[], lang: Lang = "zh", today = AS_OF): Promise<Run> {
  const c = captureIO(lang);
  c.io.today = () => today;
  const code = await main(argv, c.io);
  const run = { code, stdout: c.out.join(""), stderr: c.err.join("") };
  seen.push({ argv, stdout: run.stdout, stderr: run.stderr });
  return run;
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const lines = (s: string) => s.split("\n").filter((l) => l !== "");

let root: string;
let sample: SampleWorkbook;
let book: string; // the sample with its 17 mistakes
let cleanBook: string; // the same sample without mistakes
let nCustomers: number;

/** A fresh temporary directory under the suite's root. */
function scratch(name: string): string {
  return mkdtempSync(join(root, `${name}-`));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "crm-cli-test-"));
  sample = generateSample(OPTS);
  nCustomers = sample.intended.length;
  book = join(root, "客户管理.xlsx");
  cleanBook = join(root, "clean.xlsx");
  await writeModelXlsx(sample.model, book);
  await writeModelXlsx(generateSample({ ...OPTS, mistakes: false }).model, cleanBook);
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

// ── validate ──

describe("crm validate", () => {
  test("the sample book: exit 1, --json summary counts match the findings, codes are the injected ones", async () => {
    const r = await crm(["validate", book, "--json"]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as { summary: Record<string, number>; findings: Record<string, unknown>[] };
    expect(Object.keys(json.summary).sort()).toEqual(["errors", "infos", "rows", "warnings"]);
    const count = (sev: string) => json.findings.filter((f) => f.severity === sev).length;
    expect(json.summary.errors).toBe(count("error"));
    expect(json.summary.warnings).toBe(count("warning"));
    expect(json.summary.infos).toBe(count("info"));
    expect(json.summary.errors + json.summary.warnings + json.summary.infos).toBe(json.findings.length);
    expect(json.summary.errors).toBeGreaterThan(0);
    expect(json.summary.rows).toBe(nCustomers);
    for (const f of json.findings) {
      for (const k of ["code", "severity", "sheet", "row", "column", "address", "message", "messageEn", "fix"]) expect({ finding: f, has: k in f }).toEqual({ finding: f, has: true });
      expect(["error", "warning", "info"]).toContain(f.severity);
      expect(typeof f.message).toBe("string");
      expect(typeof f.messageEn).toBe("string");
      expect(typeof f.fix).toBe("string");
    }
    expect(new Set(json.findings.map((f) => f.code))).toEqual(new Set(sample.mistakes.map((m) => m.code)));
    // Every injected mistake is reported at the cell where it was put.
    for (const m of sample.mistakes) expect(json.findings.some((f) => f.code === m.code && f.address === m.address)).toBe(true);
    expect(r.stderr).toBe("");
  });

  test("the text report (zh and en) names every code and exits 1", async () => {
    const codes = [...new Set(sample.mistakes.map((m) => m.code))];
    for (const lang of ["zh", "en"] as const) {
      const r = await crm(["validate", book, "--lang", lang]);
      expect(r.code).toBe(1);
      for (const code of codes) expect(r.stdout).toContain(code);
    }
  });

  test("a clean book exits 0 and reports no errors", async () => {
    const r = await crm(["validate", cleanBook, "--json"]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.summary.errors).toBe(0);
    expect(json.findings.filter((f: { severity: string }) => f.severity === "error")).toEqual([]);
    expect(json.summary.rows).toBe(nCustomers);
  });

  test("a book without a customers table: exit 2, one line on stderr, --json still lists TABLE_MISSING", async () => {
    const dir = scratch("nocust");
    const file = join(dir, "other.xlsx");
    const model: WorkbookModel = { sheets: [{ name: "Sheet1", cells: [["a", "b"], [1, 2]] }] };
    await writeModelXlsx(model, file);
    const r = await crm(["validate", file, "--json"]);
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout) as { findings: { code: string }[] };
    expect(json.findings.map((f) => f.code)).toContain("TABLE_MISSING");
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(file);
    // apply writes nothing for such a book.
    const out = join(dir, "out.xlsx");
    const a = await crm(["apply", file, "--out", out]);
    expect(a.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

// ── unreadable books ──

describe("unreadable input: exit 2 and exactly one line on stderr naming the file", () => {
  // label, file name, how to make it in `dir` (the missing file is simply never made), what the English reason says.
  const cases: [string, string, (file: string) => void, RegExp][] = [
    ["a missing file", "does-not-exist.xlsx", () => undefined, /not found/i],
    ["a CSV text file renamed .xlsx", "csv.xlsx", (f) => writeFileSync(f, "客户编号,客户名称,联系人\nC001,上海某某有限公司,张三\n"), /not an \.xlsx.*text/i],
    ["a PNG renamed .xlsx", "png.xlsx", (f) => writeFileSync(f, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]), Buffer.alloc(64, 7)])), /not an \.xlsx/i],
    ["an encrypted workbook (OLE/CFB container)", "encrypted.xlsx", (f) => writeFileSync(f, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(4096)])), /encrypted|password/i],
    ["a truncated xlsx (the first half of a real one)", "truncated.xlsx", (f) => {
      const whole = readFileSync(book);
      writeFileSync(f, whole.subarray(0, Math.floor(whole.length / 2)));
    }, /damaged|incomplete|truncated/i],
    ["an empty file", "empty.xlsx", (f) => writeFileSync(f, ""), /empty/i],
    ["a directory", "folder.xlsx", (f) => mkdirSync(f), /folder|directory/i],
  ];
  let dir: string;
  const fileOf = (name: string) => join(dir, name);
  beforeAll(() => {
    dir = scratch("bad");
    for (const [, name, make] of cases) make(fileOf(name));
  });

  test.each(cases)("%s", async (_label, name, _make, saysEn) => {
    const file = fileOf(name);
    const reasons: Record<Lang, string> = { zh: "", en: "" };
    for (const lang of ["zh", "en"] as const) {
      for (const argv of [["validate", file, "--lang", lang], ["validate", file, "--json", "--lang", lang], ["apply", file, "--out", join(dir, "never.xlsx"), "--lang", lang]]) {
        const r = await crm(argv);
        expect({ argv, code: r.code }).toEqual({ argv, code: 2 });
        // With --json, stdout still holds the run's object, saying why; otherwise nothing.
        if (argv.includes("--json")) expect(JSON.parse(r.stdout)).toMatchObject({ schemaVersion: 1, command: "validate", file, exitCode: 2, error: expect.stringMatching(saysEn) });
        else expect(r.stdout).toBe("");
        expect(r.stderr.endsWith("\n")).toBe(true);
        expect(lines(r.stderr)).toHaveLength(1);
        expect(r.stderr).toContain(file);
        expect(r.stderr).not.toContain("    at ");
        expect(r.stderr).not.toMatch(/internal error|内部错误/);
        if (argv[0] === "validate") reasons[lang] = r.stderr.replace(file, "<file>");
      }
    }
    expect(reasons.zh).not.toBe(reasons.en);
    expect(reasons.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(reasons.en).not.toMatch(/[\u4e00-\u9fff]/);
    expect(reasons.en).toMatch(saysEn);
    // Without --lang, the language comes from LANG.
    expect((await crm(["validate", file], "en")).stderr.replace(file, "<file>")).toBe(reasons.en);
    expect((await crm(["validate", file], "zh")).stderr.replace(file, "<file>")).toBe(reasons.zh);
    // Nothing was written.
    expect(existsSync(join(dir, "never.xlsx"))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  test("each kind of file gets its own reason", async () => {
    const reasons = new Set<string>();
    for (const [, name] of cases) reasons.add((await crm(["validate", fileOf(name), "--lang", "en"])).stderr.replace(fileOf(name), "<file>"));
    // The PNG and the CSV are both "not an xlsx" but say what they are instead.
    expect(reasons.size).toBe(cases.length);
  });
});

// ── several books per run ──

describe("several books in one run", () => {
  let dir: string;
  let broken: string;
  beforeAll(() => {
    dir = scratch("many");
    broken = join(dir, "broken.xlsx");
    writeFileSync(broken, "客户编号,客户名称\nC1,甲\n");
  });

  test("validate: one line per book, a summary, the worst exit code; a broken book does not stop the others", async () => {
    const r = await crm(["validate", book, broken, cleanBook], "en");
    expect(r.code).toBe(2);
    expect(lines(r.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^✖ ${book.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: ${nCustomers} customers · \\d+ errors · \\d+ warnings$`)),
      expect.stringMatching(/clean\.xlsx: \d+ customers · 0 errors · 0 warnings$/),
      "3 books: 1 without errors · 1 with errors · 1 not done",
    ]);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^crm: .*broken\.xlsx: not an \.xlsx workbook/)]);
    // Without the broken one: the worst is the book with errors.
    expect((await crm(["validate", book, cleanBook], "en")).code).toBe(1);
    expect((await crm(["validate", cleanBook, cleanBook], "en")).code).toBe(0);
  });

  test("a folder stands for its .xlsx/.xlsm books", async () => {
    const folder = scratch("folder");
    copyFileSync(cleanBook, join(folder, "b.xlsx"));
    copyFileSync(cleanBook, join(folder, "a.xlsx"));
    writeFileSync(join(folder, "notes.txt"), "not a book");
    const r = await crm(["validate", folder], "en");
    expect(r.code).toBe(0);
    expect(lines(r.stdout).map((l) => l.replace(folder, "<dir>"))).toEqual([
      expect.stringMatching(/^✔ <dir>\/a\.xlsx: /), expect.stringMatching(/^✔ <dir>\/b\.xlsx: /), "2 books: 2 without errors · 0 with errors · 0 not done",
    ]);
    expect((await crm(["validate", scratch("empty")], "en")).code).toBe(2);
  });

  test("apply --out-dir: each book written under its own name; two books of one name are refused", async () => {
    const out = join(dir, "results");
    const r = await crm(["apply", book, cleanBook, "--out-dir", out], "en");
    expect(r.code).toBe(1);
    expect(readdirSync(out).sort()).toEqual(["clean.xlsx", "客户管理.xlsx"]);
    expect(lines(r.stdout)).toHaveLength(3);
    const twin = scratch("twin");
    copyFileSync(cleanBook, join(twin, "clean.xlsx"));
    const clash = await crm(["apply", cleanBook, join(twin, "clean.xlsx"), "--out-dir", join(dir, "clash")], "en");
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/same output/);
    expect(existsSync(join(dir, "clash"))).toBe(false);
  });

  test("validate --json: one object with every book, stdout only JSON", async () => {
    const r = await crm(["validate", book, broken, cleanBook, "--json"], "en");
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ command: "validate", asOf: AS_OF, exitCode: 2, tool: expect.stringMatching(/^crm \d+\.\d+\.\d+/) });
    expect(json.books.map((b: { file: string; exitCode: number }) => [b.file, b.exitCode])).toEqual([[book, 1], [broken, 2], [cleanBook, 0]]);
    expect(json.books[0].summary.rows).toBe(nCustomers);
    expect(json.books[0].findings.length).toBe(json.books[0].summary.errors + json.books[0].summary.warnings + json.books[0].summary.infos);
    expect(json.books[1].error).toMatch(/not an \.xlsx workbook/);
  });
});

// ── a shared rules book ──

describe("--rules FILE: one team's rules book for every book", () => {
  test("its CRM规则 is used instead of each book's own; a refused value is a line naming its cell", async () => {
    const dir = scratch("rules");
    const rulesBook = join(dir, "团队规则.xlsx");
    await writeModelXlsx({ sheets: [{ name: "CRM规则", cells: [["参数", "值"], ["cadence.A", 3], ["tier.mode", "threshold"], ["cadence.B", "两周"]] }] }, rulesBook);
    const report = join(dir, "r.json");
    const r = await crm(["apply", book, "--out", join(dir, "out.xlsx"), "--rules", rulesBook, "--report", report], "en");
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/团队规则\.xlsx CRM规则!B4: Rule "cadence\.B": .*default 14/)]);
    const got = JSON.parse(readFileSync(report, "utf8"));
    // The same as the engine with those rules (the book's own CRM规则, with its refused cadence.A, is not read).
    const expected = runPipeline(sample.model, AS_OF, { rules: makeRules({ "cadence.A": 3, "tier.mode": "threshold" }) });
    expect(got.findings.some((f: { code: string }) => f.code === "BAD_RULE")).toBe(false);
    expect(got.customers.map((c: { nextFollowUp: string | null; tier: string | null }) => [c.nextFollowUp, c.tier])).toEqual(expected.customers.map((c) => [c.nextFollowUp, c.tier]));
    // A rules book without a rules table is refused in one line, before any book is read.
    const noRules = join(dir, "no-rules.xlsx");
    await writeModelXlsx({ sheets: [{ name: "说明", cells: [["团队规则待定"]] }] }, noRules);
    const none = await crm(["validate", book, "--rules", noRules], "en");
    expect(none.code).toBe(2);
    expect(none.stdout).toBe("");
    expect(lines(none.stderr)).toEqual([expect.stringMatching(/no-rules\.xlsx: no CRM规则 table/)]);
  });
});

// ── standard input ──

describe("the book - is standard input", () => {
  const withStdin = async (argv: string[], data: Buffer | null, tty = false) => {
    const c = captureIO("en");
    c.io.stdin = { isTTY: tty, read: async () => data ?? Buffer.alloc(0) };
    const code = await main(argv, c.io);
    return { code, stdout: c.out.join(""), stderr: c.err.join("") };
  };

  test("validate - < book: the same findings as the file", async () => {
    const piped = await withStdin(["validate", "-", "--json"], readFileSync(book));
    const direct = await crm(["validate", book, "--json"], "en");
    expect(piped.code).toBe(1);
    expect({ ...JSON.parse(piped.stdout), file: book }).toEqual(JSON.parse(direct.stdout));
    expect(JSON.parse(piped.stdout).file).toBe("-");
  });

  test("apply - --out: written; --in-place, a terminal, empty input and - among other books are refused in one line", async () => {
    const out = join(scratch("stdin"), "out.xlsx");
    expect((await withStdin(["apply", "-", "--out", out], readFileSync(book))).code).toBe(1);
    expect(existsSync(out)).toBe(true);
    for (const [argv, data, tty, why] of [
      [["apply", "-", "--in-place"], readFileSync(book), false, /in place/],
      [["validate", "-"], null, true, /pipe or redirect/],
      [["validate", "-"], Buffer.alloc(0), false, /standard input is empty/],
      [["validate", "-", book], readFileSync(book), false, /cannot be mixed/],
    ] as const) {
      const r = await withStdin([...argv], data, tty);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).not.toMatch(/file not found|没有找到文件/);
    }
  });
});

// ── progress ──

describe("progress on stderr by the rows read", () => {
  test("a big book's bar moves through the customers sheet on a terminal; never with --json or off a terminal", async () => {
    const dir = scratch("progress");
    const big = join(dir, "big.xlsx");
    await writeModelXlsx(generateSample({ ...OPTS, customers: 3000, mistakes: false }).model, big);
    const run = async (argv: string[], tty: boolean) => {
      const c = captureIO("en");
      c.io.stderrTTY = tty;
      await main(argv, c.io);
      return c.err.join("");
    };
    for (const argv of [["validate", big], ["apply", big, "--out", join(dir, "out.xlsx")], ["undo", join(dir, "out.xlsx"), "--out", join(dir, "undone.xlsx")]]) {
      const err = await run(argv, true);
      const pcts = [...err.matchAll(/reading \[[█░]+\]\s+(\d+)%/g)].map((m) => Number(m[1]));
      // Many steps, in order, to 100 %: the bar follows the bytes of the sheets, not the count of sheets.
      expect(new Set(pcts).size).toBeGreaterThanOrEqual(10);
      expect(pcts).toEqual([...pcts].sort((a, b) => a - b));
      expect(pcts[pcts.length - 1]).toBe(100);
    }
    expect(await run(["validate", big, "--json"], true)).toBe("");
    expect(await run(["validate", big], false)).toBe("");
  });
});

// ── one JSON shape ──

describe("--json on every command: one shape, checked against schema/crm-output.schema.json", () => {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(__dirname, "..", "..", "schema", "crm-output.schema.json"), "utf8")));
  const check = (stdout: string) => {
    const json = JSON.parse(stdout);
    const ok = validate(json);
    expect({ ok, errors: validate.errors ?? null }).toEqual({ ok: true, errors: null });
    return json;
  };

  test("each command, one book and several, a book that cannot be read; stdout holds only the JSON", async () => {
    const dir = scratch("json");
    const broken = join(dir, "broken.xlsx");
    writeFileSync(broken, "not a book");
    const applied = join(dir, "applied.xlsx");
    const runs: [string[], (j: Record<string, unknown>) => void][] = [
      [["validate", book, "--json"], (j) => expect(j).toMatchObject({ command: "validate", file: book, exitCode: 1, summary: { rows: nCustomers } })],
      [["apply", book, "--out", applied, "--json"], (j) => {
        expect(j).toMatchObject({ command: "apply", exitCode: 1, out: applied, summary: { rows: nCustomers }, history: { skipped: null } });
        // The first run records every customer: its stage and risk at least.
        expect((j.history as { appended: number }).appended).toBeGreaterThanOrEqual(2 * nCustomers);
      }],
      [["review", book, "--json"], (j) => expect(j).toMatchObject({ command: "review", exitCode: 1, review: { customers: nCustomers } })],
      [["review", book, "--out", join(dir, "review.xlsx"), "--json"], (j) => expect(j).toMatchObject({ command: "review", out: join(dir, "review.xlsx") })],
      [["mask", book, "--out", join(dir, "masked.xlsx"), "--json"], (j) => expect(j).toMatchObject({ command: "mask", exitCode: 0, masked: { numbers: 1, cells: 1 } })],
      [["undo", applied, "--out", join(dir, "undone.xlsx"), "--json"], (j) => expect(j).toMatchObject({ command: "undo", exitCode: 0, removed: { columns: 13, sheets: ["CRM问题清单", "CRM变更历史"] } })],
      [["undo", applied, "--out", join(dir, "undone-kept.xlsx"), "--keep-history", "--json"], (j) => expect(j).toMatchObject({ command: "undo", exitCode: 0, removed: { columns: 13, sheets: ["CRM问题清单"] } })],
      [["validate", broken, "--json"], (j) => expect(j).toMatchObject({ exitCode: 2, file: broken, error: expect.stringMatching(/not an \.xlsx workbook/) })],
      [["validate", book, cleanBook, broken, "--json"], (j) => expect((j.books as { exitCode: number }[]).map((b) => b.exitCode)).toEqual([1, 0, 2])],
      [["apply", book, cleanBook, "--out-dir", join(dir, "out"), "--json"], (j) => expect(j).toMatchObject({ exitCode: 1, books: [{ exitCode: 1 }, { exitCode: 0 }] })],
    ];
    for (const [argv, expectation] of runs) {
      const r = await crm([...argv, "--as-of", AS_OF], "en");
      const json = check(r.stdout);
      expect(json).toMatchObject({ schemaVersion: 1, asOf: AS_OF, tool: `crm ${require("../../package.json").version}`, exitCode: r.code });
      expectation(json);
    }
  });
});

// ── words and colour ──

describe("words, numbers and colour", () => {
  const run = async (argv: string[], env: Record<string, string>, tty: boolean) => {
    const c = captureIO("en");
    c.io.env = { ...c.io.env, ...env };
    c.io.stdoutTTY = tty;
    const code = await main(argv, c.io);
    return { code, stdout: c.out.join("") };
  };
  const ANSI = /\x1b\[\d+m/;

  test("colour: a terminal gets it; NO_COLOR turns it off; FORCE_COLOR turns it on anywhere, FORCE_COLOR=0 off", async () => {
    const argv = ["validate", book, "--as-of", AS_OF];
    expect((await run(argv, {}, true)).stdout).toMatch(ANSI);
    expect((await run(argv, {}, false)).stdout).not.toMatch(ANSI);
    expect((await run(argv, { NO_COLOR: "1" }, true)).stdout).not.toMatch(ANSI);
    expect((await run(argv, { FORCE_COLOR: "1" }, false)).stdout).toMatch(ANSI);
    expect((await run(argv, { FORCE_COLOR: "1", NO_COLOR: "1" }, false)).stdout).toMatch(ANSI);
    expect((await run(argv, { FORCE_COLOR: "0" }, true)).stdout).not.toMatch(ANSI);
  });

  test("counts: thousands separators and the singular for one", async () => {
    const dir = scratch("words");
    const big = join(dir, "big.xlsx");
    await writeModelXlsx(generateSample({ ...OPTS, customers: 1200, mistakes: false }).model, big);
    const r = await run(["validate", big, "--as-of", AS_OF], {}, false);
    expect(r.stdout).toMatch(/Customers 1,200 · 0 errors · /);
    const m = await run(["mask", book, "--out", join(dir, "masked.xlsx")], {}, false);
    // The sample has one full phone number in one cell.
    expect(m.stdout).toContain("masked 1 number in 1 cell");
  });
});

// ── usage errors ──

describe("usage errors exit 2 with a reason on stderr", () => {
  const usage = (label: string, argv: () => string[], zh: RegExp, en: RegExp) =>
    test(label, async () => {
      const before = sha256(book);
      const z = await crm(argv(), "zh");
      // The English reason comes from LANG alone (argument errors used to be reported in Chinese whatever LANG said).
      const e = await crm(argv(), "en");
      expect(sha256(book)).toBe(before);
      for (const r of [z, e]) {
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr.startsWith("crm: ")).toBe(true);
        expect(r.stderr).not.toContain("    at ");
      }
      expect(z.stderr).toMatch(zh);
      expect(e.stderr).toMatch(en);
    });

  usage("unknown command", () => ["frobnicate", book], /未知命令 frobnicate/, /unknown command frobnicate/);
  usage("unknown option", () => ["validate", book, "--frobnicate"], /未知选项 --frobnicate/, /unknown option --frobnicate/);
  usage("a near miss suggests the option meant", () => ["validate", book, "--as-off", "2024-06-30"], /未知选项 --as-off，是否想用 --as-of？/, /unknown option --as-off; did you mean --as-of\?/);
  usage("a far miss suggests nothing", () => ["validate", book, "--zzzzzz"], /未知选项 --zzzzzz$/m, /unknown option --zzzzzz$/m);
  usage("a value given to a switch", () => ["validate", book, "--json=yes"], /--json 不带值/, /--json takes no value/);
  usage("an option's value that looks like an option", () => ["validate", book, "--as-of", "--json"], /--as-of 后面缺少值/, /--as-of needs a value/);
  usage("missing file argument", () => ["validate"], /缺少工作簿文件/, /missing the workbook/);
  usage("an impossible --as-of date", () => ["validate", book, "--as-of", "2024-02-30"], /--as-of.*2024-02-30/, /--as-of.*2024-02-30/);
  usage("a --as-of that is not a date", () => ["validate", book, "--as-of", "yesterday"], /--as-of.*yesterday/, /--as-of.*yesterday/);
  usage("--as-of without a value", () => ["validate", book, "--as-of"], /--as-of/, /--as-of needs a value/);
  usage("apply without --out", () => ["apply", book], /--out/, /--out/);
  usage("apply with --out equal to the input", () => ["apply", book, "--out", book], /--in-place/, /the output is the input/);
  usage("apply with --out naming the input another way", () => ["apply", book, "--out", join(root, ".", "sub", "..", "客户管理.xlsx")], /--in-place/, /the output is the input/);
  usage("--out not ending in .xlsx", () => ["apply", book, "--out", join(root, "result.csv")], /\.xlsx/, /must end in \.xlsx/);
  usage("both --out and --in-place", () => ["apply", book, "--out", join(root, "x.xlsx"), "--in-place"], /--in-place/, /either --out or --in-place/);
  usage("mask without --out", () => ["mask", book], /--out/, /--out/);
  usage("review without --out or --json", () => ["review", book], /--out/, /--out/);
  usage("--report with a command other than apply", () => ["validate", book, "--report", join(root, "r.json")], /--report/, /--report is for apply only/);
  usage("several books with --out", () => ["apply", book, cleanBook, "--out", join(root, "x.xlsx")], /--out-dir/, /--out-dir/);
  usage("several books writing without --out-dir", () => ["apply", book, cleanBook], /--out-dir/, /--out-dir/);

  test("-- ends the options: a book whose name starts with a dash is a book", async () => {
    const dir = scratch("dash");
    copyFileSync(cleanBook, join(dir, "--odd.xlsx"));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const r = await crm(["validate", "--as-of", AS_OF, "--", "--odd.xlsx"], "en");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("0 errors");
      // Without --, it is an option the tool does not know.
      expect((await crm(["validate", "--odd.xlsx"], "en")).stderr).toMatch(/unknown option --odd\.xlsx/);
    } finally {
      process.chdir(cwd);
    }
  });

  test("--version and -V print the package's version, whatever else is given", async () => {
    const version = require("../../package.json").version;
    for (const argv of [["--version"], ["-V"], ["validate", book, "--version"]]) {
      const r = await crm(argv);
      expect([r.code, r.stdout, r.stderr]).toEqual([0, `crm ${version}\n`, ""]);
    }
  });

  test("--lang xx", async () => {
    for (const lang of ["zh", "en"] as const) {
      const r = await crm(["validate", book, "--lang", "xx"], lang);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/--lang.*xx/);
    }
  });

  test("no usage error writes a file", async () => {
    const dir = scratch("usage");
    await crm(["apply", book, "--out", join(dir, "out.csv")]);
    await crm(["apply", book, "--out", join(dir, "out.xlsx"), "--as-of", "2024-02-30"]);
    await crm(["apply", book, "--out", join(dir, "out.xlsx"), "--bogus"]);
    await crm(["apply", book, "--out", join(dir, "out.xlsx"), "--lang", "xx"]);
    expect(readdirSync(dir)).toEqual([]);
  });

  test("no command at all prints the general help and exits 2", async () => {
    const r = await crm([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("示例");
  });
});

// ── help ──

describe("--help", () => {
  const topics: [string, string[]][] = [
    ["general", ["--help"]],
    ["general (-h)", ["-h"]],
    ["validate", ["validate", "--help"]],
    ["apply", ["apply", "--help"]],
    ["review", ["review", "--help"]],
    ["mask", ["mask", "--help"]],
  ];
  test.each(topics)("%s help, zh and en, exits 0", async (_name, argv) => {
    const zh = await crm(argv, "zh");
    const en = await crm(argv, "en");
    const enFlag = await crm([...argv, "--lang", "en"], "zh");
    for (const r of [zh, en, enFlag]) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe("");
    }
    expect(zh.stdout).toContain("示例");
    expect(en.stdout).toContain("Example");
    expect(enFlag.stdout).toBe(en.stdout);
    expect(en.stdout).not.toBe(zh.stdout);
    const command = argv[0].startsWith("-") ? "" : argv[0];
    if (command) {
      expect(zh.stdout).toContain(`crm ${command}`);
      expect(en.stdout).toContain(`crm ${command}`);
    } else for (const c of ["validate", "apply", "review", "mask"]) expect(en.stdout).toContain(c);
  });

  test("each command's help is its own", async () => {
    const texts = new Set<string>();
    for (const [, argv] of topics.filter(([n]) => n !== "general (-h)")) texts.add((await crm(argv, "en")).stdout);
    expect(texts.size).toBe(5);
  });

  test("--help wins over a missing or unreadable file", async () => {
    const r = await crm(["apply", join(root, "no-such.xlsx"), "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("示例");
  });
});

// ── apply ──

interface ReportCustomer {
  [key: string]: unknown;
}

describe("crm apply", () => {
  test("--out writes a new file, leaves the input's bytes alone, and --report has the contract fields", async () => {
    const dir = scratch("apply");
    const out = join(dir, "结果.xlsx");
    const report = join(dir, "report.json");
    const before = sha256(book);
    const r = await crm(["apply", book, "--out", out, "--report", report]);
    expect(r.code).toBe(1); // the sample has errors
    expect(sha256(book)).toBe(before);
    expect(existsSync(out)).toBe(true);
    expect(sha256(out)).not.toBe(before);
    expect(readdirSync(dir).sort()).toEqual(["report.json", "结果.xlsx"]); // no temporary file left behind
    expect(r.stdout).toContain(out);
    expect(r.stdout).toContain(String(nCustomers));

    const rep = JSON.parse(readFileSync(report, "utf8")) as { asOf: string; findings: { code: string }[]; customers: ReportCustomer[] };
    expect(rep.asOf).toBe(AS_OF);
    expect(Array.isArray(rep.findings)).toBe(true);
    expect(new Set(rep.findings.map((f) => f.code))).toEqual(new Set(sample.mistakes.map((m) => m.code)));
    expect(rep.customers).toHaveLength(nCustomers);
    const fields = ["id", "name", "sheet", "row", "stage", "stageRule", "missingFacts", "coopStage", "score", "scoreParts", "tier", "valueTier", "closeness", "tags", "riskLevel", "grade", "rfm", "quadrant", "nextFollowUp", "overdue", "warnings"];
    for (const c of rep.customers) {
      for (const k of fields) expect({ id: c.id, field: k, present: k in c }).toEqual({ id: c.id, field: k, present: true });
      expect(Array.isArray(c.missingFacts)).toBe(true);
      expect(Array.isArray(c.tags)).toBe(true);
      expect(Array.isArray(c.warnings)).toBe(true);
      for (const w of c.warnings as string[]) expect(w).toMatch(/^W[1-7]$/);
      if (c.nextFollowUp !== null) expect(c.nextFollowUp).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (c.rfm !== null) expect(Object.keys(c.rfm as object).sort()).toEqual(["f", "frequency", "m", "monetary", "r", "recencyDays", "segment"]);
    }
    // Each customer is where the generator put it, in the stage it was built for.
    const byRow = new Map(rep.customers.map((c) => [c.row as number, c]));
    for (const e of sample.intended) {
      expect({ row: e.row, sheet: byRow.get(e.row)?.sheet, stage: byRow.get(e.row)?.stage }).toEqual({ row: e.row, sheet: e.sheet, stage: e.stage });
    }

    // The output is a readable workbook: the same customers, with the product's ◆ columns added.
    const loaded = await readBook(out);
    const cust = loaded.model.sheets.find((s) => s.name === sample.intended[0].sheet)!;
    const header = cust.cells.find((row) => row.includes(CUSTOMER_HEADERS[0]))!;
    expect(header.slice(0, CUSTOMER_HEADERS.length)).toEqual([...CUSTOMER_HEADERS]);
    expect(header.slice(CUSTOMER_HEADERS.length).some((h) => typeof h === "string" && h.startsWith("◆"))).toBe(true);
    const v = await crm(["validate", out, "--json"]);
    expect(JSON.parse(v.stdout).summary.rows).toBe(nCustomers);
  });

  test("--as-of sets the report's asOf; without it the as-of date is io.today()", async () => {
    const dir = scratch("asof");
    const report = join(dir, "r.json");
    const r = await crm(["apply", book, "--out", join(dir, "o.xlsx"), "--report", report, "--as-of", "2024-12-31"]);
    expect(r.code).not.toBe(2);
    expect(JSON.parse(readFileSync(report, "utf8")).asOf).toBe("2024-12-31");
    const eq = await crm(["apply", book, `--out=${join(dir, "p.xlsx")}`, `--report=${report}`, "--as-of=2025-01-15"]);
    expect(eq.code).not.toBe(2);
    expect(JSON.parse(readFileSync(report, "utf8")).asOf).toBe("2025-01-15");
    const today = await crm(["apply", book, "--out", join(dir, "q.xlsx"), "--report", report], "zh", "2025-03-01");
    expect(today.code).not.toBe(2);
    expect(JSON.parse(readFileSync(report, "utf8")).asOf).toBe("2025-03-01");
  });

  test("--in-place keeps <name>.bak.xlsx identical to the input; a second run adds .bak-2.xlsx", async () => {
    const dir = scratch("inplace");
    const file = join(dir, "客户.xlsx");
    copyFileSync(book, file);
    const original = sha256(file);

    const first = await crm(["apply", file, "--in-place"]);
    expect(first.code).toBe(1);
    const bak1 = join(dir, "客户.bak.xlsx");
    expect(existsSync(bak1)).toBe(true);
    expect(sha256(bak1)).toBe(original);
    const afterFirst = sha256(file);
    expect(afterFirst).not.toBe(original);
    expect(first.stderr).toContain(bak1);

    const second = await crm(["apply", file, "--in-place"]);
    expect(second.code).toBe(1);
    const bak2 = join(dir, "客户.bak-2.xlsx");
    expect(existsSync(bak2)).toBe(true);
    expect(sha256(bak2)).toBe(afterFirst);
    expect(sha256(bak1)).toBe(original); // the first backup was not overwritten
    expect(readdirSync(dir).sort()).toEqual(["客户.bak-2.xlsx", "客户.bak.xlsx", "客户.xlsx"].sort());

    // Re-running only updates the product's columns: the customers and their results are the same.
    const a = await readBook(bak2);
    const b = await readBook(file);
    expect(b.model.sheets.map((s) => s.name)).toEqual(a.model.sheets.map((s) => s.name));
    const cust = (m: WorkbookModel) => m.sheets.find((s) => s.name === sample.intended[0].sheet)!.cells;
    expect(cust(b.model)).toEqual(cust(a.model));
  });
});

// ── mask ──

describe("crm mask", () => {
  test("masks the sample's one full phone number, reports the count, and the result validates without UNMASKED_PHONE", async () => {
    const phones = sample.mistakes.filter((m) => m.code === "UNMASKED_PHONE");
    expect(phones).toHaveLength(1);
    const [sheetName, cellRef] = phones[0].address.split("!");
    const dir = scratch("mask");
    const out = join(dir, "masked.xlsx");
    const before = sha256(book);

    const r = await crm(["mask", book, "--out", out, "--lang", "en"]);
    expect(r.code).toBe(0);
    expect(sha256(book)).toBe(before);
    expect(r.stdout).toContain(`masked ${phones.length} number${phones.length === 1 ? "" : "s"} in ${phones.length} cell${phones.length === 1 ? "" : "s"}`);
    expect(r.stdout).toContain(out);

    // The cell changed, keeps no full number, and still shows the masked one; every other cell is as it was.
    const orig = (await readBook(book)).model;
    const masked = (await readBook(out)).model;
    const m = /^([A-Z]+)(\d+)$/.exec(cellRef)!;
    const col = m[1].split("").reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;
    const row = Number(m[2]) - 1;
    const sheetIdx = orig.sheets.findIndex((s) => s.name === sheetName);
    const was = orig.sheets[sheetIdx].cells[row][col];
    const now = masked.sheets[sheetIdx].cells[row][col];
    expect(typeof was === "string" && hasFullPhone(was)).toBe(true);
    expect(typeof now).toBe("string");
    expect(hasFullPhone(now as string)).toBe(false);
    expect(now).toMatch(/\*{4}/);
    const digits = (was as string).replace(/\D/g, "");
    expect(now).toContain(digits.slice(0, 3));
    expect(now).toContain(digits.slice(-4));
    const strip = (mdl: WorkbookModel) => mdl.sheets.map((s, i) => (i === sheetIdx ? { ...s, cells: s.cells.map((rw, ri) => rw.map((v, ci) => (ri === row && ci === col ? "·" : v))) } : s));
    expect(strip(masked)).toEqual(strip(orig));

    const v = await crm(["validate", out, "--json"]);
    const json = JSON.parse(v.stdout) as { findings: { code: string }[] };
    expect(json.findings.filter((f) => f.code === "UNMASKED_PHONE")).toEqual([]);
    // The other mistakes are still there.
    expect(new Set(json.findings.map((f) => f.code))).toEqual(new Set(sample.mistakes.filter((x) => x.code !== "UNMASKED_PHONE").map((x) => x.code)));

    // Masking the masked book changes nothing more.
    const again = await crm(["mask", out, "--out", join(dir, "twice.xlsx"), "--lang", "en"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("masked 0 numbers in 0 cells");
  });

  test("zh output reports the same count", async () => {
    const dir = scratch("maskzh");
    const r = await crm(["mask", book, "--out", join(dir, "m.xlsx")]);
    expect(r.code).toBe(0);
    const n = sample.mistakes.filter((m) => m.code === "UNMASKED_PHONE").length;
    expect(r.stdout).toContain(`已遮盖 ${n} 个单元格中的 ${n} 个号码`);
  });
});

// ── review ──

describe("crm review", () => {
  test("--json without --out prints stageCounts summing to the number of customers and writes nothing", async () => {
    const dir = scratch("review");
    const copy = join(dir, "book.xlsx");
    copyFileSync(book, copy);
    const before = sha256(copy);
    const r = await crm(["review", copy, "--json"]);
    expect(r.code).toBe(1);
    const json = (JSON.parse(r.stdout) as { review: { stageCounts: { stage: string; count: number }[] } }).review;
    expect(json.stageCounts.reduce((s, x) => s + x.count, 0)).toBe(nCustomers);
    // Per stage, the counts are those the generator built.
    for (const { stage, count } of json.stageCounts) expect({ stage, count }).toEqual({ stage, count: sample.intended.filter((e) => e.stage === stage).length });
    expect(sha256(copy)).toBe(before);
    expect(readdirSync(dir)).toEqual(["book.xlsx"]);
  });

  test("--out writes the review sheets into a copy", async () => {
    const dir = scratch("reviewout");
    const out = join(dir, "复盘.xlsx");
    const before = sha256(book);
    const r = await crm(["review", book, "--out", out]);
    expect(r.code).toBe(1);
    expect(sha256(book)).toBe(before);
    const names = (await readBook(out)).model.sheets.map((s) => s.name);
    expect(names.some((n) => n.startsWith("CRM复盘"))).toBe(true);
    for (const s of sample.model.sheets) expect(names).toContain(s.name);
  });
});

// ── the real entry points ──

describe("entry points", () => {
  const spawnEnv = { ...process.env, LANG: "en_US.UTF-8", LC_ALL: "", LC_MESSAGES: "", NO_COLOR: "1", npm_config_update_notifier: "false", npm_config_offline: "true" };

  test("npx crm --help", () => {
    const r = spawnSync("npx", ["crm", "--help"], { cwd: REPO, timeout: 60_000, encoding: "utf8", env: spawnEnv });
    seen.push({ argv: ["npx", "crm", "--help"], stdout: r.stdout ?? "", stderr: r.stderr ?? "" });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: crm");
    expect(r.stdout).toContain("Example");
  });

  test("npm run -s crm -- validate <file> --json --as-of 2024-11-26", () => {
    const r = spawnSync("npm", ["run", "-s", "crm", "--", "validate", book, "--json", "--as-of", AS_OF], { cwd: REPO, timeout: 60_000, encoding: "utf8", env: spawnEnv });
    seen.push({ argv: ["npm", "run", "crm", "validate"], stdout: r.stdout ?? "", stderr: r.stderr ?? "" });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout) as { summary: { rows: number; errors: number }; findings: { code: string }[] };
    expect(json.summary.rows).toBe(nCustomers);
    expect(json.summary.errors).toBeGreaterThan(0);
    expect(new Set(json.findings.map((f) => f.code))).toEqual(new Set(sample.mistakes.map((m) => m.code)));
  });
});

// ── privacy ──

/** The sample's one full mobile number (digits only), read from the cell the generator says it put it in. */
function samplePhone(): string {
  const phone = sample.mistakes.find((m) => m.code === "UNMASKED_PHONE")!;
  const [sheetName, ref] = phone.address.split("!");
  const sheet = sample.model.sheets.find((s) => s.name === sheetName)!;
  const m = /^([A-Z]+)(\d+)$/.exec(ref)!;
  const col = m[1].split("").reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  const v = sheet.cells[Number(m[2]) - (sheet.originRow ?? 1)][col - (sheet.originCol ?? 1)];
  return String(v).replace(/\D/g, "");
}

describe("privacy", () => {
  test("the sample really holds a full mobile number (so the scan below means something)", () => {
    expect(samplePhone()).toMatch(FULL_MOBILE);
    expect(samplePhone()).toHaveLength(11);
  });

  // Runs last: `seen` then holds every output of the tests above, the two spawned entry points included.
  test("no output of any run contains a full 11-digit mobile number", async () => {
    // Make sure the runs most likely to leak are in the scan even when this test runs alone.
    await crm(["validate", book, "--all"]);
    await crm(["validate", book, "--json", "--all", "--lang", "en"]);
    await crm(["review", book, "--json"]);
    const dir = scratch("privacy");
    await crm(["apply", book, "--out", join(dir, "a.xlsx"), "--report", join(dir, "r.json")]);
    await crm(["mask", book, "--out", join(dir, "m.xlsx"), "--lang", "en"]);
    expect(seen.length).toBeGreaterThan(20);
    const standalone = FULL_MOBILE;
    // The sample's own number, also when written with spaces or dashes (138-1234-5678).
    const p = samplePhone();
    const theNumber = new RegExp(p.split("").join("[\\s-]?"));
    const leaks = seen
      .filter((s) => [s.stdout, s.stderr].some((t) => standalone.test(t) || theNumber.test(t)))
      .map((s) => `${s.argv.join(" ")}: ${[s.stdout, s.stderr].join("\n").split("\n").filter((l) => standalone.test(l) || theNumber.test(l)).join(" | ")}`);
    expect(leaks).toEqual([]);
    // The report file written by apply keeps the number out too.
    const report = readFileSync(join(dir, "r.json"), "utf8");
    expect(report).not.toMatch(standalone);
    expect(report).not.toMatch(theNumber);
  });
});
