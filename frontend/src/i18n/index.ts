// i18next set up for zh-CN and English. The choice is remembered in localStorage; without
// one, the browser's language decides. Changing language also switches dayjs (antd's
// locale follows in App).
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import i18n from "i18next";
import { setRequestLanguage } from "../api/client";
import { initReactI18next } from "react-i18next";
import { messages } from "./messages";

export type Language = "zh-CN" | "en";

/** Each language named in itself, so a reader can find their own in any UI language. */
export const LANGUAGES: { code: Language; label: string }[] = [
  { code: "zh-CN", label: "简体中文" },
  { code: "en", label: "English" },
];

export const STORAGE_KEY = "qiqiao.language";

export function normalizeLanguage(tag: string | null | undefined): Language | undefined {
  if (!tag) return undefined;
  const lower = tag.toLowerCase();
  if (lower.startsWith("zh")) return "zh-CN";
  if (lower.startsWith("en")) return "en";
  return undefined;
}

/**
 * Stored choice first, then the first browser language we speak; a browser that speaks
 * neither gets English, and one that says nothing gets zh-CN.
 */
export function detectLanguage(stored: string | null, browserLanguages: readonly string[]): Language {
  const fromStore = normalizeLanguage(stored);
  if (fromStore) return fromStore;
  for (const tag of browserLanguages) {
    const lang = normalizeLanguage(tag);
    if (lang) return lang;
  }
  return browserLanguages.length ? "en" : "zh-CN";
}

function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

function applySideEffects(lang: Language) {
  dayjs.locale(lang === "zh-CN" ? "zh-cn" : "en");
  setRequestLanguage(lang);
  if (typeof document !== "undefined") {
    document.documentElement.lang = lang;
    document.title = i18n.t("app.name");
  }
}

export function currentLanguage(): Language {
  return normalizeLanguage(i18n.resolvedLanguage ?? i18n.language) ?? "zh-CN";
}

/** Switches the UI language and remembers it for this browser. */
export async function changeLanguage(lang: Language): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
  await i18n.changeLanguage(lang);
}

i18n.on("languageChanged", (lng) => applySideEffects(normalizeLanguage(lng) ?? "zh-CN"));

void i18n.use(initReactI18next).init({
  resources: { "zh-CN": { translation: messages["zh-CN"] }, en: { translation: messages.en } },
  lng: detectLanguage(readStored(), browserLanguages()),
  fallbackLng: "zh-CN",
  supportedLngs: ["zh-CN", "en"],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

export default i18n;
