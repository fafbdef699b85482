// All translations: the shared strings of en.json / zh-CN.json, plus one pair of files per
// area under areas/ (`<area>.en.json`, `<area>.zh-CN.json`), each mounted under its area's
// name — designer.en.json's `palette.search` is read as `designer.palette.search`. Areas keep
// their strings beside each other without every page editing one big file.
import en from "./en.json";
import zhCN from "./zh-CN.json";

type Messages = Record<string, unknown>;

const areaFiles = import.meta.glob<Messages>("./areas/*.json", { eager: true, import: "default" });

export const AREA_FILE = /\/([a-z][a-zA-Z0-9]*)\.(en|zh-CN)\.json$/;

function withAreas(base: Messages, lang: "en" | "zh-CN"): Messages {
  const out: Messages = { ...base };
  for (const [path, content] of Object.entries(areaFiles)) {
    const m = AREA_FILE.exec(path);
    if (!m) throw new Error(`${path}: area files are named <area>.en.json or <area>.zh-CN.json`);
    if (m[2] !== lang) continue;
    if (m[1] in base) throw new Error(`${path}: the area '${m[1]}' clashes with a key of the shared strings`);
    out[m[1]] = content;
  }
  return out;
}

export const messages: Record<"en" | "zh-CN", Messages> = {
  en: withAreas(en, "en"),
  "zh-CN": withAreas(zhCN, "zh-CN"),
};
