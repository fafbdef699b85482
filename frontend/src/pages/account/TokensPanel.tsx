// Personal API tokens: create (the secret is shown once), list, revoke.
import { PlusOutlined } from "@ant-design/icons";
import { Alert, App, Button, Form, Input, InputNumber, Modal, Popconfirm, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useCreateToken, useRevokeToken, useTokens } from "../../api/auth";
import type { ApiToken, CreatedApiToken } from "../../api/types";
import { formatDateTime } from "../../components/format";
import { useShowProblem } from "../../components/useShowProblem";

interface NewToken {
  name: string;
  expires_in_days: number;
}

function tokenState(token: ApiToken): "revoked" | "expired" | "active" {
  if (token.revoked_at) return "revoked";
  if (token.expires_at && dayjs(token.expires_at).isBefore(dayjs())) return "expired";
  return "active";
}

export function TokensPanel() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const showProblem = useShowProblem();
  const [form] = Form.useForm<NewToken>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);

  const columns: TableColumnsType<ApiToken> = [
    { title: t("tokens.name"), dataIndex: "name" },
    { title: t("tokens.prefix"), dataIndex: "prefix", render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
    { title: t("common.createdAt"), dataIndex: "created_at", render: formatDateTime },
    { title: t("tokens.expiresAt"), dataIndex: "expires_at", render: (v: string | null) => (v ? formatDateTime(v) : t("tokens.never")) },
    { title: t("tokens.lastUsedAt"), dataIndex: "last_used_at", render: (v: string | null) => (v ? formatDateTime(v) : "—") },
    {
      title: t("common.status"),
      key: "status",
      render: (_, token) => {
        const state = tokenState(token);
        return <Tag color={state === "active" ? "green" : undefined}>{t(`tokens.state.${state}`)}</Tag>;
      },
    },
    {
      title: t("common.actions"),
      key: "actions",
      render: (_, token) =>
        token.revoked_at ? null : (
          <Popconfirm
            title={t("tokens.revokeConfirm", { name: token.name })}
            okText={t("tokens.revoke")}
            okButtonProps={{ danger: true }}
            cancelText={t("common.cancel")}
            onConfirm={() =>
              revoke.mutateAsync(token.id).then(
                () => void message.success(t("tokens.revoked")),
                (e) => showProblem(e),
              )
            }
          >
            <Button type="link" danger size="small">
              {t("tokens.revoke")}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  const onCreate = (values: NewToken) =>
    create.mutate(values, {
      onSuccess: (token) => {
        setCreating(false);
        form.resetFields();
        setCreated(token);
      },
      onError: (e) => showProblem(e, form),
    });

  return (
    <div>
      <div className="qq-toolbar">
        <Typography.Paragraph type="secondary" className="qq-grow">
          {t("tokens.intro")}
        </Typography.Paragraph>
        <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)}>
          {t("tokens.create")}
        </Button>
      </div>
      <Table<ApiToken>
        rowKey={(r) => String(r.id)}
        columns={columns}
        dataSource={tokens.data?.items ?? []}
        loading={tokens.isLoading}
        pagination={false}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: t("tokens.empty") }}
      />

      <Modal
        open={creating}
        title={t("tokens.create")}
        okText={t("common.create")}
        cancelText={t("common.cancel")}
        onOk={() => form.submit()}
        onCancel={() => setCreating(false)}
        confirmLoading={create.isPending}
        destroyOnHidden
      >
        <Form<NewToken> form={form} name="new_token" layout="vertical" initialValues={{ expires_in_days: 90 }} onFinish={onCreate}>
          <Form.Item name="name" label={t("tokens.name")} rules={[{ required: true, whitespace: true, message: t("tokens.nameRequired") }]}>
            <Input maxLength={100} placeholder={t("tokens.namePlaceholder")} />
          </Form.Item>
          <Form.Item
            name="expires_in_days"
            label={t("tokens.expiresInDays")}
            rules={[{ required: true, type: "integer", min: 1, max: 3650, message: t("tokens.expiresRange") }]}
          >
            <InputNumber min={1} max={3650} precision={0} className="qq-full" />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={!!created}
        title={t("tokens.createdTitle")}
        onCancel={() => setCreated(null)}
        footer={
          <Button type="primary" onClick={() => setCreated(null)}>
            {t("tokens.done")}
          </Button>
        }
      >
        <Alert type="warning" showIcon title={t("tokens.shownOnce")} className="qq-block" />
        <Typography.Paragraph copyable={{ text: created?.token }} code className="qq-token">
          {created?.token}
        </Typography.Paragraph>
      </Modal>
    </div>
  );
}
