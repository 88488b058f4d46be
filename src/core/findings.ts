// The stable finding contract (DOMAIN.md section 10): codes, severities and bilingual messages with fixes.
import { maskText } from "./privacy";
import type { Finding, FindingCode, Severity } from "./types";

export const FINDING_CODES: readonly FindingCode[] = [
  "REQUIRED_MISSING", "DUPLICATE_ID", "BAD_DATE", "FUTURE_DATE", "DATE_ORDER", "BAD_AMOUNT", "NEGATIVE_AMOUNT",
  "BAD_ENUM", "BAD_USCC", "OUT_OF_RANGE", "UNMASKED_PHONE", "CELL_ERROR", "MERGED_CELL", "STAGE_STALE",
  "DETAIL_MISMATCH", "UNKNOWN_CUSTOMER", "BLANK_ROWS", "BAD_RULE", "COLUMN_MISSING", "TABLE_MISSING",
  "BAD_HISTORY",
];

export const SEVERITY: Record<FindingCode, Severity> = {
  REQUIRED_MISSING: "error", DUPLICATE_ID: "error", BAD_DATE: "error", FUTURE_DATE: "error", DATE_ORDER: "error",
  BAD_AMOUNT: "error", NEGATIVE_AMOUNT: "error", BAD_ENUM: "error", BAD_USCC: "error", OUT_OF_RANGE: "error",
  UNMASKED_PHONE: "error", CELL_ERROR: "error", MERGED_CELL: "error",
  STAGE_STALE: "warning", DETAIL_MISMATCH: "warning", UNKNOWN_CUSTOMER: "warning", BAD_RULE: "warning",
  COLUMN_MISSING: "warning", TABLE_MISSING: "warning", BAD_HISTORY: "warning", BLANK_ROWS: "info",
};

type Vars = Record<string, string | number>;
type Text = (v: Vars) => string;

/** Message and fix templates, zh-CN then en-US. `v.col` is the header, `v.val` the cell text. */
const TEXT: Record<FindingCode, { zh: Text; en: Text; fixZh: Text; fixEn: Text }> = {
  REQUIRED_MISSING: {
    zh: (v) => `必填项“${v.col}”为空`, en: (v) => `Required field "${v.col}" is empty`,
    fixZh: (v) => `请填写${v.col}`, fixEn: (v) => `Fill in ${v.col}`,
  },
  DUPLICATE_ID: {
    zh: (v) => `客户编号“${v.val}”重复,第${v.first}行已使用`, en: (v) => `Customer ID "${v.val}" is repeated; row ${v.first} already uses it`,
    fixZh: () => "为每个客户使用唯一的客户编号", fixEn: () => "Give every customer its own ID",
  },
  BAD_DATE: {
    zh: (v) => `“${v.val}”不是可识别的日期`, en: (v) => `"${v.val}" is not a date`,
    fixZh: () => "请写成 2024-01-15、2024/1/15 或 2024年1月15日", fixEn: () => "Write it as 2024-01-15, 2024/1/15 or 2024年1月15日",
  },
  FUTURE_DATE: {
    zh: (v) => `${v.col} ${v.val} 晚于统计日 ${v.asOf}`, en: (v) => `${v.col} ${v.val} is after the as-of date ${v.asOf}`,
    fixZh: () => "核对日期是否录入错误(年份、月日颠倒)", fixEn: () => "Check the date for a typo (year, or day and month swapped)",
  },
  DATE_ORDER: {
    zh: (v) => `${v.col} ${v.val} 早于${v.otherCol} ${v.other}`, en: (v) => `${v.col} ${v.val} is before ${v.otherCol} ${v.other}`,
    fixZh: (v) => `${v.col}应不早于${v.otherCol}`, fixEn: (v) => `${v.col} must not be before ${v.otherCol}`,
  },
  BAD_AMOUNT: {
    zh: (v) => `“${v.val}”不是有效的数值`, en: (v) => `"${v.val}" is not a valid number`,
    fixZh: () => "请填写数字,如 12000、1.2万、35%", fixEn: () => "Enter a number such as 12000, 1.2万 or 35%",
  },
  NEGATIVE_AMOUNT: {
    zh: (v) => `金额“${v.val}”为负数`, en: (v) => `Amount "${v.val}" is negative`,
    fixZh: () => "金额应不小于0;退款请单独记录", fixEn: () => "Amounts must be 0 or more; record refunds separately",
  },
  BAD_ENUM: {
    zh: (v) => `“${v.val}”不是“${v.col}”的有效选项`, en: (v) => `"${v.val}" is not a valid value for "${v.col}"`,
    fixZh: (v) => `可选:${v.choices}`, fixEn: (v) => `Choose one of: ${v.choices}`,
  },
  BAD_USCC: {
    zh: (v) => `统一社会信用代码“${v.val}”无效:${v.reason}`, en: (v) => `USCC "${v.val}" is invalid: ${v.reasonEn}`,
    fixZh: () => "核对营业执照上的18位统一社会信用代码", fixEn: () => "Copy the 18-character code from the business licence",
  },
  OUT_OF_RANGE: {
    zh: (v) => `${v.col}“${v.val}”超出范围 ${v.range}`, en: (v) => `${v.col} "${v.val}" is outside ${v.range}`,
    fixZh: (v) => `请填写 ${v.range} 之间的值`, fixEn: (v) => `Enter a value within ${v.range}`,
  },
  UNMASKED_PHONE: {
    zh: (v) => `${v.col}含完整电话号码(${v.val}),只可保留脱敏形式`, en: (v) => `${v.col} holds a full phone number (${v.val}); only masked forms may be kept`,
    fixZh: (v) => `改为脱敏形式,如“${v.val}”,或使用“脱敏”操作`, fixEn: (v) => `Mask it, e.g. "${v.val}", or run the mask action`,
  },
  CELL_ERROR: {
    zh: (v) => `单元格是错误值 ${v.val}`, en: (v) => `The cell holds the error value ${v.val}`,
    fixZh: () => "修正公式或改为具体数值", fixEn: () => "Fix the formula or type the value",
  },
  MERGED_CELL: {
    zh: (v) => `数据区域内有合并单元格 ${v.range}`, en: (v) => `Merged cells ${v.range} inside the table's data`,
    fixZh: () => "取消合并并在每行填写完整值", fixEn: () => "Unmerge and fill every row",
  },
  STAGE_STALE: {
    zh: (v) => `记录阶段“${v.val}”与计算阶段“${v.computed}”不符(${v.reason})`, en: (v) => `Recorded stage "${v.val}" differs from the computed stage "${v.computedEn}" (${v.reasonEn})`,
    fixZh: (v) => `将当前周期阶段更新为“${v.computed}”${v.entered ? `,进入阶段时间改为 ${v.entered}(据变更历史)` : ""}(阶段变更需24小时内同步)`,
    fixEn: (v) => `Update the stage to "${v.computed}"${v.entered ? ` and the day it was entered to ${v.entered} (from the history)` : ""} (changes must be recorded within 24 h)`,
  },
  DETAIL_MISMATCH: {
    // Two places disagree about one fact: this cell and `where` (another table's cell, or a detail table).
    zh: (v) => `${v.col}为 ${v.val},而${v.where}为 ${v.other};${v.used}`, en: (v) => `${v.col} is ${v.val} but ${v.whereEn} says ${v.otherEn}; ${v.usedEn}`,
    fixZh: () => "核对两处,改正有误的一处", fixEn: () => "Check both places and correct the one that is wrong",
  },
  UNKNOWN_CUSTOMER: {
    zh: (v) => `${v.table}中的客户“${v.val}”在客户表中不存在`, en: (v) => `Customer "${v.val}" in ${v.tableEn} is not in the customers table`,
    fixZh: () => "核对客户编号/名称,或先在客户表中登记该客户", fixEn: () => "Check the ID or name, or add the customer to the customers table",
  },
  BLANK_ROWS: {
    zh: (v) => `${v.table}中有 ${v.count} 个空行(${v.rows}),已跳过`, en: (v) => `${v.tableEn} has ${v.count} blank row(s) (${v.rows}); skipped`,
    fixZh: () => "删除空行", fixEn: () => "Delete the blank rows",
  },
  BAD_RULE: {
    zh: (v) => `规则“${v.key}”:${v.reason}${v.def === "" ? "" : `,使用默认值 ${v.def}`}`, en: (v) => `Rule "${v.key}": ${v.reasonEn}${v.def === "" ? "" : `; the default ${v.def} is used`}`,
    fixZh: () => "按“说明”列修改该参数的值", fixEn: () => "Correct the value as the note column describes",
  },
  COLUMN_MISSING: {
    zh: (v) => `${v.table}缺少“${v.col}”列`, en: (v) => `${v.tableEn} has no "${v.colEn}" column`,
    fixZh: (v) => `在表头添加“${v.col}”列`, fixEn: (v) => `Add a "${v.col}" column to the header`,
  },
  TABLE_MISSING: {
    zh: (v) => `${v.detail ?? `工作簿中未找到${v.table}表`}`, en: (v) => `${v.detailEn ?? `No ${v.tableEn} table was found in the workbook`}`,
    fixZh: (v) => `${v.fix ?? `添加带表头(如“客户名称”“联系人”)的${v.table}表`}`, fixEn: (v) => `${v.fixEn ?? `Add a ${v.tableEn} table with a header row (e.g. 客户名称, 联系人)`}`,
  },
  BAD_HISTORY: {
    // A row of the history sheet 「CRM变更历史」 (DOMAIN.md section 8a) that cannot be used: skipped, never fatal.
    zh: (v) => `变更历史记录无法使用,已跳过:${v.reason}`, en: (v) => `A history row cannot be used and is skipped: ${v.reasonEn}`,
    fixZh: (v) => `${v.fix ?? "恢复此行原来的内容或删除此行;变更历史由“应用”自动追加,请勿手工修改"}`, fixEn: (v) => `${v.fixEn ?? "Restore the row as it was or delete it; apply appends the history itself, so leave it unedited"}`,
  },
};

export interface FindingPlace {
  sheet: string;
  row: number;
  column: string;
  address: string;
}

export function makeFinding(code: FindingCode, place: FindingPlace, vars: Vars): Finding {
  const t = TEXT[code];
  const v = safeVars({ col: place.column, ...vars });
  return { code, severity: SEVERITY[code], ...place, message: text(t.zh(v)), messageEn: text(t.en(v)), fix: shared(t.fixZh(v)), fixEn: shared(t.fixEn(v)) };
}

/**
 * Findings whose four texts are worked out when read, not kept: a million-row book can have 650,000 STAGE_STALE
 * findings, whose texts (quoting each customer's evidence, in two languages) took about 290 of their 400 bytes.
 * `vars(of)` gives the finding's values from what the caller still holds (STAGE_STALE: the customer's stage
 * decision); texts read one after another of one finding are made once. `JSON.stringify` writes the texts too.
 */
export function deferredFindings(code: FindingCode, vars: (of: number) => Vars): new (place: FindingPlace, of: number) => Finding {
  const t = TEXT[code];
  let last: object | null = null;
  let texts = { message: "", messageEn: "", fix: "", fixEn: "" };
  const textsOf = (f: DeferredFinding) => {
    if (last !== f) {
      const v = safeVars({ col: f.column, ...vars(f.of) });
      texts = { message: t.zh(v), messageEn: t.en(v), fix: shared(t.fixZh(v)), fixEn: shared(t.fixEn(v)) };
      last = f;
    }
    return texts;
  };
  // The address less its row number ("客户信息表!D"), one string for all the findings of a column: kept whole, each
  // finding's address was a string of its own (about 26 MB at a million rows).
  const prefixes = new Map<string, string>();
  class DeferredFinding implements Finding {
    readonly code = code;
    readonly severity = SEVERITY[code];
    readonly sheet: string;
    readonly row: number;
    readonly column: string;
    private readonly addressPrefix: string;
    private readonly rowInAddress: boolean;
    constructor(place: FindingPlace, readonly of: number) {
      this.sheet = place.sheet;
      this.row = place.row;
      this.column = place.column;
      const digits = String(place.row);
      const whole = place.address;
      // An address that does not end in its row number (none the product makes) is kept as it is.
      const prefix = whole.endsWith(digits) ? whole.slice(0, whole.length - digits.length) : null;
      this.addressPrefix = prefix === null ? whole : (prefixes.get(prefix) ?? (prefixes.set(prefix, prefix), prefix));
      this.rowInAddress = prefix !== null;
    }
    get address() { return this.rowInAddress ? this.addressPrefix + this.row : this.addressPrefix; }
    get message() { return textsOf(this).message; }
    get messageEn() { return textsOf(this).messageEn; }
    get fix() { return textsOf(this).fix; }
    get fixEn() { return textsOf(this).fixEn; }
    toJSON(): Finding {
      const { code: c, severity, sheet, row, column, address } = this;
      return { code: c, severity, sheet, row, column, address, ...textsOf(this) };
    }
  }
  return DeferredFinding;
}

/**
 * The values a message quotes (a cell's text, an ID, a name, a rules key …) with full phone numbers and USCCs
 * masked: findings reach reports, logs, the findings sheet and the task pane, none of which may show them whole.
 * The masked form (`138****5678`, `913501**********43`) and the cell address still say which value is meant.
 */
function safeVars(vars: Vars): Vars {
  let out: Vars | null = null;
  for (const k in vars) {
    const x = vars[k];
    if (typeof x !== "string" && typeof x !== "number") continue;
    const s = String(x);
    const m = maskText(s);
    if (m === s) continue;
    if (out === null) out = { ...vars };
    out[k] = m;
  }
  return out ?? vars;
}

/**
 * Texts repeat across findings (a column's fix is the same in every row; the same problem in many rows reads the
 * same): one string each, not one per finding — a million-row sheet can have hundreds of thousands of findings.
 */
let fixTexts = new Map<string, string>();
function shared(s: string): string {
  const hit = fixTexts.get(s);
  if (hit !== undefined) return hit;
  if (fixTexts.size > 10_000) fixTexts = new Map();
  flatten(s);
  fixTexts.set(s, s);
  return s;
}

/**
 * A message: shared when short (those repeat: 必填项“联系人”为空); a long one quotes its cell's evidence and is
 * its finding's own, so looking it up only cost a hash of every character (1.5 s at 557,000 STAGE_STALE).
 */
function text(s: string): string {
  if (s.length <= SHARED_MAX) return shared(s);
  flatten(s);
  return s;
}
const SHARED_MAX = 40;

/**
 * A message built from a template is a tree of string pieces in V8 (a cons string, several hundred bytes);
 * reading a character flattens it into one run of characters, which is what a kept finding should hold (at
 * 557,000 STAGE_STALE findings the trees cost about 300 MB more).
 */
function flatten(s: string): void {
  s.charCodeAt(0);
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Findings in a stable order: sheet, row, column address, code. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      cmp(a.sheet, b.sheet) || a.row - b.row || a.address.length - b.address.length || cmp(a.address, b.address) || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || cmp(a.code, b.code),
  );
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
