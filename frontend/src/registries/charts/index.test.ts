import { describe, expect, it } from "vitest";
import { chartTypeOf, chartTypes, chartTypeUI, registerChartType } from "./index";
import { ChartView } from "./ChartView";
import type { ReportData } from "./types";

// The server's chart types (engines/report/charts BUILTIN_CHART_TYPES).
const SERVER_TYPES = [
  "column", "stacked_column", "percent_column", "bar", "line", "area", "stacked_area", "dual_axis", "pie", "donut",
  "funnel", "kpi", "gauge", "leaderboard", "table", "pivot_table", "scatter", "bubble", "radar", "heatmap", "treemap",
  "sankey", "waterfall", "china_map", "calendar_heatmap", "word_cloud", "tree",
];

const result = (option: ReportData["option"]): ReportData =>
  ({ columns: [], rows: [], labels: {}, option, truncated: false, cached: false });

describe("the chart-type registry", () => {
  it.each(SERVER_TYPES)("draws %s", (type) => {
    const ui = chartTypes.get(type);
    expect(ui?.type).toBe(type);
    expect(typeof ui?.Renderer).toBe("function");
    // What the server sends under `qq` is drawn by the page, every series chart by ECharts.
    expect(ui?.fills).toBe(ui?.Renderer === ChartView || type === "word_cloud");
  });

  it("refuses a second registration of a type", () => {
    expect(() => registerChartType({ ...chartTypeUI("pie") })).toThrow(/twice/);
  });

  it("tells a saved report's type from its option when the page has no definition", () => {
    expect(chartTypeOf(result({ qq: { kpi: { label: null, value: 1, formatted: "1", color: null } } }))).toBe("kpi");
    expect(chartTypeOf(result({ qq: { leaderboard: [] } }))).toBe("leaderboard");
    expect(chartTypeOf(result({ qq: { pivot: { row_headers: [], columns: [], rows: [] } } }))).toBe("pivot_table");
    expect(chartTypeOf(result({ series: [{ type: "wordCloud" }] }))).toBe("word_cloud");
    expect(chartTypeOf(result({ series: [{ type: "bar" }] }))).toBe("column");
    expect(chartTypeOf(result({ qq: { leaderboard: [] } }), "table")).toBe("table");
  });
});
