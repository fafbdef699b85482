// Display name, e-mail and preferred language of the signed-in person.
import { App, Button, Descriptions, Form, Input, Select, Tag } from "antd";
import { useTranslation } from "react-i18next";
import { useUpdateMe, type ProfileChange } from "../../api/auth";
import { useCurrentUser } from "../../components/currentUser";
import { roleName } from "../../components/format";
import { useShowProblem } from "../../components/useShowProblem";
import { changeLanguage, LANGUAGES, normalizeLanguage } from "../../i18n";

export function ProfileForm() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useCurrentUser();
  const update = useUpdateMe();
  const showProblem = useShowProblem();
  const [form] = Form.useForm<ProfileChange>();

  const onFinish = (values: ProfileChange) => {
    const change = { ...values, email: values.email?.trim() || null, locale: values.locale || undefined };
    update.mutate(change, {
      onSuccess: (saved) => {
        void message.success(t("common.saved"));
        const lang = normalizeLanguage(saved.locale);
        if (lang) void changeLanguage(lang);
      },
      onError: (e) => showProblem(e, form),
    });
  };

  return (
    <div className="qq-narrow">
      <Descriptions column={1} size="small" className="qq-block">
        <Descriptions.Item label={t("users.username")}>{me.username}</Descriptions.Item>
        <Descriptions.Item label={t("users.roles")}>
          {me.roles.length ? me.roles.map((r) => <Tag key={String(r.id)}>{roleName(t, r)}</Tag>) : "—"}
        </Descriptions.Item>
        <Descriptions.Item label={t("users.departments")}>
          {me.departments.length ? me.departments.map((d) => <Tag key={String(d.id)}>{d.name}</Tag>) : "—"}
        </Descriptions.Item>
      </Descriptions>
      <Form<ProfileChange>
        form={form}
        name="profile"
        layout="vertical"
        initialValues={{ display_name: me.display_name, email: me.email ?? "", locale: me.locale ?? undefined }}
        onFinish={onFinish}
      >
        <Form.Item
          name="display_name"
          label={t("users.displayName")}
          rules={[{ required: true, whitespace: true, message: t("users.displayNameRequired") }]}
        >
          <Input autoComplete="name" maxLength={100} />
        </Form.Item>
        <Form.Item name="email" label={t("users.email")} rules={[{ type: "email", message: t("users.emailInvalid") }]}>
          <Input autoComplete="email" inputMode="email" />
        </Form.Item>
        <Form.Item name="locale" label={t("users.locale")} extra={t("account.localeHint")}>
          <Select allowClear options={LANGUAGES.map((l) => ({ value: l.code, label: l.label }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={update.isPending}>
          {t("common.save")}
        </Button>
      </Form>
    </div>
  );
}
