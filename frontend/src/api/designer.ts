// The builder's server state: the field-type catalogue, form definitions (draft, publish,
// versions) and the Excel → form wizard.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FieldDef, FieldTypeInfo, I18nText } from "../registries/fields/types";
import { api, request, upload } from "./client";
import type { Items } from "./types";

export interface FormSettings {
  columns?: number;
  title_field?: string | null;
  allow_drafts?: boolean;
}

/** A form definition as engines/form/definition.py FormDef holds it. */
export interface FormDefinition {
  schema_version?: 1;
  key: string;
  label: I18nText;
  description?: I18nText | null;
  fields: FieldDef[];
  settings?: FormSettings;
}

export interface DefinitionProblem {
  path: string;
  message: string;
}

export interface FormDesign {
  key: string;
  draft: FormDefinition;
  draft_revision: number;
  published_version: number | null;
  published: FormDefinition | null;
  retired_fields: unknown;
  /** what stops the draft from being published, each at a path (`fields.3.options.choices`) */
  problems: DefinitionProblem[];
}

export interface FormSummary {
  key: string;
  label: I18nText | null;
  published_version: number | null;
  draft_revision: number;
}

/** One planned schema operation (engines/form/plan.py describe()). */
export interface SchemaChange {
  op: string;
  field?: string;
  table?: string;
  column?: string;
  index?: string;
  type?: string;
  from?: string;
  to?: string;
  preserved_column?: string;
  data?: string;
}

export interface Unconvertible {
  field: string;
  record_id: number;
  value: unknown;
  message: string;
  message_zh?: string;
}

export interface PublishPreview {
  version: number;
  changes: SchemaChange[];
  unconvertible: Unconvertible[];
  unconvertible_count: number;
}

export interface PublishResult {
  version: number;
  changes: SchemaChange[];
  kept_unconvertible_count: number;
}

const enc = encodeURIComponent;
const formsUrl = (appKey: string) => `/api/apps/${enc(appKey)}/forms`;
const formsKey = (appKey: string) => ["forms", appKey] as const;

export function useFieldTypes() {
  return useQuery({
    queryKey: ["field-types"],
    queryFn: ({ signal }) => api.get<Items<FieldTypeInfo>>("/api/field-types", undefined, signal),
    select: (page) => page.items,
    staleTime: Infinity,
  });
}

export function useForms(appKey: string) {
  return useQuery({
    queryKey: [...formsKey(appKey), "list"],
    queryFn: ({ signal }) => api.get<Items<FormSummary>>(formsUrl(appKey), undefined, signal),
    select: (page) => page.items,
  });
}

export function useFormDesign(appKey: string, formKey: string) {
  return useQuery({
    queryKey: [...formsKey(appKey), "one", formKey],
    queryFn: ({ signal }) => api.get<FormDesign>(`${formsUrl(appKey)}/${enc(formKey)}`, undefined, signal),
    // The designer owns the draft once loaded: refetching under it would lose edits.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
}

export function useCreateForm(appKey: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (definition: FormDefinition) => api.post<FormDesign>(formsUrl(appKey), { definition }),
    onSuccess: () => qc.invalidateQueries({ queryKey: formsKey(appKey) }),
  });
}

export function useSaveDraft(appKey: string, formKey: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { definition: FormDefinition; draft_revision: number | null }) =>
      request<FormDesign>(`${formsUrl(appKey)}/${enc(formKey)}/draft`, { method: "PUT", body }),
    onSuccess: (design) => {
      qc.setQueryData([...formsKey(appKey), "one", formKey], design);
      void qc.invalidateQueries({ queryKey: [...formsKey(appKey), "list"] });
    },
  });
}

export function usePublishPreview(appKey: string, formKey: string) {
  return useMutation({
    mutationFn: () => api.post<PublishPreview>(`${formsUrl(appKey)}/${enc(formKey)}/publish/preview`),
  });
}

export function usePublish(appKey: string, formKey: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (onUnconvertible: "abort" | "keep") =>
      api.post<PublishResult>(`${formsUrl(appKey)}/${enc(formKey)}/publish`, { on_unconvertible: onUnconvertible }),
    onSuccess: () => qc.invalidateQueries({ queryKey: formsKey(appKey) }),
  });
}

// -- Excel → form -----------------------------------------------------------------------

export interface ExcelPreview {
  upload_id: number;
  file: { format: string; encoding: string | null; sheet: string | null; rows: number };
  columns: { index: number; header: string }[];
  preview: unknown[][];
  definition: FormDefinition;
  fields: { column: number; header: string; key: string; type: string; reason: string }[];
}

export interface ExcelFormCreate {
  upload_id: number;
  definition: FormDefinition;
  mapping?: { column: number; field: string | null }[];
  on_error?: "skip" | "abort";
}


export function useExcelPreview(appKey: string) {
  return useMutation({
    mutationFn: ({ file, app }: { file: File; app?: string }) =>
      upload<ExcelPreview>(`/api/apps/${enc(app ?? appKey)}/excel-forms/preview`, file),
  });
}

export function useCreateExcelForm(appKey: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ body, app }: { body: ExcelFormCreate; app?: string }) =>
      api.post<{ form: { key: string; version: number }; upload_id: number; job_id: number }>(
        `/api/apps/${enc(app ?? appKey)}/excel-forms`,
        body,
      ),
    onSuccess: (_, { app }) => qc.invalidateQueries({ queryKey: formsKey(app ?? appKey) }),
  });
}
