// The two readers of a worksheet part side by side, for the scanner's tests (sheet-scan.test.ts and the red-team
// cases, sheet-scan-redteam.test.ts): saxes, the reference, and the byte scanner fed the part in given cuts.
// Their contract: the scanner gives up (ScanFallback) or reads exactly what saxes reads, and never accepts XML
// saxes refuses.
import { SaxesParser } from "saxes";
import { saxSheet, SheetBuilder } from "../../src/xlsx/read";
import { ScanFallback, SheetScanner } from "../../src/xlsx/sheet-scan";

/** The shared strings and date styles every sheet in these tests reads against. */
export const STRINGS = ["客户甲", "A&B", "<tag>", "", "长文本".repeat(10)];
const DATE_STYLE = [false, true, false];

/** saxes's reading of the part (its XML decoded as the reader decodes a stream), or its error. */
export function saxRead(xml: string | Buffer) {
  if (typeof xml !== "string") xml = xml.toString("utf8");
  const b = new SheetBuilder(STRINGS, DATE_STYLE, false);
  const p = new SaxesParser();
  saxSheet(p, b);
  let err: Error | null = null;
  p.on("error", (e) => (err ??= e));
  try {
    p.write(xml).close();
  } catch (e) {
    err ??= e as Error;
  }
  return err ? { error: err.message } : view(b);
}

/** The scanner fed the XML's UTF-8 bytes in the given cuts, as the reader feeds it a stream. */
export function scanRead(xml: string | Buffer, cuts: number[]) {
  const b = new SheetBuilder(STRINGS, DATE_STYLE, false);
  const s = new SheetScanner(b);
  const bytes = typeof xml === "string" ? Buffer.from(xml, "utf8") : xml;
  let at = 0;
  try {
    for (const c of [...cuts.filter((x) => x > 0 && x < bytes.length)].sort((x, y) => x - y)) {
      s.write(bytes.subarray(at, c));
      at = c;
    }
    s.write(bytes.subarray(at));
    s.end();
  } catch (e) {
    if (e instanceof ScanFallback) return { fallback: e.message };
    return { thrown: String(e) };
  }
  return view(b);
}

/** A builder's sheet as plain data: cells, merges, occupancy (dates and -0 told apart). */
function view(b: SheetBuilder) {
  const { cells, merged, occupancy } = b.finish();
  const cols = [...((occupancy as unknown as { cols: Map<number, number[]> }).cols.entries())].sort((x, y) => x[0] - y[0]);
  return JSON.parse(JSON.stringify({ cells, merged, cols }, (_k, v: unknown) => (v instanceof Date ? `D:${v.toISOString()}` : Object.is(v, -0) ? "-0" : v))) as unknown;
}

/** The contract for one input and one way of cutting its bytes, given saxes's reading of it. */
export function holds(xml: string | Buffer, cuts: number[], sax: unknown): void {
  const scan = scanRead(xml, cuts);
  if ("fallback" in (scan as object)) return;
  expect(sax).not.toHaveProperty("error");
  expect(scan).toEqual(sax);
}
