// A form definition arranged for display: tabs (the fields after a "tab" piece), sections
// inside them (after a "section" piece), and rows of 1-4 columns where each field takes its
// layout span. Pure, so the designer preview, the record form and the detail page agree.
import type { FieldDef, FieldRole } from "../../registries/fields/types";

export interface LayoutSection {
  key: string;
  /** the section piece that starts it; none for the fields before the first section */
  field?: FieldDef;
  columns: number;
  fields: FieldDef[];
}

export interface LayoutTab {
  key: string;
  field?: FieldDef;
  sections: LayoutSection[];
}

export function buildLayout(
  fields: FieldDef[],
  roleOf: (type: string) => FieldRole,
  formColumns = 2,
): LayoutTab[] {
  const tabs: LayoutTab[] = [];
  let tab: LayoutTab | null = null;
  let section: LayoutSection | null = null;
  const columns = clampColumns(formColumns);
  const openTab = (field?: FieldDef) => {
    tab = { key: field ? field.key : "_main", field, sections: [] };
    tabs.push(tab);
    section = null;
  };
  const openSection = (field?: FieldDef) => {
    if (!tab) openTab();
    const own = field ? Number(field.options?.columns) : NaN;
    section = { key: field ? field.key : `_${tab!.key}`, field, columns: Number.isFinite(own) && own > 0 ? clampColumns(own) : columns, fields: [] };
    tab!.sections.push(section);
  };
  for (const field of fields) {
    const role = roleOf(field.type);
    if (role === "tab") {
      openTab(field);
      continue;
    }
    if (role === "section") {
      openSection(field);
      continue;
    }
    if (!section) openSection();
    section!.fields.push(field);
  }
  // Drop the implicit leading tab/section when it holds nothing.
  return tabs
    .map((t) => ({ ...t, sections: t.sections.filter((s) => s.field || s.fields.length) }))
    .filter((t) => t.field || t.sections.length);
}

export function clampColumns(n: number): number {
  return Math.min(4, Math.max(1, Math.round(n) || 1));
}

/** The grid span (of 24) a field takes in a section of `columns` columns. */
export function spanOf(field: FieldDef, columns: number, wide: boolean): number {
  if (wide) return 24;
  const span = Math.min(columns, Math.max(1, field.layout?.span ?? 1));
  return Math.round((24 / columns) * span);
}
