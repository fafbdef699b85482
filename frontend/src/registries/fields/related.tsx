// The related list: on a saved record, the records of another form that link to it (a
// customer's contacts, deals, payments), read through that form's permissions.
import { UnorderedListOutlined } from "@ant-design/icons";
import { Table, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useForm, useRelatedRows, type RecordRow } from "../../api/forms";
import { fieldUI, registerFieldType } from "./index";
import { useLang } from "./shared";
import type { CellProps, FieldDef, InputProps } from "./types";
import { opt, pickText } from "./values";

function RelatedList({ field, context }: { field: FieldDef; context?: Partial<InputProps["context"]> }) {
  const { t } = useTranslation();
  const lang = useLang();
  const appKey = context?.appKey ?? "";
  const formKey = context?.formKey ?? "";
  const [page, setPage] = useState(1);
  const target = opt<string>(field, "form", "");
  const def = useForm(appKey || undefined, target || undefined);
  const targetDef = def.data?.published ?? def.data?.draft;
  const rows = useRelatedRows(appKey, formKey, context?.recordId, field.key, page);
  if (!context?.recordId) {
    return <Typography.Text type="secondary">{t("fields.related.afterSave")}</Typography.Text>;
  }
  const columns = opt<string[]>(field, "columns", [])
    .map((k) => targetDef?.fields.find((f) => f.key === k))
    .filter((f): f is FieldDef => !!f);
  return (
    <Table<RecordRow>
      size="small"
      rowKey="id"
      loading={rows.isFetching}
      dataSource={rows.data?.items ?? []}
      scroll={{ x: "max-content" }}
      pagination={{
        current: page,
        pageSize: opt(field, "page_size", 10),
        total: rows.data?.total ?? undefined,
        onChange: setPage,
        size: "small",
        hideOnSinglePage: true,
      }}
      columns={[
        ...columns.map((c) => {
          const ui = fieldUI(c.type);
          return {
            key: c.key,
            title: pickText(c.label, lang),
            render: (_: unknown, row: RecordRow) => <ui.Cell field={c} value={row[c.key]} mode="compact" context={{ appKey, formKey: target }} />,
          };
        }),
        {
          key: "_open",
          title: "",
          render: (_: unknown, row: RecordRow) => <Link to={`/apps/${appKey}/forms/${target}/records/${row.id}`}>{t("fields.related.open")}</Link>,
        },
      ]}
    />
  );
}

registerFieldType({
  type: "related_list",
  icon: <UnorderedListOutlined />,
  Input: ({ field, context }: InputProps) => <RelatedList field={field} context={context} />,
  Cell: ({ field, context }: CellProps) => <RelatedList field={field} context={context} />,
  operators: [],
  Filter: () => null,
  role: "static",
  wide: true,
  text: () => "",
});
