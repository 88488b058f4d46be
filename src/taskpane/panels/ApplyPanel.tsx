// 应用标签 Apply tags and 标记流失风险 Highlight churn risk (with 清除标记 Clear highlights), and 移除 CRM 结果
// Remove CRM output after a confirmation. Every number shown is the action's outcome.
import { useId, useState } from "react";
import { Badge, Body1, Body1Strong, Button, Caption1, Checkbox, MessageBar, MessageBarBody, Subtitle2, mergeClasses } from "@fluentui/react-components";
import type { ApplyOutcome, HighlightOutcome, RemoveOutcome } from "../../excel/types";
import { usePane, type Outcomes } from "../context";
import { ActionButton, useShared } from "../ui";
import { LazyDashboard as Dashboard } from "./LazyDashboard";

export interface ApplyPanelProps {
  apply: ApplyOutcome | undefined;
  highlight: HighlightOutcome | undefined;
  cleared: { removed: number } | undefined;
  removed?: RemoveOutcome | undefined;
  onOutcome: (patch: Partial<Outcomes>) => void;
}

export function ApplyPanel({ apply, highlight, cleared, removed, onOutcome }: ApplyPanelProps): JSX.Element {
  const { actions, t, busy, asOfValid, run } = usePane();
  const s = useShared();
  const baseId = useId();
  const [confirming, setConfirming] = useState(false);
  // Asked with the confirmation: the history sheet goes with the rest unless the user keeps it.
  const [keepHistory, setKeepHistory] = useState(false);
  const disabled = !actions || busy || !asOfValid;

  const applyTags = async (): Promise<void> => {
    const o = await run({ name: "applyTags", cancellable: true }, (a, opts) => a.applyTags(opts));
    if (o) onOutcome({ apply: o, removed: undefined });
  };
  const highlightRisk = async (): Promise<void> => {
    const o = await run({ name: "highlightRisk", cancellable: true }, (a, opts) => a.highlightRisk(opts));
    if (o) onOutcome({ highlight: o, cleared: undefined, removed: undefined });
  };
  const clear = async (): Promise<void> => {
    const o = await run({ name: "clearHighlights", cancellable: false }, (a) => a.clearHighlights());
    if (o) onOutcome({ cleared: o, highlight: undefined });
  };
  const removeOutput = async (): Promise<void> => {
    setConfirming(false);
    const o = await run({ name: "removeOutput", cancellable: true }, (a, opts) => a.removeOutput({ ...opts, keepHistory }));
    // The other outcomes described output that is gone now.
    if (o) onOutcome({ removed: o, apply: undefined, highlight: undefined, cleared: undefined, review: undefined });
  };

  const nothingRemoved = removed !== undefined && removed.columns === 0 && removed.rules === 0 && removed.sheets.length === 0;

  return (
    <div className={s.panel}>
      <section className={s.section} aria-label={t("action.applyTags")}>
        <Body1 block className={s.wrap}>
          {t("apply.intro")}
        </Body1>
        <ActionButton label="action.applyTags" appearance="primary" onClick={() => void applyTags()} disabled={disabled} />
        {apply && (
          <MessageBar intent="success" layout="multiline">
            <MessageBarBody>
              <div className={s.section} data-testid="apply-outcome">
                <Body1Strong>{t("apply.done", { customers: apply.customers })}</Body1Strong>
                <Body1 className={s.wrap}>{t("apply.range", { range: apply.range })}</Body1>
                <Caption1>
                  {t("apply.asOf", { asOf: apply.asOf })} · {t("apply.findings", { n: apply.findings })}
                </Caption1>
                {apply.history && (
                  <Caption1 className={s.wrap} data-testid="apply-history">
                    {apply.history.skipped === null ? t("apply.history", { n: apply.history.appended }) : t(`apply.history.${apply.history.skipped}`)}
                  </Caption1>
                )}
              </div>
            </MessageBarBody>
          </MessageBar>
        )}
        {apply?.dashboard && <Dashboard dashboard={apply.dashboard} />}
      </section>

      <section className={s.section} aria-label={t("action.highlightRisk")}>
        <Body1 block className={s.wrap}>
          {t("highlight.intro")}
        </Body1>
        <ActionButton label="action.highlightRisk" onClick={() => void highlightRisk()} disabled={disabled} />
        {highlight && (
          <div className={s.section} data-testid="highlight-outcome">
            <ul className={mergeClasses(s.list, s.row)} style={{ flexDirection: "row" }}>
              <li>
                <Badge color="warning" appearance="tint">{`${t("highlight.atRisk")} ${highlight.atRisk}`}</Badge>
              </li>
              <li>
                <Badge color="danger" appearance="tint">{`${t("highlight.churned")} ${highlight.churned}`}</Badge>
              </li>
              <li>
                <Badge color="important" appearance="tint">{`${t("highlight.overdue")} ${highlight.overdue}`}</Badge>
              </li>
            </ul>
            <Caption1 className={s.muted}>
              {t("apply.asOf", { asOf: highlight.asOf })} · {t("highlight.rules", { n: highlight.rules })}
            </Caption1>
          </div>
        )}
        <ActionButton label="action.clearHighlights" onClick={() => void clear()} disabled={!actions || busy} />
        {cleared && (
          <MessageBar intent="info" layout="multiline">
            <MessageBarBody>{t("highlight.cleared", { n: cleared.removed })}</MessageBarBody>
          </MessageBar>
        )}
      </section>

      <section className={s.section} aria-labelledby={`${baseId}-remove`}>
        <Subtitle2 as="h2" id={`${baseId}-remove`} className={s.heading}>
          {t("action.removeOutput")}
        </Subtitle2>
        <Body1 block className={s.wrap}>
          {t("remove.intro")}
        </Body1>
        {!confirming ? (
          <ActionButton label="action.removeOutput" onClick={() => setConfirming(true)} disabled={!actions || busy} />
        ) : (
          <MessageBar intent="warning" layout="multiline" data-testid="remove-confirm">
            <MessageBarBody>
              <div className={s.section}>
                <Body1 className={s.wrap}>{t("remove.warning")}</Body1>
                <Checkbox checked={keepHistory} onChange={(_e, d) => setKeepHistory(d.checked === true)} label={t("remove.keepHistory")} data-testid="remove-keep-history" />
                <div className={s.row}>
                  <Button appearance="primary" onClick={() => void removeOutput()} disabled={!actions || busy}>
                    {t("remove.confirm")}
                  </Button>
                  <Button onClick={() => setConfirming(false)} disabled={busy}>
                    {t("remove.back")}
                  </Button>
                </div>
              </div>
            </MessageBarBody>
          </MessageBar>
        )}
        {removed && (
          <MessageBar intent={nothingRemoved ? "info" : "success"} layout="multiline">
            <MessageBarBody data-testid="remove-outcome">
              {nothingRemoved ? t("remove.nothing") : t("remove.done", { columns: removed.columns, rules: removed.rules, sheets: removed.sheets.length })}
            </MessageBarBody>
          </MessageBar>
        )}
      </section>
    </div>
  );
}
