// Fuzzing the cell parsers, header matching, the rules reader and the privacy helpers (issue 8): generated
// tables of hostile cells (emoji, mixed scripts, control characters, white space, 32,767-character strings,
// NaN/±Infinity/huge/negative/fractional serials, booleans, invalid and far-off Dates, error values, null and
// undefined) go through every parser, cell by cell. Every parser is total, deterministic and only ever
// answers with a well-formed value, a blank or a problem code.
import fc from "fast-check";
import { ENUM_LOOKUPS } from "../../src/core/labels";
import {
  cellText, isBlank, isCellError, MAX_AMOUNT, normalizeText, parseDate, parseDateTime, parseEnum, parseMoney, parseNumber, parsePercent, parseText, parseYears, quickDays, splitList, type Parsed,
} from "../../src/core/parse";
import { checkUscc, hasFullPhone, maskPhones, maskUscc } from "../../src/core/privacy";
import { readRules, RULE_DEFS } from "../../src/core/rules";
import { classifyHeader, headerInfo, matchHeader, TABLE_KINDS } from "../../src/core/schema";
import type { CellValue } from "../../src/core/types";
import { anyCell, decoratedAliases, longString } from "./arbitraries";
import { ensure, firstDiff, fuzzFile, limit } from "./harness";

const fuzz = fuzzFile("fuzz-parsers", "test/fuzz/parsers.fuzz.test.ts: every parser on every cell");
const TABLES_PER_RUN = 3_000;

const PROBLEMS = new Set(["BAD_DATE", "BAD_AMOUNT", "NEGATIVE_AMOUNT", "BAD_ENUM", "OUT_OF_RANGE", "CELL_ERROR"]);

const show = (v: CellValue) => (v instanceof Date ? `Date(${v.getTime()})` : typeof v === "string" ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v) : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));

/** The outcome shape every parser promises, whatever the cell holds. */
function wellFormed<T>(name: string, v: CellValue, p: Parsed<T>, valueOk: (x: T) => boolean): void {
  const where = () => `${name}(${show(v)}) → ${JSON.stringify(p)}`;
  if (p.ok) {
    ensure(!isBlank(v) && !isCellError(v), () => `${where()}: a value from a blank or error cell`);
    ensure(valueOk(p.value), () => `${where()}: value out of its domain`);
    return;
  }
  if (p.blank) {
    ensure(isBlank(v), () => `${where()}: blank for a non-blank cell`);
    return;
  }
  ensure(!isBlank(v), () => `${where()}: a problem for a blank cell`);
  ensure(PROBLEMS.has(p.problem), () => `${where()}: unknown problem code`);
  ensure((p.problem === "CELL_ERROR") === isCellError(v), () => `${where()}: CELL_ERROR exactly for error values`);
  ensure(p.raw === cellText(v), () => `${where()}: raw is not the cell's text`);
}

const finite = (x: number) => typeof x === "number" && Number.isFinite(x);

/** Every parser, twice: the two answers must be identical (no hidden state, e.g. a global regex's lastIndex). */
function parseCell(v: CellValue): void {
  const twice = <T>(name: string, f: () => T): T => {
    const a = f();
    const b = f();
    const d = firstDiff(a, b);
    ensure(d === null, () => `${name}(${show(v)}) is not deterministic: ${d}`);
    return a;
  };
  ensure(isBlank(v) === (v === null || v === undefined || (typeof v === "string" && v.trim() === "")), () => `isBlank(${show(v)})`);
  const text = twice("cellText", () => cellText(v));
  ensure(typeof text === "string", "cellText gives a string");
  const norm = twice("normalizeText", () => normalizeText(text));
  // The fast path for already-normal text must agree with the full normalisation.
  ensure(norm === text.normalize("NFKC").replace(/[\s\u3000]+/g, " ").trim(), () => `normalizeText(${show(text)}) differs from NFKC + collapse + trim`);
  ensure(normalizeText(norm) === norm, () => `normalizeText is not idempotent on ${show(text)}`);

  const t = twice("parseText", () => parseText(v));
  wellFormed("parseText", v, t, (s) => typeof s === "string" && s !== "" && s === normalizeText(cellText(v)));

  for (const date1904 of [false, true]) {
    const dt = twice("parseDateTime", () => parseDateTime(v, date1904));
    wellFormed("parseDateTime", v, dt, (x) => Number.isInteger(x.day) && (x.minutes === null || (Number.isInteger(x.minutes) && x.minutes >= 0 && x.minutes < 1440)));
    const d = parseDate(v, date1904);
    ensure(firstDiff(d, dt.ok ? { ok: true, value: dt.value.day } : dt) === null, () => `parseDate(${show(v)}) is not parseDateTime's day`);
    // quickDays is the allocation-free path for numbers and Dates: it must give exactly what parseDateTime gives.
    for (const withTime of [false, true]) {
      const q = quickDays(v, date1904, withTime);
      if (!Number.isNaN(q)) {
        ensure(dt.ok, () => `quickDays(${show(v)}) = ${q} but parseDateTime refuses the cell`);
        const expected = withTime ? dt.value.day + (dt.value.minutes ?? 0) / 1440 : dt.value.day;
        ensure(q === expected, () => `quickDays(${show(v)}, ${date1904}, ${withTime}) = ${q}, parseDateTime gives ${expected}`);
      } else if (typeof v === "number" || v instanceof Date) {
        ensure(!dt.ok, () => `quickDays(${show(v)}) is NaN but parseDateTime reads ${JSON.stringify(dt)}`);
      }
    }
  }

  for (const unit of [1, 1_000, 10_000]) {
    // Whole cents, up to the float's own precision (near MAX_AMOUNT one unit in the last place is ~0.016 yuan).
    wellFormed("parseMoney", v, twice("parseMoney", () => parseMoney(v, unit)), (x) => finite(x) && x >= 0 && x <= MAX_AMOUNT && Math.abs(Math.round(x * 100) - x * 100) <= Math.max(1e-6, x * 100 * 4 * Number.EPSILON));
  }
  wellFormed("parseNumber", v, twice("parseNumber", () => parseNumber(v)), finite);
  wellFormed("parseNumber[0,5]", v, twice("parseNumber", () => parseNumber(v, { min: 0, max: 5 })), (x) => finite(x) && x >= 0 && x <= 5);
  wellFormed("parseNumber[int≥0]", v, twice("parseNumber", () => parseNumber(v, { min: 0, integer: true })), (x) => Number.isInteger(x) && x >= 0);
  for (const percentColumn of [false, true]) {
    wellFormed("parsePercent", v, twice("parsePercent", () => parsePercent(v, { percentColumn })), (x) => finite(x) && x >= -1e-12 && x <= 1 + 1e-12);
    wellFormed("parsePercent[-10,100]", v, twice("parsePercent", () => parsePercent(v, { percentColumn, min: -10, max: 100 })), (x) => finite(x) && x >= -10 - 1e-12 && x <= 100 + 1e-12);
  }
  wellFormed("parseYears", v, twice("parseYears", () => parseYears(v)), (x) => finite(x) && x >= 0);
  for (const [name, lookup] of Object.entries(ENUM_LOOKUPS)) {
    const values = new Set(lookup.values());
    wellFormed(`parseEnum(${name})`, v, twice("parseEnum", () => parseEnum(v, lookup)), (x) => values.has(x));
  }

  const parts = twice("splitList", () => splitList(text));
  ensure(parts.every((x) => typeof x === "string" && x !== "" && x === x.trim()), () => `splitList(${show(text)}) gives empty or untrimmed parts`);

  // Privacy helpers: masking leaves no full number behind, and changes nothing when there is none.
  const hasPhone = twice("hasFullPhone", () => hasFullPhone(text));
  const masked = twice("maskPhones", () => maskPhones(text));
  ensure(!hasFullPhone(masked.text), () => `maskPhones(${show(text)}) leaves a full number: ${show(masked.text)}`);
  ensure(hasPhone === masked.count > 0, () => `hasFullPhone and maskPhones disagree on ${show(text)}`);
  if (masked.count === 0) ensure(masked.text === text, "maskPhones changed a text without numbers");
  const uscc = twice("checkUscc", () => checkUscc(text));
  ensure(uscc.valid || (uscc.reasonZh !== "" && uscc.reasonEn !== ""), "checkUscc explains a refusal");
  ensure(maskUscc(text).length === text.trim().length, "maskUscc keeps the length");

  const h = twice("headerInfo", () => headerInfo(v));
  ensure(typeof h.key === "string" && [1, 1_000, 10_000].includes(h.unit) && typeof h.percent === "boolean", () => `headerInfo(${show(v)}) = ${JSON.stringify(h)}`);
  for (const kind of TABLE_KINDS) twice("matchHeader", () => matchHeader(kind, v));
}

describe("parsers on generated tables of hostile cells", () => {
  const table = fc.array(fc.array(anyCell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 });

  test(`every parser is total, deterministic and well-formed on every cell (${TABLES_PER_RUN} tables)`, () => {
    fuzz.check(
      fc.property(table, (rows) => {
        fuzz.count(1);
        for (const row of rows) for (const v of row) parseCell(v);
        // Each row read as a header row, and the first two columns read as a rules table.
        for (const row of rows) {
          const a = classifyHeader(row);
          ensure(firstDiff(a, classifyHeader(row)) === null, "classifyHeader is not deterministic");
          if (a) ensure([...a.columns.values()].every((o) => o >= 0 && o < row.length && !isBlank(row[o])), "classifyHeader matched a blank or missing cell");
        }
        const rules = readRules(rows.map((r) => ({ key: r[0], value: r[1] })));
        ensure(firstDiff(rules.problems, readRules(rows.map((r) => ({ key: r[0], value: r[1] }))).problems) === null, "readRules is not deterministic");
        ensure(rules.problems.every((p) => p.index >= -1 && p.index < rows.length), "a rules problem points at no row");
        for (const d of RULE_DEFS) {
          if (d.kind === "breaks") {
            const b = rules.rules.breaks(d.key);
            ensure(b === null || (b.length === 4 && b.every(finite)), () => `rule ${d.key} breaks ${JSON.stringify(b)}`);
          } else if (d.kind === "choice") {
            const x = rules.rules.text(d.key);
            ensure(d.choices!.includes(x), () => `rule ${d.key} = ${x} is not one of its choices`);
          } else {
            const x = rules.rules.num(d.key);
            ensure(finite(x) && (d.min === undefined || x >= d.min) && (d.max === undefined || x <= d.max), () => `rule ${d.key} = ${x} outside its range`);
          }
        }
      }),
      { numRuns: TABLES_PER_RUN },
    );
  }, limit(120_000));

  test("32,767-character cells: every parser and the header matcher answer in linear time (no hang)", () => {
    // 32,767 characters is Excel's limit. Each function on its own: a linear one takes a few ms on such a cell
    // even on a loaded machine, a quadratic regex a second or more (the bracket annotations did).
    const budgetMs = 150;
    const timed: [string, (v: string) => unknown][] = [
      ["normalizeText", normalizeText], ["parseText", parseText], ["parseDateTime", (v) => parseDateTime(v)], ["parseMoney", (v) => parseMoney(v, 10_000)],
      ["parseNumber", (v) => parseNumber(v)], ["parsePercent", (v) => parsePercent(v)], ["parseYears", parseYears], ["splitList", splitList],
      ["hasFullPhone", hasFullPhone], ["maskPhones", maskPhones], ["checkUscc", checkUscc], ["headerInfo", headerInfo], ["classifyHeader", (v) => classifyHeader([v, v, `${v})`])],
      ...Object.entries(ENUM_LOOKUPS).map(([name, lookup]): [string, (v: string) => unknown] => [`parseEnum(${name})`, (v) => parseEnum(v, lookup)]),
    ];
    fuzz.check(
      fc.property(fc.array(longString, { minLength: 1, maxLength: 3 }), (row) => {
        fuzz.count(1);
        for (const v of row) {
          for (const [name, f] of timed) {
            const t0 = performance.now();
            f(v);
            const ms = performance.now() - t0;
            ensure(ms < budgetMs, () => `${name} took ${ms.toFixed(0)} ms on a ${v.length}-character cell ${show(v)}`);
          }
          parseCell(v);
        }
      }),
      { numRuns: 60 },
    );
  }, limit(120_000));
});

describe("header matching", () => {
  test("every alias of every column still matches with the decorations users add (brackets, stars, colons, case, full width)", () => {
    const misses = decoratedAliases().filter(({ kind, key, header }) => matchHeader(kind, header) !== key);
    expect(misses).toEqual([]);
  });
});

test(`the parsers' fuzzing generated at least ${TABLES_PER_RUN} tables`, () => {
  expect(fuzz.tried).toBeGreaterThanOrEqual(TABLES_PER_RUN);
});
