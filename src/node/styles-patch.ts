// The few cell styles and conditional-format styles the patching writer needs, appended to a workbook's own
// styles.xml: every existing style keeps its index, so no user cell changes appearance.

export interface CellStyle {
  bold?: boolean;
  italic?: boolean;
  size?: number;
  /** Font colour, ARGB. */
  color?: string;
  /** Solid fill, ARGB. */
  fill?: string;
  numFmt?: string;
}

export interface DiffStyle {
  /** Fill and font colours, ARGB. */
  fill: string;
  font: string;
}

const BUILTIN_FORMATS: Record<string, number> = { General: 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "@": 49 };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Counts the children of a `<name count="…">…</name>` block (or 0 when the block is missing). */
function countOf(xml: string, name: string): number {
  const block = new RegExp(`<${name}\\b[^>]*?(?:/>|>([\\s\\S]*?)</${name}>)`).exec(xml);
  if (!block || block[1] === undefined) return 0;
  const child = { numFmts: "numFmt", fonts: "font", fills: "fill", cellXfs: "xf", dxfs: "dxf" }[name] ?? "";
  return (block[1].match(new RegExp(`<${child}\\b`, "g")) ?? []).length;
}

/** Appends children to a block, creating it (before `before`, in schema order) when the workbook has none. */
function append(xml: string, name: string, children: string[], before: readonly string[]): string {
  if (children.length === 0) return xml;
  const full = new RegExp(`(<${name}\\b[^>]*?)(/>|>([\\s\\S]*?)</${name}>)`);
  const m = full.exec(xml);
  if (m) {
    const inner = (m[3] ?? "") + children.join("");
    const open = m[1].replace(/\s+count="\d+"/, "");
    return xml.replace(m[0], `${open} count="${countOf(xml, name) + children.length}">${inner}</${name}>`);
  }
  const block = `<${name} count="${children.length}">${children.join("")}</${name}>`;
  for (const b of before) {
    const i = xml.search(new RegExp(`<${b}\\b`));
    if (i >= 0) return xml.slice(0, i) + block + xml.slice(i);
  }
  return xml.replace("</styleSheet>", `${block}</styleSheet>`);
}

/**
 * Collects the styles a writer asks for and returns their indexes: cell styles as `s=` indexes into cellXfs,
 * conditional-format styles as `dxfId`s. `xml()` gives the styles part with them appended.
 */
export class StylesPatch {
  private readonly baseXfs: number;
  private readonly baseFonts: number;
  private readonly baseFills: number;
  private readonly baseDxfs: number;
  private nextFmt: number;
  private readonly fmts = new Map<string, number>();
  private readonly fonts: string[] = [];
  private readonly fills: string[] = [];
  private readonly xfs: string[] = [];
  private readonly dxfs: string[] = [];
  private readonly cellIndex = new Map<string, number>();
  private readonly dxfIndex = new Map<string, number>();
  private readonly newFmts: string[] = [];

  constructor(private readonly source: string) {
    this.baseXfs = countOf(source, "cellXfs");
    this.baseFonts = countOf(source, "fonts");
    this.baseFills = countOf(source, "fills");
    this.baseDxfs = countOf(source, "dxfs");
    for (const m of source.matchAll(/<numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"/g)) this.fmts.set(m[2].replace(/&quot;/g, '"').replace(/&amp;/g, "&"), Number(m[1]));
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
    const key = JSON.stringify(style);
    const hit = this.cellIndex.get(key);
    if (hit !== undefined) return hit;
    let fontId = 0;
    if (style.bold || style.italic || style.size || style.color) {
      fontId = this.baseFonts + this.fonts.length;
      this.fonts.push(`<font>${style.bold ? "<b/>" : ""}${style.italic ? "<i/>" : ""}<sz val="${style.size ?? 11}"/>${style.color ? `<color rgb="${style.color}"/>` : ""}<name val="Calibri"/><family val="2"/></font>`);
    }
    let fillId = 0;
    if (style.fill) {
      fillId = this.baseFills + this.fills.length;
      this.fills.push(`<fill><patternFill patternType="solid"><fgColor rgb="${style.fill}"/><bgColor indexed="64"/></patternFill></fill>`);
    }
    const numFmtId = style.numFmt ? this.formatId(style.numFmt) : 0;
    const index = this.baseXfs + this.xfs.length;
    this.xfs.push(
      `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="0" xfId="0"${numFmtId ? ' applyNumberFormat="1"' : ""}${fontId ? ' applyFont="1"' : ""}${fillId ? ' applyFill="1"' : ""}/>`,
    );
    this.cellIndex.set(key, index);
    return index;
  }

  /** The `dxfId` of a conditional-format style. */
  diff(style: DiffStyle): number {
    const key = JSON.stringify(style);
    const hit = this.dxfIndex.get(key);
    if (hit !== undefined) return hit;
    const index = this.baseDxfs + this.dxfs.length;
    this.dxfs.push(`<dxf><font><color rgb="${style.font}"/></font><fill><patternFill patternType="solid"><bgColor rgb="${style.fill}"/></patternFill></fill></dxf>`);
    this.dxfIndex.set(key, index);
    return index;
  }

  /** The styles part with the new entries appended (unchanged when nothing was asked for). */
  xml(): string {
    let x = this.source;
    x = append(x, "numFmts", this.newFmts, ["fonts", "fills", "borders", "cellStyleXfs", "cellXfs"]);
    x = append(x, "fonts", this.fonts, ["fills", "borders", "cellStyleXfs", "cellXfs"]);
    x = append(x, "fills", this.fills, ["borders", "cellStyleXfs", "cellXfs"]);
    x = append(x, "cellXfs", this.xfs, ["cellStyles", "dxfs", "tableStyles", "colors", "extLst"]);
    x = append(x, "dxfs", this.dxfs, ["tableStyles", "colors", "extLst"]);
    return x;
  }
}
