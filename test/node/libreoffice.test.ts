// The files the command line writes are valid for another reader: LibreOffice (headless) opens each of them,
// re-saves it as .xlsx (and the review book as PDF), and what it saved reads back — through exceljs and the
// engine's own reading (plainValue) — as the same values, sheet by sheet and cell by cell.
// Needs `soffice` (Debian libreoffice-calc-nogui): `npm run setup` installs it, and `npm test` runs that first.
import { spawnSync } from "child_process";
import ExcelJS from "exceljs";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "fs";
import { tmpdir } from "os";
import { basename, extname, join } from "path";
import { columnLetter, runPipeline, type CellValue } from "../../src/core";
import { FINDINGS_SHEET, OWNED_COLUMNS, OWNED_MARK } from "../../src/workbook/owned";
import { PIVOT_SHEETS } from "../../src/workbook/review-pivots";
import { main, type CliIO } from "../../src/cli/cli";
import { writeModelXlsx } from "../../src/xlsx/model-xlsx";
import { generateSample } from "../../scripts/sample";
import { plainValue } from "../../src/xlsx/exceljs";

const AS_OF = "2024-11-26";
const SOFFICE_TIMEOUT_MS = 120_000;

jest.setTimeout(180_000);

// The same PATH lookup `npm test`'s set-up uses to decide what to install.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { which } = require("../../scripts/setup.js") as { which: (command: string) => string | null };

function captureIO(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out, err,
    stdout: (s) => void out.push(s),
    stderr: (s) => void err.push(s),
    stderrTTY: false,
    stdoutTTY: false,
    env: {},
    today: () => AS_OF,
  };
}

interface Conversion {
  file: string;
  status: number | null;
  log: string;
}

async function load(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

/** The value the engine reads from a cell: merged followers are blank, formulas are their cached result. */
function engineValue(ws: ExcelJS.Worksheet, r: number, c: number): CellValue {
  const cell = ws.findCell(r, c);
  if (!cell || cell.type === ExcelJS.ValueType.Merge) return null;
  return plainValue(cell.value);
}

const isBlank = (v: CellValue | undefined) => v === null || v === undefined || v === "";

function show(v: CellValue | undefined): string {
  if (v instanceof Date) return `Date(${v.toISOString()})`;
  return JSON.stringify(v);
}

function sameValue(a: CellValue, b: CellValue): boolean {
  if (isBlank(a) || isBlank(b)) return isBlank(a) && isBlank(b);
  if (typeof a === "number" && typeof b === "number") return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  if (a instanceof Date && b instanceof Date) return Math.round(a.getTime() / 1000) === Math.round(b.getTime() / 1000);
  if (typeof a === "object" && typeof b === "object" && a !== null && b !== null && "error" in a && "error" in b) return a.error === b.error;
  return a === b;
}

/** Every cell where the two books differ, as `sheet!A1: ours … LibreOffice …`. */
function differences(ours: ExcelJS.Workbook, theirs: ExcelJS.Workbook): string[] {
  const diffs: string[] = [];
  ours.worksheets.forEach((a, i) => {
    const b = theirs.worksheets[i];
    if (!b) return;
    const rows = Math.max(a.rowCount, b.rowCount);
    const cols = Math.max(a.columnCount, b.columnCount);
    for (let r = 1; r <= rows; r++) {
      for (let c = 1; c <= cols; c++) {
        const x = engineValue(a, r, c);
        const y = engineValue(b, r, c);
        if (!sameValue(x, y)) diffs.push(`${a.name}!${columnLetter(c)}${r}: ours ${show(x)} · LibreOffice ${show(y)}`);
      }
    }
  });
  return diffs;
}

describe("LibreOffice reads what the crm command line writes", () => {
  let dir: string;
  let soffice: string | null;
  const files: Record<"in" | "applied" | "reviewed" | "masked", string> = { in: "", applied: "", reviewed: "", masked: "" };
  const converted = new Map<string, Conversion>();
  let findingsCount = 0;

  const convert = (file: string, to: "xlsx" | "pdf"): Conversion => {
    const outDir = join(dir, "lo");
    const r = spawnSync(
      soffice as string,
      [`-env:UserInstallation=file://${join(dir, "lo-profile")}`, "--headless", "--convert-to", to, "--outdir", outDir, file],
      { timeout: SOFFICE_TIMEOUT_MS, encoding: "utf8" },
    );
    const log = `soffice --convert-to ${to} ${basename(file)}: status ${r.status} signal ${r.signal ?? "-"} ${r.error ? String(r.error) : ""}\n${r.stdout ?? ""}${r.stderr ?? ""}`;
    return { file: join(outDir, `${basename(file, extname(file))}.${to}`), status: r.status, log };
  };

  beforeAll(async () => {
    soffice = which("soffice");
    if (!soffice) throw new Error("soffice (LibreOffice) is not on PATH: run `npm run setup` (installs the Debian package libreoffice-calc-nogui)");
    dir = mkdtempSync(join(tmpdir(), "crm-lo-"));
    for (const k of Object.keys(files) as (keyof typeof files)[]) files[k] = join(dir, `${k}.xlsx`);

    const { model } = generateSample({ customers: 80, asOf: AS_OF });
    const result = runPipeline(model, AS_OF);
    findingsCount = result.findings.length;
    await writeModelXlsx(model, files.in, { listObjects: { 订单: "订单表" } });

    // apply and review exit 1 when the book has errors (the sample carries genuine mistakes); mask exits 0.
    const bookCode = result.summary.errors > 0 ? 1 : 0;
    const steps: [string[], number, string][] = [
      [["apply", files.in, "--out", files.applied, "--as-of", AS_OF], bookCode, files.applied],
      [["review", files.applied, "--out", files.reviewed, "--as-of", AS_OF], bookCode, files.reviewed],
      [["mask", files.in, "--out", files.masked], 0, files.masked],
    ];
    for (const [argv, expected, out] of steps) {
      const io = captureIO();
      const code = await main(argv, io);
      if (code !== expected || !existsSync(out)) throw new Error(`crm ${argv[0]} exited ${code} (expected ${expected}), ${existsSync(out) ? "wrote" : "did not write"} ${out}: ${io.err.join("")}`);
    }

    for (const k of ["in", "reviewed", "masked"] as const) converted.set(k, convert(files[k], "xlsx"));
    converted.set("pdf", convert(files.reviewed, "pdf"));
  });

  afterAll(() => {
    if (dir && !process.env.CRM_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  });

  test.each(["in", "reviewed", "masked"] as const)("%s.xlsx: LibreOffice re-saves it and reads the same values", async (k) => {
    const conv = converted.get(k)!;
    expect({ status: conv.status, log: conv.log }).toEqual({ status: 0, log: conv.log });
    expect(existsSync(conv.file)).toBe(true);
    expect(statSync(conv.file).size).toBeGreaterThan(0);

    const ours = await load(files[k]);
    const theirs = await load(conv.file);
    expect(theirs.worksheets.map((ws) => ws.name)).toEqual(ours.worksheets.map((ws) => ws.name));
    // LibreOffice rebuilds the PivotTables from the staging sheet when it opens the book, and names their grand totals
    // in its own interface language ("Total Result" here): the labels differ, every count it computed must not.
    const pivotSheets = new Set<string>(PIVOT_SHEETS.slice(1).map((p) => p.name));
    const diffs = differences(ours, theirs).filter((d) => !(pivotSheets.has(d.slice(0, d.indexOf("!"))) && d.endsWith('ours "总计" · LibreOffice "Total Result"')));
    expect({ count: diffs.length, first: diffs.slice(0, 40) }).toEqual({ count: 0, first: [] });
  });

  test("reviewed.xlsx: LibreOffice prints it to PDF", () => {
    const conv = converted.get("pdf")!;
    expect({ status: conv.status, log: conv.log }).toEqual({ status: 0, log: conv.log });
    expect(existsSync(conv.file)).toBe(true);
    const pdf = readFileSync(conv.file);
    expect(pdf.length).toBeGreaterThan(1000);
    expect(pdf.subarray(0, 4).toString("latin1")).toBe("%PDF");
  });

  test("reviewed.xlsx as LibreOffice saved it keeps the owned columns and the findings sheet", async () => {
    const conv = converted.get("reviewed")!;
    expect(conv.status).toBe(0);
    const wb = await load(conv.file);
    const customers = wb.getWorksheet("客户");
    expect(customers).toBeDefined();
    const header: CellValue[] = [];
    customers!.getRow(3).eachCell((cell, c) => (header[c - 1] = plainValue(cell.value)));
    const owned = header.filter((h): h is string => typeof h === "string" && h.startsWith(OWNED_MARK));
    expect(owned).toEqual(OWNED_COLUMNS.map((c) => c.header));

    const findings = wb.getWorksheet(FINDINGS_SHEET);
    expect(findings).toBeDefined();
    let dataRows = 0;
    findings!.eachRow((row, r) => {
      if (r > 1 && (row.values as ExcelJS.CellValue[]).some((v) => !isBlank(plainValue(v ?? null)))) dataRows++;
    });
    expect(findingsCount).toBeGreaterThan(0);
    expect(dataRows).toBe(findingsCount);
  });
});
