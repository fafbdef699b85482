// The stale-version dialog: each field someone else changed, theirs beside mine, a choice per
// field; or throw mine away and take the record as it is now.
import { Alert, Button, Modal, Radio, Space, Table, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { fieldUI } from "../../registries/fields";
import type { FieldContext, FieldDef } from "../../registries/fields/types";
import { pickText } from "../../registries/fields/values";
import type { Choice, ConflictEntry } from "./conflict";

interface Props {
  open: boolean;
  entries: ConflictEntry[];
  fields: FieldDef[];
  choices: Record<string, Choice>;
  onChoose: (key: string, choice: Choice) => void;
  onMerge: () => void;
  onReload: () => void;
  onCancel: () => void;
  busy?: boolean;
  context: FieldContext;
}

export function ConflictDialog({ open, entries, fields, choices, onChoose, onMerge, onReload, onCancel, busy, context }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "zh-CN";
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const show = (key: string, value: unknown) => {
    const field = byKey.get(key);
    if (!field) return String(value ?? "");
    const { Cell } = fieldUI(field.type);
    return <Cell field={field} value={value} mode="full" context={context} />;
  };
  return (
    <Modal
      open={open}
      title={t("record.conflict.title")}
      onCancel={onCancel}
      width={760}
      okText={t("record.conflict.merge")}
      onOk={onMerge}
      okButtonProps={{ loading: busy }}
      cancelText={t("common.cancel")}
      footer={(_, { OkBtn, CancelBtn }) => (
        <Space wrap>
          <CancelBtn />
          <Button type="link" onClick={onReload}>
            {t("record.conflict.discardMine")}
          </Button>
          <OkBtn />
        </Space>
      )}
    >
      <Alert type="warning" showIcon title={t("record.conflict.explain")} style={{ marginBottom: 12 }} />
      <Table<ConflictEntry>
        size="small"
        rowKey="key"
        pagination={false}
        dataSource={entries}
        scroll={{ x: "max-content" }}
        columns={[
          {
            key: "field",
            title: t("record.conflict.field"),
            render: (_, e) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{pickText(byKey.get(e.key)?.label, lang) || e.key}</Typography.Text>
                {e.clash && <Typography.Text type="danger">{t("record.conflict.bothChanged")}</Typography.Text>}
              </Space>
            ),
          },
          { key: "theirs", title: t("record.conflict.theirs"), render: (_, e) => show(e.key, e.theirs) },
          { key: "mine", title: t("record.conflict.mine"), render: (_, e) => show(e.key, e.mine) },
          {
            key: "choice",
            title: t("record.conflict.keep"),
            render: (_, e) => (
              <Radio.Group
                aria-label={t("record.conflict.keepFor", { field: pickText(byKey.get(e.key)?.label, lang) || e.key })}
                value={choices[e.key] ?? "mine"}
                onChange={(ev) => onChoose(e.key, ev.target.value as Choice)}
                options={[
                  { value: "theirs", label: t("record.conflict.keepTheirs") },
                  { value: "mine", label: t("record.conflict.keepMine") },
                ]}
              />
            ),
          },
        ]}
      />
    </Modal>
  );
}
