// Sign-in: username and password, with the language switch at hand.
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { useLogin, type Credentials } from "../../api/auth";
import { ApiError } from "../../api/client";
import { BrandMark } from "../../components/BrandMark";
import { safeNextPath } from "../../components/format";
import { LanguageSwitch } from "../../components/LanguageSwitch";
import { describeError } from "../../components/useShowProblem";

export default function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const login = useLogin();
  const [error, setError] = useState<string | null>(null);

  const onFinish = (values: Credentials) => {
    setError(null);
    login.mutate(values, {
      onSuccess: () => {
        navigate(safeNextPath(params.get("next")), { replace: true });
      },
      onError: (e) =>
        setError(e instanceof ApiError && e.status === 401 ? t("login.failed") : describeError(t, e)),
    });
  };

  return (
    <main className="qq-login">
      <div className="qq-login-lang">
        <LanguageSwitch />
      </div>
      <Card className="qq-login-card">
        <div className="qq-login-brand">
          <BrandMark size={44} />
          <Typography.Title level={1} className="qq-login-title">
            {t("app.name")}
          </Typography.Title>
          <Typography.Text type="secondary">{t("login.tagline")}</Typography.Text>
        </div>
        <Form<Credentials> name="login" layout="vertical" onFinish={onFinish} requiredMark={false} size="large">
          <Form.Item
            name="username"
            label={t("login.username")}
            rules={[{ required: true, message: t("login.usernameRequired") }]}
          >
            <Input prefix={<UserOutlined aria-hidden />} autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            name="password"
            label={t("login.password")}
            rules={[{ required: true, message: t("login.passwordRequired") }]}
          >
            <Input.Password prefix={<LockOutlined aria-hidden />} autoComplete="current-password" />
          </Form.Item>
          {error ? <Alert type="error" showIcon title={error} role="alert" className="qq-login-error" /> : null}
          <Button type="primary" htmlType="submit" block loading={login.isPending}>
            {t("login.submit")}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
