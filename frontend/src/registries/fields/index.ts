// Field types on the client, keyed by the same type strings as the server's field-type
// registry (engines/form); a test will check that both sides list the same keys.
//
// Plan: each type lives in its own folder, `registries/fields/<type>/`, and brings four
// pieces that every screen composes, so the designer preview and the runtime form are
// the same renderer:
//   - designer panel: the property editor for the type's options in the form designer
//   - input widget:   the control in forms (create, edit, fill-in tasks)
//   - display cell:   how a value reads in lists, detail views and kanban cards
//   - filter widget:  the operators and value inputs of list filters and report filters
// plus its zh-CN and English display name and a one-line description for the palette.
// Nothing outside this folder switches on type names.
import type { ComponentType } from "react";

export interface FieldTypeUI {
  type: string;
  DesignerPanel: ComponentType<never>;
  InputWidget: ComponentType<never>;
  DisplayCell: ComponentType<never>;
  FilterWidget: ComponentType<never>;
}

export const fieldTypes: ReadonlyMap<string, FieldTypeUI> = new Map();
