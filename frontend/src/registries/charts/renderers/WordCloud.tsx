// The word cloud: the server's `wordCloud` series (an ECharts extension we do not ship) drawn as
// words sized by value, so no extra library is needed.
import { useEffect } from "react";
import type { ChartRendererProps } from "../types";
import { valuesForNames } from "../clicks";

const COLOURS = ["#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4"];

export function WordCloud({ data, onClick, onReady }: ChartRendererProps) {
  useEffect(() => onReady?.(), [onReady]);
  const series = (data.option.series as { data?: { name: string; value: number }[] }[] | undefined)?.[0];
  const words = series?.data ?? [];
  const values = words.map((w) => w.value);
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const size = (v: number) => (high === low ? 24 : 12 + ((v - low) / (high - low)) * 36);
  return (
    <div className="qq-wordcloud">
      {words.map((w, i) => (
        <span
          key={w.name}
          title={String(w.value)}
          style={{ fontSize: size(w.value), color: COLOURS[i % COLOURS.length] }}
          className={onClick ? "qq-clickable" : undefined}
          onClick={() => {
            const v = onClick && valuesForNames(data, [w.name]);
            if (v) onClick?.({ values: v, name: w.name });
          }}
        >
          {w.name}
        </span>
      ))}
    </div>
  );
}
