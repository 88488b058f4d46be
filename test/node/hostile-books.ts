// A corpus of hostile or broken workbooks (issue 8), generated at test time — no binary fixtures are committed.
// Each book is built into a temporary folder with exceljs, JSZip or raw bytes: damaged zips, files that are not
// workbooks at all, encrypted books, and real workbooks holding what a hostile or careless user can put in a
// sheet (16,384 columns, 32,767-character cells, error values, merged and duplicate headers, odd sheet names,
// extreme dates, the 1904 system, hand-written XML that Excel accepts but exceljs never writes …).
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { writeFileSync } from "fs";
import { join } from "path";

export interface HostileBook {
  name: string;
  /** What a user would call it (the test's title). */
  what: string;
  /** Builds the file under `dir` and returns its path. */
  build(dir: string): Promise<string>;
}

const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

export const HEADER = ["客户编号", "客户名称", "联系人", "联系方式", "首次触达时间", "当前周期阶段", "最近下单时间", "近6个月消费金额(元)", "满意度", "备注"];

/** Three ordinary customers: the hostile content is added around them. */
export const ROWS: ExcelJS.CellValue[][] = [
  ["CRM2024001", "华东星海科技", "张伟", "手机号:****5678", utc(2024, 1, 15), "成交客户", utc(2024, 6, 1), 120000, 4.5, ""],
  ["CRM2024002", "北方重工集团", "李娜", "13812345678", utc(2023, 11, 2), "意向客户", null, 0, 3, "竞品接触"],
  ["CRM2024003", "Acme Ltd", "Bob", "021-12345678", "2024/3/5", "潜在客户", null, null, null, null],
];

function customersSheet(wb: ExcelJS.Workbook, name = "客户", rows: ExcelJS.CellValue[][] = ROWS, header: ExcelJS.CellValue[] = HEADER, top = 1): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name);
  ws.getRow(top).values = header as ExcelJS.CellValue[];
  rows.forEach((r, i) => {
    const row = ws.getRow(top + 1 + i);
    r.forEach((v, j) => {
      if (v === null || v === undefined) return;
      const cell = row.getCell(j + 1);
      cell.value = v;
      if (v instanceof Date) cell.numFmt = "yyyy-mm-dd";
    });
  });
  return ws;
}

async function save(wb: ExcelJS.Workbook, file: string): Promise<string> {
  await wb.xlsx.writeFile(file);
  return file;
}

async function baseBytes(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  customersSheet(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function put(dir: string, name: string, data: Buffer | string): string {
  const file = join(dir, name);
  writeFileSync(file, data);
  return file;
}

// ── a zip's structure, for targeted damage ──

interface CentralEntry {
  name: string;
  /** Offset of the central directory header. */
  at: number;
  localHeader: number;
  compressedSize: number;
}

function centralDirectory(buf: Buffer): { entries: CentralEntry[]; dirOffset: number; eocd: number } {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  const dirOffset = buf.readUInt32LE(eocd + 16);
  const entries: CentralEntry[] = [];
  let p = dirOffset;
  for (let i = 0; i < count; i++) {
    const nameLen = buf.readUInt16LE(p + 28);
    entries.push({ name: buf.toString("utf8", p + 46, p + 46 + nameLen), at: p, localHeader: buf.readUInt32LE(p + 42), compressedSize: buf.readUInt32LE(p + 20) });
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return { entries, dirOffset, eocd };
}

function dataOffset(buf: Buffer, e: CentralEntry): number {
  return e.localHeader + 30 + buf.readUInt16LE(e.localHeader + 26) + buf.readUInt16LE(e.localHeader + 28);
}

/** A copy of `buf` with `n` bytes inverted from `at`. */
function flip(buf: Buffer, at: number, n: number): Buffer {
  const out = Buffer.from(buf);
  for (let i = at; i < at + n && i < out.length; i++) out[i] ^= 0xff;
  return out;
}

// ── hand-written workbooks (the forms other writers produce) ──

const NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

export type RawCell = string | number | boolean | null | { xml: string } | { t?: string; v?: string; s?: number; f?: string };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function colLetters(c: number): string {
  let s = "";
  for (let n = c; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** `<sheetData>` rows: strings as shared strings (added to `sst`), numbers, booleans, or raw cell XML. */
export function rowsXml(rows: RawCell[][], sst: string[], top = 1): string {
  const out: string[] = [];
  rows.forEach((row, i) => {
    const r = top + i;
    const cells: string[] = [];
    row.forEach((v, j) => {
      const ref = `${colLetters(j + 1)}${r}`;
      if (v === null) return;
      if (typeof v === "string") {
        sst.push(v);
        cells.push(`<c r="${ref}" t="s"><v>${sst.length - 1}</v></c>`);
      } else if (typeof v === "number") cells.push(`<c r="${ref}"><v>${v}</v></c>`);
      else if (typeof v === "boolean") cells.push(`<c r="${ref}" t="b"><v>${v ? 1 : 0}</v></c>`);
      else if ("xml" in v) cells.push(v.xml);
      else cells.push(`<c r="${ref}"${v.t ? ` t="${v.t}"` : ""}${v.s !== undefined ? ` s="${v.s}"` : ""}>${v.f !== undefined ? `<f>${esc(v.f)}</f>` : ""}${v.v !== undefined ? `<v>${esc(v.v)}</v>` : ""}</c>`);
    });
    out.push(`<row r="${r}">${cells.join("")}</row>`);
  });
  return out.join("");
}

/** Cell style 1 shows dates (numFmt 14), style 2 is text (@). */
const STYLES =
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="${NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>` +
  `<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
  `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
  `<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
  `<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

export interface RawSheet {
  name: string;
  /** The `<sheetData>` content (see rowsXml). */
  data?: string;
  /** Extra XML after `</sheetData>` (mergeCells, autoFilter …). */
  after?: string;
  /** The whole part, replacing the generated one. */
  xml?: string;
  state?: string;
}

export interface RawBookOptions {
  sheets: RawSheet[];
  sst?: string[];
  /** The whole sharedStrings part, replacing the generated one. */
  sstXml?: string | Buffer;
  workbookPr?: string;
  /** Adds or replaces parts after the book is assembled (null deletes). */
  parts?: Record<string, string | Buffer | null>;
}

/** A minimal valid .xlsx written part by part, as other writers (and attackers) produce them. */
export async function rawBook(o: RawBookOptions): Promise<Buffer> {
  const zip = new JSZip();
  const sheets = o.sheets;
  zip.file(
    "[Content_Types].xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
      sheets.map((_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join("") +
      `<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
      `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`,
  );
  zip.file("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
  zip.file(
    "xl/workbook.xml",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${NS}" xmlns:r="${NS_R}">${o.workbookPr ?? "<workbookPr/>"}<bookViews><workbookView/></bookViews><sheets>` +
      sheets.map((s, i) => `<sheet name="${esc(s.name)}" sheetId="${i + 1}"${s.state ? ` state="${s.state}"` : ""} r:id="rId${i + 1}"/>`).join("") +
      `</sheets></workbook>`,
  );
  zip.file(
    "xl/_rels/workbook.xml.rels",
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
      sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("") +
      `<Relationship Id="rId${sheets.length + 1}" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId${sheets.length + 2}" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
  );
  sheets.forEach((s, i) =>
    zip.file(`xl/worksheets/sheet${i + 1}.xml`, s.xml ?? `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${NS}" xmlns:r="${NS_R}"><sheetData>${s.data ?? ""}</sheetData>${s.after ?? ""}</worksheet>`),
  );
  const sst = o.sst ?? [];
  zip.file("xl/sharedStrings.xml", o.sstXml ?? `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="${NS}" count="${sst.length}" uniqueCount="${sst.length}">${sst.map((s) => `<si><t xml:space="preserve">${esc(s)}</t></si>`).join("")}</sst>`);
  zip.file("xl/styles.xml", STYLES);
  for (const [name, data] of Object.entries(o.parts ?? {})) {
    if (data === null) zip.remove(name);
    else zip.file(name, data);
  }
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
}

/** The base customers as raw rows (dates as serials with the date style). */
function rawCustomers(): RawCell[][] {
  return [
    HEADER,
    ["CRM2024001", "华东星海科技", "张伟", "手机号:****5678", { v: "45306", s: 1 }, "成交客户", { v: "45444", s: 1 }, 120000, 4.5],
    ["CRM2024002", "北方重工集团", "李娜", "13812345678", { v: "45232", s: 1 }, "意向客户", null, 0, 3, "竞品接触"],
    ["CRM2024003", "Acme Ltd", "Bob", "021-12345678", "2024/3/5", "潜在客户"],
  ];
}

async function rawCustomersBook(dir: string, name: string, extraRows: RawCell[][] = [], opts: Partial<RawBookOptions> & { sheetName?: string; after?: string } = {}): Promise<string> {
  const sst: string[] = [];
  const data = rowsXml([...rawCustomers(), ...extraRows], sst);
  return put(dir, name, await rawBook({ sheets: [{ name: opts.sheetName ?? "客户", data, after: opts.after }], sst, ...opts }));
}

// ── the corpus ──

export const HOSTILE_BOOKS: HostileBook[] = [
  // Damaged zips.
  ...[0.001, 0.25, 0.5, 0.9].map((f): HostileBook => ({
    name: `truncated-${Math.round(f * 1000) / 10}pct`,
    what: `a download cut off at ${f * 100}% of the file`,
    build: async (dir) => {
      const b = await baseBytes();
      return put(dir, `truncated-${f}.xlsx`, b.subarray(0, Math.max(4, Math.floor(b.length * f))));
    },
  })),
  {
    name: "truncated-eocd",
    what: "the last bytes (end of central directory) cut off",
    build: async (dir) => {
      const b = await baseBytes();
      return put(dir, "truncated-eocd.xlsx", b.subarray(0, b.length - 10));
    },
  },
  {
    name: "corrupt-central-signature",
    what: "flipped bytes in the central directory (a header's signature)",
    build: async (dir) => {
      const b = await baseBytes();
      const { entries } = centralDirectory(b);
      return put(dir, "corrupt-central-sig.xlsx", flip(b, entries[Math.floor(entries.length / 2)].at, 4));
    },
  },
  {
    name: "corrupt-central-offset",
    what: "flipped bytes in the central directory (the sheet's local header offset)",
    build: async (dir) => {
      const b = await baseBytes();
      const e = centralDirectory(b).entries.find((x) => x.name === "xl/worksheets/sheet1.xml")!;
      return put(dir, "corrupt-central-offset.xlsx", flip(b, e.at + 42, 2));
    },
  },
  {
    name: "corrupt-central-size",
    what: "flipped bytes in the central directory (the sheet's compressed size)",
    build: async (dir) => {
      const b = await baseBytes();
      const e = centralDirectory(b).entries.find((x) => x.name === "xl/worksheets/sheet1.xml")!;
      return put(dir, "corrupt-central-size.xlsx", flip(b, e.at + 20, 2));
    },
  },
  {
    name: "corrupt-central-name",
    what: "flipped bytes in the central directory (the sheet part's name)",
    build: async (dir) => {
      const b = await baseBytes();
      const e = centralDirectory(b).entries.find((x) => x.name === "xl/worksheets/sheet1.xml")!;
      // "xl/worksheets/…" → "xl/wor\x8c\x9a…": the part the workbook points at is no longer in the directory.
      return put(dir, "corrupt-central-name.xlsx", flip(b, e.at + 46 + 6, 2));
    },
  },
  ...[0.3, 0.6].map((f): HostileBook => ({
    name: `corrupt-deflate-${f * 100}pct`,
    what: `flipped bytes ${f * 100}% into the sheet's deflated data`,
    build: async (dir) => {
      const b = await baseBytes();
      const { entries } = centralDirectory(b);
      const e = entries.find((x) => x.name === "xl/worksheets/sheet1.xml")!;
      return put(dir, `corrupt-deflate-${f}.xlsx`, flip(b, dataOffset(b, e) + Math.floor(e.compressedSize * f), 3));
    },
  })),
  {
    name: "corrupt-deflate-strings",
    what: "flipped bytes in the shared strings' deflated data",
    build: async (dir) => {
      const b = await baseBytes();
      const e = centralDirectory(b).entries.find((x) => x.name === "xl/sharedStrings.xml")!;
      return put(dir, "corrupt-deflate-sst.xlsx", flip(b, dataOffset(b, e) + Math.floor(e.compressedSize / 2), 1));
    },
  },
  // Not workbooks at all.
  { name: "empty-file", what: "a 0-byte file", build: async (dir) => put(dir, "empty.xlsx", Buffer.alloc(0)) },
  { name: "csv-renamed", what: "a CSV renamed to .xlsx", build: async (dir) => put(dir, "客户.csv.xlsx", `${HEADER.join(",")}\nCRM2024001,华东星海科技,张伟,13812345678,2024-01-15\n`) },
  { name: "csv-bom-renamed", what: "a UTF-8 CSV with a BOM renamed to .xlsx", build: async (dir) => put(dir, "客户-bom.xlsx", `\ufeff${HEADER.join(",")}\r\n`) },
  {
    name: "html-renamed",
    what: "an HTML table saved as .xlsx (what some systems export)",
    build: async (dir) => put(dir, "export.xlsx", `<html><body><table><tr>${HEADER.map((h) => `<td>${h}</td>`).join("")}</tr></table></body></html>`),
  },
  {
    name: "png-renamed",
    what: "a PNG image renamed to .xlsx",
    build: async (dir) => put(dir, "photo.xlsx", Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.from("IHDR"), Buffer.alloc(200, 7)])),
  },
  {
    name: "encrypted-ole",
    what: "a password-protected workbook (an OLE compound file holding EncryptionInfo/EncryptedPackage)",
    build: async (dir) => {
      const sector = Buffer.alloc(512 * 4);
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(sector, 0);
      sector.writeUInt16LE(0x3e, 24); // minor version
      sector.writeUInt16LE(3, 26); // major version 3 (512-byte sectors)
      sector.writeUInt16LE(0xfffe, 28); // little-endian
      sector.writeUInt16LE(9, 30); // sector shift
      Buffer.from("EncryptionInfo", "utf16le").copy(sector, 512);
      Buffer.from("EncryptedPackage", "utf16le").copy(sector, 512 + 128);
      return put(dir, "加密.xlsx", sector);
    },
  },
  {
    name: "legacy-xls",
    what: "an old .xls (the same OLE header) given as input",
    build: async (dir) => put(dir, "old.xls", Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1016)])),
  },
  {
    name: "zip-not-xlsx",
    what: "a zip archive that is not a workbook (a renamed .zip/.docx)",
    build: async (dir) => {
      const zip = new JSZip();
      zip.file("word/document.xml", "<document/>");
      zip.file("readme.txt", "hello");
      return put(dir, "not-a-book.xlsx", await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    },
  },
  {
    name: "workbook-xml-missing",
    what: "a workbook whose xl/workbook.xml is missing",
    build: async (dir) => {
      const zip = await JSZip.loadAsync(await baseBytes());
      zip.remove("xl/workbook.xml");
      return put(dir, "no-workbook-xml.xlsx", await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    },
  },

  // Real workbooks with hostile content.
  {
    name: "xfd-16384-columns",
    what: "a customers table plus a cell in column XFD (16,384 columns wide)",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      const ws = customersSheet(wb);
      ws.getCell("XFD3").value = "最后一列 last column";
      ws.getCell("XFD1").value = "备注2";
      return save(wb, join(dir, "xfd.xlsx"));
    },
  },
  {
    name: "long-cells-32767",
    what: "32,767-character cells (Excel's limit) in the name, contact, notes and a run of digits",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      const long = (unit: string) => unit.repeat(Math.ceil(32_767 / unit.length)).slice(0, 32_767);
      customersSheet(wb, "客户", [
        ...ROWS,
        ["CRM2024004", long("长名称"), long("张"), long("13812345678 "), utc(2024, 2, 1), "潜在客户", null, null, null, long("备注")],
        ["CRM2024005", "数字串", "王五", long("1"), utc(2024, 2, 1), long("成交"), null, long("9"), long("4"), long("=")],
      ]);
      return save(wb, join(dir, "long.xlsx"));
    },
  },
  {
    name: "formulas-and-errors",
    what: "formulas everywhere: #N/A, #DIV/0!, #REF!, #VALUE!, #NAME?, #NUM!, #NULL! as cached results, formulas without cached values",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      const errs = ["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"];
      const rows: ExcelJS.CellValue[][] = errs.map((e, i) => [
        { formula: `A${i + 1}&""`, result: `CRM20249${i}` } as ExcelJS.CellFormulaValue,
        { formula: "VLOOKUP(1,Z:Z,2,0)", result: { error: e } } as unknown as ExcelJS.CellFormulaValue,
        { error: e } as ExcelJS.CellErrorValue,
        { formula: "1/0", result: { error: "#DIV/0!" } } as unknown as ExcelJS.CellFormulaValue,
        { formula: "TODAY()-30" } as ExcelJS.CellFormulaValue,
        { formula: "#REF!", result: { error: "#REF!" } } as unknown as ExcelJS.CellFormulaValue,
        { formula: "TODAY()", result: utc(2024, 5, 1) } as ExcelJS.CellFormulaValue,
        { formula: "SUM(#REF!)" } as ExcelJS.CellFormulaValue,
        { error: e } as ExcelJS.CellErrorValue,
        { formula: "HYPERLINK(\"http://example.com\",\"x\")", result: "x" } as ExcelJS.CellFormulaValue,
      ]);
      const ws = customersSheet(wb, "客户", [...ROWS, ...rows]);
      // The header itself is a formula in one column.
      ws.getCell("B1").value = { formula: "\"客户名称\"", result: "客户名称" } as ExcelJS.CellFormulaValue;
      ws.getCell("C1").value = { formula: "\"联系人\"" } as ExcelJS.CellFormulaValue;
      return save(wb, join(dir, "formulas.xlsx"));
    },
  },
  {
    name: "merged-headers",
    what: "merged header cells and merged data cells",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      const ws = customersSheet(wb, "客户", ROWS, ["客户编号", "客户名称", null, "联系人", "联系方式", "首次触达时间", "当前周期阶段"]);
      ws.mergeCells("B1:C1");
      ws.mergeCells("A2:A3");
      ws.mergeCells("E3:G4");
      return save(wb, join(dir, "merged-headers.xlsx"));
    },
  },
  {
    name: "duplicate-headers",
    what: "the same header twice (two 客户名称, two 客户编号 columns)",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      customersSheet(wb, "客户", ROWS.map((r) => [...r, r[1], "X"]), [...HEADER, "客户名称", "客户编号"]);
      return save(wb, join(dir, "dup-headers.xlsx"));
    },
  },
  {
    name: "headers-in-merged-title",
    what: "the header row inside a merged title block, with a two-row header",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      const ws = customersSheet(wb, "客户", ROWS, HEADER, 3);
      ws.getCell("A1").value = "客户信息表 客户名称 联系人 首次触达时间";
      ws.mergeCells("A1:J3");
      ws.mergeCells("A4:B5");
      return save(wb, join(dir, "title-block.xlsx"));
    },
  },
  {
    name: "hidden-and-filtered",
    what: "an autoFilter with hidden rows, a hidden column, a hidden and a very hidden sheet",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      const ws = customersSheet(wb, "客户", [...ROWS, ...ROWS.map((r, i) => [`CRM20249${i}`, ...r.slice(1)])]);
      ws.autoFilter = "A1:J7";
      ws.getRow(3).hidden = true;
      ws.getRow(5).hidden = true;
      ws.getColumn(4).hidden = true;
      const h = customersSheet(wb, "隐藏客户", ROWS);
      h.state = "hidden";
      const vh = wb.addWorksheet("very hidden");
      vh.getCell("A1").value = "secret";
      vh.state = "veryHidden";
      return save(wb, join(dir, "hidden.xlsx"));
    },
  },
  {
    name: "quoted-sheet-names",
    what: "sheet names with quotes, spaces, ! and emoji (客户 名单's, O'Brien!, 31 characters)",
    build: async (dir) => {
      const sst: string[] = [];
      const cust = rowsXml(rawCustomers(), sst);
      const orders = rowsXml([["客户编号", "下单日期", "金额(元)"], ["CRM2024001", { v: "45444", s: 1 }, 5000], ["CRM9", "2024-01-01", "abc"]], sst);
      return put(dir, "quoted.xlsx", await rawBook({
        sheets: [{ name: "客户 名单's", data: cust }, { name: "O'Brien! #1 订单", data: orders }, { name: "x".repeat(31) }, { name: "客户📇 '引号'", data: rowsXml([["客户名称"], ["emoji sheet"]], sst) }],
        sst,
      }));
    },
  },
  {
    name: "whitespace-rows",
    what: "rows holding only spaces, tabs, ideographic and no-break spaces, zero-width characters",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      const blank = (s: string) => [s, s, s, s, s, s, s, s, s, s];
      customersSheet(wb, "客户", [ROWS[0], blank("   "), blank("\t"), ROWS[1], blank("\u3000"), blank("\u00a0"), blank("\u200b"), blank("\ufeff"), ROWS[2], blank(" \n ")]);
      return save(wb, join(dir, "whitespace.xlsx"));
    },
  },
  {
    name: "extreme-dates",
    what: "dates far in the past and future: 1900-01-01, serials 1, 0, −1, 60, 2958465, 2958466, 1e9, 9999-12-31 and impossible text dates",
    build: async (dir) => {
      const serials = ["1", "0", "-1", "60", "61", "2958465", "2958466", "1000000000", "1e300", "-1e300", "0.5"];
      const rows: RawCell[][] = serials.map((s, i) => [`CRMD${i}`, `日期客户${i}`, "赵六", "尾号1234", { v: s, s: 1 }, "成交客户", { v: s, s: 1 }, 100, 4, { v: s, s: 1 }]);
      rows.push(["CRMD90", "文本日期", "赵六", "尾号1234", "1900-01-01", "成交客户", "9999-12-31", 1, 1, "0000-01-01"]);
      rows.push(["CRMD91", "不存在的日期", "赵六", "尾号1234", "2024-02-30", "成交客户", "1900年1月1日", 1, 1, "99999-01-01"]);
      rows.push(["CRMD92", "d 类型", "赵六", "尾号1234", { t: "d", v: "9999-12-31T00:00:00Z" }, "成交客户", { t: "d", v: "not a date" }, 1, 1, { t: "d", v: "1899-12-30" }]);
      return rawCustomersBook(dir, "dates.xlsx", rows);
    },
  },
  {
    name: "extreme-dates-exceljs",
    what: "JS dates 1900-01-01, 1000-01-01 and 9999-12-31 written by exceljs",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      customersSheet(wb, "客户", [
        ["CRME1", "旧客户", "钱七", "尾号1234", utc(1900, 1, 1), "成交客户", utc(9999, 12, 31), 1, 1, utc(1000, 1, 1)],
        ["CRME2", "未来客户", "钱七", "尾号1234", utc(9999, 12, 31), "潜在客户", utc(1900, 3, 1), 1, 1, utc(1899, 12, 31)],
      ]);
      return save(wb, join(dir, "dates-exceljs.xlsx"));
    },
  },
  {
    name: "date-1904",
    what: "a 1904 date-system workbook (old Mac Excel)",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      wb.properties.date1904 = true;
      customersSheet(wb);
      return save(wb, join(dir, "date1904.xlsx"));
    },
  },
  {
    name: "date-1904-raw",
    what: "a 1904 workbook written by hand: serial 0 and negative serials",
    build: async (dir) =>
      rawCustomersBook(dir, "date1904-raw.xlsx", [["CRM1904", "1904客户", "孙八", "尾号1234", { v: "0", s: 1 }, "成交客户", { v: "-5", s: 1 }, 1, 1, { v: "43844", s: 1 }]], { workbookPr: '<workbookPr date1904="true"/>' }),
  },
  {
    name: "numbers-as-text",
    what: "numbers stored as text: 12,000, full-width digits, 1.2万, ¥-5, 1e400, NaN, Infinity, leading zeros",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      const texts = ["12,000", "１２０００", "1.2万", "¥-5", "1e400", "NaN", "Infinity", "-0", "００１", "12 000", "1.2.3", "0x10"];
      customersSheet(wb, "客户", texts.map((t, i) => [`${String(i).padStart(3, "0")}`, `文本数字${i}`, "周九", "尾号1234", t, "成交客户", t, t, t, t]));
      return save(wb, join(dir, "numbers-as-text.xlsx"));
    },
  },
  {
    name: "emoji-and-scripts",
    what: "emoji (ZWJ sequences, flags), Arabic, RTL overrides, combining marks and mixed scripts in names",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      const names = ["👨‍👩‍👧‍👦 家庭农场", "شركة العربية للتجارة", "Ünïcödé GmbH 中文", "🏳️‍🌈🇨🇳 Rainbow", "Z̷̢͉a̸l̵g̶o̴ 客户", "\u202eevil.exe\u202c", "𠀀𠀁 (supplementary CJK)", "\ufeffBOM 客户", "👍🏽".repeat(100)];
      customersSheet(wb, "客户🌏", names.map((n, i) => [`EMO${i}`, n, n.slice(0, 4), "尾号1234", utc(2024, 1, 1), "潜在客户", null, null, null, n]), [...HEADER.slice(0, 9), "备注 📝"]);
      return save(wb, join(dir, "emoji.xlsx"));
    },
  },
  {
    name: "empty-workbook",
    what: "a workbook with no sheets at all",
    build: async (dir) => save(new ExcelJS.Workbook(), join(dir, "no-sheets.xlsx")),
  },
  {
    name: "empty-sheet",
    what: "a workbook with one empty sheet",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet("Sheet1");
      return save(wb, join(dir, "empty-sheet.xlsx"));
    },
  },
  {
    name: "header-only",
    what: "a customers header row and no customers",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      customersSheet(wb, "客户", []);
      return save(wb, join(dir, "header-only.xlsx"));
    },
  },
  {
    name: "chart-sheet-only",
    what: "a workbook whose only sheet is a chart sheet",
    build: async (dir) => {
      const zip = await JSZip.loadAsync(await rawBook({ sheets: [] }));
      zip.file("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="${NS}" xmlns:r="${NS_R}"><workbookPr/><sheets><sheet name="图表1" sheetId="1" r:id="rId9"/></sheets></workbook>`);
      zip.file("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="${REL}/chartsheet" Target="chartsheets/sheet1.xml"/><Relationship Id="rId10" Type="${REL}/styles" Target="styles.xml"/></Relationships>`);
      zip.file("xl/chartsheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><chartsheet xmlns="${NS}" xmlns:r="${NS_R}"><sheetPr/><sheetViews><sheetView workbookViewId="0"/></sheetViews><drawing r:id="rId1"/></chartsheet>`);
      zip.file("xl/chartsheets/_rels/sheet1.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/drawing" Target="../drawings/drawing1.xml"/></Relationships>`);
      zip.file("xl/drawings/drawing1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"/>`);
      zip.file("xl/charts/chart1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"/>`);
      return put(dir, "chart-only.xlsx", await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    },
  },
  {
    name: "prefixed-namespace",
    what: "every part written with an x: namespace prefix (as the Open XML SDK does)",
    build: async (dir) => {
      const sst: string[] = [];
      const data = rowsXml(rawCustomers(), sst).replace(/<(\/?)(row|c|v|f)\b/g, "<$1x:$2");
      const X = `xmlns:x="${NS}"`;
      return put(dir, "prefixed.xlsx", await rawBook({
        sheets: [{ name: "客户", xml: `<?xml version="1.0" encoding="UTF-8"?><x:worksheet ${X}><x:sheetData>${data}</x:sheetData><x:mergeCells count="1"><x:mergeCell ref="J2:J3"/></x:mergeCells></x:worksheet>` }],
        sstXml: `<?xml version="1.0" encoding="UTF-8"?><x:sst ${X}>${sst.map((s) => `<x:si><x:t>${esc(s)}</x:t></x:si>`).join("")}</x:sst>`,
        parts: {
          "xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8"?><x:workbook ${X} xmlns:r="${NS_R}"><x:workbookPr/><x:sheets><x:sheet name="客户" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
        },
      }));
    },
  },
  {
    name: "shared-string-out-of-range",
    what: "shared-string indexes out of range, negative, fractional and not numbers",
    build: async (dir) =>
      rawCustomersBook(dir, "sst-range.xlsx", [
        ["CRMS1", { t: "s", v: "99999" }, { t: "s", v: "-1" }, { t: "s", v: "1.5" }, { t: "s", v: "abc" }, { t: "s", v: "" }, { t: "s", v: "1e3" }, { t: "s", v: "constructor" }, { t: "s", v: "__proto__" }],
      ]),
  },
  {
    name: "bad-cell-refs",
    what: "cell references A0, lower case, beyond XFD and row 1,048,576, no letters, empty",
    build: async (dir) => {
      const sst: string[] = [];
      const head = rowsXml(rawCustomers(), sst);
      const bad = ["A0", "b5", "XFE5", "AAAA5", "5", "", "A1048577", "A99999999999", "$C$5", "A-1", "Ω5"]
        .map((r, i) => `<c r="${r}" t="inlineStr"><is><t>bad${i}</t></is></c>`).join("");
      const noRef = `<c t="inlineStr"><is><t>no-ref</t></is></c><c><v>7</v></c>`;
      return put(dir, "bad-refs.xlsx", await rawBook({ sheets: [{ name: "客户", data: `${head}<row r="5">${bad}</row><row>${noRef}</row><row r="0"><c r="A0"><v>1</v></c></row>` }], sst }));
    },
  },
  {
    name: "rows-out-of-order",
    what: "rows out of order, a row given twice, cells out of order within a row",
    build: async (dir) => {
      const sst: string[] = [];
      const rows = rawCustomers();
      const xml = rowsXml(rows, sst);
      const parts = xml.split("</row>").filter(Boolean).map((r) => `${r}</row>`);
      const reversedCells = parts[1].replace(/<row r="2">(.*)<\/row>/, (_m, cells: string) => `<row r="2">${cells.split("</c>").filter(Boolean).reverse().map((c) => `${c}</c>`).join("")}</row>`);
      const dup = parts[2].replace(/(<c r="B3" t="s"><v>)\d+/, "$10");
      return put(dir, "out-of-order.xlsx", await rawBook({ sheets: [{ name: "客户", data: [parts[3], parts[0], reversedCells, parts[2], dup].join("") }], sst }));
    },
  },
  {
    name: "xml-entities",
    what: "a DOCTYPE with entity declarations in the shared strings (billion laughs, external entity)",
    build: async (dir) => {
      const sst: string[] = [];
      const data = rowsXml(rawCustomers(), sst);
      const lol = `<!DOCTYPE sst [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>`;
      const sstXml = `<?xml version="1.0" encoding="UTF-8"?>${lol}<sst xmlns="${NS}">${sst.map((s, i) => `<si><t>${i === 1 ? "&lol3;&xxe;" : esc(s)}</t></si>`).join("")}</sst>`;
      return put(dir, "entities.xlsx", await rawBook({ sheets: [{ name: "客户", data }], sstXml }));
    },
  },
  {
    name: "invalid-utf8",
    what: "invalid UTF-8 bytes and a lone surrogate in the shared strings",
    build: async (dir) => {
      const sst: string[] = [];
      const data = rowsXml(rawCustomers(), sst);
      const body = sst.map((s, i) => `<si><t>${i === 1 ? "\u0000BAD" : esc(s)}</t></si>`).join("");
      const xml = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}">${body}</sst>`, "utf8");
      // Overwrite the marker with bytes that are not UTF-8 (a lone surrogate, an overlong form, a stray continuation byte).
      const at = xml.indexOf(Buffer.from("\u0000BAD"));
      const bad = Buffer.concat([xml.subarray(0, at), Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xaf, 0x80]), xml.subarray(at + 4)]);
      return put(dir, "bad-utf8.xlsx", await rawBook({ sheets: [{ name: "客户", data }], sstXml: bad }));
    },
  },
  {
    name: "bad-cell-types",
    what: "cells whose type and value disagree: t=\"n\" text, t=\"b\" 2, t=\"e\" prose, unknown t, 1e309, an empty <v/>",
    build: async (dir) =>
      rawCustomersBook(dir, "bad-types.xlsx", [
        ["CRMT1", { t: "n", v: "abc" }, { t: "b", v: "2" }, { t: "e", v: "not an error" }, { t: "zzz", v: "?" }, { v: "1e309" }, { v: "" }, { t: "str" }, { t: "inlineStr", v: "x" }, { v: "-1e309", s: 1 }],
        ["CRMT2", "样式越界", "王", "尾号1234", { v: "45306", s: 99_999 }, "成交客户", { v: "45306", s: -3 }, { v: "NaN" }],
      ]),
  },
  {
    name: "bad-merges",
    what: "merge references that are reversed, single-cell, #REF!, empty and the whole sheet",
    build: async (dir) => rawCustomersBook(dir, "bad-merges.xlsx", [], { after: `<mergeCells count="6"><mergeCell ref="B3:A2"/><mergeCell ref="C3"/><mergeCell ref="#REF!"/><mergeCell ref=""/><mergeCell ref="A1:XFD1048576"/><mergeCell/></mergeCells>` }),
  },
  {
    name: "bad-table-refs",
    what: "Excel tables whose ranges are enormous or garbage",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      const ws = customersSheet(wb, "客户", []);
      ws.addTable({ name: "客户表", ref: "A1", headerRow: true, columns: HEADER.map((h) => ({ name: h })), rows: ROWS.map((r) => r.map((v) => v ?? "")) });
      const ws2 = wb.addWorksheet("订单");
      ws2.addTable({ name: "订单表", ref: "A1", headerRow: true, columns: [{ name: "客户编号" }, { name: "下单日期" }, { name: "金额(元)" }], rows: [["CRM2024001", utc(2024, 6, 1), 5000]] });
      const zip = await JSZip.loadAsync(await wb.xlsx.writeBuffer());
      const tables = Object.keys(zip.files).filter((n) => /^xl\/tables\/table\d+\.xml$/.test(n)).sort();
      const t1 = await zip.file(tables[0])!.async("string");
      zip.file(tables[0], t1.replace(/ref="[^"]*"/g, 'ref="A1:J99999999999"'));
      const t2 = await zip.file(tables[1])!.async("string");
      zip.file(tables[1], t2.replace(/ref="[^"]*"/, 'ref="#REF!"'));
      return put(dir, "bad-tables.xlsx", await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    },
  },
  {
    name: "last-row",
    what: "a note in the sheet's last row (L1,048,576), right of and far below the customers",
    build: async (dir) => {
      const sst: string[] = [];
      const data = rowsXml(rawCustomers(), sst) + `<row r="1048576"><c r="L1048576" t="inlineStr"><is><t>the end</t></is></c><c r="M1048576"><v>1</v></c></row>`;
      return put(dir, "last-row.xlsx", await rawBook({ sheets: [{ name: "客户", data }], sst }));
    },
  },
  {
    name: "duplicate-sheet-names",
    what: "two sheets with the same name (and one differing only by case), an empty sheet name",
    build: async (dir) => {
      const sst: string[] = [];
      const data = rowsXml(rawCustomers(), sst);
      return put(dir, "dup-sheets.xlsx", await rawBook({ sheets: [{ name: "客户", data }, { name: "客户", data }, { name: "SHEET1", data: "" }, { name: "sheet1", data: "" }, { name: "", data: "" }], sst }));
    },
  },
  {
    name: "rules-extreme",
    what: "a CRM规则 sheet with extreme, negative, non-numeric and unsorted values",
    build: async (dir) => {
      const wb = new ExcelJS.Workbook();
      customersSheet(wb);
      const ws = wb.addWorksheet("CRM规则");
      const rules: [string, ExcelJS.CellValue][] = [
        ["参数", "值"], ["stage.churnDays", 1e12], ["stage.atRiskDays", -5], ["tier.strategic", "NaN"], ["tier.key", 1e308], ["weight.spend6m", -1],
        ["weight.tenure", 1e308], ["cadence.A", 0], ["cadence.B", -14], ["cadence.C", 1e9], ["rfm.rBreaks", "5,4,3,2"], ["rfm.fBreaks", "1,1,1,1"],
        ["rfm.mBreaks", "a,b,c,d"], ["rfm.windowDays", 1e15], ["stage.churnDays", 0], ["unknown.key", "?"],
      ];
      rules.forEach((r, i) => (ws.getRow(i + 1).values = r));
      return save(wb, join(dir, "rules-extreme.xlsx"));
    },
  },
  {
    name: "many-sheets",
    what: "250 sheets, the customers on the last one",
    build: async (dir) => {
      const sst: string[] = [];
      const sheets: RawSheet[] = Array.from({ length: 249 }, (_, i) => ({ name: `表${i + 1}`, data: rowsXml([[`note ${i}`, i]], sst) }));
      sheets.push({ name: "客户", data: rowsXml(rawCustomers(), sst) });
      return put(dir, "many-sheets.xlsx", await rawBook({ sheets, sst }));
    },
  },
  {
    name: "many-merges",
    what: "5,000 merged cell pairs beside the customers (exceljs merges in O(n²): 20,000 take 20 s to read)",
    build: async (dir) => {
      const merges = Array.from({ length: 5_000 }, (_, i) => `<mergeCell ref="L${i + 1}:M${i + 1}"/>`).join("");
      return rawCustomersBook(dir, "many-merges.xlsx", [], { after: `<mergeCells count="5000">${merges}</mergeCells>` });
    },
  },
  {
    name: "deep-nesting",
    what: "XML nested 50,000 elements deep inside the sheet (an extension list)",
    build: async (dir) => rawCustomersBook(dir, "deep.xlsx", [], { after: `<extLst>${"<ext>".repeat(50_000)}${"</ext>".repeat(50_000)}</extLst>` }),
  },
  {
    name: "duplicate-zip-entries",
    what: "the zip holds two entries named xl/worksheets/sheet1.xml (the second an empty sheet)",
    build: async (dir) => {
      const sst: string[] = [];
      const b = await rawBook({ sheets: [{ name: "客户", data: rowsXml(rawCustomers(), sst) }, { name: "空", data: "" }], sst });
      // Rename sheet2.xml to sheet1.xml in its local and central headers (same length): two parts, one name.
      const from = Buffer.from("xl/worksheets/sheet2.xml");
      const to = Buffer.from("xl/worksheets/sheet1.xml");
      const out = Buffer.from(b);
      for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + 1)) to.copy(out, at);
      return put(dir, "dup-entries.xlsx", out);
    },
  },
  {
    name: "comment-in-row-note-below",
    what: "an XML comment inside a row (apply falls back to the exceljs writer) and a note below the table where the result columns go",
    build: async (dir) => {
      const sst: string[] = [];
      const data = rowsXml(rawCustomers(), sst).replace('<row r="2">', "<row r=\"2\"><!-- written by a reporting tool -->") +
        `<row r="40"><c r="L40" t="inlineStr"><is><t>审核人：王五</t></is></c></row>`;
      return put(dir, "comment-note.xlsx", await rawBook({ sheets: [{ name: "客户", data }], sst }));
    },
  },
  {
    name: "huge-plan",
    what: "an execution plan of 70,000 tasks beside the customers (the review's Gantt view spans all of them)",
    build: async (dir) => {
      const sst: string[] = [];
      const cust = rowsXml(rawCustomers(), sst);
      const rows: string[] = [`<row r="1"><c r="A1" t="inlineStr"><is><t>任务名称</t></is></c><c r="B1" t="inlineStr"><is><t>开始时间</t></is></c><c r="C1" t="inlineStr"><is><t>截止时间</t></is></c></row>`];
      for (let i = 0; i < 70_000; i++) {
        const r = i + 2;
        rows.push(`<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>任务${i}</t></is></c><c r="B${r}" s="1"><v>${45000 + (i % 400)}</v></c><c r="C${r}" s="1"><v>${45030 + (i % 400)}</v></c></row>`);
      }
      return put(dir, "huge-plan.xlsx", await rawBook({ sheets: [{ name: "客户", data: cust }, { name: "执行计划", data: rows.join("") }], sst }));
    },
  },
  {
    name: "zero-rows-bomb",
    what: "a small file that inflates to 200,000 empty rows and megabytes of whitespace",
    build: async (dir) => {
      const sst: string[] = [];
      const head = rowsXml(rawCustomers(), sst);
      const rows: string[] = [];
      for (let r = 5; r < 200_005; r++) rows.push(`<row r="${r}"/>`);
      const ws = " ".repeat(8_000_000);
      return put(dir, "bomb.xlsx", await rawBook({ sheets: [{ name: "客户", data: `${head}${ws}${rows.join("")}` }], sst }));
    },
  },
];
