// The side menu: Home and the admin area for admins; inside an app (/apps/:appKey/…), the app's
// own menu first (forms, dashboards, groups), then the platform's entries.
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
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useMatch } from "react-router";
import { useAppMenuItems } from "../app/AppMenu";

type Item = Required<MenuProps>["items"][number];

export const ADMIN_PAGES = [
  { path: "/admin/users", key: "nav.users", icon: <TeamOutlined aria-hidden /> },
  { path: "/admin/departments", key: "nav.departments", icon: <ApartmentOutlined aria-hidden /> },
  { path: "/admin/roles", key: "nav.roles", icon: <SafetyCertificateOutlined aria-hidden /> },
  { path: "/admin/audit", key: "nav.audit", icon: <AuditOutlined aria-hidden /> },
] as const;

interface Props {
  isAdmin: boolean;
  onNavigate?: () => void;
}

function platformItems(t: TFunction, isAdmin: boolean, onNavigate?: () => void): Item[] {
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
  return items;
}

export function SideMenu({ isAdmin, onNavigate }: Props) {
  const inApp = useMatch("/apps/:appKey/*");
  return inApp?.params.appKey ? (
    <AppSideMenu appKey={inApp.params.appKey} isAdmin={isAdmin} onNavigate={onNavigate} />
  ) : (
    <PlatformSideMenu isAdmin={isAdmin} onNavigate={onNavigate} />
  );
}

function PlatformSideMenu({ isAdmin, onNavigate }: Props) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const selected = ADMIN_PAGES.find((p) => pathname.startsWith(p.path))?.path ?? (pathname === "/" ? "/" : "");
  return (
    <nav aria-label={t("nav.main")}>
      <Menu
        mode="inline"
        items={platformItems(t, isAdmin, onNavigate)}
        selectedKeys={selected ? [selected] : []}
        defaultOpenKeys={["admin"]}
        className="qq-side-menu"
      />
    </nav>
  );
}

function AppSideMenu({ appKey, isAdmin, onNavigate }: Props & { appKey: string }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const app = useAppMenuItems(appKey, pathname, onNavigate);
  const items: Item[] = [...app.items, { type: "divider" }, ...platformItems(t, isAdmin, onNavigate)];
  return (
    <nav aria-label={t("nav.main")}>
      <Menu
        key={app.groups.join(",")}
        mode="inline"
        items={items}
        selectedKeys={app.selected ? [app.selected] : []}
        defaultOpenKeys={app.groups}
        className="qq-side-menu"
      />
    </nav>
  );
}
