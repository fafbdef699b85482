"""Charts of one number or one ranking: the KPI card, the gauge and the leaderboard.

A KPI card is not an ECharts series: its option carries `qq.kpi` (value, comparison, arrow) for
the page's card, and an ECharts `graphic` text so it still shows something on its own.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from engines.report.charts.base import ChartSettings, ChartType, base_option, colour_of, format_number, label_of, plotted
from engines.report.post import Frame


class KpiSettings(ChartSettings):
    compare: Literal["none", "previous_row", "measure"] = Field(
        "previous_row", description="previous_row: the row before the last (e.g. last month, with a date "
        "dimension); measure: another measure, such as a target or `amount_prev` of period over period")
    compare_measure: str | None = None
    higher_is_better: bool = True


class KpiChart(ChartType):
    type = "kpi"
    label = {"zh-CN": "指标卡", "en": "KPI card"}
    description = {"zh-CN": "一个关键数字及与上期或目标的对比箭头", "en": "One key number with an arrow against the previous period or a target"}
    dimensions = (0, 1)
    measures = (1, 6)
    Settings = KpiSettings

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        measure = plotted(frame, settings)[0]
        column = frame.data[measure].tolist()
        value = _number(column[-1]) if column else None
        other = None
        if settings.compare == "previous_row" and len(column) > 1:
            other = _number(column[-2])
        elif settings.compare == "measure" and settings.compare_measure in frame.data and column:
            other = _number(frame.data[settings.compare_measure].tolist()[-1])
        kpi: dict[str, Any] = {"label": label_of(frame, measure), "value": value,
                               "formatted": format_number(value, settings.number_format), "color": colour_of(value, settings)}
        if other is not None and value is not None:
            delta = value - other
            direction = "up" if delta > 0 else "down" if delta < 0 else "flat"
            good = direction == "flat" or (direction == "up") == settings.higher_is_better
            kpi["compare"] = {"value": other, "delta": delta, "percent": delta / other if other else None,
                              "direction": direction, "good": good,
                              "arrow": {"up": "▲", "down": "▼", "flat": "▬"}[direction]}
        option = base_option(frame, settings)
        option.pop("tooltip")
        option["legend"] = {"show": False}
        option["qq"]["kpi"] = kpi
        text = kpi["formatted"] + (f"  {kpi['compare']['arrow']}" if "compare" in kpi else "")
        option["graphic"] = [{"type": "text", "left": "center", "top": "middle",
                              "style": {"text": text, "fontSize": 32, "fontWeight": "bold"}}]
        return option


def _number(v: Any) -> float | None:
    return None if v is None or v != v else float(v)


class GaugeSettings(ChartSettings):
    target: float | None = Field(None, description="the full scale; default the target measure or the value")
    target_measure: str | None = None


class GaugeChart(ChartType):
    type = "gauge"
    label = {"zh-CN": "仪表盘 / 进度", "en": "Gauge / progress"}
    description = {"zh-CN": "当前值相对目标的完成进度", "en": "Progress of a value towards its target"}
    dimensions = (0, 1)
    measures = (1, 2)
    Settings = GaugeSettings

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        measure = plotted(frame, settings)[0]
        column = frame.data[measure].tolist()
        value = _number(sum(v for v in column if v is not None and v == v)) if column else 0.0
        goal = settings.target
        if goal is None and settings.target_measure and settings.target_measure in frame.data:
            goal = _number(frame.data[settings.target_measure].tolist()[-1])
        goal = goal or value or 1.0
        ratio = (value or 0) / goal if goal else 0
        option = base_option(frame, settings)
        option["tooltip"] = {"trigger": "item"}
        option["legend"] = {"show": False}
        option["qq"]["progress"] = {"value": value, "target": goal, "ratio": ratio}
        option["series"] = [{"type": "gauge", "min": 0, "max": goal, "progress": {"show": True},
                             "detail": {"formatter": format_number(value, settings.number_format)},
                             "data": [{"value": value, "name": f"{ratio * 100:.1f}%",
                                       **({"itemStyle": {"color": c}} if (c := colour_of(ratio, settings)) else {})}]}]
        return option


class LeaderboardSettings(ChartSettings):
    top: int = Field(10, ge=1, le=100)


class LeaderboardChart(ChartType):
    type = "leaderboard"
    label = {"zh-CN": "排行榜", "en": "Leaderboard"}
    description = {"zh-CN": "按指标排名的列表，成员显示头像", "en": "A ranked list; people show their avatars"}
    measures = (1, 3)
    Settings = LeaderboardSettings

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        measure = plotted(frame, settings)[0]
        dim = frame.dimensions[0]
        data = frame.data.sort_values(measure, ascending=settings.sort == "asc", kind="stable", na_position="last")
        data = data.head(settings.top)
        rows = []
        for rank, row in enumerate(data.to_dict("records"), 1):
            v = _number(row[measure])
            rows.append({"rank": rank, "name": frame.display(dim.key, row[dim.key]), "value": v,
                         "formatted": format_number(v, settings.number_format),
                         "user_id": row[dim.key] if dim.kind == "user" else None, "color": colour_of(v, settings)})
        option = base_option(frame, settings)
        option["legend"] = {"show": False}
        option["qq"]["leaderboard"] = rows
        # The same ranking as horizontal bars, best at the top, for a plain ECharts rendering.
        option["yAxis"] = {"type": "category", "inverse": True, "data": [f"{r['rank']}. {r['name']}" for r in rows]}
        option["xAxis"] = {"type": "value"}
        option["series"] = [{"type": "bar", "name": label_of(frame, measure),
                             "data": [{"value": r["value"], **({"itemStyle": {"color": r["color"]}} if r["color"] else {}),
                                       "label": {"show": True, "position": "right", "formatter": r["formatted"]}} for r in rows]}]
        return option
