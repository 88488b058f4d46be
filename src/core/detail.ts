// The detail tables (orders, interactions, tasks, key dates, plan) joined to the customers: each kind's tables
// concatenated column by column, each row's customer resolved once, and the rows indexed by customer (CSR layout),
// never joined O(n²).
import { makeFinding } from "./findings";
import { a1, TABLES, type TableKind } from "./schema";
import type { Customers } from "./tables";
import type { KeyDateType, TaskStatus } from "./labels";
import type { Day, Finding } from "./types";
import type { ReadTable } from "./validate";

/** Customer-indexed compressed rows: the detail rows of customer c are order[start[c] .. start[c+1]). */
export interface Csr {
  start: Int32Array;
  order: Int32Array;
}

export function buildCsr(owner: Int32Array, customers: number, sortKey?: Float64Array): Csr {
  const start = new Int32Array(customers + 1);
  for (let i = 0; i < owner.length; i++) if (owner[i] >= 0) start[owner[i] + 1]++;
  for (let c = 0; c < customers; c++) start[c + 1] += start[c];
  const fill = start.slice(0, customers);
  const order = new Int32Array(start[customers]);
  for (let i = 0; i < owner.length; i++) if (owner[i] >= 0) order[fill[owner[i]]++] = i;
  if (sortKey) {
    for (let c = 0; c < customers; c++) {
      const seg = order.subarray(start[c], start[c + 1]);
      if (seg.length > 1) seg.sort((a, b) => (sortKey[a] || 0) - (sortKey[b] || 0) || a - b);
    }
  }
  return { start, order };
}

/** One detail kind: its tables concatenated; row j's customer is owner[j] (−1 unknown or left out). */
export interface DetailKind {
  present: boolean;
  tables: ReadTable[];
  length: number;
  owner: Int32Array;
  num(key: string): Float64Array;
  str(key: string): (string | null)[];
  hasCol(key: string): boolean;
  /** The table and row index of concatenated row j. */
  rowAt(j: number): { t: ReadTable; i: number };
  /** `Sheet!C12`: the cell of column `key` in concatenated row j ("" when that table has no such column). */
  cellAt(j: number, key: string): string;
  /** `Sheet!C2:C40`: where a column's values are, per table, for a sum over them. */
  columnRange(key: string): string;
}

/**
 * Concatenates a detail kind's tables and resolves each row's customer (−1 when unknown, an UNKNOWN_CUSTOMER
 * finding). Columnar: row j of the concatenation is row j − offset[k] of table k.
 */
export function linkDetail(kind: TableKind, tables: ReadTable[], customers: Customers | null, findings: Finding[]): DetailKind {
  const offsets: number[] = [];
  let length = 0;
  for (const t of tables) {
    offsets.push(length);
    length += t.length;
  }
  const owner = new Int32Array(length).fill(-1);
  tables.forEach((t, k) => {
    const idc = t.columns.get("customerId");
    const nmc = t.columns.get("customerName");
    for (let i = 0; i < t.length; i++) {
      const id = idc?.str?.[i];
      const nm = nmc?.str?.[i];
      const c = customers?.find(id, nm);
      if (c === undefined && (id || nm) && customers) {
        const col = id ? idc! : nmc!;
        findings.push(makeFinding("UNKNOWN_CUSTOMER", { sheet: t.found.sheet, row: t.found.rowNumbers[i], column: col.header, address: a1(t.found.sheet, t.found.rowNumbers[i], col.col) }, {
          val: (id ?? nm) as string, table: TABLES[kind].labelZh, tableEn: TABLES[kind].labelEn,
        }));
      }
      if (c !== undefined) owner[offsets[k] + i] = c;
    }
  });
  const ranges = new Map<string, string>();
  const rowAt = (j: number) => {
    let k = tables.length - 1;
    while (k > 0 && offsets[k] > j) k--;
    return { t: tables[k], i: j - offsets[k] };
  };
  return {
    present: tables.length > 0,
    tables,
    length,
    owner,
    num(key) {
      const out = new Float64Array(length).fill(NaN);
      tables.forEach((t, k) => {
        const col = t.columns.get(key)?.num;
        if (col) out.set(col, offsets[k]);
      });
      return out;
    },
    str(key) {
      const out: (string | null)[] = new Array(length).fill(null);
      tables.forEach((t, k) => {
        const col = t.columns.get(key)?.str;
        if (col) for (let i = 0; i < t.length; i++) out[offsets[k] + i] = col[i];
      });
      return out;
    },
    hasCol: (key) => tables.some((t) => t.columns.has(key)),
    rowAt,
    cellAt(j, key) {
      const { t, i } = rowAt(j);
      const col = t.columns.get(key);
      return col ? a1(t.found.sheet, t.found.rowNumbers[i], col.col) : "";
    },
    columnRange(key) {
      // Asked for per customer (each customer's sources): built once per column.
      const hit = ranges.get(key);
      if (hit !== undefined) return hit;
      const range = tables
        .filter((t) => t.columns.has(key) && t.length > 0)
        .map((t) => {
          const col = t.columns.get(key)!;
          const first = a1(t.found.sheet, t.found.rowNumbers[0], col.col);
          return `${first}:${a1(t.found.sheet, t.found.rowNumbers[t.length - 1], col.col).replace(/^.*!/, "")}`;
        })
        .join("、");
      ranges.set(key, range);
      return range;
    },
  };
}

/** Leaves out of every fact the rows dated after D (they are FUTURE_DATE findings already). */
export function dropFutureRows(d: DetailKind, dates: Float64Array, asOf: Day): void {
  for (let j = 0; j < dates.length; j++) if (Math.floor(dates[j]) > asOf) d.owner[j] = -1;
}

/** The earliest dated row over all customers (NaN when none): a table covers a window that starts on or after it. */
export function earliest(dates: Float64Array, asOf: Day): number {
  let min = NaN;
  for (let j = 0; j < dates.length; j++) {
    const d = Math.floor(dates[j]);
    if (d <= asOf && !(d >= min)) min = d;
  }
  return min;
}

/** The detail tables the facts and results read, with their columns and per-customer indexes. */
export interface DetailIndex {
  orders: DetailKind;
  oDate: Float64Array;
  oAmount: Float64Array;
  oProfit: Float64Array;
  /** Orders per customer, by date. */
  oCsr: Csr;
  /** The earliest order day of the book (NaN without orders): the orders table covers windows starting on or after it. */
  oFirst: number;
  inter: DetailKind;
  iTime: Float64Array;
  iFeedback: (string | null)[];
  iContent: (string | null)[];
  /** Interactions per customer, by time. */
  iCsr: Csr;
  tasks: DetailKind;
  tCreated: Float64Array;
  tDue: Float64Array;
  tStatus: (TaskStatus | null)[];
  tCsr: Csr;
  keyDates: DetailKind;
  kType: (KeyDateType | null)[];
  kDate: Float64Array;
  kLead: Float64Array;
  kCsr: Csr;
}

export function indexDetails(read: ReadonlyMap<TableKind, ReadTable[]>, customers: Customers | null, asOf: Day, findings: Finding[]): DetailIndex {
  const n = customers?.length ?? 0;
  const link = (kind: TableKind) => linkDetail(kind, read.get(kind) ?? [], customers, findings);
  const orders = link("orders");
  const inter = link("interactions");
  const tasks = link("tasks");
  const keyDates = link("keyDates");
  // Rows dated after D are FUTURE_DATE findings (validate.ts) and are left out of every fact.
  const oDate = orders.num("date");
  dropFutureRows(orders, oDate, asOf);
  const iTime = inter.num("time");
  dropFutureRows(inter, iTime, asOf);
  const tCreated = tasks.num("created");
  dropFutureRows(tasks, tCreated, asOf);
  return {
    orders, oDate, oAmount: orders.num("amount"), oProfit: orders.num("profit"), oCsr: buildCsr(orders.owner, n, oDate), oFirst: earliest(oDate, asOf),
    inter, iTime, iFeedback: inter.str("feedback"), iContent: inter.str("content"), iCsr: buildCsr(inter.owner, n, iTime),
    tasks, tCreated, tDue: tasks.num("due"), tStatus: tasks.str("status") as (TaskStatus | null)[], tCsr: buildCsr(tasks.owner, n),
    keyDates, kType: keyDates.str("type") as (KeyDateType | null)[], kDate: keyDates.num("date"), kLead: keyDates.num("leadDays"), kCsr: buildCsr(keyDates.owner, n),
  };
}
