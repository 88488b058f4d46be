// Follow-up cadence, warnings W1–W7 and reminders (DOMAIN.md section 7).
import { addMonths, dayFromYmd, formatDay, ymdFromDay } from "./dates";
import type { Grade, KeyDateType, Stage, Tier } from "./labels";
import type { Tri } from "./lifecycle";
import type { Rules } from "./rules";
import type { Day } from "./types";

/** 9999-12-31, the last day of Excel's calendar. */
const LAST_EXCEL_DAY = dayFromYmd(9999, 12, 31);

export function cadenceDays(grade: Grade, rules: Rules): number {
  return rules.num(`cadence.${grade}`);
}

/**
 * Next follow-up = last interaction (else first contact) + the grade's cadence; overdue when before D.
 * Decision: churned customers have no cadence (the source asks for one second contact after 3 months).
 */
export function nextFollowUpOf(x: { stage: Stage | null; grade: Grade | null; lastInteraction: Day | null; firstContact: Day | null }, asOf: Day, rules: Rules): { next: Day | null; overdue: boolean } {
  const base = x.lastInteraction ?? x.firstContact;
  if (x.stage === "churned" || x.grade === null || base === null) return { next: null, overdue: false };
  const next = base + cadenceDays(x.grade, rules);
  // Past Excel's last day (a 9999-12-31 placeholder + cadence) there is no date to print or write back as
  // YYYY-MM-DD: no follow-up date (the placeholder itself is already a FUTURE_DATE finding).
  if (next > LAST_EXCEL_DAY) return { next: null, overdue: false };
  return { next, overdue: next < asOf };
}

export interface WarningInput {
  stage: Stage | null;
  recordedStage: Stage | null;
  /** 进入阶段时间 as recorded. */
  stageEntered: Day | null;
  /** The day the customer entered its current stage as the history sheet recorded the move (section 8a); null when it cannot say. */
  historyStageEntered?: Day | null;
  lastOrder: Day | null;
  careResponse: Tri;
  interactionDrop: Tri;
  overdue: boolean;
  tier: Tier | null;
  /** The day the customer entered its score tier (from the history sheet, section 8a); null when unknown. */
  tierEntered: Day | null;
  /** Days of retention actions (interactions and task creations), any order. */
  actionDays: readonly Day[];
  /** A recovery plan exists: an open task, or one created within warn.recoveryDays. */
  hasRecoveryPlan: boolean;
}

/** The warning codes active for one customer, in code order. */
export function warningsOf(x: WarningInput, asOf: Day, rules: Rules): string[] {
  const w: string[] = [];
  const noOrderDays = rules.num("stage.riskNoOrderDays");
  const noOrder = x.lastOrder !== null && asOf - x.lastOrder > noOrderDays;
  // W1: recorded as stable, yet no order for 30 days and no response to care → should be marked at risk.
  if (x.recordedStage === "stable" && noOrder && x.careResponse === false) w.push("W1");
  // W2: at risk and no retention action within 7 days of entering the stage. The entry day is the one the history
  // sheet recorded; else the recorded one when the recorded stage agrees; else, for the no-order rule, the day the
  // 30-day limit passed.
  if (x.stage === "atRisk") {
    const entry = x.historyStageEntered ?? (x.recordedStage === "atRisk" && x.stageEntered !== null ? x.stageEntered : noOrder && x.careResponse === false ? (x.lastOrder as number) + noOrderDays + 1 : null);
    const limit = rules.num("warn.retentionDays");
    if (entry !== null && asOf > entry + limit && !x.actionDays.some((d) => d >= entry && d <= entry + limit)) w.push("W2");
  }
  // W3: won and no order for 3 months (the last order on or before D − 3 months).
  if ((x.stage === "won" || x.recordedStage === "won") && x.lastOrder !== null && x.lastOrder <= addMonths(asOf, -rules.num("warn.wonNoOrderMonths"))) w.push("W3");
  if (x.interactionDrop === true) w.push("W4");
  if (x.recordedStage !== null && x.stage !== null && x.recordedStage !== x.stage) w.push("W5");
  if (x.overdue) w.push("W6");
  // W7: watch tier without a recovery plan once warn.recoveryDays have passed since entering the tier; only when
  // that day is known (section 7): an unknown entry day is a missing fact, never a guess.
  if (x.tier === "watch" && x.tierEntered !== null && asOf - x.tierEntered > rules.num("warn.recoveryDays") && !x.hasRecoveryPlan) w.push("W7");
  return w;
}

export interface Reminder {
  type: KeyDateType;
  date: string;
  daysLeft: number;
  message: string;
  messageEn: string;
}

const REMINDER_TEXT: Record<KeyDateType, { zh: string; en: string }> = {
  contractEnd: { zh: "合同即将到期,启动续约沟通", en: "Contract ends soon: start the renewal talk" },
  renewal: { zh: "续约节点临近,提前沟通续约", en: "Renewal due: start the renewal talk" },
  birthday: { zh: "今天是客户生日,发送祝福", en: "Customer's birthday today: send greetings" },
  anniversary: { zh: "今天是企业周年庆,发送祝福", en: "Company anniversary today: send greetings" },
  holiday: { zh: "节日临近,发送节日祝福", en: "Holiday coming: send greetings" },
  demand: { zh: "客户需求节点临近,提前跟进", en: "Customer need date coming: follow up" },
};

/** The next yearly occurrence of a month-day on or after D (Feb 29 falls on Feb 28 in other years). */
export function nextAnniversary(date: Day, asOf: Day): Day {
  const { month, day } = ymdFromDay(date);
  const { year } = ymdFromDay(asOf);
  for (const y of [year, year + 1]) {
    let d = dayFromYmd(y, month, day);
    if (Number.isNaN(d)) d = dayFromYmd(y, month, day - 1);
    if (d >= asOf) return d;
  }
  return NaN;
}

/**
 * Reminders due on D: contract end within remind.contractDays; renewal/demand/holiday within their lead days
 * (default remind.renewalDays, 0 for holidays); birthday and anniversary on the day, every year.
 */
export function remindersOf(dates: readonly { type: KeyDateType; date: Day; leadDays: number | null }[], asOf: Day, rules: Rules): Reminder[] {
  const out: Reminder[] = [];
  for (const k of dates) {
    const yearly = k.type === "birthday" || k.type === "anniversary";
    const when = yearly ? nextAnniversary(k.date, asOf) : k.date;
    const lead = yearly ? 0 : k.leadDays ?? (k.type === "contractEnd" ? rules.num("remind.contractDays") : k.type === "holiday" ? 0 : rules.num("remind.renewalDays"));
    const left = when - asOf;
    if (left >= 0 && left <= lead) out.push({ type: k.type, date: formatDay(when), daysLeft: left, message: REMINDER_TEXT[k.type].zh, messageEn: REMINDER_TEXT[k.type].en });
  }
  return out.sort((a, b) => a.daysLeft - b.daysLeft || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}
