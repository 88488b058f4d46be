// The few cell styles and conditional-format styles the patching writer needs, appended to a workbook's own
// styles.xml: every existing style keeps its index, so no user cell changes appearance. A style that is already
// there exactly as we would write it (an earlier run's) is reused, so running twice adds nothing the second time.

import { NS, XmlDoc, type XmlElement } from "./xml";

export interface CellStyle {
  bold?: boolean;
  italic?: boolean;
  size?: number;
  /** Font colour, ARGB. */
  color?: string;
  /** Solid fill, ARGB. */
  fill?: string;
  numFmt?: string;
  /** A thin box border in this colour, ARGB. */
  border?: string;
  wrap?: boolean;
  /** Vertical alignment. */
  vertical?: "center" | "top";
  /** Text rotation in degrees (90: bottom to top). */
  rotate?: number;
}

export interface DiffStyle {
  /** Fill and font colours, ARGB (no font colour: the cell's own). */
  fill: string;
  font?: string;
}

const BUILTIN_FORMATS: Record<string, number> = { General: 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "@": 49 };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The children of styleSheet in schema order (CT_Stylesheet). */
const ORDER = ["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles", "colors", "extLst"];

const CHILD: Record<string, string> = { numFmts: "numFmt", fonts: "font", fills: "fill", borders: "border", cellStyleXfs: "xf", cellXfs: "xf", dxfs: "dxf" };

/**
 * The entries Excel assumes at the head of each block (what it writes into a new book): font 0, fills 0 and 1
 * (none, and gray125, which Excel reserves whatever is written there), border 0, and style 0 ("Normal") in
 * cellStyleXfs and cellXfs. A book whose styles.xml lacks a block, or has it empty, still shows its cells in
 * this default style; our entries go after these, so index 0 keeps meaning "default" for every cell that has
 * no `s` attribute (or `s="0"`).
 */
const DEFAULTS: Record<string, readonly string[]> = {
  fonts: ['<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'],
  fills: ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>'],
  borders: ["<border><left/><right/><top/><bottom/><diagonal/></border>"],
  cellStyleXfs: ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'],
  cellXfs: ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'],
};

/**
 * An entry in a comparable form: element names without prefixes, attributes as parsed, children in order. An
 * entry the workbook already has (an earlier run's, or the same default) compares equal to ours however its
 * writer spelled it (prefixes, quotes, entities), so it is reused and a re-run adds nothing.
 */
function canonical(el: XmlElement): string {
  const attrs = el.attrs.filter((a) => !a.qname.startsWith("xmlns")).map((a) => ` ${a.uri ? `{${a.uri}}` : ""}${a.local}="${a.value}"`).join("");
  return `<${el.local}${attrs}>${el.elements().map(canonical).join("")}</${el.local}>`;
}

/** Our entries are written unprefixed; parsed in the main namespace for comparison. */
function canonicalOf(xml: string): string {
  return canonical(XmlDoc.parse(`<w xmlns="${NS.main}">${xml}</w>`, "style").root.children[0]);
}

/**
 * One block of styles.xml: the workbook's own entries, then ours; an entry written identically is shared. When
 * the workbook has fewer entries than Excel assumes (DEFAULTS: none at all, or one fill), the missing defaults
 * come first, so the first entry of ours never takes an index Excel reads as a default.
 */
class Block {
  readonly el: XmlElement | undefined;
  readonly existing: number;
  /** Defaults the workbook lacks, written before our entries once the block is written at all. */
  readonly padding: string[];
  readonly added: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(root: XmlElement, readonly name: string) {
    this.el = root.element(name);
    const entries = this.el?.elements(CHILD[name]) ?? [];
    this.existing = entries.length;
    this.padding = (DEFAULTS[name] ?? []).slice(this.existing);
    entries.forEach((e, i) => {
      const key = canonical(e);
      if (!this.index.has(key)) this.index.set(key, i);
    });
    this.padding.forEach((x, i) => {
      const key = canonicalOf(x);
      if (!this.index.has(key)) this.index.set(key, this.existing + i);
    });
  }

  add(xml: string): number {
    const key = canonicalOf(xml);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.existing + this.padding.length + this.added.length;
      this.added.push(xml);
      this.index.set(key, i);
    }
    return i;
  }

  /** The entries to append to the workbook's block: the missing defaults (when `write`, or ours need them), then ours. */
  appended(write: boolean): string[] {
    return write || this.added.length > 0 ? [...this.padding, ...this.added] : [];
  }
}

/**
 * Collects the styles a writer asks for and returns their indexes: cell styles as `s=` indexes into cellXfs,
 * conditional-format styles as `dxfId`s. `xml()` gives the styles part with them appended.
 */
export class StylesPatch {
  private readonly fonts: Block;
  private readonly fills: Block;
  private readonly borders: Block;
  private readonly styleXfs: Block;
  private readonly xfs: Block;
  private readonly dxfs: Block;
  private readonly fmts = new Map<string, number>();
  private readonly newFmts: string[] = [];
  private readonly numFmts: Block;
  private nextFmt: number;
  private readonly doc: XmlDoc;

  /** `source`: the workbook's styles part, as written by whatever wrote it (parsed, so prefixes and quotes are its own). */
  constructor(source: string) {
    this.doc = XmlDoc.parse(source, "styles.xml");
    const root = this.doc.root;
    this.fonts = new Block(root, "fonts");
    this.fills = new Block(root, "fills");
    this.borders = new Block(root, "borders");
    this.styleXfs = new Block(root, "cellStyleXfs");
    this.xfs = new Block(root, "cellXfs");
    this.dxfs = new Block(root, "dxfs");
    this.numFmts = new Block(root, "numFmts");
    for (const f of this.numFmts.el?.elements("numFmt") ?? []) {
      const id = Number(f.attr("numFmtId"));
      const code = f.attr("formatCode");
      if (Number.isInteger(id) && code !== undefined && !this.fmts.has(code)) this.fmts.set(code, id);
    }
    this.nextFmt = Math.max(163, ...this.fmts.values()) + 1;
  }

  private formatId(code: string): number {
    if (code in BUILTIN_FORMATS) return BUILTIN_FORMATS[code];
    let id = this.fmts.get(code);
    if (id === undefined) {
      id = this.nextFmt++;
      this.fmts.set(code, id);
      this.newFmts.push(`<numFmt numFmtId="${id}" formatCode="${esc(code)}"/>`);
    }
    return id;
  }

  /** The `s=` index of a cell style. */
  cell(style: CellStyle): number {
    let fontId = 0;
    if (style.bold || style.italic || style.size || style.color) {
      fontId = this.fonts.add(`<font>${style.bold ? "<b/>" : ""}${style.italic ? "<i/>" : ""}<sz val="${style.size ?? 11}"/>${style.color ? `<color rgb="${style.color}"/>` : ""}<name val="Calibri"/><family val="2"/></font>`);
    }
    let fillId = 0;
    if (style.fill) fillId = this.fills.add(`<fill><patternFill patternType="solid"><fgColor rgb="${style.fill}"/><bgColor indexed="64"/></patternFill></fill>`);
    let borderId = 0;
    if (style.border) {
      const side = (s: string) => `<${s} style="thin"><color rgb="${style.border}"/></${s}>`;
      borderId = this.borders.add(`<border>${side("left")}${side("right")}${side("top")}${side("bottom")}<diagonal/></border>`);
    }
    const numFmtId = style.numFmt ? this.formatId(style.numFmt) : 0;
    const align = style.wrap || style.vertical || style.rotate
      ? `<alignment${style.vertical ? ` vertical="${style.vertical}"` : ""}${style.rotate ? ` textRotation="${style.rotate}"` : ""}${style.wrap ? ' wrapText="1"' : ""}/>`
      : "";
    const attrs =
      `numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="${borderId}" xfId="0"` +
      `${numFmtId ? ' applyNumberFormat="1"' : ""}${fontId ? ' applyFont="1"' : ""}${fillId ? ' applyFill="1"' : ""}${borderId ? ' applyBorder="1"' : ""}${align ? ' applyAlignment="1"' : ""}`;
    return this.xfs.add(align ? `<xf ${attrs}>${align}</xf>` : `<xf ${attrs}/>`);
  }

  /** The `dxfId` of a conditional-format style. */
  diff(style: DiffStyle): number {
    return this.dxfs.add(`<dxf>${style.font ? `<font><color rgb="${style.font}"/></font>` : ""}<fill><patternFill patternType="solid"><bgColor rgb="${style.fill}"/></patternFill></fill></dxf>`);
  }

  /**
   * The styles part with the new entries appended (unchanged when nothing new was asked for). A new cell style
   * refers to font, fill, border and cell style 0 (`xfId="0"`): whichever of those blocks the workbook lacks is
   * written with its defaults, and cellXfs gets its default style 0 before ours.
   */
  xml(): string {
    const xf = this.xfs.added.length > 0;
    const root = this.doc.root;
    // Entries are written unprefixed: where the part's default namespace is not the styleSheet's own (a prefixed
    // part, `<x:styleSheet>`), each declares it on itself.
    const own = (xml: string) => (root.scope.get("") === root.uri ? xml : xml.replace(/^<(\w+)/, `<$1 xmlns="${root.uri}"`));
    const write = (block: Block, entries: string[]) => {
      if (entries.length === 0) return;
      const inner = entries.map(own).join("");
      const count = block.existing + entries.length;
      if (block.el) {
        block.el.setAttr("count", String(count));
        block.el.append(inner);
        return;
      }
      // A block the part lacks goes before the first later block it has (schema order).
      const xml = root.tag(root.uri, block.name, [["", "count", String(count)]], inner);
      const later = ORDER.slice(ORDER.indexOf(block.name) + 1);
      const next = root.children.find((c) => later.includes(c.local));
      if (next) next.insertBefore(xml);
      else root.append(xml);
    };
    write(this.numFmts, this.newFmts);
    write(this.fonts, this.fonts.appended(xf));
    write(this.fills, this.fills.appended(xf));
    write(this.borders, this.borders.appended(xf));
    write(this.styleXfs, this.styleXfs.appended(xf));
    write(this.xfs, this.xfs.appended(xf));
    write(this.dxfs, this.dxfs.added);
    const out = this.doc.toString();
    // Asked twice (the writer may), the same part: the edits are applied once.
    this.xml = () => out;
    return out;
  }
}
