// The five template tables as `crm init` and the pane's 新建模板 create them (issue 22): for each table its sheet,
// Excel table (ListObject) name and columns — the header (Chinese, or English with --lang en), the English name the
// header's note gives, width, number format, the drop-down list of an enumerated column, and whether it is
// required (its header ends in *, which the header matcher drops). Pure data, shared by every face's writer. Every
// header is one the engine's alias tables recognise (test/workbook/templates.test.ts reads each one back).
import {
  ENUM_CHOICES, ENUM_LOOKUPS, headerInfo, matchHeader, parseDate, parseDateTime, parseEnum, parseMoney, parsePercent, RULE_DEFS, serialFromDay, TABLES,
  findTables, type CellValue, type ColumnDef, type EnumName, type TableKind, type WorkbookModel,
} from "../core";

export type TemplateLang = "zh" | "en";

export interface TemplateColumn {
  key: string;
  header: string;
  /** The header's note (an input message on the header cell): the other language's name, and 必填 when required. */
  note: string;
  width: number;
  numFmt?: string;
  /** The values a cell may take (a list validation on the column's data cells). */
  choices?: readonly string[];
  required: boolean;
}

export interface TemplateTable {
  kind: TableKind;
  sheet: string;
  /** The Excel table's name (A–Z, digits, underscores: valid in every locale). */
  table: string;
  columns: TemplateColumn[];
  /** Rows written under the header, as values by column key (the rules table's defaults; empty for the others). */
  rows: Record<string, string | number | null>[];
}

/** The tables `crm init` creates by default, in sheet order. */
export const TEMPLATE_KINDS: readonly TableKind[] = ["customers", "interactions", "orders", "tasks", "keyDates", "plan", "rules"];

/** Each table's columns, in the templates' order (../shared/seeds): the columns a team fills in, not every alias the reader knows. */
const COLUMNS: Record<TableKind, readonly string[]> = {
  customers: [
    "id", "name", "contact", "position", "channel", "industry", "size", "uscc", "source", "owner", "firstContact", "recordedStage", "stageEntered",
    "customerGrade", "potentialGrade", "annualPurchase", "coopStart", "marginRate", "satisfaction", "complaints", "usageDepth", "lastInteraction",
    "contractEnd", "birthday", "requirement", "nextPlan", "churnReason", "terminatedOn", "notes",
  ],
  interactions: ["customerId", "customerName", "time", "method", "content", "feedback", "owner"],
  orders: ["orderId", "customerId", "customerName", "date", "amount", "profit"],
  tasks: ["task", "customerId", "customerName", "owner", "created", "due", "action", "problem", "status", "review", "churnReason", "completedOn"],
  keyDates: ["customerId", "customerName", "type", "date", "leadDays", "note"],
  plan: ["taskName", "strategy", "owner", "start", "due", "resources", "deliverable", "status", "completedOn"],
  rules: ["key", "value", "note"],
};

const SHEET_NAMES: Record<TableKind, { zh: string; en: string }> = {
  customers: { zh: "客户", en: "Customers" },
  interactions: { zh: "维护记录", en: "Interactions" },
  orders: { zh: "订单", en: "Orders" },
  tasks: { zh: "跟进任务", en: "Tasks" },
  keyDates: { zh: "关键节点", en: "Key dates" },
  plan: { zh: "执行计划", en: "Plan" },
  // The rules sheet keeps its Chinese name in both languages: the product and its documentation look for CRM规则.
  rules: { zh: "CRM规则", en: "CRM规则" },
};

const TABLE_NAMES: Record<TableKind, string> = {
  customers: "CRM_Customers", interactions: "CRM_Interactions", orders: "CRM_Orders", tasks: "CRM_Tasks", keyDates: "CRM_KeyDates", plan: "CRM_Plan", rules: "CRM_Rules",
};

/** The ways of contact the interactions log offers (维护方式); free text is read as well. */
export const CONTACT_METHODS = { zh: ["电话", "微信", "上门拜访", "邮件", "视频会议", "展会", "其他"], en: ["phone", "WeChat", "visit", "email", "video call", "trade fair", "other"] } as const;

/** Headers that carry a unit or a scale beyond the canonical alias (the reader takes 万元 from the brackets). */
const UNIT_HEADERS: Partial<Record<string, { zh: string; en: string; numFmt: string }>> = {
  annualPurchase: { zh: "年度采购总额(万元)", en: "Annual purchase", numFmt: "#,##0.00" },
  amount: { zh: "金额(元)", en: "Amount", numFmt: "#,##0.00" },
  profit: { zh: "毛利(元)", en: "Gross profit", numFmt: "#,##0.00" },
};

const FORMAT: Partial<Record<string, string>> = { date: "yyyy-mm-dd", datetime: "yyyy-mm-dd hh:mm", money: "#,##0.00", percent: "0.0%", signedPercent: "0.0%", score5: "0.0", count: "0", years: "0.0" };

/** An enumeration's English spellings the reader accepts, one per value (its first ASCII alias). */
function englishChoices(name: EnumName): string[] {
  const byValue = new Map<string, string>();
  for (const [spelling, value] of ENUM_LOOKUPS[name]) if (/^[\x20-\x7e]+$/.test(spelling) && !byValue.has(value)) byValue.set(value, spelling);
  return [...byValue.values()];
}

/** The English header: the column's English label when the reader knows it, else its first English alias, capitalised. */
function englishHeader(def: ColumnDef, kind: TableKind): string {
  const candidates = [def.labelEn, ...def.aliases.filter((a) => /^[\x20-\x7e]+$/.test(a)).map((a) => a[0].toUpperCase() + a.slice(1))];
  return candidates.find((h) => matchHeader(kind, h) === def.key) ?? def.aliases[0];
}

function column(def: ColumnDef, kind: TableKind, lang: TemplateLang): TemplateColumn {
  const unit = UNIT_HEADERS[def.key];
  const zh = unit?.zh ?? def.aliases[0];
  const en = unit?.en ?? englishHeader(def, kind);
  const enumName = typeof def.type === "object" ? def.type.enum : null;
  const choices = enumName ? (lang === "zh" ? ENUM_CHOICES[enumName] : englishChoices(enumName)) : kind === "interactions" && def.key === "method" ? CONTACT_METHODS[lang] : undefined;
  const required = def.required === true;
  const header = `${lang === "zh" ? zh : en}${required ? "*" : ""}`;
  const wide = def.type === "text" && /content|note|requirement|plan|review|problem|action|deliverable|resources|milestones/i.test(def.key);
  return {
    key: def.key,
    header,
    note: `${lang === "zh" ? en : zh}${required ? " · 必填 required" : ""}`,
    width: wide ? 36 : typeof def.type === "string" && (def.type === "date" || def.type === "datetime") ? 14 : Math.max(10, Math.min(24, header.length * 2 + 4)),
    numFmt: unit?.numFmt ?? (typeof def.type === "string" ? FORMAT[def.type] : undefined),
    choices,
    required,
  };
}

/** The template tables to create, in sheet order, in the given language. */
export function templateTables(kinds: readonly TableKind[] = TEMPLATE_KINDS, lang: TemplateLang = "zh"): TemplateTable[] {
  return TEMPLATE_KINDS.filter((k) => kinds.includes(k)).map((kind) => {
    const defs = COLUMNS[kind].map((key) => TABLES[kind].columns.find((c) => c.key === key)!);
    return {
      kind,
      sheet: SHEET_NAMES[kind][lang],
      table: TABLE_NAMES[kind],
      columns: defs.map((d) => column(d, kind, lang)),
      rows: kind === "rules" ? RULE_DEFS.map((r) => ({ key: r.key, value: Array.isArray(r.value) ? r.value.join(",") : r.value, note: lang === "zh" ? r.zh : r.en })) : [],
    };
  });
}

/**
 * A value of the sample generator (as messy as the demo's: dates as text in three spellings, Date cells, serials)
 * as a template row keeps it: a date as its Excel serial (a date-time with its minutes), an amount in the
 * template header's unit, a percentage as a fraction, an enumeration as the list's own label (so the drop-down
 * accepts it); anything else as it is. Null for what the engine cannot read.
 */
export function templateValue(kind: TableKind, col: TemplateColumn, v: CellValue, sourceHeader: CellValue): string | number | null {
  const def = TABLES[kind].columns.find((d) => d.key === col.key)!;
  const ok = <T>(p: { ok: true; value: T } | { ok: false }): T | null => (p.ok ? p.value : null);
  if (v === null || v === undefined || v === "") return null;
  if (typeof def.type === "object") {
    const lookup = ENUM_LOOKUPS[def.type.enum];
    const key = ok(parseEnum(v, lookup));
    if (key === null) return null;
    return (col.choices ?? []).find((l) => ok(parseEnum(l, lookup)) === key) ?? null;
  }
  switch (def.type) {
    case "date": {
      const d = ok(parseDate(v));
      return d === null ? null : serialFromDay(d);
    }
    case "datetime": {
      const d = ok(parseDateTime(v));
      return d === null ? null : serialFromDay(d.day) + (d.minutes ?? 0) / 1440;
    }
    case "money": {
      const yuan = ok(parseMoney(v, headerInfo(sourceHeader).unit));
      return yuan === null ? null : Math.round((yuan / headerInfo(col.header).unit) * 100) / 100;
    }
    case "percent":
    case "signedPercent":
      return ok(parsePercent(v, { percentColumn: headerInfo(sourceHeader).percent, min: def.type === "signedPercent" ? -1 : 0 }));
    default:
      return typeof v === "number" || typeof v === "string" ? v : null;
  }
}

/** Which of the asked-for tables the book has already (any sheet holding a table of that kind), and which it lacks. */
export function missingTables(model: WorkbookModel, kinds: readonly TableKind[]): { missing: TableKind[]; present: { kind: TableKind; sheet: string }[] } {
  const present: { kind: TableKind; sheet: string }[] = [];
  for (const sheet of model.sheets) {
    if (sheet.owned) continue;
    for (const t of findTables(sheet)) if (kinds.includes(t.kind) && !present.some((p) => p.kind === t.kind)) present.push({ kind: t.kind, sheet: sheet.name });
  }
  return { missing: kinds.filter((k) => !present.some((p) => p.kind === k)), present };
}

/** The tables' names as init gives them (a name already taken in a book gets a number: CRM_Customers2). */
const TEMPLATE_TABLE = new RegExp(`^(${Object.values(TABLE_NAMES).join("|")})\\d*$`, "i");

/**
 * Whether a sheet is one crm init made and nobody changed since, which `undo` may take out: its one Excel table has
 * a template's name, and it holds exactly what init wrote (the header, and the rules' defaults or nothing), in
 * either language. A sheet anyone typed into, or whose columns were renamed, is the user's.
 */
export function isUntouchedTemplate(sheet: WorkbookModel["sheets"][number]): boolean {
  // Cheap tests first: a customers sheet of a million rows is never looked for tables again.
  if (sheet.tables?.length !== 1 || !TEMPLATE_TABLE.test(sheet.tables[0].name) || sheet.cells.length > RULE_DEFS.length + 2) return false;
  if ((sheet.originRow ?? 1) !== 1 || (sheet.originCol ?? 1) !== 1) return false;
  const found = findTables(sheet);
  if (found.length !== 1) return false;
  const rows = sheet.cells.filter((row) => row.some((v) => norm(v) !== null));
  return (["zh", "en"] as const).some((lang) => {
    const tpl = templateTables([found[0].kind], lang)[0];
    if (tpl.sheet.toLowerCase() !== sheet.name.toLowerCase().replace(/ \(\d+\)$/, "")) return false;
    const expected = [tpl.columns.map((c) => c.header), ...tpl.rows.map((r) => tpl.columns.map((c) => r[c.key] ?? null))];
    return rows.length === expected.length &&
      rows.every((row, i) => Array.from({ length: Math.max(row.length, expected[i].length) }, (_, j) => norm(row[j]) === norm(expected[i][j])).every(Boolean));
  });
}

const norm = (v: unknown): string | number | null => (v === null || v === undefined || v === "" ? null : typeof v === "number" ? v : String(v));
