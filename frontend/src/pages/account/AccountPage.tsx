// The person's own settings: profile, password, API tokens (one tab each, one URL each).
import { Tabs, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Navigate, useNavigate, useParams } from "react-router";
import { PasswordForm } from "./PasswordForm";
import { ProfileForm } from "./ProfileForm";
import { TokensPanel } from "./TokensPanel";

const TABS = ["profile", "password", "tokens"] as const;

export default function AccountPage() {
  const { t } = useTranslation();
  const { tab = "profile" } = useParams();
  const navigate = useNavigate();
  if (!(TABS as readonly string[]).includes(tab)) return <Navigate to="/account/profile" replace />;
  return (
    <div className="qq-page">
      <Typography.Title level={2}>{t("account.title")}</Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(key) => navigate(`/account/${key}`)}
        destroyOnHidden
        items={[
          { key: "profile", label: t("account.profile"), children: <ProfileForm /> },
          { key: "password", label: t("account.password"), children: <PasswordForm /> },
          { key: "tokens", label: t("account.tokens"), children: <TokensPanel /> },
        ]}
      />
    </div>
  );
}
