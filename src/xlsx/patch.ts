// The patching writer: `crm apply` writes a new .xlsx by copying every part of the user's file byte for byte
// (charts, PivotTables, slicers, macros' parts, everything exceljs would drop) and changing only what the product
// owns (src/workbook/owned.ts): its cells streamed into the customers sheet's rows, its rules and lists in that
// sheet, a few styles appended to styles.xml, and its own sheets. Memory stays proportional to the values the
// engine needs, not to the file's object model, so a sheet at Excel's row limit can be written.
import { columnLetter, columnNumber, dayFromYmd, HISTORY_ROLE, HISTORY_SHEET, maskPhones, parseRange, serialFromDay, type CustomerResult, type PipelineResult, type ReviewData, type WorkbookModel } from "../core";
import { FINDINGS_ROLE, FINDINGS_SHEET, HIGHLIGHT_RULES, isOwnedRuleFormula, OWNED_COLUMNS, ownedColumnOf, ownedHeader, ownedLayout, resultsMarkName, resultTables, type OwnedLayout } from "../workbook/owned";
import { cellXml, findingsSheetChunks, historyRef, historyRowChunks, historySheetChunks, reviewSheetXml, SHEET_DRAWING_REL_ID, SHEET_TABLE_REL_ID, xmlAttr, xmlText } from "./owned-sheets";
import { reviewGrid, reviewSheets } from "../workbook/review-sheets";
import { PIVOT_DATA_TABLE, PIVOT_SHEETS, pivotLayout, REVIEW_PIVOTS, type PivotDataCell } from "../workbook/review-pivots";
import { chartXml, CT_CHART, CT_DRAWING, drawingXml, relsXml } from "./charts";
import { CT_PIVOT_CACHE, CT_PIVOT_TABLE, pivotCacheXml, pivotDataSheetChunks, pivotDataTableXml, pivotSheetXml, pivotTableXml } from "./pivots";
import { patchSheet, PatchUnsupported, SheetSyntax, type PatchCell, type SheetPatch } from "./sheet-patch";
import { escapeText, NS, XmlDoc, type XmlElement } from "./xml";
import { StylesPatch } from "./styles-patch";
import { writeAtomic } from "./atomic";
import { entryStream, type BookParts } from "./read";
import { BookError } from "./exceljs";
import { addOverride, addRelationship, decodeXmlBytes, isRelType, MARK_SHEET, openPackage, REL_TYPE, readXmlPart, relationships, relsPathOf, removeOverride, resultsOn, type PackageInfo, type WorkbookPart } from "./package";
import { readZipEntry, writeZip, type ZipItem } from "./zip";
import { isUntouchedTemplate } from "../workbook/templates";

// Thrown when the workbook's XML is not laid out the way the patching writer edits it (e.g. prefixed element names).
export { PatchUnsupported };

const CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml";
const CT_RELS = "application/vnd.openxmlformats-package.relationships+xml";
const CT_TABLE = "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml";
/** A styles part for a workbook that has none (some generators leave it out): Excel's defaults. */
const MINIMAL_STYLES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';

const text = (parts: BookParts, name: string) => {
  const buf = parts.entries.some((e) => e.name === name) ? readZipEntry(parts.file, name) : null;
  return buf ? decodeXmlBytes(buf) : null;
};

/** A sheet the product writes whole: its role (the mark that finds it again), its name, its XML in pieces. */
export interface OwnedSheetPart {
  role: string;
  name: string;
  chunks: Iterable<string> | AsyncIterable<string>;
  /**
   * Its charts, made once the sheet's name in this workbook is known (their ranges name it): a drawing part with
   * one chart part each, linked from the sheet by relationship SHEET_DRAWING_REL_ID (which its XML names).
   */
  charts?: (sheetName: string) => string[];
  /** The drawing part anchoring `charts` (drawing.xml's relationships are rId1 … in chart order). */
  drawing?: string;
  /**
   * An Excel table over the sheet's cells (the staging sheet's), linked by relationship SHEET_TABLE_REL_ID (which its
   * XML names): its part, given an id and a name no other table or defined name of the workbook has.
   */
  table?: { name: string; xml: (id: number, name: string) => string };
  /**
   * False: a sheet made for the user (crm init's template tables), not the product's: no mark, never replaced or
   * taken out as the product's, read by the engine as any sheet of the user's. Its role only names it in this write.
   */
  mark?: boolean;
}

/** The edits of one write: patched sheets (by part path), the product's own sheets, the styles they use. */
export interface BookEdit {
  sheets: Map<string, SheetPatch>;
  owned: OwnedSheetPart[];
  styles: StylesPatch;
  /** Roles of the product's own sheets to take out of the workbook (undo, review sheets no longer made). */
  removeRoles?: string[];
  /** Sheets taken out by name (undo: crm init's template sheets still as it made them; a new book's placeholder). */
  removeSheets?: string[];
  /** The ◆ result ranges to mark, one per customers table written to (apply), or null to take the marks away (undo); left out, unchanged. */
  results?: { sheet: string; ref: string }[] | null;
  /** Other parts written anew (a sheet's relationships, when mask changes its `tel:` links). */
  extra?: { name: string; data: string }[];
  /**
   * The review's PivotTables: one cache over the staging sheet (the owned sheet of role `dataRole`, named once its
   * name in this workbook is known) and a PivotTable part for each owned sheet of `tables`, given the cache's id.
   */
  pivots?: { dataRole: string; cache: (dataSheet: string) => string; tables: { role: string; xml: (cacheId: number) => string }[] };
}

/**
 * The workbook's styles part: its path, from the workbook's relationships. A book without one gets
 * xl/styles.xml wherever its workbook part is: any name is valid, and openpyxl looks there and nowhere else.
 */
function stylesPath(parts: BookParts): string {
  return parts.styles ?? "xl/styles.xml";
}

/** Opens the styles of a workbook for appending (Excel's defaults when the part is missing). */
export function stylesOf(parts: BookParts): { styles: StylesPatch; path: string; exists: boolean } {
  const path = stylesPath(parts);
  const xml = text(parts, path);
  return { styles: new StylesPatch(xml ?? MINIMAL_STYLES), path, exists: xml !== null };
}

/** A part's path relative to the folder of `from` (relationship targets are written relative). */
function relativeTo(from: string, part: string): string {
  const dir = from.split("/").slice(0, -1);
  const target = part.split("/");
  let i = 0;
  while (i < dir.length && i < target.length - 1 && dir[i] === target[i]) i++;
  return [...dir.slice(i).map(() => ".."), ...target.slice(i)].join("/");
}

/** A sheet name not yet taken, compared as Excel compares them (without regard to case), at most 31 characters. */
export function freeSheetName(base: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((n) => n.toLowerCase()));
  if (!used.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const name = base.slice(0, 31 - suffix.length) + suffix;
    if (!used.has(name.toLowerCase())) return name;
  }
}

/**
 * What goes with a product sheet when it is replaced or removed: its drawings, their charts and what only a chart
 * uses (user shapes, theme overrides, Office 2011's chart style and colours), its PivotTables and tables (the pane
 * makes the staging sheet a table: left behind, its name would be taken). Not followed: images
 * and embedded files, which Excel shares between drawings (a user's sheet may show the same picture), and pivot
 * caches, which PivotTables on other sheets may share (one goes once no PivotTable is left on it).
 */
const LINKED_WITH_SHEET = /\/(drawing|chart|chartUserShapes|themeOverride|chartStyle|chartColorStyle|pivotTable|table)$/;

/**
 * Writes `out` from the parts of the input with the edits applied, through a temporary file renamed into place:
 * a failure halfway (disk full, a part we cannot edit) leaves no half-written output. The package parts are
 * edited through the XML tree (xml.ts), so everything the product does not change in them stays as written.
 */
export async function writePatched(parts: BookParts, edit: BookEdit, out: string): Promise<Placed> {
  if (parts.strict) {
    throw new BookError(parts.file, "这是 Strict Open XML 格式的工作簿，无法安全写入；请在 Excel 中另存为“Excel 工作簿 (*.xlsx)”后重试，未做任何修改", "this is a Strict Open XML workbook, which cannot be written safely; save it as an ordinary Excel workbook (*.xlsx) and try again; nothing was changed");
  }
  let pkg: PackageInfo;
  try {
    pkg = openPackage(parts.file, parts.entries);
  } catch (e) {
    throw new PatchUnsupported((e as Error).message);
  }
  const { workbook: wb, rels, relsPath, contentTypes } = pkg;
  const sheetsEl = wb.sheetsEl();
  if (!sheetsEl) throw new PatchUnsupported(`${wb.path} has no sheets element`);
  const names = new Set(parts.entries.map((e) => e.name));
  const drop = new Set<string>();
  const replace = new Map<string, ZipItem>();
  const added: ZipItem[] = [];
  const relList = () => relationships(rels, wb.path).filter((r) => !r.el.removed);
  const dropPart = (path: string) => {
    drop.add(path);
    removeOverride(contentTypes, path);
    const own = relsPathOf(path);
    if (names.has(own)) dropRels(own);
  };
  // A relationships part goes with its Override when it has one (LibreOffice writes one for every .rels part).
  const dropRels = (rels: string) => {
    drop.add(rels);
    removeOverride(contentTypes, rels);
  };
  // The .rels parts the product writes need a content type: the package's Default for the extension, else an Override.
  const hasRelsDefault = contentTypes.root.elements("Default", NS.contentTypes).some((d) => (d.attr("Extension") ?? "").toLowerCase() === "rels");
  const typeRels = (rels: string) => {
    if (!hasRelsDefault) addOverride(contentTypes, rels, CT_RELS);
  };
  /**
   * Drops what a product's sheet linked to that goes with it — its drawings, their charts and what those link to
   * (chart styles, colours, embedded data) — when the sheet is replaced or removed: left behind, every run would add
   * another set of parts no relationship reaches.
   */
  const dropLinked = (part: string) => {
    const own = relsPathOf(part);
    if (!names.has(own) || drop.has(own)) return;
    dropRels(own);
    const doc = readXmlPart(parts.file, parts.entries, own);
    for (const r of doc ? relationships(doc, part) : []) {
      if (r.part && isRelType(r.type, "pivotCacheDefinition")) cachesLeft.add(r.part);
      if (!r.part || !names.has(r.part) || drop.has(r.part) || !LINKED_WITH_SHEET.test(r.type)) continue;
      dropLinked(r.part);
      dropPart(r.part);
    }
  };

  /** Pivot caches whose PivotTables this write drops: each goes too once no other PivotTable uses it. */
  const cachesLeft = new Set<string>();

  // The calculation chain lists formula cells by address; Excel rebuilds it, and a stale one makes it repair the file.
  for (const r of relList()) {
    if (!isRelType(r.type, "calcChain")) continue;
    r.el.remove();
    if (r.part) dropPart(r.part);
  }

  for (const [path, patch] of edit.sheets) {
    const entry = parts.entries.find((e) => e.name === path);
    if (!entry) throw new PatchUnsupported(`${path} is missing`);
    // A product sheet patched in place (the history sheet, appended to) that an earlier version left unmarked gets its mark.
    const own = parts.sheets.find((x) => x.path === path);
    if (own?.role && !wb.marks().sheets.has(own.role)) wb.setMark(MARK_SHEET + own.role, own.name);
    // 16 KiB pieces, not the reader's 256 KiB: a 256 KiB piece decodes to a string V8 puts in its old generation
    // (over its 128 KiB large-object line), so every piece of the sheet stayed until a full collection; at 262,144 rows
    // that garbage set apply's peak (530 MB, against 400 MB with small pieces, which die young). Same bytes out.
    replace.set(path, { name: path, stream: patchSheet(entryStream(parts.file, entry, 16 << 10) as AsyncIterable<Buffer>, patch) });
  }

  // Review sheets with charts, whose parts are added once every part being replaced has been dropped.
  const withCharts: { sheet: OwnedSheetPart; path: string; name: string }[] = [];
  const addCharts = (sheet: OwnedSheetPart, path: string, name: string) => {
    if (sheet.charts && sheet.drawing !== undefined) withCharts.push({ sheet, path, name });
  };

  // The marks as the reader knew them (with an earlier version's sheets adopted), and as the part has them.
  const marks = parts.marks;
  const written = wb.marks();
  const folder = wb.path.slice(0, wb.path.lastIndexOf("/") + 1);
  let nextSheetId = Math.max(0, ...wb.sheets().map((s) => s.sheetId)) + 1;
  let nextPart = 1;
  const newNames: string[] = [];
  /** Each owned sheet's part and name in this workbook, by role. */
  const placed = new Map<string, { path: string; name: string }>();
  for (const sheet of edit.owned) {
    const stream = toAsync(sheet.chunks);
    const current = sheet.mark === false ? undefined : marks.sheets.get(sheet.role);
    const existing = current !== undefined ? parts.sheets.find((s) => s.name === current) : undefined;
    if (existing) {
      // Replaced in place: same tab, same part; whatever the old sheet linked to (its own rels, its drawings and
      // their charts) is not carried over.
      replace.set(existing.path, { name: existing.path, stream });
      // An earlier version's sheet, known by its content (read.ts), gets its mark now.
      if (!written.sheets.has(sheet.role)) wb.setMark(MARK_SHEET + sheet.role, existing.name);
      dropLinked(existing.path);
      addCharts(sheet, existing.path, existing.name);
      placed.set(sheet.role, { path: existing.path, name: existing.name });
      continue;
    }
    // Named like the workbook's own sheets: some readers (exceljs among them) find worksheets by this pattern.
    while (names.has(`${folder}worksheets/sheet${nextPart}.xml`)) nextPart++;
    const path = `${folder}worksheets/sheet${nextPart++}.xml`;
    names.add(path);
    const id = addRelationship(rels, REL_TYPE.worksheet, relativeTo(wb.path, path));
    addOverride(contentTypes, path, CT_WORKSHEET);
    // A user's sheet may already have the name (or one differing only in case, which Excel refuses): never theirs.
    const name = freeSheetName(sheet.name, [...wb.sheets().map((s) => s.name), ...newNames]);
    newNames.push(name);
    sheetsEl.append(sheetsEl.tag(wb.mainNs, "sheet", [["", "name", name], ["", "sheetId", String(nextSheetId++)], [wb.relNs, "id", id]]));
    if (sheet.mark !== false) wb.setMark(MARK_SHEET + sheet.role, name);
    added.push({ name: path, stream });
    addCharts(sheet, path, name);
    placed.set(sheet.role, { path, name });
  }

  const removals = [
    ...(edit.removeRoles ?? []).map((role) => {
      wb.setMark(MARK_SHEET + role, null);
      return marks.sheets.get(role);
    }),
    ...(edit.removeSheets ?? []),
  ];
  for (const name of removals) {
    const sheet = name !== undefined ? parts.sheets.find((x) => x.name === name) : undefined;
    if (!sheet) continue;
    dropLinked(sheet.path);
    dropPart(sheet.path);
    for (const r of relList()) if (r.id === sheet.relId) r.el.remove();
    removeSheetEntry(wb, name!);
  }

  // The charts' parts, named after the parts this write drops have gone (so a second run names them as the first
  // did), compared without regard to case as OPC names are; the sheets' relationships parts first, then the
  // drawings and charts, in the order a later run writes them too: review run twice gives the same bytes.
  const taken = new Set([...names].filter((n) => !drop.has(n)).map((n) => n.toLowerCase()));
  const freePart = (base: string) => {
    let n = 1;
    while (taken.has(`${folder}${base}${n}.xml`.toLowerCase())) n++;
    taken.add(`${folder}${base}${n}.xml`.toLowerCase());
    return `${folder}${base}${n}.xml`;
  };
  /** A pivot cache's records (the product's cache keeps none; Excel reads the staging sheet when the book opens). */
  const dropRecords = (cache: string) => {
    const own = relsPathOf(cache);
    if (!names.has(own) || drop.has(own)) return;
    const doc = readXmlPart(parts.file, parts.entries, own);
    dropRels(own);
    for (const r of doc ? relationships(doc, cache) : []) if (r.part && names.has(r.part) && isRelType(r.type, "pivotCacheRecords")) dropPart(r.part);
  };
  /**
   * The review's pivot cache and PivotTables. A cache none of whose PivotTables is left goes (its records, its
   * relationship, its entry in the workbook), except one the new PivotTables take over: the same part,
   * relationship and cache id, so a second review writes what the first did. The cache and the sheets'
   * relationships are written here, before the charts (in place, on a second run); the PivotTable parts, made anew
   * on every run, are returned to go last, after the charts, as on every later run.
   */
  const writePivots = (): ZipItem[] => {
    const pivotTableNames = new Set(
      contentTypes.root.elements("Override", NS.contentTypes).filter((o) => !o.removed && o.attr("ContentType") === CT_PIVOT_TABLE).map((o) => (o.attr("PartName") ?? "").replace(/^\//, "").toLowerCase()),
    );
    const used = new Set<string>();
    for (const e of parts.entries) {
      if (drop.has(e.name) || !pivotTableNames.has(e.name.toLowerCase())) continue;
      const doc = readXmlPart(parts.file, parts.entries, relsPathOf(e.name));
      for (const r of doc ? relationships(doc, e.name) : []) if (r.part && isRelType(r.type, "pivotCacheDefinition")) used.add(r.part);
    }
    const p = edit.pivots;
    const data = p ? placed.get(p.dataRole) : undefined;
    let reuse: { path: string; relId: string; cacheId: number } | null = null;
    for (const cache of [...cachesLeft].sort()) {
      if (used.has(cache) || drop.has(cache) || !names.has(cache)) continue;
      const rel = relList().find((r) => r.part === cache && isRelType(r.type, "pivotCacheDefinition"));
      const entry = rel ? wb.pivotCaches().find((c) => c.relId === rel.id) : undefined;
      dropRecords(cache);
      if (data && !reuse && rel && entry) {
        reuse = { path: cache, relId: rel.id, cacheId: entry.cacheId };
        continue;
      }
      dropPart(cache);
      if (rel) {
        rel.el.remove();
        wb.removePivotCache(rel.id);
      }
    }
    if (!p || !data) return [];
    const cachePath = reuse?.path ?? freePart("pivotCache/pivotCacheDefinition");
    const cacheId = reuse?.cacheId ?? Math.max(0, ...wb.pivotCaches().map((c) => c.cacheId)) + 1;
    const cacheXml = p.cache(data.name);
    if (reuse) replace.set(cachePath, { name: cachePath, data: cacheXml });
    else {
      added.push({ name: cachePath, data: cacheXml });
      wb.addPivotCache(cacheId, addRelationship(rels, `${NS.rel}/pivotCacheDefinition`, relativeTo(wb.path, cachePath)));
    }
    addOverride(contentTypes, cachePath, CT_PIVOT_CACHE);
    const out: ZipItem[] = [];
    for (const t of p.tables) {
      const sheet = placed.get(t.role);
      if (!sheet) continue;
      const table = freePart("pivotTables/pivotTable");
      out.push({ name: table, data: t.xml(cacheId) }, { name: relsPathOf(table), data: relsXml(`${NS.rel}/pivotCacheDefinition`, [relativeTo(table, cachePath)]) });
      addOverride(contentTypes, table, CT_PIVOT_TABLE);
      typeRels(relsPathOf(table));
      // The sheet's old relationships part went with its old PivotTable: the same name, new content.
      const own = relsPathOf(sheet.path);
      const xml = relsXml(`${NS.rel}/pivotTable`, [relativeTo(sheet.path, table)]);
      drop.delete(own);
      typeRels(own);
      if (names.has(own)) replace.set(own, { name: own, data: xml });
      else added.push({ name: own, data: xml });
    }
    return out;
  };
  /**
   * The owned sheets' tables: each an id and a name no table or defined name left in the workbook has (the
   * product's earlier one went with its sheet, so a second run gives the same). The sheet's relationships part is
   * written here, in place on a second run; the table parts, made anew every run, are returned to go last.
   */
  const tablesPlaced = new Map<string, string>();
  const writeTables = (): ZipItem[] => {
    const owners = edit.owned.filter((o) => o.table && placed.has(o.role));
    if (owners.length === 0) return [];
    const tableNames = new Set(
      contentTypes.root.elements("Override", NS.contentTypes).filter((o) => !o.removed && o.attr("ContentType") === CT_TABLE).map((o) => (o.attr("PartName") ?? "").replace(/^\//, "").toLowerCase()),
    );
    const ids: number[] = [];
    const taken = new Set(wb.definedNames().map((d) => (d.attr("name") ?? "").toLowerCase()));
    for (const e of parts.entries) {
      if (drop.has(e.name) || !tableNames.has(e.name.toLowerCase())) continue;
      const root = readXmlPart(parts.file, parts.entries, e.name)?.root;
      ids.push(Number(root?.attr("id") ?? 0));
      for (const a of ["name", "displayName"]) taken.add((root?.attr(a) ?? "").toLowerCase());
    }
    let nextId = Math.max(0, ...ids.filter(Number.isFinite)) + 1;
    const out: ZipItem[] = [];
    for (const o of owners) {
      const sheet = placed.get(o.role)!;
      let name = o.table!.name;
      for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${o.table!.name}${k}`;
      taken.add(name.toLowerCase());
      tablesPlaced.set(o.role, name);
      const path = freePart("tables/table");
      out.push({ name: path, data: o.table!.xml(nextId++, name) });
      addOverride(contentTypes, path, CT_TABLE);
      const own = relsPathOf(sheet.path);
      const xml = relsXml(`${NS.rel}/table`, [relativeTo(sheet.path, path)]).replace('Id="rId1"', `Id="${SHEET_TABLE_REL_ID}"`);
      drop.delete(own);
      typeRels(own);
      if (names.has(own)) replace.set(own, { name: own, data: xml });
      else added.push({ name: own, data: xml });
    }
    return out;
  };
  const chartParts: ZipItem[] = [];
  for (const { sheet, path, name } of withCharts) {
    const charts = sheet.charts!(name);
    const drawing = freePart("drawings/drawing");
    const chartPaths = charts.map(() => freePart("charts/chart"));
    chartParts.push({ name: drawing, data: sheet.drawing! }, { name: relsPathOf(drawing), data: relsXml(`${NS.rel}/chart`, chartPaths.map((c) => relativeTo(drawing, c))) });
    addOverride(contentTypes, drawing, CT_DRAWING);
    typeRels(relsPathOf(drawing));
    charts.forEach((xml, k) => {
      chartParts.push({ name: chartPaths[k], data: xml });
      addOverride(contentTypes, chartPaths[k], CT_CHART);
    });
    const own = relsPathOf(path);
    const data = relsXml(`${NS.rel}/drawing`, [relativeTo(path, drawing)]).replace('Id="rId1"', `Id="${SHEET_DRAWING_REL_ID}"`);
    // The sheet's old relationships part was dropped with what it linked to: the same name, new content.
    drop.delete(own);
    typeRels(own);
    if (names.has(own)) replace.set(own, { name: own, data });
    else added.push({ name: own, data });
  }
  const pivotParts = writePivots();
  const tableParts = writeTables();
  added.push(...chartParts, ...pivotParts, ...tableParts);

  if (edit.results !== undefined) {
    wb.clearResultsMarks();
    (edit.results ?? []).forEach((r, k) => wb.setMark(resultsMarkName(k), r.sheet, r.ref));
  }

  for (const x of edit.extra ?? []) replace.set(x.name, { name: x.name, data: x.data });

  const st = stylesOf(parts);
  const stylesXml = edit.styles.xml();
  if (st.exists) replace.set(st.path, { name: st.path, data: stylesXml });
  else {
    added.push({ name: st.path, data: stylesXml });
    addRelationship(rels, REL_TYPE.styles, relativeTo(wb.path, st.path));
    addOverride(contentTypes, st.path, CT_STYLES);
  }
  // A workbook relationship to a part the package does not have (a theme another writer listed but left out) is
  // damage Excel repairs on opening: not carried into the output.
  const present = new Set([...[...names].filter((n) => !drop.has(n)), ...added.map((a) => a.name)].map((n) => n.toLowerCase()));
  for (const r of relList()) if (r.part !== null && !present.has(r.part.toLowerCase())) r.el.remove();
  replace.set("[Content_Types].xml", { name: "[Content_Types].xml", data: contentTypes.toString() });
  wb.finish();
  replace.set(wb.path, { name: wb.path, data: wb.doc.toString() });
  replace.set(relsPath, { name: relsPath, data: rels.toString() });

  const items: ZipItem[] = [];
  for (const entry of parts.entries) {
    if (drop.has(entry.name)) continue;
    items.push(replace.get(entry.name) ?? { name: entry.name, copyFrom: { file: parts.file, entry } });
  }
  items.push(...added);
  await writeAtomic(out, (tmp) => writeZip(tmp, items));
  return { sheets: new Map([...placed].map(([role, p]) => [role, p.name])), tables: tablesPlaced };
}

/** Where a write put the sheets it added, by role: each sheet's name and its table's, as the workbook has them. */
export interface Placed {
  sheets: Map<string, string>;
  tables: Map<string, string>;
}

/**
 * Takes one sheet out of the workbook part: its `<sheet>` entry; names scoped to it go, names scoped to later
 * sheets get their position (localSheetId) moved down; the active and first visible tab stay on a sheet that exists.
 */
function removeSheetEntry(wb: WorkbookPart, name: string): void {
  const entries = wb.sheets();
  const index = entries.findIndex((e) => e.name === name);
  if (index < 0) return;
  entries[index].el.remove();
  for (const dn of wb.definedNames()) {
    const local = dn.attr("localSheetId");
    if (local === undefined) continue;
    const id = Number(local);
    if (id === index) dn.remove();
    else if (id > index) dn.setAttr("localSheetId", String(id - 1));
  }
  wb.dropEmptyDefinedNames();
  for (const view of wb.doc.root.element("bookViews")?.elements("workbookView") ?? []) {
    for (const attr of ["activeTab", "firstSheet"]) {
      const v = view.attr(attr);
      if (v === undefined) continue;
      const n = Number(v);
      if (n > index || (n === index && n === entries.length - 1)) view.setAttr(attr, String(Math.max(0, n - 1)));
    }
  }
}

async function* toAsync(chunks: Iterable<string> | AsyncIterable<string>): AsyncGenerator<string> {
  for await (const c of chunks) yield c;
}

// ── apply ──

/** Where `apply` put the owned columns (for the caller's message): one layout per customers table written to. */
export interface ApplyPlan {
  edit: BookEdit;
  layouts: OwnedLayout[];
  history: HistoryOutcome;
}

/**
 * The edits of `apply`: the owned columns, their lists and rules beside each customers table that is some
 * customer's home (merged tables, DOMAIN.md section 1), and the findings sheet. Values are computed row by row as
 * the sheet streams past, so nothing per cell is held for the whole sheet.
 */
export function applyEdit(parts: BookParts, model: WorkbookModel, result: PipelineResult, styles: StylesPatch): ApplyPlan {
  const edit: BookEdit = { sheets: new Map(), owned: [], styles, results: [] };
  const layouts: OwnedLayout[] = [];
  for (const table of resultTables(result)) {
    const sheet = model.sheets.find((s) => s.name === table.sheet);
    const part = parts.sheets.find((s) => s.name === table.sheet);
    if (!sheet || !part) continue;
    const at = (r: number, c: number) => sheet.cells[r - (sheet.originRow ?? 1)]?.[c - (sheet.originCol ?? 1)];
    const header: unknown[] = [];
    const width = (sheet.cells[table.headerRow - (sheet.originRow ?? 1)]?.length ?? 0) + (sheet.originCol ?? 1) - 1;
    for (let c = 1; c <= width; c++) header[c - 1] = at(table.headerRow, c) ?? null;
    const layout = ownedLayout(result, table, header, (col) => {
      // A cell that only looks empty is the user's too: a formula giving "", a blank cell with a fill, a merge or a
      // list reaching into the column (the reader records where the sheet has any of them).
      if (part.occupied?.(col, table.headerRow, table.lastRow)) return true;
      for (let r = table.headerRow; r <= table.lastRow; r++) {
        const v = at(r, col);
        if (v !== null && v !== undefined && v !== "") return true;
      }
      return false;
    });
    if (!layout) continue;
    layouts.push(layout);
    // A re-run clears what the last run wrote (its mark says where), never a user's note below it.
    const last = resultsOn(parts.marks, table.sheet);
    const before = last ? parseRange(last.ref.replace(/\$/g, "")) : null;
    edit.sheets.set(part.path, customersPatch(layout, header, result, styles, parts.date1904, before?.bottom ?? 0));
    const cols = Object.values(layout.columns);
    edit.results!.push({ sheet: table.sheet, ref: `$${columnLetter(Math.min(...cols))}$${layout.table.headerRow}:$${columnLetter(Math.max(...cols))}$${Math.max(layout.lastDataRow, layout.table.headerRow)}` });
  }
  edit.owned.push({ role: FINDINGS_ROLE, name: FINDINGS_SHEET, chunks: findingsSheetChunks(result.findings, styles) });
  const history = historyEdit(parts, result, styles, edit);
  return { edit, layouts, history };
}

/** What apply did with the history sheet (DOMAIN.md section 8a): rows appended, or why none were. */
export interface HistoryOutcome {
  appended: number;
  /** later: the history has rows dated after the as-of date; unreadable: its header was changed; full: Excel's last row would be passed. */
  skipped: "later" | "unreadable" | "full" | null;
}

/**
 * The history rows of this run: a new history sheet on the first run, else the rows streamed in after the sheet's
 * last row, every earlier row passing through byte for byte; its dimension and filter then reach the new last row.
 */
function historyEdit(parts: BookParts, result: PipelineResult, styles: StylesPatch, edit: BookEdit): HistoryOutcome {
  const append = result.historyAppend();
  if (append.skipped !== null) return { appended: 0, skipped: append.skipped };
  if (append.length === 0) return { appended: 0, skipped: null };
  const part = parts.sheets.find((s) => s.role === HISTORY_ROLE);
  const lastRow = part ? result.history?.lastRow ?? 1 : 1;
  if (!part) {
    edit.owned.push({ role: HISTORY_ROLE, name: HISTORY_SHEET, chunks: historySheetChunks(append, styles, parts.date1904) });
    return { appended: append.length, skipped: null };
  }
  const ref = historyRef(lastRow + append.length);
  edit.sheets.set(part.path, {
    rows: new Map(),
    ownedCols: new Set(),
    clearFrom: 1,
    clearTo: 0,
    append: historyRowChunks(append, lastRow + 1, styles, parts.date1904),
    head: (xml) => editHead(xml, (root) => root.element("dimension")?.setAttr("ref", ref)),
    tail: (xml, head) => editTail(xml, head, (root) => root.element("autoFilter")?.setAttr("ref", ref)),
  });
  return { appended: append.length, skipped: null };
}

const HEADER_BORDER = "FFBFBFBF";

function customersPatch(layout: OwnedLayout, header: readonly unknown[], result: PipelineResult, styles: StylesPatch, date1904: boolean, lastRunBottom: number): SheetPatch {
  const { table, firstDataRow, lastDataRow } = layout;
  const headStyle = styles.cell({ bold: true, fill: "FFFCE4D6", border: HEADER_BORDER, wrap: true, vertical: "center" });
  const styleOf = OWNED_COLUMNS.map((def) => (def.numFmt ? styles.cell({ numFmt: def.numFmt }) : 0));
  const cols = OWNED_COLUMNS.map((def) => layout.columns[def.key]);
  const letters = cols.map(columnLetter);
  const height = Math.max(0, lastDataRow - firstDataRow + 1);
  // Row → customer, without a per-row object: a million rows cost 4 MB.
  const byRow = new Int32Array(height).fill(-1);
  for (let i = 0; i < result.summary.rows; i++) {
    const row = result.customerRow(i);
    // A customer whose home is another customers table (merged tables, DOMAIN.md section 1) is written there.
    if (row >= firstDataRow && row <= lastDataRow && result.customerSheet(i) === table.sheet) byRow[row - firstDataRow] = i;
  }
  const headerCells: PatchCell[] = OWNED_COLUMNS.map((def, k) => ({ col: cols[k], xml: cellXml(`${letters[k]}${table.headerRow}`, ownedHeader(def, result.rules), headStyle) }));
  const cellsOf = (c: CustomerResult, r: number): PatchCell[] => {
    const out: PatchCell[] = [];
    OWNED_COLUMNS.forEach((def, k) => {
      let v = def.value(c);
      if (v === null || v === "") return;
      if (def.isDate && typeof v === "string") {
        const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
        if (m) v = serialFromDay(dayFromYmd(Number(m[1]), Number(m[2]), Number(m[3])), date1904);
      }
      out.push({ col: cols[k], xml: cellXml(`${letters[k]}${r}`, v, styleOf[k]) });
    });
    return out;
  };
  // Asked for now: styles.xml is written before the sheet streams past.
  const dxfs = HIGHLIGHT_RULES.map((rule) => styles.diff({ fill: rule.fill, font: rule.font }));
  return {
    rows: {
      get(r: number) {
        if (r === table.headerRow) return headerCells;
        const i = r - firstDataRow;
        if (i < 0 || i >= height || byRow[i] < 0) return undefined;
        return cellsOf(result.customerAt(byRow[i]), r);
      },
      *keys() {
        yield table.headerRow;
        for (let i = 0; i < height; i++) if (byRow[i] >= 0) yield firstDataRow + i;
      },
    },
    ownedCols: new Set(cols),
    clearFrom: table.headerRow,
    // A fresh layout's columns were empty over the table; a re-run also clears what a longer earlier run left
    // below, as far as that run's mark reaches (a book without the mark: the table's rows only).
    clearTo: Math.max(lastDataRow, lastRunBottom),
    // The sheet's <dimension> is left as the user's book had it: it is only a hint (Excel and LibreOffice
    // find the used range themselves), and left alone, undo gives the part back byte for byte.
    head: (xml) => editHead(xml, (root, sheetData) => setColumnWidths(root, sheetData, new Map(OWNED_COLUMNS.map((d, k) => [cols[k], d.width])))),
    tail: (xml, head) => editTail(xml, head, (root) => {
      ownedRules(root, layout, result.asOf, dxfs);
      ownedValidations(root, layout);
    }),
  };
}

// ── review ──

/**
 * The edits of `review`: the review sheets written whole (replacing an earlier run's in place), and, given the
 * staging rows (one per customer, review-pivots.ts), the staging sheet and the two PivotTables over it, as the pane
 * makes them; no other part changes.
 */
export function reviewEdit(parts: BookParts, review: ReviewData, styles: StylesPatch, pivotRows: readonly PivotDataCell[][] = []): BookEdit {
  const sheets = reviewSheets(review);
  const owned: OwnedSheetPart[] = sheets.map((x) => {
    const grid = reviewGrid(x, review.asOf);
    const charts = grid.charts;
    return {
      role: x.role, name: x.name, chunks: [reviewSheetXml(x, review.asOf, styles, parts.date1904, grid)],
      ...(charts.length > 0 ? { drawing: drawingXml(charts), charts: (name: string) => charts.map((c) => chartXml(name, c, parts.date1904)) } : {}),
    };
  });
  let pivots: BookEdit["pivots"];
  if (pivotRows.length > 0) {
    const layouts = REVIEW_PIVOTS.map((p) => pivotLayout(p, pivotRows));
    const [data] = PIVOT_SHEETS;
    owned.push({ role: data.role, name: data.name, chunks: pivotDataSheetChunks(pivotRows, styles), table: { name: PIVOT_DATA_TABLE, xml: (id, name) => pivotDataTableXml(id, name, pivotRows.length) } });
    for (const l of layouts) owned.push({ role: l.pivot.role, name: PIVOT_SHEETS.find((x) => x.role === l.pivot.role)!.name, chunks: [pivotSheetXml(l, styles)] });
    pivots = {
      dataRole: data.role,
      cache: (dataSheet) => pivotCacheXml(dataSheet, pivotRows.length, layouts),
      tables: layouts.map((l) => ({ role: l.pivot.role, xml: (cacheId: number) => pivotTableXml(l, cacheId) })),
    };
  }
  const keep = new Set(owned.map((x) => x.role));
  return {
    sheets: new Map(),
    styles,
    owned,
    pivots,
    // Review sheets of an earlier version that this one no longer makes are taken out: only the product's own,
    // known by their marks; a copy the user made of one (Excel's "Move or Copy") is theirs.
    removeRoles: [...parts.marks.sheets.keys()].filter((role) => role.startsWith("review.") && !keep.has(role)),
  };
}

// ── mask ──

/** What `mask` changed, counted as the sheets stream past. */
export interface MaskCount {
  cells: number;
  numbers: number;
}

/**
 * The edits of `mask`: each cell validation flags as UNMASKED_PHONE gets its text with the numbers masked (an
 * inline string, the cell's style kept); formulas are left alone (their text is computed), and `tel:` links of
 * the sheet lose their full numbers too. Every other cell and part is copied as it is.
 */
export function maskEdit(parts: BookParts, result: PipelineResult, strings: readonly string[], styles: StylesPatch): { edit: BookEdit; count: MaskCount } {
  const edit: BookEdit = { sheets: new Map(), owned: [], styles };
  const count: MaskCount = { cells: 0, numbers: 0 };
  const bySheet = new Map<string, Map<number, Map<number, (cell: string) => string>>>();
  for (const f of result.findings) {
    if (f.code !== "UNMASKED_PHONE") continue;
    const ref = /!\$?([A-Z]+)\$?(\d+)$/.exec(f.address);
    if (!ref) continue;
    const rows = bySheet.get(f.sheet) ?? new Map<number, Map<number, (cell: string) => string>>();
    bySheet.set(f.sheet, rows);
    const row = rows.get(Number(ref[2])) ?? new Map<number, (cell: string) => string>();
    rows.set(Number(ref[2]), row);
    row.set(columnNumber(ref[1]), (cell) => maskCellXml(cell, strings, count));
  }
  for (const [sheet, edits] of bySheet) {
    const part = parts.sheets.find((p) => p.name === sheet);
    if (!part) continue;
    edit.sheets.set(part.path, { rows: new Map(), ownedCols: new Set(), clearFrom: 1, clearTo: 0, edits });
    // `tel:` links on the sheet lose their full numbers too.
    const relsPath = relsPathOf(part.path);
    const relsText = text(parts, relsPath);
    if (relsText && /tel:/i.test(relsText)) {
      const rels = XmlDoc.parse(relsText, relsPath);
      for (const r of relationships(rels, part.path)) {
        if (/^tel:/i.test(r.target)) r.el.setAttr("Target", maskPhones(r.target).text);
      }
      edit.extra = [...(edit.extra ?? []), { name: relsPath, data: rels.toString() }];
    }
  }
  return { edit, count };
}

/**
 * One cell with its phone numbers masked: the text of a shared, inline or number cell (CDATA included), written
 * back as an inline string with the cell's style; formulas unchanged (their text is computed).
 */
function maskCellXml(cell: string, strings: readonly string[], count: MaskCount): string {
  // The cell is parsed on its own: every prefix it uses is declared around it (the main namespace for its own).
  const own = /^<(?:([\w.-]+):)?c\b/.exec(cell)?.[1] ?? "";
  const prefixes = new Set([...cell.matchAll(/<\/?([\w.-]+):|\s([\w.-]+):[\w.-]+\s*=/g)].map((m) => m[1] ?? m[2]).filter((p) => p !== "xml" && p !== "xmlns"));
  const decls = [...prefixes].map((p) => ` xmlns:${p}="${p === own ? NS.main : `urn:crm:${p}`}"`).join("");
  let c: XmlElement;
  try {
    c = XmlDoc.parse(`<w xmlns="${NS.main}"${decls}>${cell}</w>`, "cell").root.children[0];
  } catch {
    throw new PatchUnsupported("a cell to mask is not understood");
  }
  if (!c || c.element("f")) return cell;
  const type = c.attr("t") ?? "n";
  let value: string | null = null;
  const v = c.element("v")?.text;
  if (type === "s") value = strings[Number(v)] ?? null;
  else if (type === "inlineStr") value = (c.element("is")?.elements() ?? []).flatMap((e) => (e.local === "t" ? [e] : e.local === "r" ? e.elements("t") : [])).map((t) => t.text).join("");
  else if (type === "n" || type === "str") value = v || null;
  if (value === null) return cell;
  const m = maskPhones(value);
  if (m.count === 0) return cell;
  count.cells++;
  count.numbers += m.count;
  const p = own ? `${own}:` : "";
  const attrs = c.attrs.filter((x) => !(x.uri === "" && x.local === "t")).map((x) => ` ${x.qname}="${xmlAttr(x.value)}"`).join("");
  const space = /^\s|\s$/.test(m.text) ? ' xml:space="preserve"' : "";
  return `<${c.qname}${attrs} t="inlineStr"><${p}is><${p}t${space}>${xmlText(m.text)}</${p}t></${p}is></${c.qname}>`;
}

// ── undo ──

/**
 * The edits that take the product's output out again: every ◆ column (from its header down, with its width,
 * lists and rules) and the product's sheets. Found by their marks, so it works on any earlier run's output.
 */
export function undoEdit(parts: BookParts, model: WorkbookModel, styles: StylesPatch, opts: { keepHistory?: boolean } = {}): { edit: BookEdit; columns: number; sheets: string[] } {
  // The history sheet goes with the rest unless it is to be kept (--keep-history).
  const roles = [...parts.marks.sheets.keys()].filter((r) => !(opts.keepHistory && r === HISTORY_ROLE));
  const edit: BookEdit = { sheets: new Map(), owned: [], styles, removeRoles: roles, results: null };
  let columns = 0;
  for (const sheet of model.sheets) {
    if (sheet.owned) continue;
    const part = parts.sheets.find((p) => p.name === sheet.name);
    if (!part) continue;
    // Owned headers: the first row (from the top) that has any.
    const cols = new Map<number, number>();
    let headerRow = 0;
    for (let i = 0; i < sheet.cells.length && headerRow === 0; i++) {
      sheet.cells[i]?.forEach((v, j) => {
        const def = ownedColumnOf(v);
        if (def) cols.set(j + (sheet.originCol ?? 1), def.width);
      });
      if (cols.size > 0) headerRow = i + (sheet.originRow ?? 1);
    }
    if (cols.size === 0) continue;
    columns += cols.size;
    const ownedCols = new Set(cols.keys());
    // Down to where the last apply wrote (its mark); a book without the mark: down to the table's last row, the
    // last one with a cell of the user's outside the ◆ columns. A note below, in a ◆ column, stays.
    const marked = resultsOn(parts.marks, sheet.name);
    const range = marked ? parseRange(marked.ref.replace(/\$/g, "")) : null;
    let bottom = range?.bottom ?? 0;
    if (!range) {
      for (let i = sheet.cells.length - 1; i >= 0 && bottom === 0; i--) {
        if (sheet.cells[i]?.some((v, j) => v !== null && v !== undefined && v !== "" && !ownedCols.has(j + (sheet.originCol ?? 1)))) bottom = i + (sheet.originRow ?? 1);
      }
    }
    edit.sheets.set(part.path, {
      rows: new Map(),
      ownedCols,
      clearFrom: headerRow,
      clearTo: Math.max(headerRow, bottom),
      head: (xml) => editHead(xml, (root, sheetData) => removeColumnWidths(root, sheetData, cols)),
      tail: (xml, head) => editTail(xml, head, (root) => {
        removeOwnedRules(root);
        removeValidations(root, ownedCols, headerRow);
      }),
    });
  }
  const sheets = roles.map((r) => parts.marks.sheets.get(r)!).filter((n) => parts.sheets.some((p) => p.name === n));
  // crm init's sheets that still hold exactly what it wrote go too (a sheet anyone typed into is the user's); unless
  // they are all the book has left, which cannot be without sheets.
  const templates = model.sheets.filter((s) => !s.owned && isUntouchedTemplate(s)).map((s) => s.name);
  if (templates.length < model.sheets.filter((s) => !s.owned).length) {
    edit.removeSheets = templates;
    sheets.push(...templates);
  }
  return { edit, columns, sheets };
}

// ── the worksheet around its rows: edited as XML ──

/** The first element's name in a part (the root), skipping the declaration and comments. */
const rootName = (xml: string) => /<(?![?!])([^\s/>]+)/.exec(xml)?.[1] ?? "worksheet";

/**
 * Edits the part before the rows (`<worksheet …>` up to `<sheetData>`) as a document: it is closed after
 * `<sheetData>` for the parser, edited as a tree, and the closing taken off again.
 */
function editHead(head: string, edit: (root: XmlElement, sheetData: XmlElement) => void): string {
  const close = `</${SheetSyntax.of(head).tag("sheetData")}></${rootName(head)}>`;
  const doc = XmlDoc.parse(head + close, "worksheet (start)");
  const sheetData = doc.root.children.find((c) => c.local === "sheetData")!;
  edit(doc.root, sheetData);
  const out = doc.toString();
  return out.slice(0, out.length - close.length);
}

/** Edits the part after the rows (`</sheetData>` onwards), parsed with the head before it for its namespaces. */
function editTail(tail: string, head: string, edit: (root: XmlElement) => void): string {
  const prefix = `${head}</${SheetSyntax.of(head).tag("sheetData")}>`;
  const doc = XmlDoc.parse(prefix + tail, "worksheet (end)");
  edit(doc.root);
  return doc.toString().slice(prefix.length);
}

const live = (el: XmlElement) => el.elements().filter((c) => !c.removed);

interface ColEntry {
  min: number;
  max: number;
  xml: string;
}

/** Writes the `<cols>` block anew from its entries in column order (Excel wants them ascending). */
function writeCols(root: XmlElement, sheetData: XmlElement | undefined, cols: XmlElement | undefined, entries: ColEntry[]): void {
  entries.sort((a, b) => a.min - b.min);
  const inner = entries.map((e) => e.xml).join("");
  if (cols) {
    for (const c of cols.elements()) c.remove();
    if (entries.length === 0) cols.remove();
    else cols.append(inner);
  } else if (entries.length > 0) {
    const xml = root.tag(root.uri, "cols", [], inner);
    if (sheetData) sheetData.insertBefore(xml);
  }
}

const colRange = (c: XmlElement) => {
  const min = Number(c.attr("min") ?? 0);
  return { min, max: Number(c.attr("max") ?? min) };
};

/** Column widths for the owned columns; a user's `<col>` range spanning them is split around them. */
function setColumnWidths(root: XmlElement, sheetData: XmlElement, widths: ReadonlyMap<number, number>): void {
  const cols = root.element("cols");
  const entries: ColEntry[] = [];
  for (const c of cols ? live(cols) : []) {
    const { min, max } = colRange(c);
    if (![...widths.keys()].some((w) => w >= min && w <= max)) {
      entries.push({ min, max, xml: c.outer() });
      continue;
    }
    let from = min;
    for (let k = min; k <= max + 1; k++) {
      if (k <= max && !widths.has(k)) continue;
      if (k > from) entries.push({ min: from, max: k - 1, xml: c.copyWith({ min: String(from), max: String(k - 1) }) });
      from = k + 1;
    }
  }
  const parent = cols ?? root;
  for (const [c, w] of widths) entries.push({ min: c, max: c, xml: parent.tag(root.uri, "col", [["", "min", String(c)], ["", "max", String(c)], ["", "width", String(w)], ["", "customWidth", "1"]]) });
  writeCols(root, sheetData, cols, entries);
}

/**
 * The `<col>` entries the product wrote (one column, its width) taken out; a user's range that apply split
 * around them is joined again when its two halves are alike.
 */
function removeColumnWidths(root: XmlElement, sheetData: XmlElement, widths: ReadonlyMap<number, number>): void {
  const cols = root.element("cols");
  if (!cols) return;
  const ours = (c: XmlElement) => {
    const { min, max } = colRange(c);
    return min === max && widths.get(min) === Number(c.attr("width"));
  };
  const kept = live(cols).filter((c) => !ours(c));
  if (kept.length === live(cols).length) return;
  const sameBut = (a: XmlElement, b: XmlElement) => {
    const strip = (e: XmlElement) => e.attrs.filter((x) => !(x.uri === "" && (x.local === "min" || x.local === "max"))).map((x) => `${x.qname}=${x.value}`).join(" ");
    return strip(a) === strip(b) && a.doc.slice(a.openEnd, a.closeStart) === b.doc.slice(b.openEnd, b.closeStart);
  };
  const entries: ColEntry[] = [];
  for (const c of kept) {
    const { min, max } = colRange(c);
    const prev = entries[entries.length - 1] as (ColEntry & { el?: XmlElement }) | undefined;
    const gapIsOurs = prev && min > prev.max + 1 && Array.from({ length: min - prev.max - 1 }, (_, i) => prev.max + 1 + i).every((k) => widths.has(k));
    if (prev?.el && gapIsOurs && sameBut(prev.el, c)) {
      prev.max = max;
      prev.xml = prev.el.copyWith({ min: String(prev.min), max: String(max) });
      continue;
    }
    entries.push(Object.assign({ min, max, xml: c.outer() }, { el: c }));
  }
  writeCols(root, sheetData, cols, entries);
}

/** Elements that follow conditional formats and validations in a worksheet (schema order). */
const AFTER_RULES = ["hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"];

/** Puts `xml` before the first child named in `names`, or at the end. */
function insertBeforeFirst(root: XmlElement, names: readonly string[], xml: string): void {
  const next = live(root).find((c) => names.includes(c.local));
  if (next) next.insertBefore(xml);
  else root.append(xml);
}

/** An earlier run's highlight rules (marked) taken out; the user's stay as written. */
function removeOwnedRules(root: XmlElement): void {
  for (const cf of root.elements("conditionalFormatting")) {
    const formulas = cf.elements("cfRule").flatMap((r) => r.elements("formula")).map((f) => f.text);
    if (formulas.some(isOwnedRuleFormula)) cf.remove();
  }
}

/** The highlight rules: an earlier run's (marked) removed, ours added after the user's, priorities after theirs. */
function ownedRules(root: XmlElement, layout: OwnedLayout, asOf: string, dxfs: readonly number[]): void {
  removeOwnedRules(root);
  if (layout.lastDataRow < layout.firstDataRow) return;
  const userRules = live(root).filter((c) => c.local === "conditionalFormatting").flatMap((cf) => cf.elements("cfRule"));
  let priority = Math.max(0, ...userRules.map((r) => Number(r.attr("priority") ?? 0)));
  const L = (key: string) => columnLetter(layout.columns[key]);
  const lastOwned = Math.max(...Object.values(layout.columns));
  const rows = `${columnLetter(layout.table.firstCol)}${layout.firstDataRow}:${columnLetter(lastOwned)}${layout.lastDataRow}`;
  const next = `${L("nextFollowUp")}${layout.firstDataRow}:${L("nextFollowUp")}${layout.lastDataRow}`;
  const ns = root.uri;
  const blocks = HIGHLIGHT_RULES.map((rule, i) => root.tag(ns, "conditionalFormatting", [["", "sqref", rule.scope === "rows" ? rows : next]],
    root.tag(ns, "cfRule", [["", "type", "expression"], ["", "dxfId", String(dxfs[i])], ["", "priority", String(++priority)]],
      root.tag(ns, "formula", [], escapeText(rule.formula(L, layout.firstDataRow, asOf)))))).join("");
  const cfs = live(root).filter((c) => c.local === "conditionalFormatting");
  if (cfs.length > 0) {
    const after = live(root)[live(root).indexOf(cfs[cfs.length - 1]) + 1];
    if (after) after.insertBefore(blocks);
    else root.append(blocks);
  } else insertBeforeFirst(root, ["dataValidations", ...AFTER_RULES], blocks);
}

/** The drop-down lists on the owned enumeration columns; a list an earlier run put there is replaced. */
function ownedValidations(root: XmlElement, layout: OwnedLayout): void {
  const owned = new Set(Object.values(layout.columns));
  const ns = root.uri;
  const ours = layout.lastDataRow < layout.firstDataRow ? [] : OWNED_COLUMNS.filter((d) => d.choices).map((def) => {
    const L = columnLetter(layout.columns[def.key]);
    return root.tag(ns, "dataValidation", [["", "type", "list"], ["", "errorStyle", "warning"], ["", "allowBlank", "1"], ["", "showErrorMessage", "1"], ["", "errorTitle", OWNED_LIST_TITLE], ["", "error", "请从列表中选择 · pick a value from the list"], ["", "sqref", `${L}${layout.firstDataRow}:${L}${layout.lastDataRow}`]],
      root.tag(ns, "formula1", [], escapeText(`"${def.choices!.join(",")}"`)));
  });
  removeValidations(root, owned, layout.table.headerRow, ours);
}

/** The product's lists carry this error title; a list of the user's, wherever it is, is never taken out. */
const OWNED_LIST_TITLE = "CRM";

/** The product's lists starting in an owned column below its header taken out (an earlier run's); `ours` added. */
function removeValidations(root: XmlElement, owned: ReadonlySet<number>, headerRow: number, ours: readonly string[] = []): void {
  const block = live(root).find((c) => c.local === "dataValidations");
  const all = block ? live(block) : [];
  const doomed = all.filter((dv) => {
    const first = /^\$?([A-Z]+)\$?(\d+)/.exec(dv.attr("sqref") ?? "");
    return dv.attr("errorTitle") === OWNED_LIST_TITLE && first !== null && owned.has(columnNumber(first[1])) && Number(first[2]) > headerRow;
  });
  if (doomed.length === 0 && ours.length === 0) return;
  const left = all.length - doomed.length + ours.length;
  if (block) {
    doomed.forEach((dv) => dv.remove());
    if (left === 0) block.remove();
    else {
      block.setAttr("count", String(left));
      if (ours.length > 0) block.append(ours.join(""));
    }
  } else if (left > 0) insertBeforeFirst(root, AFTER_RULES, root.tag(root.uri, "dataValidations", [["", "count", String(left)]], ours.join("")));
}
