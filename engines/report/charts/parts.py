"""Charts of parts and flows: pie, donut, funnel, treemap, sankey, radar, word cloud and tree."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from engines.report.charts.base import (
    ChartSettings,
    ChartType,
    base_option,
    format_number,
    items,
    label_of,
    names,
    ordered,
    plotted,
    series_split,
    values,
)
from engines.report.post import Frame

ZERO_WIDTH = "\u200b"


class PieSettings(ChartSettings):
    show_percent: bool = True


class PieChart(ChartType):
    type = "pie"
    label = {"zh-CN": "饼图", "en": "Pie"}
    description = {"zh-CN": "各部分占整体的比例", "en": "The share of each part in the whole"}
    measures = (1, 1)
    Settings = PieSettings
    radius: ClassVar[Any] = "70%"

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        measure = plotted(frame, settings)[0]
        frame = ordered(frame, settings, measure)
        first = frame.dimensions[0].key
        data = []
        for name, item in zip(names(frame, first), items(frame, measure, settings)):
            item["name"] = name
            if settings.show_labels:
                item["label"]["formatter"] += " ({d}%)" if settings.show_percent else ""
            data.append(item)
        option = base_option(frame, settings)
        option["tooltip"] = {"trigger": "item"}
        option["series"] = [{"name": label_of(frame, measure), "type": "pie", "radius": self.radius, "data": data}]
        return option


class DonutChart(PieChart):
    type = "donut"
    label = {"zh-CN": "环形图", "en": "Donut"}
    description = {"zh-CN": "中间留空的饼图，可显示总数", "en": "A pie with a hole, room for the total"}
    radius = ["45%", "70%"]

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        option = super().option(frame, settings)
        total = sum(v for v in values(frame, plotted(frame, settings)[0]) if v is not None)
        option["title"] = {"text": format_number(total, settings.number_format), "left": "center", "top": "center",
                           "subtext": settings.title or ""}
        return option


class FunnelChart(ChartType):
    type = "funnel"
    label = {"zh-CN": "漏斗图", "en": "Funnel"}
    description = {"zh-CN": "各阶段的数量与转化率，如销售阶段", "en": "Stages and the conversion between them, such as a sales pipeline"}
    measures = (1, 1)

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        measure = plotted(frame, settings)[0]
        first = frame.dimensions[0].key
        vals, stage_names = values(frame, measure), names(frame, first)
        data = []
        for i, (name, v) in enumerate(zip(stage_names, vals)):
            previous = vals[i - 1] if i else None
            conversion = (v or 0) / previous if previous else None
            text = format_number(v, settings.number_format)
            if conversion is not None:
                text += f" ({conversion * 100:.1f}%)"
            data.append({"name": name, "value": v, "conversion": conversion, "label": {"formatter": f"{name}: {text}"}})
        option = base_option(frame, settings)
        option["tooltip"] = {"trigger": "item"}
        option["series"] = [{"name": label_of(frame, measure), "type": "funnel", "sort": "none" if settings.sort == "none" else
                             ("ascending" if settings.sort == "asc" else "descending"), "data": data,
                             "label": {"show": True, "position": "inside"}}]
        return option


def nested(frame: Frame, measure: str) -> list[dict[str, Any]]:
    """Rows under their dimensions as a tree: level 1 = first dimension, and so on."""
    roots: dict[Any, dict[str, Any]] = {}
    dims = [c.key for c in frame.dimensions]
    for row in frame.data.to_dict("records"):
        level, node = roots, None
        for key in dims:
            node = level.setdefault(row[key], {"name": frame.display(key, row[key]), "children": {}})
            level = node["children"]
        if node is not None:
            v = row[measure]
            node["value"] = None if v is None or v != v else float(v)

    def finish(level: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for node in level.values():
            children = finish(node.pop("children"))
            if children:
                node["children"] = children
                node.setdefault("value", sum(c.get("value") or 0 for c in children))
            out.append(node)
        return out

    return finish(roots)


class TreemapChart(ChartType):
    type = "treemap"
    label = {"zh-CN": "矩形树图", "en": "Treemap"}
    description = {"zh-CN": "以面积表示层级中各部分的大小", "en": "Nested rectangles sized by value"}
    dimensions = (1, 3)
    measures = (1, 1)

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        measure = plotted(frame, settings)[0]
        option = base_option(frame, settings)
        option["tooltip"] = {"trigger": "item"}
        option["series"] = [{"name": label_of(frame, measure), "type": "treemap", "data": nested(frame, measure),
                             "label": {"show": True}}]
        return option


class SankeyChart(ChartType):
    type = "sankey"
    label = {"zh-CN": "桑基图", "en": "Sankey"}
    description = {"zh-CN": "从一个维度流向另一个维度的量，如线索来源到阶段", "en": "Flows from one dimension to the next, such as source to stage"}
    dimensions = (2, 4)
    measures = (1, 1)

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        measure = plotted(frame, settings)[0]
        dims = [c.key for c in frame.dimensions]
        links: dict[tuple[str, str], float] = {}
        nodes: dict[str, None] = {}
        for row in frame.data.to_dict("records"):
            # A node is named per level, so one name on two levels cannot form a cycle.
            path = [self.node(frame, dims, level, row[key]) for level, key in enumerate(dims)]
            v = row[measure]
            for a, b in zip(path, path[1:]):
                nodes.update({a: None, b: None})
                links[(a, b)] = links.get((a, b), 0.0) + (0.0 if v is None or v != v else float(v))
        option = base_option(frame, settings)
        option["tooltip"] = {"trigger": "item"}
        option["series"] = [{"type": "sankey", "emphasis": {"focus": "adjacency"},
                             "data": [{"name": name} for name in nodes],
                             "links": [{"source": a, "target": b, "value": v} for (a, b), v in links.items()]}]
        return option

    @staticmethod
    def node(frame: Frame, dims: list[str], level: int, value: Any) -> str:
        name = frame.display(dims[level], value)
        return name + ZERO_WIDTH * level  # invisible marks keep the levels apart


class RadarChart(ChartType):
    type = "radar"
    label = {"zh-CN": "雷达图", "en": "Radar"}
    description = {"zh-CN": "多个维度上的表现对比", "en": "Performance across several axes"}
    dimensions = (1, 2)

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        categories, series = series_split(frame, settings)
        peak = max([v for _, _, vals in series for v in vals if v is not None] or [1])
        option = base_option(frame, settings)
        option["tooltip"] = {"trigger": "item"}
        option["radar"] = {"indicator": [{"name": c, "max": peak * 1.1} for c in categories]}
        option["series"] = [{"type": "radar", "data": [{"name": name, "value": [v or 0 for v in vals]}
                                                       for name, _, vals in series]}]
        return option


class WordCloudSettings(ChartSettings):
    shape: Literal["circle", "cardioid", "diamond", "triangle", "star"] = "circle"
    max_words: int = Field(100, ge=5, le=500)


class WordCloudChart(ChartType):
    type = "word_cloud"
    label = {"zh-CN": "词云", "en": "Word cloud"}
    description = {"zh-CN": "文字大小表示出现的多少，如标签、行业", "en": "Words sized by how often they occur, such as tags or industries"}
    measures = (1, 1)
    Settings = WordCloudSettings

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        measure = plotted(frame, settings)[0]
        first = frame.dimensions[0].key
        words = sorted(zip(names(frame, first), values(frame, measure)), key=lambda w: -(w[1] or 0))[: settings.max_words]
        option = base_option(frame, settings)
        option["tooltip"] = {"trigger": "item"}
        # The echarts-wordcloud extension's series type.
        option["series"] = [{"type": "wordCloud", "shape": settings.shape, "sizeRange": [12, 60],
                             "data": [{"name": w, "value": v} for w, v in words if v]}]
        return option


class TreeSettings(ChartSettings):
    mode: Literal["levels", "parent"] = Field("levels", description="levels: one level per dimension; parent: "
                                              "dimension 1 is the node, dimension 2 its parent (a self-link)")
    orient: Literal["TB", "LR"] = "TB"


class TreeChart(ChartType):
    type = "tree"
    label = {"zh-CN": "树图 / 组织图", "en": "Tree / org chart"}
    description = {"zh-CN": "层级结构，如客户公司的部门与联系人（通过自关联）", "en": "A hierarchy, such as a client's departments and contacts through a self-link"}
    dimensions = (1, 4)
    measures = (1, 1)
    Settings = TreeSettings

    def option(self, frame: Frame, settings: Any) -> dict[str, Any]:
        measure = plotted(frame, settings)[0]
        if settings.mode == "parent" and len(frame.dimensions) >= 2:
            children = self.by_parent(frame, measure)
        else:
            children = nested(frame, measure)
        root = children[0] if len(children) == 1 else {"name": settings.title or "", "children": children}
        option = base_option(frame, settings)
        option["tooltip"] = {"trigger": "item"}
        option["series"] = [{"type": "tree", "data": [root], "orient": settings.orient, "initialTreeDepth": -1,
                             "label": {"position": "top" if settings.orient == "TB" else "left"}}]
        return option

    @staticmethod
    def by_parent(frame: Frame, measure: str) -> list[dict[str, Any]]:
        node_key, parent_key = frame.dimensions[0].key, frame.dimensions[1].key
        nodes: dict[Any, dict[str, Any]] = {}
        parents: dict[Any, Any] = {}
        for row in frame.data.to_dict("records"):
            v = row[measure]
            nodes[row[node_key]] = {"name": frame.display(node_key, row[node_key]),
                                    "value": None if v is None or v != v else float(v)}
            parents[row[node_key]] = row[parent_key]
        by_name = {frame.display(node_key, k): k for k in nodes}  # a parent given by name (parent.name)
        roots = []
        for key, node in nodes.items():
            parent = parents[key]
            parent = parent if parent in nodes else by_name.get(frame.display(parent_key, parent))
            if parent is None or parent == key:
                roots.append(node)
            else:
                nodes[parent].setdefault("children", []).append(node)
        return roots
