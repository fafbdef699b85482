"""Triggers: what starts an instance. The runner matches them to record events, the clock and
inbound calls; here they declare their settings and which expressions to check."""

from __future__ import annotations

from datetime import time
from typing import Any

from croniter import croniter
from pydantic import Field, field_validator

from engines.flow.definition import I18nText, NodeDef
from engines.flow.nodes.base import register, FlowScope, NodeType, Problem, field_problem, problem
from engines.flow.nodes.common import Strict


class TriggerOptions(Strict):
    condition: str | None = Field(None, max_length=4000, description="start only when this holds for the record")


class Trigger(NodeType):
    category = "trigger"
    needs_form = True
    governs_status = False  # the record's flow_status follows this flow
    record_events: frozenset[str] = frozenset()  # record events of the flow's form that start it
    Options = TriggerOptions

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        if self.needs_form and scope.specs is None:
            return [problem("form", "This trigger needs the flow's form.", "此触发方式需要关联表单。", "no_form")]
        return []

    def formulas(self, options: Any) -> dict[str, tuple[str, str | None]]:
        condition = getattr(options, "condition", None)
        return {"condition": (condition, "bool")} if condition else {}


class SubmitOptions(TriggerOptions):
    hold: bool = Field(False, description="approve before save: the record stays out of lists until approved")


@register
class SubmitTrigger(Trigger):
    type = "trigger.submit"
    names = {"en": "Form submitted (approval)", "zh-CN": "表单提交（审批）"}
    description = {"en": "An approval flow of the form: each submitted record goes through it and its flow status "
                         "follows the flow.",
                   "zh-CN": "表单的审批流程：每条提交的数据都经过它，数据的流程状态随流程变化。"}
    Options = SubmitOptions
    governs_status = True
    record_events = frozenset({"create"})


@register
class CreatedTrigger(Trigger):
    type = "trigger.record_created"
    names = {"en": "Record created", "zh-CN": "新增数据时"}
    description = {"en": "Starts after a record is added (and the condition holds); the save never waits for it.",
                   "zh-CN": "新增数据后启动（且满足条件）；保存数据不等待流程。"}
    record_events = frozenset({"create"})


@register
class UpdatedTrigger(Trigger):
    type = "trigger.record_updated"
    names = {"en": "Record updated", "zh-CN": "修改数据时"}
    description = {"en": "Starts after a record is changed (and the condition holds).",
                   "zh-CN": "数据被修改后启动（且满足条件）。"}
    record_events = frozenset({"update"})


@register
class DeletedTrigger(Trigger):
    type = "trigger.record_deleted"
    names = {"en": "Record deleted", "zh-CN": "删除数据时"}
    description = {"en": "Starts after a record is moved to the trash.", "zh-CN": "数据被移入回收站后启动。"}
    record_events = frozenset({"delete"})


class FieldsOptions(TriggerOptions):
    fields: list[str] = Field(min_length=1, max_length=50)


@register
class FieldChangedTrigger(Trigger):
    type = "trigger.field_changed"
    names = {"en": "Fields changed", "zh-CN": "字段变更时"}
    description = {"en": "Starts when one of the chosen fields changes (and the condition holds).",
                   "zh-CN": "所选字段之一发生变化（且满足条件）时启动。"}
    Options = FieldsOptions
    record_events = frozenset({"update"})

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        problems = super().check(node, options, scope, path)
        if scope.specs is not None:
            for i, key in enumerate(options.fields):
                problems += field_problem(scope, key, f"{path}.fields.{i}")
        return problems


class ScheduleOptions(Strict):
    cron: str = Field(max_length=100, description="five-field cron, e.g. '0 9 * * 1-5'")
    timezone: str = "Asia/Shanghai"

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5 or not croniter.is_valid(value):
            raise ValueError("not a valid five-field cron expression")
        return value


@register
class ScheduleTrigger(Trigger):
    type = "trigger.schedule"
    names = {"en": "On a schedule", "zh-CN": "定时触发"}
    description = {"en": "Starts at the times a cron expression names.", "zh-CN": "按 cron 表达式指定的时间启动。"}
    Options = ScheduleOptions
    needs_form = False


class DateOptions(TriggerOptions):
    field: str = Field(max_length=48)
    offset_days: int = Field(0, ge=-3650, le=3650, description="negative: before the date")
    at: time = Field(time(9, 0), description="local time of day")


@register
class DateTrigger(Trigger):
    type = "trigger.date"
    names = {"en": "Relative to a date field", "zh-CN": "按日期字段触发"}
    description = {"en": "Starts for each record on a day relative to one of its dates, e.g. 90 days before end_date.",
                   "zh-CN": "按记录中的日期字段在相对的某天启动，例如到期日前 90 天。"}
    Options = DateOptions

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        return super().check(node, options, scope, path) + field_problem(
            scope, options.field, f"{path}.field", storages={"date", "datetime"})


class ManualOptions(TriggerOptions):
    label: I18nText | None = None
    bulk: bool = Field(True, description="also offered on a list selection")


@register
class ManualTrigger(Trigger):
    type = "trigger.manual"
    names = {"en": "Button", "zh-CN": "按钮触发"}
    description = {"en": "A button on a record (or a list selection) starts it.", "zh-CN": "在记录上（或列表多选后）点击按钮启动。"}
    Options = ManualOptions


class WebhookOptions(Strict):
    create_record: bool = Field(False, description="the JSON body becomes a record of the flow's form")


@register
class WebhookTrigger(Trigger):
    type = "trigger.webhook"
    names = {"en": "Inbound webhook", "zh-CN": "Webhook 触发"}
    description = {"en": "Another system calls a secret URL to start it.", "zh-CN": "其他系统调用带密钥的地址来启动。"}
    Options = WebhookOptions
    needs_form = False

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        if options.create_record and scope.specs is None:
            return [problem(f"{path}.create_record", "Creating a record needs the flow's form.",
                            "创建记录需要关联表单。", "no_form")]
        return []
