// A purpose-built scanner for worksheet parts, over the inflated bytes: tags are found byte by byte (short
// searches in JavaScript: a call into Buffer.indexOf costs more than the few bytes between tags) and only the elements the engine reads are looked at (`row`, `c`, `v`, `f`, `is`/`t`, `mergeCell`, `dataValidation`);
// every other element is stepped over, its attributes parsed only far enough to find where it ends. Numbers,
// shared-string indexes and cell references are read straight from the bytes; only text cells are decoded, and a
// short text seen before is not decoded again (a small cache keyed by its bytes).
//
// It checks what it relies on — tags nest and close, attributes are quoted and not repeated, entities are XML's
// own, no character XML forbids — and on anything else (a DOCTYPE, an unknown entity, a stray `<`, a name that
// is not ASCII) it gives up with ScanFallback: the part is then read again by saxes (src/xlsx/read.ts), whose
// result and error messages are the reference. Tests hold the two to the same cells on generated, real-world and
// hostile sheets (test/node/sheet-scan.test.ts).
import { crc32 } from "zlib";
import { CellType, type SheetBuilder } from "./read";

/** The scanner met something it leaves to the full XML parser. */
export class ScanFallback extends Error {
  constructor(why: string) {
    super(`sheet scanner: ${why}`);
  }
}

/** An `&` that does not start one of XML's five entities or a character reference. */
const BAD_AMP = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/;
const ENTITY = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/g;
const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function isXmlChar(n: number): boolean {
  return n === 0x9 || n === 0xa || n === 0xd || (n >= 0x20 && n <= 0xd7ff) || (n >= 0xe000 && n <= 0xfffd) || (n >= 0x10000 && n <= 0x10ffff);
}

/** Text content as XML reads it: line ends normalised, then entities and character references expanded. */
function decodeText(raw: string): string {
  let s = raw.indexOf("\r") >= 0 ? raw.replace(/\r\n?/g, "\n") : raw;
  if (s.indexOf("&") < 0) return s;
  if (BAD_AMP.test(s)) throw new ScanFallback("an & that is not an XML entity");
  s = s.replace(ENTITY, (_m, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named) return NAMED[named];
    const n = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    if (!isXmlChar(n)) throw new ScanFallback("a character reference to a character XML forbids");
    return String.fromCodePoint(n);
  });
  return s;
}

/** An attribute value as XML reads it: whitespace characters become spaces, then entities are expanded. */
function decodeAttr(raw: string): string {
  const s = /[\t\n\r]/.test(raw) ? raw.replace(/\r\n|[\t\n\r]/g, " ") : raw;
  return s.indexOf("&") < 0 ? s : decodeText(s);
}

/** The XML declaration of an XML 1.0 document (saxes reads any other version by XML 1.1's rules: other line ends, other forbidden characters). */
const XML_DECL = /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.0\1([ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?([ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\5)?[ \t\r\n]*\?>$/;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/** Whether bytes [s, e) are an XML name of ASCII letters, digits, `_ - . :` (any other is left to the parser). */
function isAsciiName(b: Buffer, s: number, e: number): boolean {
  if (e <= s) return false;
  const c0 = b[s];
  if (!(isLetter(c0) || c0 === 0x5f || c0 === 0x3a)) return false;
  for (let i = s + 1; i < e; i++) {
    const c = b[i];
    if (!(isLetter(c) || isDigit(c) || c === 0x5f || c === 0x3a || c === 0x2d || c === 0x2e)) return false;
  }
  return true;
}

/** The element kinds the engine reads, by local name. */
const enum K { Other, Row, C, V, F, Is, T, Merge, Validation }

/** The kind of the local name at [s, e). */
function kindAt(b: Buffer, s: number, e: number): K {
  switch (e - s) {
    case 1: {
      const c = b[s];
      return c === 0x63 ? K.C : c === 0x76 ? K.V : c === 0x66 ? K.F : c === 0x74 ? K.T : K.Other;
    }
    case 2:
      return b[s] === 0x69 && b[s + 1] === 0x73 ? K.Is : K.Other;
    case 3:
      return b[s] === 0x72 && b[s + 1] === 0x6f && b[s + 2] === 0x77 ? K.Row : K.Other;
    case 9:
      return b.toString("latin1", s, e) === "mergeCell" ? K.Merge : K.Other;
    case 14:
      return b.toString("latin1", s, e) === "dataValidation" ? K.Validation : K.Other;
    default:
      return K.Other;
  }
}

/** Where the name at [s, e) has its prefix's colon, or -1. */
function colonAt(b: Buffer, s: number, e: number): number {
  for (let i = s; i < e; i++) if (b[i] === 0x3a) return i;
  return -1;
}

/**
 * A tag name as a value to match open and close tags by: the engine's elements without a prefix are their kind
 * (no string made for the millions of `<c>` and `<v>`), any other name its text.
 */
function nameCode(b: Buffer, s: number, e: number, colon: number, kind: K): K | string {
  return colon < 0 && kind !== K.Other ? kind : b.toString("latin1", s, e);
}

/** An attribute's text: decoded already, or its bytes, or undefined when it was not there. */
function attrText(b: Buffer, s: number, e: number, decoded: string | undefined): string | undefined {
  return decoded !== undefined ? decoded : s >= 0 ? b.toString("utf8", s, e) : undefined;
}

/** Digits only, at most 15 of them: their value (exact in a double); else -1. */
function digitsAt(b: Buffer, s: number, e: number): number {
  if (e <= s || e - s > 15) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Short texts repeat (stages, industries, owners): a direct-mapped cache from their bytes to one string each. */
const CACHE_SLOTS = 1 << 16;
const CACHE_MAX_BYTES = 96;
const ARENA_BYTES = 4 << 20;
class TextCache {
  private readonly hashes = new Int32Array(CACHE_SLOTS);
  private readonly offsets = new Int32Array(CACHE_SLOTS).fill(-1);
  private readonly lengths = new Int32Array(CACHE_SLOTS);
  private readonly strings: (string | undefined)[] = new Array(CACHE_SLOTS);
  private arena = Buffer.allocUnsafe(ARENA_BYTES);
  private used = 0;

  /** The text of bytes [s, e) (no `&`, no CR: nothing to decode but UTF-8), `hash` their FNV-1a hash. */
  get(b: Buffer, s: number, e: number, hash: number): string {
    const len = e - s;
    if (len > CACHE_MAX_BYTES) return b.toString("utf8", s, e);
    const slot = hash & (CACHE_SLOTS - 1);
    const off = this.offsets[slot];
    if (off >= 0 && this.hashes[slot] === hash && this.lengths[slot] === len) {
      const a = this.arena;
      let i = 0;
      while (i < len && a[off + i] === b[s + i]) i++;
      if (i === len) return this.strings[slot]!;
    }
    const text = b.toString("utf8", s, e);
    if (this.used + len > ARENA_BYTES) {
      // Full: start over (the strings already handed out stay as they are).
      this.offsets.fill(-1);
      this.used = 0;
    }
    const a = this.arena;
    for (let i = 0, o = this.used; i < len; i++) a[o + i] = b[s + i];
    this.hashes[slot] = hash;
    this.offsets[slot] = this.used;
    this.lengths[slot] = len;
    this.strings[slot] = text;
    this.used += len;
    return text;
  }
}

let sharedCache: TextCache | null = null;

const NUMBER_SLOTS = 1 << 12;
const NUMBER_MAX_BYTES = 24;

/**
 * Decimal cells repeat (rates, margins, scores: a few hundred values over a million rows). Each distinct text's
 * number is made once and the same boxed value handed out again: a fresh one is 16 bytes in every row that keeps
 * it (about 80 MB over the row limit's five decimal columns), and parsing it first made a string.
 */
class NumberCache {
  private readonly keys = new Uint8Array(NUMBER_SLOTS * NUMBER_MAX_BYTES);
  private readonly lengths = new Uint8Array(NUMBER_SLOTS);
  // Generic elements, not doubles: a slot keeps its boxed number, which is handed out as it is.
  private readonly values: (number | null)[] = new Array<number | null>(NUMBER_SLOTS).fill(null);

  /** Number() of the bytes s..e, when they are only digits, signs, points and exponents; else undefined. */
  get(b: Buffer, s: number, e: number): number | undefined {
    const n = e - s;
    if (n === 0 || n > NUMBER_MAX_BYTES) return undefined;
    let h = 0x811c9dc5 | 0;
    for (let i = s; i < e; i++) {
      const c = b[i];
      if (!((c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x45 || c === 0x65)) return undefined;
      h = Math.imul(h ^ c, 0x01000193);
    }
    const slot = (h >>> 0) & (NUMBER_SLOTS - 1);
    const at = slot * NUMBER_MAX_BYTES;
    if (this.lengths[slot] === n) {
      let i = 0;
      while (i < n && this.keys[at + i] === b[s + i]) i++;
      if (i === n) return this.values[slot] as number;
    }
    const v = Number(b.toString("latin1", s, e));
    for (let i = 0; i < n; i++) this.keys[at + i] = b[s + i];
    this.lengths[slot] = n;
    this.values[slot] = v;
    return v;
  }
}

const numberCache = new NumberCache();

/**
 * Scans a worksheet part's bytes chunk by chunk into `b`. Feed it with write(); end() checks the document closed.
 * Throws ScanFallback when the part needs the full parser.
 */
export class SheetScanner {
  private carry: Buffer | null = null;
  /** The open elements: their kind for the engine's own, else their name. */
  private readonly stack: (K | string)[] = [];
  private rootSeen = false;
  private rootClosed = false;
  private bomChecked = false;
  /** Something was read (a declaration only comes first). */
  private declSeen = false;
  // The cell being read: its text so far — decoded pieces, and the last piece as a byte range of the buffer being
  // scanned (read straight from the bytes when it is the whole value).
  private inCell = false;
  private collecting = false;
  private inInline = false;
  private parts: string[] = [];
  private pendS = -1;
  private pendE = -1;
  // One cache for every sheet and book read (texts repeat across sheets; a cache per scanner kept 5 MB per sheet
  // alive as long as the stream that fed it).
  private readonly cache = (sharedCache ??= new TextCache());
  // The attribute names of the tag being read (a repeated one is an error): start, end, hash.
  private readonly attrs: number[] = [];
  private attrCount = 0;

  constructor(private readonly b: SheetBuilder) {}

  write(chunk: Buffer): void {
    const buf = this.carry && this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let start = 0;
    if (!this.bomChecked) {
      if (buf.length < 3 && buf.length > 0 && buf[0] === 0xef) {
        this.carry = Buffer.from(buf);
        return;
      }
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
      if (buf.length > 0) this.bomChecked = true;
    }
    checkChars(buf, start);
    const rest = this.scan(buf, start);
    if (this.pendS >= 0) this.materialize(buf);
    // The rest is copied: a slice would keep the whole chunk alive until the next one.
    this.carry = rest < buf.length ? Buffer.from(buf.subarray(rest)) : null;
  }

  end(): void {
    const carry = this.carry;
    if (carry && carry.length > 0) {
      let blank = true;
      for (let i = 0; i < carry.length; i++) if (!isSpace(carry[i])) blank = false;
      if (!this.rootClosed || !blank) throw new ScanFallback("the part ends inside a tag or with text after the root");
    }
    if (!this.rootSeen || !this.rootClosed || this.stack.length > 0) throw new ScanFallback("the part ends before its root element closes");
  }

  // The next `&` and `]]>` at or after a position in the buffer being scanned (-1: none left), found once
  // and kept until passed: searching afresh at every attribute ran to the chunk's end whenever there was none.
  private ampAt = -2;
  private cdAt = -2;
  private nextAmp(b: Buffer, from: number): number {
    if (this.ampAt !== -1 && this.ampAt < from) this.ampAt = b.indexOf(0x26, from);
    return this.ampAt;
  }
  private nextCdataEnd(b: Buffer, from: number): number {
    if (this.cdAt !== -1 && this.cdAt < from) this.cdAt = b.indexOf("]]>", from, "latin1");
    return this.cdAt;
  }

  /** Scans what is complete in `b` from `pos`; returns where the incomplete rest starts. */
  private scan(b: Buffer, pos: number): number {
    const n = b.length;
    this.ampAt = this.cdAt = -2;
    while (pos < n) {
      let lt = pos;
      while (lt < n && b[lt] !== 0x3c) lt++;
      // Text with no tag after it yet waits for the next chunk (an entity or a character may be cut in two).
      if (lt === n) return pos;
      if (lt > pos) this.text(b, pos, lt);
      if (lt + 1 >= n) return lt;
      const c1 = b[lt + 1];
      if (c1 === 0x21 /* ! */) {
        if (startsWith(b, lt, "<!--")) {
          const e = b.indexOf("-->", lt + 4, "latin1");
          if (e < 0) return lt;
          const dash = b.indexOf("--", lt + 4, "latin1");
          if (dash < e || b[e - 1] === 0x2d) throw new ScanFallback("-- inside a comment");
          this.declSeen = true;
          pos = e + 3;
        } else if (startsWith(b, lt, "<![CDATA[")) {
          const e = b.indexOf("]]>", lt + 9, "latin1");
          if (e < 0) return lt;
          if (this.stack.length === 0) throw new ScanFallback("CDATA outside the root element");
          if (this.collecting) {
            this.materialize(b);
            const cdata = b.toString("utf8", lt + 9, e);
            this.parts.push(cdata.indexOf("\r") >= 0 ? cdata.replace(/\r\n?/g, "\n") : cdata);
          }
          pos = e + 3;
        } else if ((n - lt < 9 && prefixOf(b, lt, "<![CDATA[")) || (n - lt < 4 && prefixOf(b, lt, "<!--"))) {
          return lt;
        } else throw new ScanFallback("a DOCTYPE or other declaration");
      } else if (c1 === 0x3f /* ? */) {
        // The XML declaration, first in the part; any other processing instruction is left to the parser.
        const e = b.indexOf("?>", lt + 2, "latin1");
        if (e < 0) return lt;
        if (this.declSeen || this.rootSeen || !XML_DECL.test(b.toString("latin1", lt, e + 2))) throw new ScanFallback("a processing instruction");
        this.declSeen = true;
        pos = e + 2;
      } else if (c1 === 0x2f /* / */) {
        let gt = lt + 2;
        while (gt < n && b[gt] !== 0x3e) gt++;
        if (gt === n) return lt;
        let e = gt;
        while (e > lt + 2 && isSpace(b[e - 1])) e--;
        this.close(b, lt + 2, e);
        pos = gt + 1;
      } else {
        const end = this.open(b, lt);
        if (end < 0) return lt;
        pos = end;
      }
    }
    return n;
  }

  /** Character data between pos and stop. */
  private text(b: Buffer, pos: number, stop: number): void {
    this.declSeen = true;
    const cdataEnd = this.nextCdataEnd(b, pos);
    if (cdataEnd >= 0 && cdataEnd < stop) throw new ScanFallback("]]> in text");
    if (this.collecting) {
      if (this.pendS >= 0) this.materialize(b);
      this.pendS = pos;
      this.pendE = stop;
      return;
    }
    // Not read, but checked as the parser would: no stray entity, no text outside the root.
    // (decodeText refuses what the parser refuses: an unknown entity, a reference to a character XML forbids).
    const amp = this.nextAmp(b, pos);
    if (amp >= 0 && amp < stop) decodeText(b.toString("utf8", amp, stop));
    if (this.stack.length === 0) {
      for (let i = pos; i < stop; i++) if (!isSpace(b[i])) throw new ScanFallback("text outside the root element");
    }
  }

  /** The pending byte range becomes a decoded piece of the cell's text. */
  private materialize(b: Buffer): void {
    if (this.pendS < 0) return;
    this.parts.push(decodeText(b.toString("utf8", this.pendS, this.pendE)));
    this.pendS = this.pendE = -1;
  }

  /**
   * An opening (or empty-element) tag at lt: its name and attributes; the engine's elements are handed to the
   * builder. Returns where the tag ends, or -1 when it is not complete in `b`.
   */
  private open(b: Buffer, lt: number): number {
    const n = b.length;
    let i = lt + 1;
    while (i < n) {
      const c = b[i];
      if (isSpace(c) || c === 0x3e /* > */ || c === 0x2f /* / */) break;
      if (c === 0x3c || c === 0x22 || c === 0x27 || c === 0x3d) throw new ScanFallback("a malformed tag name");
      i++;
    }
    if (i >= n) return -1;
    if (!isAsciiName(b, lt + 1, i)) throw new ScanFallback("a name the scanner does not check");
    const colon = colonAt(b, lt + 1, i);
    const kind = kindAt(b, colon < 0 ? lt + 1 : colon + 1, i);
    const code = nameCode(b, lt + 1, i, colon, kind);
    this.declSeen = true;
    // Attributes: name="value" or name='value'; only those of the engine's elements are kept, as byte ranges
    // (or their decoded text, when they hold an entity or a white-space character XML normalises).
    let a1s = -1, a1e = -1, a2s = -1, a2e = -1, a3s = -1, a3e = -1;
    let a1: string | undefined, a2: string | undefined, a3: string | undefined;
    const attrs = this.attrs;
    this.attrCount = 0;
    let selfClosing = false;
    for (;;) {
      const before = i;
      while (i < n && isSpace(b[i])) i++;
      if (i >= n) return -1;
      const c = b[i];
      if (c === 0x3e) {
        i++;
        break;
      }
      if (c === 0x2f) {
        if (i + 1 >= n) return -1;
        if (b[i + 1] !== 0x3e) throw new ScanFallback("a / inside a tag");
        selfClosing = true;
        i += 2;
        break;
      }
      if (i === before) throw new ScanFallback("attributes not separated by white space");
      let eq = i;
      while (eq < n && b[eq] !== 0x3d) eq++;
      if (eq === n) return -1;
      let ne = eq;
      while (ne > i && isSpace(b[ne - 1])) ne--;
      if (!isAsciiName(b, i, ne)) throw new ScanFallback("an attribute name the scanner does not check");
      let q = eq + 1;
      while (q < n && isSpace(b[q])) q++;
      if (q >= n) return -1;
      const quote = b[q];
      if (quote !== 0x22 && quote !== 0x27) throw new ScanFallback("an unquoted attribute value");
      // The value: where it closes, and whether it holds a <, an & or a white-space character XML normalises.
      let close = q + 1;
      let lts = false;
      let amps = false;
      let ws = false;
      for (; close < n; close++) {
        const c = b[close];
        if (c === quote) break;
        if (c === 0x3c) lts = true;
        else if (c === 0x26) amps = true;
        else if (c === 0x09 || c === 0x0a || c === 0x0d) ws = true;
      }
      if (close === n) return -1;
      const nameS = i;
      const nameLen = ne - i;
      for (let k = 0; k < this.attrCount; k += 2) {
        const os = attrs[k];
        if (attrs[k + 1] - os !== nameLen) continue;
        let j = 0;
        while (j < nameLen && b[os + j] === b[nameS + j]) j++;
        if (j === nameLen) throw new ScanFallback("a repeated attribute");
      }
      attrs[this.attrCount++] = nameS;
      attrs[this.attrCount++] = ne;
      // Every attribute value is checked as the parser would (no <, only XML's entities); the engine's are kept.
      if (lts) throw new ScanFallback("< in an attribute value");
      if (amps) decodeAttr(b.toString("utf8", q + 1, close));
      if (kind !== K.Other) {
        const plain = !amps && !ws;
        const vs = q + 1;
        const one = nameLen === 1 ? b[nameS] : 0;
        let slot = 0;
        if (kind === K.C) slot = one === 0x72 ? 1 : one === 0x74 ? 2 : one === 0x73 ? 3 : 0; // r, t, s
        else if (kind === K.Row) slot = one === 0x72 ? 1 : 0;
        else if (kind === K.Merge) slot = nameLen === 3 && b.toString("latin1", nameS, ne) === "ref" ? 1 : 0;
        else if (kind === K.Validation) slot = nameLen === 5 && b.toString("latin1", nameS, ne) === "sqref" ? 1 : nameLen === 10 && b.toString("latin1", nameS, ne) === "errorTitle" ? 2 : 0;
        const text = plain ? undefined : decodeAttr(b.toString("utf8", vs, close));
        if (slot === 1) {
          a1s = vs;
          a1e = close;
          a1 = text;
        } else if (slot === 2) {
          a2s = vs;
          a2e = close;
          a2 = text;
        } else if (slot === 3) {
          a3s = vs;
          a3e = close;
          a3 = text;
        }
      }
      i = close + 1;
    }
    // The element itself.
    if (this.stack.length === 0) {
      if (this.rootSeen) throw new ScanFallback("a second root element");
      this.rootSeen = true;
    }
    if (!selfClosing) this.stack.push(code);
    else if (this.stack.length === 0) this.rootClosed = true;
    if (this.collecting) this.materialize(b);
    switch (kind) {
      case K.Row: {
        if (a1 === undefined && a1s >= 0) {
          const r = digitsAt(b, a1s, a1e);
          if (r >= 0) {
            this.b.rowAt(r);
            break;
          }
        }
        this.b.row(attrText(b, a1s, a1e, a1));
        break;
      }
      case K.C:
        this.cell(b, a1s, a1e, a1, a2s, a2e, a2, a3s, a3e, a3);
        this.inCell = !selfClosing;
        // Text held from a <v> or <t> outside any cell is checked (decoded) before it is dropped.
        this.materialize(b);
        this.parts = [];
        if (selfClosing) this.b.endCell(null);
        break;
      // An empty element (<v/>) opens and closes at once, as the parser reports it: nested in a <v>, it ends it.
      case K.V:
        this.collecting = !selfClosing;
        break;
      case K.Is:
        this.inInline = !selfClosing;
        break;
      case K.T:
        if (this.inInline) this.collecting = !selfClosing;
        break;
      case K.F:
        this.b.hasFormula();
        break;
      case K.Merge:
        this.b.merge(attrText(b, a1s, a1e, a1));
        break;
      case K.Validation:
        this.b.validation(attrText(b, a1s, a1e, a1), attrText(b, a2s, a2e, a2));
        break;
    }
    return i;
  }

  /** `<c r= t= s=>` from the bytes: the reference's letters and digits, the type, the style index. */
  private cell(b: Buffer, rs: number, re: number, r: string | undefined, ts: number, te: number, t: string | undefined, ss: number, se: number, s: string | undefined): void {
    // Anything but the plain forms goes through the builder's own reading of the text.
    if (r !== undefined || t !== undefined || s !== undefined) {
      this.b.cell(r ?? (rs >= 0 ? b.toString("utf8", rs, re) : undefined), t ?? (ts >= 0 ? b.toString("utf8", ts, te) : undefined), s ?? (ss >= 0 ? b.toString("utf8", ss, se) : undefined));
      return;
    }
    let style = 0;
    if (ss >= 0) {
      style = digitsAt(b, ss, se);
      if (style < 0) style = Number(b.toString("utf8", ss, se));
    }
    let type = CellType.Number;
    if (ts >= 0) {
      const len = te - ts;
      const c0 = b[ts];
      if (len === 1) type = c0 === 0x73 ? CellType.Shared : c0 === 0x62 ? CellType.Bool : c0 === 0x65 ? CellType.Error : c0 === 0x64 ? CellType.Date : CellType.Number;
      else if ((len === 3 && c0 === 0x73 && b[ts + 1] === 0x74 && b[ts + 2] === 0x72) || (len === 9 && b.toString("latin1", ts, te) === "inlineStr")) type = CellType.Text;
    }
    // A reference (r="" is none): up to four capital letters, then 1–7 digits; anything else is off the grid.
    if (rs < 0 || re === rs) {
      this.b.cellAt(false, 0, 0, type, style);
      return;
    }
    let col = 0;
    let i = rs;
    for (; i < re && i < rs + 4; i++) {
      const c = b[i];
      if (c < 0x41 || c > 0x5a) break;
      col = col * 26 + c - 64;
    }
    const row = re - i >= 1 && re - i <= 7 ? digitsAt(b, i, re) : -1;
    this.b.cellAt(true, row < 0 ? NaN : row, col, type, style);
  }

  private close(b: Buffer, s: number, e: number): void {
    const colon = colonAt(b, s, e);
    const kind = kindAt(b, colon < 0 ? s : colon + 1, e);
    const code = nameCode(b, s, e, colon, kind);
    const top = this.stack.pop();
    if (top !== code) throw new ScanFallback("a close tag that does not close the open element");
    if (this.stack.length === 0) this.rootClosed = true;
    switch (kind) {
      case K.V:
        this.collecting = false;
        break;
      case K.T:
        if (this.inInline) this.collecting = false;
        break;
      case K.Is:
        this.inInline = false;
        break;
      case K.C:
        if (this.inCell) this.endCell(b);
        this.inCell = false;
        break;
    }
  }

  /** `</c>`: the value, from the bytes when the cell's text is one plain piece of them. */
  private endCell(b: Buffer): void {
    const s = this.pendS;
    const e = this.pendE;
    this.pendS = this.pendE = -1;
    if (s >= 0 && this.parts.length === 0) {
      const type = this.b.type;
      if (type === CellType.Number) {
        let i = s;
        if (b[i] === 0x2d) i++;
        const v = digitsAt(b, i, e);
        if (v >= 0) return this.b.endNumber(i > s ? -v : v);
        const d = numberCache.get(b, s, e);
        if (d !== undefined) return this.b.endNumber(d);
      } else if (type === CellType.Shared) {
        const v = digitsAt(b, s, e);
        if (v >= 0) return this.b.endShared(v);
      } else if (type === CellType.Text) {
        // FNV-1a over the bytes; an `&` or a CR needs decoding.
        let h = 0x811c9dc5 | 0;
        let plain = true;
        for (let i = s; i < e; i++) {
          const c = b[i];
          if (c === 0x26 || c === 0x0d) {
            plain = false;
            break;
          }
          h = Math.imul(h ^ c, 0x01000193);
        }
        if (plain) return this.b.endText(this.cache.get(b, s, e, h));
      }
      this.parts.push(decodeText(b.toString("utf8", s, e)));
    } else if (s >= 0) this.parts.push(decodeText(b.toString("utf8", s, e)));
    const p = this.parts;
    this.parts = [];
    this.b.endCell(p.length === 0 ? null : p.length === 1 ? p[0] : p.join(""));
  }
}

function startsWith(b: Buffer, at: number, s: string): boolean {
  if (at + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Whether the bytes from `at` to the end are the start of `s`. */
function prefixOf(b: Buffer, at: number, s: string): boolean {
  for (let i = at; i < b.length; i++) if (b[i] !== s.charCodeAt(i - at)) return false;
  return true;
}

/**
 * Characters XML 1.0 forbids anywhere: C0 controls other than tab, LF and CR, and U+FFFE / U+FFFF (EF BF BE/BF
 * in UTF-8). A sequence cut at the buffer's end is in the next buffer whole (text waits for its `<`).
 */
/** Per byte: 1 a control character XML forbids, else 0. */
const BAD_BYTE = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) if (c !== 0x09 && c !== 0x0a && c !== 0x0d) BAD_BYTE[c] = 1;

const NO_WORDS = new Int32Array(0);

function checkChars(b: Buffer, from: number): void {
  const n = b.length;
  let i = from;
  // Four bytes at a time: a part is nearly all printable bytes, and one test per word finds whether any byte of
  // it is below 0x20 (exact, no misses: x − 0x20202020 borrows into a byte's top bit only where that byte is
  // below 0x20 or a lower byte borrowed, and & ~x drops bytes of 0x80 and above). Such a word is read byte by byte.
  const head = Math.min(n, i + ((4 - ((b.byteOffset + i) & 3)) & 3));
  for (; i < head; i++) if (BAD_BYTE[b[i]] === 1) throw new ScanFallback("a character XML forbids");
  // (A view must start on a multiple of 4: a chunk shorter than its ragged head has no words.)
  const words = n - i >= 4 ? new Int32Array(b.buffer, b.byteOffset + i, (n - i) >> 2) : NO_WORDS;
  for (let w = 0, m = words.length; w < m; w++) {
    const x = words[w];
    if (((x - 0x20202020) & ~x & 0x80808080) === 0) continue;
    const at = i + 4 * w;
    if (BAD_BYTE[b[at]] === 1 || BAD_BYTE[b[at + 1]] === 1 || BAD_BYTE[b[at + 2]] === 1 || BAD_BYTE[b[at + 3]] === 1) throw new ScanFallback("a character XML forbids");
  }
  for (i += 4 * words.length; i < n; i++) if (BAD_BYTE[b[i]] === 1) throw new ScanFallback("a character XML forbids");
  // U+FFFE / U+FFFF: their lead byte EF is found by memchr; fullwidth punctuation (，：（) shares it and is read past.
  for (let at = b.indexOf(0xef, from); at >= 0; at = b.indexOf(0xef, at + 1)) {
    if (b[at + 1] === 0xbf && (b[at + 2] === 0xbe || b[at + 2] === 0xbf)) throw new ScanFallback("a character XML forbids");
  }
}

/** Scans an entry's byte stream (checking its CRC-32 as it goes); rejects with ScanFallback or the stream's error. */
export function scanStream(stream: NodeJS.ReadableStream, expectedCrc: number, scanner: SheetScanner, onBytes?: (n: number) => void, damaged?: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    let crc = 0;
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      reject(e);
    };
    stream.on("data", (chunk: Buffer) => {
      if (failed) return;
      crc = crc32(chunk, crc);
      onBytes?.(chunk.length);
      try {
        scanner.write(chunk);
      } catch (e) {
        fail(e);
      }
    });
    stream.on("error", fail);
    stream.on("end", () => {
      if (failed) return;
      // Damage first: flipped bytes can inflate into text the scanner would take for the user's.
      if (crc >>> 0 !== expectedCrc >>> 0) return fail(damaged ? damaged() : new Error("damaged zip data (checksum mismatch)"));
      try {
        scanner.end();
        resolve();
      } catch (e) {
        fail(e);
      }
    });
  });
}
