// The values a form starts with and the values it sends.
import type { FieldDef, FieldTypeUI } from "../../registries/fields/types";
import { sameValue } from "../../registries/fields/values";

/** Static defaults for a new record; given values win. Formula and linkage defaults are the server's. */
export function initialValues(fields: FieldDef[], given: Record<string, unknown> | undefined, creating: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (given && f.key in given) out[f.key] = given[f.key];
    else if (creating && f.default?.value !== undefined && f.default.value !== null) out[f.key] = f.default.value;
  }
  return out;
}

/** What the form needs to know of a type here: its role and its conversion to input. */
export type UiOf = (type: string) => Pick<FieldTypeUI, "role" | "toInput">;

/** A value as the records API takes it (the type's own `toInput`, else unchanged). */
export function toInput(field: FieldDef, value: unknown, uiOf: UiOf): unknown {
  if (value === undefined) return null;
  const convert = uiOf(field.type).toInput;
  return convert ? convert(field, value) : value;
}

/**
 * What to send: the fields this person may write and sees. A new record sends every such
 * field that has a value; an edit sends only what changed since it was loaded.
 */
export function submittable(
  fields: FieldDef[],
  values: Record<string, unknown>,
  options: {
    uiOf: UiOf;
    writable: (field: FieldDef) => boolean;
    shown: (key: string) => boolean;
    base?: Record<string, unknown>;
  },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if ((options.uiOf(f.type).role ?? "value") !== "value" || !options.writable(f) || !options.shown(f.key)) continue;
    if (!(f.key in values)) continue;
    const value = values[f.key];
    if (options.base) {
      if (sameValue(options.base[f.key], value)) continue;
    } else if (value === null || value === undefined) continue;
    out[f.key] = toInput(f, value, options.uiOf);
  }
  return out;
}
