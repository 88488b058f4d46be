// Issue 14, property test: the package parts of a book spelled in every way XML allows — the main namespace as
// the default or under any prefix, the relationships namespace under any prefix declared on the root or on each
// <sheet>, attributes in single or double quotes, sheet names and targets as text, numeric (decimal or hex) or
// named entities, comments and whitespace between elements, mc:Ignorable and mc:AlternateContent — then
// apply → review → undo. Every output passes ooxml-check against its input, and undo gives back every part
// of the input byte for byte (styles.xml keeps the styles apply appended: unused, see foreign-books.test.ts).
import fc from "fast-check";
import JSZip from "jszip";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { readZipEntry, zipEntries } from "../../src/xlsx/zip";
import { runCrm } from "../node/cli-io";
import { CUSTOMERS, CT_SHEET, MAIN, MINIMAL_STYLES, ooxmlProblems, REL, sheetXml } from "../node/foreign-books";
import { AS_OF } from "../node/messy-book";
import { recordReliability } from "../reliability";

jest.setTimeout(600_000);

const PKG = "http://schemas.openxmlformats.org/package/2006/relationships";
const CT = "http://schemas.openxmlformats.org/package/2006/content-types";
const MC = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const RUNS = 24;

interface Spelling {
  quote: "'" | '"';
  mainPrefix: string; // "" = default namespace
  relPrefix: string;
  relOnEachSheet: boolean;
  nameEncoding: "text" | "decimal" | "hex";
  pkgPrefix: string;
  ctPrefix: string;
  comments: boolean;
  newlines: boolean;
  mc: boolean;
  ampersandName: "amp" | "ncr";
}

const prefixArb = fc.constantFrom("", "x", "s", "ns0", "main");
const spellingArb: fc.Arbitrary<Spelling> = fc.record({
  quote: fc.constantFrom<"'" | '"'>("'", '"'),
  mainPrefix: prefixArb,
  relPrefix: fc.constantFrom("r", "rel", "R1", "ns1"),
  relOnEachSheet: fc.boolean(),
  nameEncoding: fc.constantFrom<"text" | "decimal" | "hex">("text", "decimal", "hex"),
  pkgPrefix: fc.constantFrom("", "pr", "ns2"),
  ctPrefix: fc.constantFrom("", "ct"),
  comments: fc.boolean(),
  newlines: fc.boolean(),
  mc: fc.boolean(),
  ampersandName: fc.constantFrom<"amp" | "ncr">("amp", "ncr"),
});

function encodeName(name: string, s: Spelling): string {
  return [...name].map((ch) => {
    if (ch === "&") return s.ampersandName === "amp" ? "&amp;" : "&#38;";
    if (s.nameEncoding === "text" || ch.charCodeAt(0) < 128) return ch;
    return s.nameEncoding === "decimal" ? `&#${ch.codePointAt(0)};` : `&#x${ch.codePointAt(0)!.toString(16)};`;
  }).join("");
}

async function bookOf(s: Spelling): Promise<Buffer> {
  const q = s.quote;
  const a = (n: string, v: string) => `${n}=${q}${v}${q}`;
  const nl = s.newlines ? "\r\n  " : "";
  const note = (t: string) => (s.comments ? `<!-- ${t} -->` : "");
  const el = (p: string, n: string) => (p ? `${p}:${n}` : n);
  const xmlns = (p: string, uri: string) => (p ? ` xmlns:${p}=${q}${uri}${q}` : ` xmlns=${q}${uri}${q}`);
  const sheets = ["客户", "R&D 笔记"];
  const m = s.mainPrefix;
  const relDecl = xmlns(s.relPrefix, REL);
  const entries = sheets.map((name, i) => `<${el(m, "sheet")}${s.relOnEachSheet ? relDecl : ""} ${a("name", encodeName(name, s))} ${a("sheetId", String(i + 1))} ${a(`${s.relPrefix}:id`, `rId${i + 1}`)}/>`).join(nl);
  const mcPart = s.mc
    ? `${xmlns("mc", MC)}${xmlns("x15", "http://schemas.microsoft.com/office/spreadsheetml/2010/11/main")} mc:Ignorable=${q}x15${q}`
    : "";
  const alternate = s.mc
    ? `<mc:AlternateContent${xmlns("mc", MC)}><mc:Choice Requires=${q}x15${q}><x15ac:absPath xmlns:x15ac=${q}http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac${q} url=${q}C:\\Users\\王\\${q}/></mc:Choice></mc:AlternateContent>`
    : "";
  const workbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${note("workbook")}<${el(m, "workbook")}${xmlns(m, MAIN)}${s.relOnEachSheet ? "" : relDecl}${mcPart}>${nl}${alternate}${nl}<${el(m, "bookViews")}><${el(m, "workbookView")} ${a("activeTab", "1")}/></${el(m, "bookViews")}>${nl}<${el(m, "sheets")}>${nl}${entries}${nl}</${el(m, "sheets")}>${nl}${note("names")}<${el(m, "definedNames")}><${el(m, "definedName")} ${a("name", "客户区域")}>'${encodeName("客户", s)}'!$A$1:$H$4</${el(m, "definedName")}><${el(m, "definedName")} ${a("name", "本地")} ${a("localSheetId", "1")}>'${encodeName("R&D 笔记", s)}'!$A$1</${el(m, "definedName")}></${el(m, "definedNames")}>${nl}</${el(m, "workbook")}>`;
  const pp = s.pkgPrefix;
  const rel = (id: string, type: string, target: string) => `<${el(pp, "Relationship")} ${a("Id", id)} ${a("Type", type)} ${a("Target", target)}/>`;
  const rels = `<?xml version="1.0" encoding="UTF-8"?>\n<${el(pp, "Relationships")}${xmlns(pp, PKG)}>${nl}${rel("rId1", `${REL}/worksheet`, "worksheets/sheet1.xml")}${nl}${note("r")}${rel("rId2", `${REL}/worksheet`, "worksheets/sheet2.xml")}${nl}${rel("rId3", `${REL}/styles`, "styles.xml")}</${el(pp, "Relationships")}>`;
  const root = `<?xml version="1.0" encoding="UTF-8"?>\n<${el(pp, "Relationships")}${xmlns(pp, PKG)}>${rel("rId1", `${REL}/officeDocument`, "xl/workbook.xml")}</${el(pp, "Relationships")}>`;
  const cp = s.ctPrefix;
  const override = (part: string, type: string) => `<${el(cp, "Override")} ${a("PartName", part)} ${a("ContentType", type)}/>`;
  const types = `<?xml version="1.0" encoding="UTF-8"?>\n<${el(cp, "Types")}${xmlns(cp, CT)}>${nl}<${el(cp, "Default")} ${a("Extension", "rels")} ${a("ContentType", "application/vnd.openxmlformats-package.relationships+xml")}/><${el(cp, "Default")} ${a("Extension", "xml")} ${a("ContentType", "application/xml")}/>${nl}${override("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")}${override("/xl/worksheets/sheet1.xml", CT_SHEET)}${override("/xl/worksheets/sheet2.xml", CT_SHEET)}${nl}${override("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml")}</${el(cp, "Types")}>`;
  const zip = new JSZip();
  zip.file("[Content_Types].xml", types);
  zip.file("_rels/.rels", root);
  zip.file("xl/workbook.xml", workbook);
  zip.file("xl/_rels/workbook.xml.rels", rels);
  zip.file("xl/styles.xml", MINIMAL_STYLES);
  zip.file("xl/worksheets/sheet1.xml", sheetXml(CUSTOMERS, { prefix: m || undefined }));
  zip.file("xl/worksheets/sheet2.xml", sheetXml([["研发笔记 & 计划"]], { prefix: m || undefined }));
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

test("package parts in any spelling: apply → review → undo, every output clean, undo the identity", async () => {
  const dir = mkdtempSync(join(tmpdir(), "crm-pkg-fuzz-"));
  let runs = 0;
  let failed = 0;
  await fc.assert(
    fc.asyncProperty(spellingArb, async (s) => {
      runs++;
      const n = runs;
      const f = (x: string) => join(dir, `${n}-${x}.xlsx`);
      writeFileSync(f("in"), await bookOf(s));
      const steps: [string, string, string][] = [["apply", f("in"), f("applied")], ["review", f("applied"), f("reviewed")], ["undo", f("reviewed"), f("undone")]];
      try {
        for (const [cmd, input, out] of steps) {
          const r = await runCrm([cmd, input, "--out", out, "--as-of", AS_OF], "en");
          if (r.code >= 2 || r.stderr !== "") throw new Error(`${cmd}: exit ${r.code} ${r.stderr}`);
          const problems = ooxmlProblems(out, input);
          if (problems.length > 0) throw new Error(`${cmd}: ${problems.join("; ")}`);
        }
        const names = zipEntries(f("in"))!.map((e) => e.name);
        const back = zipEntries(f("undone"))!.map((e) => e.name);
        if (JSON.stringify(back) !== JSON.stringify(names)) throw new Error(`undo: parts ${back.join(",")} for ${names.join(",")}`);
        for (const name of names) {
          if (name === "xl/styles.xml") continue;
          if (!readZipEntry(f("undone"), name)!.equals(readZipEntry(f("in"), name)!)) throw new Error(`undo: ${name} differs from the input's`);
        }
      } catch (e) {
        failed++;
        throw new Error(`${JSON.stringify(s)}: ${(e as Error).message}`);
      }
    }),
    { numRuns: RUNS, seed: 14 },
  );
  recordReliability("package-spellings", { group: "fuzzing", what: "包部件的各种 XML 写法 package parts in every XML spelling (apply → review → undo)", tried: runs, failed, where: "test/fuzz/package.fuzz.test.ts" });
});
