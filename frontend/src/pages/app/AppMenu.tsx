// The app's own menu (forms, dashboards, groups, links) as the side menu shows it inside an app.
// An app whose builder has not arranged a menu yet lists its published forms and its dashboards.
import {
  AppstoreOutlined,
  DashboardOutlined,
  EditOutlined,
  FolderOutlined,
  LinkOutlined,
  TableOutlined,
} from "@ant-design/icons";
import type { MenuProps } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useApp, type MenuItem } from "../../api/apps";
import { useAppDashboards } from "../../api/appRuntime";
import { useForms } from "../../api/designer";
import { appPath, dashboardPath, formPath } from "./paths";
import { textOf, useLang } from "./text";

type Item = Required<MenuProps>["items"][number];

/** The menu the app's builder arranged, or (none yet) its published forms then its dashboards. */
export function useAppMenu(appKey: string): { menu: MenuItem[]; loading: boolean } {
  const app = useApp(appKey);
  const forms = useForms(appKey);
  const dashboards = useAppDashboards(appKey);
  return useMemo(() => {
    const arranged = app.data?.menu ?? [];
    if (arranged.length) return { menu: arranged, loading: false };
    const menu: MenuItem[] = [
      ...(forms.data ?? []).filter((f) => f.published_version !== null).map((f) => ({ type: "form" as const, key: f.key })),
      ...(dashboards.data ?? []).map((d) => ({ type: "dashboard" as const, key: String(d.id) })),
    ];
    return { menu, loading: app.isLoading || forms.isLoading };
  }, [app.data, app.isLoading, forms.data, forms.isLoading, dashboards.data]);
}

function safeUrl(url: string | null | undefined): string | null {
  return url && /^https?:\/\//i.test(url) ? url : null;
}

/** The app's section of the side menu, with the key of the entry the location is on. */
export function useAppMenuItems(
  appKey: string,
  pathname: string,
  onNavigate?: () => void,
): { items: Item[]; selected: string; groups: string[] } {
  const { t } = useTranslation();
  const lang = useLang();
  const app = useApp(appKey);
  const forms = useForms(appKey);
  const dashboards = useAppDashboards(appKey);
  const { menu } = useAppMenu(appKey);

  return useMemo(() => {
    const formLabel = new Map((forms.data ?? []).map((f) => [f.key, textOf(f.label, lang) || f.key]));
    const boardLabel = new Map((dashboards.data ?? []).map((d) => [String(d.id), d.name]));
    const link = (to: string, label: string) => (
      <Link to={to} onClick={onNavigate}>
        {label}
      </Link>
    );
    const groups: string[] = [];
    const build = (entries: MenuItem[], path: string): Item[] =>
      entries.flatMap((item, i): Item[] => {
        const own = textOf(item.label, lang);
        if (item.type === "form" && item.key) {
          return [{ key: `form:${item.key}`, icon: <TableOutlined aria-hidden />, label: link(formPath(appKey, item.key), own || formLabel.get(item.key) || item.key) }];
        }
        if (item.type === "dashboard" && item.key) {
          return [{ key: `dashboard:${item.key}`, icon: <DashboardOutlined aria-hidden />, label: link(dashboardPath(appKey, item.key), own || boardLabel.get(item.key) || t("runtime.menu.dashboard")) }];
        }
        if (item.type === "group") {
          groups.push(`group:${path}${i}`);
          return [{ key: `group:${path}${i}`, icon: <FolderOutlined aria-hidden />, label: own || t("runtime.menu.group"), children: build(item.children ?? [], `${path}${i}.`) }];
        }
        const url = safeUrl(item.url);
        if (item.type === "link" && url) {
          return [{
            key: `link:${path}${i}`,
            icon: <LinkOutlined aria-hidden />,
            label: (
              <a href={url} target="_blank" rel="noopener noreferrer">
                {own || url}
              </a>
            ),
          }];
        }
        return [];
      });
    const children = build(menu, "");
    if (app.data?.can_design) {
      children.push({ key: "design", icon: <EditOutlined aria-hidden />, label: link(`/build/${encodeURIComponent(appKey)}`, t("runtime.menu.design")) });
    }
    const items: Item[] = [
      {
        key: "app",
        type: "group",
        label: (
          <span className="qq-app-menu-title">
            <AppstoreOutlined aria-hidden style={{ color: app.data?.color }} /> {app.data?.name ?? appKey}
          </span>
        ),
        children,
      },
    ];
    const rest = pathname.slice(appPath(appKey).length);
    const form = /^\/forms\/([^/]+)/.exec(rest);
    const board = /^\/dashboards\/([^/]+)/.exec(rest);
    const selected = form ? `form:${decodeURIComponent(form[1])}` : board ? `dashboard:${decodeURIComponent(board[1])}` : "";
    return { items, selected, groups };
  }, [app.data, forms.data, dashboards.data, menu, lang, appKey, pathname, onNavigate, t]);
}
