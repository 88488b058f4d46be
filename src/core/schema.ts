// The tables the product recognises, their columns and header aliases, and how tables are found in a
// sheet by their header row (DOMAIN.md section 1).
import { cellText, isBlank, normalizeText } from "./parse";
import type { CellValue, SheetModel } from "./types";

export type TableKind = "customers" | "interactions" | "orders" | "tasks" | "keyDates" | "plan" | "rules";

/** How a column's cells are read. */
export type ColumnType =
  | "text"
  | "date"
  | "datetime"
  | "money"
  | "percent"
  | "signedPercent"
  | "score5"
  | "count"
  | "number"
  | "years"
  | "uscc"
  | "contact"
  | "tags"
  | { enum: EnumName };

export type EnumName = "stage" | "coopStage" | "grade" | "feedback" | "taskStatus" | "keyDateType" | "valueTier" | "closeness" | "risk" | "coreTags";

export interface ColumnDef {
  key: string;
  type: ColumnType;
  /** Chinese and English header spellings; the first is the canonical Chinese header. */
  aliases: readonly string[];
  labelEn: string;
  required?: boolean;
}

export interface TableDef {
  kind: TableKind;
  labelZh: string;
  labelEn: string;
  columns: readonly ColumnDef[];
  /** Column keys that identify this kind of table: each inner list needs one match. */
  signature: readonly (readonly string[])[];
  /** At least this many known columns. */
  minColumns?: number;
}

const col = (key: string, type: ColumnType, labelEn: string, aliases: string[], required = false): ColumnDef => ({ key, type, labelEn, aliases, required });

export const TABLES: Record<TableKind, TableDef> = {
  customers: {
    kind: "customers",
    labelZh: "客户",
    labelEn: "Customers",
    // DOMAIN.md section 1: a name or ID plus at least one customer-only column (CUSTOMERS_SIGNATURE, below); or
    // the template's own 客户编号 / 客户名称 plus any other customers column (templateIdentity), which the pipeline
    // uses only in a book without better evidence (customersEvidence). A generic id + name pair alone is any list
    // of things (`Id | Name | Value | Date`), not evidence of customers.
    get signature() {
      return CUSTOMERS_SIGNATURE;
    },
    minColumns: 2,
    columns: [
      col("id", "text", "Customer ID", ["客户编号", "客户ID", "客户id", "客户代码", "编号", "customer id", "customer no", "id"]),
      col("name", "text", "Customer name", ["客户名称", "客户名", "公司名称", "企业名称", "客户名称/联系人", "customer name", "customer", "company", "name"], true),
      col("contact", "text", "Contact", ["联系人", "联系人姓名", "关键联系人", "姓名", "contact", "contact person", "contact name"], true),
      col("position", "text", "Position", ["职位", "联系人职位", "position", "title"]),
      col("channel", "contact", "Contact channel", ["联系方式", "联系电话", "电话", "手机", "手机号", "phone", "contact info", "contact channel"]),
      col("industry", "text", "Industry", ["行业", "行业属性", "所属行业", "行业/规模", "industry"]),
      col("size", "text", "Company size", ["企业规模", "规模", "员工人数", "company size", "size"]),
      col("uscc", "uscc", "USCC", ["统一社会信用代码", "信用代码", "社会信用代码", "uscc", "unified social credit code", "credit code"]),
      col("source", "text", "Source", ["客户来源", "来源", "source"]),
      col("firstContact", "date", "First contact", ["首次触达时间", "首次接触时间", "首次联系时间", "首次触达日期", "首次接触日期", "first contact", "first contact date"], true),
      col("recordedStage", { enum: "stage" }, "Recorded stage", ["当前周期阶段", "周期阶段", "当前阶段", "生命周期阶段", "客户类型", "lifecycle stage", "stage"]),
      col("stageEntered", "date", "Stage entered", ["进入阶段时间", "进入阶段日期", "阶段开始时间", "stage entered", "stage since"]),
      col("milestones", "text", "Milestones", ["关键节点记录", "关键节点", "milestones"]),
      col("statusTags", "tags", "Status tags", ["客户状态标签", "状态标签", "客户需求标签", "status tags", "tags"]),
      col("coreTags", { enum: "coreTags" }, "Core tags", ["核心标签", "core tags"]),
      col("owner", "text", "Owner", ["负责人", "所属销售负责人", "销售负责人", "客户经理", "跟进人", "owner", "sales owner", "account manager"]),
      col("nextPlan", "text", "Next plan", ["下一步计划", "next plan", "next step"]),
      col("spend6m", "money", "Spend (6 months)", ["近6个月消费金额", "近六个月消费金额", "6个月消费金额", "spend 6m", "spend (6 months)"]),
      col("avgOrderValue", "money", "Average order value", ["客单价", "average order value", "aov"]),
      col("potentialGrade", { enum: "grade" }, "Potential grade", ["潜力等级", "potential grade", "potential"]),
      col("customerGrade", { enum: "grade" }, "Customer grade", ["客户等级", "customer grade", "grade"]),
      col("valueTierRecorded", { enum: "valueTier" }, "Value tier (recorded)", ["客户价值层级", "价值层级", "value tier"]),
      col("coopStageRecorded", { enum: "coopStage" }, "Cooperation stage (recorded)", ["当前合作阶段", "合作阶段", "cooperation stage"]),
      col("closenessRecorded", { enum: "closeness" }, "Closeness (recorded)", ["关系紧密度", "紧密度", "closeness"]),
      col("riskRecorded", { enum: "risk" }, "Risk level (recorded)", ["风险等级", "risk level"]),
      col("annualPurchase", "money", "Annual purchase", ["年度采购总额", "近12个月采购总额", "年采购额", "年度采购额", "年消费金额", "annual purchase", "annual spend"]),
      col("purchaseShare", "percent", "Purchase share", ["主要产品/服务采购占比", "采购占比", "purchase share"]),
      col("coopStart", "date", "Cooperation start", ["合作起始时间", "合作开始时间", "合作起始日期", "cooperation start", "customer since"]),
      col("tenure", "years", "Tenure", ["合作时长", "合作年限", "tenure"]),
      col("marginRate", "percent", "Margin rate", ["毛利率", "毛利率贡献", "margin", "margin rate"]),
      col("satisfaction", "score5", "Satisfaction", ["满意度", "客户满意度", "满意度评分", "satisfaction"]),
      col("complaints", "count", "Complaints", ["投诉次数", "投诉数", "complaints"]),
      col("complaintRate", "percent", "Complaint rate", ["投诉率", "complaint rate"]),
      col("complaintRecord", "text", "Complaints / praise", ["投诉/表扬记录", "投诉记录", "complaint record"]),
      col("usageDepth", "percent", "Usage depth", ["产品使用深度", "使用深度", "usage depth"]),
      col("industryGrowth", "signedPercent", "Industry growth", ["所属行业增长率", "行业增长率", "industry growth"]),
      col("sizeFit", "number", "Size fit", ["企业规模匹配度", "规模匹配度", "size fit"]),
      col("interactionRate", "number", "Interactions per month", ["最近互动频次", "互动频次", "月度互动次数", "月均互动次数", "interactions per month", "interaction frequency"]),
      col("lastOrder", "date", "Last order", ["最近下单时间", "最近下单日期", "最近订单日期", "最后下单时间", "last order", "last order date"]),
      col("orders3m", "count", "Orders (3 months)", ["近3个月订单数", "近三个月订单数", "orders 3m", "orders (3 months)"]),
      col("lastInteraction", "date", "Last interaction", ["最近互动时间", "最近联系时间", "最近互动日期", "最后联系时间", "last interaction", "last contact"]),
      col("interactionNote", "text", "Interaction note", ["互动内容", "interaction note"]),
      col("requirement", "text", "Requirement / budget", ["客户需求", "核心需求", "需求", "预算", "预算范围", "需求信息", "requirement", "budget"]),
      col("contractEnd", "date", "Contract end", ["合同到期日", "合同到期时间", "合同到期日期", "合同截止日期", "contract end", "contract end date"]),
      col("birthday", "date", "Birthday / anniversary", ["生日/周年庆", "生日", "周年庆", "企业周年庆", "birthday", "anniversary"]),
      col("churnReason", "text", "Churn reason", ["流失原因", "churn reason"]),
      col("terminatedOn", "date", "Terminated on", ["终止合作日期", "终止合作时间", "终止日期", "terminated on", "termination date"]),
      col("notes", "text", "Notes", ["备注", "notes", "remarks", "note"]),
    ],
  },
  interactions: {
    kind: "interactions",
    labelZh: "维护记录",
    labelEn: "Interactions",
    signature: [["time"], ["customerId", "customerName"]],
    columns: [
      col("customerId", "text", "Customer ID", ["客户编号", "客户ID", "customer id"]),
      col("customerName", "text", "Customer name", ["客户名称", "客户", "customer name", "customer"]),
      col("time", "datetime", "Time", ["维护时间", "互动时间", "沟通时间", "联系时间", "跟进时间", "维护日期", "互动日期", "沟通日期", "拜访时间", "拜访日期", "跟进日期", "interaction time", "time"], true),
      col("method", "text", "Method", ["维护方式", "互动方式", "沟通方式", "method", "channel"]),
      col("content", "text", "Content", ["维护内容", "互动内容", "沟通内容", "沟通要点", "content", "notes"]),
      col("feedback", { enum: "feedback" }, "Feedback", ["客户反馈", "反馈", "customer feedback", "feedback"]),
      col("owner", "text", "Owner", ["负责人", "维护人", "跟进人", "owner"]),
    ],
  },
  orders: {
    kind: "orders",
    labelZh: "订单",
    labelEn: "Orders",
    signature: [["date"], ["amount"], ["customerId", "customerName"]],
    columns: [
      col("orderId", "text", "Order ID", ["订单编号", "订单号", "order id"]),
      col("customerId", "text", "Customer ID", ["客户编号", "客户ID", "customer id"]),
      col("customerName", "text", "Customer name", ["客户名称", "客户", "customer name", "customer"]),
      col("date", "date", "Order date", ["下单日期", "订单日期", "下单时间", "成交日期", "交易日期", "order date", "date"], true),
      col("amount", "money", "Amount", ["金额", "订单金额", "交易金额", "成交金额", "amount", "order amount"], true),
      col("profit", "money", "Gross profit", ["毛利", "毛利额", "gross profit", "profit"]),
    ],
  },
  tasks: {
    kind: "tasks",
    labelZh: "跟进任务",
    labelEn: "Follow-up tasks",
    signature: [["task"], ["customerId", "customerName"]],
    columns: [
      col("task", "text", "Task", ["任务", "跟进任务", "任务内容", "task"], true),
      col("customerId", "text", "Customer ID", ["客户编号", "客户ID", "customer id"]),
      col("customerName", "text", "Customer name", ["客户名称", "关联客户", "客户", "customer name", "customer"]),
      col("owner", "text", "Owner", ["负责人", "指派负责人", "owner", "assignee"]),
      col("created", "date", "Created", ["创建时间", "创建日期", "created", "created on"]),
      col("due", "date", "Due", ["截止时间", "截止日期", "due", "due date", "deadline"]),
      col("action", "text", "Action taken", ["执行动作", "action"]),
      col("problem", "text", "Problems met", ["遇到的问题", "问题", "problems"]),
      col("status", { enum: "taskStatus" }, "Status", ["状态", "任务状态", "status"]),
      col("review", "text", "Review", ["结果复盘", "复盘", "review"]),
      col("churnReason", "text", "Churn reason", ["流失原因", "churn reason"]),
      col("completedOn", "date", "Completed on", ["完成时间", "完成日期", "completed on"]),
    ],
  },
  keyDates: {
    kind: "keyDates",
    labelZh: "关键节点",
    labelEn: "Key dates",
    signature: [["type"], ["date"]],
    columns: [
      col("customerId", "text", "Customer ID", ["客户编号", "客户ID", "customer id"]),
      col("customerName", "text", "Customer name", ["客户名称", "客户", "customer name", "customer"]),
      col("type", { enum: "keyDateType" }, "Type", ["节点类型", "类型", "type"], true),
      col("date", "date", "Date", ["日期", "节点日期", "时间", "date"], true),
      col("leadDays", "count", "Lead days", ["提前天数", "提前提醒天数", "lead days"]),
      col("note", "text", "Note", ["备注", "说明", "note"]),
    ],
  },
  plan: {
    kind: "plan",
    labelZh: "执行计划",
    labelEn: "Execution plan",
    signature: [["taskName"], ["start", "due", "strategy", "deliverable"]],
    columns: [
      col("taskName", "text", "Task", ["任务名称", "task name"], true),
      col("strategy", "text", "Strategy", ["策略关联", "关联策略", "strategy"]),
      col("owner", "text", "Owner", ["执行负责人", "负责人", "owner"]),
      col("start", "date", "Start", ["开始时间", "开始日期", "start", "start date"]),
      col("due", "date", "Due", ["截止时间", "截止日期", "due", "due date"]),
      col("resources", "text", "Resources", ["所需资源", "resources"]),
      col("deliverable", "text", "Deliverable", ["交付标准", "deliverable"]),
      col("status", { enum: "taskStatus" }, "Status", ["状态", "status"]),
      col("completedOn", "date", "Completed on", ["完成时间", "完成日期", "completed on"]),
    ],
  },
  rules: {
    kind: "rules",
    labelZh: "CRM规则",
    labelEn: "Rules",
    signature: [["key"], ["value"]],
    columns: [
      col("key", "text", "Key", ["参数", "参数名", "键", "key", "parameter"], true),
      col("value", "text", "Value", ["值", "参数值", "取值", "value"], true),
      col("note", "text", "Note", ["说明", "备注", "note", "description"]),
    ],
  },
};

/**
 * Customers columns that do not make a customers table on their own: the identity (id, name) and the columns
 * any list of people or things has (contact, position, owner, notes). Every other customers column is
 * customer-only evidence (DOMAIN.md section 1, "Which range is a customers table").
 */
const NOT_CUSTOMER_ONLY = new Set(["id", "name", "contact", "position", "owner", "notes"]);
const CUSTOMERS_SIGNATURE: readonly (readonly string[])[] = [
  ["name", "id"],
  TABLES.customers.columns.map((c) => c.key).filter((k) => !NOT_CUSTOMER_ONLY.has(k)),
];

export const TABLE_KINDS = Object.keys(TABLES) as TableKind[];

// ── headers ────────────────────────────────────────────────────────────────

/** Headers of the product's own result columns start with this mark; they are never read as user data. */
export const OWNED_MARK = "◆";

/** Sheets the product writes (review sheets, the findings list): never read as the user's tables. */
export const REVIEW_SHEET_PREFIX = "CRM复盘-";
export const FINDINGS_SHEET = "CRM问题清单";

/** The history sheet (history.ts, which owns its layout). */
const HISTORY_SHEET_NAME = "CRM变更历史";

export function isOwnedSheet(name: string): boolean {
  return name.startsWith(REVIEW_SHEET_PREFIX) || name === FINDINGS_SHEET || name === HISTORY_SHEET_NAME;
}

/** A header cell of one of the product's own columns. */
export function isOwnedHeader(v: CellValue): boolean {
  if (typeof v !== "string" || v.length === 0) return false;
  // The reader asks this of every text cell: most start with neither the mark nor white space.
  const c0 = v.charCodeAt(0);
  if (c0 === OWNED_CODE) return true;
  if (c0 > 0x20 && c0 !== 0xa0 && c0 !== 0x1680 && !(c0 >= 0x2000 && c0 <= 0x200a) && c0 !== 0x2028 && c0 !== 0x2029 && c0 !== 0x202f && c0 !== 0x205f && c0 !== 0x3000 && c0 !== 0xfeff) return false;
  return v.trimStart().startsWith(OWNED_MARK);
}
const OWNED_CODE = OWNED_MARK.charCodeAt(0);

export interface HeaderInfo {
  /** The header as the user wrote it. */
  raw: string;
  /** Folded form used for matching. */
  key: string;
  /** Multiplier for money columns from the bracket annotation (`(万元)` → 10,000). */
  unit: number;
  /** The annotation says the column holds percent points (`(%)`). */
  percent: boolean;
}

// The inner part stops at any bracket, opening ones included: a scan from each opening bracket then ends at the
// next bracket, so a 32,767-character cell of "((((…" is read in linear time, not quadratic (seconds per cell).
// A nested annotation "(单位(万元))" is read from its innermost pair.
const BRACKETS = /[(（\[【]([^(（\[【)）\]】]*)[)）\]】]/g;
/** The last bracket of the text is an opening one (an annotation left open); linear for the same reason. */
const OPEN_AT_END = /[(（\[【][^(（\[【)）\]】]*$/;

export function headerInfo(v: CellValue): HeaderInfo {
  const raw = cellText(v).trim();
  const s = normalizeText(raw);
  let unit = 1;
  let percent = false;
  for (const m of s.matchAll(BRACKETS)) {
    if (/万元|万/.test(m[1])) unit = 10_000;
    else if (/千元/.test(m[1])) unit = 1_000;
    if (/%/.test(m[1])) percent = true;
  }
  if (OPEN_AT_END.test(s) === false && /万元$/.test(s.replace(BRACKETS, ""))) unit = 10_000;
  return { raw, key: headerKey(s), unit, percent };
}

/** Drops bracket annotations, stars, colons and blanks; lower-cases English. */
export function headerKey(s: string): string {
  return normalizeText(s)
    .replace(BRACKETS, "")
    .replace(/[*:：\s_]/g, "")
    .replace(/[(（\[【].*$/, "")
    .toLowerCase();
}

type AliasIndex = Map<string, string>;
const aliasIndexCache = new Map<TableKind, AliasIndex>();

function aliasIndex(kind: TableKind): AliasIndex {
  let idx = aliasIndexCache.get(kind);
  if (!idx) {
    idx = new Map();
    for (const c of TABLES[kind].columns) for (const a of c.aliases) if (!idx.has(headerKey(a))) idx.set(headerKey(a), c.key);
    aliasIndexCache.set(kind, idx);
  }
  return idx;
}

/** Column key for a header of a table kind, or undefined for a user's own extra column. */
export function matchHeader(kind: TableKind, header: CellValue): string | undefined {
  return aliasIndex(kind).get(headerInfo(header).key);
}

/**
 * Identity headers any list has (a test file's `Id | Name`, a parts list's 编号): an id or name column named only
 * so needs a customer-only column beside it. 客户编号, 客户名称, Customer ID … say "customer" themselves.
 */
const GENERIC_IDENTITY = new Set(["id", "name", "编号", "company"].map((a) => headerKey(a)));

/**
 * How surely a customers table holds customers (DOMAIN.md section 1: "a header with 客户编号 or 客户名称 and at
 * least one customer-only column"): 2 = both; 1 = a customer-only column beside an identity named only generically
 * (`编号 | 电话`, a supplier list may look so); 0 = 客户编号 / 客户名称 with only a contact, an owner or notes beside
 * it (a contact or owner list). The pipeline merges the tables of the highest level the book has, so such lists
 * never join a real customers table, and a book holding nothing better still has its customers.
 */
export function customersEvidence(t: FoundTable): 0 | 1 | 2 {
  const named = templateIdentity(t.header.map((h) => (isBlank(h) ? null : headerInfo(h).key)), t.match.columns);
  const customerOnly = CUSTOMERS_SIGNATURE[1].some((k) => t.match.columns.has(k));
  return named && customerOnly ? 2 : customerOnly ? 1 : 0;
}

/** The customers table's id or name column is named as a customer's (templateIdentity above). */
function templateIdentity(keys: readonly (string | null)[], columns: ReadonlyMap<string, number>): boolean {
  return ["id", "name"].some((k) => {
    const at = columns.get(k);
    return at !== undefined && !GENERIC_IDENTITY.has(keys[at] as string);
  });
}

/**
 * The columns that make a range a detail table (DOMAIN.md section 1): a header row holding two of one detail
 * kind's columns is that detail table, never the customers table, even when the rest of the detail kind's
 * signature is not recognised (an unusual spelling of 维护时间). A header cell counts only when it is not a
 * customers header as well (互动内容, 流失原因 and 备注 are both), so a customers table is never refused for
 * one of its own columns.
 */
const DETAIL_MARKS: Partial<Record<TableKind, readonly string[]>> = {
  interactions: ["time", "method", "content", "feedback"],
  orders: ["orderId", "date", "amount", "profit"],
  tasks: ["task", "due", "action", "problem", "review"],
  keyDates: ["type", "leadDays"],
  plan: ["taskName", "start", "strategy", "resources", "deliverable"],
};

export interface HeaderMatch {
  kind: TableKind;
  /** Column key → offset within the header row (first match wins; later duplicates are listed). */
  columns: Map<string, number>;
  duplicates: { key: string; offset: number }[];
  matched: number;
}

/** The best table kind for a header row, or null when the row is not a header of any known table. */
export function classifyHeader(header: readonly CellValue[]): HeaderMatch | null {
  let best: HeaderMatch | null = null;
  const keys = header.map((h) => (isBlank(h) ? null : headerInfo(h).key));
  const detail = detailKindOf(keys);
  for (const kind of TABLE_KINDS) {
    if (kind === "customers" && detail !== null) continue;
    const idx = aliasIndex(kind);
    const columns = new Map<string, number>();
    const duplicates: { key: string; offset: number }[] = [];
    keys.forEach((hk, i) => {
      if (hk === null) return;
      const key = idx.get(hk);
      if (key === undefined) return;
      if (columns.has(key)) duplicates.push({ key, offset: i });
      else columns.set(key, i);
    });
    // A detail table is that table by its columns even when one of its signature headers is spelled otherwise
    // (DOMAIN.md section 1): the missing column is then reported, and the range is never read as customers.
    const signed = kind === detail || TABLES[kind].signature.every((any) => any.some((k) => columns.has(k))) || (kind === "customers" && templateIdentity(keys, columns));
    const ok = signed && columns.size >= (TABLES[kind].minColumns ?? 1);
    if (!ok) continue;
    // Detail tables are tried after the customers table in TABLE_KINDS order; a kind whose distinctive
    // signature matches and covers more columns wins (a 维护记录 row has 客户名称 too).
    const score = columns.size + (kind === "customers" ? 0 : 1);
    if (!best || score > best.matched) best = { kind, columns, duplicates, matched: score };
  }
  return best;
}

/**
 * The detail kind whose columns the header row holds, two or more of them that are not customers columns as well
 * (DETAIL_MARKS); the kind with the most such columns, or null.
 */
function detailKindOf(keys: readonly (string | null)[]): TableKind | null {
  const customers = aliasIndex("customers");
  let best: TableKind | null = null;
  let bestSeen = 1;
  for (const [kind, marks] of Object.entries(DETAIL_MARKS) as [TableKind, readonly string[]][]) {
    const idx = aliasIndex(kind);
    const seen = new Set<string>();
    for (const hk of keys) {
      if (hk === null) continue;
      // 节点类型 alone makes a key-dates table (DOMAIN.md section 1); a bare 类型 / type does not.
      if (kind === "keyDates" && hk === KEY_DATE_TYPE) seen.add("type").add("type (named)");
      if (customers.has(hk)) continue;
      const key = idx.get(hk);
      if (key !== undefined && marks.includes(key)) seen.add(key);
    }
    if (seen.size > bestSeen) {
      best = kind;
      bestSeen = seen.size;
    }
  }
  return best;
}

const KEY_DATE_TYPE = headerKey("节点类型");

// ── addresses ──────────────────────────────────────────────────────────────

export function columnLetter(col: number): string {
  let s = "";
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** `Sheet!B7`, quoting the sheet like Excel does when its name is not a plain word. */
export function a1(sheet: string, row: number, col: number): string {
  return `${quoteSheet(sheet)}!${columnLetter(col)}${row}`;
}

export function quoteSheet(sheet: string): string {
  return /^[A-Za-z_\u4e00-\u9fff][A-Za-z0-9_.\u4e00-\u9fff]*$/.test(sheet) && !/^[A-Za-z]{1,3}\d+$/.test(sheet) ? sheet : `'${sheet.replace(/'/g, "''")}'`;
}

export interface CellRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export function parseRange(ref: string): CellRange | null {
  const m = /^\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$/.exec(ref.replace(/^.*!/, "").trim());
  if (!m) return null;
  const top = +m[2];
  const left = columnNumber(m[1]);
  const bottom = m[4] ? +m[4] : top;
  const right = m[3] ? columnNumber(m[3]) : left;
  return { top: Math.min(top, bottom), left: Math.min(left, right), bottom: Math.max(top, bottom), right: Math.max(left, right) };
}

// ── finding tables in sheets ───────────────────────────────────────────────

/** A recognised table: where it is and which of its columns the product knows. */
export interface FoundTable {
  kind: TableKind;
  sheet: string;
  /** Excel table name when the table is a ListObject. */
  name?: string;
  headerRow: number;
  firstCol: number;
  header: CellValue[];
  /** Data rows in sheet order; `rows[i]` is sheet row `rowNumbers[i]`. Blank rows are left out. */
  rows: CellValue[][];
  rowNumbers: number[];
  blankRows: number[];
  match: HeaderMatch;
  /** The sheet's merged ranges (A1), for MERGED_CELL findings. */
  merged?: readonly string[];
}

/** How many leading rows of a sheet are searched for a header (title blocks sit above it). */
const HEADER_SEARCH_ROWS = 30;

/**
 * Finds the template tables of one sheet: each Excel table (ListObject) it declares, else plain ranges whose
 * header row is the first row (within the first rows of the sheet, below any title block) that matches a
 * table's aliases. A later header row after a blank row starts a new table (several tables stacked on a sheet).
 */
export function findTables(sheet: SheetModel): FoundTable[] {
  const originRow = sheet.originRow ?? 1;
  const originCol = sheet.originCol ?? 1;
  const cells = sheet.cells;
  const found: FoundTable[] = [];
  const cell = (r: number, c: number): CellValue => cells[r - originRow]?.[c - originCol];

  if (sheet.tables && sheet.tables.length > 0) {
    for (const t of sheet.tables) {
      const rg = parseRange(t.range);
      if (!rg) continue;
      const header: CellValue[] = [];
      // The product's own columns are never part of the user's table, even when the table was widened over them.
      let right = rg.right;
      while (right > rg.left && isOwnedHeader(cell(rg.top, right))) right--;
      for (let c = rg.left; c <= right; c++) header.push(cell(rg.top, c));
      const match = classifyHeader(header);
      if (!match) continue;
      // Rows below the sheet's last row are blank: a table whose ref claims A1:J99999999999 (a damaged or hostile
      // file) must not make collect() walk, and list as pending blanks, billions of rows that do not exist.
      const bottom = Math.min(rg.bottom, Math.max(rg.top, originRow + cells.length - 1));
      found.push({ ...collect(sheet.name, match, header, rg.top, rg.left, right, bottom, cell, t.name, sheet), merged: sheet.merged });
    }
    if (found.length > 0) return found;
  }

  const lastRow = originRow + cells.length - 1;
  let r = originRow;
  let searchedFrom = originRow;
  while (r <= lastRow) {
    const row = cells[r - originRow] ?? [];
    const nonBlank = row.some((v) => !isBlank(v));
    const match = nonBlank ? classifyHeader(row) : null;
    if (!match) {
      if (r - searchedFrom >= HEADER_SEARCH_ROWS) break;
      r++;
      continue;
    }
    // The table spans the header's non-blank cells (user columns included).
    let left = -1;
    let right = -1;
    row.forEach((v, i) => {
      if (!isBlank(v) && !isOwnedHeader(v)) {
        if (left < 0) left = i;
        right = i;
      }
    });
    const header = row.slice(left, right + 1);
    const rematch = classifyHeader(header) as HeaderMatch;
    // The table ends before the next header row directly below a blank row (only those rows are tried:
    // classifying every row after the first blank one would cost a header match per data row). The whole row is
    // tried, as for the first header: a stacked table wider than this one, or starting left of it, has its
    // distinctive columns (维护时间 …) outside this table's columns, and was read as rows of this table.
    let end = r + 1;
    let prevBlank = false;
    for (; end <= lastRow; end++) {
      const rr = cells[end - originRow] ?? [];
      const blank = !rr.some((v) => !isBlank(v));
      if (!blank && prevBlank && classifyHeader(rr)) break;
      prevBlank = blank;
    }
    found.push({ ...collect(sheet.name, rematch, header, r, originCol + left, originCol + right, end - 1, cell, undefined, sheet), merged: sheet.merged });
    r = end;
    searchedFrom = end;
  }
  return found;
}

function collect(
  sheetName: string,
  match: HeaderMatch,
  header: CellValue[],
  headerRow: number,
  left: number,
  right: number,
  bottom: number,
  cell: (r: number, c: number) => CellValue,
  name?: string,
  sheet?: SheetModel,
): FoundTable {
  const rows: CellValue[][] = [];
  const rowNumbers: number[] = [];
  const blankRows: number[] = [];
  let pendingBlank: number[] = [];
  const originRow = sheet?.originRow ?? 1;
  const originCol = sheet?.originCol ?? 1;
  // A table that starts at the sheet's first column uses the sheet's own row arrays (no copy per row);
  // consumers read only the table's column offsets.
  const shared = sheet !== undefined && left === originCol;
  for (let r = headerRow + 1; r <= bottom; r++) {
    let row: CellValue[];
    let any = false;
    if (sheet) {
      const src = sheet.cells[r - originRow] ?? [];
      const from = left - originCol;
      const to = Math.min(src.length - 1, right - originCol);
      for (let j = from; j <= to; j++) {
        if (!isBlank(src[j])) {
          any = true;
          break;
        }
      }
      // An Excel table's declared range may start left of the cells the adapter read (its first columns empty):
      // those cells are blank. slice() would count a negative start from the row's end and misread every column.
      row = shared ? src : from >= 0 ? src.slice(from, right - originCol + 1) : [...new Array<CellValue>(-from), ...src.slice(0, Math.max(0, right - originCol + 1))];
    } else {
      row = [];
      for (let c = left; c <= right; c++) {
        const v = cell(r, c);
        row.push(v);
        if (!isBlank(v)) any = true;
      }
    }
    if (!any) {
      pendingBlank.push(r);
      continue;
    }
    // Blank rows count only when data follows them (trailing blanks are just the end of the table).
    if (pendingBlank.length > 0) {
      // A loop, not push(...): a lone cell at row 1,048,576 leaves a million blank rows pending, and spreading
      // them as arguments overflows the call stack.
      for (const b of pendingBlank) blankRows.push(b);
      pendingBlank = [];
    }
    rows.push(row);
    rowNumbers.push(r);
  }
  return { kind: match.kind, sheet: sheetName, name, headerRow, firstCol: left, header, rows, rowNumbers, blankRows, match };
}
