// The one fetch wrapper: same-origin cookies, the CSRF header on writes, problem+json
// errors turned into ApiError, and a 401 sends the person back to the login page.

export const CSRF_COOKIE = "qiqiao_csrf";
export const CSRF_HEADER = "X-CSRF-Token";

export interface FieldProblem {
  path: string;
  message: string;
  /** what else the server said about this error (a formula's `position`, `code`…) */
  extra?: Record<string, unknown>;
}

/** RFC 9457 problem details as the Qiqiao server sends them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors: FieldProblem[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  /** Seconds from a Retry-After header (429), if any. */
  readonly retryAfter?: number;

  constructor(problem: Problem, retryAfter?: number) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.name = "ApiError";
    this.status = problem.status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

/** Thrown when the server could not be reached at all (offline, DNS, reset). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super("network error", { cause });
    this.name = "NetworkError";
  }
}

export function readCookie(name: string, cookieString?: string): string | undefined {
  const source = cookieString ?? (typeof document === "undefined" ? "" : document.cookie);
  for (const part of source.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return undefined;
}

interface LegacyValidationItem {
  loc?: (string | number)[];
  msg?: string;
}

/**
 * Turns any error body into a Problem. Besides problem+json it accepts FastAPI's own
 * `{detail: [{loc, msg}]}` shape, so a validation error that slipped past the server's
 * handler still lands on the right field.
 */
export function toProblem(status: number, statusText: string, body: unknown): Problem {
  const problem: Problem = { type: "about:blank", title: statusText || `HTTP ${status}`, status, errors: [] };
  if (!body || typeof body !== "object") {
    if (typeof body === "string" && body.trim()) problem.detail = body.trim().slice(0, 500);
    return problem;
  }
  const b = body as Record<string, unknown>;
  if (typeof b.type === "string") problem.type = b.type;
  if (typeof b.title === "string") problem.title = b.title;
  if (typeof b.status === "number") problem.status = b.status;
  if (typeof b.detail === "string") problem.detail = b.detail;
  if (Array.isArray(b.errors)) {
    for (const e of b.errors) {
      if (e && typeof e === "object") {
        const { path, message, ...extra } = e as Record<string, unknown>;
        const p = Array.isArray(path) ? path.join(".") : typeof path === "string" ? path : "";
        if (typeof message === "string") {
          problem.errors.push(Object.keys(extra).length ? { path: p, message, extra } : { path: p, message });
        }
      }
    }
  } else if (Array.isArray(b.detail)) {
    for (const item of b.detail as LegacyValidationItem[]) {
      if (item && typeof item.msg === "string") {
        problem.errors.push({ path: (item.loc ?? []).join("."), message: item.msg });
      }
    }
  }
  return problem;
}

/** The field a problem path points at: its last named segment (`body.user.email` → `email`). */
export function fieldNameFromPath(path: string): string | undefined {
  const segments = path
    .split(/[./[\]]+/)
    .map((s) => s.trim())
    .filter((s) => s && !/^\d+$/.test(s));
  return segments.at(-1);
}

/**
 * Splits a problem's errors into those that name a field shown in the form and those that
 * do not (which the caller shows as a message, together with `detail`).
 */
export function splitFieldErrors(
  problem: Problem,
  knownFields: Iterable<string>,
): { fields: Map<string, string[]>; other: string[] } {
  const known = new Set(knownFields);
  const fields = new Map<string, string[]>();
  const other: string[] = [];
  for (const { path, message } of problem.errors) {
    const name = fieldNameFromPath(path);
    if (name && known.has(name)) fields.set(name, [...(fields.get(name) ?? []), message]);
    else other.push(message);
  }
  return { fields, other };
}

let acceptLanguage: string | undefined;

/** The UI language, sent as Accept-Language so server messages can match it. */
export function setRequestLanguage(language: string): void {
  acceptLanguage = language;
}

type UnauthorizedHandler = () => void;

let onUnauthorized: UnauthorizedHandler = () => {
  if (typeof window !== "undefined" && window.location.pathname !== "/login") {
    const next = window.location.pathname + window.location.search;
    window.location.assign(`/login?next=${encodeURIComponent(next)}`);
  }
};

/** The app installs a router-aware handler; the default reloads on /login. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler): void {
  onUnauthorized = handler;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** False for calls where 401 is an answer, not a lost session (the login form). */
  redirectOn401?: boolean;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes("?") ? "&" : "?"}${qs}` : path;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json, application/problem+json" };
  if (acceptLanguage) headers["Accept-Language"] = acceptLanguage;
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  if (!SAFE_METHODS.has(method)) {
    const token = readCookie(CSRF_COOKIE);
    if (token) headers[CSRF_HEADER] = token;
  }

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new NetworkError(cause);
  }

  if (response.ok) {
    if (response.status === 204 || response.status === 205) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const text = await response.text().catch(() => "");
  let parsed: unknown = text;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's HTML page, say): keep the text as the detail.
    }
  }
  const retryAfterHeader = response.headers.get("Retry-After");
  const retryAfter = retryAfterHeader && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : undefined;
  const error = new ApiError(toProblem(response.status, response.statusText, parsed), retryAfter);
  if (response.status === 401 && options.redirectOn401 !== false) onUnauthorized();
  throw error;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>(path, { query, signal }),
  post: <T>(path: string, body?: unknown, extra?: Omit<RequestOptions, "method" | "body">) =>
    request<T>(path, { ...extra, method: "POST", body }),
  patch: <T>(path: string, body: unknown) => request<T>(path, { method: "PATCH", body }),
  delete: <T = void>(path: string) => request<T>(path, { method: "DELETE" }),
};

/** A multipart upload (one `file` field) with the same CSRF header and problem handling as every other call. */
export async function upload<T>(path: string, file: File): Promise<T> {
  const body = new FormData();
  body.append("file", file);
  const headers: Record<string, string> = { Accept: "application/json, application/problem+json" };
  const token = readCookie(CSRF_COOKIE);
  if (token) headers[CSRF_HEADER] = token;
  let response: Response;
  try {
    response = await fetch(path, { method: "POST", body, headers, credentials: "same-origin" });
  } catch (cause) {
    throw new NetworkError(cause);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: the text is the detail
  }
  if (!response.ok) throw new ApiError(toProblem(response.status, response.statusText, parsed));
  return parsed as T;
}
