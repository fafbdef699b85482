"""The report engine: definition → plan (checked, with positioned errors) → one SQL SELECT with the
viewer's scope → a typed frame → pandas post-processing → an ECharts option.

    plan = plan_report(definition, forms)                 # save time and run time
    compiled = compile_report(plan, access, env)          # per viewer
    frame, truncated = to_frame(rows, compiled, plan)
    frame = post.apply(frame, definition.post)
    option = render(frame, definition.chart)
"""

from __future__ import annotations

from typing import Any

from engines.report import post
from engines.report.charts import CHART_TYPES
from engines.report.definition import Chart, DashboardDef, ReportDef, Where
from engines.report.drill import DrillAnswer, drill
from engines.report.frame import to_frame
from engines.report.plan import Plan, ReportError, plan_report
from engines.report.post import Frame
from engines.report.sql import Access, Compiled, Env, compile_report, sql_text


def render(frame: Frame, chart: Chart) -> dict[str, Any]:
    chart_type = CHART_TYPES.get(chart.type)
    return chart_type.option(frame, chart_type.parse_settings(chart.settings))


__all__ = [
    "Access", "CHART_TYPES", "Chart", "Compiled", "DashboardDef", "DrillAnswer", "Env", "Frame", "Plan", "ReportDef",
    "ReportError", "Where", "compile_report", "drill", "plan_report", "post", "render", "sql_text", "to_frame",
]
