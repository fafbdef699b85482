// Reports and dashboards for their readers: a dashboard and its data (signed in, or through a
// public link), drill-down, exports, and the public links of a dashboard.
import { keepPreviousData, useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReportData } from "../registries/charts/types";
import { ApiError, api, buildUrl, CSRF_COOKIE, CSRF_HEADER, NetworkError, readCookie, toProblem } from "./client";
import { fetchForm, formKey } from "./forms";
import type { Id } from "./types";

/** A label in the builder's languages (stored as `zh_CN`; `zh-CN` accepted too). */
export type I18nText = { zh_CN?: string | null; "zh-CN"?: string | null; en?: string | null };

export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A report definition; the page reads only what it needs (chart type, drill levels). */
export interface ReportDefinition {
  label?: I18nText;
  dataset: { form: string; [k: string]: unknown };
  drill?: unknown[];
  chart?: { type: string; settings?: Record<string, unknown> };
  [k: string]: unknown;
}

export interface Widget {
  id: string;
  kind: "report" | "records" | "text";
  title?: I18nText | null;
  report_id?: number | null;
  report?: ReportDefinition | null;
  form?: string | null;
  fields?: string[];
  limit?: number;
  html?: string | null;
  grid: GridPos;
}

export interface FilterTarget {
  widget: string;
  field: string;
}

export type GlobalFilterKind = "date_range" | "department" | "owner" | "select";

export interface GlobalFilter {
  key: string;
  kind: GlobalFilterKind;
  label?: I18nText | null;
  targets: FilterTarget[];
  include_subdepartments?: boolean;
  default?: unknown;
}

export interface DashboardDefinition {
  label?: I18nText | null;
  widgets: Widget[];
  filters: GlobalFilter[];
}

export interface Dashboard {
  id: Id;
  name: string;
  description?: string;
  definition: DashboardDefinition;
  share?: { everyone: boolean; roles: string[] };
  is_home?: boolean;
  version: number;
}

export interface PublicDashboard {
  app: { key: string; name: string };
  dashboard: Dashboard;
}

export interface RecordPage {
  items: Record<string, unknown>[];
  total: number | null;
  has_more: boolean;
}

export interface WidgetData {
  id: string;
  kind: Widget["kind"];
  data?: ReportData;
  records?: RecordPage;
  html?: string;
  error?: { status: number; title?: string; detail?: string; detail_zh?: string };
}

export interface DashboardData {
  id: Id;
  version: number;
  widgets: WidgetData[];
}

/** Global filter key → value, as the data endpoint's `filters` takes them. */
export type FilterValues = Record<string, unknown>;

/** A condition of a report run (engines/report/definition.py `Where`). */
export interface Where {
  field: string;
  op?: string;
  value?: unknown;
}

export interface DateRangeValue {
  field?: string;
  relative?: string;
  start?: string;
  end?: string;
}

export interface RunParams {
  where?: Where[];
  date_range?: DateRangeValue | null;
}

export type DrillAnswer =
  | { kind: "report"; definition: ReportDefinition; data: ReportData }
  | { kind: "records"; form: string; filter: Record<string, unknown>; unapplied: string[] };

/** A public link; `token` and `path` only in the answer to its creation (the server keeps a digest). */
export interface DashboardLink {
  id: Id;
  name?: string | null;
  prefix?: string;
  token?: string;
  path?: string;
  created_at?: string;
  created_by?: unknown;
  expires_at?: string | null;
  revoked_at?: string | null;
}

const APPS = "/api/apps";
const boardPath = (app: string, id: Id) => `${APPS}/${encodeURIComponent(app)}/dashboards/${id}`;
const publicPath = (token: string) => `/api/public/dashboards/${encodeURIComponent(token)}`;

/** Empty values are left out, so "no filter" and "cleared filter" ask the same query. */
export function filtersParam(values: FilterValues): string | undefined {
  const kept = Object.fromEntries(
    Object.entries(values).filter(([, v]) => !(v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length))),
  );
  return Object.keys(kept).length ? JSON.stringify(kept) : undefined;
}

export function useDashboard(appKey: string, id: Id) {
  return useQuery({
    queryKey: ["dashboards", appKey, String(id)],
    queryFn: ({ signal }) => api.get<Dashboard>(boardPath(appKey, id), undefined, signal),
  });
}

interface DataOptions {
  /** Milliseconds between refreshes; 0 or undefined: none. */
  refreshMs?: number;
  enabled?: boolean;
}

export function useDashboardData(appKey: string, id: Id, filters: FilterValues, options: DataOptions = {}) {
  const param = filtersParam(filters);
  return useQuery({
    queryKey: ["dashboards", appKey, String(id), "data", param ?? ""],
    queryFn: ({ signal }) => api.get<DashboardData>(`${boardPath(appKey, id)}/data`, { filters: param }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: options.refreshMs || false,
    enabled: options.enabled ?? true,
  });
}

export function usePublicDashboard(token: string) {
  return useQuery({
    queryKey: ["public-dashboards", token],
    queryFn: ({ signal }) => api.get<PublicDashboard>(publicPath(token), undefined, signal),
  });
}

export function usePublicDashboardData(token: string, filters: FilterValues, options: DataOptions = {}) {
  const param = filtersParam(filters);
  return useQuery({
    queryKey: ["public-dashboards", token, "data", param ?? ""],
    queryFn: ({ signal }) => api.get<DashboardData>(`${publicPath(token)}/data`, { filters: param }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: options.refreshMs || false,
    enabled: options.enabled ?? true,
  });
}

/** What an export names: a saved report, or a definition (a widget's own, or a drilled level). */
export type DrillSource = { reportId: number } | { definition: ReportDefinition };

/**
 * A click on a report widget: `path` holds the clicked values of each level drilled so far, the
 * click just made last; the server applies the board's filters as given.
 */
export interface DrillRequest {
  widget: string;
  filters: FilterValues;
  path: Record<string, unknown>[];
}

function drillBody({ widget, filters, path }: DrillRequest) {
  return { widget, path, filters: JSON.parse(filtersParam(filters) ?? "{}") as FilterValues };
}

export function useDrill(appKey: string, id: Id) {
  return useMutation({
    mutationFn: (req: DrillRequest) => api.post<DrillAnswer>(`${boardPath(appKey, id)}/drill`, drillBody(req)),
  });
}

/** The same through a public link: levels only, never records. */
export function usePublicDrill(token: string) {
  return useMutation({
    mutationFn: (req: DrillRequest) => api.post<DrillAnswer>(`${publicPath(token)}/drill`, drillBody(req)),
  });
}

// -- public links -----------------------------------------------------------------------------------

const linksKey = (appKey: string, id: Id) => ["dashboards", appKey, String(id), "links"] as const;

export function useDashboardLinks(appKey: string, id: Id, enabled = true) {
  return useQuery({
    queryKey: linksKey(appKey, id),
    queryFn: ({ signal }) => api.get<{ items: DashboardLink[] }>(`${boardPath(appKey, id)}/links`, undefined, signal),
    enabled,
  });
}

export function useCreateDashboardLink(appKey: string, id: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; expires_in_days?: number }) => api.post<DashboardLink>(`${boardPath(appKey, id)}/links`, body),
    onSuccess: () => qc.invalidateQueries({ queryKey: linksKey(appKey, id) }),
  });
}

export function useRevokeDashboardLink(appKey: string, id: Id) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (linkId: Id) => api.delete(`${APPS}/${encodeURIComponent(appKey)}/dashboard-links/${linkId}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: linksKey(appKey, id) }),
  });
}

// -- exports ----------------------------------------------------------------------------------------

export type DataFormat = "xlsx" | "csv";
export type BoardFormat = "png" | "pdf";

/** The URL of a saved report's data export (a plain GET: a link downloads it). */
export function reportExportUrl(appKey: string, reportId: number, format: DataFormat, params: RunParams): string {
  const body = { ...(params.where?.length ? { where: params.where } : {}), ...(params.date_range ? { date_range: params.date_range } : {}) };
  return buildUrl(`${APPS}/${encodeURIComponent(appKey)}/reports/${reportId}/export`, {
    format,
    params: Object.keys(body).length ? JSON.stringify(body) : undefined,
  });
}

/** The URL of the whole board as PNG or PDF, rendered by the server. */
export function dashboardExportUrl(appKey: string, id: Id, format: BoardFormat, filters: FilterValues): string {
  return buildUrl(`${boardPath(appKey, id)}/export`, { format, filters: filtersParam(filters) });
}

function fileName(disposition: string | null, fallback: string): string {
  const star = disposition && /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      // fall through to the plain name
    }
  }
  const plain = disposition && /filename="([^"]+)"/i.exec(disposition);
  return plain ? plain[1] : fallback;
}

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads a file the server answers with (POST with the CSRF header, or GET), named as it says. */
export async function downloadFile(url: string, fallbackName: string, body?: unknown): Promise<void> {
  const headers: Record<string, string> = {};
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    const token = readCookie(CSRF_COOKIE);
    if (token) headers[CSRF_HEADER] = token;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: body === undefined ? "GET" : "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (cause) {
    throw new NetworkError(cause);
  }
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    throw new ApiError(toProblem(response.status, response.statusText, parsed));
  }
  save(await response.blob(), fileName(response.headers.get("content-disposition"), fallbackName));
}

/** A widget's data as .xlsx/.csv: a saved report by URL, a definition (inline, or a drilled level) by POST. */
export function exportReportData(appKey: string, source: DrillSource, format: DataFormat, params: RunParams,
  fallbackName: string): Promise<void> {
  if ("reportId" in source) {
    return downloadFile(reportExportUrl(appKey, source.reportId, format, params), `${fallbackName}.${format}`);
  }
  const body = { definition: source.definition, format, ...(params.where?.length ? { where: params.where } : {}),
    ...(params.date_range ? { date_range: params.date_range } : {}) };
  return downloadFile(`${APPS}/${encodeURIComponent(appKey)}/reports/export`, `${fallbackName}.${format}`, body);
}

export function exportDashboard(appKey: string, id: Id, format: BoardFormat, filters: FilterValues, name: string) {
  return downloadFile(dashboardExportUrl(appKey, id, format, filters), `${name}.${format}`);
}

// -- the fields of a form (labels for a records widget, choices for a select filter) ---------------

export interface FormFieldDef {
  key: string;
  type: string;
  label: I18nText;
  options?: { choices?: { value: string; label?: I18nText | null }[]; [k: string]: unknown };
}

/** The published fields of each form (signed in only): form key → fields, for those loaded. */
export function useFormsFields(appKey: string, formKeys: string[], enabled = true): Record<string, FormFieldDef[]> {
  const results = useQueries({
    queries: formKeys.map((form) => ({
      queryKey: formKey(appKey, form),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchForm(appKey, form, signal),
      enabled,
      staleTime: 60_000,
      retry: false,
    })),
  });
  const out: Record<string, FormFieldDef[]> = {};
  formKeys.forEach((form, i) => {
    const fields = results[i]?.data?.published?.fields;
    if (fields) out[form] = fields as unknown as FormFieldDef[];
  });
  return out;
}

/** A saved report shown on the pages of a form's records, run over one record's related rows. */
export interface RecordChart {
  id: Id;
  name: string;
  position: number;
  data?: ReportData;
  error?: { detail?: string; detail_zh?: string };
}

export function useRecordCharts(appKey: string, formKey: string, recordId: Id) {
  return useQuery({
    queryKey: ["record-charts", appKey, formKey, String(recordId)],
    queryFn: ({ signal }) =>
      api.get<{ items: RecordChart[] }>(`/api/apps/${appKey}/forms/${formKey}/records/${recordId}/charts`, undefined, signal),
    select: (page) => page.items,
    staleTime: 30_000,
  });
}
