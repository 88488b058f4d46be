// 校验 Validate: summary counts, the dashboard, findings ordered by severity and by table/sheet in one Fluent
// List (one tab stop, arrow keys between findings), filters and search; a finding selects its cell; full phone
// numbers can be masked after a preview.
import { useId, useMemo, useState } from "react";
import {
  Badge,
  Body1,
  Body1Strong,
  Button,
  Caption1,
  Checkbox,
  Field,
  List,
  ListItem,
  MessageBar,
  MessageBarBody,
  SearchBox,
  Select,
  Subtitle2,
  Text,
  mergeClasses,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { TABLES, type Finding, type FindingCode, type Severity, type TableKind, type TableSummary } from "../../core";
import { TEMPLATE_KINDS } from "../../workbook/templates";
import type { MaskOutcome, TemplatesOutcome, ValidateOutcome } from "../../excel/types";
import { usePane, type Outcomes } from "../context";
import { pick, type LabelKey, type Lang } from "../i18n";
import { ActionButton, useRovingFocus, useShared } from "../ui";
import { LazyDashboard as Dashboard } from "./LazyDashboard";
import { Timeline } from "./Timeline";

/** Findings rendered at first (and added per "show more"); the counts always cover all of them. */
const PAGE = 200;

const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];
const SEVERITY_LABEL: Record<Severity, LabelKey> = { error: "validate.errors", warning: "validate.warnings", info: "validate.infos" };
const SEVERITY_COLOR = { error: "danger", warning: "warning", info: "informative" } as const;

const useStyles = makeStyles({
  finding: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
    minWidth: 0,
  },
  clickable: {
    cursor: "pointer",
    ":hover": { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  findings: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalXS,
    margin: 0,
    padding: "2px",
  },
  group: {
    color: tokens.colorNeutralForeground3,
    paddingTop: tokens.spacingVerticalXS,
  },
  filters: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalS,
  },
  preview: {
    maxHeight: "240px",
    overflowY: "auto",
  },
});

export interface ValidatePanelProps {
  outcome: ValidateOutcome | undefined;
  mask: MaskOutcome | undefined;
  templates?: TemplatesOutcome;
  onOutcome: (patch: Partial<Outcomes>) => void;
}

/** "客户 · Sheet1" for a sheet holding a recognised table, the sheet name otherwise, "工作簿" for workbook-level findings. */
function groupLabel(sheet: string, tables: readonly TableSummary[], lang: Lang, workbook: string): string {
  if (sheet === "") return workbook;
  const kinds = [...new Set(tables.filter((x) => x.sheet === sheet).map((x) => x.kind))];
  const names = kinds.map((k) => pick(lang, TABLES[k].labelZh, TABLES[k].labelEn)).filter((n) => n !== sheet);
  return names.length === 0 ? sheet : `${names.join(lang === "zh" ? "、" : ", ")} · ${sheet}`;
}

function matches(f: Finding, q: string): boolean {
  return [f.address, f.code, f.sheet, f.column, f.message, f.messageEn, f.fix, f.fixEn].some((s) => s.toLowerCase().includes(q));
}

export function ValidatePanel({ outcome, mask, templates, onOutcome }: ValidatePanelProps): JSX.Element {
  const { actions, t, lang, busy, asOfValid, run, select } = usePane();
  const s = useShared();
  const styles = useStyles();
  const baseId = useId();
  const [severity, setSeverity] = useState<"all" | Severity>("all");
  const [code, setCode] = useState<"all" | FindingCode>("all");
  const [query, setQuery] = useState("");
  const [limit, setLimit] = useState(PAGE);
  const [previewing, setPreviewing] = useState(false);
  // The finding last selected: when its row is a customer's with a history, that customer's timeline shows.
  const [chosen, setChosen] = useState<Finding | null>(null);
  const timeline = chosen && chosen.row > 0 ? outcome?.timelines?.[`${chosen.address.slice(0, chosen.address.lastIndexOf("!"))}!A${chosen.row}`] : undefined;

  const disabled = !actions || busy || !asOfValid;
  const findings = useMemo(() => outcome?.findings ?? [], [outcome]);

  const validate = async (): Promise<void> => {
    const o = await run({ name: "validate", cancellable: true }, (a, opts) => a.validate(opts));
    if (o) {
      onOutcome({ validate: o, mask: undefined });
      setChosen(null);
      setLimit(PAGE);
      setPreviewing(false);
    }
  };

  // The template tables to create (all seven by default); a table the workbook has already is left alone and named.
  const [kinds, setKinds] = useState<readonly TableKind[]>(TEMPLATE_KINDS);
  const createTemplates = async (): Promise<void> => {
    const o = await run({ name: "createTemplates", cancellable: false }, (a, opts) => a.createTemplates({ ...opts, lang, kinds: [...kinds] }));
    if (o) onOutcome({ templates: o });
  };

  const confirmMask = async (): Promise<void> => {
    const m = await run({ name: "maskPhones", cancellable: true }, (a, opts) => a.maskPhones(opts));
    if (m) {
      onOutcome({ mask: m });
      setPreviewing(false);
    }
  };

  const codeCounts = useMemo(() => {
    const counts = new Map<FindingCode, number>();
    for (const f of findings) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
    return [...counts.entries()];
  }, [findings]);

  const filtered = useMemo(() => {
    const q = query.trim().toLowerCase();
    return findings.filter((f) => (severity === "all" || f.severity === severity) && (code === "all" || f.code === code) && (q === "" || matches(f, q)));
  }, [findings, severity, code, query]);

  const groups = useMemo(
    () =>
      SEVERITIES.map((sev) => {
        const bySheet = new Map<string, Finding[]>();
        for (const f of filtered) {
          if (f.severity !== sev) continue;
          const list = bySheet.get(f.sheet);
          if (list) list.push(f);
          else bySheet.set(f.sheet, [f]);
        }
        return { severity: sev, count: [...bySheet.values()].reduce((n, l) => n + l.length, 0), sheets: [...bySheet.entries()] };
      }).filter((g) => g.count > 0),
    [filtered],
  );

  // The findings shown, in the order of the groups (severity, then table/sheet), each with the group it starts.
  const shown = useMemo(() => {
    const list: { f: Finding; group?: string }[] = [];
    for (const g of groups) {
      for (const [sheet, fs] of g.sheets) {
        fs.forEach((f, k) => {
          if (list.length < limit) list.push({ f, group: k === 0 ? `${t(SEVERITY_LABEL[g.severity])} · ${t("validate.groupCount", { label: groupLabel(sheet, outcome?.tables ?? [], lang, t("validate.workbook")), n: fs.length })}` : undefined });
        });
      }
    }
    return list;
  }, [groups, limit, t, lang, outcome]);
  const roving = useRovingFocus(shown.length);

  const renderFinding = ({ f, group }: { f: Finding; group?: string }, i: number): JSX.Element => {
    const message = pick(lang, f.message, f.messageEn);
    const fix = pick(lang, f.fix, f.fixEn);
    const fixId = `${baseId}-fix-${i}`;
    return (
      <ListItem
        key={`${f.address}|${f.code}|${i}`}
        {...roving(i)}
        className={mergeClasses(styles.finding, f.address !== "" && styles.clickable, s.focusable)}
        aria-label={f.address === "" ? message : t("validate.goto", { address: f.address, message })}
        aria-describedby={fixId}
        data-address={f.address === "" ? undefined : f.address}
        data-severity={f.severity}
        onAction={f.address === "" ? undefined : () => {
          setChosen(f);
          select(f.address);
        }}
      >
        {group && (
          <Caption1 block className={mergeClasses(styles.group, s.wrap)} data-group="">
            {group}
          </Caption1>
        )}
        <div className={s.row}>
          {f.address !== "" && <Body1Strong className={s.wrap}>{f.address}</Body1Strong>}
          <Badge appearance="outline" size="small" color={SEVERITY_COLOR[f.severity]}>
            {f.code}
          </Badge>
        </div>
        <Body1 block className={s.wrap}>
          {message}
        </Body1>
        <Caption1 block className={mergeClasses(s.wrap, s.muted)} id={fixId}>
          {t("validate.fix")}
          {fix}
        </Caption1>
      </ListItem>
    );
  };

  return (
    <div className={s.panel}>
      <Body1 block className={s.wrap}>
        {t("validate.intro")}
      </Body1>
      <ActionButton label="action.validate" appearance="primary" onClick={() => void validate()} disabled={disabled} />
      <Body1 block className={s.wrap}>
        {t("templates.intro")}
      </Body1>
      <div role="group" aria-label={t("templates.choose")} className={s.row} data-testid="templates-kinds">
        {TEMPLATE_KINDS.map((k) => (
          <Checkbox
            key={k}
            checked={kinds.includes(k)}
            label={pick(lang, TABLES[k].labelZh, TABLES[k].labelEn)}
            onChange={(_e, d) => setKinds(TEMPLATE_KINDS.filter((x) => (x === k ? d.checked === true : kinds.includes(x))))}
          />
        ))}
      </div>
      <ActionButton label="action.createTemplates" onClick={() => void createTemplates()} disabled={!actions || busy || kinds.length === 0} />
      {templates && (
        <MessageBar intent={templates.created.length > 0 ? "success" : "info"} layout="multiline" data-testid="templates-outcome">
          <MessageBarBody>
            {templates.created.length > 0 ? t("templates.created", { sheets: templates.created.map((c) => c.sheet).join(lang === "zh" ? "、" : ", ") }) : t("templates.none")}
            {templates.present.length > 0 ? ` ${t("templates.present", { sheets: templates.present.map((p) => p.sheet).join(lang === "zh" ? "、" : ", ") })}` : ""}
          </MessageBarBody>
        </MessageBar>
      )}

      {outcome && (
        <section className={s.section} aria-labelledby={`${baseId}-summary`}>
          <Subtitle2 as="h2" id={`${baseId}-summary`} className={mergeClasses(s.heading, s.wrap)}>
            {t("validate.summary", { asOf: outcome.asOf, rows: outcome.summary.rows })}
          </Subtitle2>
          <ul className={mergeClasses(s.list, s.row)} style={{ flexDirection: "row" }}>
            <li>
              <Badge color="danger" appearance={outcome.summary.errors > 0 ? "filled" : "tint"} data-testid="count-errors">
                {`${t("validate.errors")} ${outcome.summary.errors}`}
              </Badge>
            </li>
            <li>
              <Badge color="warning" appearance={outcome.summary.warnings > 0 ? "filled" : "tint"} data-testid="count-warnings">
                {`${t("validate.warnings")} ${outcome.summary.warnings}`}
              </Badge>
            </li>
            <li>
              <Badge color="informative" appearance="tint" data-testid="count-infos">
                {`${t("validate.infos")} ${outcome.summary.infos}`}
              </Badge>
            </li>
          </ul>
        </section>
      )}

      {outcome?.dashboard && <Dashboard dashboard={outcome.dashboard} />}

      {outcome && outcome.phones.length > 0 && !mask && (
        <section className={s.section} aria-labelledby={`${baseId}-mask`}>
          <Subtitle2 as="h2" id={`${baseId}-mask`} className={s.heading}>
            {t("mask.title")}
          </Subtitle2>
          <Body1 block className={s.wrap}>
            {t("mask.found", { n: outcome.phones.length })}
          </Body1>
          {!previewing ? (
            <ActionButton label="action.maskPhones" onClick={() => setPreviewing(true)} disabled={disabled} />
          ) : (
            <>
              <ul className={mergeClasses(s.list, styles.preview)} aria-label={t("mask.previewList")} tabIndex={0}>
                {outcome.phones.slice(0, PAGE).map((p) => (
                  <li key={p.address} className={s.wrap}>
                    <Text weight="semibold">{p.address}</Text> → <Text>{p.masked}</Text>
                  </li>
                ))}
              </ul>
              {outcome.phones.length > PAGE && <Text className={s.muted}>{t("mask.more", { n: outcome.phones.length - PAGE })}</Text>}
              <Caption1 block className={s.wrap}>
                {t("mask.warning")}
              </Caption1>
              <div className={s.row}>
                <Button appearance="primary" onClick={() => void confirmMask()} disabled={disabled}>
                  {t("mask.confirm", { n: outcome.phones.length })}
                </Button>
                <Button onClick={() => setPreviewing(false)} disabled={busy}>
                  {t("mask.back")}
                </Button>
              </div>
            </>
          )}
        </section>
      )}
      {mask && (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>{t("mask.done", { cells: mask.cells, numbers: mask.numbers })}</MessageBarBody>
        </MessageBar>
      )}

      {outcome && findings.length === 0 && <Body1>{t("validate.none")}</Body1>}

      {outcome && findings.length > 0 && (
        <section className={s.section} aria-labelledby={`${baseId}-findings`}>
          <Subtitle2 as="h2" id={`${baseId}-findings`} className={s.heading}>
            {t("validate.findings")}
          </Subtitle2>
          <div className={styles.filters}>
            <Field label={t("validate.filterSeverity")}>
              <Select value={severity} onChange={(_e, d) => setSeverity(d.value as "all" | Severity)}>
                <option value="all">{t("validate.all")}</option>
                {SEVERITIES.map((sev) => (
                  <option key={sev} value={sev}>
                    {t(SEVERITY_LABEL[sev])}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={t("validate.filterCode")}>
              <Select value={code} onChange={(_e, d) => setCode(d.value as "all" | FindingCode)}>
                <option value="all">{t("validate.all")}</option>
                {codeCounts.map(([c, n]) => (
                  <option key={c} value={c}>
                    {`${c} (${n})`}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={t("validate.search")}>
              <SearchBox value={query} placeholder={t("validate.searchPlaceholder")} onChange={(_e, d) => setQuery(d.value)} />
            </Field>
          </div>
          <Caption1 className={s.muted} aria-live="polite">
            {t("validate.shown", { shown: filtered.length, total: findings.length })}
          </Caption1>
          {filtered.length === 0 ? (
            <Body1>{t("validate.noMatch")}</Body1>
          ) : (
            <Caption1 className={s.muted}>{groups.map((g) => t("validate.groupCount", { label: t(SEVERITY_LABEL[g.severity]), n: g.count })).join(" · ")}</Caption1>
          )}
          {shown.length > 0 && (
            <List className={styles.findings} aria-labelledby={`${baseId}-findings`} data-testid="findings">
              {shown.map(renderFinding)}
            </List>
          )}
          {filtered.length > limit && (
            <Button onClick={() => setLimit((l) => l + PAGE)}>{t("validate.more", { n: filtered.length - limit })}</Button>
          )}
          {timeline && <Timeline who={timeline.name || timeline.id} entries={timeline.entries} testId="finding-timeline" />}
        </section>
      )}
    </div>
  );
}
