// The person's menu in the top bar: profile, password, API tokens, sign out.
import { KeyOutlined, LockOutlined, LogoutOutlined, UserOutlined } from "@ant-design/icons";
import { Avatar, Button, Dropdown } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useLogout } from "../../api/auth";
import type { Me } from "../../api/types";

export function UserMenu({ me, compact }: { me: Me; compact: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const logout = useLogout(() => navigate("/login", { replace: true }));
  const initial = (me.display_name || me.username).slice(0, 1).toUpperCase();

  return (
    <Dropdown
      trigger={["click"]}
      placement="bottomRight"
      menu={{
        items: [
          { key: "who", label: me.display_name || me.username, disabled: true },
          { type: "divider" },
          { key: "/account/profile", icon: <UserOutlined aria-hidden />, label: t("account.profile") },
          { key: "/account/password", icon: <LockOutlined aria-hidden />, label: t("account.password") },
          { key: "/account/tokens", icon: <KeyOutlined aria-hidden />, label: t("account.tokens") },
          { type: "divider" },
          { key: "logout", icon: <LogoutOutlined aria-hidden />, label: t("account.logout"), danger: true },
        ],
        onClick: ({ key }) => {
          if (key === "logout") {
            logout.mutate();
          } else {
            navigate(key);
          }
        },
      }}
    >
      <Button type="text" className="qq-user-button" aria-label={t("account.menu", { name: me.display_name || me.username })}>
        <Avatar size="small" className="qq-avatar">
          {initial}
        </Avatar>
        {compact ? null : <span className="qq-user-name">{me.display_name || me.username}</span>}
      </Button>
    </Dropdown>
  );
}
