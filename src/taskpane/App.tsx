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
  Caption1,
  Title3,
  makeStyles,
  mergeClasses,
  tokens,
  webDarkTheme,
  webLightTheme,
  type SelectTabData,
} from "@fluentui/react-components";
import { ActionError, COMMAND_ERROR_EVENT, type ActionErrorKind, type CrmActions, type Progress, type RunOptions } from "../excel/types";
import { PaneContext, type Outcomes, type PaneContextValue, type RunSpec } from "./context";
import { isYmd, pick, todayYmd, translate, type LabelKey, type Lang, type Vars } from "./i18n";
import { initialLang, initialTheme, rememberLang, systemTheme, themeOfOfficeTheme, type HostContext, type ThemeName } from "./host";
import { ValidatePanel } from "./panels/ValidatePanel";
import { ApplyPanel } from "./panels/ApplyPanel";
import { ReviewPanel } from "./panels/ReviewPanel";
import { RulesPanel } from "./panels/RulesPanel";
import { initialAhp, type AhpState } from "./panels/AhpHelper";
import { useShared } from "./ui";

export interface AppProps {
  /** The workbook actions (src/excel/types.ts CrmActions); absent outside Excel. */
  actions?: CrmActions;
  /**
   * Forces the initial language (tests, harnesses). Without it: the user's remembered choice, else Office's
   * display language (`host.displayLanguage`: zh-* → Chinese, otherwise English), else Chinese.
   */
  lang?: Lang;
  /** Forces the theme. Without it: Office's theme (`host.officeTheme`), else the browser's prefers-color-scheme. */
  theme?: ThemeName;
  /** What Office says about itself (index.tsx reads Office.context after Office.onReady); absent outside Office. */
  host?: HostContext;
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
  title: { margin: 0, display: "block" },
  tabs: { flexWrap: "wrap" },
  subtitle: { margin: 0 },
});

const ERROR_TITLE: Record<ShownError["kind"], LabelKey> = {
  noCustomers: "error.noCustomers",
  changed: "error.changed",
  cancelled: "error.cancelled",
  busy: "error.busy",
  protected: "error.protected",
  blocked: "error.blocked",
  payload: "error.payload",
  addin: "error.addin",
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
  const [lang, setLangState] = useState<Lang>(() => props.lang ?? initialLang(props.host));
  // An explicit choice is remembered and wins over Office's language next time.
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    rememberLang(l);
  }, []);
  const officeTheme = props.theme ?? themeOfOfficeTheme(props.host?.officeTheme);
  const [theme, setTheme] = useState<ThemeName>(() => officeTheme ?? initialTheme(undefined));
  // Outside Office (no theme from the host), follow the browser's colour scheme as it changes.
  useEffect(() => {
    if (officeTheme) {
      setTheme(officeTheme);
      return undefined;
    }
    const mq = typeof window !== "undefined" && typeof window.matchMedia === "function" ? window.matchMedia("(prefers-color-scheme: dark)") : undefined;
    if (!mq || typeof mq.addEventListener !== "function") return undefined;
    const follow = () => setTheme(systemTheme());
    mq.addEventListener("change", follow);
    return () => mq.removeEventListener("change", follow);
  }, [officeTheme]);
  const fluentTheme = theme === "dark" ? webDarkTheme : webLightTheme;
  // The page behind the pane takes the theme's background too (no white margins around a dark pane).
  useEffect(() => {
    if (typeof document === "undefined") return;
    document.body.style.backgroundColor = fluentTheme.colorNeutralBackground1;
    document.documentElement.style.colorScheme = theme;
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en-US";
  }, [fluentTheme, theme, lang]);
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
    () => ({ actions, lang, t, theme, asOf, asOfValid, busy: running !== null, run, select }),
    [actions, lang, t, theme, asOf, asOfValid, running, run, select],
  );

  const update = useCallback((patch: Partial<Outcomes>) => setOutcomes((o) => ({ ...o, ...patch })), []);

  return (
    <FluentProvider theme={fluentTheme} lang={lang === "zh" ? "zh-CN" : "en-US"} data-theme={theme}>
      <PaneContext.Provider value={context}>
        <main className={styles.root} aria-busy={running !== null}>
          <header className={styles.header}>
            <div>
              <Title3 as="h1" className={styles.title}>
                {t("app.title")}
              </Title3>
              <Caption1 as="p" block className={mergeClasses(shared.muted, styles.subtitle)}>
                {t("app.subtitle")}
              </Caption1>
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
            {tab === "validate" && <ValidatePanel outcome={outcomes.validate} mask={outcomes.mask} templates={outcomes.templates} onOutcome={update} />}
            {tab === "apply" && <ApplyPanel apply={outcomes.apply} highlight={outcomes.highlight} cleared={outcomes.cleared} removed={outcomes.removed} onOutcome={update} />}
            {tab === "review" && <ReviewPanel outcome={outcomes.review} onOutcome={update} />}
            {tab === "rules" && <RulesPanel view={outcomes.rules} onOutcome={update} ahp={ahpState} onAhp={setAhpState} />}
          </div>
        </main>
      </PaneContext.Provider>
    </FluentProvider>
  );
}
