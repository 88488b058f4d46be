// What every panel of the pane shares: the injected CrmActions, the language, the as-of date and the one
// action runner (busy state, progress, cancel, errors). Provided by <App actions={...}> (App.tsx).
import { createContext, useContext } from "react";
import type { ApplyOutcome, CrmActions, HighlightOutcome, MaskOutcome, RemoveOutcome, ReviewOutcome, RulesView, RunOptions, TemplatesOutcome, ValidateOutcome } from "../excel/types";
import { translate, type Lang, type LabelKey, type Vars } from "./i18n";
import type { ThemeName } from "./host";

/** The names of the pane's runs (for the busy state). */
export type RunName =
  | "validate"
  | "applyTags"
  | "highlightRisk"
  | "clearHighlights"
  | "buildReview"
  | "maskPhones"
  | "removeOutput"
  | "readRules"
  | "writeRule"
  | "createTemplates";

/** The outcomes of the last runs, kept by the App while the user moves between tabs. */
export interface Outcomes {
  validate?: ValidateOutcome;
  mask?: MaskOutcome;
  apply?: ApplyOutcome;
  highlight?: HighlightOutcome;
  cleared?: { removed: number };
  review?: ReviewOutcome;
  /** What 移除 CRM 结果 took out (the other outcomes no longer describe the book then). */
  removed?: RemoveOutcome;
  rules?: RulesView;
  /** 新建模板: the tables made and those the book had. */
  templates?: TemplatesOutcome;
}

export interface RunSpec {
  name: RunName;
  /** Shows the Cancel button and passes an AbortSignal (actions that take RunOptions). */
  cancellable: boolean;
}

export interface PaneContextValue {
  /** The workbook actions; undefined outside Excel (the pane says so and disables its actions). */
  actions: CrmActions | undefined;
  lang: Lang;
  t: (key: LabelKey, vars?: Vars) => string;
  /** The theme the pane is drawn in (charts pick their palette by it). */
  theme: ThemeName;
  asOf: string;
  asOfValid: boolean;
  /** An action is running: every action button is disabled. */
  busy: boolean;
  /**
   * Runs one action with the as-of date, progress reporting and an AbortSignal. Resolves to the outcome,
   * or to undefined when the action failed or was cancelled (the error is shown in the pane's MessageBar).
   */
  run<T>(spec: RunSpec, fn: (actions: CrmActions, options: RunOptions) => Promise<T>): Promise<T | undefined>;
  /** Selects a finding's cell (`Sheet!B7`); quick, so it does not make the pane busy. Failures are shown. */
  select(address: string): void;
}

export const PaneContext = createContext<PaneContextValue>({
  actions: undefined,
  lang: "zh",
  t: (key, vars) => translate("zh", key, vars),
  theme: "light",
  asOf: "",
  asOfValid: false,
  busy: false,
  run: async () => undefined,
  select: () => undefined,
});

export function usePane(): PaneContextValue {
  return useContext(PaneContext);
}
