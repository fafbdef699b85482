// A dashboard opened through a public read-only link (/share/d/:token): no sign-in, no shell.
// `?print=1` is what the server's PNG/PDF export renders: no chrome, no animations, laid out
// 1600 px wide, and `document.body.dataset.ready = "1"` once every widget has drawn.
import { Result, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams, useSearchParams } from "react-router";
import { ApiError } from "../../api/client";
import { usePublicDashboard, usePublicDashboardData, usePublicDrill, type FilterValues } from "../../api/reports";
import { describeError } from "../../components/useShowProblem";
import { DashboardView } from "./DashboardView";
import { initialFilters } from "./DashboardPage";

function filtersFromQuery(raw: string | null): FilterValues | null {
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as FilterValues) : null;
  } catch {
    return null;
  }
}

export default function SharedDashboardPage() {
  const { token = "" } = useParams();
  const [search] = useSearchParams();
  const print = search.get("print") === "1";
  const { t } = useTranslation();
  const board = usePublicDashboard(token);
  const definition = board.data?.dashboard.definition;
  const [filters, setFilters] = useState<FilterValues | null>(() => filtersFromQuery(search.get("filters")));
  const [refreshMs, setRefreshMs] = useState(0);
  useEffect(() => {
    if (definition && filters === null) setFilters(initialFilters(definition.filters));
  }, [definition, filters]);
  const values = filters ?? {};
  const data = usePublicDashboardData(token, values, { refreshMs, enabled: Boolean(definition) && filters !== null });
  const drill = usePublicDrill(token);

  useEffect(() => {
    document.body.classList.toggle("qq-print", print);
    return () => {
      document.body.classList.remove("qq-print");
      delete document.body.dataset.ready;
    };
  }, [print]);
  const ready = useCallback(() => {
    if (print) document.body.dataset.ready = "1";
  }, [print]);

  useEffect(() => {
    // The exporter must not wait for a link that does not open: it can stop at "error".
    if (print && (board.error || data.error)) document.body.dataset.ready = "error";
  }, [board.error, data.error, print]);

  if (board.error) {
    const gone = board.error instanceof ApiError && (board.error.status === 404 || board.error.status === 410);
    return (
      <Result status={gone ? "404" : "error"} title={gone ? t("dashboards.shared.gone") : t("dashboards.page.loadFailed")}
        subTitle={gone ? t("dashboards.shared.goneHint") : describeError(t, board.error)} />
    );
  }
  const name = board.data?.dashboard.name ?? "";
  return (
    <main className={print ? "qq-shared qq-shared-print" : "qq-shared"}>
      <DashboardView
        name={name}
        definition={definition ?? { widgets: [], filters: [] }}
        data={definition ? data.data : undefined}
        fetching={data.isFetching}
        updatedAt={data.dataUpdatedAt}
        filters={values}
        onFiltersChange={setFilters}
        refreshMs={refreshMs}
        onRefreshMsChange={setRefreshMs}
        onRefresh={() => void data.refetch()}
        publicView
        print={print}
        onReady={ready}
        subtitle={board.data && !print ? (
          <Typography.Text type="secondary">{board.data.app.name} · {t("dashboards.shared.readOnly")}</Typography.Text>
        ) : undefined}
        canDrillFrom={() => !print}
        onDrill={(widget, path) => drill.mutateAsync({ widget: widget.id, filters: values, path })}
      />
    </main>
  );
}
