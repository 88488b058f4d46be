// A customer's timeline 变更历史: its moves as the history sheet 「CRM变更历史」 records them (DOMAIN.md section 8a),
// shown when a churn-risk customer or a finding on a customer's row is selected. Oldest first, as the sheet reads.
import { Body1, Body1Strong, Caption1, mergeClasses } from "@fluentui/react-components";
import type { TimelineEntry } from "../../excel/types";
import { usePane } from "../context";
import { pick } from "../i18n";
import { useShared } from "../ui";

export interface TimelineProps {
  /** Whose timeline: the name (or id) shown in its heading. */
  who: string;
  entries: readonly TimelineEntry[];
  testId?: string;
}

export function Timeline({ who, entries, testId = "timeline" }: TimelineProps): JSX.Element {
  const { t, lang } = usePane();
  const s = useShared();
  const none = t("timeline.none");
  return (
    <section className={s.section} aria-label={t("timeline.title", { name: who })} data-testid={testId}>
      <Body1Strong className={s.wrap}>{t("timeline.title", { name: who })}</Body1Strong>
      {entries.length === 0 ? (
        <Caption1 className={s.muted}>{none}</Caption1>
      ) : (
        <ol className={s.list}>
          {entries.map((e, i) => (
            <li key={`${e.date}|${e.fieldZh}|${i}`} className={s.section} data-testid="timeline-entry">
              <Body1 className={s.wrap}>
                {`${e.date} · ${pick(lang, e.fieldZh, e.fieldEn)}: ${e.from ?? t("timeline.first")} → ${e.to ?? t("timeline.blank")}`}
              </Body1>
              {e.reason !== "" && <Caption1 className={mergeClasses(s.muted, s.wrap)}>{e.reason}</Caption1>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
