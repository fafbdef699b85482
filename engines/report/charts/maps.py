"""Charts on a grid or a map: the heatmap (e.g. weekday × hour), the calendar heatmap and the map
of China by province.

The China map names provinces as the address field stores them (GB/T 2260 full names from
`engines/form/data`: 广东省, 北京市, 内蒙古自治区…); the page registers the GeoJSON it ships under
the map name `china` with the same names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field

from engines.report.charts.base import ChartSettings, ChartType, base_option, label_of, plotted, values
from engines.report.post import Frame


def visual_map(numbers: list[float | None], settings: Any, **extra: Any) -> dict[str, Any]:
    present = [n for n in numbers if n is not None]
    colours = list(settings.colors) if len(settings.colors) >= 2 else ["#e0f3f8", "#4575b4"]
    return {"min": min(present, default=0), "max": max(present, default=1), "calculable": True,
            "inRange": {"color": colours}, **extra}


class HeatmapChart(ChartType):
    type = "heatmap"
    label = {"zh-CN": "热力图", "en": "Heatmap"}
    description = {"zh-CN": "两个维度交叉的强度，如星期 × 小时", "en": "Intensity over two dimensions, such as weekday × hour"}
    dimensions = (2, 2)
    measures = (1, 1)

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        x_key, y_key = (c.key for c in frame.dimensions)
        measure = plotted(frame, settings)[0]
        xs = sorted(dict.fromkeys(frame.data[x_key].tolist()), key=_sortable)
        ys = sorted(dict.fromkeys(frame.data[y_key].tolist()), key=_sortable)
        data = []
        for row in frame.data.to_dict("records"):
            v = row[measure]
            data.append([xs.index(row[x_key]), ys.index(row[y_key]), None if v is None or v != v else float(v)])
        option = base_option(frame, settings)
        option["tooltip"] = {"position": "top"}
        option["legend"] = {"show": False}
        option["xAxis"] = {"type": "category", "data": [frame.display(x_key, x) for x in xs], "splitArea": {"show": True}}
        option["yAxis"] = {"type": "category", "data": [frame.display(y_key, y) for y in ys], "splitArea": {"show": True}}
        option["visualMap"] = visual_map([d[2] for d in data], settings, orient="horizontal", left="center", bottom=0)
        option["series"] = [{"name": label_of(frame, measure), "type": "heatmap", "data": data,
                             "label": {"show": settings.show_labels}}]
        return option


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (1, value if isinstance(value, (int, float, date)) else str(value))


class CalendarSettings(ChartSettings):
    cell_size: int = Field(14, ge=6, le=40)


class CalendarHeatmapChart(ChartType):
    type = "calendar_heatmap"
    label = {"zh-CN": "日历热力图", "en": "Calendar heatmap"}
    description = {"zh-CN": "按日期排在日历上的强度，如每日成交", "en": "Daily values laid out on a calendar"}
    measures = (1, 1)
    Settings = CalendarSettings

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        day_key = frame.dimensions[0].key
        measure = plotted(frame, settings)[0]
        days = frame.data[day_key].tolist()
        numbers = values(frame, measure)
        data = [[d.isoformat(), v] for d, v in zip(days, numbers) if isinstance(d, date)]
        years = sorted({d.year for d in days if isinstance(d, date)}) or [date.today().year]
        option = base_option(frame, settings)
        option["tooltip"] = {"trigger": "item"}
        option["legend"] = {"show": False}
        option["visualMap"] = visual_map(numbers, settings, orient="horizontal", left="center", top=0)
        option["calendar"] = [{"range": str(year), "top": 60 + i * (settings.cell_size * 9), "cellSize": ["auto", settings.cell_size]}
                              for i, year in enumerate(years)]
        option["series"] = [{"type": "heatmap", "coordinateSystem": "calendar", "calendarIndex": i,
                             "data": [d for d in data if d[0].startswith(str(year))]} for i, year in enumerate(years)]
        return option


class ChinaMapChart(ChartType):
    type = "china_map"
    label = {"zh-CN": "中国地图（省份）", "en": "Map of China (provinces)"}
    description = {"zh-CN": "按地址字段的省份着色", "en": "Provinces coloured by value, from an address field"}
    measures = (1, 1)

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        key = frame.dimensions[0].key
        measure = plotted(frame, settings)[0]
        numbers = values(frame, measure)
        data = [{"name": frame.display(key, p), "value": v} for p, v in zip(frame.data[key].tolist(), numbers) if p]
        option = base_option(frame, settings)
        option["tooltip"] = {"trigger": "item"}
        option["legend"] = {"show": False}
        option["visualMap"] = visual_map(numbers, settings, left="left", bottom=0)
        option["series"] = [{"name": label_of(frame, measure), "type": "map", "map": "china", "roam": True, "data": data,
                             "label": {"show": settings.show_labels}}]
        return option
