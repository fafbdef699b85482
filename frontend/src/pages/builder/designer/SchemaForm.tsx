// The property panel generated from a field type's settings_schema: each setting becomes the
// antd control its schema shape calls for (settingsSchema.ts), labelled in the UI language.
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Form, Input, InputNumber, Select, Switch, Tag } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { initialValue } from "./settingsSchema";
import type { Control, PropertyControl } from "./settingsSchema";

type Value = Record<string, unknown>;

export interface SchemaFormProps {
  controls: PropertyControl[];
  value: Value;
  /** `group` names the setting changed, so typing in it merges into one undo step */
  onChange: (next: Value, group: string) => void;
  /** error messages by path relative to the value (`choices.0.value`) */
  errors: Map<string, string[]>;
  idPrefix: string;
  /** the control for a setting that holds a formula (`expression`) */
  renderFormula?: (props: { id: string; value: string; onChange: (v: string) => void; label: string }) => ReactNode;
}

const FORMULA_SETTINGS = new Set(["expression"]);
const COLOUR_SETTINGS = new Set(["colour", "color"]);

function errorsUnder(errors: Map<string, string[]>, path: string): string[] {
  const out: string[] = [];
  for (const [p, messages] of errors) if (p === path || p.startsWith(`${path}.`)) out.push(...messages);
  return out;
}

function useLabels() {
  const { t, i18n } = useTranslation();
  return {
    label: (key: string, title: string) => t(`builder.settings.${key}`, { defaultValue: title }),
    help: (key: string) => (i18n.exists(`builder.settingsHelp.${key}`) ? t(`builder.settingsHelp.${key}`) : undefined),
    option: (v: string) => t(`builder.enum.${v.replace(/[^A-Za-z0-9_]/g, "_")}`, { defaultValue: v }),
  };
}

function ControlInput({
  control,
  settingKey,
  title,
  value,
  onChange,
  id,
  path,
  errors,
  nullable,
  compact,
  renderFormula,
  fallback,
}: {
  fallback?: unknown;
  control: Control;
  settingKey: string;
  title: string;
  value: unknown;
  onChange: (v: unknown) => void;
  id: string;
  path: string;
  errors: Map<string, string[]>;
  nullable: boolean;
  compact?: boolean;
  renderFormula?: SchemaFormProps["renderFormula"];
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const label = labels.label(settingKey, title);
  const status = errors.get(path)?.length ? "error" : undefined;
  const a11y = { id, "aria-label": label, status } as const;
  const size = compact ? "small" : "middle";
  switch (control.kind) {
    case "text":
      if (FORMULA_SETTINGS.has(settingKey) && renderFormula) {
        return <>{renderFormula({ id, value: typeof value === "string" ? value : "", onChange, label })}</>;
      }
      return (
        <Input
          {...a11y}
          size={size}
          placeholder={compact ? label : typeof fallback === "string" ? fallback : undefined}
          value={typeof value === "string" ? value : ""}
          maxLength={control.maxLength}
          onChange={(e) => onChange(e.target.value === "" && nullable ? null : e.target.value)}
        />
      );
    case "number":
      return (
        <InputNumber
          {...a11y}
          size={size}
          className="qq-full"
          placeholder={compact ? label : fallback !== undefined && fallback !== null ? String(fallback) : undefined}
          value={typeof value === "number" ? value : typeof value === "string" && value !== "" ? Number(value) : null}
          min={control.min}
          max={control.max}
          precision={control.integer ? 0 : undefined}
          onChange={(v) => onChange(v === null ? null : v)}
        />
      );
    case "boolean":
      return <Switch id={id} aria-label={label} size={compact ? "small" : "default"} checked={value === true} onChange={(v) => onChange(v)} />;
    case "enum":
      return (
        <Select
          {...a11y}
          size={size}
          className="qq-full"
          value={value ?? undefined}
          allowClear={nullable}
          onChange={(v) => onChange(v ?? null)}
          options={control.options.map((o) => ({
            value: o,
            label: COLOUR_SETTINGS.has(settingKey) ? <Tag color={o === "default" ? undefined : o}>{labels.option(o)}</Tag> : labels.option(o),
          }))}
        />
      );
    case "multiEnum":
      return (
        <Select
          {...a11y}
          size={size}
          mode="multiple"
          className="qq-full"
          value={Array.isArray(value) ? value : []}
          maxCount={control.maxItems}
          onChange={(v) => onChange(v)}
          options={control.options.map((o) => ({ value: o, label: labels.option(o) }))}
        />
      );
    case "tags":
      return (
        <Select
          {...a11y}
          size={size}
          mode="tags"
          className="qq-full"
          open={false}
          suffixIcon={null}
          placeholder={t("builder.designer.tagsHint")}
          value={Array.isArray(value) ? value.map(String) : []}
          onChange={(v: string[]) => onChange(control.integer ? v.map(Number).filter((n) => Number.isFinite(n)) : v)}
        />
      );
    case "i18n": {
      const text = (value && typeof value === "object" ? value : {}) as Record<string, string>;
      const set = (lang: string, v: string) => {
        const next = { ...text, [lang]: v };
        if (!v) delete next[lang];
        onChange(Object.keys(next).length ? next : nullable ? null : {});
      };
      return (
        <div className="qq-i18n-pair">
          <Input size={size} id={id} status={status} aria-label={`${label} (${t("builder.lang.zh")})`} prefix={<span className="qq-lang-tag">{t("builder.lang.zhShort")}</span>} placeholder={compact ? label : undefined} value={text["zh-CN"] ?? ""} onChange={(e) => set("zh-CN", e.target.value)} />
          <Input size={size} status={status} aria-label={`${label} (${t("builder.lang.en")})`} prefix={<span className="qq-lang-tag">EN</span>} placeholder={compact ? label : undefined} value={text.en ?? ""} onChange={(e) => set("en", e.target.value)} />
        </div>
      );
    }
    case "object": {
      const obj = (value && typeof value === "object" ? value : {}) as Value;
      return (
        <div className={compact ? "qq-schema-inline" : "qq-schema-nested"}>
          {control.fields.map((f) => (
            <div key={f.key} className={compact ? `qq-schema-inline-item qq-schema-${f.control.kind}` : undefined}>
              {compact && f.control.kind === "boolean" ? <span className="qq-schema-inline-label">{labels.label(f.key, f.title)}</span> : null}
              {compact && f.control.kind === "list" ? <span className="qq-schema-inline-label">{labels.label(f.key, f.title)}</span> : null}
              {compact ? null : <div className="qq-schema-sublabel">{labels.label(f.key, f.title)}</div>}
              <ControlInput
                control={f.control}
                settingKey={f.key}
                title={f.title}
                value={obj[f.key]}
                id={`${id}-${f.key}`}
                path={`${path}.${f.key}`}
                errors={errors}
                nullable={f.nullable || !f.required}
                compact={compact}
                renderFormula={renderFormula}
                onChange={(v) => {
                  const next = { ...obj, [f.key]: v };
                  if (v === null || v === undefined) delete next[f.key];
                  onChange(next);
                }}
              />
            </div>
          ))}
        </div>
      );
    }
    case "list": {
      const items = Array.isArray(value) ? value : [];
      const move = (from: number, to: number) => {
        const next = [...items];
        const [x] = next.splice(from, 1);
        next.splice(to, 0, x);
        onChange(next);
      };
      return (
        <div className="qq-schema-list">
          <ol className="qq-schema-items">
            {items.map((item, i) => {
              const itemErrors = errorsUnder(errors, `${path}.${i}`);
              return (
                <li key={i} className={`qq-schema-item${itemErrors.length ? " qq-schema-item-error" : ""}`}>
                  <div className="qq-schema-item-body">
                    <ControlInput
                      control={control.item}
                      settingKey={settingKey}
                      title={title}
                      value={item}
                      id={`${id}-${i}`}
                      path={`${path}.${i}`}
                      errors={errors}
                      nullable={false}
                      compact
                      renderFormula={renderFormula}
                      onChange={(v) => onChange(items.map((x, j) => (j === i ? v : x)))}
                    />
                    {itemErrors.length ? <div className="qq-schema-error">{itemErrors.join(" ")}</div> : null}
                  </div>
                  <div className="qq-schema-item-actions">
                    <Button size="small" type="text" icon={<ArrowUpOutlined aria-hidden />} disabled={i === 0} aria-label={t("builder.designer.moveUp")} onClick={() => move(i, i - 1)} />
                    <Button size="small" type="text" icon={<ArrowDownOutlined aria-hidden />} disabled={i === items.length - 1} aria-label={t("builder.designer.moveDown")} onClick={() => move(i, i + 1)} />
                    <Button size="small" type="text" danger icon={<DeleteOutlined aria-hidden />} disabled={items.length <= control.minItems} aria-label={t("builder.designer.removeItem")} onClick={() => onChange(items.filter((_, j) => j !== i))} />
                  </div>
                </li>
              );
            })}
          </ol>
          <Button
            size="small"
            type="dashed"
            icon={<PlusOutlined aria-hidden />}
            disabled={control.maxItems !== undefined && items.length >= control.maxItems}
            onClick={() => onChange([...items, initialValue(control.item, t("builder.designer.option"), items.length + 1)])}
          >
            {t("builder.designer.addItem")}
          </Button>
        </div>
      );
    }
    default:
      return (
        <Input.TextArea
          id={id}
          aria-label={label}
          rows={2}
          defaultValue={value === undefined ? "" : JSON.stringify(value)}
          onBlur={(e) => {
            try {
              onChange(e.target.value.trim() ? JSON.parse(e.target.value) : null);
            } catch {
              // not JSON yet: leave the setting as it was
            }
          }}
        />
      );
  }
}

export function SchemaForm({ controls, value, onChange, errors, idPrefix, renderFormula }: SchemaFormProps) {
  const labels = useLabels();
  if (!controls.length) return null;
  return (
    <>
      {controls.map((p) => {
        const id = `${idPrefix}-${p.key}`;
        const own = errorsUnder(errors, p.key);
        const label = labels.label(p.key, p.title);
        return (
          <Form.Item
            key={p.key}
            label={label}
            htmlFor={id}
            required={p.required}
            help={own.length ? own.join(" ") : labels.help(p.key)}
            validateStatus={own.length ? "error" : undefined}
            layout={p.control.kind === "boolean" ? "horizontal" : "vertical"}
            colon={false}
            className={p.control.kind === "boolean" ? "qq-prop-switch" : undefined}
          >
            <ControlInput
              control={p.control}
              settingKey={p.key}
              title={p.title}
              value={value[p.key] ?? (p.control.kind === "boolean" || p.control.kind === "enum" ? p.default : undefined)}
              id={id}
              path={p.key}
              errors={errors}
              nullable={p.nullable || !p.required}
              renderFormula={renderFormula}
              fallback={p.default}
              onChange={(v) => {
                const next = { ...value, [p.key]: v };
                if (v === null || v === undefined) delete next[p.key];
                onChange(next, `settings.${p.key}`);
              }}
            />
          </Form.Item>
        );
      })}
    </>
  );
}
