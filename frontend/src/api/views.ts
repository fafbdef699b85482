// Saved views of a form's records: mine and those shared with my app roles.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type { FilterNode } from "./records";
import type { Id } from "./types";

export type ViewKind = "table" | "kanban" | "calendar";

export interface ViewConfig {
  columns: string[];
  widths: Record<string, number>;
  frozen: string[];
  sort: string[];
  filter: FilterNode | null;
  search: string | null;
  page_size: number;
  group_field: string | null;
  date_field: string | null;
}

export interface SavedView {
  id: Id;
  form_key: string;
  name: string;
  kind: ViewKind;
  shared: boolean;
  roles: string[];
  config: ViewConfig;
  position: number;
  owner_id: Id | null;
  can_edit: boolean;
  created_at: string;
  updated_at: string;
}

export interface ViewIn {
  name: string;
  kind: ViewKind;
  shared?: boolean;
  roles?: string[];
  config: ViewConfig;
}

const enc = encodeURIComponent;
const viewsUrl = (appKey: string, formKey: string) => `/api/apps/${enc(appKey)}/forms/${enc(formKey)}/views`;
const viewsKey = (appKey: string, formKey: string) => ["views", appKey, formKey] as const;

export function useViews(appKey: string, formKey: string) {
  return useQuery({
    queryKey: viewsKey(appKey, formKey),
    queryFn: ({ signal }) =>
      api.get<{ items: SavedView[]; can_share: boolean }>(viewsUrl(appKey, formKey), undefined, signal),
  });
}

export function useCreateView(appKey: string, formKey: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (view: ViewIn) => api.post<SavedView>(viewsUrl(appKey, formKey), view),
    onSuccess: () => qc.invalidateQueries({ queryKey: viewsKey(appKey, formKey) }),
  });
}

export function useUpdateView(appKey: string, formKey: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, change }: { id: Id; change: Partial<ViewIn> }) =>
      api.patch<SavedView>(`${viewsUrl(appKey, formKey)}/${enc(String(id))}`, change),
    onSuccess: () => qc.invalidateQueries({ queryKey: viewsKey(appKey, formKey) }),
  });
}

export function useDeleteView(appKey: string, formKey: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: Id) => api.delete(`${viewsUrl(appKey, formKey)}/${enc(String(id))}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: viewsKey(appKey, formKey) }),
  });
}
