// The exceljs adapter: read an .xlsx file into the engine's WorkbookModel, and write a workbook back
// atomically (temporary file + rename), so a failure never leaves a half-written file behind.
import ExcelJS from "exceljs";
import { closeSync, createReadStream, openSync, readSync, renameSync, statSync, unlinkSync } from "fs";
import { basename, dirname, extname, join } from "path";
import { columnLetter, columnNumber, type CellValue, type SheetModel, type WorkbookModel } from "../core";
import { writeAtomic } from "./atomic";
import { readZipEntry, ZipRefused } from "./zip";
import { readBookStreaming, type BookParts } from "./read";

import { BookError } from "./book-error";

export { BookError };

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

function head(file: string, n: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

const startsWith = (buf: Buffer, magic: number[]) => magic.every((b, i) => buf[i] === b);

/** Checks the file before exceljs sees it, so the common mistakes get a precise reason. */
function preflight(file: string): void {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new BookError(file, "这是一个文件夹，不是工作簿", "is a folder, not a workbook");
    size = st.size;
  } catch (e) {
    if (e instanceof BookError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new BookError(file, "文件不存在", "file not found");
    if (code === "EACCES") throw new BookError(file, "没有读取权限", "permission denied");
    throw new BookError(file, `无法打开（${code ?? "未知错误"}）`, `cannot open (${code ?? "unknown error"})`);
  }
  if (size === 0) throw new BookError(file, "文件是空的（0 字节）", "the file is empty (0 bytes)");
  const magic = head(file, 8);
  if (startsWith(magic, OLE_MAGIC)) {
    const ext = extname(file).toLowerCase();
    if (ext === ".xls") throw new BookError(file, "这是旧版 .xls 格式，请在 Excel 中另存为 .xlsx", "this is the old .xls format; save it as .xlsx in Excel");
    throw new BookError(file, "工作簿已加密（设置了打开密码），请先在 Excel 中取消密码", "the workbook is encrypted (password to open); remove the password in Excel first");
  }
  if (!startsWith(magic, ZIP_MAGIC)) {
    const ext = extname(file).toLowerCase();
    const what = ext === ".csv" || /^[\x09\x0a\x0d\x20-\x7e\u0080-\uffff]*$/.test(magic.toString("latin1")) ? "文本文件（例如 CSV）" : "其他类型的文件";
    const whatEn = what.startsWith("文本") ? "a text file (such as CSV)" : "some other kind of file";
    throw new BookError(file, `不是 .xlsx 工作簿：内容是${what}`, `not an .xlsx workbook: the content is ${whatEn}`);
  }
}

export interface LoadedBook {
  file: string;
  workbook: ExcelJS.Workbook;
  model: WorkbookModel;
}

/** Reads an .xlsx file; every way it can fail becomes a BookError with a reason the user can act on. */
export async function readBook(file: string, onProgress?: (bytesRead: number, total: number) => void): Promise<LoadedBook> {
  preflight(file);
  const total = statSync(file).size;
  const workbook = new ExcelJS.Workbook();
  try {
    const stream = createReadStream(file);
    if (onProgress) {
      let read = 0;
      stream.on("data", (chunk) => onProgress((read += chunk.length), total));
    }
    await workbook.xlsx.read(stream);
  } catch (e) {
    const msg = String((e as Error)?.message ?? e);
    // (JSZip reports flipped bytes in a part as "Bug : uncompressed data size mismatch" or a crc32 mismatch.)
    if (/end of central directory|corrupt|invalid|zip|inflate|unexpected end|signature|size mismatch|crc32/i.test(msg)) {
      throw new BookError(file, "文件已损坏或不完整（可能下载或复制时被截断）", "the file is damaged or incomplete (possibly truncated while downloading or copying)");
    }
    throw new BookError(file, `无法读取工作簿（${msg.slice(0, 120)}）`, `cannot read the workbook (${msg.slice(0, 120)})`);
  }
  if (workbook.worksheets.length === 0) throw new BookError(file, "工作簿中没有工作表", "the workbook has no worksheets");
  checkExceljsDates(file, workbook);
  return { file, workbook, model: toModel(workbook) };
}

/**
 * Two ways exceljs misreads dates, found by the hostile-books tests (test/node/hostile.test.ts):
 * - it takes the 1904 date system only from `date1904="1"`; `"true"` (xsd:boolean, written by other tools) leaves
 *   the book in the 1900 system, every date 4 years and a day early, and written back so. The dates are moved
 *   back to where the user has them and the flag set, so the copy shows what the input showed.
 * - a date-formatted number beyond JavaScript's dates becomes an Invalid Date, written back as `NaN`, a file
 *   Excel must repair and the number lost: the book is refused, naming the cell, before anything is written.
 */
function checkExceljsDates(file: string, workbook: ExcelJS.Workbook): void {
  const wbXml = readZipEntry(file, "xl/workbook.xml")?.toString("utf8") ?? "";
  const shift = !workbook.properties.date1904 && /<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*["']true["']/.test(wbXml);
  if (shift) workbook.properties.date1904 = true;
  const moved = (d: Date) => new Date(d.getTime() + 1_462 * 86_400_000);
  for (const ws of workbook.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell({ includeEmpty: false }, (cell) => {
        const v = cell.value as unknown;
        const f = v !== null && typeof v === "object" && !(v instanceof Date) && "result" in v ? (v as { result: unknown }) : null;
        const d = v instanceof Date ? v : f?.result instanceof Date ? f.result : null;
        if (!d) return;
        if (Number.isNaN(d.getTime())) {
          throw new BookError(file, `单元格 ${ws.name}!${cell.address} 是超出 Excel 日期范围的日期，写入时会丢失；请先在 Excel 中修正该单元格或其格式`, `cell ${ws.name}!${cell.address} holds a date outside Excel's dates and would be lost by writing the workbook; fix the cell or its number format in Excel first`);
        }
        if (!shift) return;
        if (v instanceof Date) cell.value = moved(v);
        else if (f) cell.value = { ...f, result: moved(d) } as ExcelJS.CellValue;
      }),
    );
  }
}

/**
 * Reads only the values the engine needs, streaming (src/xlsx/read.ts): for commands that write nothing.
 * A million-row sheet fits in memory this way; the exceljs object model would not.
 */
export async function readModel(file: string, onProgress?: (done: number, total: number) => void): Promise<WorkbookModel> {
  return (await readModelParts(file, onProgress)).model;
}

/** readModel, plus where each part is (for the patching writer, src/xlsx/patch.ts). */
export async function readModelParts(file: string, onProgress?: (done: number, total: number) => void, opts: { keepStrings?: boolean } = {}): Promise<{ model: WorkbookModel; parts: BookParts }> {
  preflight(file);
  try {
    const read = await readBookStreaming(file, (_name, done, total) => onProgress?.(done, total), opts);
    if (read.model.sheets.length === 0) throw new BookError(file, "工作簿中没有工作表", "the workbook has no worksheets");
    return read;
  } catch (e) {
    if (e instanceof BookError) throw e;
    // What the zip reader refuses (encrypted entries, other compression methods, split archives, zip bombs) says why.
    if (e instanceof ZipRefused) throw new BookError(file, e.reasonZh, e.reasonEn);
    const msg = String((e as Error)?.message ?? e);
    if (/zip|inflate|invalid|unexpected end|incorrect header|workbook\.xml/i.test(msg)) {
      throw new BookError(file, "文件已损坏或不完整（可能下载或复制时被截断）", "the file is damaged or incomplete (possibly truncated while downloading or copying)");
    }
    throw new BookError(file, `无法读取工作簿（${msg.slice(0, 120)}）`, `cannot read the workbook (${msg.slice(0, 120)})`);
  }
}

/** The value the engine sees: the cached result of a formula, the plain text of rich text and hyperlinks. */
export function plainValue(v: ExcelJS.CellValue): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (v instanceof Date) return v;
  const o = v as unknown as Record<string, unknown>;
  if ("error" in o && typeof o.error === "string") return { error: o.error };
  if ("formula" in o || "sharedFormula" in o) return plainValue((o.result ?? null) as ExcelJS.CellValue);
  if ("richText" in o && Array.isArray(o.richText)) return (o.richText as { text?: string }[]).map((r) => r.text ?? "").join("");
  if ("hyperlink" in o || "text" in o) return plainValue((o.text ?? null) as ExcelJS.CellValue);
  return null;
}

/** Converts the loaded workbook to the engine's model: values only, merged slaves blank, tables by range. */
export function toModel(workbook: ExcelJS.Workbook): WorkbookModel {
  const sheets: SheetModel[] = [];
  for (const ws of workbook.worksheets) {
    const cells: CellValue[][] = [];
    const rowCount = ws.rowCount;
    const colCount = ws.columnCount;
    for (let r = 1; r <= rowCount; r++) {
      const row = ws.findRow(r);
      const out: CellValue[] = new Array(colCount).fill(null);
      if (row) {
        row.eachCell({ includeEmpty: false }, (cell, c) => {
          if (c > colCount) return;
          // A merged cell's followers report the leader's value; Excel shows them blank.
          out[c - 1] = cell.type === ExcelJS.ValueType.Merge ? null : plainValue(cell.value);
        });
      }
      cells.push(out);
    }
    const merged = Object.values((ws as unknown as { _merges: Record<string, { range: string }> })._merges).map((m) => m.range);
    const tables = (ws.getTables() as unknown as ExcelJS.Table[]).map((t) => tableRange(t)).filter((t): t is { name: string; range: string } => t !== null);
    sheets.push({ name: ws.name, cells, originRow: 1, originCol: 1, merged, tables });
  }
  return { sheets, date1904: workbook.properties?.date1904 === true };
}

function tableRange(t: ExcelJS.Table): { name: string; range: string } | null {
  const m = (t as unknown as { table: { name: string; tableRef?: string; ref?: string; totalsRow?: boolean; rows?: unknown[]; columns?: unknown[] } }).table;
  let ref = m.tableRef ?? (m.ref && m.ref.includes(":") ? m.ref : undefined);
  if (!ref && m.ref && m.columns && m.rows) {
    const top = /^\$?([A-Z]+)\$?(\d+)$/.exec(m.ref);
    if (top) ref = `${m.ref}:${columnLetter(columnNumber(top[1]) + m.columns.length - 1)}${Number(top[2]) + m.rows.length}`;
  }
  if (!ref) return null;
  // A totals row is not data.
  if (m.totalsRow) ref = ref.replace(/(\d+)$/, (d) => String(Number(d) - 1));
  return { name: m.name, range: ref };
}

/**
 * exceljs splits every validation range into single cells when it reads a file and, when it writes them back,
 * joins them into overlapping ranges (exceljs issue 2820), which other readers drop. Joins them again here:
 * per column, runs of consecutive rows with the same rule become one range.
 */
export function compactValidations(workbook: ExcelJS.Workbook): void {
  for (const ws of workbook.worksheets) {
    const model = (ws as unknown as { dataValidations: { model: Record<string, unknown> } }).dataValidations.model;
    const groups = new Map<string, { col: string; rule: unknown; rows: number[] }>();
    for (const [address, rule] of Object.entries(model)) {
      const m = /^([A-Z]+)(\d+)$/.exec(address);
      if (!m) continue; // a range added in this run: written as it is
      delete model[address];
      if (rule === undefined) continue;
      const key = `${m[1]}|${JSON.stringify(rule)}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { col: m[1], rule, rows: [] }));
      g.rows.push(Number(m[2]));
    }
    for (const g of groups.values()) {
      g.rows.sort((a, b) => a - b);
      for (let i = 0; i < g.rows.length; ) {
        let j = i;
        while (j + 1 < g.rows.length && g.rows[j + 1] === g.rows[j] + 1) j++;
        model[i === j ? `${g.col}${g.rows[i]}` : `${g.col}${g.rows[i]}:${g.col}${g.rows[j]}`] = g.rule;
        i = j + 1;
      }
    }
  }
}

/** Writes the workbook to a temporary file beside `out`, then renames it into place. */
/** Writes the workbook atomically; `check` sees the written temporary file before it replaces `out` (it may refuse). */
export async function writeBookAtomic(workbook: ExcelJS.Workbook, out: string, check?: (tmp: string) => void): Promise<void> {
  compactValidations(workbook);
  try {
    await writeAtomic(out, async (tmp) => {
      await workbook.xlsx.writeFile(tmp);
      check?.(tmp);
    });
  } catch (e) {
    throw e instanceof BookError ? e : writeFailure(out, e);
  }
}

/** A failed write as the one line the user sees (the temporary file is already gone). */
export function writeFailure(out: string, e: unknown): BookError {
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === "ENOSPC" ? ["磁盘空间不足", "no space left on the disk"] : code === "EACCES" || code === "EPERM" ? ["没有写入权限", "permission denied"] : code === "ENOENT" ? ["目标文件夹不存在", "the folder does not exist"] : [`写入失败（${code ?? (e as Error).message}）`, `write failed (${code ?? (e as Error).message})`];
  return new BookError(out, `${why[0]}，未写入任何内容`, `${why[1]}; nothing was written`);
}
