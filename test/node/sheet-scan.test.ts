// The worksheet scanner (src/xlsx/sheet-scan.ts) against saxes, the full XML parser it stands in for: on generated
// sheet XML of every form the writers use (prefixes, entities and character references, CDATA, rich inline text,
// comments, odd white space and quotes, cells without references, a byte-order mark), its bytes cut into chunks
// anywhere — even inside a UTF-8 character — both give the same cells, merges and occupancy. On broken XML the scanner never accepts what saxes
// refuses: it hands the part to saxes (ScanFallback), or reads it exactly as saxes does.
import fc from "fast-check";
import { basename, join } from "path";
import { readBookStreaming, scannerFallbacks, useScanner } from "../../src/xlsx/read";
import { CORPUS } from "./real-world";
import { holds, saxRead, scanRead, STRINGS } from "./scan-harness";

// ── generated sheets ──

const CHARS = ["a", "Z", "0", " ", "&", "<", ">", '"', "'", "\r\n", "\r", "\n", "\t", "客", "户", "😀", "é", "]]", "]]>", "_x000D_", ";", "#"];
const textArb = fc.array(fc.constantFrom(...CHARS), { maxLength: 12 }).map((a) => a.join(""));

/** Escapes text content one of the ways writers do: named entities, decimal or hex references. */
function escText(s: string, style: number): string {
  const ref = (c: string) => (style === 1 ? `&#${c.codePointAt(0)};` : style === 2 ? `&#x${c.codePointAt(0)!.toString(16)};` : ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" } as Record<string, string>)[c]);
  return s.replace(/[&<>]/g, ref).replace(/["']/g, (c) => (style === 0 ? c : ref(c)));
}

const cellArb = fc.record({
  kind: fc.constantFrom("n", "s", "inline", "rich", "cdata", "str", "b", "e", "d", "blank", "date"),
  num: fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 })),
  text: textArb,
  text2: textArb,
  esc: fc.integer({ min: 0, max: 2 }),
  style: fc.integer({ min: 0, max: 2 }),
  withRef: fc.boolean(),
  formula: fc.boolean(),
  space: fc.constantFrom("", " ", "\n  ", "\t"),
  quote: fc.constantFrom('"', "'"),
});

const sheetArb = fc.record({
  prefix: fc.constantFrom("", "x:"),
  rows: fc.array(fc.record({ withR: fc.boolean(), gap: fc.integer({ min: 1, max: 3 }), cells: fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), cellArb), { maxLength: 5 }) }), { maxLength: 6 }),
  comments: fc.boolean(),
  merges: fc.array(fc.constantFrom("A1:B2", "C3:C9", "$D$1:$E$2"), { maxLength: 2 }),
  lists: fc.array(fc.record({ sqref: fc.constantFrom("A2:A9", "B2:B5 D2:D5"), crm: fc.boolean() }), { maxLength: 2 }),
  bom: fc.boolean(),
});

/** Text a CDATA section can hold: "]]>" removed until none is left ("]]]]>>" without its inner "]]>" is "]]>" again). */
function noCdataEnd(s: string): string {
  while (s.includes("]]>")) s = s.replace(/]]>/g, "");
  return s;
}

const col = (c: number) => String.fromCharCode(64 + c);

type Sheet = typeof sheetArb extends fc.Arbitrary<infer T> ? T : never;

function sheetXml(x: Sheet): string {
  const p = x.prefix;
  const ns = p ? ` xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"` : ` xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`;
  const comment = x.comments ? "<!-- a comment -- no, -->".replace("-- no, ", "") : "";
  let out = `${x.bom ? "\uFEFF" : ""}<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${comment}<${p}worksheet${ns}><${p}sheetData>`;
  let r = 0;
  for (const row of x.rows) {
    r += row.gap;
    out += `<${p}row${row.withR ? ` r="${r}"` : ""} spans="1:9">${comment}`;
    let c = 0;
    for (const [gap, cell] of row.cells) {
      c += gap;
      const q = cell.quote;
      const ref = cell.withRef ? `${cell.space} r=${q}${col(c)}${r}${q}` : "";
      const s = cell.style ? ` s=${q}${cell.style}${q}` : "";
      const f = cell.formula ? `<${p}f>SUM(A1:A2)&amp;"x"</${p}f>` : "";
      const open = (t: string) => `<${p}c${ref}${t ? ` t=${q}${t}${q}` : ""}${s}${cell.space}>`;
      const v = (body: string) => `<${p}v>${body}</${p}v>`;
      const text = escText(cell.text, cell.esc);
      switch (cell.kind) {
        case "n": out += `${open("")}${f}${v(String(cell.num))}</${p}c>`; break;
        case "date": out += `${open("")}${v(String(Math.abs(Math.round(cell.num)) % 60_000))}</${p}c>`; break;
        case "s": out += `${open("s")}${v(String(Math.abs(Math.round(cell.num)) % (STRINGS.length + 1)))}</${p}c>`; break;
        case "inline": out += `${open("inlineStr")}<${p}is><${p}t xml:space="preserve">${text}</${p}t></${p}is></${p}c>`; break;
        case "rich": out += `${open("inlineStr")}<${p}is><${p}r><${p}rPr><${p}b/></${p}rPr><${p}t>${text}</${p}t></${p}r><${p}r><${p}t>${escText(cell.text2, 0)}</${p}t></${p}r></${p}is></${p}c>`; break;
        case "cdata": out += `${open("str")}${f}<${p}v><![CDATA[${noCdataEnd(cell.text)}]]>${text}</${p}v></${p}c>`; break;
        case "str": out += `${open("str")}${f}${v(text)}</${p}c>`; break;
        case "b": out += `${open("b")}${v(String(Math.abs(Math.round(cell.num)) % 3))}</${p}c>`; break;
        case "e": out += `${open("e")}${f}${v("#N/A")}</${p}c>`; break;
        case "d": out += `${open("d")}${v(cell.text.length % 2 ? "2024-02-29T00:00:00" : text)}</${p}c>`; break;
        case "blank": out += cell.formula ? `${open("")}${f}</${p}c>` : `<${p}c${ref}${s}/>`; break;
      }
    }
    out += `</${p}row>`;
  }
  out += `</${p}sheetData>`;
  if (x.merges.length) out += `<${p}mergeCells count="${x.merges.length}">${x.merges.map((m) => `<${p}mergeCell ref="${m}"/>`).join("")}</${p}mergeCells>`;
  if (x.lists.length) out += `<${p}dataValidations>${x.lists.map((l) => `<${p}dataValidation type="list" sqref="${l.sqref}"${l.crm ? ' errorTitle="CRM"' : ""}><${p}formula1>"a,b"</${p}formula1></${p}dataValidation>`).join("")}</${p}dataValidations>`;
  return `${out}</${p}worksheet>\n`;
}

const cutsArb = fc.array(fc.integer({ min: 1, max: 4000 }), { maxLength: 12 });

describe("the scanner reads what saxes reads", () => {
  test("generated sheets, cut into chunks anywhere (inside tags, entities, UTF-8 characters)", () => {
    fc.assert(
      fc.property(sheetArb, cutsArb, (x, cuts) => {
        const xml = sheetXml(x);
        const sax = saxRead(xml);
        expect(sax).not.toHaveProperty("error");
        expect(scanRead(xml, cuts)).toEqual(sax);
      }),
      { numRuns: 600 },
    );
  });

  test("hand-picked forms: entities in attributes, CRLF, CDATA beside text, a value with a comment inside", () => {
    const xml = `<worksheet><sheetData><row r="2"><c r="A2" t="str"><v>a&#13;&#10;b\r\nc\rd</v></c><c r="B2" t="inlineStr"><is><t>x<![CDATA[<y>&amp;]]>z&lt;</t></is></c><c r="C2"><v>1<!-- c -->2</v></c><c r="D2" t="e"><v>#DIV/0!</v></c><c r = 'E2' t = "b" ><v>1</v></c></row></sheetData><dataValidations><dataValidation sqref="A3:A4&#9;B1" errorTitle="C&#82;M"/></dataValidations></worksheet>`;
    const sax = saxRead(xml);
    expect(scanRead(xml, [7, 50, 51, 90, 130])).toEqual(sax);
    // Hand-worked: the values as XML defines them.
    expect((sax as { cells: unknown[][] }).cells[1]).toEqual(["a\r\nb\nc\nd", "x<y>&amp;z<", 12, { error: "#DIV/0!" }, true]);
  });
});

describe("number cells: the decimal cache hands out what Number() of the text gives", () => {
  // More distinct texts than the cache's 4,096 slots (so slots are shared and overwritten), each repeated, beside
  // texts that are numbers only to Number() (+5, 1e3, .5), or not at all (1e, ., -, 1.2.3), and ones that differ
  // in a byte only (0.3, 0.30, 0.03) — every cell as saxes reads it, at any cut.
  test("repeated, distinct, colliding, signed, exponent and NaN texts", () => {
    const odd = ["0.3", "0.30", "0.03", "-0.3", "+5", "1e3", "1E-3", "-1e+2", ".5", "5.", "-0", "-0.0", "1e", ".", "-", "+", "1.2.3", "e5", "1e999", "-1e999", "000.1000"];
    const distinct = Array.from({ length: 6_000 }, (_, i) => `${(i * 0.37).toFixed(3)}`);
    const texts = [...odd, ...distinct, ...odd, ...distinct.slice(0, 3_000).reverse(), ...odd];
    const rows: string[] = [];
    for (let i = 0; i < texts.length; i += 8) {
      const cells = texts.slice(i, i + 8).map((t, k) => `<c r="${String.fromCharCode(65 + k)}${i / 8 + 1}"><v>${t}</v></c>`);
      rows.push(`<row r="${i / 8 + 1}">${cells.join("")}</row>`);
    }
    const xml = `<worksheet><sheetData>${rows.join("")}</sheetData></worksheet>`;
    const sax = saxRead(xml);
    expect(sax).not.toHaveProperty("error");
    for (const cuts of [[], [100, 101, 5_000, 77_777], Array.from({ length: 200 }, (_, i) => i * 997 + 3)]) expect(scanRead(xml, cuts)).toEqual(sax);
    // Worked by hand: a few values as Number() gives them (NaN and ±Infinity show as null in the harness's JSON).
    const row1 = (sax as { cells: unknown[][] }).cells[0];
    expect(row1).toEqual([0.3, 0.3, 0.03, -0.3, 5, 1000, 0.001, -100]);
    const row3 = (sax as { cells: unknown[][] }).cells[2];
    expect(row3.slice(0, 2)).toEqual([null, null]); // "1.2.3", "e5"
  });
});

describe("on broken XML the scanner defers to saxes", () => {
  const MUTATIONS = ["<", ">", "&", '"', "'", "/", "=", " ", "!", "?", "\u0001", "&bogus;", "<!DOCTYPE x>", "]]>", "</c>", "<c>"];
  test("a generated sheet with a character deleted or text inserted anywhere: never accepted unless saxes reads it the same", () => {
    fc.assert(
      fc.property(sheetArb, fc.nat(), fc.constantFrom(...MUTATIONS, ""), cutsArb, (x, at, insert, cuts) => {
        const good = sheetXml(x);
        const i = at % good.length;
        // As bytes, the way a part reaches either reader (half a surrogate pair becomes U+FFFD).
        const xml = Buffer.from(insert === "" ? good.slice(0, i) + good.slice(i + 1) : good.slice(0, i) + insert + good.slice(i)).toString();
        holds(xml, cuts, saxRead(xml));
      }),
      { numRuns: 1500 },
    );
  });

  test("a generated sheet with any byte (invalid UTF-8, a control byte, half of U+FFFE) inserted anywhere", () => {
    fc.assert(
      fc.property(sheetArb, fc.nat(), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 3 }), cutsArb, (x, at, bytes, cuts) => {
        const good = Buffer.from(sheetXml(x), "utf8");
        const i = at % good.length;
        const xml = Buffer.concat([good.subarray(0, i), Buffer.from(bytes), good.subarray(i)]);
        holds(xml, cuts, saxRead(xml));
      }),
      { numRuns: 1500 },
    );
  });

  // The forbidden-character check reads four bytes at a time from the word boundary of the chunk's memory: a bad
  // byte must be found at each of the four places in a word, at a chunk's ragged head and tail, and tab, LF, CR and
  // fullwidth characters (EF BC xx, the lead byte U+FFFF shares) must pass wherever they fall.
  test("a control byte or U+FFFE at every offset of a value and any chunk start: ScanFallback; tab, CR, LF, ，at every offset: read as saxes reads them", () => {
    const text = "客户，甲\tB（C）\r\nD".repeat(3);
    const around = (v: string) => `<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>${v}</t></is></c></row></sheetData></worksheet>`;
    const good = around(text);
    const sax = saxRead(good);
    expect((sax as { cells: unknown[][] }).cells[0][0]).toBe(text.replace(/\r\n/g, "\n"));
    const bodyAt = Buffer.byteLength(good.slice(0, good.indexOf(text)));
    for (let cut = 0; cut < 8; cut++) {
      const cuts = cut === 0 ? [] : [cut, bodyAt + cut];
      expect(scanRead(good, cuts)).toEqual(sax);
      // At every character boundary of the value (inside a character the bytes would not be UTF-8 at all).
      for (let j = 0; j <= text.length; j++) {
        const k = Buffer.byteLength(text.slice(0, j));
        const bytes = Buffer.from(good, "utf8");
        for (const bad of [Buffer.from([0x01]), Buffer.from([0x1f]), Buffer.from("\uFFFE"), Buffer.from("\uFFFF")]) {
          const xml = Buffer.concat([bytes.subarray(0, bodyAt + k), bad, bytes.subarray(bodyAt + k)]);
          expect(scanRead(xml, cuts)).toHaveProperty("fallback");
        }
      }
    }
  });

  test.each([
    ["a DOCTYPE with an entity", `<!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet><sheetData><row><c t="str"><v>&a;</v></c></row></sheetData></worksheet>`],
    ["an unknown entity", `<worksheet><sheetData><row><c t="str"><v>&nbsp;</v></c></row></sheetData></worksheet>`],
    ["a tag left open", `<worksheet><sheetData><row><c><v>1</v></row></sheetData></worksheet>`],
    ["truncated", `<worksheet><sheetData><row><c><v>1</v></c>`],
    ["a repeated attribute", `<worksheet><sheetData><row><c r="A1" r="B1"><v>1</v></c></row></sheetData></worksheet>`],
    ["a control character", `<worksheet><sheetData><row><c t="str"><v>a\u0002b</v></c></row></sheetData></worksheet>`],
    ["two roots", `<worksheet/><worksheet/>`],
    ["U+FFFF in a value", `<worksheet><sheetData><row><c t="str"><v>a\uFFFFb</v></c></row></sheetData></worksheet>`],
    ["a close tag of another element", `<worksheet><sheetData><row><c><v>1</c></v></row></sheetData></worksheet>`],
    ["a prefixed close tag for an unprefixed element", `<worksheet><sheetData><row><c><v>1</x:v></c></row></sheetData></worksheet>`],
    ["a reference to a forbidden character", `<worksheet><sheetData><row><c t="str"><v>&#0;</v></c></row></sheetData></worksheet>`],
  ])("%s: ScanFallback, and saxes reports the error", (_name, xml) => {
    expect(scanRead(xml, [])).toHaveProperty("fallback");
    expect(saxRead(xml)).toHaveProperty("error");
  });
});

describe("whole books: the scanner's model equals saxes's", () => {
  // Books other programs wrote (the real-world corpus, where present) and the product's own sample.
  const books = [
    ...CORPUS.filter((b) => b.path && b.expect !== "refuse").map((b) => b.path!),
    join(__dirname, "..", "..", "assets", "sample-customers.xlsx"),
    join(__dirname, "..", "..", "assets", "sample-customers-result.xlsx"),
  ];
  const read = async (file: string, scanner: boolean) => {
    useScanner(scanner);
    try {
      const { model, parts } = await readBookStreaming(file);
      const occupied = parts.sheets.map((s) => [1, 2, 3, 5, 8, 13, 27].map((c) => s.occupied?.(c, 1, 1_048_576) ?? null));
      return JSON.parse(JSON.stringify({ model, occupied }, (_k, v: unknown) => (v instanceof Date ? `D:${v.toISOString()}` : v))) as unknown;
    } catch (e) {
      return { error: String((e as Error).message) };
    } finally {
      useScanner(true);
    }
  };
  test.each(books.map((b) => [basename(b), b]))("%s", async (_name, file) => {
    const before = scannerFallbacks.length;
    const scanned = await read(file, true);
    // Every part of these books is the scanner's own: none handed to saxes (a fallback is a slow read).
    expect(scannerFallbacks.slice(before)).toEqual([]);
    expect(scanned).toEqual(await read(file, false));
  });
});
