"""The flow state machine: `step(flow, state, event, env) → (new state, effects)`.

Pure: no clock, no database. The instance state is a JSON document the runner stores with the
instance; the caller's copy is never mutated. Its parts:

- `tokens`: where execution stands, one token per parallel branch, each with the human nodes it
  passed (`path`, for sending back) and the stack of parallel splits it is inside (`splits`).
- `nodes`: per node, the current `round` (a node entered again — after a send-back or in a
  guarded loop — starts a new round, so stale timers and answers are recognised and ignored),
  its `status`, and for human nodes the assignment `slots` (one per person: task key, user, vote).
- `joins`: tokens waiting at a parallel join.
- `status`: running | approved | rejected | completed | withdrawn | terminated | failed.

The graph is checked at publish time (`engines/flow/validate.py`); at run time a bound on the
number of node entries per event stops a runaway loop with a visible failure.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from engines import expr
from engines.flow import effects as fx
from engines.flow.calendar import DEFAULT_CALENDAR, WorkCalendar
from engines.flow.definition import FlowDef, NodeDef
from engines.flow.errors import FlowError
from engines.flow.nodes.base import NODE_TYPES, NodeType

MAX_ENTRIES_PER_EVENT = 500
FINAL = frozenset({"approved", "rejected", "completed", "withdrawn", "terminated"})


@dataclass(frozen=True, eq=False)
class CompiledFlow:
    """A checked definition with parsed node options, edge maps and type-checked formulas."""

    definition: FlowDef
    options: dict[str, Any]  # node id → parsed Options
    formulas: dict[str, expr.Formula]  # "node:<id>:<name>" and "edge:<index>" → formula
    outgoing: dict[str, list[int]]  # node id → indexes into definition.edges, in order
    incoming: dict[str, list[int]]
    joins: dict[str, str]  # parallel split id → its join id
    trigger: str  # the trigger node's id

    def node(self, node_id: str) -> NodeDef:
        return self._nodes[node_id]

    def type_of(self, node_id: str) -> NodeType:
        return NODE_TYPES.get(self._nodes[node_id].type)

    @property
    def _nodes(self) -> dict[str, NodeDef]:
        nodes = self.__dict__.get("_node_map")
        if nodes is None:
            nodes = {n.id: n for n in self.definition.nodes}
            object.__setattr__(self, "_node_map", nodes)
        return nodes

    def formula(self, name: str) -> expr.Formula | None:
        return self.formulas.get(name)

    def first_node(self) -> str:
        return self.definition.edges[self.outgoing[self.trigger][0]].target


@dataclass
class Env:
    """What the machine may know besides the state: the time, the record, the calendar."""

    now: datetime
    record: Mapping[str, Any] | None = None  # the record's values as formulas see them
    context: expr.Context | None = None  # for evaluating formulas
    calendar: WorkCalendar = DEFAULT_CALENDAR


def new_state(initiator: int | None) -> dict[str, Any]:
    return {"status": "running", "seq": 0, "tokens": {}, "nodes": {}, "joins": {}, "initiator": initiator,
            "chosen": {}, "last_approvers": [], "error": None}


@dataclass
class Run:
    """One event being applied: the working copy of the state and the effects so far."""

    flow: CompiledFlow
    state: dict[str, Any]
    env: Env
    effects: list[Any] = field(default_factory=list)
    entries: int = 0

    # ------------------------------------------------------------------ bookkeeping
    def emit(self, effect: Any) -> None:
        """Timers are remembered in the state, so unscheduling costs nothing when none are pending."""
        if isinstance(effect, fx.Schedule):
            self.state.setdefault("timers", []).append(effect.key)
        elif isinstance(effect, fx.Unschedule):
            pending = self.state.get("timers") or []
            if not any(key.startswith(effect.prefix) for key in pending):
                return
            self.state["timers"] = [key for key in pending if not key.startswith(effect.prefix)]
        self.effects.append(effect)

    def next_key(self, prefix: str) -> str:
        self.state["seq"] += 1
        return f"{prefix}{self.state['seq']}"

    def node_state(self, node_id: str) -> dict[str, Any]:
        return self.state["nodes"].setdefault(node_id, {"round": 0, "status": "idle"})

    def timeline(self, kind: str, node: str | None = None, actor: int | None = None, comment: str = "",
                 **data: Any) -> None:
        self.emit(fx.Timeline(kind, node, actor, comment, data))

    def evaluate(self, name: str) -> Any:
        formula = self.flow.formula(name)
        if formula is None:
            return None
        context = self.env.context or expr.Context(now=self.env.now)
        return formula.evaluate(self.env.record or {}, context)

    @property
    def running(self) -> bool:
        return self.state["status"] == "running"

    # ------------------------------------------------------------------ moving tokens
    def spawn(self, node_id: str, path: list[list[Any]] | None = None, splits: list[str] | None = None) -> str:
        key = self.next_key("k")
        self.state["tokens"][key] = {"node": node_id, "path": path or [], "splits": splits or []}
        return key

    def enter(self, token: str, node_id: str) -> None:
        if not self.running:
            return
        self.entries += 1
        if self.entries > MAX_ENTRIES_PER_EVENT:
            self.fail(node_id, {"code": "loop", "detail": "The flow entered nodes too many times in one step."})
            return
        self.state["tokens"][token]["node"] = node_id
        node = self.flow.node(node_id)
        kind = self.flow.type_of(node_id)
        if kind.category in ("human", "automation", "control") and kind.type not in ("condition", "parallel", "join"):
            ns = self.node_state(node_id)
            ns["round"] += 1
            ns["status"] = "active"
            ns["token"] = token
        kind.enter(self, token, node)

    def leave(self, token: str, node_id: str, edges: list[int] | None = None) -> None:
        """Move the token along the node's outgoing edge (or the given ones)."""
        if not self.running:
            return
        chosen = self.flow.outgoing.get(node_id, []) if edges is None else edges
        if not chosen:  # a dead end (the validator forbids it for anything but an end node)
            self.drop_token(token)
            return
        if len(chosen) > 1:  # only a parallel split forks; it spawns its own tokens
            raise AssertionError("leave() takes one edge")
        self.enter(token, self.flow.definition.edges[chosen[0]].target)

    def drop_token(self, token: str) -> None:
        self.state["tokens"].pop(token, None)
        if self.running and not self.state["tokens"] and not self.state["joins"]:
            self.finish("completed")

    def record_path(self, token: str, node_id: str) -> None:
        """A human node completed on this token: remember it for sending back."""
        t = self.state["tokens"][token]
        t["path"] = [*t["path"], [node_id, len(t["splits"])]]

    # ------------------------------------------------------------------ tasks
    def open_task(self, node_id: str, slot: dict[str, Any], kind: str) -> None:
        ns = self.node_state(node_id)
        slot["key"] = self.next_key("t")
        slot["status"] = "pending"
        data = {k: slot[k] for k in ("delegated_from", "added", "parent", "transferred_from") if slot.get(k)}
        due = datetime.fromisoformat(ns["due_at"]) if ns.get("due_at") else None
        self.emit(fx.OpenTask(slot["key"], node_id, ns["round"], kind, slot["user"], due, data))

    def close_open_tasks(self, node_id: str, status: str) -> None:
        for slot in self.node_state(node_id).get("slots", []):
            if slot.get("status") in ("pending", "waiting"):
                slot["status"] = status
                if slot.get("key"):  # a slot its mode never opened has no task
                    self.emit(fx.CloseTask(slot["key"], status))

    def find_slot(self, task: str) -> tuple[str, dict[str, Any]]:
        for node_id, ns in self.state["nodes"].items():
            for slot in ns.get("slots", []):
                if slot.get("key") == task:
                    return node_id, slot
        raise FlowError("no_task", "This task does not belong to the flow.", "该任务不属于此流程。")

    def open_slot(self, task: str) -> tuple[str, dict[str, Any]]:
        node_id, slot = self.find_slot(task)
        if slot["status"] != "pending" or self.node_state(node_id).get("status") != "active" or not self.running:
            raise FlowError("task_closed", "This task has already been handled.", "该任务已处理。")
        return node_id, slot

    # ------------------------------------------------------------------ ending
    def cancel_everything(self, status: str, keep_token: str | None = None) -> None:
        for node_id, ns in self.state["nodes"].items():
            if ns.get("status") == "active" and ns.get("token") != keep_token:
                self.close_open_tasks(node_id, status)
                ns["status"] = "cancelled"
                self.emit(fx.Unschedule(f"{node_id}:"))
        if keep_token is None:
            self.state["tokens"].clear()
        else:
            self.state["tokens"] = {k: v for k, v in self.state["tokens"].items() if k == keep_token}
        self.state["joins"] = {}

    def finish(self, status: str) -> None:
        if not self.running:
            return
        self.cancel_everything("cancelled")
        self.emit(fx.Unschedule(""))
        self.state["status"] = status
        self.emit(fx.Finished(status))
        trigger = self.flow.type_of(self.flow.trigger)
        if getattr(trigger, "governs_status", False):
            self.emit(fx.RecordStatus(status if status != "completed" else "approved"))
        self.timeline("finished", status=status)
        self.emit(fx.Notify([self.state["initiator"]] if self.state["initiator"] else [], "finished",
                            data={"status": status}))

    def fail(self, node_id: str, error: dict[str, Any]) -> None:
        ns = self.node_state(node_id)
        ns["status"] = "failed"
        ns["error"] = error
        self.state["status"] = "failed"
        self.state["error"] = {"node": node_id, **error}
        self.timeline("failed", node_id, error=error)


def step(flow: CompiledFlow, state: Mapping[str, Any] | None, event: Any, env: Env) -> tuple[dict[str, Any], list[Any]]:
    """Apply one event. Raises FlowError (state untouched) for an event the instance cannot take."""
    working = copy.deepcopy(dict(state)) if state is not None else new_state(getattr(event, "initiator", None))
    run = Run(flow, working, env)
    _HANDLERS[type(event)](run, event)
    return run.state, run.effects


# ---------------------------------------------------------------------- event handlers

def _start(run: Run, event: fx.Start) -> None:
    if run.state["tokens"] or run.state["nodes"]:
        raise FlowError("started", "The flow has already started.", "流程已启动。")
    run.state["chosen"] = {k: list(v) for k, v in event.chosen.items()}
    trigger = run.flow.type_of(run.flow.trigger)
    if getattr(trigger, "governs_status", False):
        run.emit(fx.RecordStatus("running"))
    run.timeline("started", run.flow.trigger, event.initiator)
    token = run.spawn(run.flow.trigger)
    run.leave(token, run.flow.trigger)


def _node_event(run: Run, node_id: str, round_: int | None, method: str, event: Any) -> None:
    ns = run.state["nodes"].get(node_id)
    if ns is None or (round_ is not None and ns.get("round") != round_) or ns.get("status") not in ("active", "failed"):
        return  # stale: the node moved on (sent back, decided, cancelled) since this was asked
    if ns.get("status") == "failed" and not isinstance(event, fx.Failed):
        return
    if not run.running and run.state["status"] != "failed":
        return
    handler = getattr(run.flow.type_of(node_id), method, None)
    if handler is not None:
        handler(run, node_id, event)


def _resolved(run: Run, event: fx.Resolved) -> None:
    _node_event(run, event.node, event.round, "on_resolved", event)


def _task_event(method: str):
    def handle(run: Run, event: Any) -> None:
        node_id, _ = run.find_slot(event.task)
        handler = getattr(run.flow.type_of(node_id), method, None)
        if handler is None:
            raise FlowError("not_allowed", "This task does not take that action.", "此任务不支持该操作。")
        handler(run, node_id, event)
    return handle


def _withdraw(run: Run, event: fx.Withdraw) -> None:
    if not run.running:
        raise FlowError("not_running", "The flow is no longer running.", "流程已结束。")
    if not run.flow.definition.settings.allow_withdraw:
        raise FlowError("no_withdraw", "This flow cannot be withdrawn.", "此流程不允许撤回。")
    if event.actor != run.state["initiator"]:
        raise FlowError("not_initiator", "Only the initiator can withdraw.", "只有发起人可以撤回。")
    for ns in run.state["nodes"].values():
        for slot in ns.get("slots", []):
            if slot.get("vote") and not slot.get("auto") and slot.get("user") != event.actor:
                raise FlowError("already_acted", "Someone has already acted on it; it can no longer be withdrawn.",
                                "已有人处理，无法撤回。")
    run.timeline("withdrawn", None, event.actor, event.comment)
    run.finish("withdrawn")


def _terminate(run: Run, event: fx.Terminate) -> None:
    if run.state["status"] not in ("running", "failed"):
        raise FlowError("not_running", "The flow is no longer running.", "流程已结束。")
    run.state["status"] = "running"
    run.timeline("terminated", None, event.actor, event.comment)
    run.finish("terminated")


def _resubmit(run: Run, event: fx.Resubmit) -> None:
    node_id, slot = run.find_slot(event.task)
    if node_id != run.flow.trigger or slot["status"] != "pending" or not run.running:
        raise FlowError("task_closed", "This task has already been handled.", "该任务已处理。")
    resume = run.state.pop("resume")
    slot.update(status="resubmitted", vote="approve")
    run.node_state(node_id)["status"] = "done"
    run.emit(fx.CloseTask(slot["key"], "resubmitted", event.actor, event.comment))
    if getattr(run.flow.type_of(node_id), "governs_status", False):
        run.emit(fx.RecordStatus("running"))
    run.timeline("resubmitted", None, event.actor, event.comment)
    token = resume["token"]
    if resume["node"] == run.flow.first_node():
        run.state["tokens"][token]["path"] = []
    run.enter(token, resume["node"])


def _wake(run: Run, event: fx.Wake) -> None:
    fired = f"{event.node}:{event.round}:{event.what}" + (f":{event.n}" if event.what == "remind" else "")
    run.state["timers"] = [key for key in run.state.get("timers") or [] if key != fired]
    _node_event(run, event.node, event.round, "on_wake", event)


def _done(run: Run, event: fx.Done) -> None:
    _node_event(run, event.node, event.round, "on_done", event)


def _failed(run: Run, event: fx.Failed) -> None:
    ns = run.state["nodes"].get(event.node)
    if ns is None or ns.get("round") != event.round or ns.get("status") != "active" or not run.running:
        return
    run.fail(event.node, event.error)


def _retry(run: Run, event: fx.Retry) -> None:
    ns = run.state["nodes"].get(event.node)
    if run.state["status"] != "failed" or ns is None or ns.get("status") != "failed":
        raise FlowError("not_failed", "Only a failed step can be retried.", "只能重试失败的步骤。")
    run.state["status"] = "running"
    run.state["error"] = None
    ns["status"] = "active"
    ns["round"] += 1
    ns.pop("error", None)
    run.timeline("retried", event.node, event.actor)
    run.flow.type_of(event.node).enter(run, ns["token"], run.flow.node(event.node))


_HANDLERS = {
    fx.Start: _start,
    fx.Resolved: _resolved,
    fx.Vote: _task_event("on_vote"),
    fx.SendBack: _task_event("on_send_back"),
    fx.Transfer: _task_event("on_transfer"),
    fx.AddSigners: _task_event("on_add_signers"),
    fx.Withdraw: _withdraw,
    fx.Terminate: _terminate,
    fx.Resubmit: _resubmit,
    fx.Wake: _wake,
    fx.Done: _done,
    fx.Failed: _failed,
    fx.Retry: _retry,
}
