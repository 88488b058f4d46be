// The few cell styles and conditional-format styles the patching writer needs, appended to a workbook's own
// styles.xml: every existing style keeps its index, so no user cell changes appearance. A style that is already
// there exactly as we would write it (an earlier run's) is reused, so running twice adds nothing the second time.

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

/** The children of a `<name count="…">…</name>` block as written (none when the block is missing). */
function childrenOf(xml: string, name: string): string[] {
  const block = new RegExp(`<${name}\\b[^>]*?(?:/>|>([\\s\\S]*?)</${name}>)`).exec(xml);
  if (!block || block[1] === undefined) return [];
  const c = CHILD[name];
  return block[1].match(new RegExp(`<${c}\\b[^>]*?(?:/>|>[\\s\\S]*?</${c}>)`, "g")) ?? [];
}

/** Appends children to a block, creating it (before `before`, in schema order) when the workbook has none. */
function append(xml: string, name: string, count: number, children: string[], before: readonly string[]): string {
  if (children.length === 0) return xml;
  const full = new RegExp(`(<${name}\\b[^>]*?)(/>|>([\\s\\S]*?)</${name}>)`);
  const m = full.exec(xml);
  if (m) {
    const inner = (m[3] ?? "") + children.join("");
    const open = m[1].replace(/\s+count="\d+"/, "");
    return xml.replace(m[0], () => `${open} count="${count + children.length}">${inner}</${name}>`);
  }
  const block = `<${name} count="${children.length}">${children.join("")}</${name}>`;
  for (const b of before) {
    const i = xml.search(new RegExp(`<${b}\\b`));
    if (i >= 0) return xml.slice(0, i) + block + xml.slice(i);
  }
  if (xml.includes("</styleSheet>")) return xml.replace("</styleSheet>", () => `${block}</styleSheet>`);
  // An empty part, `<styleSheet …/>`: opened up around the block.
  return xml.replace(/(<styleSheet\b[^>]*?)\s*\/>/, (_m, open: string) => `${open}>${block}</styleSheet>`);
}

/**
 * One block of styles.xml: the workbook's own entries, then ours; an entry written identically is shared. When
 * the workbook has fewer entries than Excel assumes (DEFAULTS: none at all, or one fill), the missing defaults
 * come first, so the first entry of ours never takes an index Excel reads as a default.
 */
class Block {
  readonly existing: string[];
  /** Defaults the workbook lacks, written before our entries once the block is written at all. */
  readonly padding: string[];
  readonly added: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(source: string, readonly name: string) {
    this.existing = childrenOf(source, name);
    this.padding = (DEFAULTS[name] ?? []).slice(this.existing.length);
    [...this.existing, ...this.padding].forEach((x, i) => {
      if (!this.index.has(x)) this.index.set(x, i);
    });
  }

  add(xml: string): number {
    let i = this.index.get(xml);
    if (i === undefined) {
      i = this.existing.length + this.padding.length + this.added.length;
      this.added.push(xml);
      this.index.set(xml, i);
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
  private readonly existingFmts: number;
  private nextFmt: number;

  constructor(private readonly source: string) {
    this.fonts = new Block(source, "fonts");
    this.fills = new Block(source, "fills");
    this.borders = new Block(source, "borders");
    this.styleXfs = new Block(source, "cellStyleXfs");
    this.xfs = new Block(source, "cellXfs");
    this.dxfs = new Block(source, "dxfs");
    const fmts = childrenOf(source, "numFmts");
    this.existingFmts = fmts.length;
    for (const f of fmts) {
      const id = /numFmtId="(\d+)"/.exec(f);
      const code = /formatCode="([^"]*)"/.exec(f);
      if (id && code) this.fmts.set(code[1].replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"), Number(id[1]));
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
    let x = this.source;
    // Each block, when created, goes before the first later block the part has (schema order).
    const after = (name: string) => ORDER.slice(ORDER.indexOf(name) + 1);
    x = append(x, "numFmts", this.existingFmts, this.newFmts, after("numFmts"));
    x = append(x, "fonts", this.fonts.existing.length, this.fonts.appended(xf), after("fonts"));
    x = append(x, "fills", this.fills.existing.length, this.fills.appended(xf), after("fills"));
    x = append(x, "borders", this.borders.existing.length, this.borders.appended(xf), after("borders"));
    x = append(x, "cellStyleXfs", this.styleXfs.existing.length, this.styleXfs.appended(xf), after("cellStyleXfs"));
    x = append(x, "cellXfs", this.xfs.existing.length, this.xfs.appended(xf), after("cellXfs"));
    x = append(x, "dxfs", this.dxfs.existing.length, this.dxfs.added, after("dxfs"));
    return x;
  }
}
