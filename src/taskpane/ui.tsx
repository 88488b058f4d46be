// Small building blocks shared by the panels: the bilingual action button and the pane's common styles
// (single column, wrapping text, visible keyboard focus — the pane is often only 320 px wide).
import { CompoundButton, createFocusOutlineStyle, makeStyles, tokens } from "@fluentui/react-components";
import { usePane } from "./context";
import { LABELS, otherLang, type LabelKey } from "./i18n";

export const useShared = makeStyles({
  panel: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalM,
    minWidth: 0,
  },
  section: {
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalS,
    minWidth: 0,
  },
  row: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    columnGap: tokens.spacingHorizontalS,
    rowGap: tokens.spacingVerticalXS,
  },
  wrap: {
    overflowWrap: "anywhere",
    wordBreak: "break-word",
    whiteSpace: "normal",
  },
  muted: {
    color: tokens.colorNeutralForeground3,
  },
  list: {
    listStyleType: "none",
    margin: 0,
    padding: 0,
    display: "flex",
    flexDirection: "column",
    rowGap: tokens.spacingVerticalXS,
  },
  heading: {
    margin: 0,
    fontSize: tokens.fontSizeBase400,
    fontWeight: tokens.fontWeightSemibold,
    lineHeight: tokens.lineHeightBase400,
  },
  subheading: {
    margin: 0,
    fontSize: tokens.fontSizeBase300,
    fontWeight: tokens.fontWeightSemibold,
    lineHeight: tokens.lineHeightBase300,
  },
  focusable: {
    ...createFocusOutlineStyle(),
  },
  actionButton: {
    width: "100%",
    maxWidth: "100%",
    justifyContent: "flex-start",
    textAlign: "start",
  },
});

/** A full-width action button: the label in the pane's language with the other language beside it. */
export function ActionButton(props: { label: LabelKey; onClick: () => void; disabled?: boolean; appearance?: "primary" | "secondary" }): JSX.Element {
  const { lang, t } = usePane();
  const s = useShared();
  return (
    <CompoundButton
      className={s.actionButton}
      appearance={props.appearance ?? "secondary"}
      disabled={props.disabled}
      onClick={props.onClick}
      secondaryContent={LABELS[props.label][otherLang(lang)]}
      aria-label={`${t(props.label)} ${LABELS[props.label][otherLang(lang)]}`}
    >
      {t(props.label)}
    </CompoundButton>
  );
}
