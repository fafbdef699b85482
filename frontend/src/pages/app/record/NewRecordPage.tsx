// A new record of a form, entered through the record form; saved, it opens on its detail page.
import { App, Card, Result, Spin, Typography } from "antd";
import { Suspense } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useParams } from "react-router";
import { useCreateRecord, useMyPermissions, useRuntimeForm } from "../../../api/records";
import { formPath, recordPath } from "../paths";
import { textOf, useLang } from "../fieldKit";
import "../runtime.css";
import { RecordFormView, accessFor } from "./recordForm";

export default function NewRecordPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { appKey = "", formKey = "" } = useParams();
  const form = useRuntimeForm(appKey, formKey);
  const perms = useMyPermissions(appKey, formKey);
  const create = useCreateRecord(appKey, formKey);

  if (form.isLoading || perms.isLoading) {
    return (
      <div className="qq-center">
        <Spin />
      </div>
    );
  }
  if (!form.data || !perms.data?.actions.includes("create")) {
    return <Result status="403" title={t("runtime.record.cannotCreate")} />;
  }
  const title = textOf(form.data.label, lang) || formKey;
  return (
    <div className="qq-page">
      <div className="qq-page-head">
        <Typography.Title level={2}>{t("runtime.record.newTitle", { form: title })}</Typography.Title>
        <Link to={formPath(appKey, formKey)}>{t("runtime.record.backToList", { form: title })}</Link>
      </div>
      <Card>
        <Suspense fallback={<Spin />}>
          <RecordFormView
            form={form.data}
            appKey={appKey}
            formKey={formKey}
            fieldAccess={accessFor(perms.data, form.data)}
            submitLabel={t("common.create")}
            onCancel={() => navigate(formPath(appKey, formKey))}
            onSubmit={async (values) => {
              const record = await create.mutateAsync(values);
              void message.success(t("runtime.record.created"));
              navigate(recordPath(appKey, formKey, record.id), { replace: true });
              return record;
            }}
          />
        </Suspense>
      </Card>
    </div>
  );
}
