// 生成复盘 Build review: the sheets, PivotTables and charts the action created; when the host lacks
// ExcelApi 1.8 the action wrote plain tables instead, and the pane says so.
import { Body1, Body1Strong, Caption1, MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import type { ReviewOutcome } from "../../excel/types";
import { usePane, type Outcomes } from "../context";
import { ActionButton, useShared } from "../ui";

export interface ReviewPanelProps {
  outcome: ReviewOutcome | undefined;
  onOutcome: (patch: Partial<Outcomes>) => void;
}

export function ReviewPanel({ outcome, onOutcome }: ReviewPanelProps): JSX.Element {
  const { actions, t, busy, asOfValid, run } = usePane();
  const s = useShared();

  const build = async (): Promise<void> => {
    const o = await run({ name: "buildReview", cancellable: true }, (a, opts) => a.buildReview(opts));
    if (o) onOutcome({ review: o, removed: undefined });
  };

  return (
    <div className={s.panel}>
      <Body1 block className={s.wrap}>
        {t("review.intro")}
      </Body1>
      <ActionButton label="action.buildReview" appearance="primary" onClick={() => void build()} disabled={!actions || busy || !asOfValid} />
      {outcome && (
        <section className={s.section} data-testid="review-outcome" aria-label={t("action.buildReview")}>
          {outcome.fallback && (
            <MessageBar intent="warning" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>{t("review.fallback.title")}</MessageBarTitle> {t("review.fallback.body")}
              </MessageBarBody>
            </MessageBar>
          )}
          <Caption1 className={s.muted}>{t("apply.asOf", { asOf: outcome.asOf })}</Caption1>
          <Body1Strong as="h2" className={s.subheading}>
            {t("review.sheets", { n: outcome.sheets.length })}
          </Body1Strong>
          <ul className={s.list}>
            {outcome.sheets.map((name) => (
              <li key={name} className={s.wrap}>
                <Body1>{name}</Body1>
              </li>
            ))}
          </ul>
          <Body1>{t("review.pivots", { n: outcome.pivotTables })}</Body1>
          <Body1>{t("review.charts", { n: outcome.charts })}</Body1>
        </section>
      )}
    </div>
  );
}
