"""The node-type contract. A trigger or node type is one class, registered once in `NODE_TYPES`.

A type declares its settings (`Options`, a Pydantic model the designer renders), its names in
both languages, its category and how many edges may leave it; `check` reports problems with a
definition at publish time, `formulas` names the expressions to type-check and compile, and
`enter` / `on_*` are its behaviour inside the state machine (`engines/flow/machine.py`).
Nothing here touches a database: people, records and HTTP are effects the runner carries out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Literal, Mapping

from pydantic import BaseModel, ConfigDict

from core.registry import Registry
from engines import expr
from engines.flow.definition import NodeDef

if TYPE_CHECKING:
    from engines.form.types import FieldSpec
    from engines.flow.machine import Run

Problem = dict[str, Any]


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass
class FlowScope:
    """What a definition is checked against: its form's fields and the rest of the app."""

    specs: Mapping[str, "FieldSpec"] | None = None  # the flow's form; None when the flow has no form
    schema: expr.Schema = field(default_factory=lambda: expr.Schema({}))
    forms: Callable[[str], Mapping[str, "FieldSpec"] | None] = lambda key: None  # other forms of the app
    flows: frozenset[str] = frozenset()  # keys of the app's other flows (sub-flows)
    roles: frozenset[str] = frozenset()  # app role keys
    calendars: frozenset[str] = frozenset()


def problem(path: str, en: str, zh: str, code: str = "invalid") -> Problem:
    return {"path": path, "message": en, "message_zh": zh, "code": code}


class NodeType:
    type: ClassVar[str]
    category: ClassVar[Literal["trigger", "human", "control", "automation"]]
    names: ClassVar[dict[str, str]]
    description: ClassVar[dict[str, str]] = {"en": "", "zh-CN": ""}
    Options: ClassVar[type[BaseModel]] = NoOptions
    outputs: ClassVar[Literal["none", "one", "many"]] = "one"

    def parse(self, node: NodeDef) -> BaseModel:
        return self.Options.model_validate(node.config)

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        """Problems beyond the Options schema: unknown fields, wrong field types…"""
        return []

    def formulas(self, options: Any) -> dict[str, tuple[str, str | None]]:
        """Expressions this node evaluates: name → (text, expected type or None)."""
        return {}

    def enter(self, run: "Run", token: str, node: NodeDef) -> None:
        """A token arrived: by default the node passes straight through."""
        run.leave(token, node.id)

    def describe(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "category": self.category,
            "names": self.names,
            "description": self.description,
            "outputs": self.outputs,
            "settings_schema": self.Options.model_json_schema(),
        }


NODE_TYPES: Registry[NodeType] = Registry("flow node types")


def register(cls: type[NodeType]) -> type[NodeType]:
    """Class decorator: one instance of the type in `NODE_TYPES`."""
    NODE_TYPES.register(cls())
    return cls


def field_problem(scope: FlowScope, key: str | None, path: str, storages: set[str] | None = None,
                  types: set[str] | None = None) -> list[Problem]:
    """A node names a field of the flow's form: it must exist (and be of a fitting kind)."""
    if key is None:
        return []
    if scope.specs is None:
        return [problem(path, "This flow has no form, so it cannot name a field.", "此流程未关联表单，不能引用字段。",
                        "no_form")]
    spec = scope.specs.get(key)
    if spec is None:
        return [problem(path, f"The form has no field '{key}'.", f"表单中没有字段“{key}”。", "unknown_field")]
    if storages is not None and spec.storage.value not in storages and (types is None or spec.type.type not in types):
        return [problem(path, f"Field '{key}' is not of a kind this setting accepts.",
                        f"字段“{key}”的类型不适用于此设置。", "wrong_field_type")]
    if types is not None and storages is None and spec.type.type not in types:
        return [problem(path, f"Field '{key}' is not of a kind this setting accepts.",
                        f"字段“{key}”的类型不适用于此设置。", "wrong_field_type")]
    return []
