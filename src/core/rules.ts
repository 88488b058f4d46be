// Every threshold, weight and cadence of DOMAIN.md under a stable key, and the workbook's `CRM规则` table
// that overrides them (section 9). A bad value is a BAD_RULE finding and the default stays in force.
import { parseMoney, parseNumber, parsePercent, cellText, isBlank, normalizeText } from "./parse";
import type { CellValue } from "./types";

type RuleKind = "int" | "number" | "fraction" | "money" | "breaks" | "choice";

interface RuleDef {
  key: string;
  value: number | number[] | string | null;
  kind: RuleKind;
  /** The values a "choice" rule takes. */
  choices?: readonly string[];
  min?: number;
  max?: number;
  zh: string;
  en: string;
}

const r = (key: string, value: RuleDef["value"], kind: RuleKind, zh: string, en: string, min?: number, max?: number): RuleDef => ({ key, value, kind, zh, en, min, max });

/** The defaults, in the order the rules sheet lists them. */
export const RULE_DEFS: readonly RuleDef[] = [
  r("stage.churnDays", 90, "int", "超过多少天无业务往来判定为流失客户", "Days without business contact before a customer is churned", 1, 3650),
  r("stage.riskNoOrderDays", 30, "int", "超过多少天未下单(且未回应关怀)为流失风险", "Days without an order (and no response to care) before at risk", 1, 3650),
  r("stage.dropRecentDays", 30, "int", "互动下降:近期窗口天数", "Interaction drop: recent window (days)", 1, 365),
  r("stage.dropBaselineDays", 90, "int", "互动下降:对比的前期窗口天数", "Interaction drop: baseline window before it (days)", 1, 730),
  r("stage.dropRatio", 0.5, "fraction", "互动频次下降比例阈值", "Interaction drop that signals risk", 0.01, 1),
  r("stage.competitorDays", 90, "int", "竞品接触记录的有效天数", "Days a competitor mention stays relevant", 1, 3650),
  r("stage.stableOrders", 2, "int", "稳定客户:近3个月订单数下限", "Stable: orders in the last 3 months (at least)", 1, 1000),
  r("stage.stableMonths", 3, "int", "稳定客户:订单统计的月数", "Stable: months counted for orders", 1, 24),
  r("stage.stableRepurchase", 0.8, "fraction", "稳定客户:近6个月复购率下限", "Stable: 6-month repurchase rate (at least)", 0, 1),
  r("stage.stableSatisfaction", 4.5, "number", "稳定客户:满意度下限(5分制)", "Stable: satisfaction (at least, 0–5)", 0, 5),
  r("coop.churnDays", 365, "int", "合作阶段:超过多少天无合作为流失", "Cooperation stage: days without cooperation before 流失", 1, 3650),
  r("weight.spend6m", 0.25, "fraction", "权重:近6个月消费金额", "Weight: spend in the last 6 months", 0, 1),
  r("weight.tenure", 0.15, "fraction", "权重:合作时长", "Weight: tenure", 0, 1),
  r("weight.margin", 0.1, "fraction", "权重:毛利率贡献", "Weight: margin", 0, 1),
  r("weight.interactions", 0.15, "fraction", "权重:最近互动频次", "Weight: interaction frequency", 0, 1),
  r("weight.complaints", 0.1, "fraction", "权重:投诉率(反向)", "Weight: complaint rate (lower is better)", 0, 1),
  r("weight.usage", 0.1, "fraction", "权重:产品使用深度", "Weight: usage depth", 0, 1),
  r("weight.growth", 0.08, "fraction", "权重:所属行业增长率", "Weight: industry growth", 0, 1),
  r("weight.sizeFit", 0.07, "fraction", "权重:企业规模匹配度", "Weight: size fit", 0, 1),
  r("score.clipLow", 0.05, "fraction", "标准化:下截尾分位", "Normalisation: lower clipping percentile", 0, 0.5),
  r("score.clipHigh", 0.95, "fraction", "标准化:上截尾分位", "Normalisation: upper clipping percentile", 0.5, 1),
  { key: "tier.mode", value: "quantile", kind: "choice", choices: ["quantile", "threshold"], zh: "评分等级划分方式:quantile 按比例(默认),threshold 按固定分数线", en: "How score tiers are cut: quantile = by share (default), threshold = fixed score bands" },
  r("tier.shareStrategic", 0.05, "fraction", "按比例:战略客户占比(评分最高的)", "By share: strategic tier, the top share of scores", 0, 1),
  r("tier.shareKey", 0.15, "fraction", "按比例:重点客户占比(其次)", "By share: key tier, the next share", 0, 1),
  r("tier.shareRegular", 0.3, "fraction", "按比例:普通客户占比(再次;其余为观察客户)", "By share: regular tier, the next share (the rest is watch)", 0, 1),
  r("tier.strategic", 90, "number", "固定分数线:战略客户评分下限", "Fixed bands: strategic tier, score at least", 0, 100),
  r("tier.key", 70, "number", "固定分数线:重点客户评分下限", "Fixed bands: key tier, score at least", 0, 100),
  r("tier.regular", 50, "number", "固定分数线:普通客户评分下限", "Fixed bands: regular tier, score at least", 0, 100),
  r("value.strategic", 1_000_000, "money", "价值层级:战略客户年采购额下限(元)", "Value tier strategic: annual purchase at least (CNY)", 0),
  r("value.key", 500_000, "money", "价值层级:重点客户年采购额下限(元)", "Value tier key: annual purchase at least (CNY)", 0),
  r("closeness.tight", 2, "number", "紧密型:月均互动次数下限", "Close: interactions per month at least", 0),
  r("closeness.stable", 1, "number", "稳定型:月均互动次数下限", "Steady: interactions per month at least", 0),
  r("closeness.months", 3, "int", "紧密度:统计最近几个月", "Closeness: months averaged", 1, 24),
  r("tag.inactiveMonths", 3, "int", "待激活:多少个月无互动", "To reactivate: months without interaction", 1, 24),
  r("tag.loyalYears", 3, "number", "忠诚客户:合作年限下限", "Loyal: tenure in years at least", 0, 100),
  r("tag.potentialTop", 0.2, "fraction", "高潜力:潜力得分前百分比", "High potential: top share of potential score", 0.01, 1),
  r("cadence.A", 7, "int", "A类客户跟进周期(天)", "Follow-up cadence for grade A (days)", 1, 365),
  r("cadence.B", 14, "int", "B类客户跟进周期(天)", "Follow-up cadence for grade B (days)", 1, 365),
  r("cadence.C", 30, "int", "C类客户跟进周期(天)", "Follow-up cadence for grade C (days)", 1, 365),
  r("warn.retentionDays", 7, "int", "W2:进入流失风险后启动挽留的期限(天)", "W2: days to start retention after becoming at risk", 1, 365),
  r("warn.wonNoOrderMonths", 3, "int", "W3:成交客户多少个月无订单预警", "W3: months without an order for a won customer", 1, 36),
  r("warn.recoveryDays", 15, "int", "W7:观察客户制定挽回计划的期限(天)", "W7: days to make a recovery plan for a watch-tier customer", 1, 365),
  r("remind.contractDays", 30, "int", "合同到期提前提醒天数", "Contract end: remind this many days ahead", 0, 365),
  r("remind.renewalDays", 30, "int", "续约提前提醒天数(无提前天数时)", "Renewal: remind this many days ahead (when no lead days given)", 0, 365),
  r("review.highValue", 100_000, "money", "高价值客户:年消费额超过(元)", "High-value customers: annual spend above (CNY)", 0),
  r("rfm.windowDays", 0, "int", "RFM分析窗口天数(0=全部订单)", "RFM analysis window in days (0 = all orders)", 0, 36500),
  r("rfm.rBreaks", null, "breaks", "RFM:R的四个分界(天,可留空)", "RFM: four recency breaks in days (blank = quintiles)"),
  r("rfm.fBreaks", null, "breaks", "RFM:F的四个分界(次,可留空)", "RFM: four frequency breaks (blank = quintiles)"),
  r("rfm.mBreaks", null, "breaks", "RFM:M的四个分界(元,可留空)", "RFM: four monetary breaks in CNY (blank = quintiles)"),
  r("bgnbd.horizonDays", 90, "int", "存活概率模型:预计购买次数与预计价值的期限(天)", "Churn model (BG/NBD): horizon of expected purchases and value (days)", 1, 3650),
  r("bgnbd.minRepeat", 20, "int", "存活概率模型:拟合所需的复购客户数下限", "Churn model (BG/NBD): customers with a repeat purchase needed to fit", 5, 10_000_000),
];

/** The rules in force: numbers by key, breaks as four numbers or null. */
export interface Rules {
  num(key: string): number;
  /** A "choice" rule's value. */
  text(key: string): string;
  breaks(key: string): number[] | null;
  /** Keys whose value came from the workbook. */
  overridden: ReadonlySet<string>;
}

const DEF_BY_KEY = new Map(RULE_DEFS.map((d) => [d.key.toLowerCase(), d]));

export function ruleDef(key: string): RuleDef | undefined {
  return DEF_BY_KEY.get(key.toLowerCase());
}

export function makeRules(overrides: Record<string, number | number[] | string | null> = {}): Rules {
  const values = new Map<string, number | number[] | string | null>();
  for (const d of RULE_DEFS) values.set(d.key, d.value);
  const overridden = new Set<string>();
  for (const [k, v] of Object.entries(overrides)) {
    const d = ruleDef(k);
    if (!d) throw new Error(`unknown rule key ${k}`);
    values.set(d.key, v);
    overridden.add(d.key);
  }
  return {
    num(key) {
      const v = values.get(key);
      if (typeof v !== "number") throw new Error(`rule ${key} is not a number`);
      return v;
    },
    text(key) {
      const v = values.get(key);
      if (typeof v !== "string") throw new Error(`rule ${key} is not a choice`);
      return v;
    },
    breaks(key) {
      const v = values.get(key);
      return Array.isArray(v) ? v : null;
    },
    overridden,
  };
}

export const DEFAULT_RULES = makeRules();

/** Why a rules-table value was refused (becomes a BAD_RULE finding). */
export interface RuleProblem {
  /** Index of the row in the rules table. */
  index: number;
  key: string;
  raw: string;
  reasonZh: string;
  reasonEn: string;
  /** The problem is in the key cell (unknown key) rather than the value cell. */
  inKey: boolean;
}

/** Reads key/value rows of the rules table into Rules; every refused row is a problem, never an exception. */
export function readRules(rows: readonly { key: CellValue; value: CellValue }[]): { rules: Rules; problems: RuleProblem[] } {
  const overrides: Record<string, number | number[] | string | null> = {};
  const problems: RuleProblem[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    if (isBlank(row.key)) return;
    const key = normalizeText(cellText(row.key));
    const raw = cellText(row.value);
    const def = ruleDef(key);
    if (!def) {
      problems.push({ index, key, raw, inKey: true, reasonZh: `未知参数“${key}”,已忽略`, reasonEn: `unknown key "${key}", ignored` });
      return;
    }
    if (seen.has(def.key)) {
      problems.push({ index, key, raw, inKey: true, reasonZh: `参数“${def.key}”重复,只采用第一处`, reasonEn: `key "${def.key}" is repeated; the first one is used` });
      return;
    }
    seen.add(def.key);
    if (isBlank(row.value)) {
      if (def.kind !== "breaks") problems.push({ index, key, raw, inKey: false, reasonZh: "值为空,使用默认值", reasonEn: "the value is blank; the default is used" });
      return;
    }
    const v = readRuleValue(def, row.value);
    if ("zh" in v) problems.push({ index, key, raw, inKey: false, reasonZh: v.zh, reasonEn: v.en });
    else overrides[def.key] = v.value;
  });
  // Weights are normalised later, but all-zero weights cannot be: refuse them here.
  const weights = RULE_DEFS.filter((d) => d.key.startsWith("weight."));
  const sum = weights.reduce((s, d) => s + (typeof overrides[d.key] === "number" ? (overrides[d.key] as number) : (d.value as number)), 0);
  if (sum <= 0) {
    for (const d of weights) delete overrides[d.key];
    problems.push({ index: -1, key: "weight.*", raw: "0", inKey: false, reasonZh: "所有权重均为0,恢复默认权重", reasonEn: "all weights are zero; the default weights are used" });
  }
  const tierOrder = ["tier.regular", "tier.key", "tier.strategic"].map((k) => (overrides[k] as number | undefined) ?? (ruleDef(k)!.value as number));
  if (!(tierOrder[0] <= tierOrder[1] && tierOrder[1] <= tierOrder[2])) {
    for (const k of ["tier.regular", "tier.key", "tier.strategic"]) delete overrides[k];
    problems.push({ index: -1, key: "tier.*", raw: tierOrder.join(","), inKey: false, reasonZh: "评分等级阈值须满足 普通 ≤ 重点 ≤ 战略,恢复默认值", reasonEn: "tier thresholds must satisfy regular ≤ key ≤ strategic; defaults used" });
  }
  const shares = ["tier.shareStrategic", "tier.shareKey", "tier.shareRegular"];
  const shareSum = shares.reduce((s, k) => s + ((overrides[k] as number | undefined) ?? (ruleDef(k)!.value as number)), 0);
  if (shareSum > 1 + 1e-9) {
    for (const k of shares) delete overrides[k];
    problems.push({ index: -1, key: "tier.share*", raw: String(Math.round(shareSum * 1000) / 1000), inKey: false, reasonZh: "战略、重点、普通客户占比之和超过 100%,恢复默认值", reasonEn: "the strategic, key and regular shares add up to more than 100%; defaults used" });
  }
  return { rules: makeRules(overrides), problems };
}

type RuleRead = { value: number | number[] | string } | { zh: string; en: string };

function readRuleValue(def: RuleDef, v: CellValue): RuleRead {
  const text = cellText(v);
  if (def.kind === "choice") {
    const t = normalizeText(text).trim().toLowerCase();
    const alias: Record<string, string> = { 按比例: "quantile", 比例: "quantile", 分位: "quantile", 按分数线: "threshold", 分数线: "threshold", 固定分数线: "threshold" };
    const hit = def.choices?.find((c) => c === t) ?? alias[t];
    return hit ? { value: hit } : { zh: `应为 ${def.choices?.join(" 或 ")}`, en: `must be ${def.choices?.join(" or ")}` };
  }
  if (def.kind === "breaks") {
    const nums = text.split(/[,，;；、\s]+/).filter((x) => x !== "").map(Number);
    if (nums.length !== 4 || nums.some((n) => !Number.isFinite(n))) return { zh: "应为四个数字,如 30,60,90,180", en: "expected four numbers, e.g. 30,60,90,180" };
    for (let i = 1; i < 4; i++) if (!(nums[i] > nums[i - 1])) return { zh: "四个分界须严格递增", en: "the four breaks must increase strictly" };
    return { value: nums };
  }
  const p = def.kind === "money" ? parseMoney(v) : def.kind === "fraction" ? parsePercent(v, { min: -Infinity, max: Infinity }) : parseNumber(v);
  if (!p.ok) return { zh: `“${text}”不是有效的${KIND_ZH[def.kind]}`, en: `"${text}" is not a valid ${KIND_EN[def.kind]}` };
  const n = p.value;
  if (def.kind === "int" && !Number.isInteger(n)) return { zh: "应为整数", en: "must be a whole number" };
  if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) {
    return { zh: `取值应在 ${def.min ?? "-∞"} 到 ${def.max ?? "∞"} 之间`, en: `must lie between ${def.min ?? "-∞"} and ${def.max ?? "∞"}` };
  }
  return { value: n };
}

const KIND_ZH: Record<RuleKind, string> = { int: "整数", number: "数字", fraction: "比例", money: "金额", breaks: "分界", choice: "选项" };
const KIND_EN: Record<RuleKind, string> = { int: "whole number", number: "number", fraction: "fraction or percent", money: "amount", breaks: "list of breaks", choice: "choice" };
