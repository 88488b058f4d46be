// Generators for the fuzz suites (issue 8, "Reliability"): hostile cell values, and tables and workbooks that
// look like the five templates (real header aliases from src/core/schema.ts TABLES) with messy values mixed in,
// random column order, unknown and duplicate columns, missing columns, blank rows, title blocks, merged
// ranges, Excel tables (ListObjects) and sheet origins away from A1.
//
// Every generated workbook comes with what the generator knows about it (where each table is, which column is
// which, which rows are blank), so the properties compare the engine against the layout rather than against
// the engine's own reading of it.
import fc from "fast-check";
import { ENUM_CHOICES, ENUM_LOOKUPS } from "../../src/core/labels";
import { classifyHeader, columnLetter, FINDINGS_SHEET, isOwnedHeader, matchHeader, OWNED_MARK, REVIEW_SHEET_PREFIX, TABLE_KINDS, TABLES, type ColumnDef, type TableKind } from "../../src/core/schema";
import type { CellValue, SheetModel, WorkbookModel } from "../../src/core/types";

// ── hostile single values ────────────────────────────────────────────────────

/** Blank by the domain's definition: null, undefined, "" or white space only (full-width space included). */
export function blankCell(v: CellValue): boolean {
  return v === null || v === undefined || (typeof v === "string" && v.trim() === "");
}

const ERROR_CODES = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA", "", "#😀"];
export const errorCell: fc.Arbitrary<CellValue> = fc.constantFrom(...ERROR_CODES).map((error) => ({ error }));

const WHITESPACE = ["", " ", "   ", "\t", "\n", "\r\n", "\u3000", "\u00a0", "\u2003", " \u3000 \t ", "\ufeff"];
export const whitespaceCell: fc.Arbitrary<CellValue> = fc.constantFrom(...WHITESPACE);
export const blankish: fc.Arbitrary<CellValue> = fc.oneof(fc.constant(null), fc.constant(undefined), whitespaceCell);

const controlChars = fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 6 });

/** Excel's cell limit is 32,767 characters: long strings of one repeated unit (brackets, digits, emoji …). */
export const longString: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 3 }),
      fc.constantFrom("(", "（", "【", "[(", "1", "1,", "2024-", "9", " ", "😀", "客户", "13812345678 ", "、", "万", "\u3000", "a("),
    ),
    fc.constantFrom(32_767, 32_766, 5_000),
  )
  .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 10 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 1, arbitrary: controlChars },
  { weight: 1, arbitrary: fc.constantFrom("😀", "👨‍👩‍👧‍👦", "🇨🇳", "客户😀", "Ωmega株式会社", "شركة", "עסק", "Ｆｕｌｌ　ｗｉｄｔｈ", "ｅ", "a\u0300", "\u200b", "\ud800", "NaN", "Infinity", "-0", "1e400", "0x1F", "TRUE", "=SUM(A1)", "+86", "@x", "'x") },
);

const dateNumber = fc.oneof(
  fc.double(), // NaN, ±Infinity, -0, huge, tiny
  fc.integer({ min: -1_000_000, max: 3_000_000 }),
  fc.double({ min: -100, max: 3_000_000, noNaN: true }),
  fc.double({ min: 40_000, max: 50_000, noNaN: true }), // fractional serials in the 2009–2036 range
  fc.constantFrom(0, -0, 1, 59, 60, 61, 2_958_465, 2_958_465.999, 2_958_466, 2_957_003, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 5e-324, NaN, Infinity, -Infinity),
);

export const anyNumber: fc.Arbitrary<number> = fc.oneof(dateNumber, fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1e12, max: 1e12 }));

export const anyDate: fc.Arbitrary<Date> = fc.oneof(
  fc.date(), // the whole JS range, invalid Date included
  fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2035-12-31T23:59:59Z"), noInvalidDate: true }),
  fc.constantFrom(new Date(NaN), new Date(8.64e15), new Date(-8.64e15), new Date("1899-12-30T00:00:00Z"), new Date("1900-02-28T00:00:00Z"), new Date("9999-12-31T23:59:59Z"), new Date("2024-02-29T23:59:00Z")),
);

/** Anything a cell may hold. */
export const messyCell: fc.Arbitrary<CellValue> = fc.oneof(
  { weight: 30, arbitrary: anyString },
  // One cell in a hundred: each costs tens of parser passes over 32,767 characters (they have their own test).
  { weight: 1, arbitrary: longString },
  { weight: 15, arbitrary: anyNumber },
  { weight: 5, arbitrary: fc.boolean() },
  { weight: 10, arbitrary: anyDate },
  { weight: 5, arbitrary: errorCell },
  { weight: 10, arbitrary: blankish },
  { weight: 15, arbitrary: fc.constant(null) },
);

// ── domain-looking values, by column type ─────────────────────────────────────

const fullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

const ymd = fc.record({ y: fc.integer({ min: 1890, max: 2040 }), m: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }) });
export const dateText: fc.Arbitrary<string> = fc
  .tuple(ymd, fc.constantFrom("-", "/", ".", "年"), fc.option(fc.tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }))), fc.boolean(), fc.boolean())
  .map(([{ y, m, d }, sep, time, pad, wide]) => {
    const p = (n: number) => (pad ? String(n).padStart(2, "0") : String(n));
    let s = sep === "年" ? `${y}年${p(m)}月${p(d)}日` : `${y}${sep}${p(m)}${sep}${p(d)}`;
    if (time) s += `${sep === "年" ? "" : " "}${time[0]}:${String(time[1]).padStart(2, "0")}`;
    return wide ? fullWidth(s) : s;
  });
const dateValue: fc.Arbitrary<CellValue> = fc.oneof(
  { weight: 4, arbitrary: dateText },
  { weight: 3, arbitrary: fc.integer({ min: 36_000, max: 48_000 }) },
  { weight: 1, arbitrary: fc.double({ min: 36_000, max: 48_000, noNaN: true }) },
  { weight: 2, arbitrary: fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2032-12-31T00:00:00Z"), noInvalidDate: true }) },
  { weight: 1, arbitrary: fc.constantFrom("2024-02-30", "2024-13-01", "15/01/2024", "下周一", "2024-1-15 25:61", "45306", "45306.5", "2024-01-15T14:30:00Z", "2024年1月15日 14时30分") },
);

const moneyValue: fc.Arbitrary<CellValue> = fc.oneof(
  fc.integer({ min: -5_000, max: 2_000_000 }),
  fc.double({ min: -1e4, max: 1e7, noNaN: true }),
  fc.constantFrom("12,000", "1.2万", "¥12000", "12000元", "-300", "１２０００", "RMB 500", "1,2,3", "3k", "0.5亿", "100万元", "$99.99", "12 000", "9".repeat(400), "1e5", "-0"),
);
const percentValue: fc.Arbitrary<CellValue> = fc.oneof(
  fc.double({ min: -2, max: 200, noNaN: true }),
  fc.constantFrom("35%", "0.35", "35", "３５％", "150%", "5‰", "-12%", "12.5 %", "百分之十", "9".repeat(400)),
);
const countValue: fc.Arbitrary<CellValue> = fc.oneof(fc.integer({ min: -3, max: 40 }), fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom("3次", "2个", "1,200", "4.5分", "3/5", "-1", "三", "9".repeat(400)));
const yearsValue: fc.Arbitrary<CellValue> = fc.oneof(fc.double({ min: -1, max: 30, noNaN: true }), fc.constantFrom("3年", "18个月", "2年6个月", "1.5 years", "3y", "半年", "9".repeat(400) + "年"));
const usccValue: fc.Arbitrary<CellValue> = fc.constantFrom("91310110666007217T", "91310110666007217X", "9131011066600721", "91310110666007217t", " 9131-0110-6660-0721-7T ", "IOSVZ0110666007217", "91310110666007217😀");
const phoneValue: fc.Arbitrary<CellValue> = fc.constantFrom("13812345678", "+86 138-1234-5678", "尾号5678", "手机号:****5678", "021-12345678", "(021)1234 5678", "138 1234 5678", "１３８１２３４５６７８", "微信 wx_123", 13812345678);
const tagValue: fc.Arbitrary<CellValue> = fc.constantFrom("意向、竞品", "终止合作", "有需求", "【战略客户】【紧密型】", "已流失; competitor", "高潜力、待激活", "interested", "");
// A few customers under several spellings (case, full width, spaces), so detail rows link to customer rows
// (and IDs repeat, DUPLICATE_ID), plus some that match nobody (UNKNOWN_CUSTOMER).
const idPool = ["C1", "C2", "CRM2024001", "c1", " C2 ", "Ｃ１", "crm2024001", "C3", "客户-7"];
const namePool = ["甲公司", "乙公司", "ACME Ltd.", "甲 公司", "ＡＣＭＥ ltd.", "acme ltd.", "客户😀", "Ωmega株式会社"];
export const customerIdValue: fc.Arbitrary<CellValue> = fc.constantFrom(...idPool);
export const customerNameValue: fc.Arbitrary<CellValue> = fc.constantFrom(...namePool);
const enumValue = (e: string): fc.Arbitrary<CellValue> => fc.constantFrom(...ENUM_CHOICES[e as keyof typeof ENUM_CHOICES], ...[...ENUM_LOOKUPS[e as keyof typeof ENUM_LOOKUPS].keys()], "bogus", "跟进中");
const freeText: fc.Arbitrary<CellValue> = fc.oneof(
  fc.constantFrom("王经理", "李四", "张三 Zhang", "演示后报价", "客户提出需求,预算50万", "竞争对手接触", "电话沟通", "续约", "新品试用 demo", "节日祝福"),
  fc.string({ unit: "grapheme", maxLength: 8 }),
);

function typedValue(kind: TableKind, def: ColumnDef): fc.Arbitrary<CellValue> {
  if ((def.key === "id" && kind === "customers") || def.key === "customerId") return customerIdValue;
  if ((def.key === "name" && kind === "customers") || def.key === "customerName") return customerNameValue;
  const t = def.type;
  if (typeof t === "object") return enumValue(t.enum);
  switch (t) {
    case "date":
    case "datetime":
      return dateValue;
    case "money":
      return moneyValue;
    case "percent":
    case "signedPercent":
      return percentValue;
    case "score5":
    case "count":
    case "number":
      return countValue;
    case "years":
      return yearsValue;
    case "uscc":
      return usccValue;
    case "contact":
      return phoneValue;
    case "tags":
      return tagValue;
    default:
      return freeText;
  }
}

/** A cell of a known column: mostly what the column expects, sometimes anything at all, sometimes blank. */
function cellFor(kind: TableKind, def: ColumnDef | null): fc.Arbitrary<CellValue> {
  if (def === null) return fc.oneof({ weight: 2, arbitrary: messyCell }, { weight: 1, arbitrary: freeText });
  return fc.oneof({ weight: 6, arbitrary: typedValue(kind, def) }, { weight: 3, arbitrary: messyCell }, { weight: 1, arbitrary: blankish });
}

// ── headers ──────────────────────────────────────────────────────────────────

/** Aliases that the engine reads as exactly this column of this kind (an alias shared by two columns goes to the first). */
function aliasesOf(kind: TableKind, def: ColumnDef): string[] {
  return def.aliases.filter((a) => matchHeader(kind, a) === def.key);
}

/** User columns the engine does not know: they match no alias of any table. */
const UNKNOWN_HEADERS = ["我的备注列", "区域", "Custom 1", "内部编号2", "💼 区域", "x_列", "Column1", "审批人", "季度", "（自定义）", "Notes 2", "来源渠道细分", "客户满意度调研链接", "1"].filter((h) =>
  TABLE_KINDS.every((k) => matchHeader(k, h) === undefined),
);

/** How users decorate a header: bracket annotations, required stars, colons, spaces, case, full width. */
const decorate = (alias: string, how: number): string => {
  switch (how) {
    case 1: return `${alias}(元)`;
    case 2: return `*${alias}`;
    case 3: return `${alias}:`;
    case 4: return ` ${alias} `;
    case 5: return alias.toUpperCase();
    case 6: return `${alias}（*公司/个人）`;
    case 7: return `${alias}【必填】`;
    case 8: return alias.replace(/[A-Za-z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    case 9: return `${alias}(万元)`;
    case 10: return `${alias}(%)`;
    default: return alias;
  }
};

export interface GenColumn {
  /** Column key, or null for a user's own column / a blank header cell / one of the product's ◆ columns. */
  key: string | null;
  header: CellValue;
}

/** A column of a table kind with a randomly chosen, decorated alias. */
function knownColumn(kind: TableKind, key: string): fc.Arbitrary<GenColumn> {
  const def = TABLES[kind].columns.find((c) => c.key === key)!;
  return fc
    .tuple(fc.constantFrom(...aliasesOf(kind, def)), fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: 10 }) }))
    .map(([alias, how]) => {
      const h = decorate(alias, how);
      // Every decoration keeps the match (checked for every alias in parsers.fuzz.test.ts).
      return { key, header: h };
    });
}

/**
 * The header of a table of `kind`: one column from each signature group (so the table is recognised), any
 * subset of the other columns (required ones may be missing), user columns, one duplicated known column,
 * blank header cells and ◆ columns, in random order.
 */
export function headerArb(kind: TableKind): fc.Arbitrary<GenColumn[]> {
  const def = TABLES[kind];
  const keys = def.columns.map((c) => c.key);
  const signature = fc.tuple(...def.signature.map((group) => fc.constantFrom(...group))).map((picked) => [...new Set(picked)]);
  return fc
    .tuple(
      signature,
      // The columns that link a detail row to its customer, more often than the rest.
      fc.subarray(keys.filter((k) => ["id", "name", "customerId", "customerName"].includes(k))),
      fc.subarray(keys, { maxLength: Math.min(8, keys.length) }),
      fc.subarray(UNKNOWN_HEADERS, { maxLength: 2 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 2 }),
    )
    .chain(([sig, links, extra, unknown, duplicate, blanks, owned]) => {
      let chosen = [...new Set([...sig, ...links, ...extra])];
      // The customers table needs two distinct known columns.
      if ((def.minColumns ?? 1) > chosen.length) chosen = [...new Set([...chosen, ...keys.filter((k) => !chosen.includes(k)).slice(0, (def.minColumns ?? 1) - chosen.length)])];
      const known = chosen.map((k) => knownColumn(kind, k));
      if (duplicate) known.push(knownColumn(kind, chosen[chosen.length - 1]));
      const others: GenColumn[] = [
        ...unknown.map((h) => ({ key: null, header: h })),
        ...Array.from({ length: blanks === 3 ? 1 : 0 }, () => ({ key: null, header: null })),
        ...Array.from({ length: owned }, (_, i) => ({ key: null, header: `${OWNED_MARK}结果${i}` })),
      ];
      return fc.tuple(...known).chain((cols) => fc.shuffledSubarray([...cols, ...others], { minLength: cols.length + others.length }));
    })
    .map((cols) => {
      // A blank header cell is never first (the properties work out the table's span either way).
      while (cols.length > 0 && cols[0].header === null) cols.push(cols.shift()!);
      return cols;
    });
}

// ── tables ───────────────────────────────────────────────────────────────────

export interface GenTable {
  kind: TableKind;
  columns: GenColumn[];
  /** Data rows (blank rows included), each as long as the header, plus junk beyond it in `tail`. */
  rows: CellValue[][];
  /** Cells some rows carry to the right of the table, after a blank gap column. */
  tail: CellValue[][];
  /** Title rows above the header (one cell each). */
  titles: string[];
}

const TITLES = ["客户关系周期管理表", "客户信息管理及跟进表", "Customer list 2024", "维护记录", "订单/交易记录", "2024年度 执行计划"];

/** A data row that reads as a header row would start a new table (a documented rule): such rows are not generated. */
function headerLike(row: CellValue[]): boolean {
  return row.some((v) => typeof v === "string") && classifyHeader(row) !== null;
}

export function tableArb(kind: TableKind, maxRows = 7): fc.Arbitrary<GenTable> {
  return headerArb(kind).chain((columns) => {
    const defs = columns.map((c) => (c.key === null ? null : TABLES[kind].columns.find((d) => d.key === c.key)!));
    const row = fc.tuple(...defs.map((d) => cellFor(kind, d)));
    const blankRow = fc.array(blankish, { minLength: columns.length, maxLength: columns.length });
    return fc.record({
      rows: fc.array(fc.oneof({ weight: 5, arbitrary: row }, { weight: 1, arbitrary: blankRow }), { maxLength: maxRows }),
      tail: fc.array(fc.oneof({ weight: 4, arbitrary: fc.constant([] as CellValue[]) }, { weight: 1, arbitrary: fc.array(messyCell, { minLength: 1, maxLength: 2 }) }), { maxLength: maxRows }),
      titles: fc.subarray(TITLES, { maxLength: 2 }),
    }).map(({ rows, tail, titles }) => {
      // The whole sheet row counts (junk to the right included), as findTables reads it.
      const kept = rows.map((r, i) => ({ r, t: tail[i] ?? [] })).filter(({ r, t }) => !headerLike([...r, null, ...t]));
      return { kind, columns, rows: kept.map((x) => x.r), tail: kept.map((x) => x.t), titles };
    });
  });
}

// ── sheets and workbooks ─────────────────────────────────────────────────────

/** Where a generated table landed on its sheet (1-based sheet coordinates). */
export interface Placed {
  table: GenTable;
  sheet: string;
  headerRow: number;
  /** First and last column of the table (its header's first and last non-blank, non-◆ cell). */
  firstCol: number;
  lastCol: number;
  /** Sheet column of the header's first cell (the table may start further right: blank or ◆ cells). */
  headerCol: number;
  /** Sheet row of each data row of `table.rows`. */
  rowNumbers: number[];
  listObject: boolean;
}

export interface GenBook {
  model: WorkbookModel;
  placed: Placed[];
  asOf: string;
  /** How many tables the generator made (the figure recorded for issue 8). */
  tables: number;
}

export interface SheetPlan {
  name: string;
  tables: GenTable[];
  originRow: number;
  originCol: number;
  /** Blank rows and columns before the first title/header inside the cells rectangle. */
  padRows: number;
  padCols: number;
  /** Blank rows between stacked tables (at least one). */
  gap: number;
  listObjects: boolean;
  merged: string[];
  /** Extra blank rows at the end of each Excel table's declared range. */
  listObjectSlack: number;
  /**
   * Columns each declared range reaches beyond the header, left and right (a damaged or hand-edited file; on
   * the left, without padding, the range starts before the first column the adapter read).
   */
  listObjectWiden?: [number, number];
}

/** Lays tables out on a sheet: padding, titles, header, rows, junk to the right; stacked tables below a gap. */
export function layoutSheet(plan: SheetPlan): { sheet: SheetModel; placed: Placed[] } {
  const cells: CellValue[][] = [];
  const placed: Placed[] = [];
  const pad = (): CellValue[] => Array.from({ length: plan.padCols }, () => null);
  for (let i = 0; i < plan.padRows; i++) cells.push([]);
  const listObjects: { name: string; range: string }[] = [];
  plan.tables.forEach((t, k) => {
    if (k > 0) for (let i = 0; i < plan.gap; i++) cells.push([]);
    // Titles only above the first table (a title between stacked tables is a row of data of the first one).
    if (k === 0) for (const title of t.titles) cells.push([...pad(), title]);
    const headerRow = plan.originRow + cells.length;
    const header = t.columns.map((c) => c.header);
    cells.push([...pad(), ...header]);
    const rowNumbers: number[] = [];
    t.rows.forEach((r, i) => {
      rowNumbers.push(plan.originRow + cells.length);
      const tail = t.tail[i] ?? [];
      cells.push(tail.length > 0 ? [...pad(), ...r, null, ...tail] : [...pad(), ...r]);
    });
    const firstOffset = header.findIndex((h) => !blankCell(h) && !isOwnedHeader(h));
    let lastOffset = header.length - 1;
    while (lastOffset > firstOffset && (blankCell(header[lastOffset]) || isOwnedHeader(header[lastOffset]))) lastOffset--;
    const left = plan.originCol + plan.padCols;
    const p: Placed = { table: t, sheet: plan.name, headerRow, headerCol: left, firstCol: left + firstOffset, lastCol: left + lastOffset, rowNumbers, listObject: plan.listObjects };
    if (plan.listObjects) {
      // An Excel table's range is its whole header (edges included) and its rows, maybe with empty rows below.
      // Excel tables never overlap: the slack stops above the next stacked table.
      const slack = k < plan.tables.length - 1 ? Math.min(plan.listObjectSlack, plan.gap - 1) : plan.listObjectSlack;
      const bottom = (rowNumbers.length > 0 ? rowNumbers[rowNumbers.length - 1] : headerRow) + slack;
      const [wl, wr] = plan.listObjectWiden ?? [0, 0];
      const rangeLeft = Math.max(1, left - wl);
      listObjects.push({ name: `表${k + 1}`, range: `${columnLetter(rangeLeft)}${headerRow}:${columnLetter(left + header.length - 1 + wr)}${bottom}` });
      // findTables drops ◆ columns only at the right edge of a declared range; the first column is the range's.
      p.firstCol = rangeLeft;
      let right = left + header.length - 1 + wr;
      while (right > rangeLeft && right < left + header.length && isOwnedHeader(header[right - left])) right--;
      p.lastCol = right;
    }
    placed.push(p);
  });
  const sheet: SheetModel = { name: plan.name, cells, originRow: plan.originRow, originCol: plan.originCol };
  if (plan.merged.length > 0) sheet.merged = plan.merged;
  if (listObjects.length > 0) sheet.tables = listObjects;
  return { sheet, placed };
}

const SHEET_NAMES = ["客户", "Customers", "周期表", "信息管理", "Sheet 1", "O'Brien", "A1", "R1C1", "数据!", "😀表", " sp ", "订单(2024)", "1月", "分类表", "x"];

const mergedRef: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
    .map(([r, c, h, w]) => `${columnLetter(c)}${r}:${columnLetter(c + w)}${r + h}`),
  fc.constantFrom("A1", "Z9:B2", "junk", "A1:XFD1048576", "$B$3:$C$4", "Sheet1!C3:D5", "", "A0:B0"),
);

function sheetPlan(name: string, tables: GenTable[]): fc.Arbitrary<SheetPlan> {
  return fc.record({
    name: fc.constant(name),
    tables: fc.constant(tables),
    originRow: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 60 })),
    originCol: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 12 })),
    padRows: fc.integer({ min: 0, max: 2 }),
    padCols: fc.integer({ min: 0, max: 2 }),
    gap: fc.integer({ min: 1, max: 3 }),
    listObjects: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    merged: fc.array(mergedRef, { maxLength: 3 }),
    listObjectSlack: fc.integer({ min: 0, max: 2 }),
    listObjectWiden: fc.oneof({ weight: 3, arbitrary: fc.constant<[number, number]>([0, 0]) }, { weight: 1, arbitrary: fc.tuple(fc.nat(1), fc.nat(1)) }),
  });
}

const DETAIL_KINDS: TableKind[] = ["interactions", "orders", "tasks", "keyDates", "plan"];
const RULE_KEYS = ["stage.churnDays", "stage.dropRatio", "stage.stableMonths", "weight.spend6m", "weight.tenure", "tier.key", "tier.strategic", "closeness.months", "rfm.windowDays", "rfm.rBreaks", "rfm.mBreaks", "cadence.A", "remind.contractDays", "score.clipLow", "bogus.key"];
const ruleValue: fc.Arbitrary<CellValue> = fc.oneof(
  fc.constantFrom("90", "0.3", "50%", "1", "24", "0", "-5", "30,60,90,180", "1,2,3", "1,1,2,3", "九十", 3650, 0.5, 100, "1e400", "300万"),
  messyCell,
);
const rulesTable: fc.Arbitrary<GenTable> = fc
  .tuple(fc.array(fc.tuple(fc.oneof(fc.constantFrom(...RULE_KEYS), messyCell), ruleValue), { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([rows, note]) => ({
    kind: "rules" as TableKind,
    columns: [{ key: "key", header: "参数" }, { key: "value", header: "值" }, ...(note ? [{ key: "note", header: "说明" }] : [])],
    rows: rows.map(([k, v]) => (note ? [k, v, "x"] : [k, v])).filter((r) => !headerLike(r)),
    tail: [],
    titles: [],
  }))
  .map((t) => ({ ...t, tail: t.rows.map(() => []) }));

/** Junk cells that are no table at all (rows that would read as a header are dropped). */
const junkSheetCells: fc.Arbitrary<CellValue[][]> = fc.array(fc.array(messyCell, { maxLength: 5 }), { maxLength: 5 }).map((rows) => rows.filter((r) => !headerLike(r)));

/**
 * A workbook: usually one customers table (sometimes none or two), 1–4 detail tables (a kind may repeat),
 * sometimes a CRM规则 sheet, a junk sheet and one of the product's own sheets (holding customers that must not
 * be read); the customers sheet may stack a detail table below the customers.
 */
export function bookArb(opts: { maxRows?: number } = {}): fc.Arbitrary<GenBook> {
  const maxRows = opts.maxRows ?? 6;
  return fc
    .record({
      // Usually one customers table; sometimes none (TABLE_MISSING); sometimes two (the one with more rows is
      // used, the other is reported with TABLE_MISSING at its header).
      customers: fc.oneof(
        { weight: 12, arbitrary: tableArb("customers", maxRows).map((t) => [t]) },
        { weight: 1, arbitrary: fc.constant([] as GenTable[]) },
        { weight: 2, arbitrary: fc.tuple(tableArb("customers", maxRows), tableArb("customers", maxRows)) },
      ),
      details: fc.array(fc.constantFrom(...DETAIL_KINDS).chain((k) => tableArb(k, maxRows)), { minLength: 1, maxLength: 4 }),
      rules: fc.option(rulesTable, { freq: 4 }),
      junk: fc.option(junkSheetCells, { freq: 4 }),
      review: fc.option(fc.tuple(tableArb("customers", 3), fc.constantFrom(`${REVIEW_SHEET_PREFIX}客户`, FINDINGS_SHEET)), { freq: 6 }),
      stackFirst: fc.boolean(),
      names: fc.shuffledSubarray(SHEET_NAMES, { minLength: SHEET_NAMES.length }),
      asOf: fc.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      date1904: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.boolean() }),
    })
    .chain(({ customers, details, rules, junk, review, stackFirst, names, asOf, date1904 }) => {
      // Sheets: [customers (+ first detail stacked below it)], other details one per sheet, rules, junk, review.
      const groups: { name: string; tables: GenTable[] }[] = [];
      let rest = details;
      let n = 0;
      if (customers.length > 0) {
        const stack = stackFirst ? [details[0]] : [];
        rest = stackFirst ? details.slice(1) : details;
        groups.push({ name: names[n++], tables: [customers[0], ...stack] });
      }
      for (const t of rest) groups.push({ name: names[n++], tables: [t] });
      if (customers.length > 1) groups.push({ name: names[n++], tables: [customers[1]] });
      if (rules) groups.push({ name: "CRM规则", tables: [rules] });
      return fc.tuple(...groups.map((g) => sheetPlan(g.name, g.tables))).map((plans) => {
        const sheets: SheetModel[] = [];
        const placed: Placed[] = [];
        for (const plan of plans) {
          const laid = layoutSheet(plan);
          sheets.push(laid.sheet);
          placed.push(...laid.placed);
        }
        if (junk) sheets.push({ name: names[n++], cells: junk });
        // The product's own sheets are never read, even when they hold what looks like a customers table.
        if (review) sheets.push({ name: review[1], cells: [review[0].columns.map((c) => c.header), ...review[0].rows] });
        const model: WorkbookModel = { sheets };
        if (date1904 !== undefined) model.date1904 = date1904;
        const tables = placed.length + (review ? 1 : 0);
        return { model, placed, asOf, tables };
      });
    });
}

/** Any cell: hostile values and every kind of value the templates' columns hold, well- or ill-formed. */
export const anyCell: fc.Arbitrary<CellValue> = fc.oneof(
  { weight: 8, arbitrary: messyCell },
  { weight: 2, arbitrary: dateValue },
  { weight: 2, arbitrary: moneyValue },
  { weight: 1, arbitrary: percentValue },
  { weight: 1, arbitrary: countValue },
  { weight: 1, arbitrary: yearsValue },
  { weight: 1, arbitrary: usccValue },
  { weight: 1, arbitrary: phoneValue },
  { weight: 1, arbitrary: tagValue },
  { weight: 1, arbitrary: freeText },
  { weight: 1, arbitrary: fc.constantFrom(...TABLE_KINDS.flatMap((k) => TABLES[k].columns.flatMap((c) => c.aliases))) },
);

/** Every alias with each decoration users add, for the header-matching property. */
export function decoratedAliases(): { kind: TableKind; key: string; header: string }[] {
  const out: { kind: TableKind; key: string; header: string }[] = [];
  for (const kind of TABLE_KINDS) {
    for (const def of TABLES[kind].columns) {
      for (const alias of aliasesOf(kind, def)) for (let how = 0; how <= 10; how++) out.push({ kind, key: def.key, header: decorate(alias, how) });
    }
  }
  return out;
}
