// The detail table (`qq.table`): the result's rows, dimension values by name, measures by
// `qq.format`, threshold colours, totals.
import { Table } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useMemo } from "react";
import { useTranslation } from "react-i18next";
import { valuesOfRow } from "../clicks";
import { formatNumber } from "../format";
import type { ChartRendererProps, Row } from "../types";

export function DetailTable({ data, onClick, onReady, print }: ChartRendererProps) {
  const { t, i18n } = useTranslation();
  const table = data.option.qq?.table;
  const locale = i18n.resolvedLanguage ?? i18n.language;
  useEffect(() => onReady?.(), [onReady]);
  const rows = useMemo(() => data.rows.map((r, i) => ({ ...r, __index: i })), [data.rows]);
  if (!table) return null;
  const fmt = data.option.qq?.format;
  const columns: ColumnsType<Row & { __index: number }> = table.columns.map((c) => ({
    key: c.key,
    dataIndex: c.key,
    title: c.label ?? c.key,
    align: c.role === "measure" ? "right" : "left",
    render: (value: unknown, row) => {
      if (c.role !== "measure") return table.names[c.key]?.[String(value)] ?? (value === null ? "-" : String(value));
      const colour = table.colors[c.key]?.[row.__index];
      const text = typeof value === "number" ? formatNumber(value, fmt, locale) : value === null ? "-" : String(value);
      return colour ? <span style={{ color: colour, fontWeight: 600 }}>{text}</span> : text;
    },
  }));
  const totals = table.totals;
  return (
    <Table
      size="small"
      rowKey="__index"
      columns={columns}
      dataSource={rows}
      pagination={print || rows.length <= table.page_size ? false : { pageSize: table.page_size, size: "small" }}
      onRow={(row) => (onClick ? { onClick: () => onClick({ values: valuesOfRow(data, row), name: "" }), className: "qq-clickable" } : {})}
      summary={
        totals && Object.keys(totals).length
          ? () => (
              <Table.Summary.Row>
                {table.columns.map((c, i) => (
                  <Table.Summary.Cell key={c.key} index={i} align={c.role === "measure" ? "right" : "left"}>
                    {i === 0 && !(c.key in totals) ? t("dashboards.total") : (totals[c.key] ?? "")}
                  </Table.Summary.Cell>
                ))}
              </Table.Summary.Row>
            )
          : undefined
      }
      scroll={{ x: "max-content" }}
    />
  );
}
