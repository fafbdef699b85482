"""The detail table and the pivot table: grids the page draws itself from `qq.table` / `qq.pivot`
(cells already formatted, colours by threshold), not ECharts series."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from engines.report.charts.base import ChartSettings, ChartType, base_option, colour_of, format_number
from engines.report.post import Frame


class TableSettings(ChartSettings):
    page_size: int = Field(20, ge=5, le=500)
    show_totals: bool = True


class TableChart(ChartType):
    type = "table"
    label = {"zh-CN": "明细表", "en": "Table"}
    description = {"zh-CN": "逐行列出结果，可排序、合计", "en": "The result row by row, with totals"}
    dimensions = (0, 4)
    Settings = TableSettings

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        """The cells are the response's rows: numbers shown with `qq.format`, dimension values by
        `qq.table.names` (each distinct value once); `colors` gives a cell's colour by threshold."""
        names = {c.key: {str(v): frame.display(c.key, v) for v in dict.fromkeys(frame.data[c.key].tolist())}
                 for c in frame.dimensions}
        colours = {}
        if settings.thresholds:
            for c in frame.measures:
                found = [colour_of(None if v is None or v != v else float(v), settings) for v in frame.data[c.key].tolist()]
                if any(found):
                    colours[c.key] = found
        fmt = settings.number_format
        table: dict[str, Any] = {"columns": [{"key": c.key, "label": c.label, "role": c.role} for c in frame.columns],
                                 "names": names, "colors": colours, "page_size": settings.page_size}
        if settings.show_totals:
            table["totals"] = {c.key: format_number(sum(float(v) for v in frame.data[c.key].tolist()
                                                        if v is not None and v == v), fmt)
                               for c in frame.measures if c.kind == "number" and c.agg in ("count", "sum")}
        option = base_option(frame, settings)
        option["qq"]["table"] = table
        return option


class PivotTableSettings(ChartSettings):
    show_totals: bool = True


class PivotTableChart(ChartType):
    type = "pivot_table"
    label = {"zh-CN": "透视表", "en": "Pivot table"}
    description = {"zh-CN": "行 × 列交叉汇总，带行列合计", "en": "Rows × columns cross-tabulation with totals"}
    dimensions = (2, 4)
    measures = (1, 1)
    Settings = PivotTableSettings

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        dims = [c.key for c in frame.dimensions]
        across, down = dims[-1], dims[:-1]
        measure = next(c.key for c in frame.measures)
        heads = list(dict.fromkeys(frame.data[across].tolist()))
        grid: dict[tuple[Any, ...], dict[Any, float | None]] = {}
        for row in frame.data.to_dict("records"):
            v = row[measure]
            grid.setdefault(tuple(row[k] for k in down), {})[row[across]] = None if v is None or v != v else float(v)
        fmt = settings.number_format
        body = []
        for key, cells in grid.items():
            line = [frame.display(k, v) for k, v in zip(down, key)]
            numbers = [cells.get(h) for h in heads]
            body.append({"headers": line, "cells": [{"value": n, "text": format_number(n, fmt),
                                                     **({"color": c} if (c := colour_of(n, settings)) else {})} for n in numbers],
                         "total": format_number(sum(n for n in numbers if n is not None), fmt)})
        pivot: dict[str, Any] = {"row_headers": [frame.column(k).label for k in down],
                                 "columns": [frame.display(across, h) for h in heads], "rows": body}
        if settings.show_totals:
            pivot["column_totals"] = [format_number(sum(c.get(h) or 0 for c in grid.values()), fmt) for h in heads]
        option = base_option(frame, settings)
        option["qq"]["pivot"] = pivot
        return option
