// Streaming edit of one worksheet part (the customers sheet) for the patching writer: the product's own
// cells are put into their rows — replacing what an earlier run wrote in those columns — and everything else
// in the part passes through unchanged, byte for byte, however large the sheet is.
import { columnLetter } from "../core";

/** The part is not laid out the way this patcher reads it (prefixed names, cells without references …). */
export class PatchUnsupported extends Error {}

/** A cell to write: its 1-based column and its complete `<c …>…</c>` element. */
export interface PatchCell {
  col: number;
  xml: string;
}

/** Sheet row → the product's cells in that row: a Map, or computed on demand for a sheet of a million rows. */
export interface PatchRows {
  get(row: number): readonly PatchCell[] | undefined;
  keys(): Iterable<number>;
}

export interface SheetPatch {
  rows: PatchRows;
  /** Columns the product owns in the rows it patches: any existing cell there is dropped. */
  ownedCols: ReadonlySet<number>;
  /** The first and last row in which owned cells are dropped (a longer earlier run is cleared too). */
  clearFrom: number;
  clearTo: number;
  /** Existing cells to rewrite (masking): sheet row → column → the new element from the old one. */
  edits?: ReadonlyMap<number, ReadonlyMap<number, (cell: string) => string>>;
  /** Rows added after the sheet's last row, as XML in pieces (the history sheet's appended rows). */
  append?: Iterable<string>;
  /** Rewrites the part before the rows, `<sheetData>` included (dimension, column widths …); default unchanged. */
  head?: (xml: string) => string;
  /** Rewrites the part after `</sheetData>` (conditional formats, validations …), given the head as read; default unchanged. */
  tail?: (xml: string, head: string) => string;
}

function columnOf(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    col = col * 26 + c - 64;
  }
  return col;
}

const REF = /\br=["']([A-Z]+)\d+["']/;
const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/**
 * How the worksheet names its elements: most writers use the default namespace (`<row>`, `<c>`), some a prefix
 * (ClosedXML and the Open XML SDK: `<x:row>`, `<x:c>`). The patterns find either; the product's own cells,
 * written unprefixed, declare the namespace on themselves when the default one is not the worksheet's.
 */
export class SheetSyntax {
  readonly rowOrEnd: RegExp;
  readonly cell: RegExp;
  readonly rowClose: string;
  constructor(
    readonly prefix: string,
    readonly defaultIsMain: boolean,
  ) {
    const p = prefix ? `${prefix}:` : "";
    this.rowOrEnd = new RegExp(`<${p}row\\b|<\\/${p}sheetData>`, "g");
    // With a prefix, the product's own cells (unprefixed, declaring the namespace on themselves) are cells too.
    const c = p ? `(?:${p})?c` : "c";
    this.cell = new RegExp(`<${c}\\b[^>]*?(?:\\/>|>[\\s\\S]*?<\\/${c}>)`, "g");
    this.rowClose = `</${p}row>`;
  }

  static DEFAULT = new SheetSyntax("", true);

  /** Reads the prefix off the part's start, up to and including the `<sheetData>` tag. */
  static of(head: string): SheetSyntax {
    const m = /<(?:([A-Za-z_][\w.-]*):)?sheetData\b/.exec(head);
    const prefix = m?.[1] ?? "";
    const defaultNs = /<(?:[A-Za-z_][\w.-]*:)?worksheet\b[^>]*?\sxmlns=(["'])([^"']*)\1/.exec(head)?.[2];
    return prefix === "" ? SheetSyntax.DEFAULT : new SheetSyntax(prefix, defaultNs === MAIN_NS);
  }

  /** An element the product wrote (unprefixed), made to mean the same in this part. */
  own(xml: string): string {
    return this.defaultIsMain ? xml : xml.replace(/^<(\w+)/, `<$1 xmlns="${MAIN_NS}"`);
  }

  tag(name: string): string {
    return this.prefix ? `${this.prefix}:${name}` : name;
  }
}

/** Whether text[from, to) is all white space (as String.prototype.trim sees it). */
function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c > 0x20 && c < 0x7f) return false;
    return text.slice(i, to).trim() === "";
  }
  return true;
}

/** One `<row>` element with the product's cells put in column order. */
export function patchRow(rowXml: string, r: number, patch: SheetPatch, syntax: SheetSyntax = SheetSyntax.DEFAULT): string {
  const add = patch.rows.get(r) ?? [];
  const clearing = r >= patch.clearFrom && r <= patch.clearTo;
  const edits = patch.edits?.get(r);
  if (add.length === 0 && !clearing && !edits) return rowXml;
  const selfClosing = /\/>\s*$/.test(rowXml) && !rowXml.includes(syntax.rowClose);
  const open = selfClosing ? rowXml.replace(/\s*\/>\s*$/, ">") : rowXml.slice(0, rowXml.indexOf(">") + 1);
  const body = selfClosing ? "" : rowXml.slice(open.length, rowXml.lastIndexOf(syntax.rowClose));
  const cells: PatchCell[] = [];
  let prev = 0;
  // Anything but white space between the cells is content this patcher does not know (checked as the cells are
  // found: a second pass over every row's XML cost a tenth of apply at a million rows).
  let gapAt = 0;
  let stray = false;
  for (const m of body.matchAll(syntax.cell)) {
    if (!stray && m.index > gapAt && !isBlank(body, gapAt, m.index)) stray = true;
    gapAt = m.index + m[0].length;
    const ref = REF.exec(m[0]);
    // A reference this patcher cannot read (`r="b5"`, `r="$C$5"`): leave the row to the other writer.
    if (!ref && /^<[\w:]+\b[^>]*\sr=/.test(m[0])) throw new PatchUnsupported(`row ${r}: cell reference not understood`);
    // A cell may leave out its reference (it follows the one before); it gets one, as cells are inserted beside it.
    const col = ref ? columnOf(ref[1]) : prev + 1;
    prev = col;
    if (clearing && patch.ownedCols.has(col)) continue;
    const xml = ref ? m[0] : m[0].replace(/^<([\w:]+)\b/, `<$1 r="${columnLetter(col)}${r}"`);
    const edit = edits?.get(col);
    cells.push({ col, xml: edit ? edit(xml) : xml });
  }
  if (stray || !isBlank(body, gapAt, body.length)) {
    const rest = body.replace(syntax.cell, "").trim();
    throw new PatchUnsupported(`row ${r}: unexpected content ${rest.slice(0, 40)}`);
  }
  for (const c of add) {
    if (cells.some((x) => x.col === c.col)) throw new PatchUnsupported(`row ${r}: column ${c.col} is the user's`);
    cells.push({ col: c.col, xml: syntax.own(c.xml) });
  }
  cells.sort((a, b) => a.col - b.col);
  // The row's `spans` hint would no longer cover the new cells: drop it (it is optional). A row without its
  // number gets it, as its cells got theirs.
  const head = open.replace(/\s+spans=(["'])[^"']*\1/, "").replace(/^<([\w:]+)\b(?![^>]*\br=)/, `<$1 r="${r}"`);
  return `${head}${cells.map((c) => c.xml).join("")}${syntax.rowClose}`;
}

/** A new `<row>` for a row the sheet did not have. */
function newRow(r: number, cells: readonly PatchCell[], syntax: SheetSyntax): string {
  return `<${syntax.tag("row")} r="${r}">${[...cells].sort((a, b) => a.col - b.col).map((c) => syntax.own(c.xml)).join("")}${syntax.rowClose}`;
}

/** Appended rows (written unprefixed), made to mean the same in a part whose default namespace is not the worksheet's. */
function* appended(rows: Iterable<string>, syntax: SheetSyntax): Generator<string> {
  for (const xml of rows) yield syntax.defaultIsMain ? xml : xml.replace(/<row\b/g, `<row xmlns="${MAIN_NS}"`);
}

/** Streams a worksheet part through the patch. Chunks may split the XML anywhere. */
export async function* patchSheet(chunks: AsyncIterable<string | Buffer>, patch: SheetPatch): AsyncGenerator<string> {
  const pending = [...patch.rows.keys()].sort((a, b) => a - b);
  let next = 0;
  let lastRow = 0;
  let buf = "";
  let state: "head" | "rows" | "tail" = "head";
  let tail = "";
  let head = "";
  let syntax = SheetSyntax.DEFAULT;
  const emitPendingBefore = (r: number) => {
    let out = "";
    while (next < pending.length && pending[next] < r) {
      out += newRow(pending[next], patch.rows.get(pending[next])!, syntax);
      next++;
    }
    return out;
  };
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of chunks) {
    buf += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (state === "head") {
      const i = buf.search(/<([A-Za-z_][\w.-]*:)?sheetData\b/);
      if (i < 0) continue;
      const close = buf.indexOf(">", i);
      if (close < 0) continue;
      const tag = buf.slice(i, close + 1);
      syntax = SheetSyntax.of(buf.slice(0, close + 1));
      const sheetData = syntax.tag("sheetData");
      if (tag.endsWith("/>")) {
        // An empty sheet: all rows are new.
        head = buf.slice(0, i) + tag.replace(/\s*\/>$/, ">");
        yield (patch.head ? patch.head(head) : head) + emitPendingBefore(Infinity);
        if (patch.append) yield* appended(patch.append, syntax);
        yield `</${sheetData}>`;
        buf = buf.slice(close + 1);
        state = "tail";
      } else {
        head = buf.slice(0, close + 1);
        yield patch.head ? patch.head(head) : head;
        buf = buf.slice(close + 1);
        state = "rows";
      }
    }
    if (state === "rows") {
      // Walk the buffer with an index (no re-slicing per row): a sheet has up to a million rows.
      const out: string[] = [];
      let pos = 0;
      const rowOrEnd = syntax.rowOrEnd;
      for (;;) {
        rowOrEnd.lastIndex = pos;
        const m = rowOrEnd.exec(buf);
        if (!m) break;
        const start = m.index;
        if (m[0].startsWith("</")) {
          out.push(buf.slice(pos, start), emitPendingBefore(Infinity));
          if (patch.append) {
            yield out.join("");
            out.length = 0;
            yield* appended(patch.append, syntax);
          }
          out.push(m[0]);
          pos = start + m[0].length;
          state = "tail";
          break;
        }
        const headEnd = buf.indexOf(">", start);
        if (headEnd < 0) break;
        let end: number;
        if (buf[headEnd - 1] === "/") end = headEnd + 1;
        else {
          const closeAt = buf.indexOf(syntax.rowClose, headEnd);
          if (closeAt < 0) break;
          end = closeAt + syntax.rowClose.length;
        }
        const rowXml = buf.slice(start, end);
        const n = /\br=["'](\d+)["']/.exec(rowXml.slice(0, headEnd - start + 1));
        // A row may leave out its number: it follows the one before.
        const r = n ? Number(n[1]) : lastRow + 1;
        lastRow = r;
        out.push(buf.slice(pos, start), emitPendingBefore(r));
        if (next < pending.length && pending[next] === r) next++;
        out.push(patchRow(rowXml, r, patch, syntax));
        pos = end;
      }
      buf = buf.slice(pos);
      if (out.length > 0) yield out.join("");
    }
    if (state === "tail") {
      tail += buf;
      buf = "";
    }
  }
  buf += decoder.decode();
  if (state !== "tail") throw new PatchUnsupported("the sheet ended inside its rows");
  tail += buf;
  yield patch.tail ? patch.tail(tail, head) : tail;
}
