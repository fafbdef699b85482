// Admin: roles. Builtin roles are named in the reader's language and cannot be deleted.
import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Form, Input, Modal, Popconfirm, Space, Table, Tag, Tooltip, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useCreateRole, useDeleteRole, useRoles, useUpdateRole } from "../../../api/roles";
import type { Role } from "../../../api/types";
import { roleName } from "../../../components/format";
import { useShowProblem } from "../../../components/useShowProblem";

interface Values {
  key: string;
  name: string;
  description?: string;
}

export default function RolesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showProblem = useShowProblem();
  const roles = useRoles();
  const create = useCreateRole();
  const update = useUpdateRole();
  const remove = useDeleteRole();
  const [editing, setEditing] = useState<Role | "new" | null>(null);
  const [form] = Form.useForm<Values>();
  const isNew = editing === "new";

  useEffect(() => {
    if (editing === null) return;
    form.resetFields();
    if (editing !== "new") {
      form.setFieldsValue({ key: editing.key, name: editing.name, description: editing.description ?? "" });
    }
  }, [editing, form]);

  const onFinish = (values: Values) => {
    const description = values.description?.trim() ?? "";
    const onSuccess = () => {
      void message.success(t("common.saved"));
      setEditing(null);
    };
    const onError = (e: unknown) => showProblem(e, form);
    if (isNew) {
      create.mutate({ key: values.key.trim(), name: values.name.trim(), description }, { onSuccess, onError });
    } else if (editing) {
      update.mutate({ id: editing.id, change: { name: values.name.trim(), description } }, { onSuccess, onError });
    }
  };

  const columns: TableColumnsType<Role> = [
    {
      title: t("roles.name"),
      key: "name",
      render: (_, r) => (
        <Space>
          {roleName(t, r)}
          {r.builtin ? <Tag color="blue">{t("roles.builtinTag")}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t("roles.key"),
      dataIndex: "key",
      render: (k: string) => <Typography.Text code>{k}</Typography.Text>,
      responsive: ["sm"],
    },
    {
      title: t("roles.description"),
      key: "description",
      render: (_, r) => (r.builtin ? t(`roles.builtinDescription.${r.key}`, { defaultValue: r.description ?? "" }) : r.description) || "—",
      responsive: ["md"],
    },
    {
      title: t("roles.userCount"),
      dataIndex: "user_count",
      render: (count: number, r) => (
        <Link to={`/admin/users?role_id=${encodeURIComponent(String(r.id))}`}>{count}</Link>
      ),
    },
    {
      title: t("common.actions"),
      key: "actions",
      render: (_, r) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setEditing(r)}>
            {t("common.edit")}
          </Button>
          {r.builtin ? (
            <Tooltip title={t("roles.builtinLocked")}>
              <Button type="link" size="small" danger disabled>
                {t("common.delete")}
              </Button>
            </Tooltip>
          ) : (
            <Popconfirm
              title={t("roles.deleteConfirm", { name: r.name })}
              okText={t("common.delete")}
              okButtonProps={{ danger: true }}
              cancelText={t("common.cancel")}
              onConfirm={() =>
                remove.mutateAsync(r.id).then(
                  () => void message.success(t("roles.deleted", { name: r.name })),
                  (e) => showProblem(e),
                )
              }
            >
              <Button type="link" size="small" danger>
                {t("common.delete")}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <div className="qq-page">
      <div className="qq-page-head">
        <Typography.Title level={2}>{t("nav.roles")}</Typography.Title>
        <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setEditing("new")}>
          {t("roles.create")}
        </Button>
      </div>
      <Table<Role>
        rowKey={(r) => String(r.id)}
        columns={columns}
        dataSource={roles.data ?? []}
        loading={roles.isLoading}
        pagination={false}
        scroll={{ x: "max-content" }}
      />
      <Modal
        open={editing !== null}
        title={isNew ? t("roles.create") : t("roles.edit")}
        okText={isNew ? t("common.create") : t("common.save")}
        cancelText={t("common.cancel")}
        onOk={() => form.submit()}
        onCancel={() => setEditing(null)}
        confirmLoading={create.isPending || update.isPending}
        forceRender
      >
        <Form<Values> form={form} name="role" layout="vertical" onFinish={onFinish}>
          <Form.Item
            name="key"
            label={t("roles.key")}
            extra={isNew ? t("roles.keyHint") : undefined}
            rules={[
              { required: true, message: t("roles.keyRequired") },
              { pattern: /^[a-z][a-z0-9_]{1,63}$/, message: t("roles.keyInvalid") },
            ]}
          >
            <Input disabled={!isNew} maxLength={64} autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="name"
            label={t("roles.name")}
            extra={editing !== null && editing !== "new" && editing.builtin ? t("roles.builtinNameHint") : undefined}
            rules={[{ required: true, whitespace: true, message: t("roles.nameRequired") }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="description" label={t("roles.description")}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
