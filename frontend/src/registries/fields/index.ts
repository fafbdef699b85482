// Field types on the client, keyed by the same type strings as the server's field-type
// registry (engines/form); a test checks that both sides list the same keys.
//
// Each type lives in its own module under `registries/fields/` and registers one FieldTypeUI
// (types.ts): input widget, display cell, filter operators and value input, client validation,
// optionally its own designer panel. The designer preview and the runtime form are the same
// renderer. Nothing outside this folder switches on type names.
import type { FieldTypeUI } from "./types";

export type * from "./types";

const registry = new Map<string, FieldTypeUI>();

export function registerFieldType(ui: FieldTypeUI): void {
  if (registry.has(ui.type)) throw new Error(`field type '${ui.type}' registered twice`);
  registry.set(ui.type, ui);
}

export const fieldTypes: ReadonlyMap<string, FieldTypeUI> = registry;

/** The UI of a type; an unknown type (a newer server) gets the plain-text fallback. */
export function fieldUI(type: string): FieldTypeUI {
  const ui = registry.get(type) ?? registry.get("text");
  if (!ui) throw new Error("the field registry is empty: import registries/fields/all first");
  return ui;
}
