// The formula editor, shared by the form, flow and report designers.
export { FormulaEditor } from "./FormulaEditor";
export type { FormulaEditorProps } from "./FormulaEditor";
export type { FieldOption } from "./tokenizer";
