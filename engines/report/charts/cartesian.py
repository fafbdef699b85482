"""Charts on a category axis and a value axis: columns, bars, lines and areas (plain, stacked, 100 %),
column + line on two axes, and the waterfall."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from engines.report.charts.base import (
    ChartSettings,
    ChartType,
    base_option,
    colour_of,
    format_number,
    reference_lines,
    series_split,
)
from engines.report.post import Frame


class AxisSettings(ChartSettings):
    smooth: bool = False
    axis_name: str | None = Field(None, max_length=40)


class Cartesian(ChartType):
    dimensions = (1, 2)
    kind: ClassVar[str] = "bar"  # the ECharts series type
    horizontal: ClassVar[bool] = False
    stacked: ClassVar[bool] = False
    percent: ClassVar[bool] = False
    area: ClassVar[bool] = False
    Settings = AxisSettings

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        categories, series = series_split(frame, settings)
        if self.percent:
            totals = [sum(s[2][i] or 0 for s in series) for i in range(len(categories))]
            series = [(name, m, [None if v is None or not totals[i] else v / totals[i] for i, v in enumerate(vals)])
                      for name, m, vals in series]
        fmt = settings.number_format.model_copy(update={"style": "percent"}) if self.percent else settings.number_format
        option = base_option(frame, settings)
        category_axis = {"type": "category", "data": categories}
        value_axis: dict[str, Any] = {"type": "value", "name": settings.axis_name}
        if self.percent:
            value_axis["max"] = 1
        option["xAxis"], option["yAxis"] = (value_axis, category_axis) if self.horizontal else (category_axis, value_axis)
        option["series"] = []
        for index, (name, measure, vals) in enumerate(series):
            entry: dict[str, Any] = {"name": name, "type": self.kind, "data": self.items(vals, settings, fmt)}
            if self.stacked or self.percent:
                entry["stack"] = "total"
            if self.area:
                entry["areaStyle"] = {}
            if self.kind == "line":
                entry["smooth"] = settings.smooth
            if index == 0:
                lines = reference_lines(frame, settings, measure, "xAxis" if self.horizontal else "yAxis")
                if lines:
                    entry["markLine"] = lines
            option["series"].append(entry)
        if self.percent:
            option["qq"]["format"] = fmt.model_dump()
        return option

    @staticmethod
    def items(vals: list[Any], settings: Any, fmt: Any) -> list[dict[str, Any]]:
        out = []
        for v in vals:
            item: dict[str, Any] = {"value": v}
            colour = colour_of(v, settings)
            if colour:
                item["itemStyle"] = {"color": colour}
            if settings.show_labels:
                item["label"] = {"show": True, "formatter": format_number(v, fmt)}
            out.append(item)
        return out


class ColumnChart(Cartesian):
    type = "column"
    label = {"zh-CN": "柱状图", "en": "Column"}
    description = {"zh-CN": "按类别比较数值的竖向柱形", "en": "Vertical bars comparing values by category"}


class StackedColumnChart(Cartesian):
    type = "stacked_column"
    label = {"zh-CN": "堆积柱状图", "en": "Stacked column"}
    description = {"zh-CN": "各部分叠加成总量的柱形", "en": "Columns whose parts add up to the total"}
    stacked = True


class PercentColumnChart(Cartesian):
    type = "percent_column"
    label = {"zh-CN": "百分比堆积柱状图", "en": "100% stacked column"}
    description = {"zh-CN": "各部分占总量的比例", "en": "The share of each part in every column"}
    percent = True


class BarChart(Cartesian):
    type = "bar"
    label = {"zh-CN": "条形图", "en": "Bar"}
    description = {"zh-CN": "横向条形，适合较长的类别名", "en": "Horizontal bars, good for long category names"}
    horizontal = True


class LineChart(Cartesian):
    type = "line"
    label = {"zh-CN": "折线图", "en": "Line"}
    description = {"zh-CN": "随时间变化的趋势", "en": "A trend over time"}
    kind = "line"


class AreaChart(Cartesian):
    type = "area"
    label = {"zh-CN": "面积图", "en": "Area"}
    description = {"zh-CN": "填充的折线，强调总量", "en": "A filled line that stresses volume"}
    kind = "line"
    area = True


class StackedAreaChart(Cartesian):
    type = "stacked_area"
    label = {"zh-CN": "堆积面积图", "en": "Stacked area"}
    description = {"zh-CN": "各部分随时间叠加", "en": "Parts adding up over time"}
    kind = "line"
    area = True
    stacked = True


class DualAxisSettings(AxisSettings):
    line_measures: list[str] = Field(default_factory=list, max_length=6, description="on the right axis; default the last")


class DualAxisChart(ChartType):
    type = "dual_axis"
    label = {"zh-CN": "双轴图", "en": "Dual axis"}
    description = {"zh-CN": "柱形与折线各用一个数值轴，如金额与增长率", "en": "Columns and a line on two value axes, such as revenue and growth"}
    measures = (2, 6)
    Settings = DualAxisSettings

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        categories, series = series_split(frame, settings)
        on_right = set(settings.line_measures) or {series[-1][1]}
        option = base_option(frame, settings)
        option["xAxis"] = {"type": "category", "data": categories}
        option["yAxis"] = [{"type": "value"}, {"type": "value", "splitLine": {"show": False}}]
        option["series"] = [
            {"name": name, "type": "line" if measure in on_right else "bar", "yAxisIndex": 1 if measure in on_right else 0,
             "data": Cartesian.items(vals, settings, settings.number_format)}
            for name, measure, vals in series
        ]
        return option


class WaterfallSettings(AxisSettings):
    total: bool = True
    up_color: str = Field("#91cc75", pattern=r"^#[0-9a-fA-F]{6}$")
    down_color: str = Field("#ee6666", pattern=r"^#[0-9a-fA-F]{6}$")


class WaterfallChart(ChartType):
    type = "waterfall"
    label = {"zh-CN": "瀑布图", "en": "Waterfall"}
    description = {"zh-CN": "逐项增减如何累积成最终值", "en": "How increases and decreases build up to a total"}
    measures = (1, 1)
    Settings = WaterfallSettings

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        categories, series = series_split(frame, settings)
        changes = [v or 0 for v in series[0][2]]
        base, up, down, level = [], [], [], 0.0
        for change in changes:
            base.append(min(level, level + change))
            up.append(change if change >= 0 else None)
            down.append(-change if change < 0 else None)
            level += change
        if settings.total:
            categories = [*categories, "合计" if frame.locale.startswith("zh") else "Total"]
            base.append(min(0.0, level))
            up.append(level if level >= 0 else None)
            down.append(-level if level < 0 else None)
        option = base_option(frame, settings)
        option["xAxis"] = {"type": "category", "data": categories}
        option["yAxis"] = {"type": "value"}
        invisible = {"borderColor": "transparent", "color": "transparent"}
        fmt = settings.number_format
        option["series"] = [
            {"name": "base", "type": "bar", "stack": "total", "silent": True, "itemStyle": invisible, "data": base},
            {"name": "+", "type": "bar", "stack": "total", "itemStyle": {"color": settings.up_color},
             "data": [{"value": v, "label": {"show": settings.show_labels, "formatter": format_number(v, fmt)}} for v in up]},
            {"name": "-", "type": "bar", "stack": "total", "itemStyle": {"color": settings.down_color},
             "data": [{"value": v, "label": {"show": settings.show_labels, "formatter": format_number(v, fmt)}} for v in down]},
        ]
        option["legend"]["show"] = False
        return option


class ScatterSettings(ChartSettings):
    max_symbol: int = Field(60, ge=4, le=200, description="bubble size of the largest value, in pixels")


class ScatterChart(ChartType):
    type = "scatter"
    label = {"zh-CN": "散点图", "en": "Scatter"}
    description = {"zh-CN": "两个指标之间的关系，每个点是一个类别", "en": "Two measures against each other, one point per category"}
    measures = (2, 2)
    dimensions = (1, 2)
    Settings = ScatterSettings
    sized: ClassVar[bool] = False

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        keys = [c.key for c in frame.measures if c.derived_from is None][: 3 if self.sized else 2]
        first = frame.dimensions[0].key
        groups: dict[str, list[dict[str, Any]]] = {}
        second = frame.dimensions[1].key if len(frame.dimensions) > 1 else None
        biggest = max([abs(float(v)) for v in frame.data[keys[2]].tolist() if v == v and v is not None] or [1]) if self.sized else 1
        for row in frame.data.to_dict("records"):
            point = [None if row[k] is None or row[k] != row[k] else float(row[k]) for k in keys]
            item: dict[str, Any] = {"name": frame.display(first, row[first]), "value": point}
            if self.sized and point[2] is not None:
                item["symbolSize"] = max(4.0, settings.max_symbol * (abs(point[2]) / biggest) ** 0.5)
            groups.setdefault(frame.display(second, row[second]) if second else "", []).append(item)
        option = base_option(frame, settings)
        option["tooltip"] = {"trigger": "item"}
        option["xAxis"] = {"type": "value", "name": frame.column(keys[0]).label, "scale": True}
        option["yAxis"] = {"type": "value", "name": frame.column(keys[1]).label, "scale": True}
        option["series"] = [{"name": name or frame.column(keys[1]).label, "type": "scatter", "data": data}
                            for name, data in groups.items()]
        return option


class BubbleChart(ScatterChart):
    type = "bubble"
    label = {"zh-CN": "气泡图", "en": "Bubble"}
    description = {"zh-CN": "散点加上第三个指标决定的气泡大小", "en": "A scatter whose bubble size shows a third measure"}
    measures = (3, 3)
    sized = True

