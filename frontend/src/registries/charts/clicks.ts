// A click on a chart → the values of the report's dimensions there (dimension key → raw value),
// which the drill-down endpoints take. The server's option names categories, slices and series
// by their display names (engines/report/post.py `Frame.display`), so a clicked name is matched
// back to the raw value in the result's rows by naming every raw value the same way. A data item
// that carries `keys` ({dimension key: raw value}) is taken as it is.
import type { ChartClick, ClickedValues, ReportColumn, ReportData } from "./types";

const WEEKDAYS = {
  en: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
  zh: ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
};
const BLANK = ["(空)", "(blank)"];
const ZERO_WIDTH = /\u200b/g;

function isoWeek(day: Date): [number, number] {
  const d = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  return [d.getUTCFullYear(), Math.ceil(((d.getTime() - yearStart) / 86400000 + 1) / 7)];
}

const pad = (n: number) => String(n).padStart(2, "0");

/** How the server names a bucket on an axis: 2024-03, 2024-Q1, 2024-W10, 周一 / Mon, 09:00. */
export function bucketLabel(value: unknown, bucket: string | null, zh: boolean): string {
  if (value === null || value === undefined) return BLANK[zh ? 0 : 1];
  if (bucket === "day_of_week") return WEEKDAYS[zh ? "zh" : "en"][Number(value) - 1] ?? String(value);
  if (bucket === "hour") return `${pad(Number(value))}:00`;
  const text = String(value);
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!m) return text;
  const [year, month] = [Number(m[1]), Number(m[2])];
  if (bucket === "month") return `${m[1]}-${m[2]}`;
  if (bucket === "quarter") return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
  if (bucket === "year") return m[1];
  if (bucket === "week") {
    const [y, w] = isoWeek(new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`));
    return `${y}-W${pad(w)}`;
  }
  return text.length > 10 && !bucket ? text : text.slice(0, 10);
}

/** The names the server may give a raw value of a dimension (both languages' words for a blank). */
export function displayNames(column: ReportColumn, raw: unknown, labels: ReportData["labels"]): string[] {
  const named = labels[column.key]?.[String(raw)];
  if (named !== undefined) return [named];
  if (raw === null || raw === undefined) return BLANK;
  if (column.bucket || column.kind === "date") {
    return [bucketLabel(raw, column.bucket, true), bucketLabel(raw, column.bucket, false)];
  }
  if (typeof raw === "number" && Number.isInteger(raw)) return [String(raw)];
  if (typeof raw === "boolean") return raw ? ["是", "Yes", "true"] : ["否", "No", "false"];
  return [String(raw)];
}

export function dimensions(data: ReportData): ReportColumn[] {
  return data.columns.filter((c) => c.role === "dimension");
}

/** The raw value of `column` that the server shows as `name`, if exactly one does (else the first). */
export function rawValueNamed(data: ReportData, column: ReportColumn, name: string): { found: boolean; value: unknown } {
  const wanted = name.replace(ZERO_WIDTH, "");
  const seen = new Set<string>();
  for (const row of data.rows) {
    const raw = row[column.key];
    const id = JSON.stringify(raw ?? null);
    if (seen.has(id)) continue;
    seen.add(id);
    if (displayNames(column, raw, data.labels).includes(wanted)) return { found: true, value: raw ?? null };
  }
  return { found: false, value: undefined };
}

/** Values for names given in dimension order (undefined: that dimension was not clicked). */
export function valuesForNames(data: ReportData, names: (string | undefined)[]): ClickedValues | null {
  const dims = dimensions(data);
  const out: ClickedValues = {};
  for (let i = 0; i < names.length && i < dims.length; i++) {
    const name = names[i];
    if (name === undefined) continue;
    const { found, value } = rawValueNamed(data, dims[i], name);
    if (!found) return null;
    out[dims[i].key] = value;
  }
  return Object.keys(out).length ? out : null;
}

/** A row of the result → its dimension values. */
export function valuesOfRow(data: ReportData, row: Record<string, unknown>): ClickedValues {
  return Object.fromEntries(dimensions(data).map((d) => [d.key, row[d.key] ?? null]));
}

/** The subset of ECharts' click event this module reads. */
export interface ClickParams {
  componentType?: string;
  seriesType?: string;
  seriesName?: string;
  seriesIndex?: number;
  dataIndex?: number;
  name?: string;
  value?: unknown;
  data?: unknown;
  treePathInfo?: { name: string }[];
  treeAncestors?: { name: string }[];
  dataType?: string;
}

function axisNames(axis: unknown): string[] | undefined {
  const one = Array.isArray(axis) ? axis[0] : axis;
  return one && typeof one === "object" && Array.isArray((one as { data?: unknown }).data)
    ? ((one as { data: unknown[] }).data.map(String))
    : undefined;
}

/** What a click on a chart names: the dimension values there, or null when it names none. */
export function clickedValues(data: ReportData, params: ClickParams): ChartClick | null {
  if (params.componentType && params.componentType !== "series") return null;
  const item = params.data as { keys?: ClickedValues } | null | undefined;
  if (item && typeof item === "object" && item.keys && typeof item.keys === "object") {
    return { values: item.keys, name: params.name ?? "" };
  }
  const dims = dimensions(data);
  if (!dims.length) return null;
  const done = (values: ClickedValues | null, name: string) => (values ? { values, name } : null);
  const type = params.seriesType;
  if (type === "heatmap" && Array.isArray(params.value) && dims.length >= 2) {
    const [xi, yi] = params.value as number[];
    const xs = axisNames(data.option.xAxis);
    const ys = axisNames(data.option.yAxis);
    if (!xs || !ys) return null;
    return done(valuesForNames(data, [xs[xi], ys[yi]]), `${xs[xi]} · ${ys[yi]}`);
  }
  if (type === "heatmap" && Array.isArray(params.value)) {
    // the calendar: [ISO day, value]
    const day = String((params.value as unknown[])[0]);
    return done(valuesForNames(data, [day]) ?? { [dims[0].key]: day }, day);
  }
  const path = params.treePathInfo ?? params.treeAncestors;
  if ((type === "treemap" || type === "tree" || type === "sunburst") && path) {
    const names = path.slice(1).map((n) => n.name);
    return done(valuesForNames(data, names), names.join(" / "));
  }
  if (type === "sankey") {
    if (params.dataType === "edge") return null;
    const raw = params.name ?? "";
    const level = (raw.match(ZERO_WIDTH) ?? []).length;
    const names: (string | undefined)[] = dims.map((_, i) => (i === level ? raw : undefined));
    return done(valuesForNames(data, names), raw.replace(ZERO_WIDTH, ""));
  }
  const name = params.name ?? "";
  // A second dimension splits the series: the series is named by its value.
  if (dims.length >= 2 && params.seriesName !== undefined) {
    const second = rawValueNamed(data, dims[1], params.seriesName);
    if (second.found) {
      const first = valuesForNames(data, [name]);
      return first ? { values: { ...first, [dims[1].key]: second.value }, name: `${name} · ${params.seriesName}` } : null;
    }
  }
  return done(valuesForNames(data, [name]), name);
}
