// Edge cases of the command line, each on a book like the one that showed it (built with JSZip, edge-books.ts):
// a reader that closes stdout early (`crm validate … | head -1`), books with macros and templates (.xlsm, .xltx),
// the mask report's English, and a generic English data sheet that is no customers table.
import { spawn } from "child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { backupName } from "../../src/cli/cli";
import * as patch from "../../src/xlsx/patch";
import { runCrm } from "./cli-io";
import { edgeBook, ooxmlProblems, partBytes, partText, python, TEMPLATE_CUSTOMERS, VBA_BYTES, WORKBOOK_TYPES, type BookKind, type EdgeSheet } from "./edge-books";

jest.setTimeout(180_000);

const REPO = join(__dirname, "..", "..");
const AS_OF = "2024-07-01";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "crm-edge-"));
});

async function bookFile(name: string, sheets: EdgeSheet[], kind: BookKind = "xlsx"): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, await edgeBook({ sheets, kind }));
  return file;
}

/** The workbook part's content type, as [Content_Types].xml declares it. */
async function workbookType(file: string): Promise<string | undefined> {
  const ct = (await partText(readFileSync(file), "[Content_Types].xml")) ?? "";
  return /PartName="\/xl\/workbook\.xml" ContentType="([^"]+)"/.exec(ct)?.[1];
}

// ── a closed stdout ──

interface ChildRun {
  code: number | null;
  stderr: string;
  stdoutBytes: number;
}

/** `node bin/crm.js …` as a shell runs it; `closeAfterFirstChunk`: the reader goes away like `| head -1`. */
function spawnCrm(argv: string[], opts: { closeAfterFirstChunk?: boolean; stdoutFd?: number } = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, "bin", "crm.js"), ...argv], {
      cwd: REPO,
      env: { ...process.env, LANG: "en_US.UTF-8", CRM_DEBUG: "" },
      stdio: ["ignore", opts.stdoutFd ?? "pipe", "pipe"],
    });
    let stderr = "";
    let stdoutBytes = 0;
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    child.stdout?.on("data", (d: Buffer) => {
      stdoutBytes += d.length;
      if (opts.closeAfterFirstChunk) child.stdout!.destroy();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr, stdoutBytes }));
  });
}

describe("a reader that closes stdout early (crm validate … | head -1)", () => {
  let big: string;
  beforeAll(async () => {
    // 3,000 customers, each with a full mobile number: --all prints a line per finding, far more than a pipe holds
    // (64 KiB), so the command is still writing when the reader goes away.
    const rows: EdgeSheet["rows"] = [TEMPLATE_CUSTOMERS.rows[0]];
    for (let i = 0; i < 3000; i++) rows.push([`C${i}`, `公司${i}`, "王伟", `138${String(i).padStart(8, "0")}`, "互联网", "2024-03-15", "2024-05-20"]);
    big = await bookFile("big.xlsx", [{ name: "客户", rows }]);
  });

  test.each([
    ["text", ["--all"]],
    ["--json", ["--json"]],
  ])("validate %s: ends quietly with the book's exit code, nothing on stderr", async (_name, extra) => {
    const r = await spawnCrm(["validate", big, "--as-of", AS_OF, ...extra], { closeAfterFirstChunk: true });
    expect(r.stdoutBytes).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1); // done, the book has errors (the full numbers)
  });

  // Not a reader going away: a full disk under `> findings.json` leaves the output incomplete, and says so.
  (existsSync("/dev/full") ? test : test.skip)("a stdout that cannot be written (a full disk) is exit 2 with one line", async () => {
    const fd = openSync("/dev/full", "w");
    try {
      const r = await spawnCrm(["validate", big, "--as-of", AS_OF, "--json"], { stdoutFd: fd });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^crm: cannot write to standard output \(ENOSPC\)/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      closeSync(fd);
    }
  });
});

// ── books with macros, templates ──

describe("books with macros (.xlsm) keep their macros, content type and extension", () => {
  let xlsm: string;
  beforeAll(async () => {
    xlsm = await bookFile("macros.xlsm", [TEMPLATE_CUSTOMERS], "xlsm");
  });

  test("an .xlsx output name is refused: exit 2, one line saying the book has macros, nothing written", async () => {
    const out = join(dir, "macros-out.xlsx");
    const r = await runCrm(["apply", xlsm, "--out", out, "--as-of", AS_OF], "en");
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`crm: the book has macros (.xlsm), so the output file must end in .xlsm too: ${out}`);
    expect(existsSync(out)).toBe(false);
    const zh = await runCrm(["mask", xlsm, "--out", out, "--as-of", AS_OF], "zh");
    expect(zh.code).toBe(2);
    expect(zh.stderr).toContain(".xlsm");
  });

  test.each([
    ["apply", 1],
    ["review", 1],
    ["mask", 0],
  ])("%s --out x.xlsm keeps xl/vbaProject.bin byte for byte and the macro-enabled content type", async (command, code) => {
    const out = join(dir, `macros-${command}.xlsm`);
    const r = await runCrm([command as string, xlsm, "--out", out, "--as-of", AS_OF], "en");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(code);
    const bytes = readFileSync(out);
    expect(await partBytes(bytes, "xl/vbaProject.bin")).toEqual(VBA_BYTES);
    expect(await workbookType(out)).toBe(WORKBOOK_TYPES.xlsm);
    expect(await partText(bytes, "xl/_rels/workbook.xml.rels")).toContain("vbaProject.bin");
    expect(ooxmlProblems(out, xlsm)).toEqual([]);
  });

  test("undo of an applied .xlsm is an .xlsm with its macros", async () => {
    const applied = join(dir, "macros-applied.xlsm");
    expect((await runCrm(["apply", xlsm, "--out", applied, "--as-of", AS_OF], "en")).code).toBe(1);
    const out = join(dir, "macros-undone.xlsm");
    const r = await runCrm(["undo", applied, "--out", out], "en");
    expect(r.code).toBe(0);
    expect(await partBytes(readFileSync(out), "xl/vbaProject.bin")).toEqual(VBA_BYTES);
    expect(await workbookType(out)).toBe(WORKBOOK_TYPES.xlsm);
    expect(ooxmlProblems(out, applied)).toEqual([]);
    // openpyxl (keep_vba) opens it as a macro book and finds the user's cells.
    const read = python<{ sheets: string[]; vba: boolean; a2: string }>(
      "import json, sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1], keep_vba=True)\nprint(json.dumps({'sheets': wb.sheetnames, 'vba': wb.vba_archive is not None, 'a2': wb['客户']['A2'].value}))",
      out,
    );
    expect(read).toEqual({ sheets: ["客户"], vba: true, a2: "C001" });
  });

  test("--in-place works on an .xlsm, with a backup <name>.bak.xlsm equal to the input", async () => {
    const sub = mkdtempSync(join(dir, "inplace-"));
    const file = join(sub, "客户.xlsm");
    writeFileSync(file, readFileSync(xlsm));
    const before = readFileSync(file);
    const r = await runCrm(["apply", file, "--in-place", "--as-of", AS_OF], "en");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`backup of the input saved as ${join(sub, "客户.bak.xlsm")}`);
    expect(readdirSync(sub).sort()).toEqual(["客户.bak.xlsm", "客户.xlsm"]);
    expect(readFileSync(join(sub, "客户.bak.xlsm"))).toEqual(before);
    expect(await partBytes(readFileSync(file), "xl/vbaProject.bin")).toEqual(VBA_BYTES);
    expect(await workbookType(file)).toBe(WORKBOOK_TYPES.xlsm);
    // A second run keeps the first backup and adds .bak-2.xlsm.
    expect((await runCrm(["mask", file, "--in-place", "--as-of", AS_OF], "en")).code).toBe(0);
    expect(readdirSync(sub).sort()).toEqual(["客户.bak-2.xlsm", "客户.bak.xlsm", "客户.xlsm"]);
  });

  test("a macro book misnamed .xlsx is what its content type says: the output must be .xlsm", async () => {
    const misnamed = join(dir, "misnamed.xlsx");
    writeFileSync(misnamed, readFileSync(xlsm));
    const r = await runCrm(["apply", misnamed, "--out", join(dir, "misnamed-out.xlsx"), "--as-of", AS_OF], "en");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the book has macros (.xlsm)");
    const inPlace = await runCrm(["apply", misnamed, "--in-place", "--as-of", AS_OF], "en");
    expect(inPlace.code).toBe(2);
    expect(inPlace.stderr).toContain("--out <out.xlsm>");
    const ok = await runCrm(["apply", misnamed, "--out", join(dir, "misnamed-out.xlsm"), "--as-of", AS_OF], "en");
    expect(ok.code).toBe(1);
  });

  test("when the patching writer cannot edit an .xlsm, nothing is written (the exceljs writer would drop the macros)", async () => {
    const spy = jest.spyOn(patch, "writePatched").mockRejectedValue(new patch.PatchUnsupported("test: not editable"));
    try {
      for (const command of ["apply", "review", "mask"]) {
        const out = join(dir, `fallback-${command}.xlsm`);
        const r = await runCrm([command, xlsm, "--out", out, "--as-of", AS_OF], "en");
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/^crm: .*macros\.xlsm: the book has macros \(\.xlsm\), which the output must keep, .*nothing was changed\n$/);
        expect(existsSync(out)).toBe(false);
      }
    } finally {
      spy.mockRestore();
    }
  });

  test("templates keep their kind: .xltx to .xltx (an .xlsx name refused), .xltm to .xltm", async () => {
    const xltx = await bookFile("template.xltx", [TEMPLATE_CUSTOMERS], "xltx");
    const refused = await runCrm(["apply", xltx, "--out", join(dir, "template-out.xlsx"), "--as-of", AS_OF], "en");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("the book is a template (.xltx), so the output file must end in .xltx too");
    const out = join(dir, "template-out.xltx");
    expect((await runCrm(["apply", xltx, "--out", out, "--as-of", AS_OF], "en")).code).toBe(1);
    expect(await workbookType(out)).toBe(WORKBOOK_TYPES.xltx);
    expect(ooxmlProblems(out, xltx)).toEqual([]);

    const xltm = await bookFile("template.xltm", [TEMPLATE_CUSTOMERS], "xltm");
    const outM = join(dir, "template-out.xltm");
    expect((await runCrm(["review", xltm, "--out", outM, "--as-of", AS_OF], "en")).code).toBe(1);
    expect(await workbookType(outM)).toBe(WORKBOOK_TYPES.xltm);
    expect(await partBytes(readFileSync(outM), "xl/vbaProject.bin")).toEqual(VBA_BYTES);
  });

  test("backupName keeps the input's extension and never reuses an existing backup", () => {
    const sub = mkdtempSync(join(dir, "bak-"));
    expect(backupName(join(sub, "a.xlsm"))).toBe(join(sub, "a.bak.xlsm"));
    expect(backupName(join(sub, "a.xlsx"))).toBe(join(sub, "a.bak.xlsx"));
    expect(backupName(join(sub, "a.XLTM"))).toBe(join(sub, "a.bak.XLTM"));
    writeFileSync(join(sub, "a.bak.xlsm"), "");
    expect(backupName(join(sub, "a.xlsm"))).toBe(join(sub, "a.bak-2.xlsm"));
  });
});

// ── the mask report ──

describe("the mask report counts in correct English", () => {
  test("one number in one cell is singular; Chinese unchanged", async () => {
    const input = await bookFile("one-phone.xlsx", [TEMPLATE_CUSTOMERS]);
    const en = await runCrm(["mask", input, "--out", join(dir, "one-phone-masked.xlsx"), "--as-of", AS_OF], "en");
    expect(en.code).toBe(0);
    expect(en.stdout).toContain("masked 1 number in 1 cell →");
    const again = await runCrm(["mask", join(dir, "one-phone-masked.xlsx"), "--out", join(dir, "one-phone-again.xlsx"), "--as-of", AS_OF], "en");
    expect(again.stdout).toContain("masked 0 numbers in 0 cells →");
    const zh = await runCrm(["mask", input, "--out", join(dir, "one-phone-masked-zh.xlsx"), "--as-of", AS_OF], "zh");
    expect(zh.stdout).toContain("已遮盖 1 个单元格中的 1 个号码");
  });

  test("two numbers in one cell, and the apply summary's counts", async () => {
    const rows = TEMPLATE_CUSTOMERS.rows.map((r) => [...r]);
    rows[1][3] = "13812345678 / 13987654321";
    const input = await bookFile("two-phones.xlsx", [{ name: "客户", rows }]);
    const r = await runCrm(["mask", input, "--out", join(dir, "two-phones-masked.xlsx"), "--as-of", AS_OF], "en");
    expect(r.stdout).toContain("masked 2 numbers in 1 cell →");
    const applied = await runCrm(["apply", input, "--out", join(dir, "two-phones-applied.xlsx"), "--as-of", AS_OF], "en");
    expect(applied.stdout).toMatch(/: 3 customers · 1 error · 0 warnings\n$/);
  });
});

// ── what is a customers table ──

/** A data sheet as a test file from another program has it: English headers that say nothing about customers. */
const GENERIC: EdgeSheet = {
  name: "Data",
  rows: [
    ["Id", "Name", "Value", "Date"],
    [1, "alpha", 10.5, 45292],
    [2, "beta", 20, 45293],
    [3, "gamma", 30.25, 45294],
  ],
};

describe("a generic English sheet is not a customers table", () => {
  test("Id | Name | Value | Date alone: validate exits 2 with 'no customers table', apply writes nothing", async () => {
    const input = await bookFile("generic.xlsx", [GENERIC]);
    const r = await runCrm(["validate", input, "--as-of", AS_OF], "en");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no customers table");
    const out = join(dir, "generic-out.xlsx");
    const a = await runCrm(["apply", input, "--out", out, "--as-of", AS_OF], "en");
    expect(a.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  test("beside a real customers sheet, the data sheet gets no ◆ columns and stays byte for byte", async () => {
    const input = await bookFile("generic-and-customers.xlsx", [GENERIC, TEMPLATE_CUSTOMERS]);
    const out = join(dir, "generic-and-customers-out.xlsx");
    const r = await runCrm(["apply", input, "--out", out, "--as-of", AS_OF], "en");
    expect(r.code).toBe(1);
    const before = readFileSync(input);
    const after = readFileSync(out);
    expect(await partText(after, "xl/worksheets/sheet1.xml")).toBe(await partText(before, "xl/worksheets/sheet1.xml"));
    expect(await partText(after, "xl/worksheets/sheet2.xml")).toContain("◆");
  });

  test("an English CRM header set is still a customers table", async () => {
    const input = await bookFile("english-crm.xlsx", [
      {
        name: "Customers",
        rows: [
          ["Customer ID", "Customer Name", "Industry", "Contact", "Phone"],
          ["C001", "Acme Ltd", "Manufacturing", "Jane Doe", "尾号5678"],
          ["C002", "Globex", "Retail", "John Roe", "尾号1234"],
        ],
      },
    ]);
    const r = await runCrm(["validate", input, "--as-of", AS_OF, "--json"], "en");
    expect(r.code).not.toBe(2);
    expect((JSON.parse(r.stdout) as { summary: { rows: number } }).summary.rows).toBe(2);
    const out = join(dir, "english-crm-out.xlsx");
    expect((await runCrm(["apply", input, "--out", out, "--as-of", AS_OF], "en")).code).not.toBe(2);
    expect(await partText(readFileSync(out), "xl/worksheets/sheet1.xml")).toContain("◆");
  });
});
