// Records of one form as end users work with them: the published form, what the gate lets me
// do, lists (POST …/records/query), single records, writes (single and bulk), history, comments,
// related lists, imports with their job, and the addresses of exports and error reports.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FilterCondition } from "../registries/fields/types";
import type { FormDef } from "./forms";
import { api, buildUrl, request, upload } from "./client";
import type { Id, Items } from "./types";

/** The records API's filter: a condition, or an and/or group of them. */
export type FilterNode = FilterCondition | { and: FilterNode[] } | { or: FilterNode[] };

const enc = encodeURIComponent;
export const formUrl = (appKey: string, formKey: string) => `/api/apps/${enc(appKey)}/forms/${enc(formKey)}`;
const recordsUrl = (appKey: string, formKey: string) => `${formUrl(appKey, formKey)}/records`;
export const recordsKey = (appKey: string, formKey: string) => ["records", appKey, formKey] as const;

/** A record as the records API sends it: system keys plus one key per readable field. */
export type RecordValues = Record<string, unknown> & {
  id: number;
  version: number;
  created_at?: string;
  updated_at?: string;
  created_by?: Id | null;
  flow_status?: string | null;
};

/** The published definition, as the record form takes it. */
export type RuntimeForm = FormDef;

interface FormEnvelope {
  key: string;
  published_version: number | null;
  published: RuntimeForm | null;
}

/** The published definition the runtime pages render (null: never published). */
export function useRuntimeForm(appKey: string, formKey: string) {
  return useQuery({
    queryKey: ["runtime-form", appKey, formKey],
    queryFn: ({ signal }) => api.get<FormEnvelope>(formUrl(appKey, formKey), undefined, signal),
    select: (envelope) => envelope.published,
    staleTime: 60_000,
  });
}

export type FieldAccess = "editable" | "read_only";

export interface MyPermissions {
  actions: string[];
  is_app_admin: boolean;
  /** per readable field; hidden fields are absent */
  fields: Record<string, FieldAccess>;
}

export function useMyPermissions(appKey: string, formKey: string) {
  return useQuery({
    queryKey: ["permissions-me", appKey, formKey],
    queryFn: ({ signal }) => api.get<MyPermissions>(`${formUrl(appKey, formKey)}/permissions/me`, undefined, signal),
    staleTime: 60_000,
  });
}

export interface ListQuery {
  filter?: FilterNode | null;
  sort?: string[];
  limit?: number;
  page?: number;
  search?: string | null;
  fields?: string[] | null;
  expand?: string[] | null;
  count?: boolean;
}

export interface RecordPage {
  items: RecordValues[];
  total: number | null;
  has_more: boolean;
  next_cursor: string | null;
}

export function useRecords(appKey: string, formKey: string, query: ListQuery, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: [...recordsKey(appKey, formKey), "list", query],
    queryFn: ({ signal }) =>
      api.post<RecordPage>(`${recordsUrl(appKey, formKey)}/query`, { ...query, search: query.search || null }, { signal }),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useRecord(appKey: string, formKey: string, recordId: Id) {
  return useQuery({
    queryKey: [...recordsKey(appKey, formKey), "one", String(recordId)],
    queryFn: ({ signal }) => api.get<RecordValues>(`${recordsUrl(appKey, formKey)}/${enc(String(recordId))}`, undefined, signal),
  });
}

function useInvalidateRecords(appKey: string, formKey: string) {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: recordsKey(appKey, formKey) });
}

export function useCreateRecord(appKey: string, formKey: string) {
  const invalidate = useInvalidateRecords(appKey, formKey);
  return useMutation({
    mutationFn: (values: Record<string, unknown>) => api.post<RecordValues>(recordsUrl(appKey, formKey), values),
    onSuccess: invalidate,
  });
}

export interface RecordChange {
  id: Id;
  version: number;
  values: Record<string, unknown>;
}

/** PATCH with the version the person edited: a concurrent change answers 409, never overwritten. */
export function useUpdateRecord(appKey: string, formKey: string) {
  const qc = useQueryClient();
  const invalidate = useInvalidateRecords(appKey, formKey);
  return useMutation({
    mutationFn: ({ id, version, values }: RecordChange) =>
      api.patch<RecordValues>(`${recordsUrl(appKey, formKey)}/${enc(String(id))}`, { ...values, version }),
    onSuccess: (record) => {
      qc.setQueryData([...recordsKey(appKey, formKey), "one", String(record.id)], record);
      return invalidate();
    },
  });
}

export function useBulkUpdate(appKey: string, formKey: string) {
  const invalidate = useInvalidateRecords(appKey, formKey);
  return useMutation({
    mutationFn: (items: RecordChange[]) =>
      api.patch<{ updated: number }>(`${recordsUrl(appKey, formKey)}/bulk`, { items }),
    onSuccess: invalidate,
  });
}

export function useBulkDelete(appKey: string, formKey: string) {
  const invalidate = useInvalidateRecords(appKey, formKey);
  return useMutation({
    mutationFn: (ids: Id[]) => api.post<{ deleted: Id[] }>(`${recordsUrl(appKey, formKey)}/bulk-delete`, { ids }),
    onSuccess: invalidate,
  });
}

export interface HistoryEntry {
  id: Id;
  version: number;
  op: string;
  actor_id: Id | null;
  at: string;
  /** field key → [before, after] */
  changes: Record<string, [unknown, unknown]>;
}

export function useHistory(appKey: string, formKey: string, recordId: Id, enabled = true) {
  return useQuery({
    queryKey: [...recordsKey(appKey, formKey), "history", String(recordId)],
    queryFn: ({ signal }) =>
      api.get<Items<HistoryEntry>>(`${recordsUrl(appKey, formKey)}/${enc(String(recordId))}/history`, undefined, signal),
    select: (page) => page.items,
    enabled,
  });
}

export interface UserRef {
  id: Id;
  display_name: string;
}

export interface Comment {
  id: Id;
  author: UserRef | null;
  body: string;
  mentions: UserRef[];
  created_at: string;
  edited_at: string | null;
}

const commentsKey = (appKey: string, formKey: string, recordId: Id) =>
  [...recordsKey(appKey, formKey), "comments", String(recordId)] as const;

export function useComments(appKey: string, formKey: string, recordId: Id) {
  return useQuery({
    queryKey: commentsKey(appKey, formKey, recordId),
    queryFn: ({ signal }) =>
      api.get<Items<Comment>>(`${recordsUrl(appKey, formKey)}/${enc(String(recordId))}/comments`, undefined, signal),
    select: (page) => page.items,
  });
}

export function useAddComment(appKey: string, formKey: string, recordId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { body: string; mentions: Id[] }) =>
      api.post<Comment>(`${recordsUrl(appKey, formKey)}/${enc(String(recordId))}/comments`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: commentsKey(appKey, formKey, recordId) }),
  });
}

export function useDeleteComment(appKey: string, formKey: string, recordId: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (commentId: Id) =>
      api.delete(`${recordsUrl(appKey, formKey)}/${enc(String(recordId))}/comments/${enc(String(commentId))}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: commentsKey(appKey, formKey, recordId) }),
  });
}

/** Records of another form that link to this one (a related-list field on the record). */
export function useRelated(appKey: string, formKey: string, recordId: Id, fieldKey: string, page: number) {
  return useQuery({
    queryKey: [...recordsKey(appKey, formKey), "related", String(recordId), fieldKey, page],
    queryFn: ({ signal }) =>
      api.get<RecordPage>(
        `${recordsUrl(appKey, formKey)}/${enc(String(recordId))}/related/${enc(fieldKey)}`,
        { page },
        signal,
      ),
    placeholderData: keepPreviousData,
  });
}

export interface DirectoryUser {
  id: Id;
  username: string;
  display_name: string;
}

/** People to @mention: the directory every internal user may search. */
export function useDirectoryUsers(search: string) {
  return useQuery({
    queryKey: ["directory", "users", search],
    queryFn: ({ signal }) =>
      api.get<Items<DirectoryUser>>("/api/directory/users", { search: search || undefined, limit: 20 }, signal),
    select: (page) => page.items,
    placeholderData: keepPreviousData,
  });
}

// -- import and export ---------------------------------------------------------------------------

export interface ImportColumn {
  index: number;
  header: string;
}

export interface ImportMapping {
  column: number;
  header?: string | null;
  field: string | null;
}

export interface ImportPreview {
  id: number;
  file: { format: string; encoding: string | null; sheet: string | null; rows: number };
  columns: ImportColumn[];
  preview: unknown[][];
  suggested_mapping: ImportMapping[];
  fields: { key: string; label: string; type: string; required: boolean }[];
}

export interface ImportRun {
  mapping: ImportMapping[];
  mode?: "insert" | "update" | "upsert";
  key_field?: string | null;
  on_error?: "skip" | "abort";
}

export interface Job {
  id: Id;
  kind: string;
  status: "queued" | "running" | "done" | "failed" | string;
  progress: number | null;
  total: number | null;
  phase?: string;
  result: {
    outcome?: string;
    total?: number;
    created?: number;
    updated?: number;
    refused?: number;
    error_count?: number;
    error_report?: boolean;
    errors?: { row?: number; path?: string; message?: string; message_zh?: string }[];
  } | null;
  error: { message?: string; detail?: string } | null;
}


export function useUploadImport(appKey: string, formKey: string) {
  return useMutation({
    mutationFn: (file: File) => upload<ImportPreview>(`${formUrl(appKey, formKey)}/imports`, file),
  });
}

export function useRunImport(appKey: string, formKey: string) {
  return useMutation({
    mutationFn: ({ importId, run }: { importId: Id; run: ImportRun }) =>
      request<{ id: Id; job_id: Id }>(`${formUrl(appKey, formKey)}/imports/${enc(String(importId))}/run`, {
        method: "POST",
        body: run,
      }),
  });
}

const FINISHED = new Set(["done", "failed", "cancelled"]);

/** A background job, polled every 700 ms until it finishes. */
export function useJob(jobId: Id | null) {
  return useQuery({
    queryKey: ["jobs", String(jobId)],
    queryFn: ({ signal }) => api.get<Job>(`/api/jobs/${enc(String(jobId))}`, undefined, signal),
    enabled: jobId !== null,
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.status) ? false : 700),
  });
}

export function importErrorsUrl(appKey: string, formKey: string, importId: Id): string {
  return `${formUrl(appKey, formKey)}/imports/${enc(String(importId))}/errors.xlsx`;
}

export interface ExportRequest {
  format: "xlsx" | "csv";
  filter?: FilterNode | null;
  sort?: string[];
  search?: string | null;
  fields?: string[] | null;
}

/** The address that downloads an export (a GET, so the browser saves it as a file). */
export function exportUrl(appKey: string, formKey: string, req: ExportRequest): string {
  return buildUrl(`${recordsUrl(appKey, formKey)}/export`, {
    format: req.format,
    filter: req.filter ? JSON.stringify(req.filter) : undefined,
    sort: req.sort?.length ? req.sort.join(",") : undefined,
    search: req.search || undefined,
    fields: req.fields?.length ? req.fields.join(",") : undefined,
  });
}
