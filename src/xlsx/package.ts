// The package around the sheets: where the workbook part is (the `officeDocument` relationship of
// `_rels/.rels`, not always `xl/workbook.xml`), its sheets and relationships, the content types, and the marks
// by which the product knows its own output. Read with the namespace-aware parser (xml.ts), so a book keeps
// whatever prefixes, entity spellings and quote styles its writer chose.
import { isResultsMark, MARK_RESULTS, MARK_SHEET } from "../workbook/owned";
import { readZipEntry, zipEntries, type ZipEntry } from "./zip";
import { NS, XmlDoc, type XmlElement } from "./xml";

export const REL_TYPE = {
  officeDocument: `${NS.rel}/officeDocument`,
  worksheet: `${NS.rel}/worksheet`,
  styles: `${NS.rel}/styles`,
  sharedStrings: `${NS.rel}/sharedStrings`,
  calcChain: `${NS.rel}/calcChain`,
} as const;

/** The relationship type ends the same way in transitional and strict packages. */
export const isRelType = (type: string, kind: string) => type.endsWith(`/${kind}`);

/** Resolves a relationship target against the folder of the part that declares it (OPC part names). */
export function resolvePart(from: string, target: string): string {
  const t = target.split("#")[0];
  if (t.startsWith("/")) return t.slice(1);
  const parts = from.split("/").slice(0, -1);
  for (const seg of t.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== "." && seg !== "") parts.push(seg);
  }
  return parts.join("/");
}

/** `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`; `` (the package) → `_rels/.rels`. */
export function relsPathOf(part: string): string {
  const i = part.lastIndexOf("/");
  return `${part.slice(0, i + 1)}_rels/${part.slice(i + 1)}.rels`;
}

export interface Relationship {
  el: XmlElement;
  id: string;
  type: string;
  /** The target as written, and as a part path (internal targets only). */
  target: string;
  part: string | null;
}

export function relationships(doc: XmlDoc, from: string): Relationship[] {
  return doc.root.elements("Relationship", NS.pkgRel).map((el) => {
    const target = el.attr("Target") ?? "";
    const external = el.attr("TargetMode") === "External";
    return { el, id: el.attr("Id") ?? "", type: el.attr("Type") ?? "", target, part: external ? null : resolvePart(from, target) };
  });
}

/** Ids given out by addRelationship, per part (they are not in the parsed tree until it is written). */
const issued = new WeakMap<XmlDoc, Set<string>>();

/** Adds a relationship with a fresh id (`rIdCrm1`, …) and returns the id. */
export function addRelationship(doc: XmlDoc, type: string, target: string): string {
  const ids = issued.get(doc) ?? new Set(doc.root.elements("Relationship", NS.pkgRel).map((e) => e.attr("Id") ?? ""));
  issued.set(doc, ids);
  let n = 1;
  while (ids.has(`rIdCrm${n}`)) n++;
  const id = `rIdCrm${n}`;
  ids.add(id);
  doc.root.append(doc.root.tag(NS.pkgRel, "Relationship", [["", "Id", id], ["", "Type", type], ["", "Target", target]]));
  return id;
}

/** Content types: part names compare without regard to case (OPC). */
export function removeOverride(doc: XmlDoc, part: string): void {
  const name = `/${part}`.toLowerCase();
  for (const o of doc.root.elements("Override", NS.contentTypes)) if ((o.attr("PartName") ?? "").toLowerCase() === name) o.remove();
}

export function addOverride(doc: XmlDoc, part: string, contentType: string): void {
  removeOverride(doc, part);
  doc.root.append(doc.root.tag(NS.contentTypes, "Override", [["", "PartName", `/${part}`], ["", "ContentType", contentType]]));
}

export interface SheetEntry {
  el: XmlElement;
  name: string;
  sheetId: number;
  relId: string;
  state: string;
}

export { MARK_RESULTS, MARK_SHEET };

export interface Marks {
  /** Role (`findings`, `review.stages` …) → the sheet that holds it now. */
  sheets: Map<string, string>;
  /** The ◆ result columns of the last apply: sheet and A1 range, header row to last data row (`_CRM_RESULTS`). */
  results: { sheet: string; ref: string } | null;
  /** Every results mark (`_CRM_RESULTS`, `_CRM_RESULTS_2` … one per customers table written to). */
  allResults: { sheet: string; ref: string }[];
}

/** The results mark on a sheet, if the last apply wrote there. */
export function resultsOn(marks: Marks, sheet: string): { sheet: string; ref: string } | undefined {
  return marks.allResults.find((r) => r.sheet === sheet);
}

/** The workbook part, parsed, with its sheets and the product's marks. */
export class WorkbookPart {
  /** Marks to add, written into `<definedNames>` by finish(). */
  private readonly newNames: string[] = [];

  constructor(
    readonly path: string,
    readonly doc: XmlDoc,
  ) {}

  /** ISO/IEC 29500 Strict, whose namespaces differ from the transitional ones the product writes. */
  get strict(): boolean {
    return this.doc.root.uri === NS.strictMain;
  }

  get mainNs(): string {
    return this.doc.root.uri;
  }

  get relNs(): string {
    return this.strict ? NS.strictRel : NS.rel;
  }

  sheetsEl(): XmlElement | undefined {
    return this.doc.root.element("sheets");
  }

  sheets(): SheetEntry[] {
    return (this.sheetsEl()?.elements("sheet") ?? []).filter((el) => !el.removed).map((el) => ({
      el,
      name: el.attr("name") ?? "",
      sheetId: Number(el.attr("sheetId") ?? 0),
      relId: el.attr("id", this.relNs) ?? "",
      state: el.attr("state") ?? "visible",
    }));
  }

  get date1904(): boolean {
    const v = this.doc.root.element("workbookPr")?.attr("date1904");
    return v === "1" || v === "true";
  }

  definedNames(): XmlElement[] {
    return (this.doc.root.element("definedNames")?.elements("definedName") ?? []).filter((e) => !e.removed);
  }

  marks(): Marks {
    const sheets = new Map<string, string>();
    let results: Marks["results"] = null;
    const allResults: Marks["allResults"] = [];
    const names = new Set(this.sheets().map((s) => s.name));
    for (const dn of this.definedNames()) {
      const name = dn.attr("name") ?? "";
      if (dn.attr("localSheetId") !== undefined || !name.startsWith("_CRM_")) continue;
      const ref = splitRef(nameText(dn));
      if (!ref || !names.has(ref.sheet)) continue;
      if (name.startsWith(MARK_SHEET)) sheets.set(name.slice(MARK_SHEET.length), ref.sheet);
      else if (isResultsMark(name)) {
        if (name === MARK_RESULTS) results = ref;
        allResults.push(ref);
      }
    }
    return { sheets, results, allResults };
  }

  /** Takes out every results mark (before apply sets them anew, or for undo). */
  clearResultsMarks(): void {
    for (const dn of this.definedNames()) if (isResultsMark(dn.attr("name") ?? "") && dn.attr("localSheetId") === undefined) dn.remove();
  }

  /** Sets (or with null removes) one of the product's workbook-scoped names. */
  setMark(name: string, sheet: string | null, ref = "$A$1"): void {
    for (const dn of this.definedNames()) if (dn.attr("name") === name && dn.attr("localSheetId") === undefined) dn.remove();
    if (sheet === null) return;
    const text = `${quoteSheetName(sheet)}!${ref}`;
    this.newNames.push(this.doc.root.tag(this.mainNs, "definedName", [["", "name", name], ["", "hidden", "1"]], escapeXmlText(text)));
  }

  /** The workbook's PivotTable caches still in it: id and relationship to the cache definition. */
  pivotCaches(): { el: XmlElement; cacheId: number; relId: string }[] {
    const block = this.doc.root.element("pivotCaches");
    if (!block || block.removed) return [];
    return block.elements("pivotCache").filter((e) => !e.removed).map((el) => ({ el, cacheId: Number(el.attr("cacheId") ?? 0), relId: el.attr("id", this.relNs) ?? "" }));
  }

  /** Takes a cache's entry out; a `<pivotCaches>` left empty goes too (the schema wants one or more). */
  removePivotCache(relId: string): void {
    const block = this.doc.root.element("pivotCaches");
    if (!block || block.removed) return;
    for (const c of this.pivotCaches()) if (c.relId === relId) c.el.remove();
    if (block.elements().every((e) => e.removed) && block.appended.length === 0) block.remove();
  }

  /** A cache to list, written by finish() (after any new `<definedNames>`, which the schema puts first). */
  addPivotCache(cacheId: number, relId: string): void {
    this.newCaches.push(this.doc.root.tag(this.mainNs, "pivotCache", [["", "cacheId", String(cacheId)], [this.relNs, "id", relId]]));
  }

  private readonly newCaches: string[] = [];

  /** Writes the marks set since parsing; a `<definedNames>` left empty is taken out (the schema wants one or more). */
  finish(): void {
    this.finishNames();
    if (this.newCaches.length === 0) return;
    const block = this.doc.root.element("pivotCaches");
    if (block && !block.removed) block.append(this.newCaches.join(""));
    else {
      // pivotCaches follows definedNames, calcPr, oleSize and customWorkbookViews in CT_Workbook.
      const after = ["smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst"];
      const next = this.doc.root.children.find((c) => after.includes(c.local) && c.uri === this.mainNs && !c.removed);
      const xml = this.doc.root.tag(this.mainNs, "pivotCaches", [], this.newCaches.join(""));
      if (next) next.insertBefore(xml);
      else this.doc.root.append(xml);
    }
    this.newCaches.length = 0;
  }

  private finishNames(): void {
    const block = this.doc.root.element("definedNames");
    const live = block && !block.removed;
    if (this.newNames.length > 0 && live) block.append(this.newNames.join(""));
    else if (this.newNames.length > 0) {
      // definedNames follows sheets/functionGroups/externalReferences in the schema's order.
      const after = ["calcPr", "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst"];
      const next = this.doc.root.children.find((c) => after.includes(c.local) && c.uri === this.mainNs && !c.removed);
      const xml = this.doc.root.tag(this.mainNs, "definedNames", [], this.newNames.join(""));
      if (next) next.insertBefore(xml);
      else this.doc.root.append(xml);
    } else this.dropEmptyDefinedNames();
    this.newNames.length = 0;
  }

  /** A `<definedNames>` whose every name was taken out goes too (one the book had empty stays as it was). */
  dropEmptyDefinedNames(): void {
    const block = this.doc.root.element("definedNames");
    const names = block?.elements() ?? [];
    if (block && !block.removed && names.length > 0 && names.every((e) => e.removed) && block.appended.length === 0 && this.newNames.length === 0) block.remove();
  }
}

function escapeXmlText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The text of a defined name (its formula). */
const nameText = (dn: XmlElement) => dn.text;

/** `'My sheet'!$A$1` → {sheet: "My sheet", ref: "$A$1"}; null for anything else (#REF!, unions, functions). */
export function splitRef(formula: string): { sheet: string; ref: string } | null {
  const m = /^(?:'((?:[^']|'')+)'|([^'!\s,()]+))!(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)$/.exec(formula.trim());
  if (!m) return null;
  return { sheet: m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2], ref: m[3] };
}

export function quoteSheetName(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

/** The package's parts as the reader and the writer need them. */
export interface PackageInfo {
  workbook: WorkbookPart;
  rels: XmlDoc;
  relsPath: string;
  contentTypes: XmlDoc;
}

/** Reads and parses a part; null when the zip has no such entry. */
export function readXmlPart(file: string, entries: readonly ZipEntry[], path: string): XmlDoc | null {
  if (!entries.some((e) => e.name === path)) return null;
  const buf = readZipEntry(file, path);
  if (!buf) return null;
  return XmlDoc.parse(decodeXmlBytes(buf), path);
}

/** XML bytes as text: UTF-8 (with or without BOM), or UTF-16 with its BOM. */
export function decodeXmlBytes(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString("utf16le");
  if (buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString("utf16le");
  }
  return buf.toString("utf8");
}

/** The workbook part's content type (what Excel goes by: .xlsx, .xlsm, template), or null when it cannot be read. */
export function workbookContentType(file: string): string | null {
  try {
    const entries = zipEntries(file);
    if (!entries) return null;
    const pkg = openPackage(file, entries);
    const part = `/${pkg.workbook.path}`.toLowerCase();
    const override = pkg.contentTypes.root.elements("Override", NS.contentTypes).find((o) => (o.attr("PartName") ?? "").toLowerCase() === part);
    return (override?.attr("ContentType") ?? "").trim().toLowerCase() || null;
  } catch {
    return null;
  }
}

/** Finds and parses the workbook part, its relationships and the content types. Throws a plain Error naming what is missing. */
export function openPackage(file: string, entries: readonly ZipEntry[]): PackageInfo {
  const rootRels = readXmlPart(file, entries, "_rels/.rels");
  let path = "xl/workbook.xml";
  if (rootRels) {
    const office = relationships(rootRels, "").find((r) => isRelType(r.type, "officeDocument"));
    if (office?.part) path = office.part;
  }
  const wb = readXmlPart(file, entries, path);
  if (!wb) throw new Error(`${path} is missing`);
  const relsPath = relsPathOf(path);
  const rels = readXmlPart(file, entries, relsPath);
  if (!rels) throw new Error(`${relsPath} is missing`);
  const contentTypes = readXmlPart(file, entries, "[Content_Types].xml");
  if (!contentTypes) throw new Error("[Content_Types].xml is missing");
  return { workbook: new WorkbookPart(path, wb), rels, relsPath, contentTypes };
}

/**
 * What users call the parts a writer may leave out, by content type, or by where the part is when its type is
 * only the generic application/xml (some writers give no Override). The rest are named by their type.
 */
const PART_LABELS: { type: RegExp; path?: RegExp; zh: string; en: string }[] = [
  { type: /drawingml\.chart\+xml$|chartsheet\+xml$/, path: /^xl\/(charts|chartsheets)\//, zh: "图表", en: "charts" },
  { type: /pivotTable\+xml$/, path: /^xl\/pivotTables\//, zh: "数据透视表", en: "PivotTables" },
  { type: /vbaProject$|ms-office\.vbaProject/, path: /vbaProject\.bin$/, zh: "宏（VBA）", en: "macros (VBA)" },
  { type: /slicer\+xml$|slicerCache\+xml$/, path: /^xl\/slicers\//, zh: "切片器", en: "slicers" },
  { type: /timeline\+xml$|timelineCache\+xml$/, path: /^xl\/timelines\//, zh: "日程表", en: "timelines" },
  { type: /threadedcomments\+xml$/i, path: /^xl\/threadedComments\//, zh: "批注会话", en: "threaded comments" },
  { type: /spreadsheetml\.comments\+xml$|vmlDrawing$/, zh: "批注", en: "comments" },
  { type: /drawing\+xml$/, zh: "绘图（形状、图片位置）", en: "drawings (shapes, picture placement)" },
  { type: /^image\//, zh: "图片", en: "pictures" },
  { type: /externalLink\+xml$/, zh: "外部链接", en: "external links" },
  { type: /connections\+xml$|queryTable\+xml$/, zh: "数据连接", en: "data connections" },
  { type: /printerSettings$/, zh: "打印机设置", en: "printer settings" },
  { type: /custom-properties\+xml$/, zh: "自定义属性", en: "custom properties" },
  { type: /customXml|customXmlProperties/, zh: "自定义 XML", en: "custom XML" },
  { type: /activeX|ctrlProp|control/, zh: "控件", en: "controls" },
];

export interface LostPart {
  zh: string;
  en: string;
  count: number;
}

/**
 * The parts that go with the product's own sheets (known by their marks): the review sheets' drawings and charts,
 * the PivotTables and tables of its staging and pivot sheets, and whatever those link to but pictures (which a
 * user may have put there) and pivot caches (shared, and never counted). A writer that rebuilds the book makes
 * those sheets again: they are not the user's to lose.
 */
function productParts(file: string, entries: readonly ZipEntry[]): Set<string> {
  const out = new Set<string>();
  let pkg: PackageInfo;
  try {
    pkg = openPackage(file, entries);
  } catch {
    return out;
  }
  const names = new Set(entries.map((e) => e.name));
  const follow = (part: string) => {
    const doc = readXmlPart(file, entries, relsPathOf(part));
    for (const r of doc ? relationships(doc, part) : []) {
      if (!r.part || !names.has(r.part) || out.has(r.part) || isRelType(r.type, "image") || isRelType(r.type, "pivotCacheDefinition")) continue;
      out.add(r.part);
      follow(r.part);
    }
  };
  const owned = new Set(pkg.workbook.marks().sheets.values());
  const rels = relationships(pkg.rels, pkg.workbook.path);
  for (const s of pkg.workbook.sheets()) {
    const part = owned.has(s.name) ? rels.find((r) => r.id === s.relId)?.part : undefined;
    if (part) follow(part);
  }
  return out;
}

/** Parts by kind: what users call them (PART_LABELS), else their content type; relationships, the calculation chain and pivot caches (rebuilt with their tables) left out, and any part in `skip`. */
function partsByKind(file: string, skip: ReadonlySet<string> = new Set()): Map<string, number> {
  const entries = zipEntries(file) ?? [];
  const ct = readXmlPart(file, entries, "[Content_Types].xml");
  const overrides = new Map((ct?.root.elements("Override", NS.contentTypes) ?? []).map((o) => [(o.attr("PartName") ?? "").toLowerCase(), o.attr("ContentType") ?? ""]));
  const defaults = new Map((ct?.root.elements("Default", NS.contentTypes) ?? []).map((d) => [(d.attr("Extension") ?? "").toLowerCase(), d.attr("ContentType") ?? ""]));
  const out = new Map<string, number>();
  for (const e of entries) {
    if (e.name.endsWith("/") || e.name === "[Content_Types].xml" || skip.has(e.name)) continue;
    const type = overrides.get(`/${e.name}`.toLowerCase()) ?? defaults.get(e.name.slice(e.name.lastIndexOf(".") + 1).toLowerCase()) ?? "";
    if (/relationships\+xml$|calcChain\+xml$|pivotCache(Definition|Records)\+xml$/.test(type) || /pivotCache\//.test(e.name) || type === "") continue;
    const generic = /^application\/xml$|^text\/xml$/.test(type);
    const label = PART_LABELS.find((l) => (generic ? l.path?.test(e.name) : l.type.test(type)));
    const key = label ? `label:${label.en}` : generic ? `type:${type}:${e.name.replace(/\d+\.xml$/, "")}` : `type:${type}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/**
 * What a writer that rebuilds the whole book (the exceljs fallback) left out: every kind of part the input has
 * more of than the output, named as users call it. Measured on the written file, not guessed from a list.
 */
export function partsLost(input: string, output: string): LostPart[] {
  // The product's own charts, PivotTables and tables are not the user's to lose: its sheets are made again.
  const before = partsByKind(input, productParts(input, zipEntries(input) ?? []));
  const after = partsByKind(output);
  const lost: LostPart[] = [];
  for (const [key, n] of before) {
    const missing = n - (after.get(key) ?? 0);
    if (missing <= 0) continue;
    const label = key.startsWith("label:") ? PART_LABELS.find((l) => `label:${l.en}` === key) : undefined;
    const what = key.replace(/^type:/, "");
    lost.push({ zh: label?.zh ?? `其他部件（${what}）`, en: label?.en ?? `other parts (${what})`, count: missing });
  }
  return lost;
}
