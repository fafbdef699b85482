// Computed fields: formula, lookup, rollup and auto-number. The platform derives them, so a
// form shows their value (recomputed live for formulas where the server can) and never asks.
import { CalculatorOutlined, FieldNumberOutlined, FunctionOutlined, SearchOutlined } from "@ant-design/icons";
import { Input, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { registerFieldType } from "./index";
import { ORDERED_OPS, TEXT_OPS } from "./operators";
import { currentLang, EmptyCell, makeFilter, plainText, useLang } from "./shared";
import type { CellProps, FieldDef, InputProps } from "./types";
import { formatNumber, isEmptyValue, opt } from "./values";

/** A derived value as text: decimals with the field's precision, lists joined, the rest as is. */
export function computedText(field: FieldDef, value: unknown, lang: string): string {
  if (isEmptyValue(value)) return "";
  const precision = opt<number | null>(field, "precision", null);
  if (typeof value === "number" || (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value))) {
    const decimals = precision ?? (String(value).split(".")[1]?.length ?? 0);
    return formatNumber(value, { precision: Math.min(decimals, 8), thousands: true, lang });
  }
  if (typeof value === "boolean") return value ? "\u2713" : "\u2717";
  const t = (k: string) => (k === "fields.yes" ? "\u2713" : k === "fields.no" ? "\u2717" : ", ");
  return plainText(value, t);
}

function ComputedCell({ field, value, mode }: CellProps) {
  const lang = useLang();
  const text = computedText(field, value, lang);
  if (!text) return <EmptyCell mode={mode} />;
  return <Typography.Text ellipsis={mode === "compact"}>{text}</Typography.Text>;
}

/** In a form: the value, read-only, in a box shaped like an input so the layout stays even. */
function ComputedInput({ field, value, id }: InputProps) {
  const lang = useLang();
  const text = computedText(field, value, lang);
  return (
    <div
      id={id}
      role="status"
      aria-live="polite"
      className="qq-computed"
      style={{ minHeight: 32, padding: "4px 11px", background: "rgba(0,0,0,0.02)", border: "1px dashed #d9d9d9", borderRadius: 6 }}
    >
      {text || <Typography.Text type="secondary">{"\u2014"}</Typography.Text>}
    </div>
  );
}

function TextOperand({ value, onChange }: InputProps) {
  return <OperandBox value={value} onChange={onChange} />;
}

function OperandBox({ value, onChange }: { value: unknown; onChange: (v: unknown) => void }) {
  const { t } = useTranslation();
  return (
    <Input
      aria-label={t("fields.filter.value")}
      value={value === null || value === undefined ? "" : String(value)}
      onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}
    />
  );
}

const base = { Input: ComputedInput, Cell: ComputedCell, role: "computed" as const, text: (f: FieldDef, v: unknown) => computedText(f, v, currentLang()) };
const SCALAR_OPS = ["eq", "ne", "in", "not_in", "empty", "not_empty"];

registerFieldType({ type: "formula", icon: <FunctionOutlined />, operators: SCALAR_OPS, summable: true, Filter: makeFilter({ Input: () => null, One: TextOperand }), ...base });
registerFieldType({ type: "lookup", icon: <SearchOutlined />, operators: SCALAR_OPS, Filter: makeFilter({ Input: () => null, One: TextOperand }), ...base });
registerFieldType({ type: "rollup", icon: <CalculatorOutlined />, operators: ORDERED_OPS, Filter: makeFilter({ Input: () => null, One: TextOperand }), summable: true, ...base });
registerFieldType({ type: "autonumber", icon: <FieldNumberOutlined />, operators: TEXT_OPS, Filter: makeFilter({ Input: () => null, One: TextOperand }), ...base });

