// Addresses of the runtime pages, and where an app's menu leads first. No React here.
import type { MenuItem } from "../../api/apps";

export const appPath = (appKey: string) => `/apps/${encodeURIComponent(appKey)}`;
export const formPath = (appKey: string, formKey: string) => `${appPath(appKey)}/forms/${encodeURIComponent(formKey)}`;
export const recordPath = (appKey: string, formKey: string, id: unknown) =>
  `${formPath(appKey, formKey)}/records/${encodeURIComponent(String(id))}`;
export const dashboardPath = (appKey: string, id: unknown) => `${appPath(appKey)}/dashboards/${encodeURIComponent(String(id))}`;

/** The first place of the menu a person can open: a form or a dashboard, depth first. */
export function firstTarget(appKey: string, menu: MenuItem[]): string | null {
  for (const item of menu) {
    if (item.type === "form" && item.key) return formPath(appKey, item.key);
    if (item.type === "dashboard" && item.key) return dashboardPath(appKey, item.key);
    if (item.type === "group" && item.children) {
      const inner = firstTarget(appKey, item.children);
      if (inner) return inner;
    }
  }
  return null;
}
