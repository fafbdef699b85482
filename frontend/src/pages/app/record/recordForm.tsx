// The record form the record pages render (components/record-form), and the per-field access
// it takes: a field the gate's answer leaves out is hidden.
import type { MyPermissions, RuntimeForm } from "../../../api/records";
import type { FieldAccess } from "../../../components/record-form/RecordForm";

export { RecordForm as RecordFormView } from "../../../components/record-form/RecordForm";

export function accessFor(perms: MyPermissions | undefined, form: RuntimeForm | null | undefined): FieldAccess | undefined {
  if (!perms || !form) return undefined;
  return Object.fromEntries(form.fields.map((f) => [f.key, perms.fields[f.key] ?? "hidden"]));
}
