// The patching writer: `crm apply` writes a new .xlsx by copying every part of the user's file byte for byte
// (charts, PivotTables, slicers, macros' parts, everything exceljs would drop) and changing only what the product
// owns (src/workbook/owned.ts): its cells streamed into the customers sheet's rows, its rules and lists in that
// sheet, a few styles appended to styles.xml, and its own sheets. Memory stays proportional to the values the
// engine needs, not to the file's object model, so a sheet at Excel's row limit can be written.
import { columnLetter, columnNumber, dayFromYmd, maskPhones, parseRange, serialFromDay, type CustomerResult, type PipelineResult, type ReviewData, type WorkbookModel } from "../core";
import { FINDINGS_SHEET, HIGHLIGHT_RULES, isOwnedRuleFormula, isOwnedSheet, OWNED_COLUMNS, ownedLayout, REVIEW_SHEET_PREFIX, type OwnedLayout } from "../workbook/owned";
import { cellXml, findingsSheetChunks, reviewSheetXml, xmlAttr, xmlText } from "./owned-sheets";
import { reviewSheets } from "../workbook/review-sheets";
import { patchSheet, PatchUnsupported, type PatchCell, type SheetPatch } from "./sheet-patch";
import { StylesPatch } from "./styles-patch";
import { writeAtomic } from "./atomic";
import { entryStream, type BookParts } from "./read";
import { readZipEntry, writeZip, type ZipItem } from "./zip";

// Thrown when the workbook's XML is not laid out the way the patching writer edits it (e.g. prefixed element names).
export { PatchUnsupported };

const NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL_WORKSHEET = `${NS_REL}/worksheet`;
const REL_STYLES = `${NS_REL}/styles`;
const REL_CALC_CHAIN = `${NS_REL}/calcChain`;
const CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml";
/** A styles part for a workbook that has none (some generators leave it out): Excel's defaults. */
const MINIMAL_STYLES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
  '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';

const text = (parts: BookParts, name: string) => readZipEntry(parts.file, name)?.toString("utf8") ?? null;

/** A sheet the product writes whole: its name and its worksheet XML in pieces. */
export interface OwnedSheetPart {
  name: string;
  chunks: Iterable<string> | AsyncIterable<string>;
}

/** The edits of one write: patched sheets (by part path), the product's own sheets, the styles they use. */
export interface BookEdit {
  sheets: Map<string, SheetPatch>;
  owned: OwnedSheetPart[];
  styles: StylesPatch;
  /** The product's own sheets to take out of the workbook (undo). */
  removeSheets?: string[];
  /** Other parts written anew (a sheet's relationships, when mask changes its `tel:` links). */
  extra?: { name: string; data: string }[];
}

/** Opens the styles of a workbook for appending (Excel's defaults when the part is missing). */
export function stylesOf(parts: BookParts): { styles: StylesPatch; path: string; exists: boolean } {
  const rels = text(parts, "xl/_rels/workbook.xml.rels") ?? "";
  const target = relationships(rels).find((r) => r.type === REL_STYLES)?.target;
  const path = target ? resolveTarget(target) : "xl/styles.xml";
  const xml = text(parts, path);
  return { styles: new StylesPatch(xml ?? MINIMAL_STYLES), path, exists: xml !== null };
}

interface Relationship {
  id: string;
  type: string;
  target: string;
  xml: string;
}

function relationships(xml: string): Relationship[] {
  const out: Relationship[] = [];
  for (const m of xml.matchAll(/<Relationship\b[^>]*\/?>/g)) {
    const attr = (n: string) => new RegExp(`\\b${n}="([^"]*)"`).exec(m[0])?.[1] ?? "";
    out.push({ id: attr("Id"), type: attr("Type"), target: attr("Target"), xml: m[0] });
  }
  return out;
}

/** A workbook relationship's target as a part path (targets are relative to xl/, or absolute). */
function resolveTarget(target: string): string {
  const t = target.replace(/&amp;/g, "&");
  if (t.startsWith("/")) return t.slice(1);
  const parts = ["xl"];
  for (const seg of t.split("/")) {
    if (seg === "..") parts.pop();
    else if (seg !== ".") parts.push(seg);
  }
  return parts.join("/");
}

/**
 * Writes `out` from the parts of the input with the edits applied, through a temporary file renamed into place:
 * a failure halfway (disk full, a part we cannot edit) leaves no half-written output.
 */
export async function writePatched(parts: BookParts, edit: BookEdit, out: string): Promise<void> {
  const names = new Set(parts.entries.map((e) => e.name));
  let contentTypes = text(parts, "[Content_Types].xml");
  let workbook = text(parts, "xl/workbook.xml");
  let rels = text(parts, "xl/_rels/workbook.xml.rels");
  if (contentTypes === null || workbook === null || rels === null) throw new PatchUnsupported("the workbook's package parts are missing");
  const sheetsTag = /<(\w+:)?sheets\b[^>]*>/.exec(workbook);
  if (!sheetsTag || sheetsTag[1]) throw new PatchUnsupported("xl/workbook.xml uses prefixed element names");
  const relPrefix = new RegExp(`xmlns:(\\w+)="${NS_REL.replace(/[./]/g, "\\$&")}"`).exec(workbook)?.[1];
  if (!relPrefix) throw new PatchUnsupported("xl/workbook.xml declares no relationships namespace");

  const drop = new Set<string>();
  const replace = new Map<string, ZipItem>();
  const added: ZipItem[] = [];

  // The calculation chain lists formula cells by address; Excel rebuilds it, and a stale one makes it repair the file.
  for (const r of relationships(rels)) {
    if (r.type !== REL_CALC_CHAIN) continue;
    const path = resolveTarget(r.target);
    drop.add(path);
    rels = rels.replace(r.xml, "");
    contentTypes = contentTypes.replace(new RegExp(`<Override\\b[^>]*PartName="/${path.replace(/[./]/g, "\\$&")}"[^>]*/>`), "");
  }

  for (const [path, patch] of edit.sheets) {
    const entry = parts.entries.find((e) => e.name === path);
    if (!entry) throw new PatchUnsupported(`${path} is missing`);
    replace.set(path, { name: path, stream: patchSheet(entryStream(parts.file, entry) as AsyncIterable<Buffer>, patch) });
  }

  const relList = relationships(rels);
  let nextSheetId = Math.max(0, ...[...workbook.matchAll(/<sheet\b[^>]*\bsheetId="(\d+)"/g)].map((m) => Number(m[1]))) + 1;
  let nextRel = 1;
  let nextPart = 1;
  for (const sheet of edit.owned) {
    const existing = parts.sheets.find((s) => s.name === sheet.name);
    const stream = toAsync(sheet.chunks);
    if (existing) {
      // Replaced in place: same tab, same part; whatever the old sheet linked to (its own rels) is not carried over.
      replace.set(existing.path, { name: existing.path, stream });
      const relsPath = existing.path.replace(/([^/]+)$/, "_rels/$1.rels");
      if (names.has(relsPath)) drop.add(relsPath);
      continue;
    }
    while (relList.some((r) => r.id === `rIdCrm${nextRel}`)) nextRel++;
    // Named like the workbook's own sheets: some readers (exceljs among them) find worksheets by this pattern.
    while (names.has(`xl/worksheets/sheet${nextPart}.xml`)) nextPart++;
    const id = `rIdCrm${nextRel++}`;
    const path = `xl/worksheets/sheet${nextPart++}.xml`;
    names.add(path);
    rels = rels.replace(/<\/Relationships>\s*$/, `<Relationship Id="${id}" Type="${REL_WORKSHEET}" Target="${path.slice(3)}"/></Relationships>`);
    contentTypes = contentTypes.replace(/<\/Types>\s*$/, `<Override PartName="/${path}" ContentType="${CT_WORKSHEET}"/></Types>`);
    const tag = `<sheet name="${xmlAttr(sheet.name)}" sheetId="${nextSheetId++}" ${relPrefix}:id="${id}"/>`;
    workbook = /<sheets\b[^>]*\/>/.test(workbook) ? workbook.replace(/<sheets\b([^>]*)\/>/, `<sheets$1>${tag}</sheets>`) : workbook.replace("</sheets>", `${tag}</sheets>`);
    added.push({ name: path, stream });
  }

  for (const name of edit.removeSheets ?? []) {
    if (!isOwnedSheet(name)) throw new Error(`not an owned sheet: ${name}`);
    const sheet = parts.sheets.find((x) => x.name === name);
    if (!sheet) continue;
    drop.add(sheet.path);
    const relsPath = sheet.path.replace(/([^/]+)$/, "_rels/$1.rels");
    if (names.has(relsPath)) drop.add(relsPath);
    const rel: Relationship | undefined = relationships(rels).find((r) => r.id === sheet.relId);
    if (rel) rels = rels.replace(rel.xml, "");
    contentTypes = contentTypes.replace(new RegExp(`<Override\\b[^>]*PartName="/${sheet.path.replace(/[./]/g, "\\$&")}"[^>]*/>`), "");
    workbook = removeSheetEntry(workbook, name);
  }

  for (const x of edit.extra ?? []) replace.set(x.name, { name: x.name, data: x.data });

  const st = stylesOf(parts);
  const stylesXml = edit.styles.xml();
  if (st.exists) replace.set(st.path, { name: st.path, data: stylesXml });
  else {
    added.push({ name: st.path, data: stylesXml });
    rels = rels.replace(/<\/Relationships>\s*$/, `<Relationship Id="rIdCrmStyles" Type="${REL_STYLES}" Target="${st.path.slice(3)}"/></Relationships>`);
    contentTypes = contentTypes.replace(/<\/Types>\s*$/, `<Override PartName="/${st.path}" ContentType="${CT_STYLES}"/></Types>`);
  }
  replace.set("[Content_Types].xml", { name: "[Content_Types].xml", data: contentTypes });
  replace.set("xl/workbook.xml", { name: "xl/workbook.xml", data: workbook });
  replace.set("xl/_rels/workbook.xml.rels", { name: "xl/_rels/workbook.xml.rels", data: rels });

  const items: ZipItem[] = [];
  for (const entry of parts.entries) {
    if (drop.has(entry.name)) continue;
    items.push(replace.get(entry.name) ?? { name: entry.name, copyFrom: { file: parts.file, entry } });
  }
  items.push(...added);

  await writeAtomic(out, (tmp) => writeZip(tmp, items));
}

/**
 * Takes one sheet out of xl/workbook.xml: its `<sheet>` entry; names scoped to it go, names scoped to later sheets
 * get their position (localSheetId) moved down; the active and first visible tab stay on a sheet that exists.
 */
function removeSheetEntry(workbook: string, name: string): string {
  const entries = [...workbook.matchAll(/<sheet\b[^>]*\/>/g)].map((m) => m[0]);
  const index = entries.findIndex((e) => decodeXml(/\bname="([^"]*)"/.exec(e)?.[1] ?? "") === name);
  if (index < 0) return workbook;
  let out = workbook.replace(entries[index], "");
  out = out.replace(/<definedName\b[^>]*>[\s\S]*?<\/definedName>|<definedName\b[^>]*\/>/g, (dn) => {
    const m = /\blocalSheetId="(\d+)"/.exec(dn);
    if (!m) return dn;
    const id = Number(m[1]);
    if (id === index) return "";
    return id > index ? dn.replace(m[0], `localSheetId="${id - 1}"`) : dn;
  });
  out = out.replace(/<definedNames>\s*<\/definedNames>/, "");
  out = out.replace(/\b(activeTab|firstSheet)="(\d+)"/g, (all, attr: string, v: string) => {
    const n = Number(v);
    return n > index || (n === index && n === entries.length - 1) ? `${attr}="${Math.max(0, n - 1)}"` : all;
  });
  return out;
}

async function* toAsync(chunks: Iterable<string> | AsyncIterable<string>): AsyncGenerator<string> {
  for await (const c of chunks) yield c;
}

// ── apply ──

/** Where `apply` put the owned columns (for the caller's message), or null without a customers table. */
export interface ApplyPlan {
  edit: BookEdit;
  layout: OwnedLayout | null;
}

/**
 * The edits of `apply`: the owned columns, their lists and rules in the customers sheet, and the findings sheet.
 * Values are computed row by row as the sheet streams past, so nothing per cell is held for the whole sheet.
 */
export function applyEdit(parts: BookParts, model: WorkbookModel, result: PipelineResult, styles: StylesPatch): ApplyPlan {
  const edit: BookEdit = { sheets: new Map(), owned: [], styles };
  let layout: OwnedLayout | null = null;
  const table = result.tables.find((t) => t.kind === "customers" && t.used);
  const sheet = table ? model.sheets.find((s) => s.name === table.sheet) : undefined;
  const part = table ? parts.sheets.find((s) => s.name === table.sheet) : undefined;
  if (table && sheet && part) {
    const at = (r: number, c: number) => sheet.cells[r - (sheet.originRow ?? 1)]?.[c - (sheet.originCol ?? 1)];
    const header: unknown[] = [];
    const width = (sheet.cells[table.headerRow - (sheet.originRow ?? 1)]?.length ?? 0) + (sheet.originCol ?? 1) - 1;
    for (let c = 1; c <= width; c++) header[c - 1] = at(table.headerRow, c) ?? null;
    layout = ownedLayout(result, header, (col) => {
      for (let r = table.headerRow; r <= table.lastRow; r++) {
        const v = at(r, col);
        if (v !== null && v !== undefined && v !== "") return true;
      }
      return false;
    });
    if (layout) edit.sheets.set(part.path, customersPatch(layout, header, result, styles, parts.date1904));
  }
  edit.owned.push({ name: FINDINGS_SHEET, chunks: findingsSheetChunks(result.findings, styles) });
  return { edit, layout };
}

const HEADER_BORDER = "FFBFBFBF";

function customersPatch(layout: OwnedLayout, header: readonly unknown[], result: PipelineResult, styles: StylesPatch, date1904: boolean): SheetPatch {
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
    if (row >= firstDataRow && row <= lastDataRow) byRow[row - firstDataRow] = i;
  }
  const headerCells: PatchCell[] = OWNED_COLUMNS.map((def, k) => ({ col: cols[k], xml: cellXml(`${letters[k]}${table.headerRow}`, def.header, headStyle) }));
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
  const rerun = header.some((h) => typeof h === "string" && OWNED_COLUMNS.some((d) => d.header === h.trim()));
  const lastOwned = Math.max(...cols);
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
    // A fresh layout's columns were empty over the table; a re-run also clears what a longer earlier run left below.
    clearTo: rerun ? Infinity : lastDataRow,
    head: (xml) => setColumnWidths(growDimension(xml, lastOwned, lastDataRow), new Map(OWNED_COLUMNS.map((d, k) => [cols[k], d.width]))),
    tail: (xml) => ownedValidations(ownedRules(xml, layout, result.asOf, dxfs), layout),
  };
}

// ── review ──

/** The edits of `review`: the review sheets written whole (replacing an earlier run's in place); no other part changes. */
export function reviewEdit(parts: BookParts, review: ReviewData, styles: StylesPatch): BookEdit {
  const sheets = reviewSheets(review);
  const keep = new Set(sheets.map((x) => x.name));
  return {
    sheets: new Map(),
    styles,
    owned: sheets.map((x) => ({ name: x.name, chunks: [reviewSheetXml(x, review.asOf, styles, parts.date1904)] })),
    // Review sheets of an earlier version that this one no longer makes are taken out.
    removeSheets: parts.sheets.map((x) => x.name).filter((n) => n.startsWith(REVIEW_SHEET_PREFIX) && !keep.has(n)),
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
    const relsPath = part.path.replace(/([^/]+)$/, "_rels/$1.rels");
    const rels = text(parts, relsPath);
    if (rels && /Target="tel:/i.test(rels)) {
      edit.extra = [...(edit.extra ?? []), { name: relsPath, data: rels.replace(/(Target="tel:)([^"]*)"/gi, (_all, pre: string, num: string) => `${pre}${xmlAttr(maskPhones(decodeXml(num)).text)}"`) }];
    }
  }
  return { edit, count };
}

/** One cell with its phone numbers masked: the text of a shared, inline or number cell; formulas unchanged. */
function maskCellXml(cell: string, strings: readonly string[], count: MaskCount): string {
  if (/<f[\s>/]/.test(cell)) return cell;
  const open = /^<c\b[^>]*?(?=\/?>)/.exec(cell)?.[0] ?? "<c";
  const type = /\bt="([^"]*)"/.exec(open)?.[1] ?? "n";
  let value: string | null = null;
  if (type === "s") value = strings[Number(/<v>([^<]*)<\/v>/.exec(cell)?.[1])] ?? null;
  else if (type === "inlineStr") value = [...cell.matchAll(/<t\b[^>]*>([^<]*)<\/t>/g)].map((m) => decodeXml(m[1])).join("");
  else if (type === "n" || type === "str") value = decodeXml(/<v>([^<]*)<\/v>/.exec(cell)?.[1] ?? "") || null;
  if (value === null) return cell;
  const m = maskPhones(value);
  if (m.count === 0) return cell;
  count.cells++;
  count.numbers += m.count;
  const attrs = open.replace(/\s+t="[^"]*"/, "");
  const space = /^\s|\s$/.test(m.text) ? ' xml:space="preserve"' : "";
  return `${attrs} t="inlineStr"><is><t${space}>${xmlText(m.text)}</t></is></c>`;
}

// ── undo ──

/**
 * The edits that take the product's output out again: every ◆ column (from its header down, with its width,
 * lists and rules) and the product's sheets. Found by their marks, so it works on any earlier run's output.
 */
export function undoEdit(parts: BookParts, model: WorkbookModel, styles: StylesPatch): { edit: BookEdit; columns: number; sheets: string[] } {
  const edit: BookEdit = { sheets: new Map(), owned: [], styles, removeSheets: [] };
  const headers = new Set(OWNED_COLUMNS.map((d) => d.header));
  const widths = new Map(OWNED_COLUMNS.map((d) => [d.header, d.width]));
  let columns = 0;
  for (const sheet of model.sheets) {
    if (isOwnedSheet(sheet.name)) {
      edit.removeSheets!.push(sheet.name);
      continue;
    }
    const part = parts.sheets.find((p) => p.name === sheet.name);
    if (!part) continue;
    // Owned headers: the first row (from the top) that has any; every ◆ column is cleared from there down.
    const cols = new Map<number, number>();
    let headerRow = 0;
    for (let i = 0; i < sheet.cells.length && headerRow === 0; i++) {
      sheet.cells[i]?.forEach((v, j) => {
        if (typeof v === "string" && headers.has(v.trim())) cols.set(j + (sheet.originCol ?? 1), widths.get(v.trim())!);
      });
      if (cols.size > 0) headerRow = i + (sheet.originRow ?? 1);
    }
    if (cols.size === 0) continue;
    columns += cols.size;
    const ownedCols = new Set(cols.keys());
    edit.sheets.set(part.path, {
      rows: new Map(),
      ownedCols,
      clearFrom: headerRow,
      clearTo: Infinity,
      head: (xml) => removeColumnWidths(xml, cols),
      tail: (xml) => removeValidations(removeOwnedRules(xml), ownedCols, headerRow),
    });
  }
  return { edit, columns, sheets: edit.removeSheets! };
}

/** The `<col>` entries the product wrote (one column, its width) taken out; a user's own ranges stay. */
function removeColumnWidths(head: string, widths: ReadonlyMap<number, number>): string {
  return head
    .replace(/<col\b[^>]*\/>/g, (c) => {
      const min = Number(/\bmin="(\d+)"/.exec(c)?.[1]);
      const max = Number(/\bmax="(\d+)"/.exec(c)?.[1]);
      const width = Number(/\bwidth="([\d.]+)"/.exec(c)?.[1]);
      return min === max && widths.get(min) === width ? "" : c;
    })
    .replace(/<cols>\s*<\/cols>/, "");
}

/** `<dimension ref="A1:K200"/>` grown to cover the owned columns. */
function growDimension(head: string, lastCol: number, lastRow: number): string {
  return head.replace(/<dimension\b([^>]*?)\bref="([^"]*)"/, (all, pre: string, ref: string) => {
    const r = parseRange(ref);
    if (!r) return all;
    return `<dimension${pre}ref="${columnLetter(r.left)}${r.top}:${columnLetter(Math.max(r.right, lastCol))}${Math.max(r.bottom, lastRow)}"`;
  });
}

/** Column widths for the owned columns; a user's `<col>` range spanning them is split around them. */
export function setColumnWidths(head: string, widths: ReadonlyMap<number, number>): string {
  const ours = [...widths].map(([c, w]) => ({ min: c, max: c, xml: `<col min="${c}" max="${c}" width="${w}" customWidth="1"/>` }));
  const block = /<cols>([\s\S]*?)<\/cols>|<cols\/>/.exec(head);
  const kept: { min: number; max: number; xml: string }[] = [];
  for (const m of (block?.[1] ?? "").matchAll(/<col\b[^>]*\/>|<col\b[^>]*>[\s\S]*?<\/col>/g)) {
    const min = Number(/\bmin="(\d+)"/.exec(m[0])?.[1] ?? 0);
    const max = Number(/\bmax="(\d+)"/.exec(m[0])?.[1] ?? min);
    let from = min;
    for (let c = min; c <= max + 1; c++) {
      if (c <= max && !widths.has(c)) continue;
      if (c > from) kept.push({ min: from, max: c - 1, xml: m[0].replace(/\bmin="\d+"/, `min="${from}"`).replace(/\bmax="\d+"/, `max="${c - 1}"`) });
      from = c + 1;
    }
  }
  const all = [...kept, ...ours].sort((a, b) => a.min - b.min);
  const cols = `<cols>${all.map((c) => c.xml).join("")}</cols>`;
  if (block) return head.replace(block[0], () => cols);
  const at = head.search(/<sheetData\b/);
  return head.slice(0, at) + cols + head.slice(at);
}

/** Elements that follow conditional formats and validations in a worksheet (schema order). */
const AFTER_RULES = ["hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"];

function insertBefore(xml: string, names: readonly string[], block: string): string {
  let at = -1;
  for (const n of names) {
    const i = xml.search(new RegExp(`<${n}\\b`));
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  if (at < 0) at = xml.lastIndexOf("</worksheet>");
  return xml.slice(0, at) + block + xml.slice(at);
}

const decodeXml = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The highlight rules: an earlier run's (marked) removed, ours added after the user's, priorities after theirs. */
/** An earlier run's highlight rules (marked) taken out; the user's stay as written. */
function removeOwnedRules(tail: string): string {
  return tail.replace(/<conditionalFormatting\b[^>]*>[\s\S]*?<\/conditionalFormatting>/g, (block) => {
    const formulas = [...block.matchAll(/<formula>([\s\S]*?)<\/formula>/g)].map((m) => decodeXml(m[1]));
    return formulas.some(isOwnedRuleFormula) ? "" : block;
  });
}

function ownedRules(tail: string, layout: OwnedLayout, asOf: string, dxfs: readonly number[]): string {
  let xml = removeOwnedRules(tail);
  if (layout.lastDataRow < layout.firstDataRow) return xml;
  let priority = Math.max(0, ...[...xml.matchAll(/\bpriority="(\d+)"/g)].map((m) => Number(m[1])));
  const L = (key: string) => columnLetter(layout.columns[key]);
  const lastOwned = Math.max(...Object.values(layout.columns));
  const rows = `${columnLetter(layout.table.firstCol)}${layout.firstDataRow}:${columnLetter(lastOwned)}${layout.lastDataRow}`;
  const next = `${L("nextFollowUp")}${layout.firstDataRow}:${L("nextFollowUp")}${layout.lastDataRow}`;
  const blocks = HIGHLIGHT_RULES.map((rule, i) => {
    return `<conditionalFormatting sqref="${rule.scope === "rows" ? rows : next}"><cfRule type="expression" dxfId="${dxfs[i]}" priority="${++priority}"><formula>${xmlText(rule.formula(L, layout.firstDataRow, asOf))}</formula></cfRule></conditionalFormatting>`;
  }).join("");
  const lastCf = xml.lastIndexOf("</conditionalFormatting>");
  if (lastCf >= 0) {
    const at = lastCf + "</conditionalFormatting>".length;
    return xml.slice(0, at) + blocks + xml.slice(at);
  }
  return insertBefore(xml, ["dataValidations", ...AFTER_RULES], blocks);
}

/** The drop-down lists on the owned enumeration columns; a validation an earlier run put there is replaced. */
function ownedValidations(tail: string, layout: OwnedLayout): string {
  const owned = new Set(Object.values(layout.columns));
  return removeValidations(tail, owned, layout.table.headerRow, ownedListValidations(layout));
}

function ownedListValidations(layout: OwnedLayout): string[] {
  return layout.lastDataRow < layout.firstDataRow ? [] : OWNED_COLUMNS.filter((d) => d.choices).map((def) => {
    const L = columnLetter(layout.columns[def.key]);
    return (
      `<dataValidation type="list" errorStyle="warning" allowBlank="1" showErrorMessage="1" errorTitle="CRM" error="${xmlAttr("请从列表中选择 · pick a value from the list")}" sqref="${L}${layout.firstDataRow}:${L}${layout.lastDataRow}">` +
      `<formula1>${xmlText(`"${def.choices!.join(",")}"`)}</formula1></dataValidation>`
    );
  });
}

/** Validations starting in an owned column below its header taken out (an earlier run's lists); `ours` added. */
function removeValidations(tail: string, owned: ReadonlySet<number>, headerRow: number, ours: readonly string[] = []): string {
  const block = /<dataValidations\b[^>]*>([\s\S]*?)<\/dataValidations>|<dataValidations\b[^>]*\/>/.exec(tail);
  const kept = [...(block?.[1] ?? "").matchAll(/<dataValidation\b[^>]*\/>|<dataValidation\b[^>]*>[\s\S]*?<\/dataValidation>/g)].map((m) => m[0]).filter((dv) => {
    const first = /\bsqref="\$?([A-Z]+)\$?(\d+)/.exec(dv);
    return !(first && owned.has(columnNumber(first[1])) && Number(first[2]) > headerRow);
  });
  const before = (block?.[1] ?? "").match(/<dataValidation\b/g)?.length ?? 0;
  if (kept.length === before && ours.length === 0) return tail;
  const all = [...kept, ...ours];
  const xml = all.length > 0 ? `<dataValidations count="${all.length}">${all.join("")}</dataValidations>` : "";
  if (block) return tail.replace(block[0], () => xml);
  return xml ? insertBefore(tail, AFTER_RULES, xml) : tail;
}
