"""/api/flow-node-types: every trigger and node type and every approval mode, with settings
schemas and zh-CN/English names, for the flow designer's palette. Read straight from the
registries, so a new type appears here without touching this file."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter

from engines.flow import NODE_TYPES
from engines.flow.modes import MODES
from runtime.identity.deps import CurrentUser

router = APIRouter(tags=["flows"])

CATEGORIES = (
    {"key": "trigger", "names": {"en": "Triggers", "zh-CN": "触发方式"}},
    {"key": "human", "names": {"en": "People", "zh-CN": "人工节点"}},
    {"key": "control", "names": {"en": "Flow control", "zh-CN": "流程控制"}},
    {"key": "automation", "names": {"en": "Automations", "zh-CN": "自动化"}},
)


@cache
def catalogue() -> dict[str, Any]:
    """Built on first use: the registries are filled at start-up (plugins included) and never change."""
    order = {category["key"]: i for i, category in enumerate(CATEGORIES)}
    items = sorted((t.describe() for t in NODE_TYPES), key=lambda item: order.get(item["category"], len(order)))
    modes = [{"type": m.type, "names": m.names, "description": m.description,
              "options_schema": m.Options.model_json_schema()} for m in MODES]
    return {"categories": list(CATEGORIES), "items": items, "approval_modes": modes}


@router.get("/api/flow-node-types")
async def flow_node_types(_: CurrentUser) -> dict:
    return catalogue()
