// A records widget: the latest records of a form as the server returns them (through the
// records service, in the reader's scope), labelled by the form's fields when they are known.
import { Empty, Table } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useTranslation } from "react-i18next";
import type { FormFieldDef, RecordPage } from "../../api/reports";
import { textOf } from "./conditions";

const SYSTEM = new Set(["id", "version", "draft", "flow_status", "deleted_at", "created_by", "updated_by",
  "created_at", "updated_at", "owner_id", "owner_dept_id"]);

const NUMBER = /^-?\d+(\.\d+)?$/;
const NUMERIC_TYPES = new Set(["number", "money", "percent", "rating"]);

function cell(value: unknown, field: FormFieldDef | undefined, language: string): string {
  if (value === null || value === undefined || value === "") return "";
  if (Array.isArray(value)) return value.map((v) => cell(v, field, language)).filter(Boolean).join(", ");
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    const name = o.title ?? o.display_name ?? o.name ?? o.label ?? o.id;
    return name === null || name === undefined ? "" : String(name);
  }
  if (typeof value === "boolean") return value ? "✓" : "";
  const choice = field?.options?.choices?.find((c) => c.value === value);
  if (choice) return textOf(choice.label, language) || choice.value;
  const numeric = typeof value === "number" || (typeof value === "string" && NUMBER.test(value) && field
    && NUMERIC_TYPES.has(field.type));
  if (numeric) {
    const money = field?.type === "money";
    return Number(value).toLocaleString(language, money ? { minimumFractionDigits: 2, maximumFractionDigits: 2 } : undefined);
  }
  return String(value);
}

interface Props {
  page: RecordPage | undefined;
  fields: string[];
  formFields: FormFieldDef[];
  onOpen?: (id: number) => void;
}

export function RecordsWidget({ page, fields, formFields, onOpen }: Props) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? i18n.language;
  const items = page?.items ?? [];
  if (!items.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("dashboards.widget.noRecords")} />;
  const byKey = new Map(formFields.map((f) => [f.key, f]));
  const keys = fields.length
    ? fields
    : formFields.length
      ? formFields.map((f) => f.key).filter((k) => k in items[0]).slice(0, 6)
      : Object.keys(items[0]).filter((k) => !SYSTEM.has(k)).slice(0, 6);
  const columns: ColumnsType<Record<string, unknown>> = keys.map((key) => ({
    key,
    dataIndex: key,
    title: byKey.has(key) ? textOf(byKey.get(key)!.label, language) || key : key,
    ellipsis: true,
    render: (v: unknown) => cell(v, byKey.get(key), language),
  }));
  return (
    <Table
      size="small"
      rowKey={(r) => String(r.id)}
      columns={columns}
      dataSource={items}
      pagination={false}
      scroll={{ x: "max-content" }}
      onRow={(r) => (onOpen ? { onClick: () => onOpen(Number(r.id)), className: "qq-clickable" } : {})}
    />
  );
}
