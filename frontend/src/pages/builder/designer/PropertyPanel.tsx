// The side panel: the selected field's properties (common ones, then its type's own settings
// generated from settings_schema, then rules), or the form's own settings when none is selected.
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Divider, Empty, Form, Input, Segmented, Select, Switch, Typography } from "antd";
import type { ReactNode } from "react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { FormDefinition } from "../../../api/designer";
import { FormulaEditor } from "../../../components/formula-editor";
import type { FieldOption } from "../../../components/formula-editor";
import type { FieldDef, FieldTypeInfo, FieldTypeUI, I18nText } from "../../../registries/fields/types";
import { KEY_PATTERN, RESERVED_KEYS, followLabel, textOf } from "./draft";
import type { LocatedProblem } from "./draft";
import { SchemaForm } from "./SchemaForm";
import { SubformColumns } from "./SubformColumns";
import { initialOptions, propertiesOf } from "./settingsSchema";
import type { JsonSchema } from "./settingsSchema";

export interface FormulaContext {
  fields: FieldOption[];
  checkWith: { draft: { app: string; definition: unknown } };
}

function I18nInputs({
  id,
  label,
  value,
  onChange,
  required,
  errors,
  textarea,
}: {
  id: string;
  label: string;
  value: I18nText | null | undefined;
  onChange: (v: I18nText) => void;
  required?: boolean;
  errors?: string[];
  textarea?: boolean;
}) {
  const { t } = useTranslation();
  const text = value ?? {};
  const Control = textarea ? Input.TextArea : Input;
  const set = (lang: "zh-CN" | "en", v: string) => onChange({ ...text, [lang]: v });
  return (
    <Form.Item label={label} required={required} htmlFor={`${id}-zh`} validateStatus={errors?.length ? "error" : undefined} help={errors?.join(" ")}>
      <div className="qq-i18n-pair">
        <Control id={`${id}-zh`} aria-label={`${label} (${t("builder.lang.zh")})`} placeholder={t("builder.lang.zh")} value={text["zh-CN"] ?? ""} onChange={(e) => set("zh-CN", e.target.value)} {...(textarea ? { rows: 2 } : {})} />
        <Control id={`${id}-en`} aria-label={`${label} (${t("builder.lang.en")})`} placeholder={t("builder.lang.en")} value={text.en ?? ""} onChange={(e) => set("en", e.target.value)} {...(textarea ? { rows: 2 } : {})} />
      </div>
    </Form.Item>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <>
      <Divider titlePlacement="start" plain className="qq-prop-divider">
        {title}
      </Divider>
      {children}
    </>
  );
}

export function FieldProperties({
  field,
  form,
  info,
  types,
  ui,
  problems,
  formula,
  appKey,
  onChange,
  onDelete,
}: {
  field: FieldDef;
  form: FormDefinition;
  info: FieldTypeInfo | undefined;
  /** every field type, for changing this field's */
  types: FieldTypeInfo[];
  ui: FieldTypeUI | undefined;
  problems: LocatedProblem[];
  formula: FormulaContext;
  appKey: string;
  onChange: (next: FieldDef, group: string) => void;
  onDelete: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "zh-CN";
  const id = `prop-${field.key}`;
  const controls = useMemo(() => (info ? propertiesOf(info.settings_schema as JsonSchema) : []), [info]);
  const at = (path: string) => problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`)).map((p) => p.message);
  const optionErrors = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const p of problems) {
      if (p.path === "options" || p.path.startsWith("options.")) {
        const rest = p.path.replace(/^options\.?/, "");
        map.set(rest, [...(map.get(rest) ?? []), p.message]);
      }
    }
    return map;
  }, [problems]);
  const known = new Set(["label", "key", "description", "placeholder", "layout", "default", "visible_when", "rules", "type", "fields"]);
  const elsewhere = problems.filter((p) => !known.has(p.path.split(".")[0]) && !p.path.startsWith("options") && p.path !== "");
  const general = problems.filter((p) => p.path === "");
  const set = <K extends keyof FieldDef>(key: K, value: FieldDef[K], group: string = key) => onChange({ ...field, [key]: value }, group);
  const taken = form.fields.filter((f) => f.key !== field.key).map((f) => f.key);
  const keyError = !KEY_PATTERN.test(field.key)
    ? t("builder.props.keyPattern")
    : RESERVED_KEYS.has(field.key)
      ? t("builder.props.keyReserved")
      : taken.includes(field.key)
        ? t("builder.props.keyTaken")
        : null;
  const columns = form.settings?.columns ?? 2;
  const holdsValue = info ? info.storage !== "none" && !info.computed : true;
  const defaultMode = field.default?.formula != null ? "formula" : field.default?.value != null ? "value" : "none";
  const formulaFields = formula.fields.filter((f) => f.key !== field.key);
  const Input_ = ui?.Input;
  const Panel = ui?.DesignerPanel;

  return (
    <Form layout="vertical" component={false}>
      <div className="qq-prop-head">
        <Typography.Text strong>{textOf(info?.label, lang) || field.type}</Typography.Text>
        <Button danger size="small" type="text" icon={<DeleteOutlined aria-hidden />} onClick={onDelete}>
          {t("builder.designer.delete")}
        </Button>
      </div>
      {general.length || elsewhere.length ? (
        <Alert type="error" showIcon className="qq-block" title={[...general, ...elsewhere].map((p) => p.message).join(" ")} />
      ) : null}
      <I18nInputs id={`${id}-label`} label={t("builder.props.label")} required value={field.label} errors={at("label")} onChange={(v) => set("label", followLabel(field.label, v, info?.label))} />
      <Form.Item label={t("builder.props.key")} htmlFor={`${id}-key`} required validateStatus={keyError || at("key").length ? "error" : undefined} help={keyError ?? (at("key").join(" ") || t("builder.props.keyHint"))}>
        <Input id={`${id}-key`} value={field.key} spellCheck={false} maxLength={48} onChange={(e) => set("key", e.target.value.trim())} />
      </Form.Item>
      <Form.Item label={t("builder.props.type")} htmlFor={`${id}-type`} validateStatus={at("type").length ? "error" : undefined} help={at("type").join(" ") || t("builder.props.typeHint")}>
        <Select
          id={`${id}-type`}
          showSearch={{ optionFilterProp: "label" }}
          value={field.type}
          options={types
            .filter((ft) => ft.group === info?.group || (ft.storage !== "none" && info?.storage !== "none"))
            .map((ft) => ({ value: ft.type, label: textOf(ft.label, lang) || ft.type }))}
          onChange={(type: string) => {
            const next = types.find((ft) => ft.type === type);
            if (!next) return;
            const options = initialOptions(next.settings_schema as JsonSchema, () => t("builder.designer.option"));
            // settings both types share (precision, choices…) carry over
            const shared = Object.fromEntries(
              Object.entries(field.options ?? {}).filter(([k]) => k in ((next.settings_schema as JsonSchema).properties ?? {})),
            );
            onChange({ ...field, type, options: { ...options, ...shared } }, "type");
          }}
        />
      </Form.Item>
      {columns > 1 ? (
        <Form.Item label={t("builder.props.span")} htmlFor={`${id}-span`}>
          <Segmented
            id={`${id}-span`}
            aria-label={t("builder.props.span")}
            value={Math.min(field.layout?.span ?? 1, columns)}
            options={Array.from({ length: columns }, (_, i) => ({ value: i + 1, label: t("builder.props.spanN", { count: i + 1 }) }))}
            onChange={(v) => set("layout", { span: Number(v) })}
          />
        </Form.Item>
      ) : null}

      {holdsValue ? (
        <Section title={t("builder.props.behaviour")}>
          <div className="qq-prop-switches">
            {(["required", "unique", "read_only", "hidden"] as const).map((k) => (
              <label key={k} className="qq-prop-switch-row">
                <Switch size="small" checked={field[k] === true} onChange={(v) => set(k, v)} aria-label={t(`builder.props.${k}`)} />
                <span>{t(`builder.props.${k}`)}</span>
              </label>
            ))}
          </div>
          <I18nInputs id={`${id}-placeholder`} label={t("builder.props.placeholder")} value={field.placeholder} errors={at("placeholder")} onChange={(v) => set("placeholder", v)} />
        </Section>
      ) : null}
      <I18nInputs id={`${id}-description`} label={t("builder.props.description")} textarea value={field.description} errors={at("description")} onChange={(v) => set("description", v)} />

      {Panel || controls.length ? (
        <Section title={t("builder.props.settings")}>
          {Panel ? (
            <Panel field={field} onChange={(next) => onChange(next, "settings")} />
          ) : (
            <SchemaForm
              controls={controls}
              value={field.options ?? {}}
              errors={optionErrors}
              idPrefix={`${id}-opt`}
              onChange={(options, group) => onChange({ ...field, options }, group)}
              renderFormula={({ id: fid, value, onChange: change, label }) => (
                <FormulaEditor id={fid} aria-label={label} value={value} onChange={change} fields={formulaFields} checkWith={formula.checkWith} />
              )}
            />
          )}
        </Section>
      ) : null}

      {info?.storage === "child" && !Panel ? (
        <Section title={t("builder.props.columnsOfRows")}>
          <SubformColumns field={field} types={types} problems={problems} onChange={(fields, group) => onChange({ ...field, fields }, group)} />
        </Section>
      ) : null}

      {holdsValue ? (
        <Section title={t("builder.props.default")}>
          <Segmented
            aria-label={t("builder.props.default")}
            className="qq-block"
            value={defaultMode}
            options={[
              { value: "none", label: t("builder.props.defaultNone") },
              { value: "value", label: t("builder.props.defaultValue") },
              { value: "formula", label: t("builder.props.defaultFormula") },
            ]}
            onChange={(mode) =>
              set("default", mode === "none" ? null : mode === "formula" ? { formula: field.default?.formula ?? "" } : { value: field.default?.value ?? null }, "default.mode")
            }
          />
          {defaultMode === "value" ? (
            <Form.Item label={t("builder.props.defaultValue")} validateStatus={at("default").length ? "error" : undefined} help={at("default").join(" ") || undefined}>
              {Input_ ? (
                <Input_
                  field={{ ...field, required: false, read_only: false, default: null }}
                  value={field.default?.value ?? null}
                  onChange={(v) => set("default", { value: v ?? null }, "default.value")}
                  id={`${id}-default`}
                  context={{ appKey, formKey: form.key, values: {} }}
                />
              ) : (
                <Input id={`${id}-default`} value={String(field.default?.value ?? "")} onChange={(e) => set("default", { value: e.target.value || null }, "default.value")} />
              )}
            </Form.Item>
          ) : null}
          {defaultMode === "formula" ? (
            <Form.Item label={t("builder.props.defaultFormula")} htmlFor={`${id}-default-fx`} validateStatus={at("default").length ? "error" : undefined} help={at("default").join(" ") || undefined}>
              <FormulaEditor
                id={`${id}-default-fx`}
                aria-label={t("builder.props.defaultFormula")}
                value={field.default?.formula ?? ""}
                onChange={(v) => set("default", { formula: v }, "default.formula")}
                fields={formulaFields}
                checkWith={formula.checkWith}
              />
            </Form.Item>
          ) : null}
        </Section>
      ) : null}

      <Section title={t("builder.props.rules")}>
        <Form.Item
          label={t("builder.props.visibleWhen")}
          htmlFor={`${id}-visible`}
          validateStatus={at("visible_when").length ? "error" : undefined}
          help={at("visible_when").join(" ") || t("builder.props.visibleWhenHint")}
        >
          <FormulaEditor
            id={`${id}-visible`}
            aria-label={t("builder.props.visibleWhen")}
            value={field.visible_when ?? ""}
            onChange={(v) => set("visible_when", v || null)}
            fields={formulaFields}
            checkWith={formula.checkWith}
            expect="bool"
            placeholder={t("builder.props.visibleWhenPlaceholder")}
          />
        </Form.Item>
        {holdsValue ? (
          <>
            <Typography.Text strong className="qq-prop-sub">
              {t("builder.props.validation")}
            </Typography.Text>
            {(field.rules ?? []).map((rule, i) => (
              <div key={i} className={`qq-rule${at(`rules.${i}`).length ? " qq-schema-item-error" : ""}`}>
                <div className="qq-rule-head">
                  <span>{t("builder.props.ruleN", { n: i + 1 })}</span>
                  <Button
                    size="small"
                    type="text"
                    danger
                    icon={<DeleteOutlined aria-hidden />}
                    aria-label={t("builder.props.removeRule", { n: i + 1 })}
                    onClick={() => set("rules", (field.rules ?? []).filter((_, j) => j !== i))}
                  />
                </div>
                <FormulaEditor
                  id={`${id}-rule-${i}`}
                  aria-label={t("builder.props.ruleExpr", { n: i + 1 })}
                  value={rule.expr}
                  onChange={(v) => set("rules", (field.rules ?? []).map((r, j) => (j === i ? { ...r, expr: v } : r)), `rules.${i}.expr`)}
                  fields={formula.fields}
                  checkWith={formula.checkWith}
                  expect="bool"
                  placeholder={t("builder.props.ruleExprPlaceholder")}
                />
                <I18nInputs
                  id={`${id}-rule-${i}-msg`}
                  label={t("builder.props.ruleMessage")}
                  value={rule.message}
                  errors={at(`rules.${i}.message`)}
                  onChange={(v) => set("rules", (field.rules ?? []).map((r, j) => (j === i ? { ...r, message: v } : r)), `rules.${i}.message`)}
                />
                {at(`rules.${i}.expr`).length ? <div className="qq-schema-error">{at(`rules.${i}.expr`).join(" ")}</div> : null}
              </div>
            ))}
            <Button
              size="small"
              type="dashed"
              icon={<PlusOutlined aria-hidden />}
              onClick={() => set("rules", [...(field.rules ?? []), { expr: "", message: { [lang === "en" ? "en" : "zh-CN"]: t("builder.props.ruleDefaultMessage") } }])}
            >
              {t("builder.props.addRule")}
            </Button>
          </>
        ) : null}
      </Section>
    </Form>
  );
}

export function FormProperties({
  form,
  problems,
  onChange,
}: {
  form: FormDefinition;
  problems: LocatedProblem[];
  onChange: (next: FormDefinition, group: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "zh-CN";
  const at = (path: string) => problems.filter((p) => p.field === null && (p.path === path || p.path.startsWith(`${path}.`))).map((p) => p.message);
  const settings = form.settings ?? {};
  return (
    <Form layout="vertical" component={false}>
      <Typography.Text strong className="qq-prop-sub">
        {t("builder.props.formTitle")}
      </Typography.Text>
      <I18nInputs id="form-label" label={t("builder.props.formName")} required value={form.label} errors={at("label")} onChange={(label) => onChange({ ...form, label }, "form.label")} />
      <I18nInputs id="form-description" label={t("builder.props.description")} textarea value={form.description} errors={at("description")} onChange={(description) => onChange({ ...form, description }, "form.description")} />
      <Form.Item label={t("builder.props.columns")} help={t("builder.props.columnsHint")}>
        <Segmented
          aria-label={t("builder.props.columns")}
          value={settings.columns ?? 2}
          options={[1, 2, 3, 4].map((n) => ({ value: n, label: String(n) }))}
          onChange={(v) => onChange({ ...form, settings: { ...settings, columns: Number(v) } }, "form.columns")}
        />
      </Form.Item>
      <Form.Item label={t("builder.props.titleField")} htmlFor="form-title-field" validateStatus={at("settings.title_field").length ? "error" : undefined} help={at("settings.title_field").join(" ") || t("builder.props.titleFieldHint")}>
        <Select
          id="form-title-field"
          allowClear
          value={settings.title_field ?? undefined}
          onChange={(v) => onChange({ ...form, settings: { ...settings, title_field: v ?? null } }, "form.title")}
          options={form.fields.map((f) => ({ value: f.key, label: `${textOf(f.label, lang) || f.key} (${f.key})` }))}
        />
      </Form.Item>
      <label className="qq-prop-switch-row">
        <Switch size="small" checked={settings.allow_drafts !== false} onChange={(v) => onChange({ ...form, settings: { ...settings, allow_drafts: v } }, "form.drafts")} aria-label={t("builder.props.allowDrafts")} />
        <span>{t("builder.props.allowDrafts")}</span>
      </label>
      {form.fields.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("builder.designer.selectHint")} /> : (
        <Typography.Paragraph type="secondary" className="qq-block-top">{t("builder.designer.selectHint")}</Typography.Paragraph>
      )}
    </Form>
  );
}
