// The columns of a field that stores rows of its own (a subform): each column a small field
// with its name, key, type, required flag and the settings of its type.
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Collapse, Input, Select, Switch } from "antd";
import { useTranslation } from "react-i18next";
import { FormulaEditor } from "../../../components/formula-editor";
import type { FieldDef, FieldTypeInfo } from "../../../registries/fields/types";
import { createField, textOf } from "./draft";
import type { LocatedProblem } from "./draft";
import { SchemaForm } from "./SchemaForm";
import { propertiesOf } from "./settingsSchema";
import type { JsonSchema } from "./settingsSchema";

/** Storage kinds a row cannot hold: rows of rows, many-to-many, layout and system columns. */
const NOT_IN_ROWS = new Set(["child", "refs", "none", "system"]);

export function SubformColumns({
  field,
  types,
  problems,
  onChange,
}: {
  field: FieldDef;
  types: FieldTypeInfo[];
  /** problems inside the field: `fields.0.options.choices`… */
  problems: LocatedProblem[];
  onChange: (columns: FieldDef[], group: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage === "en" ? "en" : "zh-CN";
  const columns = field.fields ?? [];
  const allowed = types.filter((ft) => !NOT_IN_ROWS.has(ft.storage));
  const infoOf = (type: string) => types.find((ft) => ft.type === type);
  const id = `prop-${field.key}-col`;

  const set = (i: number, next: FieldDef, group: string) => onChange(columns.map((c, j) => (j === i ? next : c)), `columns.${i}.${group}`);
  const move = (from: number, to: number) => {
    const next = [...columns];
    const [c] = next.splice(from, 1);
    next.splice(to, 0, c);
    onChange(next, "columns.order");
  };
  const add = () => {
    const info = infoOf("text") ?? allowed[0];
    if (!info) return;
    onChange([...columns, createField(info, columns.map((c) => c.key), () => t("builder.designer.option"))], "columns.add");
  };

  return (
    <div className="qq-schema-list">
      <ol className="qq-schema-items" aria-label={t("builder.props.columnsOfRows")}>
        {columns.map((col, i) => {
          const own = problems.filter((p) => p.path === `fields.${i}` || p.path.startsWith(`fields.${i}.`));
          const controls = propertiesOf((infoOf(col.type)?.settings_schema ?? {}) as JsonSchema);
          const optionErrors = new Map<string, string[]>();
          for (const p of own) {
            const rest = p.path.replace(new RegExp(`^fields\\.${i}\\.?`), "");
            if (rest.startsWith("options")) optionErrors.set(rest.replace(/^options\.?/, ""), [p.message]);
          }
          const name = textOf(col.label, lang) || col.key;
          return (
            <li key={i} className={`qq-schema-item${own.length ? " qq-schema-item-error" : ""}`}>
              <div className="qq-schema-item-body qq-subform-col">
                <div className="qq-schema-inline">
                  <Input
                    size="small"
                    className="qq-schema-inline-item"
                    aria-label={t("builder.props.columnName", { n: i + 1 })}
                    placeholder={t("builder.props.label")}
                    value={textOf(col.label, lang)}
                    onChange={(e) => set(i, { ...col, label: { ...col.label, [lang]: e.target.value } }, "label")}
                  />
                  <Select
                    size="small"
                    className="qq-schema-inline-item"
                    aria-label={t("builder.props.columnType", { n: i + 1 })}
                    value={col.type}
                    showSearch={{ optionFilterProp: "label" }}
                    options={allowed.map((ft) => ({ value: ft.type, label: textOf(ft.label, lang) || ft.type }))}
                    onChange={(type: string) => {
                      const info = infoOf(type);
                      if (!info) return;
                      const fresh = createField(info, columns.filter((_, j) => j !== i).map((c) => c.key), () => t("builder.designer.option"));
                      set(i, { ...col, type, options: fresh.options }, "type");
                    }}
                  />
                </div>
                <div className="qq-schema-inline qq-block-top-s">
                  <Input
                    size="small"
                    className="qq-schema-inline-item"
                    aria-label={t("builder.props.columnKey", { n: i + 1 })}
                    placeholder={t("builder.props.key")}
                    spellCheck={false}
                    value={col.key}
                    onChange={(e) => set(i, { ...col, key: e.target.value.trim() }, "key")}
                  />
                  <label className="qq-prop-switch-row">
                    <Switch size="small" checked={col.required === true} onChange={(v) => set(i, { ...col, required: v }, "required")} aria-label={t("builder.props.columnRequired", { name })} />
                    <span>{t("builder.props.required")}</span>
                  </label>
                </div>
                {controls.length ? (
                  <Collapse
                    ghost
                    size="small"
                    items={[
                      {
                        key: "settings",
                        label: t("builder.props.settings"),
                        children: (
                          <SchemaForm
                            controls={controls}
                            value={col.options ?? {}}
                            errors={optionErrors}
                            idPrefix={`${id}-${i}`}
                            onChange={(options, group) => set(i, { ...col, options }, group)}
                            renderFormula={({ id: fid, value, onChange: change, label }) => (
                              <FormulaEditor
                                id={fid}
                                aria-label={label}
                                value={value}
                                onChange={change}
                                fields={columns.filter((_, j) => j !== i).map((c) => ({ key: c.key, label: textOf(c.label, lang) || c.key }))}
                                noCheck
                              />
                            )}
                          />
                        ),
                      },
                    ]}
                  />
                ) : null}
                {own.length ? <div className="qq-schema-error">{own.map((p) => p.message).join(" ")}</div> : null}
              </div>
              <div className="qq-schema-item-actions">
                <Button size="small" type="text" icon={<ArrowUpOutlined aria-hidden />} disabled={i === 0} aria-label={t("builder.designer.moveUp")} onClick={() => move(i, i - 1)} />
                <Button size="small" type="text" icon={<ArrowDownOutlined aria-hidden />} disabled={i === columns.length - 1} aria-label={t("builder.designer.moveDown")} onClick={() => move(i, i + 1)} />
                <Button
                  size="small"
                  type="text"
                  danger
                  icon={<DeleteOutlined aria-hidden />}
                  aria-label={t("builder.props.removeColumn", { name })}
                  onClick={() => onChange(columns.filter((_, j) => j !== i), "columns.remove")}
                />
              </div>
            </li>
          );
        })}
      </ol>
      <Button size="small" type="dashed" icon={<PlusOutlined aria-hidden />} onClick={add}>
        {t("builder.props.addColumn")}
      </Button>
    </div>
  );
}
