// Small display helpers shared by pages.
import dayjs from "dayjs";
import type { TFunction } from "i18next";
import type { RoleRef } from "../api/types";

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "";
  const d = dayjs(value);
  return d.isValid() ? d.format("YYYY-MM-DD HH:mm") : value;
}

export const BUILTIN_ROLE_KEYS = ["admin", "builder", "member"] as const;

/** Builtin roles are named in the reader's language; others as their admin named them. */
export function roleName(t: TFunction, role: Pick<RoleRef, "key" | "name">): string {
  return (BUILTIN_ROLE_KEYS as readonly string[]).includes(role.key)
    ? t(`roles.builtin.${role.key}`)
    : role.name;
}

/** A known audit action in the reader's language; an unknown one exactly as stored. */
export function auditActionName(t: TFunction, action: string): string {
  const label = t(`audit.actions.${action}`, { defaultValue: action, returnObjects: true });
  return typeof label === "string" ? label : action;
}

/** The `next` target after sign-in, only ever a path on this site. */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (next === "/login" || next.startsWith("/login?")) return "/";
  return next;
}
