// Charts on a record's page: the saved reports marked for this form's records (`record_page`),
// each over the rows linking to this record — a customer's revenue by month, its tickets by type.
import { Alert, Card } from "antd";
import { useTranslation } from "react-i18next";
import { useRecordCharts } from "../../../api/reports";
import type { Id } from "../../../api/types";
import { chartTypeOf, chartTypeUI } from "../../../registries/charts";

export function RecordCharts({ appKey, formKey, recordId }: { appKey: string; formKey: string; recordId: Id }) {
  const { t, i18n } = useTranslation();
  const charts = useRecordCharts(appKey, formKey, recordId);
  return (
    <>
      {(charts.data ?? []).map((chart) => {
        if (chart.error || !chart.data) {
          const detail = i18n.language.startsWith("zh") ? chart.error?.detail_zh ?? chart.error?.detail : chart.error?.detail;
          return (
            <Card key={chart.id} title={chart.name} size="small">
              <Alert type="warning" showIcon title={t("runtime.record.chartFailed")} description={detail} />
            </Card>
          );
        }
        const ui = chartTypeUI(chartTypeOf(chart.data));
        const Renderer = ui.Renderer;
        return (
          <Card key={chart.id} title={chart.name} size="small" className="qq-record-chart">
            <div style={ui.fills ? { height: 280 } : undefined} data-chart={chart.id}>
              <Renderer data={chart.data} />
            </div>
          </Card>
        );
      })}
    </>
  );
}
