"""Cascader: a choice in a tree of options (region → city, category → subcategory).

Stored as the JSON list of values along the path, e.g. `["east", "shanghai"]`. Spreadsheets carry
the labels joined by "/" ("华东/上海"); values are accepted too.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engines.expr import types as et
from engines.form.columns import bad
from engines.form.types.base import FieldSpec, FieldType, StorageKind
from engines.form.types.jsonvalue import JsonValueFilter

MAX_DEPTH = 6
MAX_NODES = 5000


class CascaderNode(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: str = Field(min_length=1, max_length=100, pattern=r"^[^/\x00-\x1f]+$")
    label: dict[str, str] | None = Field(None, description='{"zh-CN": …, "en": …}; defaults to the value')
    children: list["CascaderNode"] = Field(default_factory=list, max_length=500)

    def text(self) -> str:
        label = self.label or {}
        return label.get("zh-CN") or label.get("en") or self.value


class CascaderOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tree: list[CascaderNode] = Field(min_length=1, max_length=500)
    leaf_only: bool = Field(True, description="the choice must end at a leaf, not at an inner option")

    @model_validator(mode="after")
    def _bounded(self) -> "CascaderOptions":
        count = 0

        def walk(nodes: list[CascaderNode], depth: int) -> None:
            nonlocal count
            if depth > MAX_DEPTH:
                raise ValueError(f"at most {MAX_DEPTH} levels")
            values = [n.value for n in nodes]
            if len(values) != len(set(values)):
                raise ValueError("option values must be unique among siblings")
            count += len(nodes)
            if count > MAX_NODES:
                raise ValueError(f"at most {MAX_NODES} options in all")
            for node in nodes:
                walk(node.children, depth + 1)

        walk(self.tree, 1)
        return self


def _walk(nodes: list[CascaderNode], path: list[str]) -> list[CascaderNode]:
    chosen: list[CascaderNode] = []
    for step in path:
        node = next((n for n in nodes if n.value == step), None)
        if node is None:
            raise bad("not_choice", f"'{step[:50]}' is not an option here.", f"“{step[:50]}”不是此处的可选项。")
        chosen.append(node)
        nodes = node.children
    return chosen


def _match_text(nodes: list[CascaderNode], text: str) -> list[str] | None:
    """Split "华东/上海" along the tree; labels may themselves contain "/"."""
    candidates = [(n, n.value) for n in nodes] + [(n, label) for n in nodes for label in (n.label or {}).values()]
    for node, name in candidates:  # values first: they are the stable identifiers
        name = re.sub(r"\s*/\s*", "/", name.strip())
        if text == name:
            return [node.value]
        if name and text.startswith(name + "/"):
            rest = _match_text(node.children, text[len(name) + 1 :])
            if rest is not None:
                return [node.value, *rest]
    return None


class CascaderField(JsonValueFilter, FieldType):
    type = "cascader"
    label = {"zh-CN": "级联选择", "en": "Cascader"}
    description = {"zh-CN": "在树形选项中逐级选择，如地区、产品分类", "en": "Pick along a tree of options, such as region or category"}
    group = "choice"
    storage = StorageKind.JSON
    sortable = False
    Options = CascaderOptions

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or value == [] or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            text = re.sub(r"\s*/\s*", "/", value.strip())
            path = _match_text(spec.options.tree, text)
            if path is None:
                raise bad("not_choice", f"'{value[:80]}' is not a path of the options.", f"“{value[:80]}”不是有效的选项路径。")
            value = path
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or len(value) > MAX_DEPTH:
            raise bad("not_path", "Expected the list of option values along the path.", "应为逐级选项值的列表。")
        chosen = _walk(spec.options.tree, value)
        if spec.options.leaf_only and chosen[-1].children:
            raise bad("not_leaf", "Choose down to the last level.", "请选择到最后一级。")
        return list(value)

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        return et.list_of(et.TEXT)

    def operators(self, spec: FieldSpec) -> tuple[str, ...]:
        return ("has_any", "has_all", "has_none", "empty", "not_empty")

    def input_schema(self, spec: FieldSpec) -> dict[str, Any]:
        return {"type": ["array", "null"], "items": {"type": "string"}, "maxItems": MAX_DEPTH}

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        if not value:
            return None
        try:
            return "/".join(node.text() for node in _walk(spec.options.tree, value))
        except ValueError:  # an option removed since: export the stored values as they are
            return "/".join(value)
