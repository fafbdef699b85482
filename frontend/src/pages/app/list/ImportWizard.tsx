// The import wizard: upload an .xlsx or .csv, map its columns to fields, run it with a progress
// bar polling the job, then read the outcome and download the report of refused rows.
import { DownloadOutlined, InboxOutlined } from "@ant-design/icons";
import { Alert, Button, Modal, Progress, Radio, Result, Select, Space, Steps, Table, Typography, Upload } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  importErrorsUrl,
  useJob,
  useRunImport,
  useUploadImport,
  type ImportMapping,
  type ImportPreview,
} from "../../../api/records";
import { recordsKey } from "../../../api/records";
import type { Id } from "../../../api/types";
import { useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../components/useShowProblem";
import type { FieldDef } from "../../../registries/fields/types";
import { fieldLabel, useLang } from "../fieldKit";
import { download } from "./exporting";

const ACCEPT = ".xlsx,.csv";

interface Props {
  open: boolean;
  onClose: () => void;
  appKey: string;
  formKey: string;
  /** the form's fields, to name them in the reader's language */
  fields: Map<string, FieldDef>;
}

export function ImportWizard({ open, onClose, appKey, formKey, fields }: Props) {
  const { t, i18n } = useTranslation();
  const lang = useLang();
  const qc = useQueryClient();
  const uploadFile = useUploadImport(appKey, formKey);
  const run = useRunImport(appKey, formKey);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<ImportMapping[]>([]);
  const [onError, setOnError] = useState<"skip" | "abort">("skip");
  const [jobId, setJobId] = useState<Id | null>(null);
  const job = useJob(jobId);
  const finished = job.data && (job.data.status === "done" || job.data.status === "failed");
  const step = jobId !== null ? 2 : preview ? 1 : 0;
  const number = new Intl.NumberFormat(i18n.resolvedLanguage ?? "zh-CN");

  useEffect(() => {
    if (finished) void qc.invalidateQueries({ queryKey: recordsKey(appKey, formKey) });
  }, [finished, qc, appKey, formKey]);

  const reset = () => {
    setPreview(null);
    setMapping([]);
    setJobId(null);
    setOnError("skip");
    uploadFile.reset();
    run.reset();
  };
  const close = () => {
    reset();
    onClose();
  };

  const start = () => {
    if (!preview) return;
    run.mutate(
      { importId: preview.id, run: { mapping: mapping.map((m) => ({ column: m.column, field: m.field })), on_error: onError } },
      { onSuccess: (out) => setJobId(out.job_id) },
    );
  };

  const pathLabel = (path: string) => {
    const def = fields.get(path.split(".").pop() ?? "");
    return def ? fieldLabel(def, lang) : path;
  };
  const total = job.data?.total ?? preview?.file.rows ?? 0;
  const progress = job.data?.progress ?? 0;
  const percent = finished ? 100 : total ? Math.min(99, Math.round((progress / total) * 100)) : 0;
  const result = job.data?.result;
  const mapped = mapping.some((m) => m.field);

  return (
    <Modal
      open={open}
      title={t("runtime.import.title")}
      onCancel={close}
      width={760}
      destroyOnHidden
      footer={
        step === 0 ? (
          <Button onClick={close}>{t("common.cancel")}</Button>
        ) : step === 1 ? (
          <Space>
            <Button onClick={reset}>{t("runtime.import.back")}</Button>
            <Button type="primary" onClick={start} disabled={!mapped} loading={run.isPending}>
              {t("runtime.import.run")}
            </Button>
          </Space>
        ) : (
          <Button type="primary" onClick={close} disabled={!finished}>
            {t("runtime.import.done")}
          </Button>
        )
      }
    >
      <Steps
        size="small"
        current={step}
        className="qq-import-steps"
        items={[{ title: t("runtime.import.stepUpload") }, { title: t("runtime.import.stepMap") }, { title: t("runtime.import.stepRun") }]}
      />
      {step === 0 ? (
        <>
          <Upload.Dragger
            accept={ACCEPT}
            multiple={false}
            showUploadList={false}
            disabled={uploadFile.isPending}
            beforeUpload={(file) => {
              uploadFile.mutate(file, {
                onSuccess: (p) => {
                  setPreview(p);
                  setMapping(p.suggested_mapping);
                },
              });
              return false;
            }}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined aria-hidden />
            </p>
            <p className="ant-upload-text">{uploadFile.isPending ? t("common.loading") : t("runtime.import.drop")}</p>
            <p className="ant-upload-hint">{t("runtime.import.hint")}</p>
          </Upload.Dragger>
          {uploadFile.error ? <Alert type="error" showIcon className="qq-gap" title={describeError(t, uploadFile.error)} /> : null}
        </>
      ) : null}
      {step === 1 && preview ? (
        <>
          <Typography.Paragraph>{t("runtime.import.rows", { count: preview.file.rows })}</Typography.Paragraph>
          <Table
            size="small"
            rowKey="index"
            pagination={false}
            scroll={{ x: 520, y: 320 }}
            dataSource={preview.columns}
            columns={[
              { title: t("runtime.import.column"), dataIndex: "header", width: 160, ellipsis: true },
              {
                title: t("runtime.import.sample"),
                key: "sample",
                ellipsis: true,
                render: (_, c) => (preview.preview[0] ? String(preview.preview[0][c.index] ?? "") : ""),
              },
              {
                title: t("runtime.import.field"),
                key: "field",
                width: 220,
                render: (_, c) => (
                  <Select
                    aria-label={t("runtime.import.fieldFor", { column: c.header })}
                    style={{ width: "100%" }}
                    allowClear
                    placeholder={t("runtime.import.skip")}
                    value={mapping.find((m) => m.column === c.index)?.field ?? undefined}
                    options={preview.fields.map((f) => {
                      const def = fields.get(f.key);
                      return { value: f.key, label: def ? fieldLabel(def, lang) : f.label || f.key };
                    })}
                    onChange={(field: string | undefined) =>
                      setMapping((all) => [
                        ...all.filter((m) => m.column !== c.index),
                        { column: c.index, header: c.header, field: field ?? null },
                      ])
                    }
                  />
                ),
              },
            ]}
          />
          <Space className="qq-gap" wrap>
            <Typography.Text id="qq-import-on-error">{t("runtime.import.onError")}</Typography.Text>
            <Radio.Group
              aria-labelledby="qq-import-on-error"
              value={onError}
              onChange={(e) => setOnError(e.target.value)}
              options={[
                { value: "skip", label: t("runtime.import.skipBad") },
                { value: "abort", label: t("runtime.import.abort") },
              ]}
            />
          </Space>
          {run.error ? <Alert type="error" showIcon className="qq-gap" title={describeError(t, run.error)} /> : null}
        </>
      ) : null}
      {step === 2 ? (
        <div className="qq-import-run">
          <Progress percent={percent} status={job.data?.status === "failed" ? "exception" : finished ? "success" : "active"} aria-label={t("runtime.import.progress")} />
          <Typography.Paragraph type="secondary">
            {finished ? null : t("runtime.import.running", { done: number.format(progress), total: number.format(total) })}
          </Typography.Paragraph>
          {finished && job.data?.status === "done" && result ? (
            <Result
              status={result.refused ? "warning" : "success"}
              title={t("runtime.import.finished", { created: number.format(result.created ?? 0), updated: number.format(result.updated ?? 0) })}
              subTitle={result.refused ? t("runtime.import.refused", { count: result.refused }) : undefined}
              extra={
                result.error_report && preview ? (
                  <Button icon={<DownloadOutlined aria-hidden />} onClick={() => download(importErrorsUrl(appKey, formKey, preview.id))}>
                    {t("runtime.import.errorReport")}
                  </Button>
                ) : null
              }
            />
          ) : null}
          {finished && result?.errors?.length ? (
            <ul className="qq-import-errors" aria-label={t("runtime.import.errors")}>
              {result.errors.slice(0, 20).map((e, i) => (
                <li key={i}>
                  {e.row !== undefined ? t("runtime.import.row", { row: e.row }) : null} {e.path ? <strong>{pathLabel(e.path)}</strong> : null}{" "}
                  {(i18n.resolvedLanguage?.startsWith("zh") && e.message_zh) || e.message}
                </li>
              ))}
            </ul>
          ) : null}
          {finished && job.data?.status === "failed" ? (
            <Alert type="error" showIcon title={job.data.error?.detail ?? job.data.error?.message ?? t("errors.unexpected")} />
          ) : null}
        </div>
      ) : null}
    </Modal>
  );
}
