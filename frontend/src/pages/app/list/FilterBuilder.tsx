// The filter builder: conditions on fields, each with the operators its type offers and the
// type's own value input (registry `Filter`), joined by "all" or "any".
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Input, Radio, Select, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { FieldDef, FilterCondition, FilterProps } from "../../../registries/fields/types";
import { operandShape, operatorKey } from "../../../registries/fields/operators";
import { fieldLabel, uiOf, useLang } from "../fieldKit";
import type { FilterModel } from "./viewState";

const FALLBACK_OPS = ["eq", "ne", "contains", "not_contains", "empty", "not_empty"];

function operatorsOf(field: FieldDef | undefined): string[] {
  if (!field) return [];
  return uiOf(field.type)?.operators ?? FALLBACK_OPS;
}

/** A plain text operand while the type has no registered Filter. */
function PlainFilter({ condition, onChange, field }: FilterProps) {
  const { t } = useTranslation();
  if (operandShape(condition.op) === "none") return null;
  return (
    <Input
      aria-label={t("runtime.filter.valueOf", { field: field.key })}
      value={typeof condition.value === "string" ? condition.value : ""}
      onChange={(e) => onChange({ ...condition, value: e.target.value })}
    />
  );
}

interface Props {
  fields: FieldDef[];
  model: FilterModel;
  onChange: (model: FilterModel) => void;
  appKey: string;
  formKey: string;
}

export function FilterBuilder({ fields, model, onChange, appKey, formKey }: Props) {
  const { t } = useTranslation();
  const lang = useLang();
  const filterable = fields.filter((f) => operatorsOf(f).length > 0);
  const byKey = new Map(filterable.map((f) => [f.key, f]));

  const setCondition = (index: number, next: FilterCondition) =>
    onChange({ ...model, conditions: model.conditions.map((c, i) => (i === index ? next : c)) });
  const remove = (index: number) => onChange({ ...model, conditions: model.conditions.filter((_, i) => i !== index) });
  const add = () => {
    const field = filterable[0];
    if (!field) return;
    onChange({ ...model, conditions: [...model.conditions, { field: field.key, op: operatorsOf(field)[0], value: null }] });
  };

  if (model.custom) {
    return (
      <Space orientation="vertical">
        <Typography.Text>{t("runtime.filter.custom")}</Typography.Text>
        <Button onClick={() => onChange({ match: "and", conditions: [], custom: null })}>{t("runtime.filter.clear")}</Button>
      </Space>
    );
  }

  return (
    <div className="qq-filter-builder" role="group" aria-label={t("runtime.filter.title")}>
      {model.conditions.length > 1 ? (
        <Radio.Group
          aria-label={t("runtime.filter.match")}
          value={model.match}
          onChange={(e) => onChange({ ...model, match: e.target.value })}
          optionType="button"
          size="small"
          options={[
            { value: "and", label: t("runtime.filter.all") },
            { value: "or", label: t("runtime.filter.any") },
          ]}
        />
      ) : null}
      {model.conditions.map((condition, index) => {
        const field = byKey.get(condition.field);
        const ops = operatorsOf(field);
        const Filter = (field && uiOf(field.type)?.Filter) || PlainFilter;
        const n = index + 1;
        return (
          <div className="qq-filter-row" key={index}>
            <Select
              aria-label={t("runtime.filter.fieldN", { n })}
              className="qq-filter-field"
              value={condition.field}
              showSearch={{ optionFilterProp: "label" }}
              options={filterable.map((f) => ({ value: f.key, label: fieldLabel(f, lang) }))}
              onChange={(key: string) => {
                const next = byKey.get(key);
                setCondition(index, { field: key, op: operatorsOf(next)[0], value: null });
              }}
            />
            <Select
              aria-label={t("runtime.filter.operatorN", { n })}
              className="qq-filter-op"
              value={condition.op}
              options={ops.map((op) => ({ value: op, label: t(operatorKey(op), { defaultValue: op }) }))}
              onChange={(op: string) =>
                setCondition(index, { ...condition, op, value: operandShape(op) === operandShape(condition.op) ? condition.value : null })
              }
            />
            <div className="qq-filter-value">
              {field && operandShape(condition.op) !== "none" ? (
                <Filter
                  field={field}
                  condition={condition}
                  onChange={(next) => setCondition(index, next)}
                  context={{ appKey, formKey, values: {} }}
                />
              ) : null}
            </div>
            <Button
              type="text"
              icon={<DeleteOutlined aria-hidden />}
              aria-label={t("runtime.filter.removeN", { n })}
              onClick={() => remove(index)}
            />
          </div>
        );
      })}
      {model.conditions.length === 0 ? <Typography.Text type="secondary">{t("runtime.filter.none")}</Typography.Text> : null}
      <Button icon={<PlusOutlined aria-hidden />} onClick={add} disabled={!filterable.length}>
        {t("runtime.filter.add")}
      </Button>
    </div>
  );
}
