// Edge cases of the command line, each on a book like the one that showed it (built with JSZip, edge-books.ts):
// a reader that closes stdout early (`crm validate … | head -1`), the mask report's English.
import { spawn } from "child_process";
import { closeSync, existsSync, mkdtempSync, openSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runCrm } from "./cli-io";
import { edgeBook, TEMPLATE_CUSTOMERS, type BookKind, type EdgeSheet } from "./edge-books";

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

