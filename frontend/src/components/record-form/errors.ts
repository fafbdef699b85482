// Server errors (problem+json `errors[].path`) placed at the field they name: `amount`, a
// subform cell `items.2.qty`, or with a `values.` prefix. What names no shown field is
// returned separately for a message.
import type { FieldProblem } from "../../api/client";
import type { FieldDef } from "../../registries/fields/types";
import { pickText } from "../../registries/fields/values";

export interface PlacedErrors {
  /** top-level field key → messages (a subform gets its cells' messages too) */
  fields: Map<string, string[]>;
  /** full path → messages, for widgets that show errors inside (subform cells) */
  paths: Map<string, string[]>;
  /** messages that name no field shown */
  other: string[];
}

const KNOWN_MESSAGES: Record<string, string> = {
  "This field is required.": "fields.errors.required",
  "This value is already used by another record.": "fields.errors.notUnique",
  "This field is read-only for you.": "fields.errors.readOnly",
  "This field is computed and cannot be written.": "fields.errors.computed",
  "Unknown field.": "fields.errors.unknownField",
};

/** A server message in the reader's language where we know it (fixed messages, rule messages). */
export function localise(
  message: string,
  field: FieldDef | undefined,
  lang: string,
  t: (key: string) => string,
): string {
  const key = KNOWN_MESSAGES[message];
  if (key) return t(key);
  for (const rule of field?.rules ?? []) {
    const m = rule.message as Record<string, string | null | undefined>;
    if (message === m.en || message === m["zh-CN"]) return pickText(rule.message, lang);
  }
  return message;
}

export function normalisePath(path: string): string {
  return path.replace(/^(body\.)?(values\.)?/, "");
}

export function placeErrors(
  errors: FieldProblem[],
  fields: FieldDef[],
  shown: (key: string) => boolean,
  lang: string,
  t: (key: string, opts?: Record<string, unknown>) => string,
): PlacedErrors {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const out: PlacedErrors = { fields: new Map(), paths: new Map(), other: [] };
  const add = (map: Map<string, string[]>, key: string, message: string) => map.set(key, [...(map.get(key) ?? []), message]);
  for (const error of errors) {
    const { path } = error;
    const zh = error.extra?.message_zh;
    const message = lang.startsWith("zh") && typeof zh === "string" && zh ? zh : error.message;
    const full = normalisePath(path);
    const [top, index, child] = full.split(".");
    const field = byKey.get(top);
    if (!field || !shown(top)) {
      out.other.push(message);
      continue;
    }
    if (index !== undefined && child !== undefined && /^\d+$/.test(index)) {
      const column = field.fields?.find((c) => c.key === child);
      const text = localise(message, column, lang, t);
      add(out.paths, full, text);
      add(out.fields, top, t("fields.subform.cellError", { n: Number(index) + 1, column: pickText(column?.label, lang) || child, message: text }));
      continue;
    }
    add(out.fields, top, localise(message, field, lang, t));
  }
  return out;
}
