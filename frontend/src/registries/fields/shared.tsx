// Pieces the field modules share: the reader's language, an empty cell, a filter built from a
// type's own input, and validation wrapped for i18next.
import { Input, Select, Space, Typography } from "antd";
import { useEffect, useState, type ComponentType, type ReactNode } from "react";
import i18n from "i18next";
import { useTranslation } from "react-i18next";
import type { CellProps, FieldContext, FieldDef, FieldTypeUI, FilterProps, InputProps, Translate } from "./types";
import { operandShape } from "./operators";
import type { Problem } from "./validation";
import { isEmptyValue } from "./values";

/** The UI language outside React (plain-text renderings such as FieldTypeUI.text). */
export function currentLang(): string {
  return i18n.resolvedLanguage ?? i18n.language ?? "zh-CN";
}

export function useLang(): string {
  const { i18n } = useTranslation();
  return i18n.resolvedLanguage ?? i18n.language ?? "zh-CN";
}

export const NO_CONTEXT: FieldContext = { appKey: "", formKey: "", values: {} };

export function EmptyCell({ mode }: { mode: "compact" | "full" }) {
  return mode === "full" ? <Typography.Text type="secondary">-</Typography.Text> : null;
}

/** A search box's text, settled for `ms` (one request per pause in typing, not per key). */
export function useDebounced(value: string, ms = 250): string {
  const [v, setV] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setV(value.trim()), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return v;
}

/** A Cell from a function turning a value into text; empty values show as a dash in full mode. */
export function textCell(format: (field: FieldDef, value: unknown, lang: string) => ReactNode): ComponentType<CellProps> {
  return function TextCell({ field, value, mode }: CellProps) {
    const lang = useLang();
    if (isEmptyValue(value)) return <EmptyCell mode={mode} />;
    const content = format(field, value, lang);
    return mode === "compact" ? (
      <Typography.Text ellipsis style={{ maxWidth: "100%" }}>
        {content}
      </Typography.Text>
    ) : (
      <span style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>{content}</span>
    );
  };
}

/** Validation returning a translation key under `fields.errors.`, wrapped for FieldTypeUI.validate. */
export function validator(check: (field: FieldDef, value: unknown) => Problem | null): NonNullable<FieldTypeUI["validate"]> {
  return (field, value, t) => {
    const p = check(field, value);
    return p ? t(`fields.errors.${p.key}`, p.params) : null;
  };
}

/** A field as a filter operand needs it: nothing required, nothing locked. */
function operandField(field: FieldDef): FieldDef {
  return { ...field, required: false, read_only: false, hidden: false, rules: [], visible_when: null };
}

interface FilterParts {
  /** the input for one operand; the type's own Input by default */
  One?: ComponentType<InputProps>;
  /** the input for a list of operands (in, has_any…); free tags by default */
  Many?: ComponentType<InputProps>;
}

/** A Filter that renders the operand the chosen operator takes, with the type's own widgets. */
export function makeFilter(parts: FilterParts & { Input: ComponentType<InputProps> }): ComponentType<FilterProps> {
  const One = parts.One ?? parts.Input;
  return function Filter({ field, condition, onChange, context }: FilterProps) {
    const { t } = useTranslation();
    const ctx = { ...NO_CONTEXT, ...context };
    const f = operandField(field);
    const set = (value: unknown) => onChange({ ...condition, value });
    const shape = operandShape(condition.op);
    const label = t("fields.filter.value");
    switch (shape) {
      case "none":
        return null;
      case "fragment":
        return (
          <Input
            aria-label={label}
            value={typeof condition.value === "string" ? condition.value : ""}
            onChange={(e) => set(e.target.value)}
            placeholder={t("fields.filter.fragment")}
            allowClear
          />
        );
      case "many":
        if (parts.Many) return <parts.Many field={f} value={condition.value} onChange={set} context={ctx} />;
        return (
          <Select
            aria-label={label}
            mode="tags"
            style={{ minWidth: 160, width: "100%" }}
            value={Array.isArray(condition.value) ? (condition.value as string[]) : []}
            onChange={(v) => set(v)}
            open={false}
            placeholder={t("fields.filter.many")}
            tokenSeparators={[",", "\u3001", "\uff0c"]}
          />
        );
      case "range": {
        const pair = Array.isArray(condition.value) ? condition.value : [null, null];
        return (
          <Space.Compact block>
            <One field={f} value={pair[0] ?? null} onChange={(v) => set([v, pair[1] ?? null])} context={ctx} />
            <One field={f} value={pair[1] ?? null} onChange={(v) => set([pair[0] ?? null, v])} context={ctx} />
          </Space.Compact>
        );
      }
      default:
        return <One field={f} value={condition.value ?? null} onChange={set} context={ctx} />;
    }
  };
}

/** Plain text of a value for dialogs: strings as they are, lists joined, objects as JSON. */
export function plainText(value: unknown, t: Translate): string {
  if (isEmptyValue(value)) return "";
  if (typeof value === "boolean") return value ? t("fields.yes") : t("fields.no");
  if (Array.isArray(value)) return value.map((v) => plainText(v, t)).join(t("common.listSeparator"));
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    if ("title" in o || "name" in o) return String(o.title ?? o.name ?? o.id ?? "");
    if ("id" in o) return `#${String(o.id)}`;
    return JSON.stringify(value);
  }
  return String(value);
}

export type { FieldTypeUI };
