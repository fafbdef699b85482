// The frame around every signed-in page: top bar, side menu (a drawer on phones), content.
import { MenuOutlined } from "@ant-design/icons";
import { Button, Drawer, Grid, Layout, Spin } from "antd";
import { Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Outlet, useNavigation } from "react-router";
import { useCurrentUser } from "../../components/currentUser";
import { useVersion } from "../../api/system";
import { BrandMark } from "../../components/BrandMark";
import { LanguageSwitch } from "../../components/LanguageSwitch";
import { SideMenu } from "./SideMenu";
import { UserMenu } from "./UserMenu";

function matches(query: string): boolean {
  return typeof window === "undefined" || window.matchMedia(query).matches;
}

export default function AppShell() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const version = useVersion();
  // useBreakpoint is empty on the first render: ask the browser directly so a phone never
  // flashes the desktop sider.
  const screens = Grid.useBreakpoint();
  const wide = screens.lg ?? matches("(min-width: 992px)");
  const narrow = !(screens.sm ?? matches("(min-width: 576px)"));
  const [drawerOpen, setDrawerOpen] = useState(false);
  const navigation = useNavigation();

  const footer = version.data ? (
    <div className="qq-version">{t("app.version", { version: version.data })}</div>
  ) : null;

  return (
    <Layout className="qq-shell">
      <Layout.Header className="qq-header">
        {wide ? null : (
          <Button
            type="text"
            icon={<MenuOutlined aria-hidden />}
            aria-label={t("nav.open")}
            aria-expanded={drawerOpen}
            onClick={() => setDrawerOpen(true)}
          />
        )}
        <Link to="/" className="qq-brand" aria-label={t("nav.home")}>
          <BrandMark />
          <span className="qq-brand-name">{t("app.name")}</span>
        </Link>
        <div className="qq-header-spacer" />
        {navigation.state === "loading" ? <Spin size="small" /> : null}
        <LanguageSwitch compact={narrow} />
        <UserMenu me={me} compact={narrow} />
      </Layout.Header>
      <Layout>
        {wide ? (
          <Layout.Sider width={220} theme="light" className="qq-sider">
            <SideMenu isAdmin={me.is_admin} />
            {footer}
          </Layout.Sider>
        ) : (
          <Drawer
            placement="left"
            size={260}
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            title={t("app.name")}
            styles={{ body: { padding: 0 } }}
          >
            <SideMenu isAdmin={me.is_admin} onNavigate={() => setDrawerOpen(false)} />
            {footer}
          </Drawer>
        )}
        <Layout.Content className="qq-content">
          <Suspense
            fallback={
              <div className="qq-center">
                <Spin />
              </div>
            }
          >
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
