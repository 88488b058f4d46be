// Streaming edit of one worksheet part (the customers sheet) for the patching writer: the product's own
// cells are put into their rows — replacing what an earlier run wrote in those columns — and everything else
// in the part passes through unchanged, byte for byte, however large the sheet is.

/** A cell to write: its 1-based column and its complete `<c …>…</c>` element. */
export interface PatchCell {
  col: number;
  xml: string;
}

export interface SheetPatch {
  /** Sheet row → the product's cells in that row. */
  rows: ReadonlyMap<number, readonly PatchCell[]>;
  /** Columns the product owns in the rows it patches: any existing cell there is dropped. */
  ownedCols: ReadonlySet<number>;
  /** The first and last row in which owned cells are dropped (a longer earlier run is cleared too). */
  clearFrom: number;
  clearTo: number;
  /** Rewrites the part after `</sheetData>` (conditional formats, validations …); default unchanged. */
  tail?: (xml: string) => string;
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

const CELL = /<c\b[^>]*?(?:\/>|>[\s\S]*?<\/c>)/g;
const REF = /\br="([A-Z]+)\d+"/;

/** One `<row>` element with the product's cells put in column order. */
export function patchRow(rowXml: string, r: number, patch: SheetPatch): string {
  const add = patch.rows.get(r) ?? [];
  const clearing = r >= patch.clearFrom && r <= patch.clearTo;
  if (add.length === 0 && !clearing) return rowXml;
  const selfClosing = /\/>\s*$/.test(rowXml) && !rowXml.includes("</row>");
  const open = selfClosing ? rowXml.replace(/\s*\/>\s*$/, ">") : rowXml.slice(0, rowXml.indexOf(">") + 1);
  const body = selfClosing ? "" : rowXml.slice(open.length, rowXml.lastIndexOf("</row>"));
  const cells: PatchCell[] = [];
  for (const m of body.matchAll(CELL)) {
    const ref = REF.exec(m[0]);
    if (!ref) throw new Error(`row ${r}: a cell without a reference`);
    const col = columnOf(ref[1]);
    if (clearing && patch.ownedCols.has(col)) continue;
    cells.push({ col, xml: m[0] });
  }
  const rest = body.replace(CELL, "").trim();
  if (rest !== "") throw new Error(`row ${r}: unexpected content ${rest.slice(0, 40)}`);
  for (const c of add) {
    if (cells.some((x) => x.col === c.col)) throw new Error(`row ${r}: column ${c.col} is the user's`);
    cells.push(c);
  }
  cells.sort((a, b) => a.col - b.col);
  // The row's `spans` hint would no longer cover the new cells: drop it (it is optional).
  return `${open.replace(/\s+spans="[^"]*"/, "")}${cells.map((c) => c.xml).join("")}</row>`;
}

/** A new `<row>` for a row the sheet did not have. */
function newRow(r: number, cells: readonly PatchCell[]): string {
  return `<row r="${r}">${[...cells].sort((a, b) => a.col - b.col).map((c) => c.xml).join("")}</row>`;
}

/** Streams a worksheet part through the patch. Chunks may split the XML anywhere. */
export async function* patchSheet(chunks: AsyncIterable<string | Buffer>, patch: SheetPatch): AsyncGenerator<string> {
  const pending = [...patch.rows.keys()].sort((a, b) => a - b);
  let next = 0;
  let buf = "";
  let state: "head" | "rows" | "tail" = "head";
  let tail = "";
  const emitPendingBefore = (r: number) => {
    let out = "";
    while (next < pending.length && pending[next] < r) {
      out += newRow(pending[next], patch.rows.get(pending[next])!);
      next++;
    }
    return out;
  };
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of chunks) {
    buf += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (state === "head") {
      const i = buf.search(/<sheetData\b/);
      if (i < 0) continue;
      const close = buf.indexOf(">", i);
      if (close < 0) continue;
      const tag = buf.slice(i, close + 1);
      if (tag.endsWith("/>")) {
        // An empty sheet: all rows are new.
        yield buf.slice(0, i) + `<sheetData>${emitPendingBefore(Infinity)}</sheetData>`;
        buf = buf.slice(close + 1);
        state = "tail";
      } else {
        yield buf.slice(0, close + 1);
        buf = buf.slice(close + 1);
        state = "rows";
      }
    }
    if (state === "rows") {
      let out = "";
      for (;;) {
        const start = buf.search(/<row\b|<\/sheetData>/);
        if (start < 0) break;
        if (buf.startsWith("</sheetData>", start)) {
          out += buf.slice(0, start) + emitPendingBefore(Infinity) + "</sheetData>";
          buf = buf.slice(start + "</sheetData>".length);
          state = "tail";
          break;
        }
        const headEnd = buf.indexOf(">", start);
        if (headEnd < 0) break;
        let end: number;
        if (buf[headEnd - 1] === "/") end = headEnd + 1;
        else {
          const closeAt = buf.indexOf("</row>", headEnd);
          if (closeAt < 0) break;
          end = closeAt + "</row>".length;
        }
        const rowXml = buf.slice(start, end);
        const m = /\br="(\d+)"/.exec(rowXml.slice(0, headEnd - start + 1));
        if (!m) throw new Error("a row without a number");
        const r = Number(m[1]);
        out += buf.slice(0, start) + emitPendingBefore(r);
        if (next < pending.length && pending[next] === r) next++;
        out += patchRow(rowXml, r, patch);
        buf = buf.slice(end);
      }
      if (out) yield out;
    }
    if (state === "tail") {
      tail += buf;
      buf = "";
    }
  }
  buf += decoder.decode();
  if (state !== "tail") throw new Error("the sheet ended inside its rows");
  tail += buf;
  yield patch.tail ? patch.tail(tail) : tail;
}
