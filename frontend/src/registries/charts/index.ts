// Chart types on the client, keyed by the same strings as engines/report's chart-type
// registry (bar, line, pie, funnel, pivot, …).
//
// Plan: each type lives in `registries/charts/<type>/` and brings its designer panel
// (which dimensions and measures it takes), its renderer (the server sends the ECharts
// option; the renderer adds interaction such as drill-down and linked filters), and its
// zh-CN/English name and description for the palette. ECharts loads only with the first
// chart, never in the initial bundle.
import type { ComponentType } from "react";

export interface ChartTypeUI {
  type: string;
  DesignerPanel: ComponentType<never>;
  Renderer: ComponentType<never>;
}

export const chartTypes: ReadonlyMap<string, ChartTypeUI> = new Map();
