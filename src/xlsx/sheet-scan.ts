// A purpose-built scanner for worksheet parts: the inflated text is searched for `<` and only the elements the
// engine reads are looked at (`row`, `c`, `v`, `f`, `is`/`t`, `mergeCell`, `dataValidation`); every other element
// is stepped over, its attributes parsed only far enough to find where it ends. It checks what it relies on — tags
// nest and close, attributes are quoted and not repeated, entities are XML's own, no character XML forbids — and
// on anything else (a DOCTYPE, an unknown entity, a stray `<`) it gives up with ScanFallback: the part is then
// read again by saxes (src/xlsx/read.ts), whose result and error messages are the reference. Tests hold the two
// to the same cells on generated, real-world and hostile sheets.
import { crc32 } from "zlib";
import { StringDecoder } from "string_decoder";
import type { SheetBuilder } from "./read";

/** The scanner met something it leaves to the full XML parser. */
export class ScanFallback extends Error {
  constructor(why: string) {
    super(`sheet scanner: ${why}`);
  }
}

/** Characters XML 1.0 does not allow anywhere in a document. */
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
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
  if (raw.indexOf("<") >= 0) throw new ScanFallback("< in an attribute value");
  const s = /[\t\n\r]/.test(raw) ? raw.replace(/\r\n|[\t\n\r]/g, " ") : raw;
  return s.indexOf("&") < 0 ? s : decodeText(s);
}

/** The XML declaration as XML 1.0 writes it. */
const XML_DECL = /^<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.[0-9]+\1([ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])[A-Za-z][A-Za-z0-9._-]*\3)?([ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\5)?[ \t\r\n]*\?>$/;
/** An XML name of ASCII letters, digits, `_ - . :` (not starting with a digit, `-` or `.`). */
const NAME = /^[A-Za-z_:][-A-Za-z0-9._:]*$/;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

/** The element kinds the engine reads, by local name. */
const enum K { Other, Row, C, V, F, Is, T, Merge, Validation }
const KIND: Record<string, K> = { row: K.Row, c: K.C, v: K.V, f: K.F, is: K.Is, t: K.T, mergeCell: K.Merge, dataValidation: K.Validation };
function kindOf(qname: string): K {
  const i = qname.indexOf(":");
  const local = i < 0 ? qname : qname.slice(i + 1);
  switch (local.length) {
    case 1:
      return local === "c" ? K.C : local === "v" ? K.V : local === "f" ? K.F : local === "t" ? K.T : K.Other;
    case 2:
      return local === "is" ? K.Is : K.Other;
    case 3:
      return local === "row" ? K.Row : K.Other;
    default:
      return KIND[local] ?? K.Other;
  }
}

/**
 * Scans a worksheet part's text chunk by chunk into `b`. Feed it with write(); end() checks the document closed.
 * Throws ScanFallback when the part needs the full parser.
 */
export class SheetScanner {
  private carry = "";
  private readonly stack: string[] = [];
  private rootSeen = false;
  private rootClosed = false;
  // The cell being read: its text pieces, raw (entities still in) until the next tag.
  private inCell = false;
  private collecting = false;
  private inInline = false;
  private raw = "";
  private parts: string[] = [];
  private bom = true;
  /** Something was read (a declaration only comes first). */
  private declSeen = false;
  /** Tag and attribute names already checked. */
  private readonly names = new Set<string>();
  /** The attribute names of the tag being read (a repeated one is an error). */
  private readonly attrNames: string[] = [];

  constructor(private readonly b: SheetBuilder) {}

  write(chunk: string): void {
    let text = this.carry + chunk;
    if (this.bom) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length > 0) this.bom = false;
    }
    if (FORBIDDEN.test(chunk)) throw new ScanFallback("a character XML forbids");
    this.carry = text.slice(this.scan(text));
  }

  end(): void {
    if (this.carry.length > 0) {
      if (!this.rootClosed || !/^\s*$/.test(this.carry)) throw new ScanFallback("the part ends inside a tag or with text after the root");
    }
    if (!this.rootSeen || !this.rootClosed || this.stack.length > 0) throw new ScanFallback("the part ends before its root element closes");
  }

  // The next `&`, `<` and `]]>` at or after a position in the text being scanned (-1: none left), found once and
  // kept until passed: searching afresh at every attribute ran to the chunk's end whenever there was none.
  private ampAt = -2;
  private ltAt = -2;
  private cdAt = -2;
  private nextAmp(text: string, from: number): number {
    if (this.ampAt !== -1 && this.ampAt < from) this.ampAt = text.indexOf("&", from);
    return this.ampAt;
  }
  private nextLt(text: string, from: number): number {
    if (this.ltAt !== -1 && this.ltAt < from) this.ltAt = text.indexOf("<", from);
    return this.ltAt;
  }
  private nextCdataEnd(text: string, from: number): number {
    if (this.cdAt !== -1 && this.cdAt < from) this.cdAt = text.indexOf("]]>", from);
    return this.cdAt;
  }

  /** Scans what is complete in `text`; returns where the incomplete rest starts. */
  private scan(text: string): number {
    const n = text.length;
    let pos = 0;
    this.ampAt = this.ltAt = this.cdAt = -2;
    while (pos < n) {
      const lt = text.indexOf("<", pos);
      // Text with no tag after it yet waits for the next chunk (an entity or a line end may be cut in two).
      if (lt < 0) return pos;
      if (lt > pos) this.text(text, pos, lt);
      const c1 = text.charCodeAt(lt + 1);
      if (Number.isNaN(c1)) return lt;
      if (c1 === 0x21 /* ! */) {
        if (text.startsWith("<!--", lt)) {
          const e = text.indexOf("-->", lt + 4);
          if (e < 0) return lt;
          const body = text.slice(lt + 4, e);
          if (body.includes("--") || body.endsWith("-")) throw new ScanFallback("-- inside a comment");
          this.declSeen = true;
          pos = e + 3;
        } else if (text.startsWith("<![CDATA[", lt)) {
          const e = text.indexOf("]]>", lt + 9);
          if (e < 0) return lt;
          if (this.stack.length === 0) throw new ScanFallback("CDATA outside the root element");
          if (this.collecting) {
            this.flush();
            const cdata = text.slice(lt + 9, e);
            this.parts.push(cdata.indexOf("\r") >= 0 ? cdata.replace(/\r\n?/g, "\n") : cdata);
          }
          pos = e + 3;
        } else if (n - lt < 9 && "<![CDATA[".startsWith(text.slice(lt)) || n - lt < 4 && "<!--".startsWith(text.slice(lt))) {
          return lt;
        } else throw new ScanFallback("a DOCTYPE or other declaration");
      } else if (c1 === 0x3f /* ? */) {
        // The XML declaration, first in the part; any other processing instruction is left to the parser.
        const e = text.indexOf("?>", lt + 2);
        if (e < 0) return lt;
        if (this.declSeen || this.rootSeen || !XML_DECL.test(text.slice(lt, e + 2))) throw new ScanFallback("a processing instruction");
        this.declSeen = true;
        pos = e + 2;
      } else if (c1 === 0x2f /* / */) {
        const gt = text.indexOf(">", lt + 2);
        if (gt < 0) return lt;
        let e = gt;
        while (e > lt + 2 && isSpace(text.charCodeAt(e - 1))) e--;
        this.close(text.slice(lt + 2, e));
        pos = gt + 1;
      } else {
        const end = this.open(text, lt);
        if (end < 0) return lt;
        pos = end;
      }
    }
    return n;
  }

  /** Character data between pos and stop. */
  private text(text: string, pos: number, stop: number): void {
    this.declSeen = true;
    const cdataEnd = this.nextCdataEnd(text, pos);
    if (cdataEnd >= 0 && cdataEnd < stop) throw new ScanFallback("]]> in text");
    if (this.collecting) {
      this.raw += text.slice(pos, stop);
      return;
    }
    // Not read, but checked as the parser would: no stray entity, no text outside the root.
    const amp = this.nextAmp(text, pos);
    if (amp >= 0 && amp < stop && BAD_AMP.test(text.slice(amp, stop))) throw new ScanFallback("an & that is not an XML entity");
    if (this.stack.length === 0) {
      for (let i = pos; i < stop; i++) if (!isSpace(text.charCodeAt(i))) throw new ScanFallback("text outside the root element");
    }
  }

  /** Names as XML allows them (ASCII ones; any other is left to the parser). */
  private checkName(name: string): void {
    if (this.names.has(name)) return;
    if (!NAME.test(name)) throw new ScanFallback(`a name the scanner does not check: ${name.slice(0, 20)}`);
    this.names.add(name);
  }

  private flush(): void {
    if (this.raw.length > 0) {
      this.parts.push(decodeText(this.raw));
      this.raw = "";
    }
  }

  /**
   * An opening (or empty-element) tag at lt: its name and attributes; the engine's elements are handed to the
   * builder. Returns where the tag ends, or -1 when it is not complete in `text`.
   */
  private open(text: string, lt: number): number {
    const n = text.length;
    let i = lt + 1;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isSpace(c) || c === 0x3e /* > */ || c === 0x2f /* / */) break;
      if (c === 0x3c || c === 0x22 || c === 0x27 || c === 0x3d) throw new ScanFallback("a malformed tag name");
      i++;
    }
    if (i >= n) return -1;
    const qname = text.slice(lt + 1, i);
    this.checkName(qname);
    this.declSeen = true;
    const kind = kindOf(qname);
    // Attributes: name="value" or name='value'; only those of the engine's elements are kept.
    let a1: string | undefined; // r / ref / sqref
    let a2: string | undefined; // t / errorTitle
    let a3: string | undefined; // s
    const names = this.attrNames;
    names.length = 0;
    let selfClosing = false;
    for (;;) {
      const before = i;
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      if (i >= n) return -1;
      const c = text.charCodeAt(i);
      if (c === 0x3e) {
        i++;
        break;
      }
      if (c === 0x2f) {
        if (i + 1 >= n) return -1;
        if (text.charCodeAt(i + 1) !== 0x3e) throw new ScanFallback("a / inside a tag");
        selfClosing = true;
        i += 2;
        break;
      }
      if (i === before) throw new ScanFallback("attributes not separated by white space");
      const eq = text.indexOf("=", i);
      if (eq < 0) return -1;
      let ne = eq;
      while (ne > i && isSpace(text.charCodeAt(ne - 1))) ne--;
      const name = text.slice(i, ne);
      this.checkName(name);
      let q = eq + 1;
      while (q < n && isSpace(text.charCodeAt(q))) q++;
      if (q >= n) return -1;
      const quote = text.charCodeAt(q);
      if (quote !== 0x22 && quote !== 0x27) throw new ScanFallback("an unquoted attribute value");
      const close = text.indexOf(quote === 0x22 ? '"' : "'", q + 1);
      if (close < 0) return -1;
      if (names.includes(name)) throw new ScanFallback("a repeated attribute");
      names.push(name);
      // Every attribute value is checked as the parser would (no <, only XML's entities); the engine's are kept.
      const lt2 = this.nextLt(text, q + 1);
      if (lt2 >= 0 && lt2 < close) throw new ScanFallback("< in an attribute value");
      const amp = this.nextAmp(text, q + 1);
      const plain = amp < 0 || amp > close;
      if (!plain) decodeAttr(text.slice(q + 1, close));
      if (kind !== K.Other) {
        const local = name;
        const value = () => {
          const v = text.slice(q + 1, close);
          return plain && !/[\t\n\r]/.test(v) ? v : decodeAttr(v);
        };
        if (kind === K.C) {
          if (local === "r") a1 = value();
          else if (local === "t") a2 = value();
          else if (local === "s") a3 = value();
        } else if (kind === K.Row) {
          if (local === "r") a1 = value();
        } else if (kind === K.Merge) {
          if (local === "ref") a1 = value();
        } else if (kind === K.Validation) {
          if (local === "sqref") a1 = value();
          else if (local === "errorTitle") a2 = value();
        }
      }
      i = close + 1;
    }
    // The element itself.
    if (this.stack.length === 0) {
      if (this.rootSeen) throw new ScanFallback("a second root element");
      this.rootSeen = true;
    }
    if (!selfClosing) this.stack.push(qname);
    else if (this.stack.length === 0) this.rootClosed = true;
    if (this.collecting) this.flush();
    switch (kind) {
      case K.Row:
        this.b.row(a1);
        break;
      case K.C:
        this.b.cell(a1, a2, a3);
        this.inCell = !selfClosing;
        this.parts = [];
        this.raw = "";
        if (selfClosing) this.b.endCell(null);
        break;
      case K.V:
        if (!selfClosing) this.collecting = true;
        break;
      case K.Is:
        if (!selfClosing) this.inInline = true;
        break;
      case K.T:
        if (this.inInline && !selfClosing) this.collecting = true;
        break;
      case K.F:
        this.b.hasFormula();
        break;
      case K.Merge:
        this.b.merge(a1);
        break;
      case K.Validation:
        this.b.validation(a1, a2);
        break;
    }
    return i;
  }

  private close(qname: string): void {
    const top = this.stack.pop();
    if (top !== qname) throw new ScanFallback(`</${qname}> does not close <${top ?? ""}>`);
    if (this.stack.length === 0) this.rootClosed = true;
    switch (kindOf(qname)) {
      case K.V:
        this.flush();
        this.collecting = false;
        break;
      case K.T:
        if (this.inInline) {
          this.flush();
          this.collecting = false;
        }
        break;
      case K.Is:
        this.inInline = false;
        break;
      case K.C:
        if (this.inCell) {
          this.flush();
          const p = this.parts;
          this.b.endCell(p.length === 0 ? null : p.length === 1 ? p[0] : p.join(""));
          this.parts = [];
        }
        this.inCell = false;
        break;
    }
  }
}

/** Scans an entry's byte stream (checking its CRC-32 as it goes); rejects with ScanFallback or the stream's error. */
export function scanStream(stream: NodeJS.ReadableStream, expectedCrc: number, scanner: SheetScanner, onBytes?: (n: number) => void, damaged?: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder("utf8");
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
        scanner.write(decoder.write(chunk));
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
        scanner.write(decoder.end());
        scanner.end();
        resolve();
      } catch (e) {
        fail(e);
      }
    });
  });
}
