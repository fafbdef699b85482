// Apps: the containers of forms and dashboards, with their icon, colour and menu.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, request } from "./client";
import type { Id, Items } from "./types";

/** One entry of an app's menu: a form, a dashboard, a link, or a group of entries. */
export interface MenuItem {
  type: "form" | "dashboard" | "group" | "link";
  key?: string | null;
  label?: Record<string, string> | null;
  url?: string | null;
  children?: MenuItem[] | null;
}

export interface AppInfo {
  id: Id;
  key: string;
  name: string;
  description: string;
  icon: string;
  color: string;
  menu: MenuItem[];
  created_at: string;
  /** the person may change the app's design */
  can_design: boolean;
}

export interface AppCreate {
  key: string;
  name: string;
  description?: string;
  icon?: string;
  color?: string;
}

export type AppUpdate = Partial<Pick<AppInfo, "name" | "description" | "icon" | "color" | "menu">>;

export const appsKey = ["apps"] as const;

export function useApps() {
  return useQuery({
    queryKey: [...appsKey, "list"],
    queryFn: ({ signal }) => api.get<Items<AppInfo>>("/api/apps", undefined, signal),
    select: (page) => page.items,
  });
}

export function useApp(appKey: string) {
  return useQuery({
    queryKey: [...appsKey, "one", appKey],
    queryFn: ({ signal }) => api.get<AppInfo>(`/api/apps/${encodeURIComponent(appKey)}`, undefined, signal),
  });
}

export function useCreateApp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AppCreate) => api.post<AppInfo>("/api/apps", body),
    onSuccess: () => qc.invalidateQueries({ queryKey: appsKey }),
  });
}

export function useUpdateApp(appKey: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AppUpdate) => api.patch<AppInfo>(`/api/apps/${encodeURIComponent(appKey)}`, body),
    onSuccess: (app) => {
      qc.setQueryData([...appsKey, "one", appKey], app);
      void qc.invalidateQueries({ queryKey: [...appsKey, "list"] });
    },
  });
}

export function useDeleteApp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (appKey: string) => request<void>(`/api/apps/${encodeURIComponent(appKey)}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: appsKey }),
  });
}

/** An app template of the catalogue (GET /api/templates). */
export interface AppTemplate {
  name: string;
  label: Record<string, string | null>;
  description: Record<string, string | null>;
  app: { key: string; name: string; icon: string | null; color: string | null };
  demo: boolean;
}

export function useTemplates(enabled = true) {
  return useQuery({
    queryKey: ["templates"],
    queryFn: ({ signal }) => api.get<Items<AppTemplate>>("/api/templates", undefined, signal),
    select: (page) => page.items,
    enabled,
    staleTime: 5 * 60_000,
  });
}

export function useInstallTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, ...body }: { name: string; key: string; name_: string; demo: boolean }) =>
      api.post<{ app: { key: string } }>(`/api/templates/${encodeURIComponent(name)}/install`,
        { key: body.key, name: body.name_, demo: body.demo }),
    onSuccess: () => qc.invalidateQueries({ queryKey: appsKey }),
  });
}
