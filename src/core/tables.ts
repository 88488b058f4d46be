// Stage 1 of the pipeline: the book's tables, and its customers tables merged into one list of customers
// (DOMAIN.md section 1, "One customer, several sources").
import { formatDay } from "./dates";
import { enumLabel } from "./labels";
import { makeFinding } from "./findings";
import { isBlank, normalizeText } from "./parse";
import { a1, findTables, isOwnedSheet, TABLES, type FoundTable, type TableKind } from "./schema";
import type { Finding, WorkbookModel } from "./types";
import type { ReadColumn, ReadTable } from "./validate";

/** Every table of the book's user sheets (the product's own sheets left out), in sheet order, and by kind. */
export interface BookTables {
  found: FoundTable[];
  byKind: Map<TableKind, FoundTable[]>;
}

export function findBookTables(model: WorkbookModel): BookTables {
  const found = model.sheets.filter((s) => !(s.owned ?? isOwnedSheet(s.name))).flatMap((s) => findTables(s));
  const byKind = new Map<TableKind, FoundTable[]>();
  for (const t of found) byKind.set(t.kind, [...(byKind.get(t.kind) ?? []), t]);
  return { found, byKind };
}

/** A cell of a customers table that gave a customer's value. */
export interface CellPlace {
  sheet: string;
  row: number;
  col: number;
  header: string;
  address: string;
}

/**
 * The book's customers: every customers table merged (a 周期表, a 分类表 and an 评估模型 sheet describe the same
 * customers). Customer c's value of a column is `columns.get(key).num[c]` or `.str[c]`, whichever table gave it.
 */
export interface Customers {
  /** The customers tables, in sheet order. */
  tables: ReadTable[];
  length: number;
  /** Merged columns, indexed by customer. `header` and `col` are those of the first table with the column. */
  columns: Map<string, ReadColumn>;
  /** The table customer c's results go to: the first table it appears in. */
  home: Int32Array;
  /** rowIn[t][c]: customer c's row index in table t, −1 when it is not there. */
  rowIn: Int32Array[];
  /** The customer a detail row names: by 客户编号, else by 客户名称; undefined when no customer has them. */
  find(id: string | null | undefined, name: string | null | undefined): number | undefined;
  /**
   * The cell that gave customer c's value of a column, or null when the column is blank for it in every table;
   * with `blankToo`, a blank column's cell in the first table that has the column and the customer.
   */
  cellOf(key: string, c: number, blankToo?: boolean): CellPlace | null;
  /** Customer c's home row: where its results are written. */
  homeRow(c: number): { sheet: string; row: number };
}

/** Names compare trimmed, width-folded, case- and blank-insensitive. */
export function nameKey(s: string): string {
  return normalizeText(s).toLowerCase().replace(/\s/g, "");
}

/**
 * Which customer each row of each customers table is (custOf[t][i]), and each customer's home table. Its own
 * function: the per-customer lists it needs on the way (about 24 MB at a million customers) are let go after.
 */
function assignCustomers(tables: ReadTable[]) {
  const custOf: Int32Array[] = tables.map((t) => new Int32Array(t.length));
  const homeOf: number[] = [];
  const idOf: (string | null)[] = [];
  const idIndex = new Map<string, number>();
  const nameIndex = new Map<string, number>();
  let n = 0;
  // Per customer, the last table it was met in (a repeated id within one table is its own customer).
  const seenIn: number[] = [];
  tables.forEach((t, ti) => {
    const ids = t.columns.get("id")?.str;
    const names = t.columns.get("name")?.str;
    for (let i = 0; i < t.length; i++) {
      const id = ids?.[i] ?? null;
      const nm = names?.[i] ?? null;
      // Each key once per row: a million rows made three upper-cased copies of every id.
      const idKey = id !== null ? id.toUpperCase() : null;
      const nmKey = nm !== null ? nameKey(nm) : null;
      let c = idKey !== null ? idIndex.get(idKey) : undefined;
      if (c === undefined && nmKey !== null) {
        const k = nameIndex.get(nmKey);
        if (k !== undefined && (id === null || idOf[k] === null)) c = k;
      }
      if (c === undefined || seenIn[c] === ti) {
        c = n++;
        homeOf.push(ti);
        idOf.push(null);
        seenIn.push(-1);
      }
      seenIn[c] = ti;
      custOf[ti][i] = c;
      if (idKey !== null) {
        if (idOf[c] === null) idOf[c] = id;
        if (!idIndex.has(idKey)) idIndex.set(idKey, c);
      }
      if (nmKey !== null && !nameIndex.has(nmKey)) nameIndex.set(nmKey, c);
    }
  });
  return { custOf, home: Int32Array.from(homeOf), n, idIndex, nameIndex };
}

/**
 * Merges customers tables by 客户编号, else by 客户名称 (a row with an id never merges, by name, into a customer
 * with another id). A customer appears at most once per table: a repeated id in one table stays its own customer
 * (DUPLICATE_ID reports it). Each column comes from the first table, in sheet order, that fills it for the
 * customer; another table filling it differently is a DETAIL_MISMATCH at its cell that names the cell in use.
 */
export function mergeCustomers(tables: ReadTable[], findings: Finding[]): Customers {
  const { custOf, home, n, idIndex, nameIndex } = assignCustomers(tables);
  const rowIn = tables.map((t, ti) => {
    const a = new Int32Array(n).fill(-1);
    for (let i = 0; i < t.length; i++) a[custOf[ti][i]] = i;
    return a;
  });

  // Columns: one table's are used as they are (the common case, and a million rows are not copied); several
  // tables' are merged, remembering which table gave each customer's value.
  const columns = new Map<string, ReadColumn>();
  const fromTable = new Map<string, Int16Array>();
  for (const def of TABLES.customers.columns) {
    const parts = tables.map((t) => t.columns.get(def.key));
    const first = parts.findIndex((p) => p !== undefined);
    if (first < 0) continue;
    if (tables.length === 1) {
      columns.set(def.key, parts[0]!);
      continue;
    }
    const base = parts[first]!;
    const num = base.num ? new Float64Array(n).fill(NaN) : null;
    const str: (string | null)[] | null = base.str ? new Array<string | null>(n).fill(null) : null;
    const from = new Int16Array(n).fill(-1);
    parts.forEach((p, ti) => {
      if (!p) return;
      for (let i = 0; i < tables[ti].length; i++) {
        const c = custOf[ti][i];
        const v = num ? p.num![i] : p.str![i];
        if (v === null || (typeof v === "number" && Number.isNaN(v))) continue;
        if (from[c] < 0) {
          from[c] = ti;
          if (num) num[c] = v as number;
          else str![c] = v as string;
          continue;
        }
        const kept = num ? num[c] : str![c];
        if (sameValue(def.type, kept as number | string, v)) continue;
        const keptAt = place(tables[from[c]], parts[from[c]]!, rowIn[from[c]][c]);
        const here = place(tables[ti], p, i);
        findings.push(makeFinding("DETAIL_MISMATCH", here, {
          val: shown(def.type, v), other: shown(def.type, kept as number | string), otherEn: shown(def.type, kept as number | string),
          where: keptAt.address, whereEn: keptAt.address, used: `采用 ${keptAt.address} 的值`, usedEn: `the value of ${keptAt.address} is used`,
        }));
      }
    });
    columns.set(def.key, { def, header: base.header, col: base.col, num, str });
    fromTable.set(def.key, from);
  }

  requiredChecks(tables, custOf, rowIn, n, findings);

  const cellOf = (key: string, c: number, blankToo = false): CellPlace | null => {
    const found = valueCell(key, c);
    if (found !== null || !blankToo) return found;
    const ti = tables.findIndex((t, k) => t.columns.has(key) && rowIn[k][c] >= 0);
    return ti < 0 ? null : place(tables[ti], tables[ti].columns.get(key)!, rowIn[ti][c]);
  };
  const valueCell = (key: string, c: number): CellPlace | null => {
    let ti: number;
    if (tables.length === 1) {
      const col = columns.get(key);
      const v = col?.num ? col.num[c] : col?.str?.[c];
      if (v === undefined || v === null || (typeof v === "number" && Number.isNaN(v))) return null;
      ti = 0;
    } else {
      ti = fromTable.get(key)?.[c] ?? -1;
      if (ti < 0) return null;
    }
    return place(tables[ti], tables[ti].columns.get(key)!, rowIn[ti][c]);
  };
  return {
    tables,
    length: n,
    columns,
    home,
    rowIn,
    find(id, name) {
      let c = id ? idIndex.get(id.toUpperCase()) : undefined;
      if (c === undefined && name) c = nameIndex.get(nameKey(name));
      return c;
    },
    cellOf,
    homeRow(c) {
      const t = tables[home[c]].found;
      return { sheet: t.sheet, row: t.rowNumbers[rowIn[home[c]][c]] };
    },
  };
}

/**
 * Required fields (section 3: 客户名称, 联系人, 首次触达时间; 客户编号 where a table has the column) over the merged
 * customers: a column no customers table has is COLUMN_MISSING at the first table's header; a customer blank in
 * every table that has the column is REQUIRED_MISSING at its cell in the first of them (a cell holding something
 * unreadable has its own finding already); a customer in no table that has the column makes its table's
 * COLUMN_MISSING (a 分类表 listing a customer the 周期表 lacks, without 联系人).
 */
function requiredChecks(tables: ReadTable[], custOf: Int32Array[], rowIn: Int32Array[], n: number, findings: Finding[]): void {
  const home = (c: number) => tables.findIndex((_, k) => rowIn[k][c] >= 0);
  const keys = [...TABLES.customers.columns.filter((c) => c.required).map((c) => c.key), ...(tables.some((t) => t.columns.has("id")) ? ["id"] : [])];
  const first = tables[0].found;
  for (const key of keys) {
    const def = TABLES.customers.columns.find((c) => c.key === key)!;
    const holders = tables.map((t, ti) => ({ t, ti, col: t.columns.get(key) })).filter((h) => h.col !== undefined);
    if (holders.length === 0) {
      findings.push(makeFinding("COLUMN_MISSING", { sheet: first.sheet, row: first.headerRow, column: def.aliases[0], address: a1(first.sheet, first.headerRow, first.firstCol) }, {
        table: TABLES.customers.labelZh, tableEn: TABLES.customers.labelEn, colEn: def.labelEn,
      }));
      continue;
    }
    const filled = new Uint8Array(n);
    for (const h of holders) {
      const blank = h.t.blank.get(key)!;
      for (let i = 0; i < h.t.length; i++) if (!blank[i]) filled[custOf[h.ti][i]] = 1;
    }
    const lacking = new Set<number>();
    for (let c = 0; c < n; c++) {
      if (filled[c]) continue;
      const h = holders.find((x) => rowIn[x.ti][c] >= 0);
      if (h) findings.push(makeFinding("REQUIRED_MISSING", place(h.t, h.col!, rowIn[h.ti][c]), {}));
      // In no table that has the column: that table lacks it (an id only where a table keeps ids, section 3).
      else if (key !== "id") lacking.add(home(c));
    }
    for (const ti of lacking) {
      const t = tables[ti].found;
      findings.push(makeFinding("COLUMN_MISSING", { sheet: t.sheet, row: t.headerRow, column: def.aliases[0], address: a1(t.sheet, t.headerRow, t.firstCol) }, {
        table: TABLES.customers.labelZh, tableEn: TABLES.customers.labelEn, colEn: def.labelEn,
      }));
    }
  }
}

function place(t: ReadTable, col: ReadColumn, i: number): CellPlace & { column: string } {
  const row = t.found.rowNumbers[i];
  return { sheet: t.found.sheet, row, col: col.col, header: col.header, column: col.header, address: a1(t.found.sheet, row, col.col) };
}

function sameValue(type: ReadColumn["def"]["type"], a: number | string, b: number | string): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") {
    if (type === "date" || type === "datetime") return Math.floor(a) === Math.floor(b);
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)) || (type === "money" && Math.abs(a - b) < 0.005);
  }
  return normalizeText(String(a)).trim().toLowerCase() === normalizeText(String(b)).trim().toLowerCase();
}

function shown(type: ReadColumn["def"]["type"], v: number | string): string {
  // An enumeration is read into its key (won, A …): quoted as its label, as the user reads it.
  if (typeof type === "object" && typeof v === "string" && type.enum !== "coreTags") return enumLabel(type.enum, v);
  if (typeof v === "string") return v;
  if (type === "date" || type === "datetime") return formatDay(v);
  if (type === "money") return money(v);
  if (type === "percent" || type === "signedPercent") return `${Math.round(v * 1000) / 10}%`;
  return String(Math.round(v * 100) / 100);
}

/** An amount as a manager reads it: 12.5万元, 800元. */
export function money(x: number): string {
  return x >= 10_000 ? `${Math.round(x / 100) / 100}万元` : `${Math.round(x * 100) / 100}元`;
}
