// A streaming .xlsx reader for the engine: the zip's parts are inflated as streams and parsed with a SAX
// parser, so a sheet of a million rows never exists as one string or as per-cell objects. It reads exactly what
// the engine needs — values (formulas as their cached results, rich text as its text), merged ranges, Excel
// tables, the 1904 flag — and where each sheet's part is, for the writer (src/xlsx/patch.ts).
import { createReadStream } from "fs";
import { Readable } from "stream";
import { SaxesParser, type SaxesTagPlain } from "saxes";
import { StringDecoder } from "string_decoder";
import { crc32, createInflateRaw } from "zlib";
import { HISTORY_ROLE, HISTORY_SHEET, isHistoryHeader, isOwnedHeader, parseRange, type CellValue, type SheetModel, type WorkbookModel } from "../core";
import { FINDINGS_HEADER, FINDINGS_ROLE, FINDINGS_SHEET } from "../workbook/owned";
import { PIVOT_DATA_HEADER, PIVOT_SHEETS, pivotTitle, REVIEW_PIVOTS } from "../workbook/review-pivots";
import { REVIEW_SHEET_NAMES, REVIEW_STAMP } from "../workbook/review-sheets";
import { isRelType, openPackage, relationships, resolvePart, type Marks } from "./package";
import { scanStream, ScanFallback, SheetScanner } from "./sheet-scan";
import { dataStart, refuseZipBomb, sizeGuard, zipEntries, ZipRefused, type ZipEntry } from "./zip";

export interface SheetPart {
  name: string;
  /** Part path inside the zip, e.g. `xl/worksheets/sheet1.xml`. */
  path: string;
  relId: string;
  /** Hidden or very hidden sheets are read like the others. */
  state: string;
  /** The product's own sheet: its role (`findings`, `review.stages` …), from the workbook's marks. */
  role?: string;
  /** Whether the user has anything in a column between two rows, even what reads as empty (see Occupancy). */
  occupied?: (col: number, from: number, to: number) => boolean;
}

export interface BookParts {
  file: string;
  entries: ZipEntry[];
  sheets: SheetPart[];
  date1904: boolean;
  /** Where the workbook part is (`xl/workbook.xml` for most writers, not all). */
  workbookPath: string;
  /** ISO/IEC 29500 Strict namespaces (read; the writers refuse to edit such a book). */
  strict: boolean;
  marks: Marks;
  sharedStrings?: string;
  styles?: string;
  /** The shared strings as read, when asked for (mask needs them again; a second read of a large table costs as much as the first). */
  strings?: string[];
}

/**
 * The uncompressed bytes of an entry as a stream. A part whose declared size is absurd for a workbook (a zip bomb)
 * is refused (ZipRefused) before a byte is inflated; inflating stops, as damage, once the bytes pass the declared
 * size (or end short of it).
 */
export function entryStream(file: string, entry: ZipEntry, chunkSize = 256 << 10): NodeJS.ReadableStream {
  refuseZipBomb(entry);
  const guard = sizeGuard(entry);
  // An empty part (a stored entry of 0 bytes) has no data range to read.
  if (entry.compressedSize === 0) return Readable.from([]).pipe(guard);
  const start = dataStart(file, entry);
  // Big pieces: zlib's default 16 KiB output costs a callback (and a parser write) per 16 KiB, 2–4× the time.
  const raw = createReadStream(file, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 20 });
  const inflate = entry.method === 0 ? null : createInflateRaw({ chunkSize });
  // An error anywhere ends the whole chain (and closes the file), and reaches the reader through the guard.
  const stop = () => {
    raw.destroy();
    inflate?.destroy();
  };
  const fail = (e: Error) => {
    stop();
    guard.destroy(e);
  };
  raw.on("error", fail);
  inflate?.on("error", fail);
  guard.on("close", stop);
  return (inflate ? raw.pipe(inflate) : raw).pipe(guard);
}

/**
 * Runs a SAX parser over an entry; resolves when the part is parsed. The bytes are checked against the entry's
 * CRC-32: flipped bytes in deflated data can inflate without a zlib error into other text (wrong values read as
 * if they were the user's) or into XML the parser rejects with a message about attributes; either way the
 * user is told the file is damaged. A part that is intact but not well-formed XML is named in the error.
 */
function parseEntry(file: string, entry: ZipEntry, setup: (p: SaxesParser) => void, onBytes?: (n: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const parser = new SaxesParser();
    setup(parser);
    let xmlError: Error | null = null;
    parser.on("error", (e) => (xmlError ??= e));
    const damaged = () => new Error(`${entry.name}: damaged zip data (checksum mismatch)`);
    const s = entryStream(file, entry);
    const decoder = new StringDecoder("utf8");
    let crc = 0;
    s.on("data", (chunk: Buffer) => {
      crc = crc32(chunk, crc);
      onBytes?.(chunk.length);
      if (xmlError) return; // read on to the end only to tell damage from bad XML
      try {
        parser.write(decoder.write(chunk));
      } catch (e) {
        xmlError ??= e as Error;
      }
    });
    s.on("error", reject);
    s.on("end", () => {
      if (crc >>> 0 !== entry.crc32 >>> 0) return reject(damaged());
      try {
        if (!xmlError) parser.write(decoder.end()).close();
      } catch (e) {
        xmlError ??= e as Error;
      }
      if (xmlError) reject(new Error(`${entry.name}: not well-formed XML (${xmlError.message})`));
      else resolve();
    });
  });
}

const local = (name: string) => name.slice(name.indexOf(":") + 1);


/** The relationships of a part (`xl/workbook.xml` → `xl/_rels/workbook.xml.rels`). */
async function relsOf(file: string, entries: Map<string, ZipEntry>, part: string): Promise<Map<string, { target: string; type: string }>> {
  const i = part.lastIndexOf("/");
  const relsPath = `${part.slice(0, i)}/_rels/${part.slice(i + 1)}.rels`;
  const out = new Map<string, { target: string; type: string }>();
  const e = entries.get(relsPath);
  if (!e) return out;
  await parseEntry(file, e, (p) => p.on("opentag", (t: SaxesTagPlain) => {
    if (local(t.name) === "Relationship") out.set(String(t.attributes.Id), { target: resolvePart(part, String(t.attributes.Target)), type: String(t.attributes.Type ?? "") });
  }));
  return out;
}

const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** A number format that shows a date or time (quoted text and [colour]/[locale] sections ignored). */
export function isDateFormat(code: string): boolean {
  const s = code.replace(/"[^"]*"/g, "").replace(/\[[^\]]*\]/g, "").replace(/\\./g, "");
  return /[ymdhs]/i.test(s) && !/^general$/i.test(s.trim());
}

/** Which cell style indexes (`s=`) show dates. */
async function dateStyles(file: string, entries: Map<string, ZipEntry>, path: string | undefined): Promise<boolean[]> {
  const e = path ? entries.get(path) : undefined;
  const out: boolean[] = [];
  if (!e) return out;
  const custom = new Map<number, string>();
  let inCellXfs = false;
  await parseEntry(file, e, (p) => {
    p.on("opentag", (t: SaxesTagPlain) => {
      const n = local(t.name);
      if (n === "numFmt") custom.set(Number(t.attributes.numFmtId), String(t.attributes.formatCode ?? ""));
      else if (n === "cellXfs") inCellXfs = true;
      else if (n === "xf" && inCellXfs) {
        const id = Number(t.attributes.numFmtId ?? 0);
        out.push(BUILTIN_DATE_FORMATS.has(id) || (custom.has(id) && isDateFormat(custom.get(id)!)));
      }
    });
    p.on("closetag", (t) => {
      if (local(t.name) === "cellXfs") inCellXfs = false;
    });
  });
  return out;
}

/** Shared strings: rich-text runs joined, phonetic guides (rPh) left out. */
async function sharedStrings(file: string, entries: Map<string, ZipEntry>, path: string | undefined): Promise<string[]> {
  const e = path ? entries.get(path) : undefined;
  const out: string[] = [];
  if (!e) return out;
  let text: string[] | null = null;
  let inT = false;
  let inPhonetic = 0;
  await parseEntry(file, e, (p) => {
    p.on("opentag", (t: SaxesTagPlain) => {
      const n = local(t.name);
      if (n === "si") text = [];
      else if (n === "rPh") inPhonetic++;
      else if (n === "t" && inPhonetic === 0) inT = true;
    });
    const onText = (s: string) => {
      if (inT && text) text.push(s);
    };
    p.on("text", onText);
    p.on("cdata", onText);
    p.on("closetag", (t) => {
      const n = local(t.name);
      if (n === "t") inT = false;
      else if (n === "rPh") inPhonetic--;
      else if (n === "si" && text) {
        out.push(own(text.length === 1 ? text[0] : text.join("")));
        text = null;
      }
    });
  });
  return out;
}

const MS_PER_DAY = 86_400_000;
/** 9999-12-31, Excel's last date, as a serial of the 1900 and the 1904 system. */
const MAX_SERIAL = 2_958_465;
const MAX_SERIAL_1904 = MAX_SERIAL - 1_462;

/** An Excel date serial as the JS Date exceljs would give (UTC, 1900 or 1904 system). */
export function serialToDate(serial: number, date1904: boolean): Date {
  const days = date1904 ? serial + 1462 : serial;
  // Serials before 1900-03-01 carry Excel's fictitious 1900-02-29.
  const adjusted = !date1904 && days < 61 ? days + 1 : days;
  return new Date(Math.round((adjusted - 25_569) * MS_PER_DAY));
}

/** Excel's grid: 1,048,576 rows, 16,384 columns (A…XFD). */
const MAX_ROW = 1_048_576;
const MAX_COL = 16_384;

function columnIndex(ref: string): { row: number; col: number } {
  let col = 0;
  let i = 0;
  for (; i < ref.length && i < 4; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + c - 64;
  }
  const digits = ref.slice(i);
  return { row: /^\d{1,7}$/.test(digits) ? Number(digits) : NaN, col };
}

/** A flat copy of a string that may be a slice of a much larger one (V8 keeps the parent alive otherwise). */
function own(s: string): string {
  return s.length > 12 ? (" " + s).slice(1) : s;
}

/** Short cell texts repeat (stages, industries, owners): one string each, not one per cell. */
const INTERN_MAX = 24;
let interned = new Map<string, string>();
function intern(s: string): string {
  if (s.length > INTERN_MAX) return s;
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size > 200_000) interned = new Map();
  interned.set(s, s);
  return s;
}

/**
 * Where a sheet has anything of the user's, even what reads as empty: a formula giving "", a blank cell with a
 * style (a fill, a border), a merged range, a drop-down list. Column → row intervals [from, to, from, to …];
 * a column written from top to bottom is one interval whatever its length.
 */
export class Occupancy {
  private readonly cols = new Map<number, number[]>();

  add(col: number, from: number, to = from): void {
    const list = this.cols.get(col);
    if (!list) {
      this.cols.set(col, [from, to]);
      return;
    }
    const end = list[list.length - 1];
    if (from >= list[list.length - 2] && from <= end + 1) list[list.length - 1] = Math.max(end, to);
    else list.push(from, to);
  }

  addRange(ref: string): void {
    const r = parseRange(ref.replace(/\$/g, ""));
    if (!r || r.right - r.left > MAX_COL || r.right < r.left) return;
    for (let c = r.left; c <= r.right; c++) this.add(c, r.top, r.bottom);
  }

  /** Whether anything is in `col` between rows `from` and `to`. */
  has(col: number, from: number, to: number): boolean {
    const list = this.cols.get(col);
    if (!list) return false;
    for (let i = 0; i < list.length; i += 2) if (list[i] <= to && list[i + 1] >= from) return true;
    return false;
  }
}

/** A cell's `t=`: what its text is (an unknown type reads as a number, as exceljs reads it). */
export const enum CellType { Number, Shared, Text, Bool, Error, Date }

/** `t="…"` as a CellType. */
export function cellType(t: string | undefined): CellType {
  switch (t) {
    case "s":
      return CellType.Shared;
    case "str":
    case "inlineStr":
      return CellType.Text;
    case "b":
      return CellType.Bool;
    case "e":
      return CellType.Error;
    case "d":
      return CellType.Date;
    default:
      return CellType.Number;
  }
}

/**
 * What a sheet part's cells become, whichever parser reads them (the byte scanner, src/xlsx/sheet-scan.ts, or
 * saxes when the scanner meets what it does not handle): the parser reports rows, cells, their text, merges and
 * lists; the builder decides values, occupancy and the ◆ columns it skips.
 */
export class SheetBuilder {
  private cells: CellValue[][] = [];
  readonly merged: string[] = [];
  readonly occupancy = new Occupancy();
  private styled = false;
  private formula = false;
  /** Column → the row of its ◆ header; the last row in which a user's (not ◆) cell was read. */
  private readonly ownedBelow = new Map<number, number>();
  private userRow = 0;
  private rowNo = 0;
  private colNo = 0;
  /** The current cell's type and style (the scanner reads values straight from bytes by type). */
  type = CellType.Number;
  private style = 0;
  // A cell outside Excel's grid (A0, XFE1, row 1,048,577, a reference that is not one) does not exist for
  // Excel, which drops it when it repairs the file; kept, it became a sheet of a million phantom rows or a value
  // at index -1 of its row.
  private offGrid = false;

  constructor(
    private readonly strings: readonly string[],
    private readonly isDate: readonly boolean[],
    private readonly date1904: boolean,
  ) {}

  /** `<row r="…">` (r may be left out: the next row). */
  row(r: string | undefined): void {
    this.rowAt(r ? Number(r) : this.rowNo + 1);
  }

  rowAt(n: number): void {
    this.rowNo = n;
    this.colNo = 0;
  }

  /** `<c r="…" t="…" s="…">`. */
  cell(r: string | undefined, t: string | undefined, s: string | undefined): void {
    const ref = r ? columnIndex(r) : null;
    this.cellAt(ref !== null, ref?.row ?? 0, ref?.col ?? 0, cellType(t), Number(s ?? 0));
  }

  /** A cell at (row, col) when it has a reference; else the next in its row. */
  cellAt(hasRef: boolean, row: number, col: number, type: CellType, style: number): void {
    if (hasRef) {
      this.offGrid = !(row >= 1 && row <= MAX_ROW && col >= 1 && col <= MAX_COL);
      if (!this.offGrid) {
        this.rowNo = row;
        this.colNo = col;
      }
    } else {
      this.colNo++;
      this.offGrid = !(Number.isInteger(this.rowNo) && this.rowNo >= 1 && this.rowNo <= MAX_ROW && this.colNo <= MAX_COL);
    }
    this.type = type;
    this.style = style;
    this.styled = style > 0;
    this.formula = false;
  }

  /** An `<f>` in the cell. */
  hasFormula(): void {
    this.formula = true;
  }

  /** `<mergeCell ref="…">`. */
  merge(ref: string | undefined): void {
    if (!ref) return;
    this.merged.push(ref);
    this.occupancy.addRange(ref);
  }

  /** `<dataValidation sqref="…">`: the product's own lists (errorTitle CRM) are not the user's. */
  validation(sqref: string | undefined, errorTitle: string | undefined): void {
    if (errorTitle !== "CRM") for (const ref of String(sqref ?? "").split(/\s+/)) if (ref) this.occupancy.addRange(ref);
  }

  /** `</c>`: the cell's text (its `<v>`, or its inline string's `<t>`s), null when it had none. */
  endCell(text: string | null): void {
    if (text === null) return this.put(undefined);
    // Parsers hand out slices of their input chunks: text kept is copied (own), so the chunks can go.
    let v: CellValue;
    const type = this.type;
    if (type === CellType.Shared) v = this.strings[Number(text)] ?? null;
    else if (type === CellType.Text) v = intern(own(text));
    // 0 and 1 are what Excel writes; any other number is read as exceljs reads it (non-zero is TRUE), so both
    // readers, and a round trip through the exceljs writer, agree.
    else if (type === CellType.Bool) v = text === "true" || (text !== "false" && Number.isFinite(Number(text)) && Number(text) !== 0);
    else if (type === CellType.Error) v = { error: own(text) };
    else if (type === CellType.Date) {
      // An ISO date cell that is not a date stays its text (a BAD_DATE finding), never an Invalid Date.
      const d = new Date(text.endsWith("Z") || /[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
      v = Number.isNaN(d.getTime()) ? intern(own(text)) : d;
    } else return this.endNumber(Number(text));
    this.put(v);
  }

  /** A number cell's value (a date where its style shows one). */
  endNumber(n: number): void {
    // A date-formatted number outside Excel's dates (below 0, after 9999-12-31) shows as ##### in Excel: it
    // stays the number it is (a finding for the engine), not an Invalid Date or a date Excel never shows.
    this.put(this.isDate[this.style] && n >= 0 && n <= (this.date1904 ? MAX_SERIAL_1904 : MAX_SERIAL) ? serialToDate(n, this.date1904) : n);
  }

  /** A shared string cell by its index. */
  endShared(i: number): void {
    this.put(this.strings[i] ?? null);
  }

  /** A text cell's value, already its own string. */
  endText(s: string): void {
    this.put(s);
  }

  /** The cell's value; undefined when it had no text at all. */
  private put(v: CellValue | undefined): void {
    const { colNo, rowNo, styled, formula, offGrid } = this;
    if (offGrid) return;
    // Cells with a value are in the model; the occupancy keeps only what reads as empty (a styled blank, a
    // formula giving nothing), so its intervals stay few even at a million rows.
    if (v === undefined || v === "" || v === null) {
      if (styled || formula) this.occupancy.add(colNo, rowNo);
      return;
    }
    // Below its ◆ header, a result column's cell in a row of the user's table is the product's own, which
    // the engine never reads: on an applied million-row book those would double the memory. A cell there
    // in a row without the user's cells (a note below the table) is the user's and is kept.
    const ownedFrom = this.ownedBelow.get(colNo);
    if (ownedFrom !== undefined) {
      if (rowNo > ownedFrom && this.userRow === rowNo) return;
    } else {
      if (isOwnedHeader(v)) this.ownedBelow.set(colNo, rowNo);
      else this.userRow = rowNo;
    }
    this.rowFor(rowNo, colNo)[colNo - 1] = v;
  }

  // The row being filled: its sheet row, the length it was made with, the last column written in it; and the
  // length of the row before. A row is made as long as the one before (a table's rows are alike): grown cell by
  // cell, V8 leaves a 23-cell row room for 40 — 140 MB of nothing at a million rows.
  private openRow: CellValue[] | null = null;
  private openNo = 0;
  private openMade = 0;
  private openLen = 0;
  private lastLen = 0;

  private rowFor(rowNo: number, colNo: number): CellValue[] {
    if (rowNo !== this.openNo || this.openRow === null) {
      this.closeRow();
      let row = this.cells[rowNo - 1];
      if (row === undefined) {
        row = this.lastLen > 0 ? new Array<CellValue>(this.lastLen) : [];
        this.cells[rowNo - 1] = row;
        this.openLen = 0;
      } else this.openLen = row.length;
      this.openRow = row;
      this.openNo = rowNo;
      this.openMade = row.length;
    }
    if (colNo > this.openLen) this.openLen = colNo;
    return this.openRow;
  }

  /** The open row gets the length of its last cell, and an exact copy when its cells outgrew it. */
  private closeRow(): void {
    const row = this.openRow;
    if (row === null) return;
    this.openRow = null;
    if (this.openLen > this.openMade) this.cells[this.openNo - 1] = row.slice(0, this.openLen);
    else if (row.length !== this.openLen) row.length = this.openLen;
    this.lastLen = this.openLen;
  }

  /**
   * The sheet, every row a dense array (the engine reads rows positionally). The builder lets go of it: a parser's
   * stream can outlive the read (its listeners keep the parser, the parser this builder), and the cells it kept
   * were the whole sheet again after the engine had let its own copy go (PipelineOptions.release).
   */
  finish(): { cells: CellValue[][]; merged: string[]; occupancy: Occupancy } {
    this.closeRow();
    const cells = this.cells;
    for (let r = 0; r < cells.length; r++) {
      const row = (cells[r] ??= []);
      for (let c = 0; c < row.length; c++) if (row[c] === undefined) row[c] = null;
    }
    const out = { cells, merged: this.merged, occupancy: this.occupancy };
    this.cells = [];
    return out;
  }
}

/** Wires a saxes parser to a sheet builder. */
export function saxSheet(p: SaxesParser, b: SheetBuilder): void {
  let value: string[] = [];
  let inCell = false;
  let inValue = false;
  let inInline = false;
  p.on("opentag", (t: SaxesTagPlain) => {
    const a = t.attributes as Record<string, string>;
    switch (local(t.name)) {
      case "row":
        b.row(a.r);
        break;
      case "c":
        b.cell(a.r, a.t, a.s);
        inCell = true;
        value = [];
        break;
      case "v":
        inValue = true;
        break;
      case "is":
        inInline = true;
        break;
      case "t":
        if (inInline) inValue = true;
        break;
      case "f":
        b.hasFormula();
        break;
      case "mergeCell":
        b.merge(a.ref);
        break;
      case "dataValidation":
        b.validation(a.sqref, a.errorTitle);
        break;
    }
  });
  const onText = (s: string) => {
    if (inValue) value.push(s);
  };
  p.on("text", onText);
  p.on("cdata", onText);
  p.on("closetag", (t) => {
    switch (local(t.name)) {
      case "v":
        inValue = false;
        break;
      case "t":
        if (inInline) inValue = false;
        break;
      case "is":
        inInline = false;
        break;
      case "c":
        if (inCell) b.endCell(value.length === 0 ? null : value.length === 1 ? value[0] : value.join(""));
        inCell = false;
        break;
    }
  });
}

/** Whether worksheet parts are read by the byte scanner first (tests turn it off to compare with saxes). */
let scannerEnabled = true;
export function useScanner(on: boolean): void {
  scannerEnabled = on;
}
/** Parts the scanner handed to saxes, with why (for tests: a fallback on an ordinary book is a slow read). */
export const scannerFallbacks: string[] = [];

/**
 * A sheet part's cells, values and merges, and where the user has anything (Occupancy). The byte scanner reads
 * it; a part it does not vouch for (ScanFallback) is read again by saxes, whose cells and errors are the reference.
 */
async function readSheet(file: string, entry: ZipEntry, strings: string[], isDate: boolean[], date1904: boolean, onBytes?: (n: number) => void): Promise<{ cells: CellValue[][]; merged: string[]; occupancy: Occupancy }> {
  let scanned = 0;
  if (scannerEnabled) {
    try {
      const b = new SheetBuilder(strings, isDate, date1904);
      await scanStream(entryStream(file, entry, SCAN_CHUNK), entry.crc32, new SheetScanner(b), (n) => {
        scanned += n;
        onBytes?.(n);
      }, () => new Error(`${entry.name}: damaged zip data (checksum mismatch)`));
      return b.finish();
    } catch (e) {
      if (!(e instanceof ScanFallback)) throw e;
      if (scannerFallbacks.length < 100) scannerFallbacks.push(`${entry.name}: ${e.message}`);
    }
  }
  const b = new SheetBuilder(strings, isDate, date1904);
  // Progress already reported by the scanner is not reported twice.
  let parsed = 0;
  await parseEntry(file, entry, (p) => saxSheet(p, b), (n) => {
    const from = Math.max(parsed, scanned);
    parsed += n;
    if (parsed > from) onBytes?.(parsed - from);
  });
  return b.finish();
}

/** Inflated bytes handed to the scanner at a time (zlib's default, 16 KiB, costs a call and a carry per 16 KiB). */
const SCAN_CHUNK = 1 << 20;

/** The shared strings of a workbook (a second pass: the model keeps only the values it needs). */
export async function sharedStringsOf(parts: BookParts): Promise<string[]> {
  if (parts.strings) return parts.strings;
  return sharedStrings(parts.file, new Map(parts.entries.map((e) => [e.name, e])), parts.sharedStrings);
}

/**
 * A book an earlier version wrote has no marks: its sheets are known by their exact names together with what the
 * product writes in them (the findings sheet's header row, the review sheets' stamp under the title, the staging
 * sheet's header row, a PivotTable sheet's title), and from
 * now on treated as marked (the next write marks them). A copy the user made (`… (2)`) never matches.
 */
function adoptUnmarked(sheets: SheetModel[], parts: SheetPart[], marks: Marks): void {
  const reviewRoles = new Map(REVIEW_SHEET_NAMES.map(([role, name]) => [name, role]));
  sheets.forEach((sheet, i) => {
    const first = sheet.cells[0] ?? [];
    let role: string | undefined;
    if (sheet.name === FINDINGS_SHEET && FINDINGS_HEADER.every((h, c) => first[c] === h)) role = FINDINGS_ROLE;
    else if (reviewRoles.has(sheet.name) && typeof sheet.cells[1]?.[0] === "string" && REVIEW_STAMP.test(sheet.cells[1][0] as string)) role = reviewRoles.get(sheet.name);
    // The staging sheet by its header row, a PivotTable's sheet by its title in A1 (as the pane knows them).
    else if (sheet.name === PIVOT_SHEETS[0].name && PIVOT_DATA_HEADER.every((h, c) => first[c] === h)) role = PIVOT_SHEETS[0].role;
    // The history sheet by its name and header row; its rows are the engine's input, so its cells are kept.
    else if (sheet.name === HISTORY_SHEET && isHistoryHeader(first)) role = HISTORY_ROLE;
    else {
      const pivot = REVIEW_PIVOTS.find((p) => PIVOT_SHEETS.find((x) => x.role === p.role)!.name === sheet.name && first[0] === pivotTitle(p));
      if (pivot) role = pivot.role;
    }
    if (role === undefined || marks.sheets.has(role)) return;
    marks.sheets.set(role, sheet.name);
    parts[i].role = role;
    sheets[i] = role === HISTORY_ROLE ? { ...sheet, owned: true, role } : { name: sheet.name, cells: [], owned: true };
  });
}

/**
 * Reads a workbook for the engine without building a document object model. `onProgress` reports the sheets'
 * uncompressed bytes read out of their total as they stream past (a big customers sheet moves the bar
 * throughout, not in one jump), with the name of the sheet being read.
 */
export async function readBookStreaming(file: string, onProgress?: (name: string, done: number, total: number) => void, opts: { keepStrings?: boolean } = {}): Promise<{ model: WorkbookModel; parts: BookParts }> {
  const list = zipEntries(file);
  if (!list) throw new Error("not a readable zip archive");
  // Part names with backslashes (`xl\\workbook.xml`, written by a few Windows tools) are not part names at all
  // in OPC; Excel does not open such a file, and copying it would hand the user the same broken package.
  const bad = list.find((e) => e.name.includes("\\"));
  if (bad) throw new ZipRefused(`压缩包中的部件名使用了反斜杠（${bad.name}），Excel 无法打开这种文件；请用 Excel 或 WPS 另存为 .xlsx 后重试`, `the zip's part names use backslashes (${bad.name}), which Excel does not open; save the book again as .xlsx in Excel or WPS and try again`);
  const entries = new Map(list.map((e) => [e.name, e]));
  const pkg = openPackage(file, list);
  const wb = pkg.workbook;
  const date1904 = wb.date1904;
  const declared = wb.sheets();
  const rels = new Map(relationships(pkg.rels, wb.path).map((r) => [r.id, r]));
  const sst = [...rels.values()].find((r) => isRelType(r.type, "sharedStrings"))?.part ?? undefined;
  const stylesPath = [...rels.values()].find((r) => isRelType(r.type, "styles"))?.part ?? undefined;
  const [strings, isDate] = await Promise.all([
    sharedStrings(file, entries, sst ?? (entries.has("xl/sharedStrings.xml") ? "xl/sharedStrings.xml" : undefined)),
    dateStyles(file, entries, stylesPath ?? (entries.has("xl/styles.xml") ? "xl/styles.xml" : undefined)),
  ]);
  const marks = wb.marks();
  const roleOf = new Map([...marks.sheets].map(([role, name]) => [name, role]));

  const sheets: SheetModel[] = [];
  const parts: SheetPart[] = [];
  const partOf = (d: (typeof declared)[number]) => {
    const path = rels.get(d.relId)?.part;
    return path ? entries.get(path) : undefined;
  };
  // The product's own sheets are not read, but for the history sheet, whose rows the engine reads back.
  const skipped = (name: string) => roleOf.has(name) && roleOf.get(name) !== HISTORY_ROLE;
  const total = declared.reduce((sum, d) => sum + (skipped(d.name) ? 0 : partOf(d)?.size ?? 0), 0);
  let done = 0;
  for (const d of declared) {
    const path = rels.get(d.relId)?.part ?? undefined;
    const e = path ? entries.get(path) : undefined;
    onProgress?.(d.name, done, total);
    // A sheet the workbook declares but whose part is not in the zip (flipped bytes in the central directory's
    // names, a part left out by a broken writer) is damage: read as an empty sheet, the user was told their
    // customers table was missing (while exceljs, reading the local headers, found it).
    if (!path || !e) throw new Error(`${path ?? d.relId}: the part of sheet "${d.name}" is missing from the zip`);
    const role = roleOf.get(d.name);
    if (role !== undefined && role !== HISTORY_ROLE) {
      // The product's own sheets (findings, review), known by their marks, are never read by the engine: a
      // million-row book's findings sheet would otherwise cost as much as its customers.
      sheets.push({ name: d.name, cells: [], owned: true });
      parts.push({ name: d.name, path, relId: d.relId, state: d.state, role });
      continue;
    }
    const { cells, merged, occupancy } = await readSheet(file, e, strings, isDate, date1904, (n) => {
      done += n;
      onProgress?.(d.name, done, total);
    });
    const tables: { name: string; range: string }[] = [];
    for (const r of (await relsOf(file, entries, path)).values()) {
      if (!r.type.endsWith("/table")) continue;
      const te = entries.get(r.target);
      if (!te) continue;
      await parseEntry(file, te, (p) => p.on("opentag", (t: SaxesTagPlain) => {
        if (local(t.name) !== "table") return;
        let ref = String(t.attributes.ref);
        if (Number(t.attributes.totalsRowCount ?? 0) > 0) ref = ref.replace(/(\d+)$/, (n) => String(Number(n) - 1));
        tables.push({ name: String(t.attributes.name ?? t.attributes.displayName ?? ""), range: ref });
      }));
    }
    if (role === HISTORY_ROLE) {
      sheets.push({ name: d.name, cells, originRow: 1, originCol: 1, owned: true, role });
      parts.push({ name: d.name, path, relId: d.relId, state: d.state, role });
      continue;
    }
    sheets.push({ name: d.name, cells, originRow: 1, originCol: 1, merged, tables, owned: false });
    parts.push({ name: d.name, path, relId: d.relId, state: d.state, occupied: (col, from, to) => occupancy.has(col, from, to) });
  }
  onProgress?.("", total, total);
  adoptUnmarked(sheets, parts, marks);
  return {
    model: { sheets, date1904 },
    parts: { file, entries: list, sheets: parts, date1904, workbookPath: wb.path, strict: wb.strict, marks, sharedStrings: sst, styles: stylesPath, strings: opts.keepStrings ? strings : undefined },
  };
}
