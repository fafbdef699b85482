// ECharts with only the charts and components the server's chart types use; imported lazily by
// ChartView, so none of it is in the initial bundle.
import { BarChart, FunnelChart, GaugeChart, HeatmapChart, LineChart, MapChart, PieChart, RadarChart, SankeyChart,
  ScatterChart, TreeChart, TreemapChart } from "echarts/charts";
import { CalendarComponent, GeoComponent, GraphicComponent, GridComponent, LegendComponent, MarkLineComponent,
  RadarComponent, TitleComponent, TooltipComponent, VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { LabelLayout } from "echarts/features";
import { CanvasRenderer } from "echarts/renderers";
import { loadChinaGeoJson } from "./china";

echarts.use([
  BarChart, LineChart, PieChart, FunnelChart, GaugeChart, ScatterChart, RadarChart, HeatmapChart, TreemapChart,
  SankeyChart, MapChart, TreeChart, GridComponent, TooltipComponent, LegendComponent, TitleComponent,
  GraphicComponent, MarkLineComponent, VisualMapComponent, CalendarComponent, RadarComponent, GeoComponent,
  LabelLayout, CanvasRenderer,
]);

let china: Promise<void> | null = null;

/** Registers the map named `china` once, on the first map chart. */
export function ensureChinaMap(): Promise<void> {
  china ??= loadChinaGeoJson().then((geo) => {
    echarts.registerMap("china", geo as unknown as Parameters<typeof echarts.registerMap>[1]);
  });
  return china;
}

export { echarts };
