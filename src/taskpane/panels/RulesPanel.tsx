// 规则 Rules: the CRM规则 table (key, label, value, default, problem) with an edit field per value, and
// the AHP weight helper.
import { useEffect, useId, useState } from "react";
import { Body1, Body1Strong, Button, Caption1, Field, Input, MessageBar, MessageBarBody, Subtitle2, makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import type { RuleRow, RulesView } from "../../excel/types";
import { usePane, type Outcomes } from "../context";
import { pick } from "../i18n";
import { ActionButton, useShared } from "../ui";
import { AhpHelper, type AhpState } from "./AhpHelper";

const useStyles = makeStyles({
  rule: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalXS,
    padding: `${tokens.spacingVerticalS} 0`,
    borderBottom: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    minWidth: 0,
  },
  key: {
    fontFamily: tokens.fontFamilyMonospace,
  },
  edit: {
    display: "flex",
    alignItems: "flex-end",
    columnGap: tokens.spacingHorizontalS,
    minWidth: 0,
  },
  field: {
    flexGrow: 1,
    minWidth: 0,
  },
});

export interface RulesPanelProps {
  view: RulesView | undefined;
  onOutcome: (patch: Partial<Outcomes>) => void;
  ahp: AhpState;
  onAhp: (s: AhpState) => void;
}

export function RulesPanel({ view, onOutcome, ahp, onAhp }: RulesPanelProps): JSX.Element {
  const { actions, t, lang, busy, run } = usePane();
  const s = useShared();
  const styles = useStyles();
  const id = useId();
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<{ key: string; value: string } | null>(null);

  const load = async (): Promise<void> => {
    const v = await run({ name: "readRules", cancellable: false }, (a) => a.readRules());
    if (v) {
      onOutcome({ rules: v });
      setDrafts({});
      setSaved(null);
    }
  };

  // Show the rules when the tab opens (once; "read rules" refreshes).
  useEffect(() => {
    if (actions && !view && !busy) void load();
  }, []);

  const save = async (row: RuleRow): Promise<void> => {
    const value = drafts[row.key] ?? row.value;
    const v = await run({ name: "writeRule", cancellable: false }, (a) => a.writeRule(row.key, value));
    if (v) {
      onOutcome({ rules: v });
      setDrafts((d) => {
        const next = { ...d };
        delete next[row.key];
        return next;
      });
      setSaved({ key: row.key, value });
    }
  };

  const problems = view ? view.rows.filter((r) => r.problemZh || r.problemEn).length : 0;

  return (
    <div className={s.panel}>
      <Body1 block className={s.wrap}>
        {t("rules.intro")}
      </Body1>
      <ActionButton label="action.readRules" onClick={() => void load()} disabled={!actions || busy} />
      {view && !view.sheetExists && (
        <MessageBar intent="info" layout="multiline">
          <MessageBarBody>{t("rules.noSheet")}</MessageBarBody>
        </MessageBar>
      )}
      {saved && (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody className={s.wrap}>{t("rules.saved", { key: saved.key, value: saved.value === "" ? t("rules.empty") : saved.value })}</MessageBarBody>
        </MessageBar>
      )}
      {problems > 0 && (
        <MessageBar intent="warning" layout="multiline">
          <MessageBarBody>{t("rules.problems", { n: problems })}</MessageBarBody>
        </MessageBar>
      )}
      {view && (
        <section className={s.section} aria-labelledby={`${id}-rules`}>
          <Subtitle2 as="h2" id={`${id}-rules`} className={s.heading}>
            {t("rules.list")}
          </Subtitle2>
          <ul className={s.list} aria-labelledby={`${id}-rules`}>
            {view.rows.map((row, i) => {
              const label = pick(lang, row.labelZh, row.labelEn);
              const problem = row.problemZh || row.problemEn ? pick(lang, row.problemZh ?? row.problemEn ?? "", row.problemEn ?? row.problemZh ?? "") : undefined;
              const draft = drafts[row.key] ?? row.value;
              const changed = draft !== row.value;
              const labelId = `${id}-rule-${i}`;
              return (
                <li key={row.key}>
                  <div className={styles.rule} role="group" aria-labelledby={labelId} data-rule={row.key}>
                    <Body1Strong id={labelId} className={s.wrap}>
                      {label}
                    </Body1Strong>
                    <Caption1 className={mergeClasses(styles.key, s.muted, s.wrap)}>{row.key}</Caption1>
                    <div className={styles.edit}>
                      <Field
                        className={styles.field}
                        label={t("rules.value")}
                        hint={t("rules.default", { value: row.defaultValue === "" ? t("rules.empty") : row.defaultValue })}
                        validationState={problem ? "error" : "none"}
                        validationMessage={problem}
                      >
                        <Input
                          value={draft}
                          aria-label={t("rules.valueAria", { label, key: row.key })}
                          onChange={(_e, d) => setDrafts((x) => ({ ...x, [row.key]: d.value }))}
                          onKeyDown={(e) => {
                            if (e.key === "Enter" && changed && actions && !busy) void save(row);
                          }}
                        />
                      </Field>
                      <Button onClick={() => void save(row)} disabled={!actions || busy || !changed} aria-label={t("rules.saveAria", { key: row.key })}>
                        {t("rules.save")}
                      </Button>
                    </div>
                  </div>
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <AhpHelper state={ahp} onState={onAhp} onRules={(v) => onOutcome({ rules: v })} />
    </div>
  );
}
