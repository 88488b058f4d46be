// Books as other programs write them, built part by part with JSZip (not by the project's writers), each with
// the peculiarity that once broke the patching writer (issue 14): openpyxl's xmlns:r on each <sheet>, numeric
// character references, single-quoted attributes, ClosedXML's `x:` prefix, a workbook part outside xl/, a
// relationships prefix other than `r`, CDATA, Strict OOXML. And the checks every output must pass:
// ../shared/tools/ooxml-check, and openpyxl reading back the user's cells.
import { spawnSync } from "child_process";
import { existsSync } from "fs";
import JSZip from "jszip";
import { join } from "path";

export const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
export const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG = "http://schemas.openxmlformats.org/package/2006/relationships";
const CT = "http://schemas.openxmlformats.org/package/2006/content-types";
export const CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const CT_BOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml";

/** Customers as a user types them: header row 1, three customers (one phone number in full). */
export const CUSTOMERS: string[][] = [
  ["客户编号", "客户名称", "所属行业", "联系人", "联系电话", "首次接触时间", "客户阶段", "年度采购总额(万元)"],
  ["C001", "杭州云帆科技有限公司", "互联网", "王伟", "13812345678", "2024-03-15", "成交客户", "120"],
  ["C002", "宁波海纳贸易有限公司", "零售业", "李娜", "0574-8888", "2024-05-02", "意向客户", "60.5"],
  ["C003", "苏州精工机械有限公司", "制造业", "张强", "", "2023-11-20", "稳定客户", "75"],
];

export interface SheetSpec {
  name: string;
  /** The worksheet part's XML (whole). */
  xml: string;
  state?: string;
}

export interface BookSpec {
  sheets: SheetSpec[];
  /** Where the workbook part is (default xl/workbook.xml). */
  workbookPath?: string;
  /** How the workbook part writes one <sheet> entry (default: unprefixed, r:id). */
  sheetEntry?: (name: string, id: number, rid: string) => string;
  /** The workbook root's start tag (default: default namespace main, xmlns:r). */
  workbookOpen?: string;
  workbookClose?: string;
  /** Extra children of <workbook> after <sheets> (definedNames …). */
  workbookTail?: string;
  /** Extra package entries. */
  extra?: Record<string, string>;
  /** Attribute quote for rels and content types. */
  quote?: "'" | '"';
  /** The main namespace (Strict books use another). */
  mainNs?: string;
  relNs?: string;
  /** `extra` has xl/styles.xml: give it its relationship and content type. */
  styles?: boolean;
}

/** The smallest styles part Excel accepts. */
export const MINIMAL_STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="${MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A cell as an inline string (openpyxl, XlsxWriter and others write shared strings; both are read alike). */
export function inlineCell(ref: string, text: string, prefix = ""): string {
  return `<${prefix}c r="${ref}" t="inlineStr"><${prefix}is><${prefix}t>${esc(text)}</${prefix}t></${prefix}is></${prefix}c>`;
}

const letter = (i: number) => String.fromCharCode(65 + i);

/** A worksheet of rows of text (empty strings left out), with optional extra XML after sheetData. */
export function sheetXml(rows: string[][], opts: { prefix?: string; tail?: string; head?: string; ns?: string; cell?: (ref: string, text: string) => string } = {}): string {
  const p = opts.prefix ? `${opts.prefix}:` : "";
  const ns = opts.ns ?? MAIN;
  const decl = opts.prefix ? `xmlns:${opts.prefix}="${ns}"` : `xmlns="${ns}"`;
  const cell = opts.cell ?? ((ref: string, text: string) => inlineCell(ref, text, p));
  const body = rows.map((row, r) => `<${p}row r="${r + 1}">${row.map((v, c) => (v === "" ? "" : cell(`${letter(c)}${r + 1}`, v))).join("")}</${p}row>`).join("");
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<${p}worksheet ${decl} xmlns:r="${REL}">${opts.head ?? ""}<${p}sheetData>${body}</${p}sheetData>${opts.tail ?? ""}</${p}worksheet>`;
}

/** Builds the .xlsx bytes. */
export async function buildBook(spec: BookSpec): Promise<Buffer> {
  const q = spec.quote ?? '"';
  const a = (name: string, value: string) => `${name}=${q}${value}${q}`;
  const wbPath = spec.workbookPath ?? "xl/workbook.xml";
  const wbDir = wbPath.slice(0, wbPath.lastIndexOf("/") + 1);
  const wbFile = wbPath.slice(wbDir.length);
  const mainNs = spec.mainNs ?? MAIN;
  const relNs = spec.relNs ?? REL;
  const zip = new JSZip();
  const overrides = [`<Override ${a("PartName", `/${wbPath}`)} ${a("ContentType", CT_BOOK)}/>`];
  const rels: string[] = [];
  const entries: string[] = [];
  spec.sheets.forEach((s, i) => {
    const path = `${wbDir}worksheets/sheet${i + 1}.xml`;
    zip.file(path, s.xml);
    overrides.push(`<Override ${a("PartName", `/${path}`)} ${a("ContentType", CT_SHEET)}/>`);
    rels.push(`<Relationship ${a("Id", `rId${i + 1}`)} ${a("Type", `${relNs.replace(/relationships$/, "relationships")}/worksheet`)} ${a("Target", `worksheets/sheet${i + 1}.xml`)}/>`);
    entries.push(spec.sheetEntry ? spec.sheetEntry(s.name, i + 1, `rId${i + 1}`) : `<sheet name="${esc(s.name)}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ""} r:id="rId${i + 1}"/>`);
  });
  for (const [name, data] of Object.entries(spec.extra ?? {})) zip.file(name, data);
  if (spec.styles) {
    rels.push(`<Relationship ${a("Id", "rIdStyles")} ${a("Type", `${relNs}/styles`)} ${a("Target", "styles.xml")}/>`);
    overrides.push(`<Override ${a("PartName", `/${wbDir}styles.xml`)} ${a("ContentType", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml")}/>`);
  }
  zip.file("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns=${q}${CT}${q}><Default ${a("Extension", "rels")} ${a("ContentType", "application/vnd.openxmlformats-package.relationships+xml")}/><Default ${a("Extension", "xml")} ${a("ContentType", "application/xml")}/>${overrides.join("")}</Types>`);
  zip.file("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns=${q}${PKG}${q}><Relationship ${a("Id", "rId1")} ${a("Type", `${relNs}/officeDocument`)} ${a("Target", wbPath)}/></Relationships>`);
  zip.file(`${wbDir}_rels/${wbFile}.rels`, `<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns=${q}${PKG}${q}>${rels.join("")}</Relationships>`);
  const open = spec.workbookOpen ?? `<workbook xmlns="${mainNs}" xmlns:r="${relNs}">`;
  const close = spec.workbookClose ?? "</workbook>";
  const p = /^<(\w+:)?/.exec(open)?.[1] ?? "";
  zip.file(wbPath, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${open}<${p}sheets>${entries.join("")}</${p}sheets>${spec.workbookTail ?? ""}${close}`);
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

/** The checker beside the project (CI has a copy of shared/ beside the clone). */
export const OOXML_CHECK = join(__dirname, "..", "..", "..", "shared", "tools", "ooxml-check");
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

/** ooxml-check's verdict on an output against its input: the problem lines (empty when clean). */
export function ooxmlProblems(out: string, input?: string): string[] {
  const r = spawnSync(PYTHON, [OOXML_CHECK, out, ...(input ? ["--changed-from", input] : [])], { encoding: "utf8" });
  if (r.status === 2 || r.error) throw new Error(`ooxml-check could not check ${out}: ${r.stderr || r.error?.message}`);
  const lines = r.stdout.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("ooxml-check:"));
  return r.status === 0 ? [] : lines;
}

/**
 * Every non-empty cell of every sheet as openpyxl (another program's reader) reads it, for many books in one
 * Python run; a book openpyxl cannot read gets `{error}`. Only the cells a sheet has are listed: iter_rows would
 * walk (and create) the whole used area, which a stale dimension makes huge (10 GB for one Gnumeric book).
 */
export function openpyxlRead(files: string[]): Record<string, Record<string, Record<string, string>> | { error: string }> {
  const script = [
    "import json, sys, warnings, openpyxl",
    "warnings.simplefilter('ignore')",
    "out = {}",
    "for f in sys.argv[1:]:",
    "    try:",
    "        wb = openpyxl.load_workbook(f)",
    "        out[f] = {ws.title: {c.coordinate: str(c.value) for c in getattr(ws, '_cells', {}).values() if c.value is not None} for ws in wb.worksheets}",
    "    except Exception as e:",
    "        out[f] = {'error': type(e).__name__ + ': ' + str(e)[:200]}",
    "print(json.dumps(out, ensure_ascii=False))",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-c", script, ...files], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`openpyxl: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** One book's cells as openpyxl reads them; throws when openpyxl cannot read it. */
export function openpyxlCells(file: string): Record<string, Record<string, string>> {
  const got = openpyxlRead([file])[file];
  if ("error" in got) throw new Error(`openpyxl could not read ${file}: ${got.error}`);
  return got as Record<string, Record<string, string>>;
}
