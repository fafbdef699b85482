// Change one's own password; other sessions are signed out by the server.
import { App, Button, Form, Input } from "antd";
import { useTranslation } from "react-i18next";
import { useChangePassword } from "../../api/auth";
import { useShowProblem } from "../../components/useShowProblem";

interface Values {
  current_password: string;
  new_password: string;
  confirm: string;
}

export function PasswordForm() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const change = useChangePassword();
  const showProblem = useShowProblem();
  const [form] = Form.useForm<Values>();

  const onFinish = ({ current_password, new_password }: Values) =>
    change.mutate(
      { current_password, new_password },
      {
        onSuccess: () => {
          form.resetFields();
          void message.success(t("account.passwordChanged"));
        },
        onError: (e) => showProblem(e, form),
      },
    );

  return (
    <Form<Values> form={form} name="password" layout="vertical" onFinish={onFinish} className="qq-narrow">
      <Form.Item
        name="current_password"
        label={t("account.currentPassword")}
        rules={[{ required: true, message: t("login.passwordRequired") }]}
      >
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        name="new_password"
        label={t("account.newPassword")}
        rules={[{ required: true, message: t("login.passwordRequired") }]}
        extra={t("account.passwordHint")}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t("account.confirmPassword")}
        dependencies={["new_password"]}
        rules={[
          { required: true, message: t("login.passwordRequired") },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || value === getFieldValue("new_password")
                ? Promise.resolve()
                : Promise.reject(new Error(t("account.passwordMismatch"))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={change.isPending}>
        {t("account.changePassword")}
      </Button>
    </Form>
  );
}
