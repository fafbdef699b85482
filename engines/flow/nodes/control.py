"""Control nodes: exclusive condition branch, parallel split and join, delay, sub-flow, end."""

from __future__ import annotations

from datetime import datetime, time, timezone
from typing import Any, Literal

from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from engines.flow import effects as fx
from engines.flow.definition import NodeDef
from engines.flow.nodes.base import register, FlowScope, NodeType, Problem, field_problem, problem
from engines.flow.nodes.common import Duration, Strict

if TYPE_CHECKING:
    from engines.flow.machine import Run


@register
class ConditionNode(NodeType):
    """Takes the first outgoing edge whose condition holds, in the order drawn, else the default."""

    type = "condition"
    category = "control"
    names = {"en": "Condition branch", "zh-CN": "条件分支"}
    description = {"en": "Goes one way: the first branch whose condition holds, otherwise the default branch.",
                   "zh-CN": "按顺序取第一个条件成立的分支，都不成立时走默认分支。"}
    outputs = "many"

    def enter(self, run: Run, token: str, node: NodeDef) -> None:
        default = None
        for index in run.flow.outgoing.get(node.id, []):
            edge = run.flow.definition.edges[index]
            if edge.default:
                default = index
                continue
            try:
                holds = run.evaluate(f"edge:{index}")
            except Exception as exc:  # an expression failing on this record's data: visible, retryable
                run.fail(node.id, {"code": "condition_failed", "detail": str(exc), "edge": index})
                return
            if holds is True:
                run.timeline("branch", node.id, edge=index, target=edge.target)
                run.leave(token, node.id, [index])
                return
        if default is None:
            run.fail(node.id, {"code": "no_branch", "detail": "No branch condition holds and there is no default."})
            return
        run.timeline("branch", node.id, edge=default, target=run.flow.definition.edges[default].target)
        run.leave(token, node.id, [default])


@register
class ParallelNode(NodeType):
    """Every outgoing branch runs; the matching join waits for all of them."""

    type = "parallel"
    category = "control"
    names = {"en": "Parallel split", "zh-CN": "并行分支"}
    description = {"en": "All branches run at the same time; they meet again at a join.",
                   "zh-CN": "所有分支同时进行，并在汇聚节点会合。"}
    outputs = "many"

    def enter(self, run: Run, token: str, node: NodeDef) -> None:
        parent = run.state["tokens"].pop(token)
        branches = run.flow.outgoing.get(node.id, [])
        join = run.flow.joins[node.id]
        run.state["joins"][f"{join}@{node.id}@{run.next_key('j')}"] = {"join": join, "expected": len(branches), "arrived": []}
        children = [run.spawn(node.id, list(parent["path"]), [*parent["splits"], node.id]) for _ in branches]
        for child, index in zip(children, branches):
            run.leave(child, node.id, [index])


@register
class JoinNode(NodeType):
    type = "join"
    category = "control"
    names = {"en": "Join", "zh-CN": "汇聚"}
    description = {"en": "Waits until every branch of its parallel split has arrived.",
                   "zh-CN": "等待并行分支全部到达后继续。"}

    def enter(self, run: Run, token: str, node: NodeDef) -> None:
        tok = run.state["tokens"].pop(token)
        split = tok["splits"][-1] if tok["splits"] else None
        key = next((k for k, v in run.state["joins"].items() if v["join"] == node.id and k.split("@")[1] == split), None)
        if key is None:  # the validator pairs joins with splits; a stray token simply continues
            run.state["tokens"][token] = tok
            run.leave(token, node.id)
            return
        waiting = run.state["joins"][key]
        waiting["arrived"].append(tok["path"])
        if len(waiting["arrived"]) < waiting["expected"]:
            return
        del run.state["joins"][key]
        merged_path = [entry for path in waiting["arrived"] for entry in path]
        seen: set[str] = set()
        path = [e for e in merged_path if not (e[0] in seen or seen.add(e[0]))]
        merged = run.spawn(node.id, [[n, min(d, len(tok["splits"]) - 1)] for n, d in path], tok["splits"][:-1])
        run.timeline("joined", node.id)
        run.leave(merged, node.id)


class DelayOptions(Strict):
    mode: Literal["duration", "until_field", "time_of_day"] = "duration"
    duration: Duration | None = None
    field: str | None = Field(None, max_length=48, description="until_field: a date or date-time field")
    offset: Duration | None = Field(None, description="until_field: this long after the field's moment")
    before: bool = Field(False, description="until_field: the offset counts back from the field's moment")
    at: time | None = Field(None, description="time_of_day: the next working day's time, or the field's day at this time")

    @model_validator(mode="after")
    def _complete(self) -> "DelayOptions":
        if self.mode == "duration" and self.duration is None:
            raise ValueError("a duration delay needs `duration`")
        if self.mode == "until_field" and not self.field:
            raise ValueError("an until-field delay needs `field`")
        if self.mode == "time_of_day" and self.at is None:
            raise ValueError("a time-of-day delay needs `at`")
        return self


@register
class DelayNode(NodeType):
    type = "delay"
    category = "control"
    names = {"en": "Delay", "zh-CN": "延时"}
    description = {"en": "Waits a while, until a date field's moment, or until a time of day on working days.",
                   "zh-CN": "等待一段时间、等到日期字段的时间，或等到工作日的某个时刻。"}
    Options = DelayOptions

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        return field_problem(scope, options.field, f"{path}.field", storages={"date", "datetime"})

    def due(self, run: Run, options: DelayOptions) -> datetime:
        now, calendar = run.env.now, run.env.calendar
        if options.mode == "duration":
            return options.duration.after(now, calendar)
        if options.mode == "time_of_day":
            return calendar.next_at(now, options.at)
        value = (run.env.record or {}).get(options.field)
        if value is None:
            return now  # an empty date: nothing to wait for
        moment = _moment(value, options.at, run)
        if options.offset is not None:
            if options.before:  # counted back in calendar time: "3 days before end_date"
                plain = options.offset.model_copy(update={"business": False})
                moment = moment - (plain.after(moment, calendar) - moment)
            else:
                moment = options.offset.after(moment, calendar)
        return max(moment, now)

    def enter(self, run: Run, token: str, node: NodeDef) -> None:
        ns = run.node_state(node.id)
        due = self.due(run, run.flow.options[node.id])
        ns["due_at"] = due.isoformat()
        run.timeline("waiting", node.id, until=due.isoformat())
        run.emit(fx.Schedule(f"{node.id}:{ns['round']}:delay", due, fx.Wake(node.id, ns["round"], "delay")))

    def on_wake(self, run: Run, node_id: str, event: fx.Wake) -> None:
        if event.what != "delay":
            return
        ns = run.node_state(node_id)
        ns["status"] = "done"
        run.leave(ns["token"], node_id)


def _moment(value: Any, at: time | None, run: Run) -> datetime:
    """A date or date-time field value as an aware moment (dates at `at`, or midnight, local time)."""
    tz = run.env.context.tz if run.env.context is not None and run.env.context.tz else timezone.utc
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return datetime.combine(value, at or time(0), tzinfo=tz)


class SubflowOptions(Strict):
    flow: str = Field(pattern=r"^[a-z][a-z0-9_]{0,47}$")
    wait: bool = Field(True, description="wait for the sub-flow to finish")


@register
class SubflowNode(NodeType):
    type = "subflow"
    category = "control"
    names = {"en": "Sub-flow", "zh-CN": "子流程"}
    description = {"en": "Starts another flow of the app on the same record.", "zh-CN": "在同一条记录上启动本应用的另一个流程。"}
    Options = SubflowOptions

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        if scope.flows and options.flow not in scope.flows:
            return [problem(f"{path}.flow", f"The app has no flow '{options.flow}'.", f"应用中没有流程“{options.flow}”。",
                            "unknown_flow")]
        return []

    def enter(self, run: Run, token: str, node: NodeDef) -> None:
        ns = run.node_state(node.id)
        options = run.flow.options[node.id]
        run.emit(fx.StartSubflow(node.id, ns["round"], options.flow, options.wait))
        if not options.wait:
            ns["status"] = "done"
            run.leave(token, node.id)

    def on_done(self, run: Run, node_id: str, event: fx.Done) -> None:
        ns = run.node_state(node_id)
        ns["status"] = "done"
        ns["output"] = event.output
        run.timeline("subflow_done", node_id, **event.output)
        run.leave(ns["token"], node_id)


class EndOptions(Strict):
    status: Literal["approved", "rejected", "completed"] | None = Field(
        None, description="the flow's result; by default approved for approval flows, completed otherwise")


@register
class EndNode(NodeType):
    type = "end"
    category = "control"
    names = {"en": "End", "zh-CN": "结束"}
    description = {"en": "The flow ends here with a result.", "zh-CN": "流程在此结束并给出结果。"}
    Options = EndOptions
    outputs = "none"

    def enter(self, run: Run, token: str, node: NodeDef) -> None:
        status = run.flow.options[node.id].status
        if status is None:
            status = "approved" if getattr(run.flow.type_of(run.flow.trigger), "governs_status", False) else "completed"
        run.state["tokens"].pop(token, None)
        run.finish(status)
