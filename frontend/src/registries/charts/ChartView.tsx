// Draws the server's ECharts option: ECharts loads on the first chart (never in the initial
// bundle), value axes and tooltips get the client formatters, the chart follows its container's
// size, and a click reports the dimension values under it.
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { clickedValues, type ClickParams } from "./clicks";
import { withFormatters } from "./format";
import type { ChartRendererProps } from "./types";

type EChartsModule = typeof import("./echarts");
type Instance = ReturnType<EChartsModule["echarts"]["init"]>;

let loading: Promise<EChartsModule> | null = null;
const loadECharts = () => (loading ??= import("./echarts"));

function usesMap(option: Record<string, unknown>): boolean {
  const series = option.series;
  return Array.isArray(series) && series.some((s) => s && (s as { type?: string }).type === "map");
}

export function ChartView({ data, onClick, print, onReady }: ChartRendererProps) {
  const { i18n, t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<Instance | null>(null);
  const [failed, setFailed] = useState(false);
  const [version, setVersion] = useState(0);
  const handlers = useRef({ onClick, onReady, data });
  handlers.current = { onClick, onReady, data };

  // One ECharts instance per mounted view.
  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void loadECharts()
      .then(({ echarts }) => {
        if (disposed || !box.current) return;
        const instance = echarts.init(box.current, undefined, { renderer: "canvas" });
        chart.current = instance;
        instance.on("click", (params) => {
          const { onClick: report, data: current } = handlers.current;
          if (!report) return;
          const click = clickedValues(current, params as unknown as ClickParams);
          if (click) report(click);
        });
        observer = new ResizeObserver(() => instance.resize());
        observer.observe(box.current);
        setVersion((v) => v + 1);
      })
      .catch(() => setFailed(true));
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  const locale = i18n.resolvedLanguage ?? i18n.language;

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    let cancelled = false;
    const option = withFormatters(data.option, locale, print);
    const draw = () => {
      if (cancelled) return;
      let told = false;
      const tell = () => {
        if (told || cancelled) return;
        told = true;
        instance.off("finished");
        handlers.current.onReady?.();
      };
      instance.off("finished");
      instance.on("finished", tell);
      instance.setOption(option as never, { notMerge: true });
      // Without animations the chart is drawn once setOption returns and a frame has passed;
      // "finished" is not always sent for a chart that has nothing left to animate.
      if (print) requestAnimationFrame(() => requestAnimationFrame(tell));
    };
    if (usesMap(data.option)) {
      void loadECharts()
        .then((m) => m.ensureChinaMap())
        .then(draw)
        .catch(() => setFailed(true));
    } else {
      draw();
    }
    return () => {
      cancelled = true;
    };
  }, [data, locale, print, version]);

  useEffect(() => {
    if (failed) handlers.current.onReady?.();
  }, [failed]);

  if (failed) return <div className="qq-chart-failed">{t("dashboards.chartFailed")}</div>;
  return (
    <div
      ref={box}
      className={onClick ? "qq-chart qq-chart-clickable" : "qq-chart"}
      role="img"
      aria-label={typeof (data.option.title as { text?: string })?.text === "string"
        ? (data.option.title as { text: string }).text : t("dashboards.chart")}
    />
  );
}
