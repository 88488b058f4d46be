// The public API of the engine: what the task pane, the custom functions and the command line call.
export type { CellValue, CellErrorValue, SheetModel, WorkbookModel, Finding, FindingCode, Severity, Day } from "./types";
export { runPipeline, safeText, type PipelineResult, type CustomerResult, type RfmResult, type TableSummary, type PipelineOptions, type HistoryAppend } from "./pipeline";
export { buildReview, type ReviewData, type FunnelStep, type GanttRow } from "./review";
export { FINDING_CODES, SEVERITY, makeFinding, sortFindings } from "./findings";
export { TABLES, TABLE_KINDS, OWNED_MARK, isOwnedHeader, isOwnedSheet, REVIEW_SHEET_PREFIX, FINDINGS_SHEET, findTables, classifyHeader, matchHeader, headerInfo, a1, columnLetter, columnNumber, parseRange, quoteSheet, type TableKind, type FoundTable, type ColumnDef } from "./schema";
export { parseDate, parseDateTime, parseMoney, parsePercent, parseNumber, parseYears, parseEnum, parseText, isBlank, isCellError, cellText, normalizeText, splitList, type Parsed } from "./parse";
export { formatDay, toDay, addMonths, dayFromYmd, ymdFromDay, dayFromSerial, serialFromDay } from "./dates";
export { RULE_DEFS, DEFAULT_RULES, makeRules, readRules, ruleDef, type Rules } from "./rules";
export { rulesOfBook } from "./rules-sheet";
export { checkUscc, maskUscc, maskUsccs, maskText, hasFullPhone, maskPhones } from "./privacy";
export { decideStage, decideCoopStage, type StageFacts, type StageDecision, type StageRule } from "./lifecycle";
export { INDICATORS, scorePopulation, indicatorWeights, quantile, tierOf, tierCuts, thresholdCuts, quantileCuts, type Indicator, type ScoreResult, type TierCuts } from "./scoring";
export { ahp, RANDOM_INDEX, type AhpResult } from "./ahp";
export { valueTierOf, closenessOf, gradeFromTier, riskLevelOf, coreTagsOf, quadrantsOf, topShare } from "./classify";
export { scoreRfm, rfmBreaks, binOf, segmentOf, RFM_SEGMENTS, RFM_OTHERS, type RfmScore } from "./rfm";
export { cadenceDays, nextFollowUpOf, warningsOf, remindersOf, nextAnniversary, type Reminder } from "./followup";
export * from "./labels";
export { HISTORY_SHEET, HISTORY_ROLE, HISTORY_HEADER, HISTORY_WIDTHS, HISTORY_FIELDS, SHEET_LAST_ROW, isHistoryHeader, historySheet, type History, type HistoryEntry, type HistoryRow, type HistoryFieldKey } from "./history";
