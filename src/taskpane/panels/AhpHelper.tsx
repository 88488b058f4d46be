// The AHP (层次分析法) helper: an n×n pairwise comparison matrix (n = 2…8; the upper triangle is edited, the
// lower triangle shows the reciprocals), the engine's ahp() for the weights and the consistency ratio, and
// an option to copy the weights into the weight.* rules. Pure: it needs no workbook except for copying.
import { useId, useMemo } from "react";
import {
  Badge,
  Body1,
  Body1Strong,
  Button,
  Caption1,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  Select,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  mergeClasses,
  tokens,
} from "@fluentui/react-components";
import { INDICATORS, ahp, type AhpResult, type Indicator } from "../../core";
import type { RulesView } from "../../excel/types";
import { usePane } from "../context";
import { pick } from "../i18n";
import { useShared } from "../ui";

export const AHP_MIN = 2;
export const AHP_MAX = 8;

export interface AhpState {
  n: number;
  /** AHP_MAX × AHP_MAX entries as typed; only the upper triangle (i < j) of the first n rows is used. */
  upper: string[][];
  /** The indicator each criterion stands for (its weight goes to `weight.<indicator>`). */
  criteria: Indicator[];
}

export const initialAhp: AhpState = {
  n: 3,
  upper: Array.from({ length: AHP_MAX }, () => Array.from({ length: AHP_MAX }, () => "1")),
  criteria: INDICATORS.map((d) => d.key),
};

/** A positive number, `3`, `0.5`, or a fraction `1/3` (full-width digits allowed); null otherwise. */
export function parseEntry(text: string): number | null {
  const s = text.normalize("NFKC").replace(/\s/g, "");
  const m = /^(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(s);
  if (!m) return null;
  const v = m[2] === undefined ? Number(m[1]) : Number(m[1]) / Number(m[2]);
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** How a reciprocal is shown: `1/3` for 3, `3` for 1/3, else three decimals. */
function reciprocalText(v: number | null): string {
  if (v === null) return "–";
  if (Number.isInteger(v)) return v === 1 ? "1" : `1/${v}`;
  const r = 1 / v;
  if (Math.abs(r - Math.round(r)) < 1e-9) return String(Math.round(r));
  return r.toFixed(3);
}

/** Fixed decimals without a "-0.000". */
export function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return Number(s) === 0 ? (0).toFixed(digits) : s;
}

const useStyles = makeStyles({
  scroller: {
    overflowX: "auto",
    maxWidth: "100%",
  },
  table: {
    tableLayout: "fixed",
    width: "auto",
    minWidth: "100%",
  },
  head: {
    textAlign: "center",
    justifyContent: "center",
    fontWeight: tokens.fontWeightSemibold,
    width: "2.75rem",
    minWidth: "2.25rem",
    paddingLeft: tokens.spacingHorizontalXXS,
    paddingRight: tokens.spacingHorizontalXXS,
  },
  corner: {
    width: "2rem",
  },
  fixedCell: {
    textAlign: "center",
    color: tokens.colorNeutralForeground3,
    paddingLeft: tokens.spacingHorizontalXXS,
    paddingRight: tokens.spacingHorizontalXXS,
  },
  cell: {
    paddingLeft: tokens.spacingHorizontalXXS,
    paddingRight: tokens.spacingHorizontalXXS,
  },
  input: {
    minWidth: 0,
    width: "100%",
  },
  cellInput: {
    textAlign: "center",
    paddingLeft: tokens.spacingHorizontalXXS,
    paddingRight: tokens.spacingHorizontalXXS,
    width: "100%",
  },
});

export interface AhpHelperProps {
  state: AhpState;
  onState: (s: AhpState) => void;
  /** Receives the refreshed rules view after the weights were copied. */
  onRules: (view: RulesView) => void;
}

export function AhpHelper({ state, onState, onRules }: AhpHelperProps): JSX.Element {
  const { actions, t, lang, busy, run } = usePane();
  const s = useShared();
  const styles = useStyles();
  const id = useId();
  const { n } = state;
  const indices = Array.from({ length: n }, (_, i) => i);

  const values = useMemo(() => state.upper.map((row) => row.map(parseEntry)), [state.upper]);
  const bad = indices.some((i) => indices.some((j) => j > i && values[i][j] === null));

  const result = useMemo<AhpResult | "failed" | null>(() => {
    if (bad) return null;
    const matrix = indices.map((i) => indices.map((j) => (i === j ? 1 : j > i ? values[i][j] : null)));
    try {
      return ahp(matrix);
    } catch {
      return "failed";
    }
  }, [bad, n, values]);

  const chosen = state.criteria.slice(0, n);
  const duplicate = new Set(chosen).size !== chosen.length;
  const ok = result !== null && result !== "failed";
  const copyDisabled = !actions || busy || !ok || !result.consistent || duplicate;

  const setN = (next: number): void => onState({ ...state, n: Math.min(AHP_MAX, Math.max(AHP_MIN, next)) });
  const setEntry = (i: number, j: number, text: string): void =>
    onState({ ...state, upper: state.upper.map((row, r) => (r === i ? row.map((v, c) => (c === j ? text : v)) : row)) });
  const setCriterion = (i: number, key: Indicator): void => onState({ ...state, criteria: state.criteria.map((k, r) => (r === i ? key : k)) });

  const copy = async (): Promise<void> => {
    if (!ok) return;
    const weights = chosen.map((key, i) => ({ key: `weight.${key}`, value: fixed(result.weights[i], 4) }));
    // The chosen weights first, so the sheet never holds all-zero weights in between; then the rest as 0.
    const rest = INDICATORS.filter((d) => !chosen.includes(d.key)).map((d) => ({ key: `weight.${d.key}`, value: "0" }));
    const view = await run({ name: "writeRule", cancellable: false }, async (a) => {
      let last: RulesView | undefined;
      for (const w of [...weights, ...rest]) last = await a.writeRule(w.key, w.value);
      return last;
    });
    if (view) onRules(view);
  };

  const indicatorLabel = (key: Indicator): string => {
    const d = INDICATORS.find((x) => x.key === key);
    return d ? pick(lang, d.zh, d.en) : key;
  };

  return (
    <section className={s.section} aria-labelledby={`${id}-title`}>
      <Subtitle2 as="h2" id={`${id}-title`} className={s.heading}>
        {t("ahp.title")}
      </Subtitle2>
      <Caption1 block className={s.wrap}>
        {t("ahp.intro")}
      </Caption1>
      <Field label={t("ahp.size")}>
        <Select value={String(n)} onChange={(_e, d) => setN(Number(d.value))}>
          {Array.from({ length: AHP_MAX - AHP_MIN + 1 }, (_, k) => AHP_MIN + k).map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </Select>
      </Field>

      <div className={styles.scroller}>
        <Table size="extra-small" aria-label={t("ahp.matrix")} className={styles.table} data-testid="ahp-matrix">
          <TableHeader>
            <TableRow>
              <TableCell className={mergeClasses(styles.head, styles.corner)} />
              {indices.map((j) => (
                <TableHeaderCell key={`h${j}`} scope="col" className={styles.head}>{`C${j + 1}`}</TableHeaderCell>
              ))}
            </TableRow>
          </TableHeader>
          <TableBody>
            {indices.map((i) => (
              <TableRow key={`r${i}`}>
                <TableHeaderCell scope="row" className={styles.head}>{`C${i + 1}`}</TableHeaderCell>
                {indices.map((j) => {
                  if (i === j)
                    return (
                      <TableCell key={`${i}-${j}`} className={styles.fixedCell}>
                        1
                      </TableCell>
                    );
                  if (j < i)
                    return (
                      <TableCell key={`${i}-${j}`} className={styles.fixedCell} title={t("ahp.recipAria", { i: i + 1, j: j + 1 })}>
                        {reciprocalText(values[j][i])}
                      </TableCell>
                    );
                  const invalid = values[i][j] === null;
                  return (
                    <TableCell key={`${i}-${j}`} className={styles.cell}>
                      <Input
                        size="small"
                        className={styles.input}
                        input={{ className: styles.cellInput }}
                        value={state.upper[i][j]}
                        inputMode="decimal"
                        aria-label={t("ahp.cellAria", { i: i + 1, j: j + 1 })}
                        aria-invalid={invalid}
                        appearance="outline"
                        style={invalid ? { borderColor: tokens.colorPaletteRedBorder2 } : undefined}
                        onChange={(_e, d) => setEntry(i, j, d.value)}
                      />
                    </TableCell>
                  );
                })}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>

      {indices.map((i) => (
        <Field key={`c${i}`} label={t("ahp.criterion", { i: i + 1 })}>
          <Select value={chosen[i]} onChange={(_e, d) => setCriterion(i, d.value as Indicator)}>
            {INDICATORS.map((d) => (
              <option key={d.key} value={d.key}>
                {`${pick(lang, d.zh, d.en)} (weight.${d.key})`}
              </option>
            ))}
          </Select>
        </Field>
      ))}
      {duplicate && (
        <Body1 role="alert" className={s.wrap}>
          {t("ahp.duplicate")}
        </Body1>
      )}

      {bad && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{t("ahp.badCells")}</MessageBarBody>
        </MessageBar>
      )}
      {result === "failed" && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>{t("ahp.failed")}</MessageBarBody>
        </MessageBar>
      )}
      {ok && (
        <div className={s.section} aria-live="polite" data-testid="ahp-result">
          <Body1Strong as="h3" className={s.subheading}>
            {t("ahp.weights")}
          </Body1Strong>
          <ul className={s.list}>
            {indices.map((i) => (
              <li key={i} className={s.wrap} data-testid={`ahp-weight-${i + 1}`}>
                {t("ahp.weightRow", { i: i + 1, label: indicatorLabel(chosen[i]), w: fixed(result.weights[i], 4) })}
              </li>
            ))}
          </ul>
          <div className={s.row}>
            <Body1>{t("ahp.lambda", { v: fixed(result.lambdaMax, 3) })}</Body1>
            <Body1>{t("ahp.ci", { v: fixed(result.ci, 3) })}</Body1>
            <Body1 data-testid="ahp-cr">{t("ahp.cr", { v: fixed(result.cr, 3) })}</Body1>
            <Badge color={result.consistent ? "success" : "danger"} appearance="filled">
              {result.consistent ? t("ahp.consistent") : t("ahp.inconsistent")}
            </Badge>
          </div>
          <Caption1 block className={mergeClasses(s.wrap, s.muted)}>
            {result.consistent ? t("ahp.copyNote") : t("ahp.copyInconsistent")}
          </Caption1>
          <div className={s.row}>
            <Button onClick={() => void copy()} disabled={copyDisabled}>
              {t("ahp.copy")}
            </Button>
          </div>
        </div>
      )}
    </section>
  );
}
