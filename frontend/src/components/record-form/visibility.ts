// Whether each field shows: hidden by the definition or by the reader's field rights never;
// with a `visible_when` rule, as the server last evaluated it for the values being edited
// (shown until it answers, as the server itself treats a rule that cannot be evaluated).
import type { FieldDef } from "../../registries/fields/types";

export type FieldAccess = Record<string, "hidden" | "read_only" | "editable">;

export function hasRules(fields: FieldDef[]): boolean {
  return fields.some((f) => !!f.visible_when);
}

export function isShown(field: FieldDef, access: FieldAccess | undefined, visible: Record<string, boolean>): boolean {
  if (field.hidden) return false;
  if (access && (access[field.key] ?? "editable") === "hidden") return false;
  if (field.visible_when && visible[field.key] === false) return false;
  return true;
}

export function isEditable(field: FieldDef, access: FieldAccess | undefined, computed: boolean): boolean {
  if (computed || field.read_only) return false;
  return !access || (access[field.key] ?? "editable") === "editable";
}

/**
 * The keys shown, with sections and tabs carrying their fields: a hidden section hides the
 * fields after it up to the next section or tab; a hidden tab hides its whole tab.
 */
export function shownKeys(
  fields: FieldDef[],
  roleOf: (type: string) => string,
  access: FieldAccess | undefined,
  visible: Record<string, boolean>,
): Set<string> {
  const out = new Set<string>();
  let tabShown = true;
  let sectionShown = true;
  for (const f of fields) {
    const role = roleOf(f.type);
    const own = isShown(f, access, visible);
    if (role === "tab") {
      tabShown = own;
      sectionShown = true;
    } else if (role === "section") {
      sectionShown = own;
    }
    if (own && tabShown && (sectionShown || role === "section" || role === "tab")) out.add(f.key);
  }
  return out;
}
