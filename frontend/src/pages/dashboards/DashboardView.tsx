// A dashboard as its readers see it, signed in or through a public link: the global filters, the
// grid of widgets placed by their GridPos (one column on a phone), drill-down, full screen and
// auto-refresh. The page around it supplies the data and what the reader may do (drill, export,
// share); print mode (`?print=1` of a public link) draws everything for a screenshot or A4 page
// and says so with `document.body.dataset.ready`.
import { CompressOutlined, ExpandOutlined, ReloadOutlined } from "@ant-design/icons";
import { Button, Grid, Select, Space, Spin, Tooltip, Typography } from "antd";
import dayjs from "dayjs";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { DashboardData, DashboardDefinition, FilterValues, FormFieldDef, GlobalFilter, Widget } from "../../api/reports";
import { textOf } from "./conditions";
import "./dashboards.css";
import { FiltersBar, type SelectOption } from "./FiltersBar";
import { GAP, gridColumns, placement, readingOrder, ROW_HEIGHT, stackedHeight } from "./grid";
import { WidgetCard, type WidgetCardProps } from "./WidgetCard";

export const REFRESH_CHOICES = [0, 30_000, 60_000, 300_000, 900_000];

export interface DashboardViewProps
  extends Pick<WidgetCardProps, "onDrill" | "canDrillFrom" | "onOpenRecords" | "onOpenRecord" | "onExport"> {
  name: string;
  definition: DashboardDefinition;
  data: DashboardData | undefined;
  fetching: boolean;
  updatedAt: number;
  filters: FilterValues;
  onFiltersChange: (values: FilterValues) => void;
  refreshMs: number;
  onRefreshMsChange: (ms: number) => void;
  onRefresh: () => void;
  publicView?: boolean;
  print?: boolean;
  /** Every widget has drawn (print mode waits for this). */
  onReady?: () => void;
  /** Form key → its fields (labels of a records widget, choices of a select filter). */
  formFields?: Record<string, FormFieldDef[]>;
  /** The page's own buttons (export, share). */
  actions?: React.ReactNode;
  subtitle?: React.ReactNode;
}

function formOf(widget: Widget | undefined): string | undefined {
  if (!widget) return undefined;
  return widget.kind === "records" ? (widget.form ?? undefined) : widget.report?.dataset.form;
}

/** The forms whose fields a board's widgets and select filters read. */
export function formsRead(definition: DashboardDefinition): string[] {
  const out = new Set<string>();
  for (const w of definition.widgets) {
    if (w.kind === "records" && w.form) out.add(w.form);
  }
  for (const f of definition.filters) {
    if (f.kind !== "select") continue;
    for (const target of f.targets) {
      const form = formOf(definition.widgets.find((w) => w.id === target.widget));
      if (form) out.add(form);
    }
  }
  return [...out];
}

function formatRefresh(t: (k: string, o?: Record<string, unknown>) => string, ms: number): string {
  if (!ms) return t("dashboards.toolbar.refreshOff");
  const label = ms < 60_000 ? t("dashboards.toolbar.seconds", { count: ms / 1000 }) : t("dashboards.toolbar.minutes", { count: ms / 60_000 });
  return t("dashboards.toolbar.every", { label });
}

export function DashboardView(props: DashboardViewProps) {
  const { name, definition, data, fetching, updatedAt, filters, onFiltersChange, refreshMs, onRefreshMsChange, onRefresh,
    publicView = false, print = false, onReady, formFields = {}, actions, subtitle } = props;
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? i18n.language;
  const screens = Grid.useBreakpoint();
  const phone = !print && screens.md === false;
  const board = useRef<HTMLDivElement>(null);
  const [fullScreen, setFullScreen] = useState(false);

  useEffect(() => {
    const changed = () => setFullScreen(document.fullscreenElement === board.current);
    document.addEventListener("fullscreenchange", changed);
    return () => document.removeEventListener("fullscreenchange", changed);
  }, []);
  const toggleFullScreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else if (board.current?.requestFullscreen) void board.current.requestFullscreen().catch(() => setFullScreen((v) => !v));
    else setFullScreen((v) => !v);
  };

  // Print readiness: every widget reports once it has drawn.
  const ready = useRef(new Set<string>());
  const announced = useRef(false);
  const widgetIds = useMemo(() => definition.widgets.map((w) => w.id), [definition.widgets]);
  const check = useCallback(() => {
    if (announced.current || !data) return;
    if (widgetIds.every((id) => ready.current.has(id))) {
      announced.current = true;
      onReady?.();
    }
  }, [data, widgetIds, onReady]);
  const widgetReady = useCallback((id: string) => {
    ready.current.add(id);
    check();
  }, [check]);
  useEffect(check, [check]);

  // Values a select filter offers: the field's choices, and every value seen in the widgets' data.
  const seen = useRef(new Map<string, Map<string, SelectOption>>());
  const results = useMemo(() => new Map((data?.widgets ?? []).map((w) => [w.id, w])), [data]);
  const optionsFor = (f: GlobalFilter): SelectOption[] => {
    const found = seen.current.get(f.key) ?? new Map<string, SelectOption>();
    seen.current.set(f.key, found);
    for (const target of f.targets) {
      const widget = definition.widgets.find((w) => w.id === target.widget);
      const form = formOf(widget);
      const field = form ? formFields[form]?.find((x) => x.key === target.field) : undefined;
      for (const c of field?.options?.choices ?? []) {
        found.set(`s:${c.value}`, { value: c.value, label: textOf(c.label, language) || c.value });
      }
      const result = results.get(target.widget)?.data;
      const key = target.field.replace(".", "__");
      if (!result?.columns.some((c) => c.key === key && c.role === "dimension")) continue;
      for (const row of result.rows) {
        const raw = row[key];
        if (raw === null || raw === undefined || typeof raw === "object") continue;
        const id = `${typeof raw === "number" ? "n" : "s"}:${raw}`;
        if (!found.has(id)) found.set(id, { value: raw as string | number, label: result.labels[key]?.[String(raw)] ?? String(raw) });
      }
    }
    return [...found.values()];
  };

  const resetKey = JSON.stringify(filters);
  const columns = gridColumns(definition.widgets);
  const ordered = phone ? readingOrder(definition.widgets) : definition.widgets;
  const title = textOf(definition.label, language) || name;

  return (
    <div ref={board} className={["qq-board", print ? "qq-board-print" : "", fullScreen ? "qq-board-full" : ""].join(" ")}>
      <div className="qq-board-head">
        <div className="qq-board-title">
          <Typography.Title level={3} style={{ margin: 0 }}>{title}</Typography.Title>
          {subtitle}
        </div>
        {!print && (
          <Space wrap size={8} className="qq-board-actions">
            {updatedAt > 0 && (
              <Typography.Text type="secondary" className="qq-updated">
                {t("dashboards.toolbar.updatedAt", { time: dayjs(updatedAt).format("HH:mm:ss") })}
              </Typography.Text>
            )}
            <Tooltip title={t("dashboards.toolbar.refresh")}>
              <Button icon={<ReloadOutlined spin={fetching} />} onClick={onRefresh} aria-label={t("dashboards.toolbar.refresh")} />
            </Tooltip>
            <Select
              aria-label={t("dashboards.toolbar.autoRefresh")}
              value={refreshMs}
              onChange={onRefreshMsChange}
              popupMatchSelectWidth={false}
              options={REFRESH_CHOICES.map((ms) => ({ value: ms, label: formatRefresh(t, ms) }))}
            />
            <Tooltip title={fullScreen ? t("dashboards.toolbar.exitFullScreen") : t("dashboards.toolbar.fullScreen")}>
              <Button
                icon={fullScreen ? <CompressOutlined /> : <ExpandOutlined />}
                onClick={toggleFullScreen}
                aria-label={fullScreen ? t("dashboards.toolbar.exitFullScreen") : t("dashboards.toolbar.fullScreen")}
              />
            </Tooltip>
            {actions}
          </Space>
        )}
      </div>
      {!print && (
        <FiltersBar
          filters={definition.filters}
          values={filters}
          publicView={publicView}
          optionsFor={optionsFor}
          onChange={(key, value) => onFiltersChange({ ...filters, [key]: value })}
          onClear={() => onFiltersChange({})}
        />
      )}
      {!data ? (
        <div className="qq-center"><Spin size="large" /></div>
      ) : (
        <div
          className={phone ? "qq-grid qq-grid-phone" : "qq-grid"}
          style={phone ? undefined : { gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gridAutoRows: ROW_HEIGHT, gap: GAP }}
        >
          {ordered.map((widget) => (
            <WidgetCard
              key={widget.id}
              widget={widget}
              result={results.get(widget.id)}
              print={print}
              onDrill={props.onDrill}
              canDrillFrom={props.canDrillFrom}
              onOpenRecords={props.onOpenRecords}
              onOpenRecord={props.onOpenRecord}
              onExport={props.onExport}
              formFields={widget.form ? formFields[widget.form] : undefined}
              onReady={widgetReady}
              resetKey={resetKey}
              phone={phone}
              style={phone ? { height: stackedHeight(widget.grid) } : placement(widget.grid, columns)}
            />
          ))}
        </div>
      )}
    </div>
  );
}
