// The fuzz suites' plumbing: run a fast-check property with its default random seed (fast-check prints the seed
// and path of a failure, so a failure can be replayed with `{ seed, path }`), count the tables the generators
// actually made, and record the figure for test/RELIABILITY.md (issue 8) once the file's tests have run.
import fc from "fast-check";
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { recordReliability } from "../reliability";
import type { CellValue, SheetModel, WorkbookModel } from "../../src/core/types";

export interface FuzzFile {
  /** Adds generated tables to this file's figure (called inside the properties). */
  count(tables: number): void;
  /** Runs a property; a failure throws fast-check's report (counterexample, seed, path) and is counted. */
  check<Ts>(property: fc.IProperty<Ts>, params?: fc.Parameters<Ts>): void;
  readonly tried: number;
}

/**
 * One per test file. The figure is recorded in afterAll, so it holds what really ran; a failed property still
 * fails its own test (the throw), and the figure says how many counterexamples were found.
 */
export function fuzzFile(key: string, where: string): FuzzFile {
  let tried = 0;
  let failed = 0;
  afterAll(() => {
    recordReliability(key, { group: "fuzzing", what: "生成的表格 generated tables (fast-check)", tried, failed, where });
  });
  return {
    count(n) {
      tried += n;
    },
    check(property, params) {
      const numRuns = params?.numRuns === undefined ? undefined : Math.round(params.numRuns * SCALE);
      const out = fc.check(property, { ...params, numRuns, ...replay() });
      if (out.failed) {
        failed++;
        // The whole counterexample (the message cuts it short) for whoever replays it.
        mkdirSync(COUNTEREXAMPLES, { recursive: true });
        writeFileSync(join(COUNTEREXAMPLES, `${key}.txt`), `${report(out)}\n\n${fc.stringify(out.counterexample)}\n`);
        throw new Error(report(out));
      }
    },
    get tried() {
      return tried;
    },
  };
}

/** `FUZZ_SCALE=10 npx jest test/fuzz` runs ten times as many cases (a longer hunt than the suite's ~30 s). */
export const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE) || 1);
/** A test's time limit, scaled with the runs. */
export const limit = (ms: number): number => Math.round(ms * SCALE);

const COUNTEREXAMPLES = join(__dirname, "..", "..", "test-artifacts", "fuzz");

/** `FUZZ_SEED=… FUZZ_PATH=… npx jest test/fuzz/…` replays a reported failure (and only shrinks from it). */
function replay(): { seed?: number; path?: string; endOnFailure?: boolean } {
  const seed = process.env.FUZZ_SEED;
  if (seed === undefined || seed === "") return {};
  return { seed: Number(seed), path: process.env.FUZZ_PATH || undefined, endOnFailure: true };
}

/** fast-check's report, with the counterexample cut short (a 32,767-character cell would fill the screen). */
function report<Ts>(out: fc.RunDetails<Ts>): string {
  const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} characters)` : s);
  const error = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
  return [
    `Property failed after ${out.numRuns} run(s), shrunk ${out.numShrinks} time(s); the whole counterexample is in test-artifacts/fuzz/`,
    `Replay with { seed: ${out.seed}, path: ${JSON.stringify(out.counterexamplePath)}, endOnFailure: true }`,
    `Counterexample: ${cut(fc.stringify(out.counterexample), 3_000)}`,
    `Error: ${cut(error, 3_000)}`,
  ].join("\n");
}

/** A property's assertion: cheaper than expect() in loops over every cell and finding. */
export function ensure(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new Error(typeof message === "string" ? message : message());
}

/**
 * The first difference between two values, or null when they are deeply equal. Numbers compare with Object.is
 * (NaN equals NaN, 0 and -0 differ), Dates by their time (an invalid Date equals an invalid Date), typed arrays
 * and arrays element by element, objects key by key (an undefined property equals a missing one only if both
 * lack it).
 */
export function firstDiff(a: unknown, b: unknown, path = "$"): string | null {
  if (Object.is(a, b)) return null;
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (typeof a !== "object" || a === null || b === null) return `${path}: ${show(a)} vs ${show(b)}`;
  if (a instanceof Date || b instanceof Date) {
    if (!(a instanceof Date && b instanceof Date)) return `${path}: Date vs non-Date`;
    return Object.is(a.getTime(), b.getTime()) ? null : `${path}: ${show(a)} vs ${show(b)}`;
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || x.length !== y.length) return `${path}: typed arrays differ in type or length`;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `${path}[${i}]: ${x[i]} vs ${y[i]}`;
    return null;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array vs object`;
  if (Array.isArray(a)) {
    const y = b as unknown[];
    if (a.length !== y.length) return `${path}: length ${a.length} vs ${y.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDiff(a[i], y[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a instanceof Set || b instanceof Set) return firstDiff([...(a as Set<unknown>)], [...(b as Set<unknown>)], path);
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return `${path}: keys ${ka.join(",")} vs ${kb.join(",")}`;
  for (const k of ka) {
    const d = firstDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}

function show(v: unknown): string {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v);
  return String(v);
}

/**
 * A deep copy of a workbook model with fresh arrays, Dates and error objects. Not structuredClone: under jest
 * it makes Dates of another realm, which fail `instanceof Date` in the engine.
 */
export function cloneModel(m: WorkbookModel): WorkbookModel {
  const cell = (v: CellValue): CellValue => (v instanceof Date ? new Date(v.getTime()) : typeof v === "object" && v !== null ? { ...v } : v);
  const sheet = (s: SheetModel): SheetModel => {
    const out: SheetModel = { ...s, cells: s.cells.map((r) => r.map(cell)) };
    if (s.merged) out.merged = [...s.merged];
    if (s.tables) out.tables = s.tables.map((t) => ({ ...t }));
    return out;
  };
  return { ...m, sheets: m.sheets.map(sheet) };
}

/** The raw value at a sheet cell (1-based sheet coordinates), as an adapter would have handed it over. */
export function cellAt(sheet: SheetModel, row: number, col: number): CellValue {
  return sheet.cells[row - (sheet.originRow ?? 1)]?.[col - (sheet.originCol ?? 1)];
}

/** `'O''Brien'!B7` → { sheet: "O'Brien", row: 7, col: 2 }; null when the address is not of that form. */
export function parseAddress(address: string): { sheet: string; row: number; col: number } | null {
  const m = /^(?:'((?:[^']|'')+)'|([^'!][^!]*))!([A-Z]{1,3})([1-9]\d*)$/.exec(address);
  if (!m) return null;
  let col = 0;
  for (const ch of m[3]) col = col * 26 + (ch.charCodeAt(0) - 64);
  return { sheet: m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2], row: Number(m[4]), col };
}
