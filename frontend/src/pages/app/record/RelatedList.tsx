// A related list on a record (the 360° view): the records of another form that link here, read
// through that form's permissions, each opening its own detail page.
import { Card, Table } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useRelated, useRuntimeForm, type RecordValues } from "../../../api/records";
import type { Id } from "../../../api/types";
import type { FieldDef } from "../../../registries/fields/types";
import { recordPath } from "../paths";
import { ValueCell, fieldLabel, useFormFields, useLang } from "../fieldKit";

export function RelatedList({ appKey, formKey, recordId, field }: { appKey: string; formKey: string; recordId: Id; field: FieldDef }) {
  const { t } = useTranslation();
  const lang = useLang();
  const other = String(field.options.form);
  const [page, setPage] = useState(1);
  const rows = useRelated(appKey, formKey, recordId, field.key, page);
  const otherForm = useRuntimeForm(appKey, other);
  const otherFields = useFormFields(otherForm.data);
  const keys = ((field.options.columns as string[]) ?? []).filter((k) => otherFields.byKey.has(k));
  const pageSize = Number(field.options.page_size ?? 10);

  return (
    <Card title={fieldLabel(field, lang)} size="small" className="qq-related">
      {rows.error ? (
        <span>{t("runtime.related.unavailable")}</span>
      ) : (
        <Table<RecordValues>
          size="small"
          rowKey="id"
          loading={rows.isFetching}
          dataSource={rows.data?.items ?? []}
          scroll={{ x: "max-content" }}
          locale={{ emptyText: t("runtime.related.none") }}
          pagination={{ current: page, pageSize, total: rows.data?.total ?? 0, onChange: setPage, hideOnSinglePage: true, size: "small" }}
          columns={
            keys.length
              ? keys.map((k, i) => {
                  const f = otherFields.byKey.get(k)!;
                  return {
                    key: k,
                    title: fieldLabel(f, lang),
                    ellipsis: true,
                    render: (_: unknown, r: RecordValues) =>
                      // The first column opens the linked record.
                      i === 0 ? (
                        <Link to={recordPath(appKey, other, r.id)} className="qq-record-link">
                          <ValueCell field={f} value={r[k]} mode="compact" />
                          {r[k] === null || r[k] === undefined || r[k] === "" ? `#${r.id}` : null}
                        </Link>
                      ) : (
                        <ValueCell field={f} value={r[k]} mode="compact" />
                      ),
                  };
                })
              : [
                  {
                    key: "id",
                    title: "#",
                    render: (_: unknown, r: RecordValues) => (
                      <Link to={recordPath(appKey, other, r.id)} aria-label={t("runtime.related.open", { id: r.id })}>
                        {r.id}
                      </Link>
                    ),
                  },
                ]
          }
        />
      )}
    </Card>
  );
}
