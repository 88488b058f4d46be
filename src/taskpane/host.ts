// What the pane takes from its host: the display language and the theme Office shows, and the user's own
// choice of language, remembered in localStorage. Pure functions over plain values (the Office context is read
// once by index.tsx and handed to <App host={...}>), so the pane's components never touch Office.js.
import type { Lang } from "./i18n";

export type ThemeName = "light" | "dark";

/** The parts of `Office.context` the pane follows (both may be missing: outside Office, old hosts). */
export interface HostContext {
  /** `Office.context.displayLanguage`, e.g. `zh-CN`, `en-US`, `de-DE`. */
  displayLanguage?: string | null;
  /** `Office.context.officeTheme` (Office.OfficeTheme): only the body background is used. */
  officeTheme?: { bodyBackgroundColor?: string | null } | null;
}

/** Office's display language → the pane's: any Chinese (zh, zh-CN, zh-TW, zh-Hans …) → zh, anything else → en. */
export function langOfDisplayLanguage(displayLanguage: string | null | undefined): Lang | undefined {
  if (typeof displayLanguage !== "string" || displayLanguage.trim() === "") return undefined;
  return /^zh(?:[-_]|$)/i.test(displayLanguage.trim()) ? "zh" : "en";
}

/** `#rgb`, `#rrggbb` (or `rgb(r, g, b)`) → [r, g, b] in 0…255; undefined for anything else. */
export function parseColor(color: string | null | undefined): [number, number, number] | undefined {
  if (typeof color !== "string") return undefined;
  const s = color.trim();
  let m = /^#?([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(s);
  if (m) return [m[1], m[2], m[3]].map((h) => parseInt(h + h, 16)) as [number, number, number];
  m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})(?:[0-9a-f]{2})?$/i.exec(s);
  if (m) return [m[1], m[2], m[3]].map((h) => parseInt(h, 16)) as [number, number, number];
  m = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/i.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])].map((v) => Math.min(255, v)) as [number, number, number];
  return undefined;
}

/** WCAG relative luminance (0 black … 1 white). */
export function luminance([r, g, b]: [number, number, number]): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Office's theme → the pane's: a dark body background (Office's Black and Dark Gray themes) → dark. */
export function themeOfOfficeTheme(officeTheme: HostContext["officeTheme"]): ThemeName | undefined {
  const rgb = parseColor(officeTheme?.bodyBackgroundColor);
  if (!rgb) return undefined;
  // Below the luminance of mid grey (#777, ≈ 0.18) text must be light: that is a dark theme.
  return luminance(rgb) < 0.18 ? "dark" : "light";
}

/** The browser's preference outside Office (prefers-color-scheme), light when it cannot be asked. */
export function systemTheme(win: { matchMedia?: (q: string) => { matches: boolean } } | undefined = typeof window === "undefined" ? undefined : window): ThemeName {
  try {
    return win?.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  } catch {
    return "light";
  }
}

/** The localStorage key of the user's choice of language. */
export const LANG_KEY = "crm-workbench.lang";

type KeyValueStore = Pick<Storage, "getItem" | "setItem">;

/** localStorage when the page may use it (it throws in some sandboxed frames and is absent outside browsers). */
export function defaultStorage(): KeyValueStore | undefined {
  try {
    const s = (globalThis as { localStorage?: Storage }).localStorage;
    return s && typeof s.getItem === "function" ? s : undefined;
  } catch {
    return undefined;
  }
}

/** The language the user chose earlier, if any. */
export function rememberedLang(storage: KeyValueStore | undefined = defaultStorage()): Lang | undefined {
  try {
    const v = storage?.getItem(LANG_KEY);
    return v === "zh" || v === "en" ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Remembers the user's choice (silently does nothing where storage is unavailable or full). */
export function rememberLang(lang: Lang, storage: KeyValueStore | undefined = defaultStorage()): void {
  try {
    storage?.setItem(LANG_KEY, lang);
  } catch {
    // private mode, quota, sandbox: the choice then lasts for this session only
  }
}

/** The pane's starting language: the user's remembered choice, else Office's display language, else Chinese. */
export function initialLang(host: HostContext | undefined, storage: KeyValueStore | undefined = defaultStorage()): Lang {
  return rememberedLang(storage) ?? langOfDisplayLanguage(host?.displayLanguage) ?? "zh";
}

/** The pane's theme: Office's theme when the host gives one, else the browser's preference. */
export function initialTheme(host: HostContext | undefined): ThemeName {
  return themeOfOfficeTheme(host?.officeTheme) ?? systemTheme();
}

/** Reads the host context from the global Office object after Office.onReady (guarded: any part may be missing). */
export function officeHostContext(): HostContext | undefined {
  try {
    const ctx = (globalThis as { Office?: { context?: { displayLanguage?: string; officeTheme?: { bodyBackgroundColor?: string } } } }).Office?.context;
    if (!ctx) return undefined;
    let displayLanguage: string | undefined;
    let officeTheme: HostContext["officeTheme"];
    try {
      displayLanguage = ctx.displayLanguage;
    } catch {
      displayLanguage = undefined;
    }
    try {
      officeTheme = ctx.officeTheme ? { bodyBackgroundColor: ctx.officeTheme.bodyBackgroundColor } : undefined;
    } catch {
      officeTheme = undefined;
    }
    return { displayLanguage, officeTheme };
  } catch {
    return undefined;
  }
}
