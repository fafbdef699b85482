// The records API's filter operators (engines/form/operators.py) and the shape of the value
// each takes, so one filter builder serves every field type.

export const EMPTY_OPS = ["empty", "not_empty"] as const;
export const TEXT_OPS = ["eq", "ne", "contains", "not_contains", "starts_with", "ends_with", "in", "not_in", ...EMPTY_OPS];
export const ORDERED_OPS = ["eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", ...EMPTY_OPS];
export const LIST_OPS = ["has_any", "has_all", "has_none", ...EMPTY_OPS];
export const REF_OPS = ["eq", "ne", "in", "not_in", ...EMPTY_OPS];
export const BOOLEAN_OPS = ["eq", "ne", ...EMPTY_OPS];
export const CHOICE_OPS = ["eq", "ne", "in", "not_in", ...EMPTY_OPS];
export const CONTACT_OPS = ["eq", "ne", "in", "not_in", "contains", "not_contains", "starts_with", "ends_with", ...EMPTY_OPS];
export const ID_CARD_OPS = ["eq", "ne", "in", "not_in", "starts_with", "ends_with", ...EMPTY_OPS];
export const RICH_TEXT_OPS = ["contains", "not_contains", ...EMPTY_OPS];
export const ALL_OPS = [
  "eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "not_in", "contains", "not_contains",
  "starts_with", "ends_with", "has_any", "has_all", "has_none", "within", "empty", "not_empty",
] as const;

/**
 * What an operator's value is: nothing (empty), one value of the field, a list of values,
 * a [low, high] pair, a fragment of text, or a division (address `within`).
 */
export type OperandShape = "none" | "one" | "many" | "range" | "fragment" | "division";

export function operandShape(op: string): OperandShape {
  switch (op) {
    case "empty":
    case "not_empty":
      return "none";
    case "in":
    case "not_in":
    case "has_any":
    case "has_all":
    case "has_none":
      return "many";
    case "between":
      return "range";
    case "contains":
    case "not_contains":
    case "starts_with":
    case "ends_with":
      return "fragment";
    case "within":
      return "division";
    default:
      return "one";
  }
}

/** The translation key naming an operator (`t(operatorKey(op))`). */
export function operatorKey(op: string): string {
  return `fields.ops.${op}`;
}

/** Whether a condition is complete enough to send: an operand where the operator needs one. */
export function conditionReady(op: string, value: unknown): boolean {
  const shape = operandShape(op);
  if (shape === "none") return true;
  if (shape === "many") return Array.isArray(value) && value.length > 0;
  if (shape === "range") return Array.isArray(value) && value.length === 2 && value.every((v) => v !== null && v !== undefined && v !== "");
  return value !== null && value !== undefined && value !== "";
}
