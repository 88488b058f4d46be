// The contract between the task pane / ribbon commands and the Office.js adapter: what each user action
// takes and returns. Components and commands call these actions; only src/excel talks to Office.js.
import type { Finding, TableKind, TableSummary } from "../core";

export interface Progress {
  phase: "read" | "compute" | "write";
  /** Rows (or chunks) done and the total, for a progress bar. */
  done: number;
  total: number;
}

export interface RunOptions {
  /** The as-of date `YYYY-MM-DD`; default today in the user's calendar. */
  asOf?: string;
  onProgress?: (p: Progress) => void;
  /** Cancels before anything is written (reading and computing can be cancelled; writing is not interrupted). */
  signal?: AbortSignal;
  /** Rows per write request (default 5,000) so no request exceeds Excel on the web's ~5 MB payload limit. */
  chunkRows?: number;
}

export interface ValidateOutcome {
  asOf: string;
  summary: { rows: number; errors: number; warnings: number; infos: number };
  findings: Finding[];
  tables: TableSummary[];
  /** Cells with a full phone number and what they become when masked (the preview of "mask"). */
  phones: { address: string; masked: string }[];
  dashboard: Dashboard;
  /**
   * The timelines of customers with a finding on their row, by that row's address (`客户!A7`, as a finding's
   * address row): what the pane shows when such a finding is selected. At most TIMELINE_CUSTOMERS customers.
   */
  timelines: Record<string, { id: string; name: string; entries: TimelineEntry[] }>;
}

export interface ApplyOutcome {
  asOf: string;
  customers: number;
  /** Address of the owned result columns block, e.g. `客户!Q3:Z403`. */
  range: string;
  findings: number;
  dashboard: Dashboard;
  /** The history sheet 「CRM变更历史」: rows this run appended, or why none were (DOMAIN.md section 8a). */
  history: { appended: number; skipped: "later" | "unreadable" | "full" | null };
}

/** One move of a customer's timeline, as the history sheet records it (DOMAIN.md section 8a). */
export interface TimelineEntry {
  date: string;
  fieldZh: string;
  fieldEn: string;
  from: string | null;
  to: string | null;
  reason: string;
}

/** One customer the dashboard lists, with where its row is (click → select it) and why it is listed. */
export interface DashboardCustomer {
  id: string;
  name: string;
  /** The customer's row in its home table, `客户!A7`. */
  address: string;
  stage: string;
  reasonZh: string;
  reasonEn: string;
  /** Warning codes in force (W1 …), see DOMAIN.md section 7. */
  warnings: string[];
  /** `YYYY-MM-DD` or null. */
  nextFollowUp: string | null;
  /** Its moves as the history sheet records them, the latest DASHBOARD_TIMELINE_LIMIT, oldest first (empty: no history yet). */
  timeline: TimelineEntry[];
  /** P(alive) from the BG/NBD model (DOMAIN.md section 8b), on the likely-lost list. */
  pAlive?: number;
}

/** A count with its labels; `key` is the engine's (stage, tier) or "undetermined". */
export interface DashboardCount {
  key: string;
  zh: string;
  en: string;
  count: number;
}

/** The pane's short dashboard after validate or apply (src/excel/dashboard.ts). */
export interface Dashboard {
  customers: number;
  /** Every stage in funnel order, then 无法判定. */
  stages: DashboardCount[];
  /** Every tier, strategic first, then 未评分. */
  tiers: DashboardCount[];
  /** Risk level 高: the first DASHBOARD_LIST_LIMIT listed, total counts them all. */
  atRisk: { total: number; customers: DashboardCustomer[] };
  /** Follow-up overdue, longest overdue first. */
  overdue: { total: number; customers: DashboardCustomer[] };
  /**
   * The churn model (DOMAIN.md section 8b), null when no customer has a dated order: customers the stage rules
   * still call active whose P(alive) is under 50 %, the lowest first; or why the model gave no figures.
   */
  likelyLost: { total: number; customers: DashboardCustomer[]; reasonZh: string | null; reasonEn: string | null } | null;
  findings: { errors: number; warnings: number; infos: number };
}

/** 新建模板: the tables made (each on its new sheet) and the ones the book had already. */
export interface TemplatesOutcome {
  created: { kind: string; sheet: string; table: string; rows: number }[];
  present: { kind: string; sheet: string }[];
}

export interface HighlightOutcome {
  asOf: string;
  /** Conditional-format rules written (the product's own; earlier ones replaced). */
  rules: number;
  atRisk: number;
  churned: number;
  overdue: number;
}

export interface ReviewOutcome {
  asOf: string;
  sheets: string[];
  pivotTables: number;
  charts: number;
  /** The host lacks ExcelApi 1.8: plain tables instead of PivotTables and charts. */
  fallback: boolean;
}

/** What 移除 CRM 结果 took out of the workbook (all zero: the book held none of the product's output). */
export interface RemoveOutcome {
  /** ◆ result columns cleared. */
  columns: number;
  /** The product's conditional-format rules removed. */
  rules: number;
  /** The product's sheets deleted (CRM问题清单, CRM复盘-*). */
  sheets: string[];
}

export interface MaskOutcome {
  cells: number;
  numbers: number;
}

export interface RuleRow {
  key: string;
  value: string;
  defaultValue: string;
  labelZh: string;
  labelEn: string;
  /** Why the workbook's value is not used, when it is refused. */
  problemZh?: string;
  problemEn?: string;
}

export interface RulesView {
  /** The CRM规则 sheet exists in the workbook (else the defaults are shown and editing creates it). */
  sheetExists: boolean;
  rows: RuleRow[];
}

/**
 * Why an action stopped, for one clear message in the pane: noCustomers (nothing to work on), changed (a sheet
 * or cell vanished mid-action: run again), cancelled, busy (Excel is editing a cell or another change conflicts:
 * try again shortly), protected (read-only or protected), blocked (something in the book is where the add-in
 * writes: merged cells, a PivotTable, a filter), payload (a row over Excel on the web's 5 MB), addin (the add-in's
 * own mistake: report it), office (any other Excel error).
 */
export type ActionErrorKind = "noCustomers" | "changed" | "cancelled" | "busy" | "protected" | "blocked" | "payload" | "addin" | "office";

export class ActionError extends Error {
  constructor(
    readonly kind: ActionErrorKind,
    readonly zh: string,
    readonly en: string,
    /** The Office error code behind it, when there is one (`AccessDenied`). */
    readonly code?: string,
  ) {
    super(en);
  }
}

/** The DOM event a failed ribbon command dispatches (detail: the ActionError) so an open pane can show it. */
export const COMMAND_ERROR_EVENT = "crm:command-error";

/** Everything the pane and the ribbon can do to the open workbook. */
export interface CrmActions {
  validate(o?: RunOptions): Promise<ValidateOutcome>;
  applyTags(o?: RunOptions): Promise<ApplyOutcome>;
  highlightRisk(o?: RunOptions): Promise<HighlightOutcome>;
  clearHighlights(): Promise<{ removed: number }>;
  buildReview(o?: RunOptions): Promise<ReviewOutcome>;
  maskPhones(o?: RunOptions): Promise<MaskOutcome>;
  /**
   * Removes everything the product wrote (◆ columns, its rules, its sheets) and nothing else: the book the user had;
   * the history sheet too unless `keepHistory`.
   */
  removeOutput(o?: RunOptions & { keepHistory?: boolean }): Promise<RemoveOutcome>;
  /** Activates the sheet and selects the cell of a finding (`Sheet!B7`). */
  selectCell(address: string): Promise<void>;
  readRules(): Promise<RulesView>;
  /** Writes one rule's value into CRM规则 (creating the sheet with every default when missing). */
  writeRule(key: string, value: string): Promise<RulesView>;
  /** 新建模板: the template tables the workbook lacks, each on a new sheet (as `crm init`). */
  createTemplates(o?: RunOptions & { lang?: "zh" | "en"; kinds?: TableKind[] }): Promise<TemplatesOutcome>;
}
