// A styles part without <cellXfs> (or without fonts, fills, borders: some generators write only what they use).
// Excel reads every cell without an `s` attribute as style 0 and style 0 as font 0, fill 0, border 0: the styles
// the product appends must come after those defaults, or every plain cell of the user's turns bold and orange.
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { StylesPatch } from "../../src/xlsx/styles-patch";
import { runCrm } from "./cli-io";
import { edgeBook, ooxmlProblems, partText, python, TEMPLATE_CUSTOMERS } from "./edge-books";

jest.setTimeout(120_000);

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const AS_OF = "2024-07-01";

/** Fonts, fills and borders, but no cellStyleXfs and no cellXfs. */
const NO_CELL_XFS =
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="${MAIN}">` +
  '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  "</styleSheet>";

/** Nothing at all. */
const EMPTY = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="${MAIN}"/>`;

/** The children of one block of a styles part, as written. */
function entries(xml: string, block: string, child: string): string[] {
  const m = new RegExp(`<${block}\\b[^>]*?(?:/>|>([\\s\\S]*?)</${block}>)`).exec(xml);
  return m?.[1]?.match(new RegExp(`<${child}\\b[^>]*?(?:/>|>[\\s\\S]*?</${child}>)`, "g")) ?? [];
}
const attr = (xml: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(xml)?.[1];

describe("StylesPatch on a styles part that lacks blocks", () => {
  test("no cellXfs: style 0 is created as the default before the product's first style", () => {
    const s = new StylesPatch(NO_CELL_XFS);
    const head = s.cell({ bold: true, fill: "FFFCE4D6" });
    expect(head).toBe(1); // 0 is the default style
    const out = s.xml();
    const xfs = entries(out, "cellXfs", "xf");
    expect(xfs).toHaveLength(2);
    expect([attr(xfs[0], "fontId"), attr(xfs[0], "fillId"), attr(xfs[0], "borderId"), attr(xfs[0], "numFmtId")]).toEqual(["0", "0", "0", "0"]);
    expect(attr(out.match(/<cellXfs\b[^>]*>/)![0], "count")).toBe("2");
    // The user's font 0 and fills 0/1 are where they were; ours come after.
    const fonts = entries(out, "fonts", "font");
    expect(fonts[0]).toBe('<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>');
    expect(fonts[Number(attr(xfs[1], "fontId"))]).toContain("<b/>");
    expect(Number(attr(xfs[1], "fillId"))).toBe(2);
    // xfId="0" of every xf needs a cell style 0: created too, before cellXfs (schema order).
    expect(entries(out, "cellStyleXfs", "xf")).toEqual(['<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>']);
    expect(out.indexOf("<cellStyleXfs")).toBeLessThan(out.indexOf("<cellXfs"));
    expect(out.indexOf("<borders")).toBeLessThan(out.indexOf("<cellStyleXfs"));
  });

  test("an empty styleSheet: every default Excel assumes, in schema order, then the product's entries", () => {
    const s = new StylesPatch(EMPTY);
    expect(s.cell({ bold: true, fill: "FFFCE4D6", border: "FFBFBFBF", numFmt: "yyyy-mm-dd" })).toBe(1);
    expect(s.diff({ fill: "FFF2DCDB", font: "FF9C0006" })).toBe(0);
    const out = s.xml();
    const order = [...out.matchAll(/<(numFmts|fonts|fills|borders|cellStyleXfs|cellXfs|cellStyles|dxfs)\b/g)].map((m) => m[1]);
    expect(order).toEqual(["numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "dxfs"]);
    const fonts = entries(out, "fonts", "font");
    expect(fonts).toHaveLength(2);
    expect(fonts[0]).not.toContain("<b/>");
    const fills = entries(out, "fills", "fill");
    expect(fills.map((f) => attr(f, "patternType"))).toEqual(["none", "gray125", "solid"]);
    expect(entries(out, "borders", "border")).toHaveLength(2);
    const xfs = entries(out, "cellXfs", "xf");
    expect(xfs[0]).toBe('<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>');
    expect([attr(xfs[1], "fontId"), attr(xfs[1], "fillId"), attr(xfs[1], "borderId")]).toEqual(["1", "2", "1"]);
  });

  test("a fills block with one entry gets gray125 at index 1 (Excel reserves it) before the product's fill", () => {
    const xml = `<styleSheet xmlns="${MAIN}"><fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="1"><xf/></cellXfs></styleSheet>`;
    const s = new StylesPatch(xml);
    const i = s.cell({ fill: "FFFCE4D6" });
    const out = s.xml();
    expect(entries(out, "fills", "fill").map((f) => attr(f, "patternType"))).toEqual(["none", "gray125", "solid"]);
    expect(attr(entries(out, "cellXfs", "xf")[i], "fillId")).toBe("2");
  });

  test("nothing asked, nothing written (the missing blocks stay missing); a second run adds nothing", () => {
    expect(new StylesPatch(NO_CELL_XFS).xml()).toBe(NO_CELL_XFS);
    expect(new StylesPatch(EMPTY).xml()).toBe(EMPTY);
    const ask = (s: StylesPatch) => [s.cell({ bold: true, fill: "FFFCE4D6" }), s.cell({ numFmt: "0.0" }), s.diff({ fill: "FFF2DCDB" })];
    const first = new StylesPatch(EMPTY);
    const a = ask(first);
    const once = first.xml();
    const second = new StylesPatch(once);
    expect(ask(second)).toEqual(a);
    expect(second.xml()).toBe(once);
  });
});

describe("crm apply on a book whose styles.xml has no <cellXfs>", () => {
  test.each([
    ["no cellXfs", NO_CELL_XFS],
    ["an empty styleSheet", EMPTY],
  ])("%s: the user's plain cells stay plain, the product's header cells are styled", async (_name, styles) => {
    const dir = mkdtempSync(join(tmpdir(), "crm-edge-styles-"));
    const input = join(dir, "in.xlsx");
    writeFileSync(input, await edgeBook({ sheets: [TEMPLATE_CUSTOMERS], styles }));
    const out = join(dir, "out.xlsx");
    const r = await runCrm(["apply", input, "--out", out, "--as-of", AS_OF], "en");
    expect(r.code).toBe(1);

    const bytes = readFileSync(out);
    const xml = (await partText(bytes, "xl/styles.xml"))!;
    const xfs = entries(xml, "cellXfs", "xf");
    // Style 0, what every cell without `s` shows: font 0 (not bold), fill 0 (none).
    expect(attr(xfs[0], "fontId")).toBe("0");
    expect(attr(xfs[0], "fillId")).toBe("0");
    const fonts = entries(xml, "fonts", "font");
    expect(fonts[0]).not.toContain("<b/>");
    expect(attr(entries(xml, "fills", "fill")[0], "patternType")).toBe("none");
    // The user's cells still carry no style; the product's ◆ header cells point at a bold font.
    const sheet = (await partText(bytes, "xl/worksheets/sheet1.xml"))!;
    expect(sheet).toMatch(/<c r="A2" t="inlineStr">/);
    const header = /<c r="([A-Z]+)1" s="(\d+)"[^>]*><is><t>◆/.exec(sheet);
    expect(header).not.toBeNull();
    const own = xfs[Number(header![2])];
    expect(fonts[Number(attr(own, "fontId"))]).toContain("<b/>");
    expect(Number(attr(own, "fillId"))).toBeGreaterThanOrEqual(2);

    expect(ooxmlProblems(out, input)).toEqual([]);
    // Another program's reader sees the same: the user's cell plain, the product's header bold.
    const seen = python<{ user: [boolean, string | null]; own: [boolean, string | null] }>(
      [
        "import json, sys, openpyxl",
        "ws = openpyxl.load_workbook(sys.argv[1])['客户']",
        "f = lambda c: [bool(c.font.b), c.fill.fill_type]",
        "print(json.dumps({'user': f(ws['B2']), 'own': f(ws[sys.argv[2] + '1'])}))",
      ].join("\n"),
      out,
      header![1],
    );
    expect(seen.user).toEqual([false, null]);
    expect(seen.own).toEqual([true, "solid"]);
  });
});
