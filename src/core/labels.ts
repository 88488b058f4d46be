// User-visible labels are data: every enumeration with its Chinese label (what results report), English
// label, and the spellings accepted when reading cells.
import { enumLookup, type EnumSpec } from "./parse";
import type { EnumName } from "./schema";

export type Stage = "prospect" | "interested" | "won" | "stable" | "atRisk" | "churned";
export const STAGES: readonly Stage[] = ["prospect", "interested", "won", "stable", "atRisk", "churned"];
export const UNDETERMINED = "undetermined";

export type CoopStage = "prospect" | "interested" | "won" | "churned";
export type Grade = "A" | "B" | "C";
export type Feedback = "positive" | "neutral" | "negative";
export type TaskStatus = "notStarted" | "inProgress" | "done" | "delayed";
export type KeyDateType = "birthday" | "anniversary" | "contractEnd" | "renewal" | "holiday" | "demand";
export type Tier = "strategic" | "key" | "regular" | "watch";
export type ValueTier = "strategic" | "key" | "regular";
export type Closeness = "tight" | "stable" | "loose";
export type RiskLevel = "high" | "medium" | "low" | "churned";
export type CoreTag = "highPotential" | "inactive" | "loyal" | "risk";

interface Label {
  zh: string;
  en: string;
}

export const STAGE_LABEL: Record<Stage, Label> = {
  prospect: { zh: "潜在客户", en: "Prospect" },
  interested: { zh: "意向客户", en: "Interested" },
  won: { zh: "成交客户", en: "Won" },
  stable: { zh: "稳定客户", en: "Stable" },
  atRisk: { zh: "流失风险客户", en: "At risk" },
  churned: { zh: "流失客户", en: "Churned" },
};

export const COOP_STAGE_LABEL: Record<CoopStage, Label> = {
  prospect: { zh: "潜在", en: "Prospect" },
  interested: { zh: "意向", en: "Interested" },
  won: { zh: "成交", en: "Won" },
  churned: { zh: "流失", en: "Churned" },
};

export const TIER_LABEL: Record<Tier, Label> = {
  strategic: { zh: "战略客户", en: "Strategic" },
  key: { zh: "重点客户", en: "Key" },
  regular: { zh: "普通客户", en: "Regular" },
  watch: { zh: "观察客户", en: "Watch" },
};

export const VALUE_TIER_LABEL: Record<ValueTier, Label> = {
  strategic: { zh: "战略客户", en: "Strategic" },
  key: { zh: "重点客户", en: "Key" },
  regular: { zh: "普通客户", en: "Regular" },
};

export const CLOSENESS_LABEL: Record<Closeness, Label> = {
  tight: { zh: "紧密型", en: "Close" },
  stable: { zh: "稳定型", en: "Steady" },
  loose: { zh: "一般型", en: "Loose" },
};

export const RISK_LABEL: Record<RiskLevel, Label> = {
  high: { zh: "高", en: "High" },
  medium: { zh: "中", en: "Medium" },
  low: { zh: "低", en: "Low" },
  churned: { zh: "已流失", en: "Churned" },
};

export const CORE_TAG_LABEL: Record<CoreTag, Label> = {
  highPotential: { zh: "高潜力", en: "High potential" },
  inactive: { zh: "待激活", en: "To reactivate" },
  loyal: { zh: "忠诚客户", en: "Loyal" },
  risk: { zh: "风险客户", en: "At-risk customer" },
};

export const TASK_STATUS_LABEL: Record<TaskStatus, Label> = {
  notStarted: { zh: "未开始", en: "Not started" },
  inProgress: { zh: "进行中", en: "In progress" },
  done: { zh: "已完成", en: "Done" },
  delayed: { zh: "已延期", en: "Delayed" },
};

export const QUADRANT_LABEL = {
  hvhp: { zh: "高价值高潜力", en: "High value, high potential" },
  hvlp: { zh: "高价值低潜力", en: "High value, low potential" },
  lvhp: { zh: "低价值高潜力", en: "Low value, high potential" },
  lvlp: { zh: "低价值低潜力", en: "Low value, low potential" },
} as const;
export type Quadrant = keyof typeof QUADRANT_LABEL;

export const WARNING_LABEL: Record<string, Label> = {
  W1: { zh: "稳定客户30天无订单且未回应关怀,应标记为流失风险", en: "Stable customer: no order for 30 days and no response to care — mark at risk" },
  W2: { zh: "流失风险客户7日内未启动挽留动作,提醒负责人上级", en: "At-risk customer without a retention action within 7 days — escalate to the owner's manager" },
  W3: { zh: "成交客户3个月无订单,流失预警", en: "Won customer without an order for 3 months — churn warning" },
  W4: { zh: "互动频次下降50%以上", en: "Interactions fell by 50% or more" },
  W5: { zh: "记录的周期阶段未更新", en: "Recorded stage is out of date" },
  W6: { zh: "跟进已逾期", en: "Follow-up overdue" },
  W7: { zh: "观察客户15日内未制定挽回计划", en: "Watch-tier customer without a recovery plan within 15 days" },
};

/** What the team does at each stage (周期表 section 三(三)). */
export const STAGE_ACTION: Record<Stage, Label> = {
  prospect: { zh: "发送欢迎资料;首次触达后3日内电话拜访,了解需求背景", en: "Send welcome material; call within 3 days of first contact" },
  interested: { zh: "提供3套定制化方案;邀请参加案例分享会;每周跟进方案反馈", en: "Offer 3 tailored proposals; invite to a case-sharing session; follow up weekly" },
  won: { zh: "发送《客户服务指南》;7日内完成首次回访;配置专属客户成功经理", en: "Send the service guide; first return visit within 7 days; assign a success manager" },
  stable: { zh: "节日/生日祝福;推荐增值服务;每半年满意度调研", en: "Greetings; recommend value-added services; half-yearly satisfaction survey" },
  atRisk: { zh: "1对1深度沟通分析原因;推出回归优惠包;协调技术团队解决遗留问题", en: "One-to-one talk on the causes; retention offer; fix open issues with the technical team" },
  churned: { zh: "发送流失原因调研问卷;记录流失关键因素;3个月后尝试二次触达", en: "Churn survey; record the key causes; try a second contact after 3 months" },
};

/** How each score tier is tracked (评估模型 阶段四/五). */
export const TIER_TRACKING: Record<Tier, Label> = {
  strategic: { zh: "季度战略对齐会议,半年度高层互访", en: "Quarterly strategy meeting, half-yearly executive visit" },
  key: { zh: "每月深度沟通,定制化方案支持", en: "Monthly deep communication, tailored proposals" },
  regular: { zh: "季度常规跟进,标准化产品推荐", en: "Quarterly routine follow-up, standard recommendations" },
  watch: { zh: "每月1次触达,15日内提交挽回方案", en: "Monthly contact; a recovery plan within 15 days" },
};

/** Accepted spellings (Chinese label, short forms, English, and the 信息管理 variants). */
const SPECS: Record<EnumName, EnumSpec<string>> = {
  stage: {
    prospect: ["潜在客户", "潜在", "线索", "prospect", "potential", "lead"],
    interested: ["意向客户", "意向", "有意向", "interested", "intent", "opportunity"],
    won: ["成交客户", "成交", "已成交", "won", "closed won", "customer", "deal"],
    stable: ["稳定客户", "稳定", "忠诚客户", "stable", "retained", "loyal"],
    atRisk: ["流失风险客户", "流失风险", "流失预警客户", "流失预警", "风险客户", "at risk", "atrisk", "churn risk"],
    churned: ["流失客户", "流失", "已流失", "churned", "lost", "churn"],
  },
  coopStage: {
    prospect: ["潜在", "潜在客户", "prospect"],
    interested: ["意向", "意向客户", "interested"],
    won: ["成交", "成交客户", "已合作", "won"],
    churned: ["流失", "流失客户", "churned", "lost"],
  },
  grade: {
    // A tier name is read as its grade (DOMAIN.md section 6: 评估模型 writes 客户等级 as 重点客户 …).
    A: ["A", "A类", "A级", "高", "战略客户", "重点客户", "战略", "重点", "strategic", "key"],
    B: ["B", "B类", "B级", "中", "普通客户", "普通", "regular"],
    C: ["C", "C类", "C级", "低", "观察客户", "观察", "watch"],
  },
  feedback: {
    positive: ["积极", "正面", "满意", "positive", "good"],
    neutral: ["中性", "一般", "neutral"],
    negative: ["消极", "负面", "不满意", "negative", "bad"],
  },
  taskStatus: {
    notStarted: ["未开始", "待开始", "待办", "not started", "todo", "to do"],
    inProgress: ["进行中", "执行中", "处理中", "in progress", "doing", "ongoing"],
    done: ["已完成", "完成", "已结束", "done", "completed", "complete", "finished"],
    delayed: ["已延期", "延期", "逾期", "已逾期", "delayed", "overdue"],
  },
  keyDateType: {
    birthday: ["生日", "客户生日", "birthday"],
    anniversary: ["周年庆", "企业周年庆", "纪念日", "anniversary"],
    contractEnd: ["合同到期", "合同到期日", "contract end", "contract expiry"],
    renewal: ["续约", "续约提醒", "续费", "renewal"],
    holiday: ["节日", "节日节点", "holiday"],
    demand: ["需求节点", "需求", "demand", "need"],
  },
  valueTier: {
    strategic: ["战略客户", "战略", "strategic"],
    key: ["重点客户", "重点", "key"],
    regular: ["普通客户", "普通", "regular"],
  },
  closeness: {
    tight: ["紧密型", "紧密", "close", "tight"],
    stable: ["稳定型", "稳定", "steady", "stable"],
    loose: ["一般型", "一般", "loose", "general"],
  },
  risk: {
    high: ["高", "高风险", "high"],
    medium: ["中", "中风险", "medium"],
    low: ["低", "低风险", "low"],
    churned: ["已流失", "churned"],
  },
  coreTags: {
    highPotential: ["高潜力", "high potential"],
    inactive: ["待激活", "to reactivate", "inactive"],
    loyal: ["忠诚客户", "忠诚", "loyal"],
    risk: ["风险客户", "at-risk customer", "risk"],
  },
};

/** The Chinese label of an enumeration's value (`won` → 成交客户), for messages that quote a read cell. */
export function enumLabel(name: EnumName, key: string): string {
  return SPECS[name][key]?.[0] ?? key;
}

export const ENUM_LOOKUPS: Record<EnumName, Map<string, string>> = Object.fromEntries(
  (Object.keys(SPECS) as EnumName[]).map((k) => [k, enumLookup(SPECS[k])]),
) as Record<EnumName, Map<string, string>>;

/** The Chinese labels users may pick from, for data-validation lists and messages. */
export const ENUM_CHOICES: Record<EnumName, string[]> = Object.fromEntries((Object.keys(SPECS) as EnumName[]).map((k) => [k, Object.values(SPECS[k]).map((a) => a[0])])) as Record<EnumName, string[]>;
