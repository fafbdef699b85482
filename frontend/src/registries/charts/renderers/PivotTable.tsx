// The pivot table (`qq.pivot`): row headers × the last dimension across, cells formatted by the
// server, row and column totals. A cell click names every dimension.
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { valuesForNames } from "../clicks";
import type { ChartRendererProps } from "../types";

export function PivotTable({ data, onClick, onReady }: ChartRendererProps) {
  const { t } = useTranslation();
  const pivot = data.option.qq?.pivot;
  useEffect(() => onReady?.(), [onReady]);
  if (!pivot) return null;
  const totals = pivot.column_totals;
  const click = (headers: string[], column?: string) => {
    if (!onClick) return;
    const values = valuesForNames(data, column === undefined ? headers : [...headers, column]);
    if (values) onClick({ values, name: [...headers, column].filter(Boolean).join(" · ") });
  };
  return (
    <div className="qq-pivot-wrap">
      <table className="qq-pivot">
        <thead>
          <tr>
            {pivot.row_headers.map((h, i) => (
              <th key={`h${i}`} scope="col">{h}</th>
            ))}
            {pivot.columns.map((c) => (
              <th key={c} scope="col" className="qq-num">{c}</th>
            ))}
            <th scope="col" className="qq-num">{t("dashboards.total")}</th>
          </tr>
        </thead>
        <tbody>
          {pivot.rows.map((row) => (
            <tr key={row.headers.join("\u0001")}>
              {row.headers.map((h, i) => (
                <th key={i} scope="row">{h}</th>
              ))}
              {row.cells.map((cell, i) => (
                <td
                  key={i}
                  className={onClick ? "qq-num qq-clickable" : "qq-num"}
                  style={cell.color ? { color: cell.color, fontWeight: 600 } : undefined}
                  onClick={() => click(row.headers, pivot.columns[i])}
                  {...(onClick ? { tabIndex: 0, onKeyDown: (e: React.KeyboardEvent) => e.key === "Enter" && click(row.headers, pivot.columns[i]) } : {})}
                >
                  {cell.value === null ? "" : cell.text}
                </td>
              ))}
              <td className="qq-num qq-total">{row.total}</td>
            </tr>
          ))}
        </tbody>
        {totals && (
          <tfoot>
            <tr>
              <th scope="row" colSpan={Math.max(pivot.row_headers.length, 1)}>{t("dashboards.total")}</th>
              {totals.map((v, i) => (
                <td key={i} className="qq-num qq-total">{v}</td>
              ))}
              <td className="qq-num qq-total" />
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
