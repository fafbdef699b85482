// Admin: search, create, edit and disable the people who can sign in.
import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Input, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useRoles } from "../../../api/roles";
import type { Id, User } from "../../../api/types";
import { useDisableUser, useUpdateUser, useUsers } from "../../../api/users";
import { useCurrentUser } from "../../../components/currentUser";
import { DepartmentTreeSelect } from "../../../components/DepartmentTreeSelect";
import { formatDateTime, roleName } from "../../../components/format";
import { useShowProblem } from "../../../components/useShowProblem";
import { UserDrawer } from "./UserDrawer";

const PAGE_SIZE = 20;

export default function UsersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showProblem = useShowProblem();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const departmentId = params.get("department_id") ?? undefined;
  const roleId = params.get("role_id") ?? undefined;
  const page = Math.max(1, Number(params.get("page") ?? 1) || 1);
  const [editing, setEditing] = useState<User | "new" | null>(null);
  const me = useCurrentUser(); // one cannot disable oneself

  const users = useUsers({
    q: q || undefined,
    department_id: departmentId,
    role_id: roleId,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  const roles = useRoles();
  const disable = useDisableUser();
  const update = useUpdateUser();

  const setParam = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "page") next.delete("page");
    setParams(next, { replace: true });
  };

  const columns: TableColumnsType<User> = [
    {
      title: t("users.displayName"),
      key: "name",
      render: (_, u) => (
        <Button type="link" className="qq-link-cell" onClick={() => setEditing(u)}>
          {u.display_name}
        </Button>
      ),
    },
    { title: t("users.username"), dataIndex: "username", responsive: ["sm"] },
    { title: t("users.email"), dataIndex: "email", render: (v: string | null) => v || "—", responsive: ["md"] },
    {
      title: t("users.roles"),
      key: "roles",
      render: (_, u) => u.roles.map((r) => <Tag key={String(r.id)}>{roleName(t, r)}</Tag>),
    },
    {
      title: t("users.departments"),
      key: "departments",
      render: (_, u) => u.departments.map((d) => d.name).join(t("common.listSeparator")) || "—",
      responsive: ["sm"],
    },
    {
      title: t("common.status"),
      dataIndex: "is_active",
      render: (active: boolean) =>
        active ? <Tag color="green">{t("users.active")}</Tag> : <Tag color="red">{t("users.disabled")}</Tag>,
    },
    { title: t("common.createdAt"), dataIndex: "created_at", render: formatDateTime, responsive: ["lg"] },
    {
      title: t("common.actions"),
      key: "actions",
      render: (_, u) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setEditing(u)}>
            {t("common.edit")}
          </Button>
          {String(u.id) === String(me.id) ? null : u.is_active ? (
            <Popconfirm
              title={t("users.disableConfirm", { name: u.display_name })}
              description={t("users.disableHint")}
              okText={t("users.disable")}
              okButtonProps={{ danger: true }}
              cancelText={t("common.cancel")}
              onConfirm={() =>
                disable.mutateAsync(u.id).then(
                  () => void message.success(t("users.disabledDone", { name: u.display_name })),
                  (e) => showProblem(e),
                )
              }
            >
              <Button type="link" size="small" danger>
                {t("users.disable")}
              </Button>
            </Popconfirm>
          ) : (
            <Button
              type="link"
              size="small"
              onClick={() =>
                update.mutate(
                  { id: u.id, change: { is_active: true } },
                  {
                    onSuccess: () => void message.success(t("users.enabledDone", { name: u.display_name })),
                    onError: (e) => showProblem(e),
                  },
                )
              }
            >
              {t("users.enable")}
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <div className="qq-page">
      <div className="qq-page-head">
        <Typography.Title level={2}>{t("nav.users")}</Typography.Title>
        <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setEditing("new")}>
          {t("users.create")}
        </Button>
      </div>
      <div className="qq-filters" role="search">
        <Input.Search
          aria-label={t("users.search")}
          placeholder={t("users.search")}
          defaultValue={q}
          allowClear
          onSearch={(v) => setParam("q", v.trim() || undefined)}
          className="qq-filter-wide"
        />
        <DepartmentTreeSelect<Id | null>
          aria-label={t("users.filterDepartment")}
          placeholder={t("users.filterDepartment")}
          value={departmentId ?? null}
          onChange={(v) => setParam("department_id", v == null ? undefined : String(v))}
          style={{ minWidth: 180 }}
        />
        <Select<string>
          aria-label={t("users.filterRole")}
          placeholder={t("users.filterRole")}
          allowClear
          value={roleId}
          onChange={(v) => setParam("role_id", v)}
          options={(roles.data ?? []).map((r) => ({ value: String(r.id), label: roleName(t, r) }))}
          style={{ minWidth: 160 }}
        />
      </div>
      <Table<User>
        rowKey={(u) => String(u.id)}
        columns={columns}
        dataSource={users.data?.items ?? []}
        loading={users.isLoading || users.isPlaceholderData}
        scroll={{ x: "max-content" }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: users.data?.total ?? 0,
          showSizeChanger: false,
          showTotal: (total) => t("common.total", { count: total }),
          onChange: (p) => setParam("page", p > 1 ? String(p) : undefined),
        }}
        locale={{ emptyText: t("users.empty") }}
      />
      <UserDrawer user={editing} onClose={() => setEditing(null)} />
    </div>
  );
}
