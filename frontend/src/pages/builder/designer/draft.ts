// Pure operations on a form draft, shared by the canvas, the property panel and the tests.
import type { FormDefinition } from "../../../api/designer";
import type { FieldDef, FieldTypeInfo, I18nText } from "../../../registries/fields/types";
import { initialOptions } from "./settingsSchema";
import type { JsonSchema } from "./settingsSchema";

export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,47}$/;
/** Platform columns a field key may not take (engines/form/definition.py RESERVED_KEYS). */
export const RESERVED_KEYS = new Set([
  "id", "created_at", "created_by", "updated_at", "updated_by", "owner_id", "owner_dept_id", "version",
  "flow_status", "deleted_at", "parent_id", "position", "draft",
  "select", "from", "where", "order", "group", "table", "user", "limit", "offset",
]);

/** A free key for a new field of `type`: `money_1`, `money_2`… */
export function newFieldKey(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = type.replace(/[^a-z0-9_]/g, "_").replace(/^[^a-z]+/, "") || "field";
  for (let n = 1; ; n++) {
    const key = `${base.slice(0, 40)}_${n}`;
    if (!used.has(key) && !RESERVED_KEYS.has(key)) return key;
  }
}

export function createField(info: FieldTypeInfo, taken: Iterable<string>, itemTitle: (key: string) => string): FieldDef {
  return {
    key: newFieldKey(info.type, taken),
    type: info.type,
    label: { ...info.label },
    options: initialOptions(info.settings_schema as JsonSchema, itemTitle),
    layout: { span: 1 },
  };
}

export function insertField(form: FormDefinition, field: FieldDef, index = form.fields.length): FormDefinition {
  const fields = [...form.fields];
  fields.splice(Math.max(0, Math.min(index, fields.length)), 0, field);
  return { ...form, fields };
}

export function moveField(form: FormDefinition, from: number, to: number): FormDefinition {
  if (from === to || from < 0 || to < 0 || from >= form.fields.length || to >= form.fields.length) return form;
  const fields = [...form.fields];
  const [moved] = fields.splice(from, 1);
  fields.splice(to, 0, moved);
  return { ...form, fields };
}

export function removeField(form: FormDefinition, key: string): FormDefinition {
  return { ...form, fields: form.fields.filter((f) => f.key !== key) };
}

export function replaceField(form: FormDefinition, key: string, next: FieldDef): FormDefinition {
  return { ...form, fields: form.fields.map((f) => (f.key === key ? next : f)) };
}

export function duplicateField(form: FormDefinition, key: string): { form: FormDefinition; key: string } {
  const index = form.fields.findIndex((f) => f.key === key);
  if (index < 0) return { form, key };
  const source = form.fields[index];
  const copy: FieldDef = { ...structuredClone(source), key: newFieldKey(source.type, form.fields.map((f) => f.key)) };
  return { form: insertField(form, copy, index + 1), key: copy.key };
}

/** The text of an I18nText in the UI language, else the other one. */
export function textOf(text: I18nText | null | undefined, lang: string): string {
  if (!text) return "";
  const preferred = lang.startsWith("zh") ? text["zh-CN"] : text.en;
  return preferred || text["zh-CN"] || text.en || "";
}

export interface CanvasGroup {
  /** the layout piece (section, tab…) that starts the group, if any */
  header: number | null;
  columns: number;
  items: number[];
}

/**
 * The canvas rows: a section or tab (as its type's UI says) starts a group of the fields after
 * it, with its own `options.columns` when it sets one, as the runtime form lays them out.
 */
export function canvasGroups(form: FormDefinition, startsGroup: (type: string) => boolean): CanvasGroup[] {
  const formColumns = form.settings?.columns ?? 2;
  const groups: CanvasGroup[] = [{ header: null, columns: formColumns, items: [] }];
  form.fields.forEach((field, index) => {
    if (startsGroup(field.type)) {
      const columns = typeof field.options?.columns === "number" ? field.options.columns : formColumns;
      groups.push({ header: index, columns, items: [] });
    } else {
      groups[groups.length - 1].items.push(index);
    }
  });
  return groups.filter((g, i) => i > 0 || g.items.length > 0 || groups.length === 1);
}

export interface LocatedProblem {
  /** the field's key, or null for the form itself */
  field: string | null;
  /** the rest of the path inside the field: `options.choices.0.value`, `label`… */
  path: string;
  message: string;
}

/** Places server problems (`fields.3.options.choices.0.value`, `fields.qty.type`, `body.definition.key`) on their field. */
export function locateProblems(problems: { path: string; message: string }[], form: FormDefinition): LocatedProblem[] {
  return problems.map(({ path, message }) => {
    const parts = path.split(".").filter(Boolean);
    while (parts[0] === "body" || parts[0] === "definition") parts.shift();
    if (parts[0] === "fields" && parts.length > 1) {
      const ref = parts[1];
      const field = /^\d+$/.test(ref) ? form.fields[Number(ref)]?.key : form.fields.find((f) => f.key === ref)?.key;
      if (field) return { field, path: parts.slice(2).join("."), message };
    }
    return { field: null, path: parts.join("."), message };
  });
}

/** The draft as the server wants it: no empty optional texts left behind by cleared inputs. */
export function cleanDefinition(form: FormDefinition): FormDefinition {
  const emptyText = (t: I18nText | null | undefined) => !t || !(t["zh-CN"] || t.en);
  return {
    ...form,
    fields: form.fields.map((f) => {
      const out: FieldDef = { ...f };
      if (emptyText(out.description)) delete out.description;
      if (emptyText(out.placeholder)) delete out.placeholder;
      if (!out.visible_when?.trim()) delete out.visible_when;
      if (out.default && out.default.value == null && !out.default.formula) delete out.default;
      if (out.rules) out.rules = out.rules.filter((r) => r.expr.trim());
      return out;
    }),
  };
}

/**
 * The draft a formula is checked against: without rules, visibility and defaults, which do not
 * change what fields a formula sees, so typing a formula does not change what is sent.
 */
export function formulaScope(form: FormDefinition): FormDefinition {
  return {
    ...form,
    fields: form.fields.map((f) => {
      const { rules: _rules, visible_when: _visible, default: _default, description: _d, placeholder: _p, ...rest } = f;
      return rest;
    }),
  };
}

/**
 * A new field's name in the other language still reads as its type ("Single-line text"): while
 * it does, it follows what the builder types, so both languages name the field.
 */
export function followLabel(before: I18nText, after: I18nText, typeLabel: I18nText | undefined): I18nText {
  const out = { ...after };
  for (const [changed, other] of [["zh-CN", "en"], ["en", "zh-CN"]] as const) {
    const untouched = !before[other] || before[other] === typeLabel?.[other];
    if (after[changed] !== before[changed] && untouched && after[other] === before[other]) out[other] = after[changed];
  }
  return out;
}
