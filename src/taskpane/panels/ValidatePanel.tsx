// 校验 Validate: summary counts, findings grouped by severity and by table/sheet, filters and search; a
// finding selects its cell; full phone numbers can be masked after a preview.
import { useId, useMemo, useState, type KeyboardEvent } from "react";
import { Badge, Button, Field, Input, MessageBar, MessageBarBody, Select, Text, mergeClasses, makeStyles, tokens } from "@fluentui/react-components";
import { TABLES, type Finding, type FindingCode, type Severity, type TableSummary } from "../../core";
import type { MaskOutcome, ValidateOutcome } from "../../excel/types";
import { usePane, type Outcomes } from "../context";
import { pick, type LabelKey, type Lang } from "../i18n";
import { ActionButton, useShared } from "../ui";

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

export function ValidatePanel({ outcome, mask, onOutcome }: ValidatePanelProps): JSX.Element {
  const { actions, t, lang, busy, asOfValid, run, select } = usePane();
  const s = useShared();
  const styles = useStyles();
  const baseId = useId();
  const [severity, setSeverity] = useState<"all" | Severity>("all");
  const [code, setCode] = useState<"all" | FindingCode>("all");
  const [query, setQuery] = useState("");
  const [limit, setLimit] = useState(PAGE);
  const [previewing, setPreviewing] = useState(false);

  const disabled = !actions || busy || !asOfValid;
  const findings = useMemo(() => outcome?.findings ?? [], [outcome]);

  const validate = async (): Promise<void> => {
    const o = await run({ name: "validate", cancellable: true }, (a, opts) => a.validate(opts));
    if (o) {
      onOutcome({ validate: o, mask: undefined });
      setLimit(PAGE);
      setPreviewing(false);
    }
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

  const onKey = (e: KeyboardEvent<HTMLDivElement>, address: string): void => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      select(address);
    }
  };

  let budget = limit;
  let seq = 0;
  const renderFinding = (f: Finding): JSX.Element => {
    const i = seq++;
    const message = pick(lang, f.message, f.messageEn);
    const fix = pick(lang, f.fix, f.fixEn);
    const fixId = `${baseId}-fix-${i}`;
    const body = (
      <>
        <div className={s.row}>
          {f.address !== "" && (
            <Text weight="semibold" className={s.wrap}>
              {f.address}
            </Text>
          )}
          <Badge appearance="outline" size="small" color={SEVERITY_COLOR[f.severity]}>
            {f.code}
          </Badge>
        </div>
        <Text block className={s.wrap}>
          {message}
        </Text>
        <Text block size={200} className={mergeClasses(s.wrap, s.muted)} id={fixId}>
          {t("validate.fix")}
          {fix}
        </Text>
      </>
    );
    return (
      <li key={`${f.address}|${f.code}|${i}`}>
        {f.address === "" ? (
          <div className={styles.finding}>{body}</div>
        ) : (
          <div
            role="button"
            tabIndex={0}
            className={mergeClasses(styles.finding, styles.clickable, s.focusable)}
            aria-label={t("validate.goto", { address: f.address, message })}
            aria-describedby={fixId}
            data-address={f.address}
            onClick={() => select(f.address)}
            onKeyDown={(e) => onKey(e, f.address)}
          >
            {body}
          </div>
        )}
      </li>
    );
  };

  return (
    <div className={s.panel}>
      <Text block className={s.wrap}>
        {t("validate.intro")}
      </Text>
      <ActionButton label="action.validate" appearance="primary" onClick={() => void validate()} disabled={disabled} />

      {outcome && (
        <section className={s.section} aria-labelledby={`${baseId}-summary`}>
          <h2 id={`${baseId}-summary`} className={mergeClasses(s.heading, s.wrap)}>
            {t("validate.summary", { asOf: outcome.asOf, rows: outcome.summary.rows })}
          </h2>
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

      {outcome && outcome.phones.length > 0 && !mask && (
        <section className={s.section} aria-labelledby={`${baseId}-mask`}>
          <h2 id={`${baseId}-mask`} className={s.heading}>
            {t("mask.title")}
          </h2>
          <Text block className={s.wrap}>
            {t("mask.found", { n: outcome.phones.length })}
          </Text>
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
              <Text block size={200} className={s.wrap}>
                {t("mask.warning")}
              </Text>
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

      {outcome && findings.length === 0 && <Text>{t("validate.none")}</Text>}

      {outcome && findings.length > 0 && (
        <section className={s.section} aria-labelledby={`${baseId}-findings`}>
          <h2 id={`${baseId}-findings`} className={s.heading}>
            {t("validate.findings")}
          </h2>
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
              <Input type="search" value={query} placeholder={t("validate.searchPlaceholder")} onChange={(_e, d) => setQuery(d.value)} />
            </Field>
          </div>
          <Text className={s.muted} aria-live="polite">
            {t("validate.shown", { shown: filtered.length, total: findings.length })}
          </Text>
          {filtered.length === 0 && <Text>{t("validate.noMatch")}</Text>}
          {groups.map((g) => (
            <section key={g.severity} className={s.section} aria-labelledby={`${baseId}-sev-${g.severity}`}>
              <h3 id={`${baseId}-sev-${g.severity}`} className={s.subheading}>
                {t("validate.groupCount", { label: t(SEVERITY_LABEL[g.severity]), n: g.count })}
              </h3>
              {g.sheets.map(([sheet, list]) => {
                const shown = list.slice(0, Math.max(0, budget));
                budget -= shown.length;
                const label = t("validate.groupCount", { label: groupLabel(sheet, outcome.tables, lang, t("validate.workbook")), n: list.length });
                return (
                  <div key={sheet} className={s.section}>
                    <h4 className={mergeClasses(s.subheading, s.wrap, s.muted)}>{label}</h4>
                    {shown.length > 0 && (
                      <ul className={s.list} aria-label={label}>
                        {shown.map(renderFinding)}
                      </ul>
                    )}
                  </div>
                );
              })}
            </section>
          ))}
          {filtered.length > limit && (
            <Button onClick={() => setLimit((l) => l + PAGE)}>{t("validate.more", { n: filtered.length - limit })}</Button>
          )}
        </section>
      )}
    </div>
  );
}
