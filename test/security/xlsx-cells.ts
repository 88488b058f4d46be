// Reads the cells of an .xlsx straight from its XML (JSZip), whichever writer made it: each cell's type
// attribute, its formula (if any) and its text. The security tests judge what a spreadsheet program will see —
// a `<f>` element is a formula, `t="s"`, `t="inlineStr"` or `t="str"` without `<f>` is text.
import { readFileSync } from "fs";
import JSZip from "jszip";

export interface XmlCell {
  sheet: string;
  ref: string;
  /** The `t` attribute: "s" shared string, "inlineStr", "str" formula string, "n"/null number, "b", "e". */
  type: string | null;
  formula: string | null;
  text: string;
  xml: string;
}

const ENTITY: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** XML entities, then OOXML's `_xHHHH_` escapes (how CR and other control characters are written). */
export function xmlDecode(s: string): string {
  return s
    .replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, e: string) =>
      e[0] === "#" ? String.fromCodePoint(e[1].toLowerCase() === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITY[e.toLowerCase()],
    )
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The text of the `<t>` runs in a piece of XML (a shared string item or an inline string), phonetic runs left out. */
function runsText(xml: string): string {
  const noPhonetic = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, "");
  return [...noPhonetic.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g)].map((m) => xmlDecode(m[1] ?? "")).join("");
}

const attr = (attrs: string, name: string): string | null => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(attrs);
  return m ? xmlDecode(m[1]) : null;
};

/** Every sheet's cells, by sheet name. */
export async function readXlsxCells(file: string): Promise<Map<string, XmlCell[]>> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  const text = async (p: string) => (await zip.file(p)?.async("string")) ?? "";
  const workbook = await text("xl/workbook.xml");
  const rels = await text("xl/_rels/workbook.xml.rels");
  const target = new Map<string, string>();
  for (const m of rels.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    const id = attr(m[1], "Id");
    const t = attr(m[1], "Target");
    if (id && t) target.set(id, t.startsWith("/") ? t.slice(1) : `xl/${t}`);
  }
  const shared = [...(await text("xl/sharedStrings.xml")).matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)].map((m) => runsText(m[1] ?? ""));
  const out = new Map<string, XmlCell[]>();
  for (const m of workbook.matchAll(/<sheet\b([^>]*)\/?>/g)) {
    const name = attr(m[1], "name") ?? "";
    const part = target.get(attr(m[1], "r:id") ?? "") ?? "";
    const xml = await text(part);
    const cells: XmlCell[] = [];
    for (const c of xml.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attrs = c[1];
      const inner = c[2] ?? "";
      const type = attr(attrs, "t");
      const f = /<f\b[^>]*?(?:\/>|>([\s\S]*?)<\/f>)/.exec(inner);
      const v = /<v>([\s\S]*?)<\/v>/.exec(inner);
      let value = "";
      if (type === "s" && v) value = shared[Number(v[1])] ?? "";
      else if (type === "inlineStr") value = runsText(/<is>([\s\S]*?)<\/is>/.exec(inner)?.[1] ?? "");
      else if (v) value = xmlDecode(v[1]);
      cells.push({ sheet: name, ref: attr(attrs, "r") ?? "", type, formula: f ? xmlDecode(f[1] ?? "") : null, text: value, xml: c[0] });
    }
    out.set(name, cells);
  }
  return out;
}

/** A cell a spreadsheet program shows as text, never evaluates: a string type and no formula. */
export function isTextCell(c: XmlCell): boolean {
  return c.formula === null && (c.type === "s" || c.type === "inlineStr" || c.type === "str");
}
