// How the runtime pages reach the field registry: labels, display cells, the fields that hold
// data, and plain text for a type this client does not know (a newer server). Nothing here
// switches on type names: what a type is comes from its FieldTypeUI or the server's catalogue.
import { Typography } from "antd";
import { useMemo } from "react";
import { useFieldTypes } from "../../api/designer";
import type { RuntimeForm } from "../../api/records";
import "../../registries/fields/all";
import { fieldTypes } from "../../registries/fields";
import type { CellProps, FieldDef, FieldTypeUI } from "../../registries/fields/types";
import { textOf, useLang } from "./text";

export { textOf, useLang };

export function fieldLabel(field: FieldDef, lang: string): string {
  return textOf(field.label, lang) || field.key;
}

/** The registered UI of a type, or null for a type this client does not know. */
export function uiOf(type: string): FieldTypeUI | null {
  return fieldTypes.get(type) ?? null;
}

function plain(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(plain).join(", ");
  if (typeof value === "object") {
    const v = value as Record<string, unknown>;
    return String(v.title ?? v.name ?? v.label ?? v.display_name ?? v.id ?? JSON.stringify(value));
  }
  return String(value);
}

/** A value as its type shows it; plain text while the type has no UI. */
export function ValueCell(props: CellProps) {
  const ui = uiOf(props.field.type);
  if (ui) return <ui.Cell {...props} />;
  const text = plain(props.value);
  return props.mode === "compact" ? (
    <Typography.Text ellipsis style={{ maxWidth: "100%" }}>
      {text}
    </Typography.Text>
  ) : (
    <span style={{ whiteSpace: "pre-wrap" }}>{text || "-"}</span>
  );
}

export interface FormFields {
  /** every field in definition order */
  all: FieldDef[];
  /** fields that hold a value (not layout pieces, not related lists) */
  data: FieldDef[];
  /** file fields: the record's attachments */
  files: FieldDef[];
  /** related lists: records of another form linking here */
  related: FieldDef[];
  byKey: Map<string, FieldDef>;
  titleKey: string | null;
  /** single-select fields: what a kanban groups by */
  groupable: FieldDef[];
  /** date and date-time fields: what a calendar places records on */
  dated: FieldDef[];
  sortable: (field: FieldDef) => boolean;
  computed: (field: FieldDef) => boolean;
}

/**
 * The form's fields sorted by what they are, from the server's field-type catalogue (storage,
 * group) and the registry's roles. A related list is a field whose options name the other form
 * and its link field back here.
 */
export function useFormFields(form: RuntimeForm | null | undefined, readable?: Record<string, unknown>): FormFields {
  const catalogue = useFieldTypes();
  return useMemo(() => {
    const info = new Map((catalogue.data ?? []).map((c) => [c.type, c]));
    const all = (form?.fields ?? []).filter((f) => !f.hidden && (!readable || f.key in readable));
    const holdsData = (f: FieldDef) => {
      const role = uiOf(f.type)?.role;
      if (role === "section" || role === "tab" || role === "static") return false;
      const storage = info.get(f.type)?.storage;
      return storage !== "none" && !isRelated(f);
    };
    const data = all.filter(holdsData);
    const files = data.filter((f) => info.get(f.type)?.group === "file");
    const related = all.filter(isRelated);
    const byKey = new Map(all.map((f) => [f.key, f]));
    const titleKey = form?.settings?.title_field ?? data.find((f) => info.get(f.type)?.group === "text")?.key ?? data[0]?.key ?? null;
    const storage = (f: FieldDef) => info.get(f.type)?.storage;
    const groupable = data.filter((f) => storage(f) === "text" && Array.isArray(f.options?.choices));
    const dated = data.filter((f) => storage(f) === "date" || storage(f) === "datetime");
    const sortable = (f: FieldDef) => info.get(f.type)?.sortable ?? false;
    const computed = (f: FieldDef) => (info.get(f.type)?.computed ?? false) || uiOf(f.type)?.role === "computed";
    return { all, data, files, related, byKey, titleKey, groupable, dated, sortable, computed };
  }, [form, readable, catalogue.data]);
}

function isRelated(f: FieldDef): boolean {
  const o = f.options ?? {};
  return typeof o.match_field === "string" && typeof o.form === "string" && Array.isArray(o.columns);
}

/** The record's title: its title field as text, else "#id". */
export function recordTitle(record: Record<string, unknown> | undefined, titleKey: string | null, id: unknown): string {
  const v = titleKey && record ? record[titleKey] : null;
  const text = plain(v).trim();
  return text || `#${String(id)}`;
}

/** The choices of a single-select field: value, label, colour (the kanban's columns). */
export function choicesOf(field: FieldDef, lang: string): { value: string; label: string; colour?: string }[] {
  const raw = field.options?.choices;
  if (!Array.isArray(raw)) return [];
  return raw.map((c: { value: string; label?: Record<string, string> | null; colour?: string; color?: string }) => ({
    value: c.value,
    label: textOf(c.label, lang) || c.value,
    colour: c.colour ?? c.color,
  }));
}
