// Client-side checks that mirror the server's field types (engines/form/types/*.py), so a
// person sees a mistake as they type. The server checks again and has the last word; these
// return a translation key (under `fields.errors.`) with its parameters, or null.
import type { FieldDef } from "./types";
import { fileRefs, isEmptyValue, opt, refIds, toNumber } from "./values";

export interface Problem {
  key: string;
  params?: Record<string, unknown>;
}

const problem = (key: string, params?: Record<string, unknown>): Problem => ({ key, params });

// -- text ---------------------------------------------------------------------------------

/** A builder's pattern (Python `re` syntax, nearly always plain) tested as a whole match. */
export function fullMatch(pattern: string, text: string): boolean | null {
  try {
    return new RegExp(`^(?:${pattern})$`, "u").test(text);
  } catch {
    return null; // a construct JavaScript lacks: the server decides
  }
}

export function checkText(field: FieldDef, value: unknown, multiline: boolean): Problem | null {
  if (isEmptyValue(value)) return null;
  if (typeof value !== "string") return problem("notText");
  const text = multiline ? value : value.trim();
  if (!multiline && /[\r\n]/.test(text)) return problem("singleLine");
  if (!text) return null;
  const max = opt<number>(field, "max_length", multiline ? 5000 : 200);
  const min = opt<number | null>(field, "min_length", null);
  const length = [...text].length;
  if (length > max) return problem("tooLong", { max });
  if (min && length < min) return problem("tooShort", { min });
  const pattern = opt<string | null>(field, "pattern", null);
  if (pattern && fullMatch(pattern, text) === false) return problem("pattern");
  return null;
}

// -- numbers --------------------------------------------------------------------------------

export function checkNumber(field: FieldDef, value: unknown): Problem | null {
  if (isEmptyValue(value)) return null;
  const n = toNumber(value);
  if (n === null) return problem("notNumber");
  const min = toNumber(field.options?.min);
  const max = toNumber(field.options?.max);
  if (min !== null && n < min) return problem("tooSmall", { min });
  if (max !== null && n > max) return problem("tooLarge", { max });
  return null;
}

export function checkRating(field: FieldDef, value: unknown): Problem | null {
  if (isEmptyValue(value)) return null;
  const n = toNumber(value);
  const top = opt<number>(field, "max", 5);
  if (n === null || !Number.isInteger(n) || n < 1 || n > top) return problem("stars", { max: top });
  return null;
}

// -- dates ----------------------------------------------------------------------------------

export function checkDate(field: FieldDef, value: unknown): Problem | null {
  if (isEmptyValue(value)) return null;
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(value)) return problem("notDate");
  const day = value.slice(0, 10);
  const min = opt<string | null>(field, "min", null);
  const max = opt<string | null>(field, "max", null);
  if (min && day < min) return problem("tooEarly", { min });
  if (max && day > max) return problem("tooLate", { max });
  return null;
}

export function checkTime(value: unknown): Problem | null {
  if (isEmptyValue(value)) return null;
  if (typeof value !== "string" || !/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(value)) return problem("notTime");
  return null;
}

// -- contact --------------------------------------------------------------------------------

const MOBILE = /^1[3-9]\d{9}$/;
const LANDLINE = /^(0(?:10|2\d|[3-9]\d{2}))(\d{7,8})$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const EXTENSION = /^(.*?)\s*(?:\u8f6c|\u5206\u673a|ext\.?|x|#)\s*(\d{1,6})$/i;
const SEPARATORS = /[\s\-()\uff08\uff09.\u00b7]/g;

export type PhoneKind = "mobile" | "landline" | "international";

/** The server's normalise_phone: the kind and the stored form, or null when not a phone. */
export function normalisePhone(input: string): [PhoneKind, string] | null {
  let text = input.trim();
  let extension: string | null = null;
  const split = EXTENSION.exec(text);
  if (split) {
    text = split[1];
    extension = split[2];
  }
  let compact = text.replace(SEPARATORS, "");
  let china = false;
  for (const prefix of ["+86", "0086"]) {
    if (compact.startsWith(prefix)) {
      compact = compact.slice(prefix.length);
      china = true;
    }
  }
  if (!china && (compact.startsWith("+") || compact.startsWith("00"))) {
    const number = "+" + compact.slice(compact.startsWith("+") ? 1 : 2);
    return E164.test(number) && extension === null ? ["international", number] : null;
  }
  if (!china && /^861[3-9]\d{9}$/.test(compact)) compact = compact.slice(2);
  if (MOBILE.test(compact)) return extension === null ? ["mobile", compact] : null;
  if (china && !compact.startsWith("0")) compact = "0" + compact;
  if (!LANDLINE.test(compact) && extension === null) {
    const tail = /[-\s]+(\d{1,6})$/.exec(text);
    if (tail && LANDLINE.test(compact.slice(0, -tail[1].length))) {
      compact = compact.slice(0, -tail[1].length);
      extension = tail[1];
    }
  }
  const m = LANDLINE.exec(compact);
  if (m) return ["landline", `${m[1]}-${m[2]}` + (extension ? `-${extension}` : "")];
  return null;
}

export function checkPhone(field: FieldDef, value: unknown): Problem | null {
  if (isEmptyValue(value) || (typeof value === "string" && !value.trim())) return null;
  if (typeof value !== "string" || value.length > 40) return problem("notPhone");
  const found = normalisePhone(value);
  if (!found) return problem("notPhone");
  const kinds = opt<PhoneKind[]>(field, "kinds", ["mobile", "landline", "international"]);
  if (!kinds.includes(found[0])) return problem(`phoneKind.${found[0]}`);
  return null;
}

const PLAIN_EMAIL =
  /^[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$/;

export function checkEmail(field: FieldDef, value: unknown): Problem | null {
  if (isEmptyValue(value)) return null;
  if (typeof value !== "string") return problem("notEmail");
  const text = value.trim();
  if (!text) return null;
  // ASCII addresses take the server's strict pattern; others (internationalised) it checks itself.
  const ascii = /^[\x20-\x7e]*$/.test(text);
  if (ascii && (!PLAIN_EMAIL.test(text) || text.includes(".."))) return problem("notEmail");
  if (!ascii && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text)) return problem("notEmail");
  const domains = opt<string[]>(field, "domains", []).map((d) => d.toLowerCase().replace(/^@/, ""));
  const domain = text.slice(text.lastIndexOf("@") + 1).toLowerCase();
  if (domains.length && !domains.includes(domain)) return problem("emailDomain", { domains: domains.join(", ") });
  return null;
}

const BARE_HOST = /^(?:[\w-]+\.)+[a-z]{2,63}(?::\d{1,5})?(?:[/?#]\S*)?$/i;

/** The server's normalise_url: http(s) only; "www.example.com" gets https://. */
export function normaliseUrl(input: string): string | null {
  let text = input.trim();
  if (!text || text.length > 2048 || text.includes("\\") || [...text].some((ch) => ch.charCodeAt(0) < 0x21 || ch.charCodeAt(0) === 0x7f)) {
    return null;
  }
  if (!/^https?:\/\//i.test(text)) {
    if (!BARE_HOST.test(text)) return null;
    text = "https://" + text;
  }
  try {
    const url = new URL(text);
    if (!/^https?:$/.test(url.protocol) || !url.hostname || url.username || url.password) return null;
    return url.toString();
  } catch {
    return null;
  }
}

export function checkUrl(value: unknown): Problem | null {
  if (isEmptyValue(value)) return null;
  if (typeof value !== "string" || normaliseUrl(value) === null) return problem("notUrl");
  return null;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";
/** Province codes of GB/T 2260 (with Taiwan, Hong Kong and Macao), as the server knows them. */
export const PROVINCE_CODES = new Set([
  "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
  "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
  "71", "81", "82",
]);

export function idCardCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

export function checkIdCard(value: unknown): Problem | null {
  if (isEmptyValue(value)) return null;
  const number = String(value).replace(/\s/g, "").toUpperCase();
  if (!number) return null;
  if (!/^\d{17}[\dX]$/.test(number)) return problem("idCardShape");
  if (!PROVINCE_CODES.has(number.slice(0, 2))) return problem("idCardRegion");
  const y = Number(number.slice(6, 10));
  const m = Number(number.slice(10, 12));
  const d = Number(number.slice(12, 14));
  const born = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) {
    return problem("idCardBirth");
  }
  if (idCardCheckCharacter(number.slice(0, 17)) !== number[17]) return problem("idCardCheck");
  return null;
}

// -- lists, files, places ---------------------------------------------------------------------

export function checkCount(field: FieldDef, value: unknown): Problem | null {
  const max = opt<number | null>(field, "max_count", null);
  const count = refIds(value).length;
  if (max !== null && count > max) return problem("tooMany", { max });
  return null;
}

/** `accept` as in HTML (`.pdf`, `image/*`, `application/pdf`); empty accepts anything. */
export function accepts(accept: string[], name: string | undefined, contentType: string | undefined): boolean {
  if (!accept.length) return true;
  const lower = (name ?? "").toLowerCase();
  if (accept.some((p) => p.startsWith(".") && lower.endsWith(p))) return true;
  return !!contentType && accept.some((p) => !p.startsWith(".") && (p === contentType || (p.endsWith("/*") && contentType.startsWith(p.slice(0, -1)))));
}

export interface FileLimits {
  maxFiles: number;
  maxSize: number;
  accept: string[];
}

export function fileLimits(field: FieldDef): FileLimits {
  if (field.type === "signature") return { maxFiles: 1, maxSize: 2 * 1024 * 1024, accept: ["image/png"] };
  const image = field.type === "image";
  return {
    maxFiles: opt<number>(field, "max_files", image ? 9 : 10),
    maxSize: opt<number>(field, "max_size", (image ? 10 : 20) * 1024 * 1024),
    accept: opt<string[]>(field, "accept", image ? ["image/jpeg", "image/png", "image/webp", "image/gif"] : []),
  };
}

/** Whether a file may be added before it is uploaded: its type and size against the limits. */
export function checkUpload(limits: FileLimits, file: { name: string; size: number; type: string }): Problem | null {
  if (file.size > limits.maxSize) return problem("fileTooLarge", { max: Math.floor(limits.maxSize / 1024) });
  if (!accepts(limits.accept, file.name, file.type || undefined)) return problem("fileType", { accept: limits.accept.join(", ") });
  return null;
}

export function checkFiles(field: FieldDef, value: unknown): Problem | null {
  const files = fileRefs(value);
  const limits = fileLimits(field);
  if (files.length > limits.maxFiles) return problem("tooManyFiles", { max: limits.maxFiles });
  for (const f of files) {
    if (f.size !== undefined && f.size > limits.maxSize) return problem("fileTooLarge", { max: Math.floor(limits.maxSize / 1024) });
    if (!accepts(limits.accept, f.name, f.content_type)) return problem("fileType", { accept: limits.accept.join(", ") });
  }
  return null;
}

export function checkLocation(value: unknown): Problem | null {
  if (isEmptyValue(value)) return null;
  if (typeof value !== "object" || value === null) return problem("notLocation");
  const { lat, lng, label } = value as { lat?: unknown; lng?: unknown; label?: unknown };
  const la = toNumber(lat);
  const ln = toNumber(lng);
  if (la === null || ln === null) return problem("notLocation");
  if (la < -90 || la > 90) return problem("latRange");
  if (ln < -180 || ln > 180) return problem("lngRange");
  if (label !== undefined && label !== null && (typeof label !== "string" || label.length > 200)) return problem("placeName");
  return null;
}

export function checkAddress(field: FieldDef, value: unknown): Problem | null {
  if (isEmptyValue(value)) return null;
  if (typeof value !== "object" || value === null) return problem("notAddress");
  const v = value as Record<string, unknown>;
  const level = opt<string>(field, "level", "district");
  const depth = ["province", "city", "district", "street"].indexOf(level) + 1;
  const code = typeof v.code === "string" ? v.code : "";
  const named = ["province", "city", "district", "street"].slice(0, depth).every((k) => typeof v[k] === "string" && v[k]);
  if (!code && !named) return problem("addressLevel");
  if (code && codeDepth(code) < depth) return problem("addressLevel");
  if (typeof v.detail === "string" && v.detail.length > 200) return problem("addressDetail");
  return null;
}

/** How many levels a division code names: 44 → 1, 4403/440300 → 2, 440305 → 3, 440305007 → 4. */
export function codeDepth(code: string): number {
  if (code.length >= 9) return 4;
  if (code.length === 6 && code.endsWith("0000")) return 1;
  if (code.length === 6 && code.endsWith("00")) return 2;
  return code.length === 6 ? 3 : code.length === 4 ? 2 : code.length === 2 ? 1 : 0;
}

export function checkRows(field: FieldDef, value: unknown): Problem | null {
  if (!Array.isArray(value)) return null; // no rows given at all: "required" decides
  const rows = value.length;
  const min = opt<number>(field, "min_rows", 0);
  const max = opt<number>(field, "max_rows", 500);
  if (rows < min) return problem("tooFewRows", { min });
  if (rows > max) return problem("tooManyRows", { max });
  return null;
}
