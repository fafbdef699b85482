// Excel → form: upload a sheet, look at the fields the server inferred from its columns,
// adjust names, keys and types, then create the form (published) and import the rows.
import { CheckCircleOutlined, InboxOutlined } from "@ant-design/icons";
import { Alert, Button, Checkbox, Input, Modal, Result, Select, Space, Steps, Table, Typography, Upload } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useCreateExcelForm, useExcelPreview, useFieldTypes } from "../../api/designer";
import type { ExcelPreview, FormDefinition } from "../../api/designer";
import { useShowProblem } from "../../components/useShowProblem";
import type { FieldDef } from "../../registries/fields/types";
import { KEY_PATTERN, textOf } from "./designer/draft";
import { initialOptions } from "./designer/settingsSchema";
import type { JsonSchema } from "./designer/settingsSchema";

interface Row {
  column: number;
  header: string;
  include: boolean;
  field: FieldDef;
  proposedType: string;
  originalKey: string;
  proposedOptions: Record<string, unknown>;
  sample: string;
}

function rowsOf(preview: ExcelPreview): Row[] {
  return preview.fields.map((f, i) => {
    const field = preview.definition.fields[i];
    const samples = preview.preview
      .map((r) => r[f.column])
      .filter((v) => v !== null && v !== undefined && v !== "")
      .slice(0, 3)
      .map(String);
    return {
      column: f.column,
      header: f.header,
      include: true,
      field,
      proposedType: field.type,
      originalKey: field.key,
      proposedOptions: field.options ?? {},
      sample: samples.join(", "),
    };
  });
}

export function ExcelFormWizard({ appKey, open, onClose }: { appKey: string; open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "zh-CN";
  const previewing = useExcelPreview(appKey);
  const creating = useCreateExcelForm(appKey);
  const types = useFieldTypes();
  const showProblem = useShowProblem();
  const [preview, setPreview] = useState<ExcelPreview | null>(null);
  const [rows, setRows] = useState<Row[]>([]);
  const [formLabel, setFormLabel] = useState("");
  const [formKey, setFormKey] = useState("");
  const [done, setDone] = useState<{ key: string; jobId: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const step = done ? 2 : preview ? 1 : 0;
  const typeOptions = useMemo(
    () =>
      (types.data ?? [])
        .filter((ft) => !ft.computed && ft.storage !== "none" && ft.storage !== "child" && ft.storage !== "refs" && ft.storage !== "ref")
        .map((ft) => ({ value: ft.type, label: textOf(ft.label, lang) })),
    [types.data, lang],
  );

  const reset = () => {
    setPreview(null);
    setRows([]);
    setDone(null);
    setError(null);
    previewing.reset();
  };

  const close = () => {
    reset();
    onClose();
  };

  const upload = async (file: File) => {
    setError(null);
    try {
      const p = await previewing.mutateAsync({ file });
      setPreview(p);
      setRows(rowsOf(p));
      setFormLabel(textOf(p.definition.label, lang));
      setFormKey(p.definition.key);
    } catch (e) {
      showProblem(e);
    }
    return false;
  };

  const patchRow = (i: number, patch: Partial<Row>, fieldPatch: Partial<FieldDef> = {}) =>
    setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch, field: { ...r.field, ...fieldPatch } } : r)));

  const changeType = (i: number, type: string) => {
    const row = rows[i];
    const info = types.data?.find((ft) => ft.type === type);
    const options =
      type === row.proposedType
        ? row.proposedOptions
        : initialOptions((info?.settings_schema ?? {}) as JsonSchema, () => t("builder.designer.option"));
    patchRow(i, {}, { type, options });
  };

  const included = rows.filter((r) => r.include);
  const keys = included.map((r) => r.field.key);
  const badKeys = new Set(keys.filter((k, i) => !KEY_PATTERN.test(k) || keys.indexOf(k) !== i));
  const canCreate = included.length > 0 && badKeys.size === 0 && KEY_PATTERN.test(formKey) && formLabel.trim() !== "";

  const create = async () => {
    if (!preview) return;
    setError(null);
    const titleField = preview.definition.settings?.title_field;
    const definition: FormDefinition = {
      ...preview.definition,
      key: formKey,
      label: { "zh-CN": formLabel, en: formLabel },
      fields: included.map((r) => r.field),
      settings: {
        ...preview.definition.settings,
        title_field: included.find((r) => r.originalKey === titleField)?.field.key ?? null,
      },
    };
    try {
      const out = await creating.mutateAsync({
        body: {
          upload_id: preview.upload_id,
          definition,
          mapping: rows.map((r) => ({ column: r.column, field: r.include ? r.field.key : null })),
          on_error: "skip",
        },
      });
      setDone({ key: out.form.key, jobId: out.job_id });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      showProblem(e);
    }
  };

  return (
    <Modal
      open={open}
      onCancel={close}
      title={t("builder.excel.title")}
      width={960}
      destroyOnHidden
      footer={
        step === 1 ? (
          <Space wrap>
            <Button onClick={reset}>{t("builder.excel.another")}</Button>
            <Button type="primary" disabled={!canCreate} loading={creating.isPending} onClick={create}>
              {t("builder.excel.create", { count: included.length })}
            </Button>
          </Space>
        ) : step === 2 ? (
          <Button type="primary" onClick={close}>
            {t("builder.excel.close")}
          </Button>
        ) : null
      }
    >
      <Steps
        size="small"
        current={step}
        className="qq-block"
        items={[{ title: t("builder.excel.stepUpload") }, { title: t("builder.excel.stepFields") }, { title: t("builder.excel.stepDone") }]}
      />
      {step === 0 ? (
        <Upload.Dragger
          accept=".xlsx,.xlsm,.csv"
          multiple={false}
          showUploadList={false}
          beforeUpload={(file) => upload(file)}
          disabled={previewing.isPending}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined aria-hidden />
          </p>
          <p className="ant-upload-text">{previewing.isPending ? t("builder.excel.reading") : t("builder.excel.drop")}</p>
          <p className="ant-upload-hint">{t("builder.excel.hint")}</p>
        </Upload.Dragger>
      ) : null}
      {step === 1 && preview ? (
        <>
          <Typography.Paragraph type="secondary">
            {t("builder.excel.summary", { rows: preview.file.rows, columns: preview.columns.length })}
          </Typography.Paragraph>
          <div className="qq-excel-head">
            <label>
              <span>{t("builder.excel.formName")}</span>
              <Input value={formLabel} onChange={(e) => setFormLabel(e.target.value)} maxLength={200} />
            </label>
            <label>
              <span>{t("builder.excel.formKey")}</span>
              <Input
                value={formKey}
                onChange={(e) => setFormKey(e.target.value)}
                status={KEY_PATTERN.test(formKey) ? undefined : "error"}
                spellCheck={false}
              />
            </label>
          </div>
          {error ? <Alert type="error" showIcon title={error} className="qq-block" /> : null}
          <Table<Row>
            size="small"
            rowKey="column"
            pagination={false}
            scroll={{ x: 760, y: 360 }}
            dataSource={rows}
            columns={[
              {
                title: t("builder.excel.include"),
                width: 70,
                render: (_, r, i) => (
                  <Checkbox
                    checked={r.include}
                    aria-label={t("builder.excel.includeColumn", { header: r.header })}
                    onChange={(e) => patchRow(i, { include: e.target.checked })}
                  />
                ),
              },
              { title: t("builder.excel.column"), dataIndex: "header", width: 140, ellipsis: true },
              {
                title: t("builder.excel.label"),
                width: 170,
                render: (_, r, i) => (
                  <Input
                    size="small"
                    value={textOf(r.field.label, lang)}
                    aria-label={t("builder.excel.labelOf", { header: r.header })}
                    disabled={!r.include}
                    onChange={(e) => patchRow(i, {}, { label: { "zh-CN": e.target.value, en: e.target.value } })}
                  />
                ),
              },
              {
                title: t("builder.excel.key"),
                width: 150,
                render: (_, r, i) => (
                  <Input
                    size="small"
                    value={r.field.key}
                    spellCheck={false}
                    aria-label={t("builder.excel.keyOf", { header: r.header })}
                    disabled={!r.include}
                    status={r.include && badKeys.has(r.field.key) ? "error" : undefined}
                    onChange={(e) => patchRow(i, {}, { key: e.target.value })}
                  />
                ),
              },
              {
                title: t("builder.excel.type"),
                width: 150,
                render: (_, r, i) => (
                  <Select
                    size="small"
                    className="qq-full"
                    value={r.field.type}
                    options={typeOptions}
                    aria-label={t("builder.excel.typeOf", { header: r.header })}
                    disabled={!r.include}
                    onChange={(v) => changeType(i, v)}
                    showSearch={{ optionFilterProp: "label" }}
                  />
                ),
              },
              { title: t("builder.excel.sample"), dataIndex: "sample", ellipsis: true },
            ]}
          />
          {badKeys.size ? <Typography.Text type="danger">{t("builder.excel.badKeys")}</Typography.Text> : null}
        </>
      ) : null}
      {step === 2 && done ? (
        <Result
          icon={<CheckCircleOutlined aria-hidden />}
          status="success"
          title={t("builder.excel.doneTitle")}
          subTitle={t("builder.excel.doneText")}
          extra={[
            <Link key="open" to={`/apps/${appKey}/forms/${done.key}`}>
              {t("builder.excel.openRecords")}
            </Link>,
            <Link key="design" to={`/build/${appKey}/forms/${done.key}`}>
              {t("builder.excel.openDesigner")}
            </Link>,
          ]}
        />
      ) : null}
    </Modal>
  );
}
