// Numbers: plain numbers with unit, money with currency, percentages, and star ratings.
import { DollarOutlined, NumberOutlined, PercentageOutlined, StarOutlined } from "@ant-design/icons";
import { InputNumber, Rate, Select } from "antd";
import { useTranslation } from "react-i18next";
import { registerFieldType } from "./index";
import { ORDERED_OPS } from "./operators";
import { currentLang, makeFilter, textCell, validator } from "./shared";
import type { FieldDef, InputProps } from "./types";
import { checkNumber, checkRating } from "./validation";
import { formatMoney, formatNumber, formatPercent, groupThousands, opt, toNumber } from "./values";

const SYMBOL: Record<string, string> = { CNY: "\u00a5", USD: "$", EUR: "\u20ac", HKD: "HK$", JPY: "\u00a5", GBP: "\u00a3" };

function decimalValue(value: unknown): string | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  return typeof value === "number" ? String(value) : String(value);
}

function NumberBox({
  id, value, onChange, disabled, precision, prefix, suffix, grouping, min, max,
}: InputProps & { precision: number; prefix?: string; suffix?: string; grouping: boolean; min?: string; max?: string }) {
  return (
    <InputNumber<string>
      id={id}
      stringMode
      style={{ width: "100%" }}
      value={decimalValue(value)}
      onChange={(v) => onChange(v === null || v === "" ? null : v)}
      disabled={disabled}
      precision={precision}
      min={min}
      max={max}
      prefix={prefix}
      suffix={suffix}
      formatter={grouping ? groupThousands : undefined}
      parser={grouping ? (v) => (v ?? "").replace(/,/g, "") : undefined}
    />
  );
}

const bound = (field: FieldDef, key: string) => {
  const n = toNumber(field.options?.[key]);
  return n === null ? undefined : String(n);
};

function NumberInput(props: InputProps) {
  const f = props.field;
  return (
    <NumberBox
      {...props}
      precision={opt(f, "precision", 0)}
      suffix={opt<string | null>(f, "unit", null) ?? undefined}
      grouping={opt(f, "thousands_separator", true)}
      min={bound(f, "min")}
      max={bound(f, "max")}
    />
  );
}

function MoneyInput(props: InputProps) {
  const f = props.field;
  const currency = opt(f, "currency", "CNY");
  return (
    <NumberBox
      {...props}
      precision={opt(f, "precision", 2)}
      prefix={SYMBOL[currency] ?? currency}
      grouping
      min={bound(f, "min")}
      max={bound(f, "max")}
    />
  );
}

function PercentInput(props: InputProps) {
  const f = props.field;
  return <NumberBox {...props} precision={opt(f, "precision", 2)} suffix="%" grouping={false} min={bound(f, "min")} max={bound(f, "max")} />;
}

const numberText = (f: FieldDef, v: unknown, lang: string) =>
  formatNumber(v, { precision: opt(f, "precision", 0), thousands: opt(f, "thousands_separator", true), unit: opt<string | null>(f, "unit", null), lang });
const moneyText = (f: FieldDef, v: unknown, lang: string) => formatMoney(v, { currency: opt(f, "currency", "CNY"), precision: opt(f, "precision", 2), lang });
const percentText = (f: FieldDef, v: unknown, lang: string) => formatPercent(v, { precision: opt(f, "precision", 2), lang });

const numeric = { operators: ORDERED_OPS, validate: validator(checkNumber), summable: true };

registerFieldType({
  type: "number",
  icon: <NumberOutlined />,
  Input: NumberInput,
  Cell: textCell(numberText),
  Filter: makeFilter({ Input: NumberInput }),
  text: (f, v) => numberText(f, v, currentLang()),
  ...numeric,
});

registerFieldType({
  type: "money",
  icon: <DollarOutlined />,
  Input: MoneyInput,
  Cell: textCell(moneyText),
  Filter: makeFilter({ Input: MoneyInput }),
  text: (f, v) => moneyText(f, v, currentLang()),
  ...numeric,
});

registerFieldType({
  type: "percent",
  icon: <PercentageOutlined />,
  Input: PercentInput,
  Cell: textCell(percentText),
  Filter: makeFilter({ Input: PercentInput }),
  text: (f, v) => percentText(f, v, currentLang()),
  ...numeric,
});

function RatingInput({ field, value, onChange, disabled, id }: InputProps) {
  const n = toNumber(value);
  return (
    <Rate
      id={id}
      count={opt(field, "max", 5)}
      value={n ?? 0}
      onChange={(v) => onChange(v ? v : null)}
      disabled={disabled}
      character={opt(field, "icon", "star") === "heart" ? "\u2665" : undefined}
    />
  );
}

function RatingFilterOne({ field, value, onChange }: InputProps) {
  const { t } = useTranslation();
  const top = opt(field, "max", 5);
  return (
    <Select
      aria-label={t("fields.filter.value")}
      style={{ minWidth: 100 }}
      value={toNumber(value) ?? undefined}
      onChange={(v) => onChange(v)}
      options={Array.from({ length: top }, (_, i) => ({ value: i + 1, label: "\u2605".repeat(i + 1) }))}
    />
  );
}

function RatingCell({ field, value, mode }: { field: FieldDef; value: unknown; mode: "compact" | "full" }) {
  const n = toNumber(value);
  if (!n) return mode === "full" ? <span>-</span> : null;
  return <Rate disabled count={opt(field, "max", 5)} value={n} style={{ fontSize: mode === "compact" ? 12 : 16 }} />;
}

registerFieldType({
  type: "rating",
  icon: <StarOutlined />,
  Input: RatingInput,
  Cell: RatingCell,
  operators: ORDERED_OPS,
  Filter: makeFilter({ Input: RatingInput, One: RatingFilterOne }),
  validate: validator(checkRating),
  text: (_f, v) => (toNumber(v) ? "\u2605".repeat(toNumber(v)!) : ""),
});
