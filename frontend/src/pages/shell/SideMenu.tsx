// The side menu: Home, later the apps, and the admin area for admins.
import {
  ApartmentOutlined,
  AuditOutlined,
  HomeOutlined,
  SafetyCertificateOutlined,
  SettingOutlined,
  TeamOutlined,
} from "@ant-design/icons";
import { Menu } from "antd";
import type { MenuProps } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";

type Item = Required<MenuProps>["items"][number];

export const ADMIN_PAGES = [
  { path: "/admin/users", key: "nav.users", icon: <TeamOutlined aria-hidden /> },
  { path: "/admin/departments", key: "nav.departments", icon: <ApartmentOutlined aria-hidden /> },
  { path: "/admin/roles", key: "nav.roles", icon: <SafetyCertificateOutlined aria-hidden /> },
  { path: "/admin/audit", key: "nav.audit", icon: <AuditOutlined aria-hidden /> },
] as const;

export function SideMenu({ isAdmin, onNavigate }: { isAdmin: boolean; onNavigate?: () => void }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const link = (to: string, label: string) => (
    <Link to={to} onClick={onNavigate}>
      {label}
    </Link>
  );

  const items: Item[] = [{ key: "/", icon: <HomeOutlined aria-hidden />, label: link("/", t("nav.home")) }];
  if (isAdmin) {
    items.push({
      key: "admin",
      icon: <SettingOutlined aria-hidden />,
      label: t("nav.admin"),
      children: ADMIN_PAGES.map((p) => ({ key: p.path, icon: p.icon, label: link(p.path, t(p.key)) })),
    });
  }

  const selected = ADMIN_PAGES.find((p) => pathname.startsWith(p.path))?.path ?? (pathname === "/" ? "/" : "");
  return (
    <nav aria-label={t("nav.main")}>
      <Menu
        mode="inline"
        items={items}
        selectedKeys={selected ? [selected] : []}
        defaultOpenKeys={["admin"]}
        className="qq-side-menu"
      />
    </nav>
  );
}
