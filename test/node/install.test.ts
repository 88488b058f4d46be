// `crm` as an installed tool (issue 16): `npm pack` makes a tarball with the compiled command line (lib/, no
// TypeScript), `npm install -g` of it with production dependencies only puts a `crm` on the PATH of a fresh
// prefix, and that `crm` works from any folder.
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { generateSample } from "../../scripts/sample";

jest.setTimeout(420_000);
const ROOT = join(__dirname, "..", "..");
const work = mkdtempSync(join(tmpdir(), "crm-install-"));
const prefix = join(work, "prefix");
const books = join(work, "books");
const crm = join(prefix, "bin", "crm");
let tarball = "";

const sh = (cmd: string, args: string[], cwd: string, timeout = 300_000) => {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, npm_config_update_notifier: "false", LANG: "en_US.UTF-8" } });
  return { code: r.status, out: r.stdout ?? "", err: r.stderr ?? "" };
};

beforeAll(async () => {
  // lib/ is built by `npm test` (build:cli) before jest runs; packing without scripts does not rebuild it under
  // the other tests that run bin/crm.js at the same time.
  if (!existsSync(join(ROOT, "lib", "cli", "cli.js"))) throw new Error("lib/ is missing: run `npm run build:cli` first (npm test does)");
  const pack = sh("npm", ["pack", "--pack-destination", work, "--silent", "--ignore-scripts"], ROOT);
  if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.err}`);
  tarball = join(work, readdirSync(work).find((f) => f.endsWith(".tgz"))!);
  // Production dependencies only, from npm's cache where it has them (the checkout's install filled it).
  const install = sh("npm", ["install", "-g", "--prefix", prefix, tarball, "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], work);
  if (install.code !== 0) throw new Error(`npm install -g failed: ${install.err}`);
  const { mkdirSync } = await import("fs");
  mkdirSync(books);
  await writeModelXlsx(generateSample({ customers: 60, asOf: "2024-11-26" }).model, join(books, "a.xlsx"));
  await writeModelXlsx(generateSample({ customers: 40, seed: 7, asOf: "2024-11-26", mistakes: false }).model, join(books, "b.xlsx"));
});

test("the tarball holds the compiled command line and no TypeScript sources", () => {
  const list = sh("tar", ["-tzf", tarball], work).out.split("\n").filter(Boolean);
  expect(list).toContain("package/bin/crm.js");
  expect(list).toContain("package/lib/cli/cli.js");
  expect(list.filter((f) => f.endsWith(".ts") || f.startsWith("package/src/") || f.startsWith("package/test/"))).toEqual([]);
});

test("installed with production dependencies only: no TypeScript compiler, no ts-node, no React", () => {
  const modules = join(prefix, "lib", "node_modules", "crm-workbench", "node_modules");
  for (const dev of ["typescript", "ts-node", "react", "@fluentui"]) expect({ dev, present: existsSync(join(modules, dev)) }).toEqual({ dev, present: false });
  expect(existsSync(join(modules, "exceljs"))).toBe(true);
});

test("the installed crm answers --version and --help from any folder", () => {
  const v = sh(crm, ["--version"], books);
  expect(v.code).toBe(0);
  expect(v.out).toBe(`crm ${require("../../package.json").version}\n`);
  const h = sh(crm, ["--help"], books);
  expect(h.code).toBe(0);
  expect(h.out).toContain("Usage: crm <command>");
});

test("the installed crm validates two books in another folder in one run: the one with mistakes decides the exit code", () => {
  const both = sh(crm, ["validate", "a.xlsx", "b.xlsx", "--as-of", "2024-11-26", "--json"], books);
  expect(both.code).toBe(1);
  const json = JSON.parse(both.out);
  expect(json.books.map((b: { file: string; exitCode: number; summary: { rows: number } }) => [b.file, b.exitCode, b.summary.rows])).toEqual([["a.xlsx", 1, 60], ["b.xlsx", 0, 40]]);
  const b = sh(crm, ["validate", "b.xlsx", "--as-of", "2024-11-26"], books);
  expect(b.code).toBe(0);
});
