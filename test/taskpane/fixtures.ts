// Canned outcomes and a jest.fn CrmActions for the task pane tests (no Excel, no engine run).
// First: the stand-ins jsdom needs for the dashboard's charts (see charts-cjs.ts).
import "./charts-cjs";
import { createElement } from "react";
import { render, type RenderResult } from "@testing-library/react";
import type { Finding, FindingCode, Severity, TableSummary } from "../../src/core";
import type { CrmActions, Dashboard, RulesView, ValidateOutcome } from "../../src/excel/types";
import { App, type AppProps } from "../../src/taskpane/App";

export const AS_OF = "2024-06-30";

export function finding(code: FindingCode, severity: Severity, sheet: string, address: string, message: string, messageEn: string, fix = "修正", fixEn = "Fix it"): Finding {
  const row = address === "" ? 0 : Number(/(\d+)$/.exec(address)?.[1] ?? 0);
  return { code, severity, sheet, row, column: "列", address, message, messageEn, fix, fixEn };
}

function table(kind: TableSummary["kind"], sheet: string, rows: number): TableSummary {
  return { kind, sheet, headerRow: 1, firstCol: 1, lastCol: 10, lastRow: rows + 1, rows, columns: {}, used: true };
}

export const FINDINGS: Finding[] = [
  finding("REQUIRED_MISSING", "error", "客户表", "客户表!C3", "必填项“联系人”为空", 'Required field "联系人" is empty', "请填写联系人", "Fill in 联系人"),
  finding("BAD_DATE", "error", "客户表", "客户表!F5", "“2024-13-01”不是可识别的日期", '"2024-13-01" is not a date'),
  finding("UNMASKED_PHONE", "error", "客户表", "客户表!E7", "联系方式含完整电话号码(138****5678),只可保留脱敏形式", "联系方式 holds a full phone number (138****5678); only masked forms may be kept"),
  finding("NEGATIVE_AMOUNT", "error", "订单", "订单!C9", "金额“-200”为负数", 'Amount "-200" is negative'),
  finding("STAGE_STALE", "warning", "客户表", "客户表!J4", "记录阶段“意向客户”与计算阶段“成交客户”不符", 'Recorded stage "意向客户" differs from the computed stage "Won"'),
  finding("UNKNOWN_CUSTOMER", "warning", "订单", "订单!A12", "订单中的客户“CRM9999”在客户表中不存在", 'Customer "CRM9999" in Orders is not in the customers table'),
  finding("TABLE_MISSING", "warning", "", "", "工作簿中未找到维护记录表", "No Interactions table was found in the workbook"),
  finding("BLANK_ROWS", "info", "订单", "", "订单中有 2 个空行(14, 15),已跳过", "Orders has 2 blank row(s) (14, 15); skipped"),
];

/** CRM0007's moves as the history sheet recorded them. */
export const TIMELINE_0007 = [
  { date: "2024-03-01", fieldZh: "周期阶段", fieldEn: "Stage", from: null, to: "成交客户", reason: "已有成交" },
  { date: "2024-06-10", fieldZh: "周期阶段", fieldEn: "Stage", from: "成交客户", to: "流失风险客户", reason: "超过30天未下单且未回应关怀" },
  { date: "2024-06-10", fieldZh: "风险等级", fieldEn: "Risk", from: "低", to: "高", reason: "流失风险客户" },
];

/** A hand-made dashboard: 100 customers, 3 listed at risk of 12, 2 overdue of 8, 2 likely lost of 3. */
export const DASHBOARD: Dashboard = {
  customers: 100,
  stages: [
    { key: "prospect", zh: "潜在客户", en: "Prospect", count: 30 },
    { key: "interested", zh: "意向客户", en: "Interested", count: 25 },
    { key: "won", zh: "成交客户", en: "Won", count: 20 },
    { key: "stable", zh: "稳定客户", en: "Stable", count: 8 },
    { key: "atRisk", zh: "流失风险客户", en: "At risk", count: 10 },
    { key: "churned", zh: "流失客户", en: "Churned", count: 5 },
    { key: "undetermined", zh: "无法判定", en: "Undetermined", count: 2 },
  ],
  tiers: [
    { key: "strategic", zh: "战略客户", en: "Strategic", count: 5 },
    { key: "key", zh: "重点客户", en: "Key", count: 15 },
    { key: "regular", zh: "普通客户", en: "Regular", count: 50 },
    { key: "watch", zh: "观察客户", en: "Watch", count: 20 },
    { key: "undetermined", zh: "未评分", en: "Not scored", count: 10 },
  ],
  atRisk: {
    total: 12,
    customers: [
      { id: "CRM0007", name: "杭州青禾贸易", address: "客户表!A9", stage: "流失风险客户", reasonZh: "最近订单距今 45 天(订单!D30)", reasonEn: "Last order 45 days ago (订单!D30)", warnings: ["W2"], nextFollowUp: "2024-06-20", timeline: TIMELINE_0007 },
      { id: "CRM0012", name: "苏州远帆科技", address: "客户表!A14", stage: "稳定客户", reasonZh: "稳定客户30天无订单且未回应关怀", reasonEn: "Stable customer: no order for 30 days", warnings: ["W1"], nextFollowUp: null, timeline: [] },
      { id: "CRM0031", name: "宁波海曙电子", address: "客户表!A33", stage: "流失风险客户", reasonZh: "满意度 2.5 低于 3", reasonEn: "Satisfaction 2.5 below 3", warnings: [], nextFollowUp: "2024-07-02", timeline: [] },
    ],
  },
  overdue: {
    total: 8,
    customers: [
      { id: "CRM0007", name: "杭州青禾贸易", address: "客户表!A9", stage: "流失风险客户", reasonZh: "最近订单距今 45 天(订单!D30)", reasonEn: "Last order 45 days ago (订单!D30)", warnings: ["W2"], nextFollowUp: "2024-06-20", timeline: [] },
      { id: "CRM0044", name: "无锡锦程物流", address: "客户表!A46", stage: "意向客户", reasonZh: "有意向记录", reasonEn: "Interest recorded", warnings: [], nextFollowUp: "2024-06-25", timeline: [] },
    ],
  },
  likelyLost: {
    total: 3,
    customers: [
      { id: "CRM0052", name: "常州百川机电", address: "客户表!A54", stage: "成交客户", reasonZh: "存活概率 8.2%:复购 6 次,距上次购买 210 天;阶段规则仍判定为成交客户", reasonEn: "P(alive) 8.2%: 6 repeat purchase(s), 210 days since the last; the stage rules still say 成交客户", warnings: [], nextFollowUp: null, timeline: [], pAlive: 0.082 },
      { id: "CRM0060", name: "绍兴明远纺织", address: "客户表!A62", stage: "稳定客户", reasonZh: "存活概率 41.0%:复购 3 次,距上次购买 120 天;阶段规则仍判定为稳定客户", reasonEn: "P(alive) 41.0%: 3 repeat purchase(s), 120 days since the last; the stage rules still say 稳定客户", warnings: [], nextFollowUp: null, timeline: [], pAlive: 0.41 },
    ],
    reasonZh: null,
    reasonEn: null,
  },
  findings: { errors: 4, warnings: 3, infos: 1 },
};

export const VALIDATE_OUTCOME: ValidateOutcome = {
  asOf: AS_OF,
  summary: { rows: 120, errors: 4, warnings: 3, infos: 1 },
  findings: FINDINGS,
  tables: [table("customers", "客户表", 100), table("orders", "订单", 20)],
  phones: [
    { address: "客户表!E7", masked: "138****5678" },
    { address: "客户表!E9", masked: "尾号4321" },
  ],
  dashboard: DASHBOARD,
  // The customer on row 4 (its stage finding at J4) has a history.
  timelines: { "客户表!A4": { id: "CRM0002", name: "上海启明软件", entries: [{ date: "2024-05-02", fieldZh: "周期阶段", fieldEn: "Stage", from: "意向客户", to: "成交客户", reason: "首笔订单" }] } },
};

export const RULES_VIEW: RulesView = {
  sheetExists: true,
  rows: [
    { key: "stage.churnDays", value: "90", defaultValue: "90", labelZh: "超过多少天无业务往来判定为流失客户", labelEn: "Days without business contact before a customer is churned" },
    { key: "tier.strategic", value: "95", defaultValue: "90", labelZh: "战略客户评分下限", labelEn: "Strategic tier: score at least" },
    { key: "weight.spend6m", value: "0.25", defaultValue: "0.25", labelZh: "权重:近6个月消费金额", labelEn: "Weight: spend in the last 6 months" },
  ],
};

export type MockActions = { [K in keyof CrmActions]: jest.Mock };

/** Every action resolves a canned outcome; tests override single ones with mockImplementation. */
export function mockActions(): MockActions {
  return {
    validate: jest.fn(async () => VALIDATE_OUTCOME),
    applyTags: jest.fn(async () => ({ asOf: AS_OF, customers: 100, range: "客户表!Q1:Z101", findings: 7, dashboard: DASHBOARD, history: { appended: 12, skipped: null } })),
    highlightRisk: jest.fn(async () => ({ asOf: AS_OF, rules: 3, atRisk: 12, churned: 5, overdue: 8 })),
    clearHighlights: jest.fn(async () => ({ removed: 3 })),
    buildReview: jest.fn(async () => ({ asOf: AS_OF, sheets: ["CRM复盘-漏斗", "CRM复盘-分布"], pivotTables: 2, charts: 3, fallback: false })),
    maskPhones: jest.fn(async () => ({ cells: 2, numbers: 3 })),
    removeOutput: jest.fn(async () => ({ columns: 10, rules: 3, sheets: ["CRM问题清单", "CRM复盘-漏斗", "CRM复盘-分布"] })),
    selectCell: jest.fn(async () => undefined),
    readRules: jest.fn(async () => RULES_VIEW),
    writeRule: jest.fn(async () => RULES_VIEW),
    createTemplates: jest.fn(async () => ({ created: [{ kind: "interactions", sheet: "维护记录", table: "CRM_Interactions", rows: 0 }, { kind: "rules", sheet: "CRM规则", table: "CRM_Rules", rows: 51 }], present: [{ kind: "customers", sheet: "客户表" }] })),
  };
}

export function renderApp(props: AppProps = {}): RenderResult {
  return render(createElement(App, { asOf: AS_OF, ...props }));
}

/** A promise with its resolve/reject exposed (for actions that stay running until the test says so). */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
