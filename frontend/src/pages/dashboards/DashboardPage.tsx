// A dashboard inside its app, signed in: global filters, drill-down to the next level or into the
// records list, exports of a widget's data and of the whole board, and public links (whoever may
// open a board may share it; the link shows what they see).
import { DownloadOutlined, ShareAltOutlined } from "@ant-design/icons";
import { App, Button, Dropdown, Result, Spin } from "antd";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { descendantIds } from "../../api/departments";
import { ApiError } from "../../api/client";
import {
  exportDashboard,
  exportReportData,
  useDashboard,
  useDashboardData,
  useDrill,
  useFormsFields,
  type DrillSource,
  type FilterValues,
  type Widget,
} from "../../api/reports";
import type { Department, Items } from "../../api/types";
import { describeError } from "../../components/useShowProblem";
import { recordsHref, textOf, widgetConditions } from "./conditions";
import { DashboardView, formsRead } from "./DashboardView";
import { ShareDialog } from "./ShareDialog";
import type { DrillLevel } from "./WidgetCard";

export function initialFilters(filters: { key: string; default?: unknown }[]): FilterValues {
  return Object.fromEntries(filters.filter((f) => f.default !== undefined && f.default !== null).map((f) => [f.key, f.default]));
}

export default function DashboardPage() {
  const { appKey = "", dashboardId = "" } = useParams();
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const board = useDashboard(appKey, dashboardId);
  const [filters, setFilters] = useState<FilterValues | null>(null);
  const [refreshMs, setRefreshMs] = useState(0);
  const [sharing, setSharing] = useState(false);
  const definition = board.data?.definition;
  useEffect(() => {
    if (definition && filters === null) setFilters(initialFilters(definition.filters));
  }, [definition, filters]);
  const values = filters ?? {};
  const data = useDashboardData(appKey, dashboardId, values, { refreshMs, enabled: Boolean(definition) && filters !== null });
  const drill = useDrill(appKey, dashboardId);
  const forms = useMemo(() => (definition ? formsRead(definition) : []), [definition]);
  const formFields = useFormsFields(appKey, forms, Boolean(definition));
  const language = i18n.resolvedLanguage ?? i18n.language;

  const conditions = useCallback((widget: Widget) => {
    const departments = qc.getQueryData<Items<Department>>(["admin", "departments"])?.items;
    const below = (id: string | number) =>
      departments ? [...descendantIds(departments, id)].map((d) => (/^\d+$/.test(d) ? Number(d) : d)) : [id];
    return widgetConditions(definition!, widget, values, below);
  }, [definition, values, qc]);

  const sourceOf = (widget: Widget, level: DrillLevel | null): DrillSource | null => {
    if (level) return { definition: level.definition };
    if (widget.report_id) return { reportId: widget.report_id };
    return widget.report ? { definition: widget.report } : null;
  };

  if (board.error) {
    const missing = board.error instanceof ApiError && board.error.status === 404;
    return (
      <Result status={missing ? "404" : "error"} title={missing ? t("dashboards.page.notFound") : t("dashboards.page.loadFailed")}
        subTitle={missing ? undefined : describeError(t, board.error)} />
    );
  }
  if (!board.data || !definition) return <div className="qq-center"><Spin size="large" /></div>;

  const name = textOf(definition.label, language) || board.data.name;
  const exportBoard = (format: "png" | "pdf") => {
    const hide = message.loading(t("dashboards.toolbar.exporting"), 0);
    void exportDashboard(appKey, dashboardId, format, values, name)
      .catch((error: unknown) => message.error(describeError(t, error)))
      .finally(hide);
  };

  return (
    <>
      <DashboardView
        name={name}
        definition={definition}
        data={data.data}
        fetching={data.isFetching}
        updatedAt={data.dataUpdatedAt}
        filters={values}
        onFiltersChange={setFilters}
        refreshMs={refreshMs}
        onRefreshMsChange={setRefreshMs}
        onRefresh={() => void data.refetch()}
        formFields={formFields}
        onDrill={(widget, path) => drill.mutateAsync({ widget: widget.id, filters: values, path })}
        onOpenRecords={(answer) => {
          if (answer.unapplied.length) {
            void message.warning(t("dashboards.drill.unapplied", { fields: answer.unapplied.join(", ") }));
          }
          navigate(recordsHref(appKey, answer.form, answer.filter));
        }}
        onOpenRecord={(form, id) => navigate(`/apps/${encodeURIComponent(appKey)}/forms/${encodeURIComponent(form)}/records/${id}`)}
        onExport={(widget, level, format) => {
          const source = sourceOf(widget, level);
          if (!source) return Promise.resolve();
          const title = textOf(widget.title, language) || name;
          return exportReportData(appKey, source, format, level ? {} : conditions(widget), title);
        }}
        actions={
          <>
            <Dropdown
              trigger={["click"]}
              menu={{
                items: [
                  { key: "png", label: t("dashboards.toolbar.exportPng") },
                  { key: "pdf", label: t("dashboards.toolbar.exportPdf") },
                ],
                onClick: ({ key }) => exportBoard(key as "png" | "pdf"),
              }}
            >
              <Button icon={<DownloadOutlined />}>{t("dashboards.toolbar.export")}</Button>
            </Dropdown>
            <Button icon={<ShareAltOutlined />} onClick={() => setSharing(true)}>{t("dashboards.toolbar.share")}</Button>
          </>
        }
      />
      <ShareDialog appKey={appKey} dashboardId={dashboardId} open={sharing} onClose={() => setSharing(false)} />
    </>
  );
}
