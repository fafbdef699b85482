import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { messages } from "./messages";
import { detectLanguage } from "./index";

function flatKeys(obj: object, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === "object" ? flatKeys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("translations", () => {
  const enKeys = new Set(flatKeys(messages.en));
  const zhKeys = new Set(flatKeys(messages["zh-CN"]));

  it("have the same keys in zh-CN and English", () => {
    expect([...enKeys].filter((k) => !zhKeys.has(k))).toEqual([]);
    expect([...zhKeys].filter((k) => !enKeys.has(k))).toEqual([]);
  });

  it("cover every literal key the source asks for", () => {
    const src = join(__dirname, "..");
    const missing: string[] = [];
    for (const file of sourceFiles(src)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bt\(\s*"([a-zA-Z0-9_.]+)"/g)) {
        const key = m[1];
        if (!enKeys.has(key) && !enKeys.has(`${key}_one`)) missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("leave no Han characters in components (every string goes through i18next)", () => {
    const pages = sourceFiles(join(__dirname, "..", "pages")).concat(sourceFiles(join(__dirname, "..", "components")));
    const offenders = pages.filter((f) => /[\u4e00-\u9fff]/.test(readFileSync(f, "utf8")));
    expect(offenders).toEqual([]);
  });
});

describe("language detection", () => {
  it("prefers the remembered choice", () => {
    expect(detectLanguage("en", ["zh-CN"])).toBe("en");
  });
  it("follows the browser otherwise", () => {
    expect(detectLanguage(null, ["zh-TW", "en"])).toBe("zh-CN");
    expect(detectLanguage(null, ["fr-FR", "en-GB"])).toBe("en");
    expect(detectLanguage(null, ["fr-FR"])).toBe("en");
    expect(detectLanguage(null, [])).toBe("zh-CN");
  });
});
