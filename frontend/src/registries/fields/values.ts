// Pure helpers on field values as the records API sends and accepts them: empty checks,
// reference ids, choice lookup, number and money formatting per locale. No React here, so
// tests run them directly.
import type { FieldDef, I18nText } from "./types";

export type Lang = "zh-CN" | "en";

/** The builder's text in the reader's language, falling back to the other one. */
export function pickText(text: I18nText | Record<string, string | null | undefined> | null | undefined, lang: string): string {
  if (!text) return "";
  const t = text as Record<string, string | null | undefined>;
  const preferred = lang.startsWith("zh") ? t["zh-CN"] : t.en;
  return preferred || t["zh-CN"] || t.en || "";
}

export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.keys(value as object).length === 0;
  return false;
}

/** Options of a field, typed loosely: the server validated them against the type's schema. */
export type Widen<T> = T extends string ? string : T extends number ? number : T extends boolean ? boolean : T;

export function opt<T>(field: FieldDef, key: string, fallback: T): Widen<T> {
  const v = field.options?.[key];
  return (v === undefined || v === null ? fallback : v) as Widen<T>;
}

// -- references (members, departments, linked records) ------------------------------------

export type RefId = number | string;

/** A reference value is an id, or `{id, title}` when the records API expanded it. */
export function refId(value: unknown): RefId | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "object" && "id" in (value as object)) return (value as { id: RefId }).id;
  return null;
}

export function refIds(value: unknown): RefId[] {
  if (!Array.isArray(value)) return value === null || value === undefined ? [] : [refId(value)].filter((v): v is RefId => v !== null);
  return value.map(refId).filter((v): v is RefId => v !== null);
}

export function refTitle(value: unknown): string | null {
  if (value && typeof value === "object" && "title" in (value as object)) {
    const title = (value as { title: unknown }).title;
    return title === null || title === undefined ? null : String(title);
  }
  return null;
}

// -- choices ----------------------------------------------------------------------------

export interface Choice {
  value: string;
  label?: Record<string, string> | null;
  colour?: string;
}

export function choices(field: FieldDef): Choice[] {
  return opt<Choice[]>(field, "choices", []);
}

export function choiceLabel(field: FieldDef, value: string, lang: string): { label: string; colour: string } {
  const found = choices(field).find((c) => c.value === value);
  if (!found) return { label: value, colour: "default" };
  return { label: pickText(found.label, lang) || found.value, colour: found.colour ?? "default" };
}

export interface CascaderNode {
  value: string;
  label?: Record<string, string> | null;
  children?: CascaderNode[];
}

/** The labels along a stored cascader path; values no longer in the tree show as stored. */
export function cascaderLabels(tree: CascaderNode[], path: string[], lang: string): string[] {
  const out: string[] = [];
  let nodes: CascaderNode[] | undefined = tree;
  for (const step of path) {
    const node: CascaderNode | undefined = nodes?.find((n) => n.value === step);
    out.push(node ? pickText(node.label, lang) || node.value : step);
    nodes = node?.children;
  }
  return out;
}

// -- numbers ----------------------------------------------------------------------------

/** A decimal as the server sends it ("1234.50") or a number → a JS number; else null. */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined || value === "" || typeof value === "boolean") return null;
  const n = typeof value === "number" ? value : Number(String(value).trim().replace(/,/g, "").replace(/%$/, ""));
  return Number.isFinite(n) ? n : null;
}

function numberLocale(lang: string): string {
  return lang.startsWith("zh") ? "zh-CN" : "en-US";
}

export function formatNumber(
  value: unknown,
  opts: { precision?: number; thousands?: boolean; unit?: string | null; lang: string },
): string {
  const n = toNumber(value);
  if (n === null) return "";
  const precision = opts.precision ?? 0;
  const text = new Intl.NumberFormat(numberLocale(opts.lang), {
    minimumFractionDigits: precision,
    maximumFractionDigits: precision,
    useGrouping: opts.thousands ?? true,
  }).format(n);
  return opts.unit ? `${text} ${opts.unit}` : text;
}

export function formatMoney(value: unknown, opts: { currency?: string; precision?: number; lang: string }): string {
  const n = toNumber(value);
  if (n === null) return "";
  const precision = opts.precision ?? 2;
  return new Intl.NumberFormat(numberLocale(opts.lang), {
    style: "currency",
    currency: opts.currency ?? "CNY",
    currencyDisplay: "narrowSymbol",
    minimumFractionDigits: precision,
    maximumFractionDigits: precision,
  }).format(n);
}

export function formatPercent(value: unknown, opts: { precision?: number; lang: string }): string {
  const n = toNumber(value);
  if (n === null) return "";
  return `${formatNumber(n, { precision: opts.precision ?? 2, thousands: true, lang: opts.lang })}%`;
}

/** 1234567.5 → 1,234,567.5 (digits after the point untouched). */
export function groupThousands(v: string | undefined): string {
  if (!v) return "";
  const [whole, fraction] = String(v).split(".");
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (fraction !== undefined ? `.${fraction}` : "");
}

/** Sum of a column of decimals, rounded to `precision` (subform totals). */
export function sumColumn(rows: Record<string, unknown>[], key: string, precision = 8): number | null {
  let total = 0;
  let any = false;
  for (const row of rows) {
    const n = toNumber(row?.[key]);
    if (n !== null) {
      total += n;
      any = true;
    }
  }
  if (!any) return null;
  const scale = 10 ** Math.min(precision, 8);
  return Math.round(total * scale) / scale;
}

// -- files ------------------------------------------------------------------------------

export interface FileRef {
  key: string;
  name?: string;
  size?: number;
  content_type?: string;
}

export function fileRefs(value: unknown): FileRef[] {
  if (!Array.isArray(value)) return [];
  return value.filter((f): f is FileRef => !!f && typeof f === "object" && typeof (f as FileRef).key === "string");
}

export function formatBytes(bytes: number | undefined | null): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "";
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let n = bytes / 1024;
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

/** The download address of a stored file. */
export function fileUrl(key: string): string {
  return `/api/files/${encodeURIComponent(key)}`;
}

export function isImage(file: FileRef): boolean {
  return !!file.content_type && /^image\/(png|jpeg|webp|gif)$/.test(file.content_type);
}

// -- comparison -------------------------------------------------------------------------

/** Structural equality of JSON values; references compare by id, decimals by value. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (isEmptyValue(a) && isEmptyValue(b)) return true;
  const ra = refId(a);
  const rb = refId(b);
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    if ("id" in (a as object) && "id" in (b as object) && ("title" in (a as object) || "title" in (b as object))) return String(ra) === String(rb);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  if ((typeof a === "object" && a !== null && !Array.isArray(a)) !== (typeof b === "object" && b !== null && !Array.isArray(b))) {
    return ra !== null && rb !== null && String(ra) === String(rb);
  }
  const na = typeof a === "string" || typeof a === "number" ? toNumber(a) : null;
  const nb = typeof b === "string" || typeof b === "number" ? toNumber(b) : null;
  const decimal = (v: unknown) => typeof v === "number" || (typeof v === "string" && /^-?\d+\.\d+$/.test(v));
  if (na !== null && nb !== null && decimal(a) && decimal(b)) return na === nb;
  return a === b;
}

// -- buttons ------------------------------------------------------------------------------------

/**
 * A button's link with `{field}` placeholders filled from the record, URL-encoded. Only
 * http(s) addresses and paths of this site come out; anything else gives null.
 */
export function fillUrlTemplate(template: string, values: Record<string, unknown>): string | null {
  const filled = template.replace(/\{([a-z][a-z0-9_]{0,47})\}/g, (_m, key: string) => {
    const v = values[key];
    if (v === null || v === undefined) return "";
    const text = typeof v === "object" ? String(refId(v) ?? "") : String(v);
    return encodeURIComponent(text);
  });
  const lower = filled.toLowerCase();
  if (lower.startsWith("https://") || lower.startsWith("http://")) return filled;
  if (filled.startsWith("/") && !filled.startsWith("//") && !filled.startsWith("/\\")) return filled;
  return null;
}
