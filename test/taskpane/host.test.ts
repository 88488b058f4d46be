/**
 * @jest-environment jsdom
 */
// Language and theme follow Office: Office.context.displayLanguage (zh-* → Chinese, anything else → English) and
// the Office theme's body background (dark → webDarkTheme); the user's explicit choice of language is remembered
// in localStorage and wins over Office's language next time.
import { fireEvent, screen } from "@testing-library/react";
import { webDarkTheme, webLightTheme } from "@fluentui/react-components";
import { LANG_KEY, initialLang, langOfDisplayLanguage, officeHostContext, rememberLang, rememberedLang, themeOfOfficeTheme } from "../../src/taskpane/host";
import { mockActions, renderApp } from "./fixtures";

/** The colour jsdom reports for a CSS colour (it normalises #rrggbb to rgb()). */
function cssColor(c: string): string {
  const probe = document.createElement("div");
  probe.style.backgroundColor = c;
  return probe.style.backgroundColor;
}

const title = () => screen.getByRole("heading", { level: 1 }).textContent;

afterEach(() => {
  localStorage.clear();
  delete (globalThis as { Office?: unknown }).Office;
  delete (window as { matchMedia?: unknown }).matchMedia;
});

describe("language", () => {
  test.each([
    ["zh-CN", "zh"],
    ["zh-TW", "zh"],
    ["ZH-hk", "zh"],
    ["zh", "zh"],
    ["en-US", "en"],
    ["en-GB", "en"],
    ["de-DE", "en"],
    ["ja-JP", "en"],
    ["zu-ZA", "en"],
  ] as const)("Office display language %s → %s", (displayLanguage, lang) => {
    expect(langOfDisplayLanguage(displayLanguage)).toBe(lang);
  });

  test("the pane opens in English when Office's display language is en-US, in Chinese for zh-TW", () => {
    const view = renderApp({ actions: mockActions(), asOf: undefined, host: { displayLanguage: "en-US" } });
    expect(title()).toBe("CRM Workbench");
    expect(screen.getByRole("tab", { name: "Validate" })).toBeTruthy();
    expect(document.documentElement.lang).toBe("en-US");
    view.unmount();
    renderApp({ actions: mockActions(), host: { displayLanguage: "zh-TW" } });
    expect(title()).toBe("CRM 工作台");
    expect(document.documentElement.lang).toBe("zh-CN");
  });

  test("without a display language (outside Office) it opens in Chinese", () => {
    renderApp({ actions: mockActions(), host: undefined });
    expect(title()).toBe("CRM 工作台");
  });

  test("the user's choice is remembered and wins over Office's language", () => {
    const first = renderApp({ actions: mockActions(), host: { displayLanguage: "zh-CN" } });
    expect(title()).toBe("CRM 工作台");
    fireEvent.change(screen.getByRole("combobox", { name: "语言 Language" }), { target: { value: "en" } });
    expect(title()).toBe("CRM Workbench");
    expect(localStorage.getItem(LANG_KEY)).toBe("en");
    first.unmount();
    // Next time Office still says zh-CN, but the user chose English.
    renderApp({ actions: mockActions(), host: { displayLanguage: "zh-CN" } });
    expect(title()).toBe("CRM Workbench");
  });

  test("a remembered Chinese wins over an English Office", () => {
    localStorage.setItem(LANG_KEY, "zh");
    renderApp({ actions: mockActions(), host: { displayLanguage: "en-US" } });
    expect(title()).toBe("CRM 工作台");
  });

  test("the lang prop forces the language (tests, harnesses)", () => {
    localStorage.setItem(LANG_KEY, "zh");
    renderApp({ actions: mockActions(), lang: "en", host: { displayLanguage: "zh-CN" } });
    expect(title()).toBe("CRM Workbench");
  });

  test("storage that is absent, throws or holds junk is ignored", () => {
    const throwing = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    };
    expect(rememberedLang(throwing)).toBeUndefined();
    expect(() => rememberLang("en", throwing)).not.toThrow();
    expect(initialLang({ displayLanguage: "en-US" }, throwing)).toBe("en");
    expect(initialLang({ displayLanguage: "en-US" }, undefined)).toBe("en");
    expect(initialLang(undefined, { getItem: () => "fr", setItem: () => undefined })).toBe("zh");
    localStorage.setItem(LANG_KEY, "klingon");
    renderApp({ actions: mockActions(), host: { displayLanguage: "en-US" } });
    expect(title()).toBe("CRM Workbench");
  });

  test("officeHostContext reads Office.context's display language and theme, and survives its absence", () => {
    expect(officeHostContext()).toBeUndefined();
    (globalThis as { Office?: unknown }).Office = { context: { displayLanguage: "en-GB", officeTheme: { bodyBackgroundColor: "#1F1F1F", bodyForegroundColor: "#fff" } } };
    expect(officeHostContext()).toEqual({ displayLanguage: "en-GB", officeTheme: { bodyBackgroundColor: "#1F1F1F" } });
    (globalThis as { Office?: unknown }).Office = {
      context: {
        get displayLanguage(): string {
          throw new Error("not available");
        },
      },
    };
    expect(officeHostContext()).toEqual({ displayLanguage: undefined, officeTheme: undefined });
  });
});

describe("theme", () => {
  test.each([
    ["#262626", "dark"], // Office Dark Gray
    ["#000000", "dark"], // Office Black
    ["#1f1f1f", "dark"],
    ["#ffffff", "light"], // Office White
    ["#e6e6e6", "light"], // Office Colorful
    ["#fff", "light"],
    ["rgb(40, 40, 40)", "dark"],
  ] as const)("Office body background %s → %s", (bodyBackgroundColor, theme) => {
    expect(themeOfOfficeTheme({ bodyBackgroundColor })).toBe(theme);
  });

  test("no usable colour → no verdict from Office", () => {
    expect(themeOfOfficeTheme(undefined)).toBeUndefined();
    expect(themeOfOfficeTheme({ bodyBackgroundColor: "" })).toBeUndefined();
    expect(themeOfOfficeTheme({ bodyBackgroundColor: "tomato" })).toBeUndefined();
  });

  test("a dark Office theme draws the pane with webDarkTheme", () => {
    const view = renderApp({ actions: mockActions(), host: { displayLanguage: "zh-CN", officeTheme: { bodyBackgroundColor: "#262626" } } });
    const provider = view.container.querySelector(".fui-FluentProvider") as HTMLElement;
    expect(provider.getAttribute("data-theme")).toBe("dark");
    expect(document.body.style.backgroundColor).toBe(cssColor(webDarkTheme.colorNeutralBackground1));
    expect(cssColor(webDarkTheme.colorNeutralBackground1)).not.toBe(cssColor(webLightTheme.colorNeutralBackground1));
    view.unmount();
    renderApp({ actions: mockActions(), host: { officeTheme: { bodyBackgroundColor: "#FFFFFF" } } });
    expect(document.body.style.backgroundColor).toBe(cssColor(webLightTheme.colorNeutralBackground1));
  });

  test("outside Office the browser's prefers-color-scheme decides; the theme prop forces", () => {
    (window as { matchMedia?: unknown }).matchMedia = (q: string) => ({ matches: q === "(prefers-color-scheme: dark)", addEventListener: () => undefined, removeEventListener: () => undefined });
    const view = renderApp({ actions: mockActions() });
    expect(document.body.style.backgroundColor).toBe(cssColor(webDarkTheme.colorNeutralBackground1));
    view.unmount();
    renderApp({ actions: mockActions(), theme: "light" });
    expect(document.body.style.backgroundColor).toBe(cssColor(webLightTheme.colorNeutralBackground1));
  });
});
