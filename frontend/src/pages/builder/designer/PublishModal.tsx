// Publishing: what the schema change will do (columns added, fields retired or restored, types
// changed) and, for a type change, every stored value that will not convert, before anything
// happens. Values that would not convert can be kept in a preserved column, never lost.
import { Alert, Button, Empty, List, Modal, Space, Table, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { PublishPreview, SchemaChange, Unconvertible } from "../../../api/designer";

function describeChange(
  t: (k: string, o?: Record<string, unknown>) => string,
  c: SchemaChange,
  labelOf: (key?: string) => string,
  typeLabel: (type?: string) => string,
): string {
  const field = labelOf(c.field);
  switch (c.op) {
    case "create_table":
      return t("builder.publish.op.create_table");
    case "add_column":
      return t("builder.publish.op.add_column", { field });
    case "change_type":
      return t("builder.publish.op.change_type", { field, from: typeLabel(c.from), to: typeLabel(c.to) });
    case "retire_field":
      return t("builder.publish.op.retire_field", { field });
    case "restore_field":
      return t("builder.publish.op.restore_field", { field });
    case "create_index":
      return t("builder.publish.op.create_index");
    case "drop_index":
      return t("builder.publish.op.drop_index");
    default:
      return t("builder.publish.op.other", { op: c.op, field });
  }
}

export function PublishModal({
  open,
  preview,
  loading,
  publishing,
  labelOf,
  typeLabel,
  onPublish,
  onClose,
}: {
  typeLabel: (type?: string) => string;
  open: boolean;
  preview: PublishPreview | undefined;
  loading: boolean;
  publishing: boolean;
  labelOf: (key?: string) => string;
  onPublish: (onUnconvertible: "abort" | "keep") => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const zh = (i18n.resolvedLanguage ?? "zh-CN").startsWith("zh");
  const visible = (preview?.changes ?? []).filter((c) => c.op !== "create_index" && c.op !== "drop_index");
  const blocked = (preview?.unconvertible_count ?? 0) > 0;
  return (
    <Modal
      open={open}
      title={preview ? t("builder.publish.title", { version: preview.version }) : t("builder.publish.checking")}
      onCancel={onClose}
      width={680}
      footer={
        <Space wrap>
          <Button onClick={onClose}>{t("builder.cancel")}</Button>
          {blocked ? (
            <Button danger type="primary" loading={publishing} disabled={!preview} onClick={() => onPublish("keep")}>
              {t("builder.publish.keepAndPublish")}
            </Button>
          ) : (
            <Button type="primary" loading={publishing} disabled={!preview || loading} onClick={() => onPublish("abort")}>
              {t("builder.publish.confirm")}
            </Button>
          )}
        </Space>
      }
    >
      {loading || !preview ? (
        <Typography.Paragraph type="secondary">{t("builder.publish.checking")}</Typography.Paragraph>
      ) : (
        <>
          <Typography.Title level={5}>{t("builder.publish.changes")}</Typography.Title>
          {visible.length ? (
            <List
              size="small"
              bordered
              dataSource={visible}
              renderItem={(c) => (
                <List.Item>
                  <Space wrap>
                    <Tag color={c.op === "retire_field" ? "orange" : c.op === "change_type" ? "gold" : "green"}>{t(`builder.publish.kind.${c.op}`, { defaultValue: c.op })}</Tag>
                    <span>{describeChange(t, c, labelOf, typeLabel)}</span>
                  </Space>
                </List.Item>
              )}
            />
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("builder.publish.noChanges")} />
          )}
          {visible.some((c) => c.op === "retire_field") ? (
            <Alert className="qq-block-top" type="info" showIcon title={t("builder.publish.retiredKept")} />
          ) : null}
          {blocked ? (
            <>
              <Alert
                className="qq-block-top"
                type="warning"
                showIcon
                title={t("builder.publish.unconvertible", { count: preview.unconvertible_count })}
                description={t("builder.publish.unconvertibleHint")}
              />
              <Table<Unconvertible>
                className="qq-block-top"
                size="small"
                rowKey={(u) => `${u.field}-${u.record_id}`}
                pagination={{ pageSize: 8, hideOnSinglePage: true }}
                dataSource={preview.unconvertible}
                scroll={{ x: 480 }}
                columns={[
                  { title: t("builder.publish.record"), dataIndex: "record_id", width: 90 },
                  { title: t("builder.publish.field"), dataIndex: "field", width: 140, render: (k: string) => labelOf(k) },
                  { title: t("builder.publish.value"), dataIndex: "value", render: (v: unknown) => <code>{String(v)}</code> },
                  { title: t("builder.publish.reason"), render: (_, u) => (zh && u.message_zh) || u.message },
                ]}
              />
            </>
          ) : null}
        </>
      )}
    </Modal>
  );
}
