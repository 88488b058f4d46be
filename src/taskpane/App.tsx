// The task pane. The workbook actions are injected: <App actions={crmActions} /> (tests and the end-to-end
// harness pass their own CrmActions; index.tsx passes the Office.js one). Components never touch Office.js.
import { useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent } from "react";
import {
  Button,
  Field,
  FluentProvider,
  Input,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  ProgressBar,
  Select,
  Tab,
  TabList,
  Text,
  makeStyles,
  tokens,
  webLightTheme,
  type SelectTabData,
} from "@fluentui/react-components";
import { ActionError, COMMAND_ERROR_EVENT, type ActionErrorKind, type CrmActions, type Progress, type RunOptions } from "../excel/types";
import { PaneContext, type Outcomes, type PaneContextValue, type RunSpec } from "./context";
import { isYmd, pick, todayYmd, translate, type LabelKey, type Lang, type Vars } from "./i18n";
import { ValidatePanel } from "./panels/ValidatePanel";
import { ApplyPanel } from "./panels/ApplyPanel";
import { ReviewPanel } from "./panels/ReviewPanel";
import { RulesPanel } from "./panels/RulesPanel";
import { initialAhp, type AhpState } from "./panels/AhpHelper";
import { useShared } from "./ui";

export interface AppProps {
  /** The workbook actions (src/excel/types.ts CrmActions); absent outside Excel. */
  actions?: CrmActions;
  /** Initial language (default zh). */
  lang?: Lang;
  /** Initial as-of date YYYY-MM-DD (default today in the user's calendar). */
  asOf?: string;
  /** An error a ribbon command hit before the pane opened (ribbon buttons cannot show messages themselves). */
  initialError?: unknown;
}

type TabId = "validate" | "apply" | "review" | "rules";
const TABS: readonly { id: TabId; label: LabelKey }[] = [
  { id: "validate", label: "tab.validate" },
  { id: "apply", label: "tab.apply" },
  { id: "review", label: "tab.review" },
  { id: "rules", label: "tab.rules" },
];

/** What the pane says about a failed action (kept bilingual so the language switch re-renders it). */
interface ShownError {
  kind: ActionErrorKind | "unknown";
  zh: string;
  en: string;
}

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalM,
    maxWidth: "100%",
    minWidth: 0,
    boxSizing: "border-box",
  },
  header: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "flex-end",
    justifyContent: "space-between",
    columnGap: tokens.spacingHorizontalM,
    rowGap: tokens.spacingVerticalS,
  },
  title: { margin: 0 },
  tabs: { flexWrap: "wrap" },
});

const ERROR_TITLE: Record<ShownError["kind"], LabelKey> = {
  noCustomers: "error.noCustomers",
  changed: "error.changed",
  cancelled: "error.cancelled",
  payload: "error.payload",
  office: "error.office",
  unknown: "error.unknown",
};

const PHASE_LABEL: Record<Progress["phase"], LabelKey> = { read: "progress.read", compute: "progress.compute", write: "progress.write" };

function isActionError(e: unknown): e is ActionError {
  if (e instanceof ActionError) return true;
  // An ActionError built by another copy of the module (e.g. a harness bundle) has the same shape.
  const o = e as { kind?: unknown; zh?: unknown; en?: unknown } | null;
  return typeof o === "object" && o !== null && typeof o.kind === "string" && typeof o.zh === "string" && typeof o.en === "string" && o.kind in ERROR_TITLE;
}

/** One clear message per failure, never a stack trace. */
function describeError(e: unknown): ShownError {
  if (isActionError(e)) return { kind: e.kind, zh: e.zh, en: e.en };
  if (typeof e === "object" && e !== null && (e as { name?: unknown }).name === "AbortError") {
    return { kind: "cancelled", zh: translate("zh", "error.cancelled"), en: translate("en", "error.cancelled") };
  }
  const message = e instanceof Error ? e.message : typeof e === "string" ? e : "";
  const text = message.split("\n")[0].slice(0, 300);
  return { kind: "unknown", zh: text, en: text };
}

export function App(props: AppProps): JSX.Element {
  const { actions } = props;
  const styles = useStyles();
  const shared = useShared();
  const [lang, setLang] = useState<Lang>(props.lang ?? "zh");
  const [asOf, setAsOf] = useState<string>(() => props.asOf ?? todayYmd());
  const [tab, setTab] = useState<TabId>("validate");
  const [running, setRunning] = useState<RunSpec | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<ShownError | null>(() => (props.initialError ? describeError(props.initialError) : null));
  // Ribbon commands run without the pane; when one fails it announces the error for the pane to show.
  useEffect(() => {
    const show = (e: Event) => setError(describeError((e as CustomEvent).detail));
    globalThis.addEventListener?.(COMMAND_ERROR_EVENT, show);
    return () => globalThis.removeEventListener?.(COMMAND_ERROR_EVENT, show);
  }, []);
  const [outcomes, setOutcomes] = useState<Outcomes>({});
  const [ahpState, setAhpState] = useState<AhpState>(initialAhp);
  const busyRef = useRef(false);
  const abortRef = useRef<AbortController | null>(null);

  const asOfValid = isYmd(asOf);
  const t = useCallback((key: LabelKey, vars?: Vars) => translate(lang, key, vars), [lang]);

  const run = useCallback(
    async <T,>(spec: RunSpec, fn: (a: CrmActions, o: RunOptions) => Promise<T>): Promise<T | undefined> => {
      if (!actions || busyRef.current) return undefined;
      busyRef.current = true;
      const controller = new AbortController();
      abortRef.current = controller;
      setRunning(spec);
      setProgress(null);
      setCancelling(false);
      setError(null);
      try {
        return await fn(actions, { asOf, signal: controller.signal, onProgress: (p) => setProgress({ phase: p.phase, done: p.done, total: p.total }) });
      } catch (e) {
        setError(describeError(e));
        return undefined;
      } finally {
        busyRef.current = false;
        abortRef.current = null;
        setRunning(null);
        setProgress(null);
        setCancelling(false);
      }
    },
    [actions, asOf],
  );

  const cancel = useCallback(() => {
    if (!abortRef.current) return;
    setCancelling(true);
    abortRef.current.abort();
  }, []);

  const select = useCallback(
    (address: string) => {
      if (!actions || address === "") return;
      try {
        Promise.resolve(actions.selectCell(address)).catch((e: unknown) => setError(describeError(e)));
      } catch (e) {
        setError(describeError(e));
      }
    },
    [actions],
  );

  const context = useMemo<PaneContextValue>(
    () => ({ actions, lang, t, asOf, asOfValid, busy: running !== null, run, select }),
    [actions, lang, t, asOf, asOfValid, running, run, select],
  );

  const update = useCallback((patch: Partial<Outcomes>) => setOutcomes((o) => ({ ...o, ...patch })), []);

  return (
    <FluentProvider theme={webLightTheme} lang={lang === "zh" ? "zh-CN" : "en-US"}>
      <PaneContext.Provider value={context}>
        <main className={styles.root} aria-busy={running !== null}>
          <header className={styles.header}>
            <div>
              <Text as="h1" size={500} weight="semibold" block className={styles.title}>
                {t("app.title")}
              </Text>
              <Text as="p" size={200} block className={shared.muted}>
                {t("app.subtitle")}
              </Text>
            </div>
            <Field label={t("app.lang")}>
              <Select value={lang} onChange={(_e: ChangeEvent<HTMLSelectElement>, d) => setLang(d.value === "en" ? "en" : "zh")}>
                <option value="zh">{t("app.lang.zh")}</option>
                <option value="en">{t("app.lang.en")}</option>
              </Select>
            </Field>
          </header>

          {!actions && (
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>{t("app.noExcel.title")}</MessageBarTitle> {t("app.noExcel.body")}
              </MessageBarBody>
            </MessageBar>
          )}

          <Field
            label={t("asOf.label")}
            hint={asOfValid ? t("asOf.hint") : undefined}
            validationState={asOfValid ? "none" : "error"}
            validationMessage={asOfValid ? undefined : t("asOf.invalid")}
          >
            <Input type="date" value={asOf} disabled={running !== null} onChange={(_e, d) => setAsOf(d.value)} />
          </Field>

          {running && (
            <section className={shared.section} aria-live="polite" aria-label={t("progress.label")}>
              <Field
                label={t("app.busy")}
                hint={
                  progress
                    ? `${t(PHASE_LABEL[progress.phase])} · ${t("progress.count", { done: progress.done, total: progress.total })}`
                    : t("progress.starting")
                }
              >
                <ProgressBar value={progress && progress.total > 0 ? Math.min(1, progress.done / progress.total) : undefined} max={1} />
              </Field>
              {running.cancellable && (
                <div className={shared.row}>
                  <Button onClick={cancel} disabled={cancelling} aria-label={t("progress.cancelAria")}>
                    {cancelling ? t("progress.cancelling") : t("progress.cancel")}
                  </Button>
                </div>
              )}
            </section>
          )}

          {error && (
            <MessageBar intent={error.kind === "cancelled" ? "info" : error.kind === "changed" ? "warning" : "error"} layout="multiline" role="alert">
              <MessageBarBody>
                <MessageBarTitle>{t(ERROR_TITLE[error.kind])}</MessageBarTitle>{" "}
                <span className={shared.wrap}>{pick(lang, error.zh, error.en)}</span>
              </MessageBarBody>
              <MessageBarActions>
                <Button appearance="transparent" size="small" onClick={() => setError(null)} aria-label={t("app.dismiss")}>
                  {t("app.dismiss")}
                </Button>
              </MessageBarActions>
            </MessageBar>
          )}

          <TabList
            className={styles.tabs}
            selectedValue={tab}
            onTabSelect={(_e, d: SelectTabData) => setTab(d.value as TabId)}
            aria-label={t("app.tabs")}
            size="small"
          >
            {TABS.map((x) => (
              <Tab key={x.id} value={x.id} id={`crm-tab-${x.id}`} aria-controls={`crm-panel-${x.id}`}>
                {t(x.label)}
              </Tab>
            ))}
          </TabList>

          <div role="tabpanel" id={`crm-panel-${tab}`} aria-labelledby={`crm-tab-${tab}`}>
            {tab === "validate" && <ValidatePanel outcome={outcomes.validate} mask={outcomes.mask} onOutcome={update} />}
            {tab === "apply" && <ApplyPanel apply={outcomes.apply} highlight={outcomes.highlight} cleared={outcomes.cleared} removed={outcomes.removed} onOutcome={update} />}
            {tab === "review" && <ReviewPanel outcome={outcomes.review} onOutcome={update} />}
            {tab === "rules" && <RulesPanel view={outcomes.rules} onOutcome={update} ahp={ahpState} onAhp={setAhpState} />}
          </div>
        </main>
      </PaneContext.Provider>
    </FluentProvider>
  );
}
