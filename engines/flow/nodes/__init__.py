"""Every trigger and node type, each one class registered once in `NODE_TYPES`."""

from engines.flow.nodes.base import NODE_TYPES, FlowScope, NodeType
from engines.flow.nodes import automation, control, human, triggers  # noqa: F401  (registration)

__all__ = ["NODE_TYPES", "FlowScope", "NodeType"]
