"""The shape of a flow definition (JSON), validated with Pydantic.

A flow is a graph: exactly one trigger node, the nodes it leads to, and edges between them.
Each node's type-specific settings live in its `config` and are validated by the node type's
own `Options` model (`engines/flow/nodes`), so adding a node type never touches this file.
Edges leaving a condition node carry the condition (an expression over the record) or are the
default branch. `schemas/flow.schema.json` is generated from these models.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engines.form.definition import KEY_PATTERN, I18nText

NODE_ID = r"^[A-Za-z][A-Za-z0-9_-]{0,63}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NodeDef(Strict):
    id: str = Field(pattern=NODE_ID)
    type: str = Field(min_length=1, max_length=40)
    name: I18nText | None = None
    config: dict[str, Any] = Field(default_factory=dict)
    position: dict[str, float] | None = Field(None, description="where the designer drew it; ignored by the engine")


class EdgeDef(Strict):
    source: str = Field(pattern=NODE_ID)
    target: str = Field(pattern=NODE_ID)
    condition: str | None = Field(None, max_length=4000, description="on edges leaving a condition node")
    default: bool = Field(False, description="the branch taken when no condition holds")
    label: I18nText | None = None


class FlowSettings(Strict):
    calendar: str | None = Field(None, max_length=64, description="working calendar for business-hour clocks")
    title: str | None = Field(None, max_length=400, description="instance title, with {field} placeholders")
    allow_withdraw: bool = True


class FlowDef(Strict):
    """A flow: what the builder draws and publishes; published versions are immutable."""

    schema_version: Literal[1] = 1
    key: str = Field(pattern=KEY_PATTERN)
    name: I18nText
    form: str | None = Field(None, pattern=KEY_PATTERN, description="the form whose records the flow runs on")
    nodes: list[NodeDef] = Field(min_length=1, max_length=200)
    edges: list[EdgeDef] = Field(default_factory=list, max_length=600)
    settings: FlowSettings = Field(default_factory=FlowSettings)

    @model_validator(mode="after")
    def _unique_ids(self) -> "FlowDef":
        seen: set[str] = set()
        for node in self.nodes:
            if node.id in seen:
                raise ValueError(f"node id '{node.id}' is used twice")
            seen.add(node.id)
        return self

    def node(self, node_id: str) -> NodeDef:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)
