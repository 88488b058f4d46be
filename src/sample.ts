// A deterministic sample workbook: a Chinese SME's CRM kept the way real teams keep it (DOMAIN.md sections 1–2).
// Seeded PRNG (mulberry32), no clock: the as-of date is a parameter and the same options give the same model.
// Customers are spread over the six lifecycle stages by construction (DOMAIN.md section 4, default rules), and
// with `mistakes` a dozen or so genuine mistakes are injected and listed so tests can check the engine finds them.
import { a1, columnLetter } from "./core/schema";
import { addMonths, dayFromYmd, formatDay, serialFromDay, toDay, ymdFromDay } from "./core/dates";
import type { CellValue, Day, FindingCode, SheetModel, WorkbookModel } from "./core/types";

export interface SampleOptions {
  /** Number of customers (default 400). */
  customers?: number;
  seed?: number;
  /** `YYYY-MM-DD`: the day the workbook is "looked at"; every date is placed relative to it. */
  asOf?: string;
  /** Inject the mistakes listed in `SampleWorkbook.mistakes` (default true). */
  mistakes?: boolean;
}

/** One injected mistake: the finding code the engine should report, where, and what was done. */
export interface InjectedMistake {
  code: FindingCode;
  sheet: string;
  /** `Sheet!B7` of the cell the finding points at. */
  address: string;
  description: string;
}

/** The lifecycle stage a customer was built to be in, as of the sample's as-of date. */
export interface IntendedStage {
  id: string;
  name: string;
  sheet: string;
  row: number;
  /** Chinese stage label as the engine reports it (潜在客户 … 流失客户). */
  stage: string;
  /** How the stage was built (e.g. `atRisk.negativeFeedback`), for messages. */
  design: string;
}

export interface SampleWorkbook {
  model: WorkbookModel;
  mistakes: InjectedMistake[];
  intended: IntendedStage[];
  asOf: string;
}

export const SAMPLE_DEFAULTS = { customers: 400, seed: 20241126, asOf: "2024-11-26", mistakes: true } as const;

export const SHEETS = {
  customers: "客户",
  /** The team's 客户关系分类表 for the same customers (DOMAIN.md section 1: merged with the 周期表 by 客户编号). */
  classification: "客户分类表",
  interactions: "维护记录",
  orders: "订单",
  tasks: "跟进任务",
  keyDates: "关键节点",
  plan: "执行计划",
  rules: "CRM规则",
} as const;

/** The sample's workbook model (see `generateSample` for the injected mistakes and the intended stages). */
export function generateSampleWorkbook(opts: SampleOptions = {}): WorkbookModel {
  return generateSample(opts).model;
}

/** The mistakes `generateSampleWorkbook` injects for these options. */
export function injectedMistakes(opts: SampleOptions = {}): InjectedMistake[] {
  return generateSample(opts).mistakes;
}

// ── randomness ──────────────────────────────────────────────────────────────

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(xs: readonly (readonly [T, number])[]): T {
    const total = xs.reduce((s, x) => s + x[1], 0);
    let r = this.next() * total;
    for (const [v, w] of xs) {
      if ((r -= w) < 0) return v;
    }
    return xs[xs.length - 1][0];
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  }
}

// ── vocabulary ──────────────────────────────────────────────────────────────

const CITIES: readonly { city: string; codes: readonly string[] }[] = [
  { city: "上海", codes: ["310115", "310104", "310112"] },
  { city: "北京", codes: ["110105", "110108", "110106"] },
  { city: "深圳", codes: ["440305", "440306", "440307"] },
  { city: "广州", codes: ["440106", "440111"] },
  { city: "杭州", codes: ["330106", "330110"] },
  { city: "苏州", codes: ["320505", "320506", "320583"] },
  { city: "南京", codes: ["320105", "320115"] },
  { city: "成都", codes: ["510107", "510116"] },
  { city: "武汉", codes: ["420106", "420111"] },
  { city: "宁波", codes: ["330212", "330206"] },
  { city: "东莞", codes: ["441900"] },
  { city: "佛山", codes: ["440604", "440606"] },
  { city: "无锡", codes: ["320214", "320211"] },
  { city: "合肥", codes: ["340104", "340111"] },
  { city: "青岛", codes: ["370212", "370211"] },
  { city: "厦门", codes: ["350206", "350211"] },
  { city: "天津", codes: ["120116", "120104"] },
  { city: "重庆", codes: ["500112", "500108"] },
  { city: "西安", codes: ["610113", "610131"] },
  { city: "长沙", codes: ["430104", "430111"] },
];

const BRAND_1 = "恒鑫华博瑞金众远宏德天嘉新创兴聚卓汇明安永盛凯诺和长中信泰隆".split("");
const BRAND_2 = "达源丰通联成辉力科拓信泰顺昌盈晟发茂祥宇航腾美佳润森睿恩福".split("");

interface Industry {
  label: string;
  words: readonly string[];
  /** Industry growth rate in percent points, the base of 所属行业增长率. */
  growth: number;
}

const INDUSTRIES: readonly (readonly [Industry, number])[] = [
  [{ label: "制造业", words: ["精密机械", "五金制品", "电子科技", "汽车零部件", "包装材料", "模具"], growth: 4.6 }, 26],
  [{ label: "零售业", words: ["商贸", "百货", "连锁超市", "贸易"], growth: 2.8 }, 16],
  [{ label: "服务业", words: ["企业管理咨询", "物业服务", "人力资源", "广告传媒"], growth: 5.2 }, 12],
  [{ label: "IT", words: ["网络科技", "软件技术", "信息技术", "数据科技"], growth: 11.5 }, 12],
  [{ label: "医药", words: ["医药", "医疗器械", "生物科技", "大药房"], growth: 7.9 }, 9],
  [{ label: "物流", words: ["物流", "供应链管理", "国际货运代理", "速运"], growth: 6.1 }, 9],
  [{ label: "教育", words: ["教育科技", "文化传播", "职业培训"], growth: -1.8 }, 6],
  [{ label: "餐饮", words: ["餐饮管理", "食品"], growth: 3.4 }, 5],
  [{ label: "建筑", words: ["建设工程", "装饰工程", "建材"], growth: -3.2 }, 5],
];

type SizeClass = "micro" | "medium" | "large" | "person";
const SIZE_TEXT: Record<SizeClass, readonly string[]> = {
  micro: ["小微企业", "小型", "20人以下", "20-50人"],
  medium: ["中型企业", "中型", "100-300人", "50-200人"],
  large: ["大型企业", "大型", "1000人以上", "500-1000人"],
  person: ["个人"],
};
/** Typical order value in yuan, by size. */
const ORDER_BASE: Record<SizeClass, readonly [number, number]> = { micro: [3_000, 18_000], medium: [15_000, 80_000], large: [40_000, 160_000], person: [800, 6_000] };

const SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文".split("");
const GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "建华", "志强", "海燕", "晓东", "雪梅", "国庆", "建国", "文静", "婷婷", "俊杰", "丹", "鹏", "浩", "亮", "红梅", "志明", "春燕", "宇", "欣怡", "子豪", "佳琪", "立新"];
const TITLES = ["经理", "总", "主任", "工", "姐", "老师"];
const OWNERS = ["王磊", "李娜", "张强", "刘洋", "陈静", "赵敏", "孙浩", "周婷"];
const SOURCES: readonly (readonly [string, number])[] = [
  ["官网咨询", 14], ["老客户转介绍", 18], ["展会", 14], ["电话营销", 10], ["百度推广", 9], ["抖音", 6], ["合作伙伴推荐", 12], ["招投标", 6], ["地推", 5], ["阿里巴巴", 6],
];

// Interaction contents with the method they go with. PROSPECT lines carry no interest signal
// (演示/试用/报价/需求/方案/预算), CARE lines no competitor word: the stage rules read these words.
type Line = readonly [content: string, method: string];
const PROSPECT_LINES: readonly Line[] = [
  ["首次电话沟通,介绍公司及主营产品", "电话沟通"], ["发送公司介绍和成功案例", "邮件往来"], ["添加企业微信,保持联系", "微信沟通"], ["展会交换名片,初步认识", "展会接洽"],
  ["邀请关注公众号并发送产品手册", "微信沟通"], ["电话未接通,已发短信留言", "电话沟通"], ["客户表示近期暂无采购计划,稍后再联系", "电话沟通"], ["寄送样册和宣传资料", "快递寄送"],
];
const INTEREST_LINES: readonly Line[] = [
  ["上门演示产品功能,客户技术负责人参加", "线下拜访"], ["客户要求提供报价单", "电话沟通"], ["发送定制化解决方案", "邮件往来"], ["开通试用账号,指导试用", "线上会议"],
  ["沟通采购预算和时间节点", "线下拜访"], ["确认需求清单并安排技术交流", "线上会议"], ["线上demo演示,客户反馈较好", "线上会议"], ["报价后跟进,客户在内部走审批", "电话沟通"],
];
const CARE_LINES: readonly Line[] = [
  ["季度回访,了解使用情况", "电话沟通"], ["售后回访,确认到货及安装情况", "电话沟通"], ["节日问候,寄送礼盒", "节日祝福"], ["邀请参加新品发布会", "活动邀请"],
  ["电话沟通下季度采购计划", "电话沟通"], ["上门拜访,与采购负责人面谈", "线下拜访"], ["发送对账单并确认回款", "邮件往来"], ["产品培训,讲解新功能", "线下拜访"],
  ["满意度回访", "电话沟通"], ["协助处理发票问题", "微信沟通"], ["邀请参加客户答谢会", "活动邀请"], ["微信发送新品资料", "微信沟通"], ["技术支持,远程排查设备问题", "电话沟通"],
];
const NEGATIVE_LINES: readonly Line[] = [
  ["客户反映交付延迟,表示不满", "电话沟通"], ["投诉售后响应慢,要求给出书面说明", "电话沟通"], ["客户对价格调整有异议,暂停下单", "线下拜访"], ["客户抱怨产品故障频繁", "电话沟通"],
  ["催款沟通,客户态度冷淡", "电话沟通"], ["客户表示预算收紧,近期不再采购", "线下拜访"],
];
const COMPETITOR_LINES: readonly Line[] = [
  ["客户透露正在接触竞品,对方价格低约15%", "线下拜访"], ["竞争对手上门拜访,客户在比价", "电话沟通"], ["客户询问能否对标竞品价格", "微信沟通"], ["客户试用了竞争对手的产品", "线下拜访"],
];
const CHURN_SURVEY_LINES: readonly Line[] = [["流失回访,了解终止合作原因", "电话沟通"], ["电话回访,客户已转用其他供应商", "电话沟通"]];
const CHURN_REASONS: readonly (readonly [string, number])[] = [
  ["价格因素", 30], ["服务响应慢", 18], ["转向竞争对手", 20], ["需求变化", 14], ["产品质量问题", 10], ["公司经营困难", 8], ["对接人离职", 6],
];
const NEUTRAL_NOTES = ["需开增值税专票", "月结30天", "老板亲自对接", "春节前集中备货", "对交期要求高", "偏好微信沟通", "通过代理商下单", "付款周期较长", "有集团采购流程"];

type Stage = "prospect" | "interested" | "won" | "stable" | "atRisk" | "churned";
const STAGE_ZH: Record<Stage, string> = { prospect: "潜在客户", interested: "意向客户", won: "成交客户", stable: "稳定客户", atRisk: "流失风险客户", churned: "流失客户" };
/** How teams write the stage: the full label or a short form. */
const STAGE_WRITTEN: Record<Stage, readonly string[]> = {
  prospect: ["潜在客户", "潜在", "潜在客户"],
  interested: ["意向客户", "意向", "意向客户"],
  won: ["成交客户", "成交", "已成交"],
  stable: ["稳定客户", "稳定", "稳定客户"],
  atRisk: ["流失风险客户", "流失风险", "流失预警"],
  churned: ["流失客户", "流失", "已流失"],
};
/** Share of customers per stage. */
const STAGE_SHARE: readonly (readonly [Stage, number])[] = [
  ["prospect", 0.15], ["interested", 0.15], ["won", 0.18], ["stable", 0.27], ["atRisk", 0.1], ["churned", 0.15],
];

// ── GB 32100-2015 USCC and GB 11714 organisation code ───────────────────────

const USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The check character of the first 17 USCC characters. */
export function usccCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_CHARS[(31 - (sum % 31)) % 31];
}

function orgCode(rng: Rng): string {
  // Post-2015 registrations read MA…; older ones are digits. Letters take 10–35 (A=10) in GB 11714.
  const body = rng.chance(0.5) ? "MA" + Array.from({ length: 6 }, () => rng.pick(USCC_CHARS.split(""))).join("") : Array.from({ length: 8 }, () => String(rng.int(0, 9))).join("");
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body[i];
    const v = ch >= "0" && ch <= "9" ? Number(ch) : ch.charCodeAt(0) - 55;
    sum += v * ORG_WEIGHTS[i];
  }
  const c = 11 - (sum % 11);
  return body + (c === 10 ? "X" : c === 11 ? "0" : String(c));
}

function makeUscc(rng: Rng, region: string): string {
  const first17 = "91" + region + orgCode(rng);
  return first17 + usccCheckChar(first17);
}

// ── cell formats ────────────────────────────────────────────────────────────

type DateStyle = "serial" | "js" | "slash" | "cn" | "iso" | "dot";

const pad2 = (n: number) => String(n).padStart(2, "0");

/** A date (and optional time) written in one of the styles found in real sheets. */
function dateCell(day: Day, style: DateStyle, minutes: number | null = null): CellValue {
  const { year, month, day: dd } = ymdFromDay(day);
  const hm = minutes === null ? "" : ` ${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
  switch (style) {
    case "serial":
      return serialFromDay(day) + (minutes === null ? 0 : minutes / 1440);
    case "js":
      return new Date(Date.UTC(year, month - 1, dd, minutes === null ? 0 : Math.floor(minutes / 60), minutes === null ? 0 : minutes % 60));
    case "slash":
      return `${year}/${month}/${dd}${hm}`;
    case "cn":
      return `${year}年${month}月${dd}日${hm}`;
    case "iso":
      return `${year}-${pad2(month)}-${pad2(dd)}${hm}`;
    case "dot":
      return `${year}.${month}.${dd}`;
  }
}

const CUSTOMER_DATE_STYLES: readonly (readonly [DateStyle, number])[] = [["serial", 55], ["js", 10], ["slash", 15], ["cn", 10], ["iso", 7], ["dot", 3]];
const DETAIL_DATE_STYLES: readonly (readonly [DateStyle, number])[] = [["serial", 60], ["slash", 15], ["iso", 12], ["cn", 10], ["js", 3]];
const TIME_STYLES: readonly (readonly [DateStyle, number])[] = [["serial", 40], ["iso", 25], ["slash", 20], ["cn", 10], ["js", 5]];

/** An amount in yuan written the way people type it (whole hundreds, so 万 with two decimals is exact). */
function amountCell(rng: Rng, yuan: number): CellValue {
  const r = rng.float();
  if (r < 0.7) return yuan;
  if (r < 0.8) return thousands(yuan);
  if (r < 0.9 && yuan >= 10_000) return `${trimZeros((yuan / 10_000).toFixed(2))}万`;
  if (r < 0.95) return `¥${thousands(yuan)}`;
  return `${yuan}元`;
}

/** `12,000` (locale-independent). */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

// ── the customers' histories ────────────────────────────────────────────────

interface Interaction {
  cust: number;
  day: Day;
  minutes: number | null;
  method: string;
  content: string;
  feedback: string | null;
  /** What the cell shows when it differs from `day` (an injected typo). */
  timeCell?: CellValue;
}

interface Order {
  cust: number;
  day: Day;
  /** Yuan; NaN for an unreadable amount. */
  amount: number;
  amountCell?: CellValue;
  idCell?: string;
  nameCell?: string;
}

interface Customer {
  index: number;
  id: string;
  name: string;
  person: boolean;
  contact: string | null;
  channel: string;
  industry: Industry;
  size: SizeClass;
  sizeText: string;
  uscc: string | null;
  source: string;
  owner: string;
  firstContact: Day;
  stage: Stage;
  design: string;
  recorded: string;
  stageEntered: Day;
  tags: string;
  potential: string | null;
  grade: string | null;
  coopStart: Day | null;
  margin: CellValue;
  satisfaction: CellValue;
  complaints: CellValue;
  usage: CellValue;
  growth: CellValue;
  sizeFit: CellValue;
  contractEnd: Day | null;
  birthday: Day | null;
  churnReason: string | null;
  terminated: Day | null;
  notes: string | null;
  /** Cells replaced by an injected mistake, by header. */
  override: Record<string, CellValue>;
  /** The same in the 分类表. */
  classOverride: Partial<Record<ClassificationHeader, CellValue>>;
}

interface Task {
  cust: number;
  task: string;
  created: Day;
  due: Day;
  action: string;
  problem: string | null;
  status: string;
  review: string | null;
  churnReason: string | null;
}

interface KeyDate {
  cust: number;
  type: string;
  date: Day;
  lead: number | null;
  note: string | null;
}

/** The customers sheet's header, in column order. */
export const CUSTOMER_HEADERS = [
  "客户编号", "客户名称(*公司/个人)", "联系人(*)", "联系方式(*)", "行业", "企业规模", "统一社会信用代码", "客户来源", "首次触达时间", "当前周期阶段", "进入阶段时间",
  "客户状态标签", "负责人", "潜力等级(A/B/C)", "客户等级(A/B/C)", "合作起始时间", "毛利率", "满意度", "投诉次数", "产品使用深度", "所属行业增长率",
  "企业规模匹配度", "合同到期日", "生日/周年庆", "流失原因", "终止合作日期", "备注",
] as const;
type CustomerHeader = (typeof CUSTOMER_HEADERS)[number];

/**
 * The 客户关系分类表's header (the 分类表 seed's fields): the customers who have cooperated, with their value tier,
 * cooperation stage and the 年度采购总额 the value tier is read from. 行业属性 repeats the 周期表's 行业.
 */
export const CLASSIFICATION_HEADERS = ["客户编号", "客户名称", "行业属性", "客户价值层级", "当前合作阶段", "年度采购总额(万元)"] as const;
type ClassificationHeader = (typeof CLASSIFICATION_HEADERS)[number];

const CUSTOMER_TITLE_ROWS = 2; // the merged title row and a blank row above the header
const CUSTOMER_HEADER_ROW = CUSTOMER_TITLE_ROWS + 1;

export function generateSample(opts: SampleOptions = {}): SampleWorkbook {
  const nCustomers = Math.max(6, Math.floor(opts.customers ?? SAMPLE_DEFAULTS.customers));
  const seed = opts.seed ?? SAMPLE_DEFAULTS.seed;
  const asOf = opts.asOf ?? SAMPLE_DEFAULTS.asOf;
  const withMistakes = opts.mistakes ?? SAMPLE_DEFAULTS.mistakes;
  const D = toDay(asOf);
  const rng = new Rng(seed);

  // ── stage quotas (every stage at least once), shuffled into the rows ──
  const quota = STAGE_SHARE.map(([s, share]) => [s, Math.max(1, Math.round(share * nCustomers))] as [Stage, number]);
  let assigned = quota.reduce((s, q) => s + q[1], 0);
  while (assigned > nCustomers) {
    const big = quota.reduce((a, b) => (b[1] > a[1] ? b : a));
    big[1]--;
    assigned--;
  }
  quota.find((q) => q[0] === "stable")![1] += nCustomers - assigned;
  const stages = rng.shuffle(quota.flatMap(([s, k]) => new Array<Stage>(k).fill(s)));

  const customers: Customer[] = [];
  const interactions: Interaction[] = [];
  const orders: Order[] = [];
  const tasks: Task[] = [];
  const keyDates: KeyDate[] = [];
  const usedNames = new Set<string>();
  const idWidth = Math.max(3, String(nCustomers).length);

  const minutesOfDay = () => rng.int(8 * 60 + 30, 18 * 60 + 30);
  const feedbackOf = (kind: "intro" | "interest" | "care" | "negative" | "competitor"): string | null => {
    switch (kind) {
      case "intro":
        return rng.weighted<string | null>([["中性", 45], ["积极", 25], ["消极", 10], [null, 15], ["一般", 5]]);
      case "interest":
        return rng.weighted<string | null>([["积极", 60], ["中性", 35], ["正面", 5]]);
      case "care":
        return rng.weighted<string | null>([["积极", 52], ["中性", 38], ["消极", 6], [null, 4]]);
      case "negative":
        return rng.weighted<string | null>([["消极", 90], ["负面", 10]]);
      case "competitor":
        return rng.weighted<string | null>([["中性", 60], ["消极", 40]]);
    }
  };

  for (let i = 0; i < nCustomers; i++) {
    const stage = stages[i];
    const industry = rng.weighted(INDUSTRIES);
    const person = rng.chance(0.05) && (industry.label === "零售业" || industry.label === "服务业" || industry.label === "餐饮");
    const size: SizeClass = person ? "person" : rng.weighted<SizeClass>([["micro", 45], ["medium", 38], ["large", 17]]);
    const cityInfo = rng.pick(CITIES);
    const contactName = rng.pick(SURNAMES) + (rng.chance(0.25) ? rng.pick(TITLES) : rng.pick(GIVEN));
    let name = "";
    for (let attempt = 0; attempt < 50 && (name === "" || usedNames.has(name)); attempt++) {
      if (person) name = rng.pick(SURNAMES) + rng.pick(GIVEN) + (rng.chance(0.5) ? "(个体户)" : "");
      else {
        const brand = rng.pick(BRAND_1) + rng.pick(BRAND_2);
        const suffix = size === "large" && rng.chance(0.4) ? "股份有限公司" : "有限公司";
        name = `${cityInfo.city}${brand}${rng.pick(industry.words)}${suffix}`;
      }
    }
    if (usedNames.has(name)) name = `${name}(${i + 1})`;
    usedNames.add(name);

    const c: Customer = {
      index: i, id: "", name, person, contact: contactName, channel: maskedChannel(rng), industry, size, sizeText: rng.pick(SIZE_TEXT[size]),
      uscc: person || rng.chance(0.12) ? null : makeUscc(rng, rng.pick(cityInfo.codes)), source: rng.weighted(SOURCES), owner: rng.pick(OWNERS),
      firstContact: D, stage, design: "", recorded: rng.pick(STAGE_WRITTEN[stage]), stageEntered: D, tags: "", potential: null, grade: null, coopStart: null,
      margin: null, satisfaction: null, complaints: null, usage: null, growth: null, sizeFit: null, contractEnd: null, birthday: null, churnReason: null,
      terminated: null, notes: rng.chance(0.25) ? rng.pick(NEUTRAL_NOTES) : null, override: {}, classOverride: {},
    };
    // Industry growth and size fit describe the company, whatever its stage.
    const growth = Math.round((industry.growth + (rng.float() - 0.5) * 4) * 10) / 10;
    c.growth = rng.chance(0.8) ? `${growth}%` : Math.round(growth * 10) / 1000;
    c.sizeFit = Math.round((size === "large" ? 0.75 + rng.float() * 0.25 : size === "medium" ? 0.6 + rng.float() * 0.35 : 0.35 + rng.float() * 0.4) * 100) / 100;
    c.potential = rng.weighted([["A", size === "large" ? 4 : 1], ["B", 3], ["C", size === "micro" || size === "person" ? 3 : 1]]) + rng.weighted([["", 6], ["类", 2], ["级", 1]]);

    const custInter: Interaction[] = [];
    const days = new Set<Day>();
    const addInter = (day: Day, kind: "intro" | "interest" | "care" | "negative" | "competitor" | "survey", feedback?: string | null): Interaction | null => {
      if (days.has(day) || day > D) return null;
      days.add(day);
      const lines = kind === "intro" ? PROSPECT_LINES : kind === "interest" ? INTEREST_LINES : kind === "care" ? CARE_LINES : kind === "negative" ? NEGATIVE_LINES : kind === "competitor" ? COMPETITOR_LINES : CHURN_SURVEY_LINES;
      const [content, method] = rng.pick(lines);
      const x: Interaction = {
        cust: i, day, minutes: minutesOfDay(), method, content,
        feedback: feedback !== undefined ? feedback : feedbackOf(kind === "survey" ? "care" : kind),
      };
      custInter.push(x);
      return x;
    };
    /** Contacts every `gap` days (jittered) over [from, to]: sales talks before the first purchase, care after it. */
    const careSeries = (from: Day, to: Day, gap: [number, number]) => {
      for (let d = from + rng.int(0, gap[1]); d <= to; d += rng.int(gap[0], gap[1])) addInter(d, c.coopStart !== null && d < c.coopStart ? "interest" : "care");
    };
    const custOrders: Day[] = [];
    /** Orders backwards from `last` every `gap` days while on or after `from`. */
    const orderSeries = (last: Day, from: Day, gap: [number, number]) => {
      for (let d = last; d >= from; d -= rng.int(gap[0], gap[1])) custOrders.push(d);
    };
    const gradeGap = (): [number, number] => (size === "large" ? [7, 16] : size === "medium" ? [10, 24] : [16, 38]);
    const yearAgo = D - 365;
    const ledgerFrom = D - 730;

    switch (stage) {
      case "prospect": {
        c.firstContact = D - rng.int(3, 150);
        c.stageEntered = c.firstContact;
        c.design = "prospect.basicInfo";
        const k = rng.int(0, 3);
        for (let j = 0; j < k; j++) addInter(c.firstContact + rng.int(0, Math.max(0, D - c.firstContact)), "intro");
        c.tags = rng.pick(["新线索", "待跟进", "", "初次接触", "资料已发送", ""]);
        c.grade = rng.chance(0.5) ? "C" : null;
        break;
      }
      case "interested": {
        c.firstContact = D - rng.int(15, 240);
        const span = D - c.firstContact;
        const signal = rng.weighted([["content", 5], ["tag", 3], ["both", 2]] as const);
        c.design = `interested.${signal}`;
        const intros = rng.int(1, 2);
        for (let j = 0; j < intros; j++) addInter(c.firstContact + rng.int(0, Math.floor(span / 3)), "intro");
        let firstInterest = c.firstContact + rng.int(Math.floor(span / 3), span);
        if (signal !== "tag") {
          const k = rng.int(1, 4);
          let added = 0;
          for (let j = 0; j < k || added === 0; j++) {
            const d = c.firstContact + rng.int(Math.floor(span / 3), span);
            if (addInter(d, "interest")) {
              firstInterest = Math.min(firstInterest, d);
              added++;
            }
          }
        } else {
          for (let j = rng.int(0, 2); j > 0; j--) addInter(c.firstContact + rng.int(Math.floor(span / 3), span), "intro");
        }
        c.tags = signal === "content" ? rng.pick(["已沟通", "", "待回复", "资料已发送"]) : rng.pick(["意向", "有需求", "高意向", "意向强烈、待报价", "有需求、价格敏感"]);
        c.stageEntered = Math.max(c.firstContact, Math.min(firstInterest, D));
        c.grade = rng.chance(0.6) ? rng.pick(["B", "C"]) : null;
        break;
      }
      case "won": {
        const v = rng.weighted([["new", 4], ["quiet", 3], ["sparse", 3]] as const);
        c.design = `won.${v}`;
        if (v === "new") {
          custOrders.push(D - rng.int(1, 28));
          c.coopStart = custOrders[0] - rng.int(0, 5);
        } else if (v === "quiet") {
          custOrders.push(D - rng.int(35, 85));
          if (rng.chance(0.4)) custOrders.push(custOrders[0] - rng.int(100, 200));
          c.coopStart = Math.min(...custOrders) - rng.int(0, 10);
        } else {
          c.coopStart = D - rng.int(400, 1200);
          // At most one order in any 3-month window and at most two in six months: not stable.
          orderSeries(D - rng.int(1, 85), Math.max(c.coopStart, ledgerFrom), [95, 150]);
        }
        c.firstContact = c.coopStart - rng.int(10, 120);
        c.stageEntered = v === "sparse" ? Math.max(...custOrders) : Math.min(...custOrders);
        careSeries(Math.max(c.firstContact, yearAgo), D - 1, v === "sparse" ? [20, 40] : [10, 25]);
        c.tags = rng.pick(["新成交", "首单客户", "待回访", "价格敏感", "", ""]);
        break;
      }
      case "stable": {
        c.coopStart = D - rng.int(150, 1500);
        c.firstContact = c.coopStart - rng.int(10, 150);
        c.design = "stable.recentOrders";
        // The last order within 25 days and gaps of at most 45 days: at least two orders in the last 3 months.
        orderSeries(D - rng.int(0, 25), Math.max(c.coopStart, ledgerFrom), [12, 45]);
        c.stageEntered = Math.max(c.coopStart + 90, custOrders[Math.min(1, custOrders.length - 1)]);
        careSeries(Math.max(c.firstContact, yearAgo), D - 1, gradeGap());
        c.tags = rng.pick(["老客户", "VIP", "复购稳定", "月结客户", "老客户、VIP", "价格敏感", ""]);
        break;
      }
      case "atRisk": {
        const v = rng.weighted([["negativeFeedback", 55], ["competitor", 25], ["interactionDrop", 20]] as const);
        c.design = `atRisk.${v}`;
        c.coopStart = D - rng.int(150, 1200);
        c.firstContact = c.coopStart - rng.int(10, 120);
        const start = Math.max(c.firstContact, yearAgo);
        if (v === "negativeFeedback") {
          // Last order 35–80 days ago and the latest care contact answered 消极.
          const last = D - rng.int(35, 80);
          orderSeries(last, Math.max(c.coopStart, ledgerFrom), [15, 50]);
          const neg = D - rng.int(2, 30);
          careSeries(start, neg - 3, gradeGap());
          addInter(neg, "negative");
          c.stageEntered = Math.min(D, last + 31);
        } else if (v === "competitor") {
          orderSeries(D - rng.int(1, 40), Math.max(c.coopStart, ledgerFrom), [15, 50]);
          careSeries(start, D - 1, gradeGap());
          const when = D - rng.int(3, 60);
          let hit = addInter(when, "competitor");
          for (let d = when - 1; !hit; d--) hit = addInter(d, "competitor");
          c.stageEntered = hit!.day;
          if (rng.chance(0.3)) c.tags = "竞品接触";
        } else {
          // Regular contact until a month ago, then silence: interactions fell by more than half.
          orderSeries(D - rng.int(3, 60), Math.max(c.coopStart, ledgerFrom), [15, 50]);
          careSeries(start, D - 31, [7, 20]);
          for (let d = D - 35; d > D - 120 && custInter.filter((x) => x.day > D - 120 && x.day <= D - 30).length < 3; d -= 9) addInter(d, "care");
          c.stageEntered = D - 30;
        }
        if (c.tags === "") c.tags = rng.pick(["需关注", "回款慢", "价格敏感", "", ""]);
        break;
      }
      case "churned": {
        const v = rng.weighted([["terminated", 4], ["noContact", 6]] as const);
        c.design = `churned.${v}`;
        c.coopStart = D - rng.int(300, 1500);
        c.firstContact = c.coopStart - rng.int(10, 120);
        c.churnReason = v === "terminated" || rng.chance(0.6) ? rng.weighted(CHURN_REASONS) : null;
        if (v === "terminated") {
          const t = D - rng.int(15, 300);
          c.terminated = t;
          orderSeries(t - rng.int(0, 60), Math.max(c.coopStart, ledgerFrom), [20, 60]);
          if (custOrders.length === 0) custOrders.push(Math.max(c.coopStart, t - 30));
          careSeries(Math.max(c.firstContact, yearAgo), t, [15, 35]);
          if (rng.chance(0.5)) addInter(Math.min(D, t + rng.int(5, 30)), "survey");
          c.stageEntered = t;
          c.tags = rng.pick(["终止合作", "已流失", "", "终止合作、价格敏感"]);
        } else {
          const last = D - rng.int(100, 480);
          c.coopStart = Math.min(c.coopStart, last - rng.int(0, 30));
          c.firstContact = Math.min(c.firstContact, c.coopStart - 10);
          orderSeries(last, Math.max(c.coopStart, ledgerFrom), [20, 80]);
          // Nothing in the last 90 days: no order, no interaction.
          careSeries(Math.max(c.firstContact, yearAgo), Math.min(last + rng.int(0, 60), D - 91), [20, 45]);
          const lastContact = Math.max(last, ...custInter.map((x) => x.day));
          c.stageEntered = Math.min(D, lastContact + 91);
          c.tags = rng.pick(["沉睡", "长期未下单", "", ""]);
        }
        break;
      }
    }

    // Bought and still active: the latest care contact got an answer and contact did not fall off.
    if (stage === "won" || stage === "stable" || (stage === "atRisk" && c.design === "atRisk.competitor")) {
      const recent = () => custInter.filter((x) => x.day > D - 30).length;
      const base = () => custInter.filter((x) => x.day > D - 120 && x.day <= D - 30).length;
      while (recent() <= base() / 6 + 1e-9) addInter(D - rng.int(1, 29), "care", rng.pick(["积极", "中性"]));
      if (stage !== "atRisk") {
        const latest = custInter.reduce((a, b) => (b.day > a.day ? b : a));
        if (latest.feedback !== "积极" && latest.feedback !== "中性") latest.feedback = rng.pick(["积极", "中性"]);
      }
    }

    // Customer-row facts of bought customers.
    if (c.coopStart !== null) {
      const base = ORDER_BASE[size];
      const typical = rng.int(base[0], base[1]);
      for (const d of custOrders) orders.push({ cust: i, day: d, amount: Math.max(100, Math.round((typical * (0.6 + rng.float() * 0.8)) / 100) * 100) });
      const marginPct = rng.int(8, 42);
      c.margin = rng.weighted<CellValue>([[`${marginPct}%`, 6], [marginPct / 100, 3], [marginPct, 1]]);
      // A won customer who bought before and once lately has a 100 % repeat rate (DOMAIN.md section 4): below 4.5
      // satisfaction it stays 成交, not 稳定.
      const sat = stage === "stable" ? 4 + rng.float() : stage === "won" ? 3.5 + rng.float() * 0.9 : stage === "atRisk" ? 2.5 + rng.float() * 1.5 : 2 + rng.float() * 2;
      const s1 = Math.round(sat * 10) / 10;
      c.satisfaction = rng.weighted<CellValue>([[s1, 7], [`${Math.round(sat)}分`, 2], [`${s1}/5`, 1]]);
      const complaints = stage === "atRisk" || stage === "churned" ? rng.int(0, 4) : rng.weighted([[0, 6], [1, 3], [2, 1]]);
      c.complaints = complaints > 0 && rng.chance(0.3) ? `${complaints}次` : complaints;
      const usage = stage === "stable" ? rng.int(55, 98) : stage === "churned" ? rng.int(5, 50) : rng.int(20, 85);
      c.usage = rng.chance(0.75) ? `${usage}%` : usage / 100;
      c.grade = rng.weighted([["A", size === "large" || stage === "stable" ? 4 : 1], ["B", 4], ["C", stage === "churned" || size === "micro" ? 3 : 1]]);
      if (stage !== "churned") c.contractEnd = D + rng.weighted([[rng.int(1, 30), 1], [rng.int(31, 365), 6]]);
      else c.contractEnd = rng.chance(0.5) ? D - rng.int(10, 300) : null;
    }
    if (rng.chance(0.35)) {
      // The contact's birthday or the company's anniversary; a few fall on the as-of day.
      const { month, day } = ymdFromDay(rng.chance(0.03) ? D : D + rng.int(0, 364));
      const year = rng.chance(0.6) ? rng.int(1968, 1996) : rng.int(2003, 2020);
      const d = dayFromYmd(year, month, day);
      c.birthday = Number.isNaN(d) ? dayFromYmd(year, month, 28) : d;
    }

    c.id = `CRM${ymdFromDay(c.firstContact).year}${String(i + 1).padStart(idWidth, "0")}`;
    customers.push(c);
    interactions.push(...custInter);

    // Follow-up tasks and key dates.
    const lastOrderDay = custOrders.length ? Math.max(...custOrders) : NaN;
    addTasks(rng, c, lastOrderDay, D, tasks);
    addKeyDates(rng, c, D, keyDates);
  }

  // ── mistakes (their own random stream, so the clean data is the same with and without them) ──
  const mistakes: InjectedMistake[] = [];
  // Sheet rows of detail entries, known once the detail sheets are sorted (mistake addresses are resolved then).
  let interactionRow = new Map<Interaction, number>();
  let orderRow = new Map<Order, number>();
  let classificationRow = new Map<number, number>();
  const orderAddress = (o: Order, header: (typeof ORDER_HEADERS)[number]) => a1(SHEETS.orders, orderRow.get(o) ?? 0, ORDER_HEADERS.indexOf(header) + 1);
  const interactionAddress = (x: Interaction, header: (typeof INTERACTION_HEADERS)[number]) => a1(SHEETS.interactions, interactionRow.get(x) ?? 0, INTERACTION_HEADERS.indexOf(header) + 1);
  const mrng = new Rng(seed ^ 0x5bd1e995);
  const pending: { code: FindingCode; sheet: string; locate: () => string; description: string }[] = [];
  let blankAfter = -1;
  let badRule = false;
  if (withMistakes) {
    const taken = new Set<number>();
    const pickCustomer = (ok: (c: Customer) => boolean): Customer | null => {
      const pool = customers.filter((c) => !taken.has(c.index) && ok(c));
      if (pool.length === 0) return null;
      const c = mrng.pick(pool);
      taken.add(c.index);
      return c;
    };
    const custCell = (c: Customer, header: CustomerHeader) => () => a1(SHEETS.customers, customerRow(c.index, blankAfter), CUSTOMER_HEADERS.indexOf(header) + 1);
    const inject = (code: FindingCode, c: Customer | null, header: CustomerHeader, value: CellValue, description: string) => {
      if (!c) return;
      c.override[header] = value;
      pending.push({ code, sheet: SHEETS.customers, locate: custCell(c, header), description: `${c.id} ${description}` });
    };

    const phone = `1${mrng.pick(["38", "39", "58", "86", "37"])}${String(mrng.int(0, 99_999_999)).padStart(8, "0")}`;
    inject("UNMASKED_PHONE", pickCustomer(() => true), "联系方式(*)", mrng.chance(0.5) ? phone : `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`, "联系方式写了完整手机号 / a full mobile number in the contact channel");

    const withUscc = pickCustomer((c) => c.uscc !== null);
    if (withUscc && withUscc.uscc) {
      const good = withUscc.uscc;
      const bad = good.slice(0, 17) + USCC_CHARS[(USCC_CHARS.indexOf(good[17]) + 1 + mrng.int(0, 29)) % 31];
      inject("BAD_USCC", withUscc, "统一社会信用代码", bad, "统一社会信用代码校验位错误 / USCC with a wrong check character");
    }

    // A prospect registered twice under the ID of the row above (copy–paste): it keeps no detail rows.
    const dup = pickCustomer((c) => c.stage === "prospect" && c.index > 0);
    if (dup) {
      const above = customers[dup.index - 1];
      removeDetails(dup.index, interactions, tasks, keyDates);
      inject("DUPLICATE_ID", dup, "客户编号", above.id, `客户编号与上一行重复 / customer ID repeated from the row above (${above.id})`);
      dup.id = above.id;
    }

    const badMonth = pickCustomer((c) => c.stage === "stable");
    if (badMonth) inject("BAD_DATE", badMonth, "进入阶段时间", `${ymdFromDay(D).year}/13/${mrng.int(1, 28)}`, "进入阶段时间月份为13 / stage-entered date with month 13");

    const enumCust = pickCustomer((c) => c.stage === "interested");
    if (enumCust) inject("BAD_ENUM", enumCust, "当前周期阶段", "跟进中", "当前周期阶段写成“跟进中” / stage written as 跟进中 (not a stage)");

    inject("REQUIRED_MISSING", pickCustomer(() => true), "联系人(*)", null, "联系人为空 / contact person missing");

    const outOfRange = pickCustomer((c) => c.stage === "won");
    if (outOfRange) inject("OUT_OF_RANGE", outOfRange, "满意度", 8, "满意度按10分制填成8 / satisfaction 8 on a 5-point scale");

    const naCust = pickCustomer((c) => c.stage === "stable" || c.stage === "won");
    if (naCust) {
      naCust.classOverride["年度采购总额(万元)"] = { error: "#N/A" };
      pending.push({
        code: "CELL_ERROR", sheet: SHEETS.classification, locate: () => a1(SHEETS.classification, classificationRow.get(naCust.index) ?? 0, CLASSIFICATION_HEADERS.indexOf("年度采购总额(万元)") + 1),
        description: `${naCust.id} 年度采购总额是 VLOOKUP 的 #N/A / #N/A from a failed VLOOKUP in annual purchase`,
      });
    }

    const orderCust = pickCustomer((c) => c.stage === "won");
    if (orderCust) {
      const before = orderCust.firstContact - mrng.int(20, 60);
      inject("DATE_ORDER", orderCust, "进入阶段时间", dateCell(before, "slash"), "进入阶段时间早于首次触达时间 / stage entered before first contact");
    }

    // Stage not updated: a churned customer still recorded as 稳定客户, an at-risk one as 稳定.
    const staleChurned = pickCustomer((c) => c.design === "churned.noContact");
    if (staleChurned) inject("STAGE_STALE", staleChurned, "当前周期阶段", "稳定客户", "客户已3个月无往来,阶段仍记为稳定客户 / no contact for 3 months, stage still 稳定客户");
    const staleRisk = pickCustomer((c) => c.design === "atRisk.negativeFeedback");
    if (staleRisk) inject("STAGE_STALE", staleRisk, "当前周期阶段", "稳定", "客户反馈消极且30天未下单,阶段仍记为稳定 / negative feedback, no order for 30 days, stage still 稳定");

    // Detail-table mistakes on stable customers (extra rows that leave every stage fact unchanged).
    const orderDays = new Map<number, Day[]>();
    for (const o of orders) {
      const ds = orderDays.get(o.cust);
      if (ds) ds.push(o.day);
      else orderDays.set(o.cust, [o.day]);
    }
    const stableOrders = (c: Customer) => (orderDays.get(c.index) ?? []).slice().sort((a, b) => a - b);
    const refundCust = pickCustomer((c) => c.stage === "stable" && stableOrders(c).length >= 3);
    if (refundCust) {
      const ds = stableOrders(refundCust);
      const o: Order = { cust: refundCust.index, day: ds[ds.length - 2], amount: NaN, amountCell: mrng.chance(0.5) ? -3_500 : "-3,500" };
      orders.push(o);
      pending.push({ code: "NEGATIVE_AMOUNT", sheet: SHEETS.orders, locate: () => orderAddress(o, "金额(元)"), description: `${refundCust.id} 退货记成负数金额 / a refund booked as a negative order amount` });
    }
    const vagueCust = pickCustomer((c) => c.stage === "stable" && stableOrders(c).length >= 3);
    if (vagueCust) {
      const ds = stableOrders(vagueCust);
      const o: Order = { cust: vagueCust.index, day: ds[ds.length - 2], amount: NaN, amountCell: "约2万" };
      orders.push(o);
      pending.push({ code: "BAD_AMOUNT", sheet: SHEETS.orders, locate: () => orderAddress(o, "金额(元)"), description: `${vagueCust.id} 金额写成“约2万” / amount written as 约2万 (about 20k)` });
    }
    {
      const o: Order = { cust: -1, day: D - mrng.int(5, 200), amount: 12_800, idCell: `CRM${ymdFromDay(D).year - 2}${String(nCustomers + mrng.int(1, 50)).padStart(idWidth, "0")}`, nameCell: "南通永辉纺织有限公司" };
      orders.push(o);
      pending.push({ code: "UNKNOWN_CUSTOMER", sheet: SHEETS.orders, locate: () => orderAddress(o, "客户编号"), description: `订单的客户编号 ${o.idCell} 不在客户表 / an order for a customer not in the customers table` });
    }
    const recentInteraction = new Map<number, Interaction>();
    for (const x of interactions) if (x.day > D - 60 && !recentInteraction.has(x.cust)) recentInteraction.set(x.cust, x);
    const futureCust = pickCustomer((c) => c.stage === "stable" && recentInteraction.has(c.index));
    if (futureCust) {
      const real = recentInteraction.get(futureCust.index)!;
      const { year, month, day } = ymdFromDay(real.day);
      const typo = dayFromYmd(year + 1, month, day) || real.day + 365;
      const minutes = minutesOfDay();
      // The same visit typed again with next year's date: sorted among this year's rows, dated in the future.
      const x: Interaction = { ...real, minutes, feedback: real.feedback, content: `${real.content}(补录)`, timeCell: dateCell(typo, "iso", minutes) };
      interactions.push(x);
      pending.push({ code: "FUTURE_DATE", sheet: SHEETS.interactions, locate: () => interactionAddress(x, "维护时间"), description: `${futureCust.id} 维护时间年份写错,晚于统计日 / interaction dated next year by a typo` });
    }

    blankAfter = Math.floor(nCustomers / 2);
    pending.push({ code: "BLANK_ROWS", sheet: SHEETS.customers, locate: () => a1(SHEETS.customers, customerRow(blankAfter, -1) + 1, 1), description: "客户表中间有一个空行 / a blank row inside the customers table" });
    badRule = true;
    pending.push({ code: "BAD_RULE", sheet: SHEETS.rules, locate: () => a1(SHEETS.rules, RULE_ROWS.findIndex((r) => r[0] === "cadence.A") + 2, 2), description: "规则 cadence.A 的值写成“一周” / rule cadence.A written as 一周 (a week) instead of 7" });
  }

  // ── lay out the sheets ──
  interactions.sort((a, b) => a.day - b.day || (a.minutes ?? 0) - (b.minutes ?? 0) || a.cust - b.cust);
  orders.sort((a, b) => a.day - b.day || a.cust - b.cust);
  tasks.sort((a, b) => a.created - b.created || a.cust - b.cust);
  keyDates.sort((a, b) => a.cust - b.cust || a.date - b.date);

  const layoutRng = new Rng(seed ^ 0x2545f491);
  const annual = annualPurchases(customers, orders, D);
  const classification = classificationSheet(layoutRng, customers, annual);
  classificationRow = classification.rowOf;
  const sheets: SheetModel[] = [
    customersSheet(layoutRng, customers, blankAfter),
    classification.sheet,
    interactionsSheet(layoutRng, customers, interactions),
    ordersSheet(layoutRng, customers, orders),
    tasksSheet(layoutRng, customers, tasks),
    keyDatesSheet(layoutRng, customers, keyDates),
    planSheet(layoutRng, D),
    rulesSheet(badRule),
  ];
  interactionRow = new Map(interactions.map((x, k) => [x, k + 2]));
  orderRow = new Map(orders.map((o, k) => [o, k + 2]));
  for (const p of pending) mistakes.push({ code: p.code, sheet: p.sheet, address: p.locate(), description: p.description });

  const intended: IntendedStage[] = customers.map((c) => ({ id: c.id, name: c.name, sheet: SHEETS.customers, row: customerRow(c.index, blankAfter), stage: STAGE_ZH[c.stage], design: c.design }));
  return { model: { sheets }, mistakes, intended, asOf: formatDay(D) };
}

/** Sheet row of customer i (the blank row, when there is one, sits after customer `blankAfter`). */
function customerRow(i: number, blankAfter: number): number {
  return CUSTOMER_HEADER_ROW + 1 + i + (blankAfter >= 0 && i > blankAfter ? 1 : 0);
}

function removeDetails(cust: number, interactions: Interaction[], tasks: Task[], keyDates: KeyDate[]): void {
  const keep = <T extends { cust: number }>(xs: T[]) => {
    let k = 0;
    for (const x of xs) if (x.cust !== cust) xs[k++] = x;
    xs.length = k;
  };
  keep(interactions);
  keep(tasks);
  keep(keyDates);
}

function maskedChannel(rng: Rng): string {
  const tail = String(rng.int(0, 9999)).padStart(4, "0");
  const prefix = rng.pick(["138", "139", "136", "158", "186", "177", "152", "189"]);
  return rng.weighted<string>([
    [`尾号${tail}`, 30],
    [`手机号:****${tail}`, 20],
    [`${prefix}****${tail}`, 25],
    [`微信同号(尾号${tail})`, 8],
    [`座机 0${rng.pick(["21", "10", "755", "571", "512", "20"])}-****${tail}`, 10],
    [`手机*`, 7],
  ]);
}

function addTasks(rng: Rng, c: Customer, lastOrder: Day, D: Day, tasks: Task[]): void {
  const task = (name: string, created: Day, dueIn: number, action: string, problem: string | null, churnReason: string | null = null) => {
    const cr = Math.min(D, created);
    const due = cr + dueIn;
    const status = due < D ? rng.weighted([["已完成", 7], ["进行中", 1], ["已延期", 2]]) : rng.weighted([["进行中", 5], ["未开始", 4], ["已完成", 1]]);
    const review = status === "已完成" ? rng.pick(["客户认可,按计划推进", "已达成目标", "效果一般,需持续跟进", "客户暂无反馈,下月再跟"]) : null;
    tasks.push({ cust: c.index, task: name, created: cr, due, action, problem, status, review, churnReason });
  };
  switch (c.stage) {
    case "prospect":
      if (rng.chance(0.25)) task("首次电话沟通(3天内)", c.firstContact, 3, "电话介绍公司与产品,发送欢迎资料", rng.chance(0.3) ? "联系人不接电话" : null);
      break;
    case "interested":
      if (rng.chance(0.6)) task(rng.pick(["发送报价并跟进", "安排产品演示", "准备3套定制方案"]), c.stageEntered, rng.pick([7, 14]), "按客户需求准备材料并约时间", rng.chance(0.4) ? rng.pick(["客户决策链长", "预算未批", "对价格敏感"]) : null);
      break;
    case "won":
      if (rng.chance(0.5)) task("成交后首次回访(7天内)", Number.isNaN(lastOrder) ? c.stageEntered : lastOrder + rng.int(1, 3), 7, "电话回访到货和使用情况", null);
      break;
    case "stable":
      if (rng.chance(0.2)) task("半年度满意度调研", D - rng.int(0, 60), 30, "发送满意度问卷并电话确认", null);
      break;
    case "atRisk":
      if (rng.chance(0.7)) task("流失风险客户挽留沟通", c.stageEntered + rng.int(0, 10), 7, "一对一沟通,提供续约优惠", rng.chance(0.5) ? rng.pick(["客户预算收紧", "决策人变更", "竞品报价更低", "交付问题未解决"]) : null);
      break;
    case "churned":
      if (rng.chance(0.6)) task("流失原因调研", (c.terminated ?? c.stageEntered) + rng.int(1, 20), 14, "电话回访了解流失原因", null, c.churnReason ?? rng.weighted(CHURN_REASONS));
      break;
  }
}

function addKeyDates(rng: Rng, c: Customer, D: Day, keyDates: KeyDate[]): void {
  const active = c.stage !== "churned";
  if (c.birthday !== null && rng.chance(0.5)) keyDates.push({ cust: c.index, type: ymdFromDay(c.birthday).year > 2000 ? "周年庆" : "生日", date: c.birthday, lead: rng.pick([0, 1, 3]), note: null });
  if (active && c.contractEnd !== null && rng.chance(0.4)) keyDates.push({ cust: c.index, type: "合同到期", date: c.contractEnd, lead: 30, note: "提前一个月启动续约" });
  if (c.stage === "stable" && rng.chance(0.15)) keyDates.push({ cust: c.index, type: "续约", date: D + rng.int(10, 120), lead: rng.pick([15, 30]), note: "年度框架协议续签" });
  if (c.stage === "interested" && rng.chance(0.3)) keyDates.push({ cust: c.index, type: "需求节点", date: D + rng.int(7, 60), lead: 7, note: rng.pick(["预计下月立项", "年底预算审批", "春节前采购"]) });
  if (active && c.grade === "A" && rng.chance(0.3)) {
    const next = ymdFromDay(D).year + 1;
    keyDates.push({ cust: c.index, type: "节日", date: dayFromYmd(next, 1, 1), lead: 7, note: "元旦问候" });
  }
}

// ── sheets ──────────────────────────────────────────────────────────────────

/** 年度采购总额 as the team keeps it: the last 12 months of orders (what a covering orders table says too). */
function annualPurchases(customers: Customer[], orders: Order[], D: Day): Float64Array {
  const twelveFrom = addMonths(D, -12);
  const annual = new Float64Array(customers.length);
  for (const o of orders) if (o.cust >= 0 && o.day > twelveFrom && o.day <= D && !Number.isNaN(o.amount)) annual[o.cust] += o.amount;
  return annual;
}

function customersSheet(rng: Rng, customers: Customer[], blankAfter: number): SheetModel {
  const width = CUSTOMER_HEADERS.length;
  const rows: CellValue[][] = [];
  const title: CellValue[] = new Array(width).fill(null);
  title[0] = "客户关系周期管理表";
  rows.push(title, new Array(width).fill(null), [...CUSTOMER_HEADERS]);
  const date = (d: Day | null): CellValue => (d === null ? null : dateCell(d, rng.weighted(CUSTOMER_DATE_STYLES)));
  for (const c of customers) {
    const values: Record<CustomerHeader, CellValue> = {
      客户编号: c.id,
      "客户名称(*公司/个人)": c.name,
      "联系人(*)": c.contact,
      "联系方式(*)": c.channel,
      行业: c.industry.label,
      企业规模: c.sizeText,
      统一社会信用代码: c.uscc,
      客户来源: c.source,
      首次触达时间: date(c.firstContact),
      当前周期阶段: c.recorded,
      进入阶段时间: date(c.stageEntered),
      客户状态标签: c.tags === "" ? null : c.tags,
      负责人: c.owner,
      "潜力等级(A/B/C)": c.potential,
      "客户等级(A/B/C)": c.grade,
      合作起始时间: date(c.coopStart),
      毛利率: c.margin,
      满意度: c.satisfaction,
      投诉次数: c.complaints,
      产品使用深度: c.usage,
      所属行业增长率: c.growth,
      企业规模匹配度: c.sizeFit,
      合同到期日: date(c.contractEnd),
      "生日/周年庆": date(c.birthday),
      流失原因: c.churnReason,
      终止合作日期: date(c.terminated),
      备注: c.notes,
    };
    for (const [h, v] of Object.entries(c.override)) values[h as CustomerHeader] = v;
    rows.push(CUSTOMER_HEADERS.map((h) => values[h]));
    if (c.index === blankAfter) rows.push(new Array(width).fill(null));
  }
  return { name: SHEETS.customers, cells: rows, merged: [`A1:${columnLetter(8)}1`] };
}

const COOPERATION_STAGE: Record<Customer["stage"], string> = { prospect: "潜在", interested: "意向", won: "成交", stable: "成交", atRisk: "成交", churned: "流失" };

/**
 * The 分类表 as a team keeps it beside the 周期表: every customer past the prospect stage, largest buyers first,
 * with 年度采购总额 in 万元 (the way people type it: mostly numbers, some `12.5万`, some `125000元`).
 */
function classificationSheet(rng: Rng, customers: Customer[], annual: Float64Array): { sheet: SheetModel; rowOf: Map<number, number> } {
  const rows: CellValue[][] = [[...CLASSIFICATION_HEADERS]];
  const rowOf = new Map<number, number>();
  const listed = customers.filter((c) => c.stage !== "prospect").sort((a, b) => annual[b.index] - annual[a.index] || a.index - b.index);
  for (const c of listed) {
    const spend = annual[c.index];
    const annualCell: CellValue =
      c.coopStart === null || spend <= 0 ? null : rng.weighted<CellValue>([[Math.round(spend / 100) / 100, 85], [`${trimZeros((spend / 10_000).toFixed(2))}万`, 10], [`${spend}元`, 5]]);
    const tier = spend >= 1_000_000 ? "战略客户" : spend >= 500_000 ? "重点客户" : "普通客户";
    const values: Record<ClassificationHeader, CellValue> = {
      客户编号: c.id,
      客户名称: c.name,
      行业属性: c.industry.label,
      客户价值层级: annualCell === null ? null : tier,
      当前合作阶段: COOPERATION_STAGE[c.stage],
      "年度采购总额(万元)": annualCell,
      ...c.classOverride,
    };
    rows.push(CLASSIFICATION_HEADERS.map((h) => values[h]));
    rowOf.set(c.index, rows.length);
  }
  return { sheet: { name: SHEETS.classification, cells: rows }, rowOf };
}

const INTERACTION_HEADERS = ["客户编号", "客户名称", "维护时间", "维护方式", "维护内容", "客户反馈", "维护人"] as const;

function interactionsSheet(rng: Rng, customers: Customer[], interactions: Interaction[]): SheetModel {
  const rows: CellValue[][] = [[...INTERACTION_HEADERS]];
  for (const x of interactions) {
    const c = customers[x.cust];
    // Most entries carry the time to the minute; some only the day.
    const style = rng.weighted(TIME_STYLES);
    const time = x.timeCell ?? dateCell(x.day, style, rng.chance(0.85) ? x.minutes : null);
    rows.push([c.id, rng.chance(0.7) ? c.name : null, time, x.method, x.content, x.feedback, c.owner]);
  }
  return { name: SHEETS.interactions, cells: rows };
}

const ORDER_HEADERS = ["订单编号", "客户编号", "客户名称", "下单日期", "金额(元)"] as const;

function ordersSheet(rng: Rng, customers: Customer[], orders: Order[]): SheetModel {
  const rows: CellValue[][] = [[...ORDER_HEADERS]];
  const perDay = new Map<Day, number>();
  for (const o of orders) {
    const seq = (perDay.get(o.day) ?? 0) + 1;
    perDay.set(o.day, seq);
    const { year, month, day } = ymdFromDay(o.day);
    const orderId = `SO${year}${pad2(month)}${pad2(day)}${String(seq).padStart(3, "0")}`;
    const c = o.cust >= 0 ? customers[o.cust] : null;
    const amount = o.amountCell !== undefined ? o.amountCell : amountCell(rng, o.amount);
    rows.push([orderId, o.idCell ?? c?.id ?? null, o.nameCell ?? c?.name ?? null, dateCell(o.day, rng.weighted(DETAIL_DATE_STYLES)), amount]);
  }
  return { name: SHEETS.orders, cells: rows };
}

function tasksSheet(rng: Rng, customers: Customer[], tasks: Task[]): SheetModel {
  const rows: CellValue[][] = [["任务", "客户编号", "客户名称", "负责人", "创建时间", "截止时间", "执行动作", "遇到的问题", "状态", "结果复盘", "流失原因"]];
  for (const t of tasks) {
    const c = customers[t.cust];
    const style = rng.weighted(DETAIL_DATE_STYLES);
    rows.push([t.task, c.id, c.name, c.owner, dateCell(t.created, style), dateCell(t.due, style), t.action, t.problem, t.status, t.review, t.churnReason]);
  }
  return { name: SHEETS.tasks, cells: rows };
}

function keyDatesSheet(rng: Rng, customers: Customer[], keyDates: KeyDate[]): SheetModel {
  const rows: CellValue[][] = [["客户编号", "客户名称", "节点类型", "日期", "提前天数", "备注"]];
  for (const k of keyDates) {
    const c = customers[k.cust];
    rows.push([c.id, c.name, k.type, dateCell(k.date, rng.weighted(DETAIL_DATE_STYLES)), k.lead, k.note]);
  }
  return { name: SHEETS.keyDates, cells: rows };
}

function planSheet(rng: Rng, D: Day): SheetModel {
  const plan: readonly [string, string, string, number, number, string, string][] = [
    // task, strategy, owner, start (days from D), duration, resources, deliverable
    ["制定客户分层标准", "客户分层管理", "陈静", -150, 20, "历史交易数据、评估模型", "分层标准文档V1.0"],
    ["搭建RFM分析模型", "客户分层管理", "赵敏", -130, 30, "订单数据、Excel", "RFM分群结果表"],
    ["CRM数据清洗与手机号脱敏", "数据治理", "孙浩", -120, 14, "客户表、脱敏规范", "脱敏后的客户表"],
    ["A类客户季度战略会", "重点客户经营", "王磊", -90, 7, "会议室、客户经营报告", "会议纪要与行动项"],
    ["流失风险客户挽留专项", "流失预警", "李娜", -60, 45, "挽留优惠预算5万元", "挽回率≥30%"],
    ["满意度调研问卷设计与发放", "客户满意度提升", "周婷", -75, 30, "问卷星账号", "回收问卷≥200份"],
    ["老客户转介绍激励方案", "转介绍增长", "刘洋", -45, 30, "激励预算", "方案获批并上线"],
    ["新客户欢迎礼包", "新客户激活", "张强", -40, 20, "礼品采购", "礼包发放至全部新客户"],
    ["销售团队跟进SOP培训", "销售能力建设", "陈静", -30, 10, "培训讲师、SOP文档", "培训签到与考试成绩"],
    ["续约提醒机制上线", "流失预警", "孙浩", -20, 40, "CRM工作台、提醒模板", "合同到期前30天自动提醒"],
    ["年度客户答谢会", "重点客户经营", "王磊", 10, 25, "场地、预算15万元", "到场客户≥60家"],
    ["竞品对比资料更新", "销售能力建设", "赵敏", 5, 30, "市场调研报告", "竞品对比手册"],
  ];
  const rows: CellValue[][] = [["任务名称", "策略关联", "执行负责人", "开始时间", "截止时间", "所需资源", "交付标准", "状态", "完成时间"]];
  for (const [task, strategy, owner, startIn, duration, resources, deliverable] of plan) {
    const start = D + startIn;
    const due = start + duration;
    const style = rng.weighted(DETAIL_DATE_STYLES);
    let status: string;
    let done: Day | null = null;
    if (due < D) {
      status = rng.weighted([["已完成", 7], ["已延期", 2]]);
      if (status === "已完成") done = Math.min(D, due + rng.int(-5, 6));
    } else status = start <= D ? "进行中" : "未开始";
    rows.push([task, strategy, owner, dateCell(start, style), dateCell(due, style), resources, deliverable, status, done === null ? null : dateCell(done, style)]);
  }
  return { name: SHEETS.plan, cells: rows };
}

/** The rules table with a few of the team's own values (weights adjusted to the business, DOMAIN.md section 9). */
const RULE_ROWS: readonly (readonly [string, CellValue, string])[] = [
  ["stage.churnDays", 90, "超过90天无业务往来判定为流失客户"],
  ["stage.riskNoOrderDays", 30, "超过30天未下单且未回应关怀为流失风险"],
  ["weight.spend6m", "30%", "近6个月消费金额权重(公司重视回款,调高)"],
  ["weight.tenure", "10%", "合作时长权重(调低)"],
  ["weight.margin", "10%", "毛利率贡献"],
  ["weight.interactions", 0.2, "最近互动频次(调高)"],
  ["weight.complaints", "10%", "投诉率(反向指标)"],
  ["weight.usage", "5%", "产品使用深度(调低)"],
  ["weight.growth", "8%", "所属行业增长率"],
  ["weight.sizeFit", "7%", "企业规模匹配度"],
  ["cadence.A", 7, "A类客户每周跟进"],
  ["cadence.C", 30, "C类客户每月跟进"],
  ["review.highValue", "10万", "高价值客户:年消费额超过10万元"],
];

function rulesSheet(badRule: boolean): SheetModel {
  const rows: CellValue[][] = [["参数", "值", "说明"]];
  for (const [key, value, note] of RULE_ROWS) rows.push([key, badRule && key === "cadence.A" ? "一周" : value, note]);
  return { name: SHEETS.rules, cells: rows };
}
