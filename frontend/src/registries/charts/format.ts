// The client half of the server's number formats (engines/report/charts/base.py `format_number`):
// data labels arrive formatted, but ECharts formats axes and tooltips with functions, which JSON
// cannot carry — so `qq.format` names the format and this module turns it into functions. Digits
// are grouped per locale; 万/亿 are the units of the `wan` style in every language, as on the server.
import type { EChartsLikeOption, NumberFormat } from "./types";

export const CURRENCY_SYMBOLS: Record<string, string> = {
  CNY: "¥",
  USD: "$",
  EUR: "€",
  GBP: "£",
  JPY: "¥",
  HKD: "HK$",
};

export const DEFAULT_FORMAT: NumberFormat = { style: "number", decimals: null, currency: "CNY", suffix: "" };

const formatters = new Map<string, Intl.NumberFormat>();

function digits(value: number, decimals: number, locale: string): string {
  const key = `${locale}|${decimals}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    formatters.set(key, f);
  }
  return f.format(value);
}

/** A number as the format says: `1.23万`, `45.0%`, `¥1,234.00`, `-`; the same text the server writes. */
export function formatNumber(
  value: unknown,
  format: Partial<NumberFormat> | undefined,
  locale = "zh-CN",
): string {
  const fmt = { ...DEFAULT_FORMAT, ...(format ?? {}) };
  if (value === null || value === undefined || value === "") return "-";
  const number = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(number)) return "-";
  const given = fmt.decimals ?? null;
  const plain = given ?? (Number.isInteger(number) && fmt.style !== "percent" ? 0 : 2);
  let text: string;
  if (fmt.style === "percent") {
    text = `${digits(number * 100, given ?? 1, locale)}%`;
  } else if (fmt.style === "wan") {
    const unit = Math.abs(number) >= 1e8 ? ([1e8, "亿"] as const) : Math.abs(number) >= 1e4 ? ([1e4, "万"] as const) : null;
    text = unit ? `${digits(number / unit[0], given ?? 2, locale)}${unit[1]}` : digits(number, plain, locale);
  } else if (fmt.style === "currency") {
    const symbol = CURRENCY_SYMBOLS[fmt.currency] ?? `${fmt.currency} `;
    text = `${number < 0 ? "-" : ""}${symbol}${digits(Math.abs(number), given ?? 2, locale)}`;
  } else {
    text = digits(number, plain, locale);
  }
  return text + (fmt.suffix ?? "");
}

/** An axis tick without zeros that say nothing: 15.00万 → 15万, 2.50万 → 2.5万, 12.0% → 12%. */
export function trimZeros(text: string): string {
  return text.replace(/\.(\d*?)0+(?=\D*$)/, (_, kept: string) => (kept ? `.${kept}` : ""));
}

type Axis = Record<string, unknown>;

const shrink = (r: unknown) => (typeof r === "string" && /^\d+%$/.test(r) ? `${Math.round(parseInt(r, 10) * 0.75)}%` : r);

/**
 * A pie whose slices carry outer labels gets a smaller radius and its labels lined up at the
 * edges, so they fit beside it in a narrow widget instead of being cut to "…".
 */
function roomForPieLabels(series: Record<string, unknown>): Record<string, unknown> {
  if (!series || series.type !== "pie" || !Array.isArray(series.data)) return series;
  const labelled = series.data.some((d) => (d as { label?: { show?: boolean } })?.label?.show);
  if (!labelled) return series;
  const radius = Array.isArray(series.radius) ? series.radius.map(shrink) : shrink(series.radius ?? "70%");
  return { ...series, radius, label: { alignTo: "edge", edgeDistance: 6, overflow: "none", ...((series.label as object) ?? {}) } };
}

function formatAxes(axes: unknown, format: (v: unknown) => string): unknown {
  const one = (axis: Axis) =>
    axis && axis.type === "value"
      ? { ...axis, axisLabel: { ...((axis.axisLabel as object) ?? {}), formatter: format } }
      : axis;
  if (Array.isArray(axes)) return axes.map(one);
  return axes && typeof axes === "object" ? one(axes as Axis) : axes;
}

/**
 * The server's option, ready for ECharts: value axes and tooltips formatted by `qq.format`,
 * animations off for print. The `qq` part stays (ECharts ignores unknown keys).
 */
export function withFormatters(option: EChartsLikeOption, locale: string, print = false): EChartsLikeOption {
  const fmt = option.qq?.format;
  const format = (v: unknown) => formatNumber(v, fmt, locale);
  const tick = (v: unknown) => (fmt?.decimals == null ? trimZeros(format(v)) : format(v));
  const out: EChartsLikeOption = { ...option };
  if ("xAxis" in out) out.xAxis = formatAxes(out.xAxis, tick);
  if ("yAxis" in out) out.yAxis = formatAxes(out.yAxis, tick);
  if (out.tooltip && typeof out.tooltip === "object") {
    out.tooltip = { confine: true, ...(out.tooltip as object), valueFormatter: format };
  }
  if (Array.isArray(out.series)) {
    out.series = out.series.map((series: Record<string, unknown>) =>
      series?.type === "gauge"
        ? { ...series, axisLabel: { ...((series.axisLabel as object) ?? {}), formatter: tick } }
        : roomForPieLabels(series));
  }
  if (print) out.animation = false;
  return out;
}
