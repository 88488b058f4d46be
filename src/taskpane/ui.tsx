// Small building blocks shared by the panels: the bilingual action button and the pane's common styles
// (single column, wrapping text, visible keyboard focus — the pane is often only 320 px wide).
import { useCallback, useRef, useState, type KeyboardEvent } from "react";
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

/** What a roving-focus item takes: its tab stop, focus tracking and the arrow keys. */
export interface RovingItemProps {
  ref: (el: HTMLElement | null) => void;
  tabIndex: 0 | -1;
  onFocus: () => void;
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => void;
}

/**
 * One tab stop for a whole Fluent List: the current item has tabIndex 0, every other -1; ArrowDown/ArrowUp
 * move to the next/previous item, Home/End to the first/last (the WAI-ARIA listbox/grid pattern the List's
 * navigationMode describes). Enter and Space are left to ListItem's onAction.
 */
export function useRovingFocus(count: number): (index: number) => RovingItemProps {
  const [active, setActive] = useState(0);
  const refs = useRef<(HTMLElement | null)[]>([]);
  const current = count === 0 ? 0 : Math.min(active, count - 1);
  const move = useCallback(
    (to: number) => {
      if (count === 0) return;
      const i = Math.max(0, Math.min(count - 1, to));
      setActive(i);
      refs.current[i]?.focus();
    },
    [count],
  );
  return (index: number) => ({
    ref: (el: HTMLElement | null) => {
      refs.current[index] = el;
    },
    tabIndex: index === current ? 0 : -1,
    onFocus: () => setActive(index),
    onKeyDown: (e: KeyboardEvent<HTMLElement>) => {
      if (e.target !== e.currentTarget || e.altKey || e.ctrlKey || e.metaKey) return;
      const to = e.key === "ArrowDown" ? index + 1 : e.key === "ArrowUp" ? index - 1 : e.key === "Home" ? 0 : e.key === "End" ? count - 1 : null;
      if (to === null) return;
      e.preventDefault();
      move(to);
    },
  });
}
