// Chart types on the client, keyed by the same strings as engines/report's chart-type registry.
// The server builds every option; a type here only says how to draw it: ECharts (ChartView) for
// the series charts, antd / plain markup for cards and grids the server sends under `qq`.
// A new chart type is one `registerChartType` line (a type not registered is drawn by ChartView).
// The designer panel of each type (issue #10) joins the same entry.
import type { ComponentType } from "react";
import { ChartView } from "./ChartView";
import { DetailTable } from "./renderers/DetailTable";
import { KpiCard } from "./renderers/KpiCard";
import { Leaderboard } from "./renderers/Leaderboard";
import { PivotTable } from "./renderers/PivotTable";
import { WordCloud } from "./renderers/WordCloud";
import type { ChartRendererProps, ReportData } from "./types";
import "./charts.css";

export interface ChartTypeUI {
  type: string;
  Renderer: ComponentType<ChartRendererProps>;
  /** Whether a click on it names dimension values (drill-down). */
  clickable: boolean;
  /** Whether it fills the height it is given (a canvas), or is as tall as its content (cards, lists). */
  fills: boolean;
  DesignerPanel?: ComponentType<never>;
}

const registry = new Map<string, ChartTypeUI>();

export function registerChartType(ui: ChartTypeUI): void {
  if (registry.has(ui.type)) throw new Error(`chart type '${ui.type}' is registered twice`);
  registry.set(ui.type, ui);
}

export const chartTypes: ReadonlyMap<string, ChartTypeUI> = registry;

const ECHARTS_TYPES = [
  "column", "stacked_column", "percent_column", "bar", "line", "area", "stacked_area", "dual_axis", "pie",
  "donut", "funnel", "scatter", "bubble", "radar", "heatmap", "treemap", "sankey", "waterfall", "china_map",
  "calendar_heatmap", "tree",
];
for (const type of ECHARTS_TYPES) registerChartType({ type, Renderer: ChartView, clickable: true, fills: true });
registerChartType({ type: "gauge", Renderer: ChartView, clickable: false, fills: true });
registerChartType({ type: "kpi", Renderer: KpiCard, clickable: false, fills: false });
registerChartType({ type: "leaderboard", Renderer: Leaderboard, clickable: true, fills: false });
registerChartType({ type: "table", Renderer: DetailTable, clickable: true, fills: false });
registerChartType({ type: "pivot_table", Renderer: PivotTable, clickable: true, fills: false });
registerChartType({ type: "word_cloud", Renderer: WordCloud, clickable: true, fills: true });

/**
 * The type of a result: the definition's when the page has it (a report defined in the widget),
 * else read from the option — cards and grids carry `qq.kpi`, `qq.leaderboard`, `qq.table`,
 * `qq.pivot`; the word cloud its own series type.
 */
export function chartTypeOf(data: ReportData, declared?: string | null): string {
  if (declared) return declared;
  if (data.chart_type) return data.chart_type;
  const qq = data.option.qq ?? {};
  if (qq.kpi) return "kpi";
  if (qq.leaderboard) return "leaderboard";
  if (qq.pivot) return "pivot_table";
  if (qq.table) return "table";
  const series = data.option.series;
  if (Array.isArray(series) && series.some((s) => (s as { type?: string })?.type === "wordCloud")) return "word_cloud";
  return "column";
}

export function chartTypeUI(type: string): ChartTypeUI {
  return registry.get(type) ?? { type, Renderer: ChartView, clickable: true, fills: true };
}

export type { ChartClick, ChartRendererProps, ClickedValues, ReportData } from "./types";
