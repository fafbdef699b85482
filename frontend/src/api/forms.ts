// Forms as their users see them: the published definition, what the reader may do with its
// fields, and what form widgets read from the server (records of a linked form to pick from,
// the organisation directory, China's divisions, visibility rules evaluated on the server).
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { FieldDef, FieldTypeInfo, I18nText } from "../registries/fields/types";

export interface FormSettings {
  columns: number;
  title_field?: string | null;
  allow_drafts?: boolean;
}

/** A form definition (engines/form/definition.py FormDef). */
export interface FormDef {
  schema_version?: 1;
  key: string;
  label: I18nText;
  description?: I18nText | null;
  fields: FieldDef[];
  settings: FormSettings;
}

/** GET /api/apps/{app}/forms/{form}. */
export interface FormOut {
  key: string;
  draft: FormDef;
  draft_revision: number;
  published_version: number | null;
  published: FormDef | null;
  retired_fields: Record<string, unknown>;
  problems: unknown[];
}

export type FieldAccessRule = "hidden" | "read_only" | "editable";

/** GET …/permissions/me: actions and, per readable field, whether the reader may change it. */
export interface MyFormAccess {
  actions: string[];
  is_app_admin: boolean;
  fields: Record<string, Exclude<FieldAccessRule, "hidden">>;
  all_rows: Record<string, boolean>;
}

export const formQueryKey = (appKey: string, form: string) => ["apps", appKey, "forms", form] as const;
/** The same key under its first name (other areas import it so). */
export const formKey = formQueryKey;

export function fetchForm(appKey: string, form: string, signal?: AbortSignal): Promise<FormOut> {
  return api.get<FormOut>(`/api/apps/${encodeURIComponent(appKey)}/forms/${encodeURIComponent(form)}`, undefined, signal);
}

export function useForm(appKey: string | undefined, form: string | undefined) {
  return useQuery({
    queryKey: formQueryKey(appKey ?? "", form ?? ""),
    queryFn: ({ signal }) => fetchForm(appKey!, form!, signal),
    enabled: !!appKey && !!form,
    staleTime: 60_000,
  });
}

export function useMyFormAccess(appKey: string | undefined, form: string | undefined) {
  return useQuery({
    queryKey: [...formQueryKey(appKey ?? "", form ?? ""), "permissions", "me"],
    queryFn: ({ signal }) =>
      api.get<MyFormAccess>(
        `/api/apps/${encodeURIComponent(appKey!)}/forms/${encodeURIComponent(form!)}/permissions/me`,
        undefined,
        signal,
      ),
    enabled: !!appKey && !!form,
    staleTime: 60_000,
  });
}

/** Per-field access as RecordForm takes it: a field missing from the answer is hidden. */
export function fieldAccessOf(access: MyFormAccess | undefined, form: FormDef | undefined): Record<string, FieldAccessRule> | undefined {
  if (!access || !form) return undefined;
  const out: Record<string, FieldAccessRule> = {};
  for (const f of form.fields) out[f.key] = access.fields[f.key] ?? "hidden";
  return out;
}

export function useFieldTypeCatalogue() {
  return useQuery({
    queryKey: ["field-types"],
    queryFn: ({ signal }) => api.get<{ items: FieldTypeInfo[] }>("/api/field-types", undefined, signal),
    select: (page) => page.items,
    staleTime: Infinity,
  });
}

// -- records of another form, for link pickers -------------------------------------------------

export interface RecordRow {
  id: number;
  version: number;
  [key: string]: unknown;
}

export interface RecordPage {
  items: RecordRow[];
  total: number | null;
  has_more: boolean;
  next_cursor: string | null;
}

export interface RecordQuery {
  filter?: Record<string, unknown> | null;
  sort?: string[];
  limit?: number;
  page?: number;
  search?: string;
  fields?: string[];
  expand?: string[];
  count?: boolean;
}

export function queryRecords(appKey: string, form: string, body: RecordQuery, signal?: AbortSignal): Promise<RecordPage> {
  return api.post<RecordPage>(
    `/api/apps/${encodeURIComponent(appKey)}/forms/${encodeURIComponent(form)}/records/query`,
    body,
    { signal },
  );
}

/** Records of `form` matching a quick search, for a link picker's options. */
export function useRecordSearch(appKey: string, form: string | undefined, search: string, fields: string[] | undefined, enabled = true) {
  return useQuery({
    queryKey: [...formQueryKey(appKey, form ?? ""), "records", "pick", search, fields ?? []],
    queryFn: ({ signal }) =>
      queryRecords(appKey, form!, { search: search || undefined, limit: 20, fields, sort: ["-id"] }, signal),
    enabled: enabled && !!form,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

/** Records of `form` by id, to title values the picker has not listed yet. */
export function useRecordsById(appKey: string, form: string | undefined, ids: (number | string)[], fields: string[] | undefined) {
  const wanted = [...new Set(ids.map(Number).filter((n) => Number.isInteger(n) && n > 0))].sort((a, b) => a - b);
  return useQuery({
    queryKey: [...formQueryKey(appKey, form ?? ""), "records", "ids", wanted, fields ?? []],
    queryFn: ({ signal }) =>
      queryRecords(appKey, form!, { filter: { field: "id", op: "in", value: wanted }, limit: Math.min(500, wanted.length), fields }, signal),
    enabled: !!form && wanted.length > 0,
    staleTime: 30_000,
  });
}

// -- the organisation directory ------------------------------------------------------------------

export interface DirectoryUser {
  id: number;
  username: string;
  display_name: string;
  departments: { id: number; name: string }[];
}

export interface DirectoryDepartment {
  id: number;
  name: string;
  parent_id: number | null;
  sort: number;
}

export function useDirectoryUsers(search: string, enabled = true) {
  return useQuery({
    queryKey: ["directory", "users", search],
    queryFn: ({ signal }) =>
      api.get<{ items: DirectoryUser[] }>("/api/directory/users", { search: search || undefined, limit: 100 }, signal),
    select: (page) => page.items,
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

/** The people behind stored user ids (inactive ones too: they still name history). */
export function useDirectoryNames(ids: number[]) {
  const wanted = [...new Set(ids)].sort((a, b) => a - b).slice(0, 100);
  return useQuery({
    queryKey: ["directory", "names", wanted.join(",")],
    queryFn: ({ signal }) =>
      api.get<{ items: DirectoryUser[] }>("/api/directory/users", { ids: wanted.join(",") }, signal),
    select: (page) => new Map(page.items.map((u) => [u.id, u.display_name])),
    enabled: wanted.length > 0,
    staleTime: 5 * 60_000,
  });
}

export function useDirectoryDepartments(enabled = true) {
  return useQuery({
    queryKey: ["directory", "departments"],
    queryFn: ({ signal }) => api.get<{ items: DirectoryDepartment[] }>("/api/directory/departments", undefined, signal),
    select: (page) => page.items,
    enabled,
    staleTime: 5 * 60_000,
  });
}

// -- China's administrative divisions -------------------------------------------------------------

export interface Region {
  code: string;
  name: string;
  children?: Region[];
}

/** Provinces, cities and districts (streets load per district with useRegionChildren). */
export function useRegions(enabled = true) {
  return useQuery({
    queryKey: ["regions"],
    queryFn: ({ signal }) => api.get<{ items: Region[] }>("/api/regions", undefined, signal),
    select: (page) => page.items,
    enabled,
    staleTime: Infinity,
    gcTime: Infinity,
  });
}

export function fetchRegionChildren(code: string, signal?: AbortSignal): Promise<{ items: Region[] }> {
  return api.get<{ items: Region[] }>(`/api/regions/${encodeURIComponent(code)}`, undefined, signal);
}

// -- visibility rules and formulas, evaluated by the server --------------------------------------

export interface EvaluateOut {
  /** per field with a visibility rule: whether it shows for these values */
  visible: Record<string, boolean>;
  /** formula fields computed from these values (null when they cannot be yet) */
  computed: Record<string, unknown>;
  /** per subform: each row's formula columns */
  rows: Record<string, Record<string, unknown>[]>;
}

export function evaluateForm(appKey: string, form: string, values: Record<string, unknown>, signal?: AbortSignal): Promise<EvaluateOut> {
  // A 401 here is no reason to leave the page (a public form, a session about to be renewed).
  return api.post<EvaluateOut>("/api/expr/evaluate", { form: `${appKey}.${form}`, values }, { signal, redirectOn401: false });
}

// -- related lists ---------------------------------------------------------------------------------

export function useRelatedRows(appKey: string, form: string, recordId: number | undefined, fieldKey: string, page = 1) {
  return useQuery({
    queryKey: [...formQueryKey(appKey, form), "records", recordId, "related", fieldKey, page],
    queryFn: ({ signal }) =>
      api.get<RecordPage>(
        `/api/apps/${encodeURIComponent(appKey)}/forms/${encodeURIComponent(form)}/records/${recordId}/related/${encodeURIComponent(fieldKey)}`,
        { page },
        signal,
      ),
    enabled: !!appKey && !!form && !!recordId,
    placeholderData: keepPreviousData,
  });
}

/** A form's "run flow" button on a saved record. */
export function startFlow(appKey: string, flowKey: string, recordId: number): Promise<unknown> {
  return api.post(`/api/apps/${encodeURIComponent(appKey)}/flows/${encodeURIComponent(flowKey)}/start`, { record_ids: [recordId] });
}
