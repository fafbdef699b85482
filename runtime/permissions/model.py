"""What a permission group says, and how it is checked against the form it governs.

A permission group belongs to one app role on one form:

    {
      "actions": ["view", "create", "edit"],
      "data_scope": {"kind": "department_tree"},
      "edit_scope": {"kind": "own"},            # optional: rows edit/delete/reassign reach
      "field_rules": {"amount": "read_only", "cost": "hidden"}
    }

Data scopes (which records the group reaches):
  all               every record
  own               records the user owns (`owner_id` is the user)
  department        records owned in one of the user's departments
  department_tree   … in one of the user's departments or any department below them
  field             records whose member/members/department/departments field `field`
                    contains the user (member fields) or one of the user's departments
  custom            records for which the boolean `expression` holds; it may use `$user`

Field rules: "hidden" (never leaves the server), "read_only", "editable" (the default for a
field the rules do not name).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from engines.form.definition import KEY_PATTERN

ACTIONS = ("view", "create", "edit", "delete", "import", "export", "manage", "view_history", "comment", "reassign")
READ_ACTIONS = frozenset({"view", "export", "view_history"})
WRITE_SCOPED = frozenset({"edit", "delete", "reassign", "manage"})  # reach rows through edit_scope
SCOPE_KINDS = ("all", "own", "department", "department_tree", "field", "custom")
FIELD_RULES = ("hidden", "read_only", "editable")
PEOPLE_TYPES = {"member": "user", "members": "user", "department": "department", "departments": "department"}

Action = Literal["view", "create", "edit", "delete", "import", "export", "manage", "view_history", "comment", "reassign"]
FieldRule = Literal["hidden", "read_only", "editable"]


class DataScope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["all", "own", "department", "department_tree", "field", "custom"] = "all"
    field: str | None = Field(None, pattern=KEY_PATTERN, description="for kind 'field': a member or department field")
    expression: str | None = Field(None, max_length=4000, description="for kind 'custom': a boolean formula")

    @model_validator(mode="after")
    def _parts(self) -> "DataScope":
        if self.kind == "field" and not self.field:
            raise ValueError("a 'field' scope names the member or department field")
        if self.kind == "custom" and not (self.expression or "").strip():
            raise ValueError("a 'custom' scope needs an expression")
        if self.kind != "field" and self.field is not None:
            raise ValueError("only a 'field' scope names a field")
        if self.kind != "custom" and self.expression is not None:
            raise ValueError("only a 'custom' scope has an expression")
        return self


class PermissionGroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actions: list[Action] = Field(default_factory=lambda: ["view"], max_length=len(ACTIONS))
    data_scope: DataScope = Field(default_factory=DataScope)
    edit_scope: DataScope | None = None
    field_rules: dict[str, FieldRule] = Field(default_factory=dict, max_length=500)

    @field_validator("actions")
    @classmethod
    def _actions(cls, value: list[str]) -> list[str]:
        ordered = [a for a in ACTIONS if a in set(value)]
        if ordered and "view" not in ordered:
            raise ValueError("every other action needs 'view'")
        return ordered

    @field_validator("field_rules")
    @classmethod
    def _rule_keys(cls, value: dict[str, str]) -> dict[str, str]:
        import re

        bad = [k for k in value if not re.match(KEY_PATTERN, k)]
        if bad:
            raise ValueError(f"not a field key: {bad[0]!r}")
        return value


def check_against_form(group: PermissionGroupIn, form: Any, linked: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """Problems (path, message, message_zh) of a group against the compiled form it governs:
    unknown fields, a 'field' scope on a field that holds no people, a custom expression that
    does not type-check as a condition."""
    from datetime import datetime

    from engines import expr
    from engines.expr import Context, UserInfo
    from engines.form.computed import form_schema
    from engines.form.query import ExprEnv, QueryError, compile_filter
    from engines.form.types import StorageKind

    problems: list[dict[str, str]] = []
    data_fields = {k for k, s in form.specs.items() if s.storage is not StorageKind.NONE}
    for key in group.field_rules:
        if key not in data_fields:
            problems.append({"path": f"field_rules.{key}", "message": f"The form has no field '{key}'.",
                             "message_zh": f"表单中没有字段“{key}”。"})
    for name in ("data_scope", "edit_scope"):
        scope: DataScope | None = getattr(group, name)
        if scope is None:
            continue
        if scope.kind == "field":
            spec = form.specs.get(scope.field)
            if spec is None or spec.type.type not in PEOPLE_TYPES:
                problems.append({"path": f"{name}.field",
                                 "message": f"'{scope.field}' is not a member or department field of the form.",
                                 "message_zh": f"“{scope.field}”不是表单中的成员或部门字段。"})
        elif scope.kind == "custom":
            env = ExprEnv(Context(now=datetime(2000, 1, 1), user=UserInfo(id=0, dept=0, depts=(0,))), "sqlite", linked or {})
            problem: dict[str, Any] | None = None
            try:
                # Checked here first because compile_filter keeps only the English text of the
                # engine's error; it still decides whether the condition translates to SQL.
                expr.check(scope.expression, form_schema(form.specs), expect="bool")
                compile_filter(form, {"expr": scope.expression}, None, env)
            except expr.ExprError as exc:
                problem = {"path": f"{name}.expression", "message": exc.message_en, "message_zh": exc.message_zh,
                           "position": exc.position.as_dict() if exc.position else None}
            except QueryError as exc:
                problem = {"path": f"{name}.expression", "message": exc.message,
                           "message_zh": "条件公式无效：" + exc.message, "position": exc.position}
            if problem is not None:
                if problem["position"] is None:
                    del problem["position"]
                problems.append(problem)
    return problems
