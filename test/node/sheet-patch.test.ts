// The streaming worksheet patch: the product's cells land in their rows in column order, an earlier run's
// cells in owned columns are dropped, every other cell and byte outside the rows is unchanged, and the result
// does not depend on where the input was split into chunks.
import fc from "fast-check";
import { SaxesParser, type SaxesTagPlain } from "saxes";
import { patchSheet, type PatchCell, type SheetPatch } from "../../src/xlsx/sheet-patch";

const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:D9"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetData>';
const TAIL = '</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';
const letter = (c: number) => String.fromCharCode(64 + c);
const userCell = (r: number, c: number) => (c % 3 === 0 ? `<c r="${letter(c)}${r}" t="inlineStr"><is><t>用户 ${r}/${c} &amp; &lt;x&gt;</t></is></c>` : `<c r="${letter(c)}${r}" s="1"><v>${r * 10 + c}</v></c>`);
const ownedCell = (r: number, c: number, tag: string): PatchCell => ({ col: c, xml: `<c r="${letter(c)}${r}" t="inlineStr"><is><t>${tag}${r}</t></is></c>` });

async function run(xml: string, patch: SheetPatch, cuts: number[]): Promise<string> {
  const points = [...new Set(cuts.map((x) => Math.floor(x * xml.length)))].sort((a, b) => a - b);
  async function* chunks() {
    let at = 0;
    for (const p of points) {
      yield xml.slice(at, p);
      at = p;
    }
    yield xml.slice(at);
  }
  let out = "";
  for await (const s of patchSheet(chunks(), patch)) out += s;
  return out;
}

/** (row, col) → the cell's XML, read by a real XML parser (and proof the output is well-formed). */
function cellsOf(xml: string): { cells: Map<string, string>; rowOrder: number[]; colOrder: number[][] } {
  const cells = new Map<string, string>();
  const rowOrder: number[] = [];
  const colOrder: number[][] = [];
  const p = new SaxesParser();
  p.on("opentag", (t: SaxesTagPlain) => {
    if (t.name === "row") {
      rowOrder.push(Number(t.attributes.r));
      colOrder.push([]);
    }
    if (t.name === "c") {
      const ref = String(t.attributes.r);
      colOrder[colOrder.length - 1].push(ref.charCodeAt(0) - 64);
    }
  });
  p.write(xml).close();
  for (const m of xml.matchAll(/<c r="([A-Z])(\d+)"[\s\S]*?(?:\/>|<\/c>)/g)) cells.set(`${m[2]},${m[1].charCodeAt(0) - 64}`, m[0]);
  return { cells, rowOrder, colOrder };
}

test("owned cells replace an earlier run's, user cells stay, rows and columns stay in order, any chunking", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 9 }).map((rs) => [...new Set(rs)].sort((a, b) => a - b)), // rows present
      fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }).map((rs) => [...new Set(rs)]), // rows patched
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
      async (present, patchedRows, cuts) => {
        // Columns A–D are the user's; E and F the product's; G is the user's again (beyond the owned block).
        const owned = new Set([5, 6]);
        const rowsXml = present.map((r) => (r === 4 ? `<row r="4" spans="1:7"/>` : `<row r="${r}" spans="1:7" ht="15">${[1, 2, 3, 4].map((c) => userCell(r, c)).join("")}${r % 2 ? `<c r="E${r}"><v>0</v></c>` : ""}${userCell(r, 7)}</row>`)).join("");
        const xml = HEAD + rowsXml + TAIL;
        const rows = new Map(patchedRows.map((r) => [r, [ownedCell(r, 6, "F"), ownedCell(r, 5, "E")]]));
        const patch: SheetPatch = { rows, ownedCols: owned, clearFrom: 1, clearTo: 12 };
        const out = await run(xml, patch, cuts);
        // Independent of chunking.
        expect(out).toBe(await run(xml, patch, []));
        // Bytes before and after the rows are unchanged.
        expect(out.startsWith(HEAD)).toBe(true);
        expect(out.endsWith(TAIL)).toBe(true);
        const { cells, rowOrder, colOrder } = cellsOf(out);
        expect(rowOrder).toEqual([...new Set([...present, ...patchedRows])].sort((a, b) => a - b));
        for (const cols of colOrder) expect(cols).toEqual([...cols].sort((a, b) => a - b));
        // Every user cell is there, unchanged; owned cells are exactly the patch.
        for (const r of present) {
          if (r === 4) continue;
          for (const c of [1, 2, 3, 4, 7]) expect(cells.get(`${r},${c}`)).toBe(userCell(r, c));
        }
        for (const [key] of cells) {
          const [r, c] = key.split(",").map(Number);
          if (owned.has(c)) expect(rows.has(r)).toBe(true);
        }
        for (const r of patchedRows) expect(cells.get(`${r},5`)).toBe(ownedCell(r, 5, "E").xml);
      },
    ),
    { numRuns: 300 },
  );
});

test("an empty sheet gets the rows; the tail hook rewrites what follows the rows", async () => {
  const xml = '<worksheet xmlns="x"><sheetData/><pageMargins left="1"/></worksheet>';
  const patch: SheetPatch = { rows: new Map([[2, [ownedCell(2, 1, "A")]]]), ownedCols: new Set([1]), clearFrom: 1, clearTo: 2, tail: (t) => t.replace("<pageMargins", '<dataValidations count="0"/><pageMargins') };
  let out = "";
  for await (const s of patchSheet((async function* () { yield xml; })(), patch)) out += s;
  expect(out).toBe('<worksheet xmlns="x"><sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>A2</t></is></c></row></sheetData><dataValidations count="0"/><pageMargins left="1"/></worksheet>');
});

test("a patch never overwrites a user's cell: it refuses instead", async () => {
  const xml = `${HEAD}<row r="1">${userCell(1, 5)}</row>${TAIL}`;
  const patch: SheetPatch = { rows: new Map([[1, [ownedCell(1, 5, "E")]]]), ownedCols: new Set([6]), clearFrom: 1, clearTo: 1 };
  await expect(run(xml, patch, [])).rejects.toThrow(/column 5 is the user's/);
});
