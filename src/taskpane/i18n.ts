// The task pane's one label table (zh-CN first, en-US beside it). Components never hold user-visible
// literals: they call `t(key, vars)` with a key from LABELS. Data that already carries both languages
// (findings, rules, ActionError) is picked with `pick`.

export type Lang = "zh" | "en";

interface Label {
  zh: string;
  en: string;
}

export const LABELS = {
  // Frame
  "app.title": { zh: "CRM 工作台", en: "CRM Workbench" },
  "app.subtitle": { zh: "CRM Workbench", en: "CRM 工作台" },
  "app.lang": { zh: "语言 Language", en: "Language 语言" },
  "app.lang.zh": { zh: "中文", en: "中文 (Chinese)" },
  "app.lang.en": { zh: "English (英文)", en: "English" },
  "app.noExcel.title": { zh: "请在 Excel 中打开 · open this in Excel", en: "Open this in Excel · 请在 Excel 中打开" },
  "app.noExcel.body": {
    zh: "任务窗格未连接到工作簿,操作按钮不可用。层次分析法(AHP)权重计算器仍可使用。",
    en: "The pane is not connected to a workbook, so the actions are unavailable. The AHP weight helper still works.",
  },
  "app.tabs": { zh: "功能", en: "Features" },
  "app.busy": { zh: "正在运行…", en: "Working…" },
  "app.dismiss": { zh: "关闭", en: "Dismiss" },

  "app.theme.dark": { zh: "深色主题", en: "Dark theme" },

  // Dashboard (after validate or apply)
  "dash.title": { zh: "客户概览", en: "Customer overview" },
  "dash.customers": { zh: "共 {n} 位客户", en: "{n} customer(s)" },
  "dash.stages": { zh: "各阶段客户数(漏斗)", en: "Customers by stage (funnel)" },
  "dash.undetermined": { zh: "无法判定阶段:{n} 位", en: "Stage undetermined: {n}" },
  "dash.tiers": { zh: "评分等级", en: "Tiers" },
  "dash.tierCounts": { zh: "评分等级人数", en: "Customers per tier" },
  "dash.findings": { zh: "校验问题(按严重程度)", en: "Findings by severity" },
  "dash.atRisk": { zh: "流失风险客户({n})", en: "At risk of churning ({n})" },
  "dash.atRiskNone": { zh: "没有流失风险客户。", en: "No customer is at risk of churning." },
  "dash.overdue": { zh: "跟进逾期({n})", en: "Overdue follow-ups ({n})" },
  "dash.overdueNone": { zh: "没有逾期的跟进。", en: "No follow-up is overdue." },
  "dash.likelyLost": { zh: "可能已流失的“活跃”客户({n})", en: "Likely lost, though still called active ({n})" },
  "dash.likelyLostTitle": { zh: "可能已流失的“活跃”客户", en: "Likely lost, though still called active" },
  "dash.likelyLostNone": { zh: "阶段规则视为活跃的客户中,没有存活概率低于 50% 的。", en: "No customer the stage rules call active has a P(alive) under 50 %." },
  "dash.likelyLostUnfitted": { zh: "未计算存活概率:{reason}", en: "No P(alive) computed: {reason}" },
  "dash.pAlive": { zh: "存活 {pct}", en: "Alive {pct}" },
  "dash.listed": { zh: "列出前 {n} 位(共 {total} 位)", en: "The first {n} of {total} listed" },
  "dash.goto": { zh: "定位到 {name}({address})", en: "Go to {name} ({address})" },
  "dash.next": { zh: "下次跟进 {date}", en: "Next follow-up {date}" },
  "dash.noNext": { zh: "未安排下次跟进", en: "No next follow-up" },
  "dash.warnings": { zh: "预警 {codes}", en: "Warnings {codes}" },
  "dash.stageOf": { zh: "阶段:{stage}", en: "Stage: {stage}" },

  // A customer's timeline (the history sheet CRM变更历史)
  "timeline.title": { zh: "{name} 的变更历史", en: "History of {name}" },
  "timeline.none": { zh: "暂无变更历史:每次“应用标签”都会把阶段、评分等级、价值分级和风险等级的变化记入“CRM变更历史”工作表。", en: "No history yet: each Apply tags records changes of stage, tier, value tier and risk in the CRM变更历史 sheet." },
  "timeline.first": { zh: "(开始记录)", en: "(first recorded)" },
  "timeline.blank": { zh: "(空)", en: "(blank)" },

  // As-of date
  "asOf.label": { zh: "统计日", en: "As-of date" },
  "asOf.hint": { zh: "YYYY-MM-DD,所有操作按此日期计算", en: "YYYY-MM-DD; every action computes as of this date" },
  "asOf.invalid": { zh: "请输入有效日期,格式 YYYY-MM-DD", en: "Enter a valid date as YYYY-MM-DD" },

  // Tabs
  "tab.validate": { zh: "校验", en: "Validate" },
  "tab.apply": { zh: "标签与风险", en: "Tags & risk" },
  "tab.review": { zh: "复盘", en: "Review" },
  "tab.rules": { zh: "规则", en: "Rules" },

  // Action buttons (primary text; the other language is shown beside it)
  "action.validate": { zh: "校验", en: "Validate" },
  "action.applyTags": { zh: "应用标签", en: "Apply tags" },
  "action.highlightRisk": { zh: "标记流失风险", en: "Highlight churn risk" },
  "action.clearHighlights": { zh: "清除标记", en: "Clear highlights" },
  "action.buildReview": { zh: "生成复盘", en: "Build review" },
  "action.maskPhones": { zh: "遮盖手机号", en: "Mask phone numbers" },
  "action.readRules": { zh: "读取规则", en: "Read rules" },
  "action.removeOutput": { zh: "移除 CRM 结果", en: "Remove CRM output" },
  "action.createTemplates": { zh: "新建模板", en: "Create templates" },
  "templates.intro": { zh: "还没有客户表?一键新建缺少的模板表格(客户、维护记录、订单、跟进任务、关键节点、执行计划、CRM规则),每张都是带下拉列表的 Excel 表格;已有的表格不会改动。", en: "No customers table yet? Create the template tables the workbook lacks (customers, interactions, orders, tasks, key dates, plan, CRM规则), each an Excel table with drop-down lists; tables you have stay as they are." },
  "templates.choose": { zh: "要新建的表格", en: "Tables to create" },
  "templates.created": { zh: "已新建:{sheets}", en: "Created: {sheets}" },
  "templates.present": { zh: "已有,未改动:{sheets}", en: "Already there, unchanged: {sheets}" },
  "templates.none": { zh: "工作簿已有全部模板表格,未做修改。", en: "The workbook has every template table already; nothing changed." },

  // Progress
  "progress.label": { zh: "进度", en: "Progress" },
  "progress.read": { zh: "读取", en: "Reading" },
  "progress.compute": { zh: "计算", en: "Computing" },
  "progress.write": { zh: "写入", en: "Writing" },
  "progress.count": { zh: "{done} / {total}", en: "{done} / {total}" },
  "progress.starting": { zh: "正在启动…", en: "Starting…" },
  "progress.cancel": { zh: "取消", en: "Cancel" },
  "progress.cancelAria": { zh: "取消正在运行的操作", en: "Cancel the running action" },
  "progress.cancelling": { zh: "正在取消…", en: "Cancelling…" },

  // Errors (ActionError kinds)
  "error.noCustomers": { zh: "未找到客户表", en: "No customers table" },
  "error.changed": { zh: "工作簿在操作期间被修改,请重新运行", en: "The workbook changed during the action: run it again" },
  "error.cancelled": { zh: "已取消", en: "Cancelled" },
  "error.payload": { zh: "数据量超出 Excel 的单次请求上限", en: "Too much data for one Excel request" },
  "error.busy": { zh: "Excel 正忙,请稍后重试", en: "Excel is busy: try again in a moment" },
  "error.protected": { zh: "工作簿不可写入", en: "The workbook cannot be written" },
  "error.blocked": { zh: "写入位置被占用", en: "Something is in the way" },
  "error.addin": { zh: "CRM 工作台内部错误", en: "CRM Workbench made a mistake" },
  "error.office": { zh: "Excel 报告了错误", en: "Excel reported an error" },
  "error.unknown": { zh: "操作失败", en: "The action failed" },

  // Validate
  "validate.intro": { zh: "检查客户表及相关表的必填项、日期、金额、选项与隐私。", en: "Checks required fields, dates, amounts, options and privacy in the customer tables." },
  "validate.summary": { zh: "校验结果(统计日 {asOf},共 {rows} 行)", en: "Validation result (as of {asOf}, {rows} rows)" },
  "validate.errors": { zh: "错误", en: "Errors" },
  "validate.warnings": { zh: "警告", en: "Warnings" },
  "validate.infos": { zh: "提示", en: "Infos" },
  "validate.none": { zh: "未发现问题。", en: "No findings." },
  "validate.filterSeverity": { zh: "严重程度", en: "Severity" },
  "validate.filterCode": { zh: "问题代码", en: "Code" },
  "validate.all": { zh: "全部", en: "All" },
  "validate.search": { zh: "搜索", en: "Search" },
  "validate.searchPlaceholder": { zh: "地址、内容或代码", en: "Address, text or code" },
  "validate.shown": { zh: "显示 {shown} / {total} 条", en: "Showing {shown} of {total}" },
  "validate.noMatch": { zh: "没有符合筛选条件的问题。", en: "No findings match the filter." },
  "validate.workbook": { zh: "工作簿", en: "Workbook" },
  "validate.fix": { zh: "建议:", en: "Fix: " },
  "validate.goto": { zh: "定位到 {address}:{message}", en: "Go to {address}: {message}" },
  "validate.findings": { zh: "问题列表", en: "Findings" },
  "validate.more": { zh: "显示更多(还有 {n} 条)", en: "Show more ({n} left)" },
  "validate.groupCount": { zh: "{label}({n})", en: "{label} ({n})" },

  // Mask phones
  "mask.title": { zh: "遮盖手机号 Mask phone numbers", en: "Mask phone numbers 遮盖手机号" },
  "mask.found": { zh: "发现 {n} 个单元格含完整电话号码。", en: "{n} cell(s) hold a full phone number." },
  "mask.preview": { zh: "预览遮盖结果", en: "Preview masking" },
  "mask.previewList": { zh: "遮盖预览(单元格 → 遮盖后文本)", en: "Preview (cell → masked text)" },
  "mask.confirm": { zh: "确认遮盖 {n} 个单元格", en: "Mask {n} cell(s)" },
  "mask.more": { zh: "另有 {n} 个单元格未列出", en: "{n} more cell(s) not listed" },
  "mask.back": { zh: "暂不遮盖", en: "Not now" },
  "mask.warning": { zh: "此操作会改写这些单元格中的原文,无法自动还原。", en: "This rewrites the text of these cells; it cannot be undone automatically." },
  "mask.done": { zh: "已遮盖 {cells} 个单元格中的 {numbers} 个号码。请重新校验。", en: "Masked {numbers} number(s) in {cells} cell(s). Validate again to refresh." },

  // Apply tags / highlight
  "apply.intro": { zh: "将阶段、评分、标签等结果写入客户表右侧的 ◆ 结果列。", en: "Writes stage, score, tags and other results into the ◆ result columns beside the customers table." },
  "apply.done": { zh: "已写入 {customers} 位客户", en: "Wrote {customers} customer(s)" },
  "apply.range": { zh: "区域:{range}", en: "Range: {range}" },
  "apply.findings": { zh: "校验问题 {n} 条", en: "{n} finding(s)" },
  "apply.asOf": { zh: "统计日 {asOf}", en: "As of {asOf}" },
  "apply.history": { zh: "变更历史:新增 {n} 行(CRM变更历史)", en: "History: {n} row(s) added (CRM变更历史)" },
  "apply.history.later": { zh: "变更历史未追加:其中已有晚于统计日的记录,历史只能向后追加;请使用更晚的统计日。", en: "History not appended: it has rows after the as-of date and only runs forward; use a later as-of date." },
  "apply.history.unreadable": { zh: "变更历史未追加:“CRM变更历史”的表头已被修改,请恢复表头或删除该工作表。", en: "History not appended: the header of CRM变更历史 was changed; restore it or delete the sheet." },
  "apply.history.full": { zh: "变更历史未追加:将超过 Excel 的最大行数;请将“CRM变更历史”另存归档后删除该工作表。", en: "History not appended: it would pass Excel's last row; archive the CRM变更历史 sheet elsewhere and delete it." },
  "highlight.intro": { zh: "用条件格式标记流失风险、已流失与跟进逾期的客户。", en: "Marks at-risk, churned and overdue customers with conditional formatting." },
  "highlight.atRisk": { zh: "流失风险", en: "At risk" },
  "highlight.churned": { zh: "已流失", en: "Churned" },
  "highlight.overdue": { zh: "跟进逾期", en: "Overdue" },
  "highlight.rules": { zh: "条件格式规则 {n} 条", en: "{n} conditional-format rule(s)" },
  "highlight.cleared": { zh: "已清除 {n} 条标记规则。", en: "Removed {n} highlight rule(s)." },

  // Remove the product's output
  "remove.intro": {
    zh: "移除本加载项写入的全部内容:◆ 结果列(含下拉列表)、标记规则,以及它生成的问题清单和复盘工作表(改了名也能认出)。您自己的单元格、格式、表格、规则和工作表(包括复制出的 CRM复盘-* 副本和同名的自建工作表)保持原样。",
    en: "Removes everything this add-in wrote: the ◆ result columns (with their lists), the highlight rules, and the findings and review sheets it made (even if renamed). Your own cells, formats, tables, rules and sheets (copies of CRM复盘-* sheets and your own sheets of those names included) stay as they are.",
  },
  "remove.warning": {
    zh: "在 ◆ 结果列中手动修改的内容也会一并移除。需要时重新运行“应用标签”“标记流失风险”或“生成复盘”即可再次生成。",
    en: "Anything typed into the ◆ result columns goes too. Run Apply tags, Highlight churn risk or Build review again to bring the output back.",
  },
  "remove.keepHistory": { zh: "保留变更历史(CRM变更历史工作表)", en: "Keep the history (the CRM变更历史 sheet)" },
  "remove.confirm": { zh: "确认移除", en: "Remove" },
  "remove.back": { zh: "暂不移除", en: "Not now" },
  "remove.done": {
    zh: "已移除 {columns} 个结果列、{rules} 条标记规则、{sheets} 个工作表。",
    en: "Removed {columns} result column(s), {rules} highlight rule(s) and {sheets} sheet(s).",
  },
  "remove.nothing": { zh: "工作簿中没有本加载项写入的内容,未做修改。", en: "The workbook holds nothing this add-in wrote; nothing was changed." },

  // Review
  "review.intro": { zh: "生成复盘工作表(CRM复盘-*):阶段漏斗、留存、流失原因、行业与负责人分布等。", en: "Builds the review sheets (CRM复盘-*): funnel, retention, churn reasons, distribution by industry and owner, and more." },
  "review.sheets": { zh: "已生成工作表({n})", en: "Sheets created ({n})" },
  "review.pivots": { zh: "数据透视表:{n}", en: "PivotTables: {n}" },
  "review.charts": { zh: "图表:{n}", en: "Charts: {n}" },
  "review.fallback.title": { zh: "此 Excel 不支持 ExcelApi 1.8", en: "This Excel lacks ExcelApi 1.8" },
  "review.fallback.body": {
    zh: "因此没有创建数据透视表和图表,而是写入了普通汇总表。",
    en: "So no PivotTables or charts were created; plain summary tables were written instead.",
  },

  // Rules
  "rules.intro": { zh: "CRM规则 表中的参数;修改值并保存即可写入工作簿。", en: "The parameters of the CRM规则 sheet; edit a value and save to write it to the workbook." },
  "rules.noSheet": { zh: "工作簿中还没有 CRM规则 表:下面是默认值,保存任一值会创建该表。", en: "The workbook has no CRM规则 sheet yet: these are the defaults; saving any value creates it." },
  "rules.list": { zh: "规则列表", en: "Rules" },
  "rules.value": { zh: "值", en: "Value" },
  "rules.valueAria": { zh: "{label}({key})的值", en: "Value of {label} ({key})" },
  "rules.default": { zh: "默认值:{value}", en: "Default: {value}" },
  "rules.save": { zh: "保存", en: "Save" },
  "rules.saveAria": { zh: "保存 {key}", en: "Save {key}" },
  "rules.saved": { zh: "已保存 {key} = {value}", en: "Saved {key} = {value}" },
  "rules.problems": { zh: "{n} 条规则的值未被采用(见各行说明)。", en: "{n} rule value(s) are refused (see each row)." },
  "rules.empty": { zh: "(空)", en: "(blank)" },

  // AHP helper
  "ahp.title": { zh: "层次分析法(AHP)权重计算", en: "AHP weight helper" },
  "ahp.intro": {
    zh: "填写上三角的两两比较值(1–9 或分数如 1/3),下三角自动取倒数。",
    en: "Fill the upper triangle with pairwise comparisons (1–9 or a fraction like 1/3); the lower triangle takes the reciprocals.",
  },
  "ahp.size": { zh: "指标个数 n", en: "Criteria n" },
  "ahp.matrix": { zh: "两两比较矩阵", en: "Pairwise comparison matrix" },
  "ahp.cellAria": { zh: "C{i} 相对 C{j} 的重要性", en: "Importance of C{i} over C{j}" },
  "ahp.recipAria": { zh: "C{i} 相对 C{j}(倒数)", en: "C{i} over C{j} (reciprocal)" },
  "ahp.criterion": { zh: "C{i} 对应指标", en: "C{i} is the indicator" },
  "ahp.weights": { zh: "权重", en: "Weights" },
  "ahp.weightRow": { zh: "C{i} {label}:{w}", en: "C{i} {label}: {w}" },
  "ahp.lambda": { zh: "λmax = {v}", en: "λmax = {v}" },
  "ahp.ci": { zh: "CI = {v}", en: "CI = {v}" },
  "ahp.cr": { zh: "CR = {v}", en: "CR = {v}" },
  "ahp.consistent": { zh: "一致", en: "Consistent" },
  "ahp.inconsistent": { zh: "不一致 (CR ≥ 0.10)", en: "Inconsistent (CR ≥ 0.10)" },
  "ahp.badCells": { zh: "请在标红的单元格中填写正数或分数(如 3、0.5、1/3)。", en: "Enter a positive number or a fraction (3, 0.5, 1/3) in the cells marked red." },
  "ahp.failed": { zh: "无法计算权重:矩阵无效。", en: "Cannot compute the weights: the matrix is not valid." },
  "ahp.copy": { zh: "写入权重规则 weight.*", en: "Copy into the weight.* rules" },
  "ahp.copyNote": {
    zh: "所选指标写入上面的权重,其余 weight.* 规则写为 0。",
    en: "The chosen indicators get the weights above; the other weight.* rules are set to 0.",
  },
  "ahp.copyInconsistent": { zh: "矩阵不一致,请先调整比较值再写入。", en: "The matrix is inconsistent: revise the comparisons before copying." },
  "ahp.duplicate": { zh: "每个指标只能选择一次。", en: "Choose each indicator only once." },
  "ahp.copied": { zh: "已写入 {n} 条权重规则。", en: "Wrote {n} weight rule(s)." },
} as const satisfies Record<string, Label>;

export type LabelKey = keyof typeof LABELS;

export type Vars = Record<string, string | number>;

/** The label for `key` in `lang`, with `{name}` placeholders filled from `vars`. */
export function translate(lang: Lang, key: LabelKey, vars?: Vars): string {
  const text: string = LABELS[key][lang];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** The other language, shown beside the primary label (Chinese first, English beside it). */
export function otherLang(lang: Lang): Lang {
  return lang === "zh" ? "en" : "zh";
}

/** Picks one of two texts a data object carries in both languages. */
export function pick(lang: Lang, zh: string, en: string): string {
  return lang === "zh" ? zh : en;
}

/** Today's date in the user's calendar as YYYY-MM-DD (the default as-of date). */
export function todayYmd(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** A real calendar date written YYYY-MM-DD. */
export function isYmd(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
}
