"""Automation nodes: they declare their settings and expressions here; the runner carries them
out (`runtime/flows/automations.py`, one executor per type, same type keys) and answers with
`Done` or `Failed`. A failed step leaves the instance failed and retryable from the admin view."""

from __future__ import annotations

from typing import Any, Literal

from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from engines import expr
from engines.expr import types as et
from engines.flow import effects as fx
from engines.flow.definition import I18nText, NodeDef
from engines.flow.nodes.base import register, FlowScope, NodeType, Problem, field_problem, problem
from engines.flow.nodes.common import AssigneeRule, Duration, Strict
from engines.flow.nodes.human import check_people, people_formulas

if TYPE_CHECKING:
    from engines.flow.machine import Run

KEY = r"^[a-z][a-z0-9_]{0,47}$"


class Automation(NodeType):
    category = "automation"

    def enter(self, run: Run, token: str, node: NodeDef) -> None:
        ns = run.node_state(node.id)
        run.emit(fx.Automate(node.id, ns["round"], self.type))

    def on_done(self, run: Run, node_id: str, event: fx.Done) -> None:
        ns = run.node_state(node_id)
        ns["status"] = "done"
        if event.output:
            ns["output"] = event.output
        run.timeline("automated", node_id, **event.output)
        run.leave(ns["token"], node_id)


def _check_values(values: dict[str, str], target: Any, scope: FlowScope, path: str, target_key: str) -> list[Problem]:
    problems: list[Problem] = []
    if target is None:
        return [problem(path.rsplit(".", 1)[0] + ".form", f"The app has no form '{target_key}'.",
                        f"应用中没有表单“{target_key}”。", "unknown_form")]
    for key in values:
        spec = target.get(key)
        if spec is None:
            problems.append(problem(f"{path}.{key}", f"Form '{target_key}' has no field '{key}'.",
                                    f"表单“{target_key}”中没有字段“{key}”。", "unknown_field"))
        elif spec.type.computed or spec.storage.value in ("none", "system", "child"):
            problems.append(problem(f"{path}.{key}", f"Field '{key}' is computed or cannot be written here.",
                                    f"字段“{key}”是计算字段或不能在此写入。", "not_writable"))
    return problems


def _value_formulas(values: dict[str, str], prefix: str = "value") -> dict[str, tuple[str, str | None]]:
    return {f"{prefix}:{key}": (text, None) for key, text in values.items()}


class CreateOptions(Strict):
    form: str = Field(pattern=KEY)
    values: dict[str, str] = Field(default_factory=dict, description="field → expression over the triggering record")
    for_each: str | None = Field(None, pattern=KEY, description="one record per row of this subform")


@register
class CreateRecordNode(Automation):
    type = "create_record"
    names = {"en": "Create records", "zh-CN": "新增数据"}
    description = {"en": "Creates a record (or one per subform row) in any form of the app, values from expressions.",
                   "zh-CN": "在本应用任一表单中新增数据（或按子表单每行各一条），字段值由表达式给出。"}
    Options = CreateOptions

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        problems = _check_values(options.values, scope.forms(options.form), scope, f"{path}.values", options.form)
        if options.for_each:
            problems += field_problem(scope, options.for_each, f"{path}.for_each", storages={"child"})
        return problems

    def formulas(self, options: Any) -> dict[str, tuple[str, str | None]]:
        return _value_formulas(options.values)

    def row_schema(self, options: Any, scope: FlowScope) -> expr.Schema | None:
        """With `for_each`, expressions see the row's columns as well as the record's fields."""
        if not options.for_each or scope.specs is None or options.for_each not in scope.specs:
            return None
        spec = scope.specs[options.for_each]
        fields = {key: scope.schema.get(key) for key in scope.schema.keys()}
        for child in spec.children or []:
            fields[child.key] = child.type.expr_type(child)
        return et.Schema(fields)


class Target(Strict):
    target: Literal["trigger", "query"] = "trigger"
    form: str | None = Field(None, pattern=KEY)
    filter: dict[str, Any] | None = Field(None, description="records-API filter, for target=query")
    limit: int = Field(1000, ge=1, le=10_000)

    @model_validator(mode="after")
    def _query(self) -> "Target":
        if self.target == "query" and not self.form:
            raise ValueError("a query target names its form")
        return self


class UpdateOptions(Target):
    values: dict[str, str] = Field(min_length=1)


def _target_form(options: Target, scope: FlowScope) -> tuple[Any, str]:
    if options.target == "trigger":
        return scope.specs, "(this form)"
    return scope.forms(options.form or ""), options.form or ""


@register
class UpdateRecordNode(Automation):
    type = "update_record"
    names = {"en": "Update records", "zh-CN": "修改数据"}
    description = {"en": "Changes the triggering record or every record a filter finds.",
                   "zh-CN": "修改触发流程的数据，或按条件筛选出的数据。"}
    Options = UpdateOptions

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        target, key = _target_form(options, scope)
        if options.target == "trigger" and scope.specs is None:
            return [problem(f"{path}.target", "This flow has no record of its own.", "此流程没有触发数据。", "no_form")]
        return _check_values(options.values, target, scope, f"{path}.values", key)

    def formulas(self, options: Any) -> dict[str, tuple[str, str | None]]:
        return _value_formulas(options.values)


@register
class DeleteRecordNode(Automation):
    type = "delete_record"
    names = {"en": "Delete records", "zh-CN": "删除数据"}
    description = {"en": "Moves the triggering record, or the records a filter finds, to the trash.",
                   "zh-CN": "将触发数据或筛选出的数据移入回收站。"}
    Options = Target

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        target, key = _target_form(options, scope)
        if target is None:
            return [problem(f"{path}.form", f"The app has no form '{key}'.", f"应用中没有表单“{key}”。", "unknown_form")]
        return []


class AssignRule(Strict):
    when: str = Field(max_length=4000, description="an expression over the record")
    user: int


class AssignOptions(Strict):
    strategy: Literal["round_robin", "least_loaded", "rules"] = "round_robin"
    role: str | None = Field(None, max_length=64, description="the pool: members of this app role")
    department: int | None = Field(None, description="the pool: members of this department")
    rules: list[AssignRule] = Field(default_factory=list, max_length=200, description="strategy=rules, first match")
    default_user: int | None = None

    @model_validator(mode="after")
    def _pool(self) -> "AssignOptions":
        if self.strategy != "rules" and not (self.role or self.department):
            raise ValueError("round-robin and least-loaded need a role or a department as the pool")
        if self.strategy == "rules" and not self.rules and self.default_user is None:
            raise ValueError("a rule table needs rules or a default user")
        return self


@register
class AssignOwnerNode(Automation):
    type = "assign_owner"
    names = {"en": "Assign owner", "zh-CN": "分配负责人"}
    description = {"en": "Gives the record an owner: round-robin or least-loaded in a role or department, or by a "
                         "rule table such as region → rep.",
                   "zh-CN": "为数据分配负责人：在角色或部门内轮流分配、按负载最少分配，或按规则表（如区域→销售）。"}
    Options = AssignOptions

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        if scope.specs is None:
            return [problem(path, "Assigning an owner needs the flow's form.", "分配负责人需要关联表单。", "no_form")]
        if options.role and scope.roles and options.role not in scope.roles:
            return [problem(f"{path}.role", f"The app has no role '{options.role}'.", f"应用中没有角色“{options.role}”。",
                            "unknown_role")]
        return []

    def formulas(self, options: Any) -> dict[str, tuple[str, str | None]]:
        return {f"rule:{i}": (rule.when, "bool") for i, rule in enumerate(options.rules)}


class TodoOptions(Strict):
    assignees: list[AssigneeRule] = Field(min_length=1, max_length=10)
    title: I18nText = Field(description="with {field} placeholders")
    due: Duration | None = None


class PeopleAutomation(Automation):
    """An automation addressed to people by assignee rules (to-dos, notifications)."""

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        return check_people(options, scope, path)

    def formulas(self, options: Any) -> dict[str, tuple[str, str | None]]:
        return people_formulas(options)


@register
class TodoNode(PeopleAutomation):
    type = "create_todo"
    names = {"en": "Create to-do", "zh-CN": "创建待办"}
    description = {"en": "Puts a to-do in people's inbox; the flow does not wait for it.",
                   "zh-CN": "在相关人员的待办中新增一项，流程不等待其完成。"}
    Options = TodoOptions


class NotifyOptions(Strict):
    assignees: list[AssigneeRule] = Field(min_length=1, max_length=10)
    title: I18nText = Field(description="with {field} placeholders")
    body: str = Field("", max_length=4000)
    channel: Literal["in_app"] = "in_app"


@register
class NotifyNode(PeopleAutomation):
    type = "notify"
    names = {"en": "Send notification", "zh-CN": "发送通知"}
    description = {"en": "Sends people a notification (in-app; e-mail and chat robots arrive with integrations).",
                   "zh-CN": "向相关人员发送通知（站内；邮件与群机器人随集成功能提供）。"}
    Options = NotifyOptions


class HttpOptions(Strict):
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "POST"
    url: str = Field(max_length=2000, pattern=r"^https?://")
    headers: dict[str, str] = Field(default_factory=dict, max_length=30)
    body: str | None = Field(None, max_length=20_000, description="text or JSON with {field} placeholders")


@register
class HttpNode(Automation):
    type = "http"
    names = {"en": "HTTP request", "zh-CN": "HTTP 请求"}
    description = {"en": "Calls another system through the outbox (retried, with an idempotency key).",
                   "zh-CN": "通过发件箱调用其他系统（失败重试，带幂等键）。"}
    Options = HttpOptions
