// The builder's texts (labels in zh-CN and English) in the reader's language. Small on purpose:
// the app menu in the shell needs it without pulling in the field registry.
import { useTranslation } from "react-i18next";

export function useLang(): string {
  const { i18n } = useTranslation();
  return i18n.resolvedLanguage ?? i18n.language ?? "zh-CN";
}

export function textOf(text: Record<string, string | null | undefined> | null | undefined, lang: string): string {
  if (!text) return "";
  return (lang.startsWith("zh") ? text["zh-CN"] : text.en) || text["zh-CN"] || text.en || "";
}
