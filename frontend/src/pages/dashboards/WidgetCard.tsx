// One widget of a board: its title, the chart drawn by the chart-type registry, and drill-down —
// a click goes one level deeper (breadcrumbs lead back) or, at the last level, to the records.
import { MoreOutlined } from "@ant-design/icons";
import { Alert, App, Breadcrumb, Button, Dropdown, Empty, Spin, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { DataFormat, DrillAnswer, FormFieldDef, ReportDefinition, Widget, WidgetData } from "../../api/reports";
import { describeError } from "../../components/useShowProblem";
import { chartTypeOf, chartTypeUI, type ChartClick, type ClickedValues, type ReportData } from "../../registries/charts";
import { textOf } from "./conditions";
import { RecordsWidget } from "./RecordsWidget";

/** A level reached by drilling: what was clicked, and the next report with its data. */
export interface DrillLevel {
  name: string;
  /** The clicked values that led here. */
  values: ClickedValues;
  definition: ReportDefinition;
  data: ReportData;
}

export interface WidgetCardProps {
  widget: Widget;
  result: WidgetData | undefined;
  print?: boolean;
  /** Absent: no drill-down (a public link past its first level, say). */
  /** `path`: the clicked values of each level so far, the click just made last. */
  onDrill?: (widget: Widget, path: ClickedValues[]) => Promise<DrillAnswer>;
  /** Whether a click may drill further from this level (public links drill one level only). */
  canDrillFrom?: (level: number) => boolean;
  onOpenRecords?: (answer: Extract<DrillAnswer, { kind: "records" }>) => void;
  onOpenRecord?: (form: string, id: number) => void;
  onExport?: (widget: Widget, level: DrillLevel | null, format: DataFormat) => Promise<void>;
  formFields?: FormFieldDef[];
  onReady: (id: string) => void;
  /** Changes when the board's filters change: drilled levels no longer apply then. */
  resetKey: string;
  style?: React.CSSProperties;
  /** Stacked on a phone: content that does not fill a canvas takes its own height. */
  phone?: boolean;
}

function errorText(error: NonNullable<WidgetData["error"]>, language: string): string {
  return (language.startsWith("zh") ? error.detail_zh || error.detail : error.detail) || error.title || "";
}

export function WidgetCard(props: WidgetCardProps) {
  const { widget, result, print, onDrill, canDrillFrom, onOpenRecords, onOpenRecord, onExport, formFields, onReady,
    resetKey, style, phone } = props;
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const language = i18n.resolvedLanguage ?? i18n.language;
  const [levels, setLevels] = useState<DrillLevel[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => setLevels([]), [resetKey]);

  const level = levels.at(-1) ?? null;
  const data: ReportData | undefined = level?.data ?? result?.data;
  const type = data ? chartTypeOf(data, (level?.definition ?? widget.report)?.chart?.type) : "";
  const ui = chartTypeUI(type);
  const optionTitle = (data?.option.title as { text?: string } | undefined)?.text;
  const title = textOf(widget.title, language) || textOf(widget.report?.label, language) ||
    (type !== "donut" ? optionTitle : "") || "";

  // Widgets that are not charts are drawn as soon as their content is there.
  const [drawn, setDrawn] = useState(false);
  const drew = useCallback(() => {
    setDrawn(true);
    onReady(widget.id);
  }, [onReady, widget.id]);
  const settled = Boolean(result && (result.error || widget.kind !== "report" || !data?.rows.length));
  useEffect(() => {
    if (settled) drew();
  }, [settled, drew]);

  const clickable = Boolean(onDrill && ui.clickable && !busy && (canDrillFrom?.(levels.length) ?? true));
  const click = async (c: ChartClick) => {
    if (!onDrill) return;
    setBusy(true);
    try {
      const answer = await onDrill(widget, [...levels.map((l) => l.values), c.values]);
      if (answer.kind === "report") {
        const name = c.name || Object.values(c.values).join(" · ");
        setLevels((ls) => [...ls, { name, values: c.values, definition: answer.definition, data: answer.data }]);
      } else if (onOpenRecords) {
        onOpenRecords(answer);
      } else {
        void message.info(t("dashboards.drill.noMore"));
      }
    } catch (error) {
      void message.error(describeError(t, error));
    } finally {
      setBusy(false);
    }
  };

  const exporting = onExport && widget.kind === "report" && data && !result?.error;
  const menu = exporting
    ? {
        items: [
          { key: "xlsx", label: t("dashboards.widget.exportXlsx") },
          { key: "csv", label: t("dashboards.widget.exportCsv") },
        ],
        onClick: ({ key }: { key: string }) => {
          void onExport(widget, level, key as DataFormat).catch((error: unknown) =>
            message.error(describeError(t, error)));
        },
      }
    : null;

  let body: React.ReactNode;
  if (!result) {
    body = <div className="qq-widget-wait"><Spin /></div>;
  } else if (result.error) {
    body = <Alert type="warning" showIcon title={t("dashboards.widget.failed")} description={errorText(result.error, language)} />;
  } else if (widget.kind === "text") {
    // The server sanitizes rich text when the board is saved (the rich-text field's rules).
    body = <div className="qq-widget-text" dangerouslySetInnerHTML={{ __html: result.html ?? "" }} />;
  } else if (widget.kind === "records") {
    body = (
      <RecordsWidget page={result.records} fields={widget.fields ?? []} formFields={formFields ?? []}
        onOpen={onOpenRecord && widget.form ? (id) => onOpenRecord(widget.form!, id) : undefined} />
    );
  } else if (!data?.rows.length) {
    body = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("dashboards.widget.empty")} />;
  } else {
    const Renderer = ui.Renderer;
    body = (
      <div className="qq-widget-chart">
        <Renderer data={data} print={print} onClick={clickable ? (c) => void click(c) : undefined}
          onReady={drew} />
        {busy && <div className="qq-widget-busy"><Spin /></div>}
      </div>
    );
  }

  return (
    <section className={`qq-widget qq-widget-${widget.kind}`} aria-label={title || undefined}
      style={phone && !(widget.kind === "report" && data?.rows.length && ui.fills) ? { ...style, height: "auto" } : style}
      data-widget={widget.id} data-drawn={drawn ? "1" : undefined}>
      {(title || levels.length > 0 || menu) && (
        <header className="qq-widget-head">
          <div className="qq-widget-title">
            {levels.length > 0 ? (
              <Breadcrumb
                items={[
                  { title: title || t("dashboards.drill.top") },
                  ...levels.map((l) => ({ title: l.name })),
                ].map((item, i, all) => ({
                  title: i < all.length - 1 ? (
                    <a role="button" href="#" onClick={(e) => { e.preventDefault(); setLevels((ls) => ls.slice(0, i)); }}
                      aria-label={t("dashboards.drill.back", { name: item.title })}>
                      {item.title}
                    </a>
                  ) : item.title,
                }))}
              />
            ) : (
              <Typography.Text strong ellipsis>{title}</Typography.Text>
            )}
          </div>
          {menu && !print && (
            <Dropdown menu={menu} trigger={["click"]}>
              <Button type="text" size="small" icon={<MoreOutlined />}
                aria-label={t("dashboards.widget.menu", { title: title || widget.id })} />
            </Dropdown>
          )}
        </header>
      )}
      <div className="qq-widget-body">{body}</div>
      {data?.truncated && <div className="qq-widget-note">{t("dashboards.widget.truncated")}</div>}
    </section>
  );
}

