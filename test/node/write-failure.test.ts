// A write that fails halfway (disk full) leaves the workbook as it was: no output, no temporary file, the input's
// bytes unchanged (also with --in-place), one line saying why. Every writing command, several failure points.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { main } from "../../src/cli/cli";
import { recordReliability } from "../reliability";
import { AS_OF, messyWorkbook } from "./messy-book";
import { memoryIO } from "./cli-io";

jest.setTimeout(120_000);
const dir = mkdtempSync(join(tmpdir(), "crm-fail-"));
const f = (name: string) => join(dir, name);
let tried = 0;
let failed = 0;

const io = () => memoryIO("en");

// The module object itself (an `import *` namespace cannot be spied on); the writer calls fs/promises.open.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fsp = require("fs/promises") as typeof import("fs/promises");

/** Makes every file handle opened for writing fail with ENOSPC once `limit` bytes are written. */
function diskFullAfter(limit: number): jest.SpyInstance {
  const real = fsp.open;
  return jest.spyOn(fsp, "open").mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
    const fh = await real(...args);
    if (!String(args[1] ?? "").includes("w")) return fh;
    let written = 0;
    const write = fh.write.bind(fh) as (...a: unknown[]) => Promise<unknown>;
    (fh as unknown as { write: (...a: unknown[]) => Promise<unknown> }).write = async (...a: unknown[]) => {
      const buf = a[0] as Buffer;
      if (written + buf.length > limit) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      written += buf.length;
      return write(...a);
    };
    return fh;
  });
}

beforeAll(async () => {
  await messyWorkbook().xlsx.writeFile(f("messy.xlsx"));
  expect(await main(["apply", f("messy.xlsx"), "--out", f("applied.xlsx"), "--as-of", AS_OF], io())).toBe(1);
});

afterAll(() => {
  recordReliability("write-failure-cli", { group: "nothing lost", what: "中途失败的写入 writes failed halfway (command line, disk full)", tried, failed, where: "test/node/write-failure.test.ts" });
});

const COMMANDS: [string, string][] = [["apply", "messy.xlsx"], ["review", "messy.xlsx"], ["mask", "messy.xlsx"], ["undo", "applied.xlsx"]];

describe.each(COMMANDS)("%s", (command, input) => {
  test("the disk fills up at the start, early, halfway, or at the last bytes: nothing written, the input unchanged", async () => {
    // The size of this command's output, to fail at points inside it.
    const full = f(`full-${command}.xlsx`);
    expect(await main([command, f(input), "--out", full, "--as-of", AS_OF], io())).toBeLessThan(2);
    const size = readFileSync(full).length;
    const before = readFileSync(f(input));
    for (const limit of [0, 100, Math.floor(size / 2), size - 10]) {
      for (const mode of ["--out", "--in-place"]) {
        const spy = diskFullAfter(limit);
        const x = io();
        const out = f(`out-${command}-${limit}.xlsx`);
        const code = await main([command, f(input), ...(mode === "--out" ? ["--out", out] : ["--in-place"]), "--as-of", AS_OF], x).finally(() => spy.mockRestore());
        tried++;
        const leftovers = readdirSync(dir).filter((n) => n.endsWith(".tmp") || n.includes(".bak"));
        const ok = code === 2 && !existsSync(out) && readFileSync(f(input)).equals(before) && leftovers.length === 0;
        if (!ok) failed++;
        expect([limit, mode, code]).toEqual([limit, mode, 2]);
        expect(x.err.trim().split("\n")).toHaveLength(1);
        expect(x.err).toContain("no space left on the disk; nothing was written");
        expect(existsSync(out)).toBe(false);
        expect(readFileSync(f(input)).equals(before)).toBe(true);
        expect(leftovers).toEqual([]);
      }
    }
  });
});
