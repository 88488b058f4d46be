// The review sheets 复盘 (DOMAIN.md section 8) as plain layouts: titled tables of labels and numbers that each
// adapter renders its own way (formatted tables from the command line; PivotTables and charts in Excel).
import { columnLetter, formatDay, STAGE_LABEL, toDay, STAGES, TASK_STATUS_LABEL, UNDETERMINED, VALUE_TIER_LABEL, type ReviewData, type TaskStatus } from "../core";
import { REVIEW_SHEET_PREFIX } from "./owned";

export type ReviewCell = string | number | null;

/** How a column's numbers are shown. */
export type ReviewFormat = "int" | "pct" | "num1" | "num4" | "money" | "date" | "text";

export interface ReviewBlock {
  title: string;
  titleEn: string;
  header: string[];
  formats: ReviewFormat[];
  rows: ReviewCell[][];
  /** Column index whose cells get a data bar (counts): a conditional format, drawn in the cells by Excel. */
  bar?: number;
  /** A note under the table (how a figure is computed). */
  note?: string;
  /** Its numbers (every column but the first) shaded by a colour scale, lightest at the fewest. */
  heat?: boolean;
  /** The block drawn as a chart beside it, from its own cells (so the chart follows when the numbers change). */
  chart?: BlockChart;
}

/**
 * A block's chart: the kind, the column of its categories and the columns of its series (0-based in the block).
 * A Gantt chart is a stacked bar whose first series (the start dates) is not drawn, so each bar begins at its start.
 */
export interface BlockChart {
  kind: "bar" | "column" | "columnStacked" | "line" | "gantt";
  category: number;
  series: number[];
  /** Under the block rather than right of it (the plan's week grid is to its right). */
  below?: boolean;
  /** Categories at most (default CHART_MAX_CATEGORIES). */
  maxRows?: number;
}

/** Categories a chart shows at most: the block's first rows (its tables are sorted, largest first). */
export const CHART_MAX_CATEGORIES = 30;
/** Tasks a Gantt chart shows at most: more bars cannot be read (the table above lists them all). */
export const GANTT_CHART_TASKS = 60;
/** A chart's size in cells, and the column it starts at right of the widest block. */
const CHART_ROWS = 16;
const CHART_COLS = 8;

/** A Gantt grid: one row per plan task, one column per week; cells inside [start, due] are coloured by a rule. */
export interface GanttGrid {
  weeks: string[];
  /** Row index into the plan block's rows; start and due columns of that block. */
  startCol: number;
  dueCol: number;
  lateCol: number;
}

export interface ReviewSheet {
  /** Its role among the product's sheets (`review.stages` …): the mark that finds it again, whatever its name now. */
  role: string;
  name: string;
  title: string;
  titleEn: string;
  blocks: ReviewBlock[];
  gantt?: GanttGrid;
}

const NONE_LABEL = "(未填写)";
const stageNames = [...STAGES.map((s) => STAGE_LABEL[s].zh), UNDETERMINED];
const valueTierNames = [...Object.values(VALUE_TIER_LABEL).map((l) => l.zh), NONE_LABEL];

const WEEK_DAYS = 7;
const MAX_GANTT_WEEKS = 60;

/** The review sheets by role (`review.<key>`) and name, in tab order. */
export const REVIEW_SHEET_NAMES: readonly (readonly [string, string])[] = [
  ["review.stages", `${REVIEW_SHEET_PREFIX}阶段与漏斗`],
  ["review.industry", `${REVIEW_SHEET_PREFIX}行业与负责人`],
  ["review.highValue", `${REVIEW_SHEET_PREFIX}高价值客户`],
  ["review.followUp", `${REVIEW_SHEET_PREFIX}跟进效率`],
  ["review.tiers", `${REVIEW_SHEET_PREFIX}分级与RFM`],
  ["review.plan", `${REVIEW_SHEET_PREFIX}执行计划`],
  ["review.clv", `${REVIEW_SHEET_PREFIX}存活与价值`],
];

/** The stamp under every review sheet's title (row 2), by which a sheet an earlier version wrote is known. */
export const reviewStamp = (asOf: string) => `截至 as of ${asOf} · CRM Workbench`;
export const REVIEW_STAMP = /^截至 as of \d{4}-\d{2}-\d{2} · CRM Workbench$/;

export function reviewSheets(r: ReviewData): ReviewSheet[] {
  const sheet = (role: string, suffix: string, title: string, titleEn: string, blocks: ReviewBlock[]): ReviewSheet => ({ role: `review.${role}`, name: REVIEW_SHEET_PREFIX + suffix, title, titleEn, blocks });
  const asOfNote = `截至 ${r.asOf} · as of ${r.asOf} · 客户 ${r.customers}`;

  const stages = sheet("stages", "阶段与漏斗", "客户阶段分布与转化漏斗", "Stage distribution and funnel", [
    { title: "阶段分布", titleEn: "Customers by stage", header: ["阶段 Stage", "客户数 Customers", "占比 Share"], formats: ["text", "int", "pct"], bar: 1, chart: { kind: "bar", category: 0, series: [1] },
      rows: r.stageCounts.map((s) => [s.stage, s.count, r.customers > 0 ? s.count / r.customers : null]), note: asOfNote },
    // The funnel 潜在 → 意向 → 成交 → 稳定, a stage a row: how many reached it, and the share of the step before.
    { title: "转化漏斗", titleEn: "Funnel conversion", header: ["阶段 Stage", "到达 Reached", "转化率 Rate"], formats: ["text", "int", "pct"], bar: 1,
      chart: { kind: "bar", category: 0, series: [1] },
      rows: r.funnel.length === 0 ? [] : [[r.funnel[0].from, r.funnel[0].reachedFrom, null], ...r.funnel.map((f) => [f.to, f.reachedTo, f.rate])],
      note: "转化率为到达本阶段者占到达上一阶段者之比;流失风险与流失客户计为已到达成交 · rate: of those who reached the stage before; at-risk and churned customers count as having reached 成交" },
    { title: "留存与流失", titleEn: "Retention and churn", header: ["指标 Measure", "数值 Value"], formats: ["text", "pct"],
      rows: [["留存率（成交→稳定） Retention won→stable", r.retention], ["流失率 Churn rate", r.churnRate]] },
    { title: "流失原因 TOP 3", titleEn: "Top 3 churn reasons", header: ["原因 Reason", "客户数 Customers"], formats: ["text", "int"], bar: 1, chart: { kind: "bar", category: 0, series: [1] },
      rows: r.churnReasonsTop3.map((c) => [c.reason, c.count]), note: "每个原因按客户计一次 · each reason counted once per customer" },
    // Stage moves over time (DOMAIN.md section 8a), the as-of month last.
    { title: "月度新增、成交、流失风险与流失", titleEn: "New, won, at risk and churned by month", header: ["月份 Month", "新增 New", "成交 Won", "流失风险 At risk", "流失 Churned"], formats: ["text", "int", "int", "int", "int"],
      chart: { kind: "line", category: 0, series: [1, 2, 3, 4] },
      rows: r.monthly.map((m) => [m.month, m.new, m.won, m.atRisk, m.churned]),
      note: "新增按首次接触时间(无则最早的往来),成交按合作起始时间或首单,流失按终止合作日期或超过流失天数无往来之日;工作簿未写日期时,以及流失风险,按变更历史(CRM变更历史)记录的变动之日 · new by first contact, won by cooperation start or first order, churned by termination date or the day silence passed the churn days; where the book has no date, and for at risk, the day the history sheet recorded the move" +
        (r.monthlyUndated.new + r.monthlyUndated.won + r.monthlyUndated.atRisk + r.monthlyUndated.churned > 0
          ? `;未注明日期未计入:新增 ${r.monthlyUndated.new}、成交 ${r.monthlyUndated.won}、流失风险 ${r.monthlyUndated.atRisk}、流失 ${r.monthlyUndated.churned} · without a date, not counted: new ${r.monthlyUndated.new}, won ${r.monthlyUndated.won}, at risk ${r.monthlyUndated.atRisk}, churned ${r.monthlyUndated.churned}`
          : "") },
  ]);

  const dist = sheet("industry", "行业与负责人", "行业 × 价值分级、负责人 × 阶段", "Industry × value tier, owner × stage", [
    { title: "行业 × 价值分级", titleEn: "Industry by value tier", header: ["行业 Industry", ...valueTierNames, "合计 Total"], formats: ["text", ...valueTierNames.map(() => "int" as const), "int"], bar: valueTierNames.length + 1,
      chart: { kind: "column", category: 0, series: valueTierNames.map((_, i) => i + 1) },
      rows: r.industryByValueTier.map((x) => [x.industry, ...valueTierNames.map((v) => x.counts[v] ?? 0), x.total]) },
    { title: "负责人 × 阶段", titleEn: "Owner by stage", header: ["负责人 Owner", ...stageNames, "合计 Total"], formats: ["text", ...stageNames.map(() => "int" as const), "int"], bar: stageNames.length + 1,
      chart: { kind: "columnStacked", category: 0, series: stageNames.map((_, i) => i + 1) },
      rows: r.ownerByStage.map((x) => [x.owner, ...stageNames.map((s) => x.counts[s] ?? 0), x.total]) },
  ]);

  const hv = r.highValue;
  const highValue = sheet("highValue", "高价值客户", "高价值客户（年采购额超过阈值）", "High-value customers", [
    { title: "按行业", titleEn: "By industry", header: ["行业 Industry", "客户数 Customers"], formats: ["text", "int"], bar: 1, chart: { kind: "column", category: 0, series: [1] }, rows: hv.byIndustry.map((x) => [x.key, x.count]),
      note: `年采购额 > ${hv.threshold / 10_000} 万元 · annual purchase over ${hv.threshold} yuan · 共 ${hv.count}` },
    { title: "按规模", titleEn: "By size", header: ["规模 Size", "客户数 Customers"], formats: ["text", "int"], bar: 1, chart: { kind: "column", category: 0, series: [1] }, rows: hv.bySize.map((x) => [x.key, x.count]) },
  ]);

  const f = r.followUp;
  const followUp = sheet("followUp", "跟进效率", "跟进效率", "Follow-up efficiency", [
    { title: "总体", titleEn: "Overall", header: ["指标 Measure", "数值 Value"], formats: ["text", "num1"],
      rows: [["维护记录 Interactions", f.interactions], ["人均跟进次数 Follow-ups per customer", f.perCustomer], ["跟进任务 Tasks", f.tasks], ["已完成 Done", f.tasksDone],
        ["逾期任务 Overdue tasks", f.overdueTasks], ["跟进逾期客户 Customers overdue", f.overdueFollowUps]] },
    { title: "任务完成率", titleEn: "Task completion rate", header: ["指标 Measure", "数值 Value"], formats: ["text", "pct"], rows: [["完成率 Completion rate", f.completionRate]] },
    { title: "按负责人", titleEn: "By owner", header: ["负责人 Owner", "客户 Customers", "维护记录 Interactions", "人均 Per customer", "任务 Tasks", "已完成 Done", "完成率 Rate", "逾期 Overdue"],
      formats: ["text", "int", "int", "num1", "int", "int", "pct", "int"], bar: 2, chart: { kind: "column", category: 0, series: [2, 4, 5] },
      rows: f.byOwner.map((o) => [o.owner, o.customers, o.interactions, o.customers > 0 ? o.interactions / o.customers : null, o.tasks, o.done, o.tasks > 0 ? o.done / o.tasks : null, o.overdue]) },
  ]);

  const tiers = sheet("tiers", "分级与RFM", "评分等级与 RFM 分群", "Score tiers and RFM segments", [
    { title: "评分等级", titleEn: "Score tiers", header: ["等级 Tier", "客户数 Customers"], formats: ["text", "int"], bar: 1, chart: { kind: "column", category: 0, series: [1] }, rows: r.tierCounts.map((t) => [t.tier, t.count]) },
    { title: "RFM 分群", titleEn: "RFM segments", header: ["分群 Segment", "Segment", "客户数 Customers"], formats: ["text", "text", "int"], bar: 2, chart: { kind: "bar", category: 0, series: [2] }, rows: r.rfmSegmentCounts.map((s) => [s.segment, s.segmentEn, s.count]) },
    // Recency down, frequency across: where the customers sit, darker where more of them are.
    { title: "R × F 分布", titleEn: "Recency × frequency", header: ["R \\ F", "F1", "F2", "F3", "F4", "F5"], formats: ["text", "int", "int", "int", "int", "int"], heat: true,
      rows: r.rfmGrid.map((g) => [`R${g.r}`, ...g.counts]), note: "R、F 为 1–5 分,5 为最近 / 最频繁 · scores 1–5, 5 the most recent / most frequent" },
  ]);

  const clv = clvSheet(r, sheet);

  const p = r.plan;
  const planBlock: ReviewBlock = {
    title: "执行计划", titleEn: "Execution plan", header: ["任务 Task", "策略 Strategy", "负责人 Owner", "开始 Start", "截止 Due", "完成 Done on", "状态 Status", "延误 Late", "工期(天) Days"],
    formats: ["text", "text", "text", "date", "date", "date", "text", "text", "int"],
    rows: p.gantt.map((g) => [g.task, g.strategy, g.owner, g.start, g.due, g.completedOn, g.status ? (TASK_STATUS_LABEL[g.status as TaskStatus]?.zh ?? g.status) : null, g.late ? "是" : null, spanDays(g.start, g.due)]),
    // The Gantt chart: a bar from each task's start (an invisible first series of start dates) for its days.
    chart: { kind: "gantt", category: 0, series: [3, 8], below: true, maxRows: GANTT_CHART_TASKS },
    note: `完成 ${p.done}/${p.tasks} · 完成率 ${p.completionRate === null ? "—" : (p.completionRate * 100).toFixed(1) + "%"} · 逾期未完成 ${p.overdue}`,
  };
  const plan: ReviewSheet = { ...sheet("plan", "执行计划", "执行计划完成情况与甘特图", "Execution plan progress and Gantt view", [planBlock]), gantt: ganttGrid(r) };
  return [stages, dist, highValue, followUp, tiers, plan, clv];
}

/**
 * Churn probability and lifetime value (DOMAIN.md section 8b): the two fits, customers by P(alive), and the customers
 * most likely lost among those the day-count rules still call active. Without a fit, its reason stands in its place.
 */
function clvSheet(r: ReviewData, sheet: (role: string, suffix: string, title: string, titleEn: string, blocks: ReviewBlock[]) => ReviewSheet): ReviewSheet {
  const { bgnbd: b, gammaGamma: g } = r.clv;
  const why = (zh: string | null, en: string | null) => `未拟合 · not fitted:${zh ?? ""} · ${en ?? ""}`;
  const fitBlock: ReviewBlock = {
    title: "购买次数模型 BG/NBD", titleEn: "Purchase model (BG/NBD)", header: ["参数 Parameter", "估计值 Estimate"], formats: ["text", "num4"],
    rows: b.r === null ? [] : [["r", b.r], ["α(天 days)", b.alpha], ["α(周 weeks)", b.alphaWeeks], ["a", b.a], ["b", b.b], ["对数似然 Log-likelihood", b.logLikelihood]],
    note: b.r === null
      ? why(b.reason, b.reasonEn)
      : `已收敛 · converged · 时间单位:天 · 有订单的客户 ${b.customers},其中复购 ${b.repeatCustomers} · ${b.customers} customers with orders, ${b.repeatCustomers} bought again · 预计期限 ${b.horizonDays} 天 · horizon ${b.horizonDays} days`,
  };
  const spendBlock: ReviewBlock = {
    title: "消费模型 Gamma-Gamma", titleEn: "Spend model (Gamma-Gamma)", header: ["参数 Parameter", "估计值 Estimate"], formats: ["text", "num4"],
    rows: g.p === null ? [] : [["p", g.p], ["q", g.q], ["γ", g.gamma], ["单次购买的平均预计价值 Mean value of a purchase", g.meanValue], ["复购次数与客单价的相关系数 Correlation of purchases and value", g.frequencyValueCorrelation]],
    note: g.p === null
      ? why(g.reason, g.reasonEn)
      : `拟合于 ${g.customers} 位有金额的复购客户;模型假设购买次数与客单价无关(相关系数接近 0 时适用) · fitted on ${g.customers} repeat customers with amounts; the model assumes purchases and value unrelated (fit when the correlation is near 0)`,
  };
  const bins = r.clv.pAliveBins.map((count, k): ReviewCell[] => [`${k * 10}–${(k + 1) * 10}%`, count]);
  const histogram: ReviewBlock = {
    title: "存活概率分布", titleEn: "Customers by P(alive)", header: ["存活概率 P(alive)", "客户数 Customers"], formats: ["text", "int"], bar: 1, chart: { kind: "column", category: 0, series: [1] },
    rows: b.r === null ? [] : bins, note: "存活概率:客户仍会再次购买(尚未流失)的概率 · P(alive): the chance the customer has not yet left for good",
  };
  const lost: ReviewBlock = {
    title: "可能已流失的“活跃”客户", titleEn: "Likely lost, though the rules still call them active",
    header: ["客户编号 ID", "客户名称 Name", "阶段 Stage", "负责人 Owner", "存活概率 P(alive)", "复购次数 Repeat purchases", "距上次购买(天) Days since last", `预计价值(${b.horizonDays}天) Expected value`],
    formats: ["text", "text", "text", "text", "pct", "int", "int", "money"],
    rows: r.clv.likelyLost.map((c) => [c.id, c.name, c.stage, c.owner, c.pAlive, c.repeatPurchases, c.daysSinceLastPurchase, c.clv]),
    note: b.r === null ? why(b.reason, b.reasonEn)
      : `阶段规则仍视为活跃(非流失风险、非流失)而存活概率低于 50% 的客户共 ${r.clv.likelyLostCount} 位${r.clv.likelyLostCount > r.clv.likelyLost.length ? `,列出最低的 ${r.clv.likelyLost.length} 位` : ""} · ${r.clv.likelyLostCount} customers the stage rules call active have P(alive) under 50 %${r.clv.likelyLostCount > r.clv.likelyLost.length ? `; the lowest ${r.clv.likelyLost.length} listed` : ""}`,
  };
  return sheet("clv", "存活与价值", "存活概率与客户价值(BG/NBD + Gamma-Gamma)", "Churn probability and customer value (BG/NBD + Gamma-Gamma)", [fitBlock, spendBlock, histogram, lost]);
}

/** Days from start to due, at least one (a task due the day it starts still shows); null without both dates. */
function spanDays(start: string | null, due: string | null): number | null {
  if (!start || !due) return null;
  return Math.max(1, toDay(due) - toDay(start));
}

/** Week columns spanning every task's start to due (Mondays), capped so the sheet stays printable. */
function ganttGrid(r: ReviewData): GanttGrid | undefined {
  const days: number[] = [];
  for (const g of r.plan.gantt) for (const d of [g.start, g.due]) if (d) days.push(Date.parse(d) / 86_400_000);
  if (days.length === 0) return undefined;
  // Loops, not Math.min(...days): a plan of 100,000 tasks is more arguments than a call can take.
  let min = Infinity;
  let max = -Infinity;
  for (const d of days) {
    if (d < min) min = d;
    if (d > max) max = d;
  }
  // 1970-01-01 was a Thursday: day 4 is the first Monday.
  const firstMonday = min - ((((min - 4) % WEEK_DAYS) + WEEK_DAYS) % WEEK_DAYS);
  const weeks: string[] = [];
  for (let d = firstMonday; d <= max && weeks.length < MAX_GANTT_WEEKS; d += WEEK_DAYS) weeks.push(formatDay(d));
  return { weeks, startCol: 3, dueCol: 4, lateCol: 7 };
}

// ── the sheet as a grid of cells (the same layout for every file writer) ──

/** How a grid cell looks; each writer maps these to its own styles. */
export type GridStyle = "title" | "subtitle" | "blockTitle" | "header" | "cell" | "note" | "plain" | "ganttTitle" | "week";

export interface GridCell {
  row: number;
  col: number;
  /** Text or number; a date (`YYYY-MM-DD`) when `date` is set. */
  value: string | number | null;
  style: GridStyle;
  /** Number format of a table cell (text cells have none). */
  format?: ReviewFormat;
  date?: boolean;
}

/** A cell range of one column, 1-based: the rows top to bottom. */
export interface GridColumnRange {
  col: number;
  top: number;
  bottom: number;
}

/** A block's chart placed on the sheet: every range it reads, the values there now (its cache), its anchor. */
export interface GridChart {
  kind: BlockChart["kind"];
  title: string;
  categories: GridColumnRange & { values: string[] };
  /** Each series' values as numbers; a date column's as days since 1970-01-01 (each writer makes its own serials). */
  series: (GridColumnRange & { name: string; nameRow: number; format: ReviewFormat; values: (number | null)[] })[];
  /** A Gantt chart's first start (days since 1970-01-01), where its date axis begins; null when no task has one. */
  axisFrom: number | null;
  /** Top-left cell of the chart and the cell just past its bottom-right corner (1-based). */
  from: { col: number; row: number };
  to: { col: number; row: number };
}

export interface ReviewGrid {
  cells: GridCell[];
  /** The blocks' charts, right of the widest block, each level with its block or below the chart before. */
  charts: GridChart[];
  /** Ranges whose counts get a data bar (from zero to the largest), e.g. `B6:B12`. */
  dataBars: string[];
  /** Ranges shaded by a two-colour scale (HEAT_LOW at the smallest, HEAT_HIGH at the largest). */
  colorScales: string[];
  /** Column widths in characters, by 1-based column. */
  widths: Map<number, number>;
  /** The Gantt grid's conditional format: the range, and the late and on-time rules (late first). */
  gantt?: { ref: string; late: string; span: string };
}

/** The data bars' colour, and the colour scale's ends. */
export const DATA_BAR = "FF5B9BD5";
export const HEAT_LOW = "FFF2F7FC";
export const HEAT_HIGH = "FF2F5597";

/** The Gantt grid's fills: late tasks, and the others. */
export const GANTT_LATE = "FFFF7C80";
export const GANTT_ON_TIME = "FF5B9BD5";

export const REVIEW_FORMATS: Record<ReviewFormat, string | undefined> = { int: "#,##0", pct: "0.0%", num1: "#,##0.0", num4: "0.0000", money: "#,##0.00", date: "yyyy-mm-dd", text: undefined };

/** A cell as a chart's number: numbers as they are, a date (`YYYY-MM-DD`) as days since 1970-01-01, else none. */
function chartNumber(v: ReviewCell, format: ReviewFormat): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (format === "date" && typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)) return toDay(v);
  return null;
}

/** Lays out one review sheet: title, as-of line, each titled table with its bar column and note, the Gantt grid. */
export function reviewGrid(s: ReviewSheet, asOf: string): ReviewGrid {
  const cells: GridCell[] = [];
  const put = (row: number, col: number, value: string | number | null, style: GridStyle, extra: Partial<GridCell> = {}) => cells.push({ row, col, value, style, ...extra });
  put(1, 1, `${s.title} · ${s.titleEn}`, "title");
  put(2, 1, reviewStamp(asOf), "subtitle");
  let r = 4;
  let maxCols = 1;
  let planTop = 0;
  /** Each block's title row and its last row (data, "no data" or note). */
  const placed: { b: ReviewBlock; top: number; end: number }[] = [];
  const dataBars: string[] = [];
  const colorScales: string[] = [];
  for (const b of s.blocks) {
    if (b === s.blocks[s.blocks.length - 1] && s.gantt) planTop = r + 1;
    const at = { b, top: r, end: 0 };
    placed.push(at);
    put(r, 1, `${b.title} ${b.titleEn}`, "blockTitle");
    b.header.forEach((h, i) => put(r + 1, i + 1, h, "header"));
    b.rows.forEach((row, i) => {
      row.forEach((v, c) => put(r + 2 + i, c + 1, v, "cell", { format: b.formats[c], date: b.formats[c] === "date" && typeof v === "string" }));
    });
    if (b.heat && b.rows.length > 0) colorScales.push(`B${r + 2}:${columnLetter(b.header.length)}${r + 1 + b.rows.length}`);
    if (b.bar !== undefined && b.rows.length > 0) dataBars.push(`${columnLetter(b.bar + 1)}${r + 2}:${columnLetter(b.bar + 1)}${r + 1 + b.rows.length}`);
    let last = r + 1 + b.rows.length;
    if (b.rows.length === 0) put(++last, 1, "（无数据 no data）", "plain");
    if (b.note) put(++last, 1, b.note, "note");
    at.end = last;
    maxCols = Math.max(maxCols, b.header.length);
    r = last + 2;
  }
  const widths = new Map<number, number>();
  for (let c = 1; c <= maxCols; c++) widths.set(c, c === 1 ? 30 : 14);
  const charts: GridChart[] = [];
  let chartRow = 0;
  for (const { b, top, end } of placed) {
    const ch = b.chart;
    if (!ch || b.rows.length === 0) continue; // no range to read: a chart of nothing
    const n = Math.min(b.rows.length, ch.maxRows ?? CHART_MAX_CATEGORIES);
    const first = top + 2;
    const row = ch.below ? end + 2 : Math.max(top, chartRow);
    const col = ch.below ? 1 : maxCols + 2;
    const height = ch.below ? Math.max(CHART_ROWS, n + 6) : CHART_ROWS;
    const capped = n < b.rows.length ? ` (前 ${n} 项 first ${n})` : "";
    const series = ch.series.map((c) => ({
      col: c + 1, top: first, bottom: first + n - 1, name: b.header[c], nameRow: top + 1, format: b.formats[c],
      values: b.rows.slice(0, n).map((x) => chartNumber(x[c], b.formats[c])),
    }));
    // A loop, not Math.min(...): a long plan is more arguments than a call takes.
    let axisFrom = Infinity;
    if (ch.kind === "gantt") for (const d of series[0].values) if (d !== null && d < axisFrom) axisFrom = d;
    charts.push({
      kind: ch.kind,
      title: `${b.title} ${b.titleEn}${capped}`,
      categories: { col: ch.category + 1, top: first, bottom: first + n - 1, values: b.rows.slice(0, n).map((x) => (x[ch.category] === null ? "" : String(x[ch.category]))) },
      series,
      axisFrom: Number.isFinite(axisFrom) ? axisFrom : null,
      from: { col, row },
      to: { col: col + CHART_COLS + (ch.below ? 2 : 0), row: row + height },
    });
    if (!ch.below) chartRow = row + CHART_ROWS + 1;
  }
  let gantt: ReviewGrid["gantt"];
  if (s.gantt && planTop > 0) {
    const g = s.gantt;
    const plan = s.blocks[s.blocks.length - 1];
    const first = plan.header.length + 2;
    g.weeks.forEach((w, i) => {
      put(planTop, first + i, w, "week", { date: true });
      widths.set(first + i, 3.2);
    });
    put(planTop - 1, first, "甘特图（按周） Gantt by week", "ganttTitle");
    if (plan.rows.length > 0 && g.weeks.length > 0) {
      const top = planTop + 1;
      const bottom = planTop + plan.rows.length;
      const W = columnLetter(first);
      const S = columnLetter(g.startCol + 1);
      const D = columnLetter(g.dueCol + 1);
      const late = columnLetter(g.lateCol + 1);
      const span = `AND(ISNUMBER($${S}${top}),ISNUMBER($${D}${top}),${W}$${planTop}<=$${D}${top},${W}$${planTop}+6>=$${S}${top})`;
      gantt = { ref: `${W}${top}:${columnLetter(first + g.weeks.length - 1)}${bottom}`, late: `AND(${span},$${late}${top}="是")`, span };
    }
  }
  return { cells, charts, dataBars, colorScales, widths, gantt };
}
