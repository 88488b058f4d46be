// Fuzzing table finding and validation (issue 8): sheets holding one or two generated template tables (real
// header aliases in random order, unknown/duplicate/missing columns, title rows, blank rows, junk to the
// right, merged ranges, Excel tables, origins away from A1) go through findTables and readTable. The layout
// the generator chose is the oracle: the table is found where it was put, with exactly its non-blank rows;
// every finding lies inside it and names its column's header; no unreadable cell is dropped without a
// finding; required cells and columns are reported; reading twice gives the same answer.
import fc from "fast-check";
import { mergeCustomers } from "../../src/core/tables";
import { toDay } from "../../src/core/dates";
import { cellText, isCellError } from "../../src/core/parse";
import { a1, findTables, TABLES, type FoundTable, type TableKind } from "../../src/core/schema";
import type { Finding } from "../../src/core/types";
import { readTable } from "../../src/core/validate";
import { blankCell, layoutSheet, tableArb, type GenTable, type Placed, type SheetPlan } from "./arbitraries";
import { cellAt, ensure, firstDiff, fuzzFile, limit, parseAddress } from "./harness";

const fuzz = fuzzFile("fuzz-validate", "test/fuzz/validate.fuzz.test.ts: tables found and validated");
const RUNS = 2_000;
/** Two thirds of the sheets stack a second table: 2,000 sheets hold about 3,330 tables. */
const MIN_TABLES = 3_000;

const KINDS: TableKind[] = ["customers", "customers", "interactions", "orders", "tasks", "keyDates", "plan", "rules"];
/** Findings about one cell's own value: the cell cannot be blank. */
const CELL_CODES = new Set(["BAD_DATE", "FUTURE_DATE", "BAD_AMOUNT", "NEGATIVE_AMOUNT", "BAD_ENUM", "BAD_USCC", "OUT_OF_RANGE", "UNMASKED_PHONE", "CELL_ERROR", "DUPLICATE_ID"]);

const sheetArb = fc
  .tuple(fc.constantFrom(...KINDS), fc.option(fc.constantFrom(...KINDS), { freq: 3 }))
  .chain(([k1, k2]) => fc.tuple(tableArb(k1, 8), k2 === null ? fc.constant(null) : tableArb(k2, 5)))
  .chain(([t1, t2]) =>
    fc.record({
      name: fc.constantFrom("客户", "O'Brien", "Sheet 1", "A1", "信息管理", "😀"),
      tables: fc.constant<GenTable[]>(t2 ? [t1, t2] : [t1]),
      originRow: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 500 })),
      originCol: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 30 })),
      padRows: fc.integer({ min: 0, max: 2 }),
      padCols: fc.integer({ min: 0, max: 2 }),
      gap: fc.integer({ min: 1, max: 3 }),
      listObjects: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      merged: fc.array(
        fc.tuple(fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
        { maxLength: 3 },
      ),
      listObjectSlack: fc.integer({ min: 0, max: 2 }),
      listObjectWiden: fc.oneof({ weight: 2, arbitrary: fc.constant<[number, number]>([0, 0]) }, { weight: 1, arbitrary: fc.tuple(fc.nat(1), fc.nat(1)) }),
      asOf: fc.constantFrom("2024-06-30", "2020-02-29", "2031-01-01"),
      date1904: fc.boolean(),
    }),
  );

/** The table findTables reports at the generated header row. */
function foundAt(found: FoundTable[], p: Placed): FoundTable {
  const t = found.find((f) => f.headerRow === p.headerRow);
  ensure(t, () => `no table found at header row ${p.headerRow} (found: ${found.map((f) => `${f.kind}@${f.headerRow}`).join(", ") || "none"})`);
  return t;
}

describe("findTables + readTable on generated sheets", () => {
  test(`tables are found as laid out and every finding is placed and explained (${RUNS} sheets)`, () => {
    fuzz.check(
      fc.property(sheetArb, (g) => {
        fuzz.count(g.tables.length);
        // Merged ranges in sheet coordinates, relative to the origin so that they reach into the tables.
        const merged = g.merged.map(([r, c, h, w]) => `${colName(g.originCol + c)}${g.originRow + r}:${colName(g.originCol + c + w)}${g.originRow + r + h}`);
        const plan: SheetPlan = { ...g, merged };
        const { sheet, placed } = layoutSheet(plan);
        const D = toDay(g.asOf);
        const found = findTables(sheet);
        ensure(firstDiff(found, findTables(sheet)) === null, "findTables is not deterministic");
        ensure(found.length === placed.length, () => `${placed.length} tables laid out, ${found.length} found: ${found.map((f) => `${f.kind}@${f.headerRow}`).join(", ")}`);

        for (const p of placed) {
          const t = foundAt(found, p);
          ensure(t.kind === p.table.kind, () => `table at row ${p.headerRow} read as ${t.kind}, laid out as ${p.table.kind}`);
          ensure(t.firstCol === p.firstCol && t.firstCol + t.header.length - 1 === p.lastCol, () => `table columns ${t.firstCol}..${t.firstCol + t.header.length - 1}, laid out ${p.firstCol}..${p.lastCol}`);

          // Exactly the non-blank rows, in order; blank rows inside the table are counted, trailing ones are not.
          const nonBlank = (row: number) => {
            for (let c = p.firstCol; c <= p.lastCol; c++) if (!blankCell(cellAt(sheet, row, c))) return true;
            return false;
          };
          const expected = p.rowNumbers.filter(nonBlank);
          ensure(firstDiff(t.rowNumbers, expected) === null, () => `rows ${t.rowNumbers.join(",")}, expected ${expected.join(",")}`);
          const lastData = expected[expected.length - 1] ?? p.headerRow;
          const interiorBlank = p.rowNumbers.filter((r) => r < lastData && !nonBlank(r));
          ensure(firstDiff(t.blankRows, interiorBlank) === null, () => `blank rows ${t.blankRows.join(",")}, expected ${interiorBlank.join(",")}`);

          const findings: Finding[] = [];
          const rt = readTable(t, D, g.date1904, findings);
          const again: Finding[] = [];
          const rt2 = readTable(t, D, g.date1904, again);
          // A customers table's required fields are checked over the merged customers (one table here).
          if (t.kind === "customers") {
            mergeCustomers([rt], findings);
            mergeCustomers([rt2], again);
          }
          ensure(firstDiff(findings, again) === null, "readTable findings are not deterministic");
          ensure(firstDiff([...rt.columns.entries()].map(([k, c]) => [k, c.num, c.str]), [...rt2.columns.entries()].map(([k, c]) => [k, c.num, c.str])) === null, "readTable columns are not deterministic");

          const headerText = (col: number) => cellText(cellAt(sheet, p.headerRow, col)).trim();
          const at = new Map<string, Finding[]>();
          for (const f of findings) {
            const a = parseAddress(f.address);
            ensure(a && a.sheet === sheet.name, () => `finding ${f.code} has address ${JSON.stringify(f.address)} on sheet ${JSON.stringify(f.sheet)}`);
            ensure(f.sheet === sheet.name && f.row === a.row, () => `finding ${f.code} row ${f.row} vs address ${f.address}`);
            ensure(a.row >= p.headerRow && a.row <= lastData && a.col >= p.firstCol && a.col <= p.lastCol, () => `finding ${f.code} at ${f.address} outside the table (rows ${p.headerRow}..${lastData}, columns ${p.firstCol}..${p.lastCol})`);
            if (f.code !== "COLUMN_MISSING" && f.column !== "") ensure(f.column.trim() === headerText(a.col), () => `finding ${f.code} at ${f.address} names column ${JSON.stringify(f.column)}, the header there is ${JSON.stringify(headerText(a.col))}`);
            if (CELL_CODES.has(f.code)) ensure(!blankCell(cellAt(sheet, a.row, a.col)), () => `${f.code} on blank cell ${f.address}`);
            ensure(f.message !== "" && f.messageEn !== "" && f.fix !== "" && f.fixEn !== "", () => `finding ${f.code} at ${f.address} says nothing`);
            at.set(f.address, [...(at.get(f.address) ?? []), f]);
          }

          // Each known column (its first header cell): no unreadable cell without a finding, no value from a blank.
          const def = TABLES[t.kind];
          for (const c of def.columns) {
            const rc = rt.columns.get(c.key);
            if (!rc) {
              if (c.required) ensure(findings.some((f) => f.code === "COLUMN_MISSING" && f.column === c.aliases[0] && f.row === p.headerRow), () => `required column ${c.key} missing without COLUMN_MISSING`);
              continue;
            }
            // The first generated column with this key ("first match wins" for duplicated headers).
            const expectedCol = p.headerCol + p.table.columns.findIndex((gc) => gc.key === c.key);
            ensure(rc.col === expectedCol, () => `column ${c.key} read from sheet column ${rc.col}, laid out at ${expectedCol}`);
            rt.found.rowNumbers.forEach((row, i) => {
              const v = cellAt(sheet, row, rc.col);
              const address = a1(sheet.name, row, rc.col);
              const here = at.get(address) ?? [];
              const value = rc.num ? rc.num[i] : rc.str![i];
              const read = rc.num ? !Number.isNaN(value as number) : value !== null;
              if (blankCell(v)) {
                ensure(!read, () => `blank cell ${address} read as ${String(value)}`);
                if (c.required) ensure(here.some((f) => f.code === "REQUIRED_MISSING"), () => `required cell ${address} is blank without REQUIRED_MISSING`);
                return;
              }
              if (isCellError(v)) ensure(here.some((f) => f.code === "CELL_ERROR"), () => `error value at ${address} without CELL_ERROR`);
              ensure(read || here.length > 0, () => `cell ${address} (${JSON.stringify(cellText(v)).slice(0, 60)}) was dropped without a finding`);
              if (rc.num && read) ensure(Number.isFinite(value), () => `cell ${address} read as ${String(value)}`);
              if (rc.str && read) ensure(typeof value === "string" && value !== "", () => `cell ${address} read as an empty string`);
            });
          }
        }
      }),
      { numRuns: RUNS },
    );
  }, limit(120_000));
});

function colName(col: number): string {
  let s = "";
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

test(`the validation fuzzing generated at least ${MIN_TABLES} tables`, () => {
  expect(fuzz.tried).toBeGreaterThanOrEqual(MIN_TABLES);
});
