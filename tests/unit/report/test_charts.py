"""Every registered chart type, rendered from a real query on both backends into an ECharts option
that is plain JSON and shows the data it was given; plus what every chart shares (number formats,
reference lines, colours by threshold)."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from engines.report import CHART_TYPES
from engines.report.charts import format_number
from engines.report.charts.base import NumberFormat

BY_STAGE = [{"field": "stage"}]
COUNT = [{"key": "n", "agg": "count"}]
SUM = [{"key": "total", "agg": "sum", "field": "amount"}]
TWO = COUNT + SUM


def series_data(option: dict) -> list:
    return [d["value"] if isinstance(d, dict) else d for d in option["series"][0]["data"]]


def total_of(option: dict) -> float:
    return sum(v or 0 for v in series_data(option))


# type: (dataset, dimensions, measures, settings, check(option))
CASES: dict[str, tuple[dict, list, list, dict, Callable[[dict], Any]]] = {
    "column": ({}, BY_STAGE, COUNT, {"show_labels": True}, lambda o: total_of(o) == 59),
    "stacked_column": ({}, BY_STAGE + [{"field": "owner_id"}], COUNT, {}, lambda o: o["series"][0]["stack"] == "total"),
    "percent_column": ({}, BY_STAGE + [{"field": "owner_id"}], COUNT, {},
                       lambda o: abs(sum(s["data"][0]["value"] or 0 for s in o["series"]) - 1) < 1e-9),
    "bar": ({}, BY_STAGE, COUNT, {}, lambda o: o["yAxis"]["type"] == "category"),
    "line": ({}, [{"field": "signed_on", "bucket": "month"}], SUM, {"smooth": True}, lambda o: o["series"][0]["smooth"]),
    "area": ({}, [{"field": "signed_on", "bucket": "quarter"}], SUM, {}, lambda o: "areaStyle" in o["series"][0]),
    "stacked_area": ({}, [{"field": "signed_on", "bucket": "quarter"}, {"field": "stage"}], COUNT, {},
                     lambda o: len(o["series"]) == 5),
    "dual_axis": ({}, BY_STAGE, TWO, {}, lambda o: [s["type"] for s in o["series"]] == ["bar", "line"]),
    "pie": ({}, BY_STAGE, COUNT, {"show_labels": True}, lambda o: total_of(o) == 59),
    "donut": ({}, BY_STAGE, COUNT, {}, lambda o: o["title"]["text"] == "59"),
    "funnel": ({}, BY_STAGE, COUNT, {}, lambda o: o["series"][0]["data"][1]["conversion"] is not None),
    "kpi": ({}, [{"field": "signed_on", "bucket": "year"}], SUM, {}, lambda o: o["qq"]["kpi"]["compare"]["direction"] in ("up", "down")),
    "gauge": ({}, [], SUM, {"target": 100000}, lambda o: 0 < o["qq"]["progress"]["ratio"] < 1),
    "leaderboard": ({}, [{"field": "owner_id"}], SUM, {"top": 3}, lambda o: [r["rank"] for r in o["qq"]["leaderboard"]] == [1, 2, 3]),
    "table": ({}, BY_STAGE, TWO, {}, lambda o: len(o["qq"]["table"]["names"]["stage"]) == 5 and o["qq"]["table"]["totals"]["n"] == "59"),
    "pivot_table": ({}, [{"field": "owner_id"}, {"field": "stage"}], COUNT, {},
                    lambda o: len(o["qq"]["pivot"]["columns"]) == 5 and len(o["qq"]["pivot"]["rows"]) == 4),
    "scatter": ({}, BY_STAGE, TWO, {}, lambda o: len(o["series"][0]["data"]) == 5),
    "bubble": ({}, BY_STAGE, TWO + [{"key": "mx", "agg": "max", "field": "amount"}], {},
               lambda o: all("symbolSize" in d for d in o["series"][0]["data"])),
    "radar": ({}, BY_STAGE, TWO, {}, lambda o: len(o["radar"]["indicator"]) == 5),
    "heatmap": ({}, [{"field": "closed_at", "bucket": "day_of_week"}, {"field": "closed_at", "bucket": "hour", "key": "hour"}],
                COUNT, {}, lambda o: sum(d[2] for d in o["series"][0]["data"]) == 59),
    "treemap": ({}, BY_STAGE + [{"field": "owner_id"}], COUNT, {}, lambda o: sum(n["value"] for n in o["series"][0]["data"]) == 59),
    "sankey": ({}, [{"field": "customer.region"}, {"field": "stage"}], COUNT, {},
               lambda o: sum(link["value"] for link in o["series"][0]["links"]) == 59),
    "waterfall": ({}, BY_STAGE, SUM, {}, lambda o: o["xAxis"]["data"][-1] in ("Total", "合计")),
    "china_map": ({"form": "customers"}, [{"field": "address", "part": "province"}], COUNT, {},
                  lambda o: {d["name"] for d in o["series"][0]["data"]} == {"广东省", "北京市", "浙江省"} and o["series"][0]["map"] == "china"),
    "calendar_heatmap": ({}, [{"field": "signed_on", "bucket": "day"}], COUNT, {},
                         lambda o: len(o["calendar"]) == 2 and sum(len(s["data"]) for s in o["series"]) == 59),
    "word_cloud": ({}, [{"field": "tags"}], COUNT, {}, lambda o: {d["name"] for d in o["series"][0]["data"]} == {"vip", "new", "partner"}),
    "tree": ({}, [{"field": "customer.region"}, {"field": "customer"}], COUNT, {},
             lambda o: len(o["series"][0]["data"][0]["children"]) == 4),
}


def test_every_registered_chart_type_has_a_rendering_case_and_both_names():
    assert len(CHART_TYPES) >= 24
    assert set(CHART_TYPES.keys()) == set(CASES)
    for chart in CHART_TYPES:
        entry = chart.catalogue_entry()
        assert entry["label"]["zh-CN"] != entry["label"]["en"]
        json.dumps(entry)


@pytest.mark.parametrize("chart_type", sorted(CASES))
async def test_each_chart_type_renders_a_real_query(crm, chart_type):
    dataset, dims, measure_list, settings, check = CASES[chart_type]
    definition = {"dataset": {"form": "deals", **dataset}, "dimensions": dims, "measures": measure_list,
                  "chart": {"type": chart_type, "settings": settings}}
    frame, _, option = await crm.run(definition)
    assert not frame.data.empty
    json.dumps(option, ensure_ascii=False)  # sent as is
    assert check(option), json.dumps(option, ensure_ascii=False, default=str)[:2000]


async def test_reference_lines_and_threshold_colours_come_from_the_data(crm):
    settings = {"reference_lines": [{"kind": "average"}, {"kind": "target", "value": 15, "label": "goal"}],
                "thresholds": [{"at": 12, "color": "#00aa00"}]}
    _, _, option = await crm.run({"dataset": {"form": "deals"}, "dimensions": BY_STAGE, "measures": COUNT,
                                  "chart": {"type": "column", "settings": settings}})
    lines = option["series"][0]["markLine"]["data"]
    values = series_data(option)
    assert lines[0]["yAxis"] == pytest.approx(sum(values) / len(values)) and lines[1]["yAxis"] == 15
    coloured = [d for d in option["series"][0]["data"] if d.get("itemStyle")]
    assert {d["value"] for d in coloured} == {v for v in values if v >= 12}


@pytest.mark.parametrize("value, fmt, text", [
    (123456789, {"style": "wan"}, "1.23亿"), (45678, {"style": "wan"}, "4.57万"), (980, {"style": "wan"}, "980"),
    (0.256, {"style": "percent"}, "25.6%"), (1234.5, {"style": "currency"}, "¥1,234.50"),
    (-99, {"style": "currency", "currency": "USD", "decimals": 0}, "-$99"), (1234567, {}, "1,234,567"),
    (2.5, {"decimals": 3, "suffix": " kg"}, "2.500 kg"), (None, {}, "-"),
])
def test_number_formats_include_wan_and_yi_percent_and_currency(value, fmt, text):
    assert format_number(value, NumberFormat.model_validate(fmt)) == text
