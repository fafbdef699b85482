// Create or edit one person: names, password, roles, departments, language, active.
import { App, Button, Drawer, Form, Grid, Input, Select, Space, Switch } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useRoles } from "../../../api/roles";
import type { Id, User } from "../../../api/types";
import { useCreateUser, useUpdateUser, type NewUser, type UserChange } from "../../../api/users";
import { DepartmentTreeSelect } from "../../../components/DepartmentTreeSelect";
import { roleName } from "../../../components/format";
import { useShowProblem } from "../../../components/useShowProblem";
import { LANGUAGES } from "../../../i18n";

interface Values {
  username: string;
  display_name: string;
  email?: string;
  password?: string;
  role_ids: Id[];
  department_ids: Id[];
  locale?: string | null;
  is_active: boolean;
}

export function UserDrawer({ user, onClose }: { user: User | "new" | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const showProblem = useShowProblem();
  const roles = useRoles();
  const create = useCreateUser();
  const update = useUpdateUser();
  const [form] = Form.useForm<Values>();
  // While the drawer slides shut, it keeps showing whom it was about.
  const [shown, setShown] = useState<User | "new" | null>(user);
  if (user !== null && user !== shown) setShown(user);
  const isNew = shown === "new";
  const open = user !== null;
  const memberRoleIds = useMemo(
    () => (roles.data ?? []).filter((r) => r.key === "member").map((r) => r.id),
    [roles.data],
  );

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (user === "new") {
      // New colleagues start as members; the admin can change it before saving.
      form.setFieldsValue({ role_ids: memberRoleIds });
    } else {
      form.setFieldsValue({
        username: user.username,
        display_name: user.display_name,
        email: user.email ?? "",
        role_ids: user.roles.map((r) => r.id),
        department_ids: user.departments.map((d) => d.id),
        locale: user.locale ?? undefined,
        is_active: user.is_active,
      });
    }
  }, [open, user, form, memberRoleIds]);

  const onFinish = (values: Values) => {
    const common = {
      display_name: values.display_name.trim(),
      email: values.email?.trim() || null,
      role_ids: values.role_ids ?? [],
      department_ids: values.department_ids ?? [],
      // the server keeps its default (or the current value) when no language is chosen
      locale: values.locale || undefined,
    };
    const done = (name: string, key: string) => {
      void message.success(t(key, { name }));
      onClose();
    };
    if (isNew) {
      const input: NewUser = { ...common, username: values.username.trim(), password: values.password! };
      create.mutate(input, {
        onSuccess: (u) => done(u.display_name, "users.createdDone"),
        onError: (e) => showProblem(e, form),
      });
    } else if (shown) {
      const change: UserChange = { ...common, is_active: values.is_active };
      if (values.password) change.password = values.password;
      update.mutate(
        { id: shown.id, change },
        { onSuccess: (u) => done(u.display_name, "users.savedDone"), onError: (e) => showProblem(e, form) },
      );
    }
  };

  const pending = create.isPending || update.isPending;
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={isNew ? t("users.create") : t("users.edit")}
      size={screens.sm ? 480 : "100%"}
      forceRender
      extra={
        <Space>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="primary" loading={pending} onClick={() => form.submit()}>
            {isNew ? t("common.create") : t("common.save")}
          </Button>
        </Space>
      }
    >
      <Form<Values>
        form={form}
        name="user"
        layout="vertical"
        onFinish={onFinish}
        initialValues={{ role_ids: [], department_ids: [], is_active: true }}
      >
        <Form.Item
          name="username"
          label={t("users.username")}
          extra={isNew ? t("users.usernameHint") : undefined}
          rules={[
            { required: true, whitespace: true, message: t("users.usernameRequired") },
            { pattern: /^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$/, message: t("users.usernameInvalid") },
          ]}
        >
          <Input disabled={!isNew} autoComplete="off" maxLength={64} />
        </Form.Item>
        <Form.Item
          name="display_name"
          label={t("users.displayName")}
          rules={[{ required: true, whitespace: true, message: t("users.displayNameRequired") }]}
        >
          <Input maxLength={100} autoComplete="off" />
        </Form.Item>
        <Form.Item name="email" label={t("users.email")} rules={[{ type: "email", message: t("users.emailInvalid") }]}>
          <Input inputMode="email" autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="password"
          label={isNew ? t("users.password") : t("users.newPassword")}
          extra={isNew ? t("account.passwordHint") : t("users.newPasswordHint")}
          rules={isNew ? [{ required: true, message: t("login.passwordRequired") }] : []}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="role_ids" label={t("users.roles")}>
          <Select<Id[]>
            mode="multiple"
            loading={roles.isLoading}
            options={(roles.data ?? []).map((r) => ({ value: r.id, label: roleName(t, r) }))}
            showSearch={{ optionFilterProp: "label" }}
          />
        </Form.Item>
        <Form.Item name="department_ids" label={t("users.departments")}>
          <DepartmentTreeSelect<Id[]> multiple />
        </Form.Item>
        <Form.Item name="locale" label={t("users.locale")}>
          <Select allowClear options={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))} />
        </Form.Item>
        {isNew ? null : (
          <Form.Item name="is_active" label={t("users.activeLabel")} valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Drawer>
  );
}
