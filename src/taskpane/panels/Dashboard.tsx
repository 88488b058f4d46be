// The short dashboard after 校验 Validate or 应用标签 Apply: customers by stage as a funnel, tiers as a donut,
// findings by severity as bars (Fluent UI v9 charts), then the customers at risk of churning with the reason and
// the overdue follow-ups, each a Fluent List whose items select the customer's row. Every figure is the
// action's Dashboard (src/excel/dashboard.ts); nothing is computed here but labels and colours.
import { useEffect, useId, useRef, useState } from "react";
import {
  Badge,
  Body1,
  Body1Strong,
  Caption1,
  List,
  ListItem,
  Subtitle2,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import { DataVizPalette, DonutChart, FunnelChart, HorizontalBarChart, HorizontalBarChartVariant, getColorFromToken } from "@fluentui/react-charts";
import type { Dashboard as DashboardData, DashboardCount, DashboardCustomer } from "../../excel/types";
import { Timeline } from "./Timeline";
import { usePane } from "../context";
import { pick } from "../i18n";
import { useRovingFocus, useShared } from "../ui";

const STAGE_COLORS = [DataVizPalette.color1, DataVizPalette.color2, DataVizPalette.color3, DataVizPalette.color4, DataVizPalette.warning, DataVizPalette.error];
const TIER_COLORS: Record<string, string> = {
  strategic: DataVizPalette.color5,
  key: DataVizPalette.color6,
  regular: DataVizPalette.color7,
  watch: DataVizPalette.color8,
};

const useStyles = makeStyles({
  root: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalM,
    padding: tokens.spacingHorizontalS,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
    minWidth: 0,
  },
  chart: {
    width: "100%",
    minWidth: 0,
    overflow: "hidden",
  },
  item: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalXXS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusMedium,
    border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`,
    cursor: "pointer",
    ":hover": { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  list: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalXS,
    maxHeight: "320px",
    overflowY: "auto",
    margin: 0,
    padding: "2px",
  },
});

/** The width the charts may use: the container's, followed as the pane is resized. */
function useWidth(initial: number): [React.RefObject<HTMLDivElement>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const measure = () => {
      const w = el.clientWidth;
      if (w > 0) setWidth(Math.max(200, Math.floor(w)));
    };
    measure();
    if (typeof ResizeObserver === "undefined") return undefined;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}

export interface DashboardProps {
  dashboard: DashboardData;
}

export function Dashboard({ dashboard }: DashboardProps): JSX.Element {
  const { t, lang, theme } = usePane();
  const s = useShared();
  const styles = useStyles();
  const id = useId();
  const dark = theme === "dark";
  const [chartRef, width] = useWidth(288);
  const color = (token: string) => getColorFromToken(token, dark);
  const label = (c: DashboardCount) => pick(lang, c.zh, c.en);

  const stages = dashboard.stages.filter((c) => c.key !== "undetermined");
  const undetermined = dashboard.stages.find((c) => c.key === "undetermined")?.count ?? 0;
  const funnel = stages.filter((c) => c.count > 0).map((c) => ({ stage: label(c), value: c.count, color: color(STAGE_COLORS[stages.indexOf(c) % STAGE_COLORS.length]) }));
  const tiers = dashboard.tiers.filter((c) => c.count > 0);
  const scored = dashboard.tiers.filter((c) => c.key !== "undetermined").reduce((n, c) => n + c.count, 0);
  const { errors, warnings, infos } = dashboard.findings;
  // Each bar is its count out of all findings ("错误, 4/8."), drawn to the same scale.
  const findingsTotal = Math.max(1, errors + warnings + infos);
  const severity = [
    { label: t("validate.errors"), n: errors, token: DataVizPalette.error },
    { label: t("validate.warnings"), n: warnings, token: DataVizPalette.warning },
    { label: t("validate.infos"), n: infos, token: DataVizPalette.info },
  ];
  const stageLabel = (zh: string) => {
    const c = dashboard.stages.find((x) => x.zh === zh);
    return c ? label(c) : zh;
  };

  return (
    <section className={styles.root} aria-labelledby={`${id}-title`} data-testid="dashboard">
      <div>
        <Subtitle2 as="h2" id={`${id}-title`} block className={s.heading}>
          {t("dash.title")}
        </Subtitle2>
        <Caption1 className={s.muted}>{t("dash.customers", { n: dashboard.customers })}</Caption1>
      </div>

      <div role="group" className={s.section} aria-labelledby={`${id}-stages`} data-testid="dashboard-stages">
        <Body1Strong as="h3" id={`${id}-stages`} className={s.subheading}>
          {t("dash.stages")}
        </Body1Strong>
        <div ref={chartRef} className={styles.chart}>
          {funnel.length > 0 && <FunnelChart data={funnel} chartTitle={t("dash.stages")} width={width} height={Math.max(160, funnel.length * 40)} hideLegend culture={lang === "zh" ? "zh-CN" : "en-US"} />}
        </div>
        {undetermined > 0 && <Caption1 className={s.muted}>{t("dash.undetermined", { n: undetermined })}</Caption1>}
      </div>

      {tiers.length > 0 && (
        <div role="group" className={s.section} aria-labelledby={`${id}-tiers`} data-testid="dashboard-tiers">
          <Body1Strong as="h3" id={`${id}-tiers`} className={s.subheading}>
            {t("dash.tiers")}
          </Body1Strong>
          <div className={styles.chart}>
            <DonutChart
              data={{
                chartTitle: t("dash.tierCounts"),
                chartData: tiers.map((c) => ({ legend: label(c), data: c.count, color: color(TIER_COLORS[c.key] ?? DataVizPalette.disabled) })),
              }}
              width={Math.min(width, 320)}
              height={200}
              innerRadius={48}
              valueInsideDonut={scored}
              hideLabels={false}
              legendProps={{ enabledWrapLines: true, centerLegends: true }}
              culture={lang === "zh" ? "zh-CN" : "en-US"}
            />
          </div>
        </div>
      )}

      <div role="group" className={s.section} aria-labelledby={`${id}-findings`} data-testid="dashboard-findings">
        <Body1Strong as="h3" id={`${id}-findings`} className={s.subheading}>
          {t("dash.findings")}
        </Body1Strong>
        <div className={styles.chart}>
          <HorizontalBarChart
            variant={HorizontalBarChartVariant.AbsoluteScale}
            data={severity.map((x) => ({
              chartTitle: x.label,
              chartData: [{ legend: x.label, horizontalBarChartdata: { x: x.n, total: findingsTotal }, color: color(x.token) }],
            }))}
            culture={lang === "zh" ? "zh-CN" : "en-US"}
          />
        </div>
      </div>

      <CustomerList
        title={t("dash.atRisk", { n: dashboard.atRisk.total })}
        none={t("dash.atRiskNone")}
        total={dashboard.atRisk.total}
        customers={dashboard.atRisk.customers}
        testId="dashboard-at-risk"
        stageLabel={stageLabel}
      />
      <CustomerList
        title={t("dash.overdue", { n: dashboard.overdue.total })}
        none={t("dash.overdueNone")}
        total={dashboard.overdue.total}
        customers={dashboard.overdue.customers}
        testId="dashboard-overdue"
        stageLabel={stageLabel}
        showNext
      />
      {dashboard.likelyLost &&
        (dashboard.likelyLost.reasonZh !== null ? (
          <section className={s.section} data-testid="dashboard-likely-lost">
            <Body1Strong as="h3" className={s.subheading}>
              {t("dash.likelyLostTitle")}
            </Body1Strong>
            <Caption1 className={mergeClasses(s.muted, s.wrap)}>{t("dash.likelyLostUnfitted", { reason: pick(lang, dashboard.likelyLost.reasonZh, dashboard.likelyLost.reasonEn ?? "") })}</Caption1>
          </section>
        ) : (
          <CustomerList
            title={t("dash.likelyLost", { n: dashboard.likelyLost.total })}
            none={t("dash.likelyLostNone")}
            total={dashboard.likelyLost.total}
            customers={dashboard.likelyLost.customers}
            testId="dashboard-likely-lost"
            stageLabel={stageLabel}
          />
        ))}
    </section>
  );
}

interface CustomerListProps {
  title: string;
  none: string;
  total: number;
  customers: DashboardCustomer[];
  testId: string;
  stageLabel: (zh: string) => string;
  /** Show the next follow-up date (the overdue list). */
  showNext?: boolean;
}

/** Customers as a Fluent List: one tab stop, arrow keys between them, Enter/click selects the row. */
function CustomerList({ title, none, total, customers, testId, stageLabel, showNext }: CustomerListProps): JSX.Element {
  const { t, lang, select } = usePane();
  const s = useShared();
  const styles = useStyles();
  const id = useId();
  const roving = useRovingFocus(customers.length);
  // The customer last selected: its timeline (the history sheet's record of its moves) shows under the list.
  const [chosen, setChosen] = useState<number | null>(null);
  const picked = chosen !== null ? customers[chosen] : undefined;
  return (
    <section className={s.section} aria-labelledby={`${id}-title`} data-testid={testId}>
      <Body1Strong as="h3" id={`${id}-title`} className={s.subheading}>
        {title}
      </Body1Strong>
      {customers.length === 0 ? (
        <Caption1 className={s.muted}>{none}</Caption1>
      ) : (
        <>
          {total > customers.length && <Caption1 className={s.muted}>{t("dash.listed", { n: customers.length, total })}</Caption1>}
          <List className={styles.list} aria-labelledby={`${id}-title`}>
            {customers.map((c, i) => {
              const reason = pick(lang, c.reasonZh, c.reasonEn);
              const descId = `${id}-d${i}`;
              return (
                <ListItem
                  key={`${c.id}|${c.address}`}
                  {...roving(i)}
                  className={mergeClasses(styles.item, s.focusable)}
                  aria-label={t("dash.goto", { name: c.name || c.id, address: c.address })}
                  aria-describedby={descId}
                  data-address={c.address}
                  onAction={() => {
                    setChosen(i);
                    select(c.address);
                  }}
                >
                  <div className={s.row}>
                    <Body1Strong className={s.wrap}>{c.name || c.id}</Body1Strong>
                    <Caption1 className={s.muted}>{c.id}</Caption1>
                    {c.pAlive !== undefined && (
                      <Badge size="small" appearance="tint" color={c.pAlive < 0.2 ? "danger" : "warning"}>
                        {t("dash.pAlive", { pct: `${(c.pAlive * 100).toFixed(1)}%` })}
                      </Badge>
                    )}
                    {c.warnings.map((w) => (
                      <Badge key={w} size="small" appearance="tint" color="warning">
                        {w}
                      </Badge>
                    ))}
                  </div>
                  <div id={descId} className={s.section}>
                    <Body1 className={s.wrap}>{reason}</Body1>
                    <Caption1 className={mergeClasses(s.muted, s.wrap)}>
                      {t("dash.stageOf", { stage: stageLabel(c.stage) })}
                      {showNext ? ` · ${c.nextFollowUp ? t("dash.next", { date: c.nextFollowUp }) : t("dash.noNext")}` : ""}
                    </Caption1>
                  </div>
                </ListItem>
              );
            })}
          </List>
          {picked && <Timeline who={picked.name || picked.id} entries={picked.timeline} testId={`${testId}-timeline`} />}
        </>
      )}
    </section>
  );
}
