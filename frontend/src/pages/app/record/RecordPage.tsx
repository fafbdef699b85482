// One record: its fields by the form's layout, editing through the record form, the related
// lists that make the 360° view, attachments, comments and history — and a slot where the flow
// timeline and its action buttons go.
import { ArrowLeftOutlined, DeleteOutlined, EditOutlined } from "@ant-design/icons";
import { App, Button, Card, Popconfirm, Result, Space, Spin, Typography } from "antd";
import { Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError } from "../../../api/client";
import {
  useBulkDelete,
  useMyPermissions,
  useRecord,
  useRuntimeForm,
  useUpdateRecord,
  type RecordValues,
  type RuntimeForm,
} from "../../../api/records";
import type { FieldDef } from "../../../registries/fields/types";
import { formPath } from "../paths";
import { ValueCell, fieldLabel, recordTitle, textOf, uiOf, useFormFields, useLang, type FormFields } from "../fieldKit";
import "../runtime.css";
import { Comments } from "./Comments";
import { formatWhen } from "./format";
import { History } from "./History";
import { RecordFormView, accessFor } from "./recordForm";
import { RecordCharts } from "./RecordCharts";
import { RelatedList } from "./RelatedList";

/** The fields as the form lays them out: section headings, each field spanning its columns. */
function Details({ form, fields, record, appKey, formKey }: { form: RuntimeForm; fields: FormFields; record: RecordValues; appKey: string; formKey: string }) {
  const lang = useLang();
  const columns = Math.max(1, Math.min(4, form.settings?.columns ?? 2));
  const shown = fields.all.filter((f) => fields.data.includes(f) || uiOf(f.type)?.role === "section" || uiOf(f.type)?.role === "tab");
  return (
    <dl className="qq-record-grid" style={{ ["--qq-cols" as string]: columns }}>
      {shown.map((f: FieldDef) => {
        const role = uiOf(f.type)?.role;
        if (role === "section" || role === "tab") {
          return (
            <h3 key={f.key} className="qq-record-section">
              {fieldLabel(f, lang)}
            </h3>
          );
        }
        const span = Math.min(columns, f.layout?.span ?? 1);
        return (
          <div key={f.key} className="qq-record-field" style={{ gridColumn: `span ${uiOf(f.type)?.wide ? columns : span}` }}>
            <dt>{fieldLabel(f, lang)}</dt>
            <dd>
              <ValueCell field={f} value={record[f.key]} mode="full" context={{ appKey, formKey, recordId: record.id, values: record }} />
            </dd>
          </div>
        );
      })}
    </dl>
  );
}

export default function RecordPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { appKey = "", formKey = "", recordId = "" } = useParams();
  const form = useRuntimeForm(appKey, formKey);
  const perms = useMyPermissions(appKey, formKey);
  const record = useRecord(appKey, formKey, recordId);
  const update = useUpdateRecord(appKey, formKey);
  const remove = useBulkDelete(appKey, formKey);
  const fields = useFormFields(form.data, perms.data?.fields);
  const [editing, setEditing] = useState(false);

  if (form.isLoading || perms.isLoading || record.isLoading) {
    return (
      <div className="qq-center">
        <Spin />
      </div>
    );
  }
  if (!form.data || !perms.data || !record.data) {
    const missing = record.error instanceof ApiError && record.error.status === 404;
    return (
      <Result
        status={missing ? "404" : "error"}
        title={missing ? t("runtime.record.notFound") : t("errors.unexpected")}
        extra={<Link to={formPath(appKey, formKey)}>{t("runtime.record.backToList", { form: formKey })}</Link>}
      />
    );
  }

  const data = record.data;
  const actions = new Set(perms.data.actions);
  const formTitle = textOf(form.data.label, lang) || formKey;
  const title = recordTitle(data, fields.titleKey, data.id);
  const attachments = fields.files.filter((f) => data[f.key] !== null && data[f.key] !== undefined);

  return (
    <div className="qq-page qq-record-page">
      <div className="qq-page-head">
        <div>
          <Link to={formPath(appKey, formKey)} className="qq-back">
            <ArrowLeftOutlined aria-hidden /> {formTitle}
          </Link>
          <Typography.Title level={2}>{title}</Typography.Title>
          <Typography.Text type="secondary">
            {t("runtime.record.meta", { id: data.id, version: data.version, updated: formatWhen(data.updated_at ?? data.created_at, lang) })}
          </Typography.Text>
        </div>
        {editing ? null : (
          <Space wrap>
            {actions.has("edit") ? (
              <Button type="primary" icon={<EditOutlined aria-hidden />} onClick={() => setEditing(true)}>
                {t("common.edit")}
              </Button>
            ) : null}
            {actions.has("delete") ? (
              <Popconfirm
                title={t("runtime.record.deleteConfirm")}
                okText={t("common.delete")}
                cancelText={t("common.cancel")}
                okButtonProps={{ danger: true }}
                onConfirm={() =>
                  remove.mutate([data.id], {
                    onSuccess: () => {
                      void message.success(t("runtime.record.deleted"));
                      navigate(formPath(appKey, formKey), { replace: true });
                    },
                  })
                }
              >
                <Button danger icon={<DeleteOutlined aria-hidden />}>
                  {t("common.delete")}
                </Button>
              </Popconfirm>
            ) : null}
          </Space>
        )}
      </div>

      <div className="qq-record-layout">
        <div className="qq-record-main">
          <Card title={editing ? t("runtime.record.editing") : t("runtime.record.details")} size="small">
            {editing ? (
              <Suspense fallback={<Spin />}>
                <RecordFormView
                  form={form.data}
                  appKey={appKey}
                  formKey={formKey}
                  recordId={data.id}
                  initial={data}
                  version={data.version}
                  fieldAccess={accessFor(perms.data, form.data)}
                  submitLabel={t("common.save")}
                  onCancel={() => setEditing(false)}
                  reload={async () => {
                    const fresh = await record.refetch();
                    const values = fresh.data ?? data;
                    return { values, version: values.version };
                  }}
                  onSubmit={async (values, version) => {
                    const saved = await update.mutateAsync({ id: data.id, version: version ?? data.version, values });
                    void message.success(t("common.saved"));
                    setEditing(false);
                    return saved;
                  }}
                />
              </Suspense>
            ) : (
              <Details form={form.data} fields={fields} record={data} appKey={appKey} formKey={formKey} />
            )}
          </Card>

          <RecordCharts appKey={appKey} formKey={formKey} recordId={data.id} />

          {fields.related.map((f) => (
            <RelatedList key={f.key} appKey={appKey} formKey={formKey} recordId={data.id} field={f} />
          ))}

          {attachments.length ? (
            <Card title={t("runtime.record.attachments")} size="small">
              {attachments.map((f) => (
                <div key={f.key} className="qq-record-field">
                  <Typography.Text type="secondary">{fieldLabel(f, lang)}</Typography.Text>
                  <ValueCell field={f} value={data[f.key]} mode="full" context={{ appKey, formKey, recordId: data.id }} />
                </div>
              ))}
            </Card>
          ) : null}
        </div>

        <aside className="qq-record-side" aria-label={t("runtime.record.activity")}>
          {/* Flow slot: the flow timeline and its action buttons (approve, reject, hand over) for a
              flow running on this record render here — the Flow issue fills it. */}
          <section className="qq-flow-slot" data-slot="flow" data-flow-status={data.flow_status ?? ""} aria-label={t("runtime.record.flow")} />
          <Comments
            appKey={appKey}
            formKey={formKey}
            recordId={data.id}
            canComment={actions.has("comment")}
            canModerate={perms.data.is_app_admin || actions.has("manage")}
          />
          {actions.has("view_history") ? <History appKey={appKey} formKey={formKey} recordId={data.id} fields={fields.byKey} /> : null}
        </aside>
      </div>
    </div>
  );
}
