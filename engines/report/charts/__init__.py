"""The chart-type registry. Each built-in is listed once here and registered at import."""

from __future__ import annotations

from core.registry import Registry
from engines.report.charts.base import ChartSettings, ChartType, NumberFormat, format_number
from engines.report.charts.cartesian import (
    AreaChart,
    BarChart,
    BubbleChart,
    ColumnChart,
    DualAxisChart,
    LineChart,
    PercentColumnChart,
    ScatterChart,
    StackedAreaChart,
    StackedColumnChart,
    WaterfallChart,
)
from engines.report.charts.maps import CalendarHeatmapChart, ChinaMapChart, HeatmapChart
from engines.report.charts.parts import (
    DonutChart,
    FunnelChart,
    PieChart,
    RadarChart,
    SankeyChart,
    TreeChart,
    TreemapChart,
    WordCloudChart,
)
from engines.report.charts.single import GaugeChart, KpiChart, LeaderboardChart
from engines.report.charts.tables import PivotTableChart, TableChart

BUILTIN_CHART_TYPES: tuple[type[ChartType], ...] = (
    ColumnChart,
    StackedColumnChart,
    PercentColumnChart,
    BarChart,
    LineChart,
    AreaChart,
    StackedAreaChart,
    DualAxisChart,
    PieChart,
    DonutChart,
    FunnelChart,
    KpiChart,
    GaugeChart,
    LeaderboardChart,
    TableChart,
    PivotTableChart,
    ScatterChart,
    BubbleChart,
    RadarChart,
    HeatmapChart,
    TreemapChart,
    SankeyChart,
    WaterfallChart,
    ChinaMapChart,
    CalendarHeatmapChart,
    WordCloudChart,
    TreeChart,
)

CHART_TYPES: Registry[ChartType] = Registry("chart types")
for _cls in BUILTIN_CHART_TYPES:
    CHART_TYPES.register(_cls())

__all__ = ["BUILTIN_CHART_TYPES", "CHART_TYPES", "ChartSettings", "ChartType", "NumberFormat", "format_number"]
