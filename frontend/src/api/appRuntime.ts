// What the app shell needs besides the app itself (api/apps.ts): the app's dashboards, for its
// menu and its home page.
import { useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { Id, Items } from "./types";

export interface DashboardSummary {
  id: Id;
  name: string;
  description?: string;
  is_home: boolean;
}

export function useAppDashboards(appKey: string) {
  return useQuery({
    queryKey: ["app-shell", appKey, "dashboards"],
    queryFn: ({ signal }) =>
      api.get<Items<DashboardSummary>>(`/api/apps/${encodeURIComponent(appKey)}/dashboards`, undefined, signal),
    select: (page) => page.items,
  });
}

export interface AppRoleSummary {
  key: string;
  name: string;
}

/** The app's roles, which a shared view names (only app administrators may list them). */
export function useAppRoles(appKey: string, enabled: boolean) {
  return useQuery({
    queryKey: ["app-shell", appKey, "roles"],
    queryFn: ({ signal }) =>
      api.get<Items<AppRoleSummary>>(`/api/apps/${encodeURIComponent(appKey)}/roles`, undefined, signal),
    select: (page) => page.items,
    enabled,
  });
}
