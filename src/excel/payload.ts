// Excel on the web caps each request and each response at 5 MB. Batches are sized by bytes, not by cells: the
// JSON of a row of 40-character notes weighs ten times a row of numbers. What is written is measured before it is
// sent; what is read is estimated from the rows read so far, and a response over the limit halves the batch.

/** Excel on the web's request and response limit. */
export const PAYLOAD_LIMIT_BYTES = 5 * 1024 * 1024;
/**
 * The bytes a batch is sized to: well under the limit, for Office's own JSON envelope around the values, and
 * because a read's size is known only from the rows before it (later rows may be heavier).
 */
export const PAYLOAD_BUDGET_BYTES = 2 * 1024 * 1024;
/** A cell's JSON bytes assumed before any row of its sheet has been read (a short text, a date serial). */
export const PRIOR_CELL_BYTES = 16;

/** UTF-8 bytes of a string (what its JSON weighs, give or take escapes), without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** JSON bytes of one cell value as Office.js sends it (a string quoted, a number in its shortest form). */
export function cellBytes(v: unknown): number {
  if (v === null || v === undefined) return 4;
  if (typeof v === "string") return utf8Length(v) + 2;
  if (typeof v === "number") return String(v).length;
  if (typeof v === "boolean") return v ? 4 : 5;
  return utf8Length(JSON.stringify(v) ?? "");
}

/** JSON bytes of a row (its cells, commas and brackets). */
export function rowBytes(row: readonly unknown[]): number {
  let n = 2 + Math.max(0, row.length - 1);
  for (const v of row) n += cellBytes(v);
  return n;
}

/** The payload-limit errors Office reports (the request refused before anything ran; the response too large). */
export function isPayloadError(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code;
  return code === "RequestPayloadSizeLimitExceeded" || code === "ResponsePayloadSizeLimitExceeded";
}

/**
 * Splits `total` rows into runs of at most `maxRows` rows whose bytes (`bytesOf(i)`, row i) stay within
 * `budget`; a single row over the budget is a run of its own.
 */
export function byteChunks(total: number, bytesOf: (i: number) => number, maxRows: number, budget = PAYLOAD_BUDGET_BYTES): [start: number, count: number][] {
  const out: [number, number][] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < total; i++) {
    const b = bytesOf(i);
    if (i > start && (i - start >= maxRows || bytes + b > budget)) {
      out.push([start, i - start]);
      start = i;
      bytes = 0;
    }
    bytes += b;
  }
  if (total > start) out.push([start, total - start]);
  return out;
}
