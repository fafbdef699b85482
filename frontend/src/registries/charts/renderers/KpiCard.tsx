// The KPI card: one number, and an arrow against the previous period or a target (`qq.kpi`).
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { formatNumber } from "../format";
import type { ChartRendererProps } from "../types";

export function KpiCard({ data, onReady }: ChartRendererProps) {
  const { t, i18n } = useTranslation();
  const kpi = data.option.qq?.kpi;
  useEffect(() => onReady?.(), [onReady]);
  if (!kpi) return null;
  const compare = kpi.compare;
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return (
    <div className="qq-kpi">
      <div className="qq-kpi-value" style={kpi.color ? { color: kpi.color } : undefined} data-testid="kpi-value">
        {kpi.formatted}
      </div>
      {kpi.label && <div className="qq-kpi-label">{kpi.label}</div>}
      {compare && (
        <div
          className={`qq-kpi-compare ${compare.good ? "qq-good" : "qq-bad"}`}
          aria-label={t(`dashboards.kpi.${compare.direction}`)}
        >
          <span aria-hidden>{compare.arrow}</span>{" "}
          {compare.percent !== null
            ? formatNumber(Math.abs(compare.percent), { style: "percent", decimals: 1 }, locale)
            : formatNumber(Math.abs(compare.delta), data.option.qq?.format, locale)}
          <span className="qq-kpi-against">
            {t("dashboards.kpi.against", { value: formatNumber(compare.value, data.option.qq?.format, locale) })}
          </span>
        </div>
      )}
    </div>
  );
}
