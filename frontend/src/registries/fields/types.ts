// The contract every client-side field type keeps. Screens (record form, list, detail, kanban,
// designer preview, filter builder) compose these pieces and never switch on type names.
import type { ComponentType, ReactNode } from "react";

export type I18nText = { "zh-CN"?: string | null; en?: string | null };

/** A field as the server's form definition holds it (engines/form/definition.py FieldDef). */
export interface FieldDef {
  key: string;
  type: string;
  label: I18nText;
  description?: I18nText | null;
  placeholder?: I18nText | null;
  required?: boolean;
  unique?: boolean;
  read_only?: boolean;
  hidden?: boolean;
  default?: { value?: unknown; formula?: string | null } | null;
  visible_when?: string | null;
  rules?: { expr: string; message: I18nText }[];
  options: Record<string, unknown>;
  layout?: { span: number };
  fields?: FieldDef[] | null; // subform columns
}

/** An entry of GET /api/field-types. */
export interface FieldTypeInfo {
  type: string;
  label: I18nText;
  description: I18nText;
  group: string;
  storage: string;
  computed: boolean;
  sortable: boolean;
  searchable: boolean;
  settings_schema: Record<string, unknown>;
}

/** What an input widget may need beyond its own value: where it lives, and the record around it. */
export interface FieldContext {
  appKey: string;
  formKey: string;
  recordId?: number;
  /** the values of the whole record being edited (formulas, cascades, subform totals) */
  values: Record<string, unknown>;
}

export interface InputProps {
  field: FieldDef;
  value: unknown;
  onChange: (value: unknown) => void;
  disabled?: boolean;
  /** the id the form item's <label htmlFor> points at */
  id?: string;
  context: FieldContext;
}

export interface CellProps {
  field: FieldDef;
  value: unknown;
  /** compact: one line in a table or kanban card; full: the detail page */
  mode: "compact" | "full";
  context?: Partial<FieldContext>;
}

/** One condition of a records-API filter: {field, op, value}. */
export interface FilterCondition {
  field: string;
  op: string;
  value?: unknown;
}

export interface FilterProps {
  field: FieldDef;
  condition: FilterCondition;
  onChange: (condition: FilterCondition) => void;
  context?: Partial<FieldContext>;
}

export interface FieldTypeUI {
  type: string;
  /** the palette icon */
  icon: ReactNode;
  /** the control in forms: create, edit, fill-in tasks, the designer preview */
  Input: ComponentType<InputProps>;
  /** how a value reads in lists, detail pages and kanban cards */
  Cell: ComponentType<CellProps>;
  /** the records-API operators this type offers in list and report filters */
  operators: string[];
  /** the value input of a filter condition */
  Filter: ComponentType<FilterProps>;
  /** client-side validation mirroring the server's; returns an error message or null */
  validate?: (field: FieldDef, value: unknown, t: (key: string, opts?: Record<string, unknown>) => string) => string | null;
  /** a designer property panel that replaces the one generated from settings_schema */
  DesignerPanel?: ComponentType<{ field: FieldDef; onChange: (field: FieldDef) => void }>;
  /**
   * How forms place the type (default "value"): "computed" values are shown, never entered;
   * "section" and "tab" start a group holding the fields after them; "static" pieces
   * (description, button, related list) sit in the flow of fields but hold no value.
   */
  role?: FieldRole;
  /** the widget shows the field's label itself (a button's caption): forms add none */
  ownLabel?: boolean;
  /** the form gives it a whole row whatever its span (subform, rich text) */
  wide?: boolean;
  /** numeric values that add up: subform totals rows, list summaries */
  summable?: boolean;
  /** whether a value counts as empty for "required"; default: null, "", [] and {} */
  isEmpty?: (value: unknown) => boolean;
  /**
   * the value as the records API takes it, when it differs from what the API sends
   * (expanded references `{id, title}` go back as ids); default: unchanged
   */
  toInput?: (field: FieldDef, value: unknown) => unknown;
  /** the value as one line of plain text (conflict dialogs, titles, copy) */
  text?: (field: FieldDef, value: unknown, t: Translate) => string;
}

export type FieldRole = "value" | "computed" | "section" | "tab" | "static";

export type Translate = (key: string, opts?: Record<string, unknown>) => string;
