// Small books for the edge-case tests, written part by part with JSZip (never by the project's own writers), so
// each test's input is exactly the package another program would hand us: a macro-enabled book, a styles part
// without <cellXfs>, a generic English data sheet.
import { spawnSync } from "child_process";
import { existsSync } from "fs";
import JSZip from "jszip";
import { join } from "path";

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG = "http://schemas.openxmlformats.org/package/2006/relationships";
const CT = "http://schemas.openxmlformats.org/package/2006/content-types";

/** The workbook part's content type, by the kind of book (ECMA-376 Part 1, and MS-OFFMACRO2 for macros). */
export const WORKBOOK_TYPES = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
  xlsm: "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
  xltx: "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
  xltm: "application/vnd.ms-excel.template.macroEnabled.main+xml",
} as const;
export type BookKind = keyof typeof WORKBOOK_TYPES;

/** A stand-in for a VBA project: the bytes are carried, never read. */
export const VBA_BYTES = Buffer.from("d0cf11e0a1b11ae1 fake vbaProject.bin for the tests", "latin1");

export interface EdgeSheet {
  name: string;
  /** Rows from row 1; a string is an inline string, a number a number, "" or null an empty cell. */
  rows: (string | number | null)[][];
}

export interface EdgeBook {
  sheets: EdgeSheet[];
  /** The workbook part's content type (default xlsx); xlsm/xltm also get xl/vbaProject.bin and its relationship. */
  kind?: BookKind;
  /** The whole styles part, or null for none (default: none). */
  styles?: string | null;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function col(i: number): string {
  let s = "";
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function sheetXml(rows: EdgeSheet["rows"]): string {
  const body = rows
    .map((row, r) => {
      const cells = row
        .map((v, c) => {
          const ref = `${col(c)}${r + 1}`;
          if (v === null || v === "") return "";
          if (typeof v === "number") return `<c r="${ref}"><v>${v}</v></c>`;
          return `<c r="${ref}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`;
        })
        .join("");
      return `<row r="${r + 1}">${cells}</row>`;
    })
    .join("");
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetData>${body}</sheetData></worksheet>`;
}

/** The package's bytes. */
export async function edgeBook(spec: EdgeBook): Promise<Buffer> {
  const kind = spec.kind ?? "xlsx";
  const macro = kind === "xlsm" || kind === "xltm";
  const zip = new JSZip();
  const overrides = [`<Override PartName="/xl/workbook.xml" ContentType="${WORKBOOK_TYPES[kind]}"/>`];
  const rels: string[] = [];
  const entries: string[] = [];
  spec.sheets.forEach((s, i) => {
    zip.file(`xl/worksheets/sheet${i + 1}.xml`, sheetXml(s.rows));
    overrides.push(`<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`);
    rels.push(`<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`);
    entries.push(`<sheet name="${esc(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`);
  });
  if (spec.styles) {
    zip.file("xl/styles.xml", spec.styles);
    overrides.push(`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`);
    rels.push(`<Relationship Id="rIdS" Type="${REL}/styles" Target="styles.xml"/>`);
  }
  const defaults = [
    `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`,
    `<Default Extension="xml" ContentType="application/xml"/>`,
  ];
  if (macro) {
    zip.file("xl/vbaProject.bin", VBA_BYTES);
    defaults.push(`<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>`);
    rels.push(`<Relationship Id="rIdV" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>`);
  }
  zip.file("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="${CT}">${defaults.join("")}${overrides.join("")}</Types>`);
  zip.file("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
  zip.file("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PKG}">${rels.join("")}</Relationships>`);
  zip.file("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="${MAIN}" xmlns:r="${REL}"><sheets>${entries.join("")}</sheets></workbook>`);
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

/** One part of a package as text (null when absent). */
export async function partText(file: Buffer, name: string): Promise<string | null> {
  const z = await JSZip.loadAsync(file);
  const e = z.file(name);
  return e ? e.async("string") : null;
}

/** One part of a package as bytes (null when absent). */
export async function partBytes(file: Buffer, name: string): Promise<Buffer | null> {
  const z = await JSZip.loadAsync(file);
  const e = z.file(name);
  return e ? e.async("nodebuffer") : null;
}

/** Customers as the 周期表 template has them: a full mobile number in row 2 (an error, and one for mask). */
export const TEMPLATE_CUSTOMERS: EdgeSheet = {
  name: "客户",
  rows: [
    ["客户编号", "客户名称", "联系人", "联系方式", "行业", "首次触达时间", "最近下单时间"],
    ["C001", "杭州云帆科技有限公司", "王伟", "13812345678", "互联网", "2024-03-15", "2024-05-20"],
    ["C002", "宁波海纳贸易有限公司", "李娜", "尾号5678", "零售业", "2024-05-02", ""],
    ["C003", "苏州精工机械有限公司", "张强", "尾号1234", "制造业", "2023-11-20", "2024-06-01"],
  ],
};

/** The package checker beside the project (../shared/tools/ooxml-check; CI keeps shared/ beside the clone). */
const OOXML_CHECK = join(__dirname, "..", "..", "..", "shared", "tools", "ooxml-check");
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

/** ooxml-check's problem lines for an output against its input (empty: clean). */
export function ooxmlProblems(out: string, input: string): string[] {
  const r = spawnSync(PYTHON, [OOXML_CHECK, out, "--changed-from", input], { encoding: "utf8" });
  if (r.status === 2 || r.error) throw new Error(`ooxml-check could not check ${out}: ${r.stderr || r.error?.message}`);
  return r.status === 0 ? [] : r.stdout.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("ooxml-check:"));
}

/** Runs a Python snippet (openpyxl, another program's reader) on a file; its stdout parsed as JSON. */
export function python<T>(script: string, ...args: string[]): T {
  const r = spawnSync(PYTHON, ["-c", script, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr.trim().split("\n").pop()}`);
  return JSON.parse(r.stdout) as T;
}
