"""The pure state machine, driven by a tiny in-memory runner: people resolve from a table,
tasks are read from the effects, and every effect is checked as a person would see it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from engines import expr
from engines.flow import Env, FlowError, FlowInvalid, compile_flow, effects as fx, step

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
SCHEMA = expr.Schema({"amount": "number", "title": "text"})


def node(id, type, **config):
    return {"id": id, "type": type, "config": config}


def users(*ids):
    return [{"kind": "users", "users": list(ids)}]


def edge(a, b, **extra):
    return {"source": a, "target": b, **extra}


def flow(nodes, edges):
    return compile_flow({"key": "f", "name": {"en": "F"}, "nodes": nodes, "edges": edges},
                        _scope())


def _scope():
    from engines.flow import FlowScope

    return FlowScope(specs={}, schema=SCHEMA, forms=lambda key: {} if key == "contracts" else None)


class Driver:
    """Applies effects the way the runner does, minus the database."""

    def __init__(self, compiled, record=None):
        self.flow, self.state, self.record = compiled, None, record or {}
        self.tasks: dict[str, dict] = {}
        self.timers: dict[str, fx.Schedule] = {}
        self.log: list = []
        self.now = NOW

    def send(self, event):
        queue = [event]
        while queue:
            self.state, effects = step(self.flow, self.state, queue.pop(0),
                                       Env(now=self.now, record=self.record, context=expr.Context(now=self.now)))
            for effect in effects:
                self.log.append(effect)
                if isinstance(effect, fx.Resolve):
                    found = [u for rule in effect.rules for u in rule.get("users", [])] or effect.chosen
                    if effect.purpose == "escalate":
                        found = [99]
                    queue.append(fx.Resolved(effect.node, effect.round, found, effect.purpose))
                elif isinstance(effect, fx.OpenTask):
                    self.tasks[effect.key] = {"user": effect.user, "node": effect.node, "status": "pending", "kind": effect.kind}
                elif isinstance(effect, fx.CloseTask):
                    self.tasks[effect.key]["status"] = effect.status
                elif isinstance(effect, fx.SetTask):
                    self.tasks[effect.key]["status"] = effect.status
                elif isinstance(effect, fx.Schedule):
                    self.timers[effect.key] = effect
                elif isinstance(effect, fx.Unschedule):
                    self.timers = {k: v for k, v in self.timers.items() if not k.startswith(effect.prefix)}
                elif isinstance(effect, fx.Automate):
                    queue.append(fx.Done(effect.node, effect.round, {"ran": effect.type}))
        return self

    def open(self, user=None):
        return [k for k, t in self.tasks.items() if t["status"] == "pending" and (user is None or t["user"] == user)]

    def task(self, user):
        (key,) = self.open(user)
        return key

    def fire_due(self):
        due = [t for t in self.timers.values() if t.due_at <= self.now]
        for timer in due:
            self.timers.pop(timer.key)
            self.send(timer.wake)

    @property
    def status(self):
        return self.state["status"]


ORDER_REVIEW = [
    node("t", "trigger.submit"),
    node("split", "parallel"),
    node("tech", "approval", assignees=users(2, 3), mode="all"),
    node("buy", "approval", assignees=users(4)),
    node("join", "join"),
    node("finance", "approval", assignees=users(5)),
    node("big", "condition"),
    node("gm", "approval", assignees=users(6)),
    node("contract", "create_record", form="contracts", values={}),
    node("end", "end"),
]
ORDER_EDGES = [
    edge("t", "split"), edge("split", "tech"), edge("split", "buy"), edge("tech", "join"), edge("buy", "join"),
    edge("join", "finance"), edge("finance", "big"), edge("big", "gm", condition="amount > 500000"),
    edge("big", "contract", default=True), edge("gm", "contract"), edge("contract", "end"),
]


def test_order_review_over_500k_goes_to_the_general_manager():
    d = Driver(flow(ORDER_NODES := ORDER_REVIEW, ORDER_EDGES), {"amount": Decimal(600000)}).send(fx.Start(1))
    assert sorted(d.tasks[k]["user"] for k in d.open()) == [2, 3, 4]
    assert any(isinstance(e, fx.RecordStatus) and e.status == "running" for e in d.log)
    d.send(fx.Vote(d.task(2), 2, "approve"))
    d.send(fx.Vote(d.task(4), 4, "approve"))
    assert d.open(5) == []  # technical review still waits for 3
    d.send(fx.Vote(d.task(3), 3, "approve"))
    d.send(fx.Vote(d.task(5), 5, "approve"))
    d.send(fx.Vote(d.task(6), 6, "approve"))
    assert d.status == "approved"
    assert any(isinstance(e, fx.Automate) and e.node == "contract" for e in d.log)
    assert [e.status for e in d.log if isinstance(e, fx.RecordStatus)][-1] == "approved"


def test_small_order_skips_the_general_manager_and_reject_ends_it():
    d = Driver(flow(ORDER_REVIEW, ORDER_EDGES), {"amount": Decimal(1000)}).send(fx.Start(1))
    for user in (2, 3, 4):
        d.send(fx.Vote(d.task(user), user, "approve"))
    d.send(fx.Vote(d.task(5), 5, "approve"))
    assert d.status == "approved" and not any(t["user"] == 6 for t in d.tasks.values())

    d = Driver(flow(ORDER_REVIEW, ORDER_EDGES), {"amount": Decimal(1000)}).send(fx.Start(1))
    with pytest.raises(FlowError) as err:
        d.send(fx.Vote(d.task(4), 4, "reject"))
    assert err.value.code == "comment_required"
    d.send(fx.Vote(d.task(4), 4, "reject", "too expensive"))
    assert d.status == "rejected" and d.open() == []


def test_double_vote_is_refused():
    d = Driver(flow(ORDER_REVIEW, ORDER_EDGES), {"amount": Decimal(1)}).send(fx.Start(1))
    key = d.task(4)
    d.send(fx.Vote(key, 4, "approve"))
    with pytest.raises(FlowError):
        d.send(fx.Vote(key, 4, "approve"))


LINE = [node("t", "trigger.submit"), node("a", "approval", assignees=users(2)),
        node("b", "approval", assignees=users(3), resume_at_sender=False), node("end", "end")]
LINE_EDGES = [edge("t", "a"), edge("a", "b"), edge("b", "end")]


def test_send_back_to_previous_then_to_initiator_and_resubmit():
    d = Driver(flow(LINE, LINE_EDGES)).send(fx.Start(1))
    d.send(fx.Vote(d.task(2), 2, "approve"))
    d.send(fx.SendBack(d.task(3), 3, "previous", "check again"))
    assert d.open() == [d.task(2)]
    d.send(fx.Vote(d.task(2), 2, "approve"))
    d.send(fx.SendBack(d.task(3), 3, "initiator", "fix the amount"))
    assert d.tasks[d.task(1)]["kind"] == "resubmit"
    assert [e.status for e in d.log if isinstance(e, fx.RecordStatus)][-1] == "returned"
    d.send(fx.Resubmit(d.task(1), 1))
    d.send(fx.Vote(d.task(2), 2, "approve"))
    d.send(fx.Vote(d.task(3), 3, "approve"))
    assert d.status == "approved"


def test_transfer_and_add_signers():
    d = Driver(flow(LINE, LINE_EDGES)).send(fx.Start(1))
    d.send(fx.Transfer(d.task(2), 2, 7))
    assert d.open(2) == [] and d.open(7)
    d.send(fx.AddSigners(d.task(7), 7, [8], "before"))
    assert d.tasks[[k for k, t in d.tasks.items() if t["user"] == 7][-1]]["status"] == "waiting"
    d.send(fx.Vote(d.task(8), 8, "approve"))
    d.send(fx.AddSigners(d.task(7), 7, [9], "after"))
    assert d.open(3) == []  # 9 must approve first
    d.send(fx.Vote(d.task(9), 9, "approve"))
    assert d.open(3)


def test_withdraw_only_before_anyone_acted():
    d = Driver(flow(LINE, LINE_EDGES)).send(fx.Start(1))
    with pytest.raises(FlowError):
        d.send(fx.Withdraw(2))
    d.send(fx.Withdraw(1))
    assert d.status == "withdrawn" and d.open() == []
    d = Driver(flow(LINE, LINE_EDGES)).send(fx.Start(1))
    d.send(fx.Vote(d.task(2), 2, "approve"))
    with pytest.raises(FlowError):
        d.send(fx.Withdraw(1))


def test_timeout_reminds_then_escalates():
    nodes = [node("t", "trigger.submit"),
             node("a", "approval", assignees=users(2),
                  timeout={"after": {"amount": 4, "unit": "hours"}, "reminders": [{"amount": 2, "unit": "hours"}],
                           "action": "escalate"}),
             node("end", "end")]
    d = Driver(flow(nodes, [edge("t", "a"), edge("a", "end")])).send(fx.Start(1))
    d.now = NOW + timedelta(hours=2)
    d.fire_due()
    assert any(isinstance(e, fx.Notify) and e.kind == "remind" for e in d.log)
    d.now = NOW + timedelta(hours=4)
    d.fire_due()
    assert d.open(2) == [] and d.open(99)
    d.send(fx.Vote(d.task(99), 99, "approve"))
    assert d.status == "approved"


def test_stale_timer_after_decision_is_ignored():
    nodes = [node("t", "trigger.submit"),
             node("a", "approval", assignees=users(2), timeout={"after": {"amount": 1, "unit": "hours"}, "action": "reject"}),
             node("end", "end")]
    d = Driver(flow(nodes, [edge("t", "a"), edge("a", "end")])).send(fx.Start(1))
    wake = next(iter(d.timers.values())).wake
    d.send(fx.Vote(d.task(2), 2, "approve"))
    d.send(wake)
    assert d.status == "approved"


def test_delay_waits_for_its_timer():
    nodes = [node("t", "trigger.record_updated"), node("wait", "delay", duration={"amount": 3, "unit": "days"}),
             node("todo", "create_todo", assignees=users(2), title={"en": "Call"}), node("end", "end")]
    d = Driver(flow(nodes, [edge("t", "wait"), edge("wait", "todo"), edge("todo", "end")])).send(fx.Start(None))
    (timer,) = d.timers.values()
    assert timer.due_at == NOW + timedelta(days=3)
    assert d.status == "running"
    d.now = timer.due_at
    d.fire_due()
    assert d.status == "completed"


def test_or_sign_first_vote_decides_and_closes_the_rest():
    nodes = [node("t", "trigger.submit"), node("a", "approval", assignees=users(2, 3), mode="any"), node("end", "end")]
    d = Driver(flow(nodes, [edge("t", "a"), edge("a", "end")])).send(fx.Start(1))
    other = d.task(3)
    d.send(fx.Vote(d.task(2), 2, "approve"))
    assert d.status == "approved" and d.tasks[other]["status"] == "cancelled"
    with pytest.raises(FlowError):
        d.send(fx.Vote(other, 3, "approve"))


@pytest.mark.parametrize("nodes,edges,path", [
    ([node("t", "trigger.submit"), node("a", "approval", assignees=users(2))], [edge("t", "a")], "nodes"),
    ([node("t", "trigger.submit"), node("c", "condition"), node("end", "end")],
     [edge("t", "c"), edge("c", "end", condition="amount >"), edge("c", "end", default=True)], "edges.1.condition"),
    ([node("t", "trigger.submit"), node("c", "condition"), node("a", "approval", assignees=users(2)), node("end", "end")],
     [edge("t", "c"), edge("c", "a", condition="amount > 1"), edge("c", "end", condition="amount < 1")], "nodes.1"),
    ([node("t", "trigger.submit"), node("p", "parallel"), node("a", "approval", assignees=users(2)),
      node("b", "approval", assignees=users(3)), node("end", "end")],
     [edge("t", "p"), edge("p", "a"), edge("p", "b"), edge("a", "end"), edge("b", "end")], "nodes.1"),
    ([node("t", "trigger.submit"), node("a", "approval", assignees=users(2)), node("b", "approval", assignees=users(3)),
      node("c", "condition"), node("end", "end")],
     [edge("t", "a"), edge("a", "b"), edge("b", "a")], "nodes"),
    ([node("t", "trigger.submit"), node("a", "approval", assignees=[{"kind": "role"}]), node("end", "end")],
     [edge("t", "a"), edge("a", "end")], "nodes.1.config.assignees.0.role"),
])
def test_bad_definitions_point_at_the_node(nodes, edges, path):
    with pytest.raises(FlowInvalid) as err:
        flow(nodes, edges)
    assert any(p["path"].startswith(path) for p in err.value.problems), err.value.problems
    assert all(p["message_zh"] for p in err.value.problems)


def test_unguarded_cycle_is_refused_and_a_guarded_one_allowed():
    nodes = [node("t", "trigger.submit"), node("a", "approval", assignees=users(2)), node("b", "approval", assignees=users(3)),
             node("end", "end")]
    with pytest.raises(FlowInvalid) as err:
        flow(nodes + [node("x", "approval", assignees=users(4))],
             [edge("t", "a"), edge("a", "b"), edge("b", "x"), edge("x", "a")])
    assert any(p["code"] in ("unguarded_cycle", "no_way_out") for p in err.value.problems)
    flow(nodes + [node("c", "condition")],
         [edge("t", "a"), edge("a", "b"), edge("b", "c"), edge("c", "a", condition="amount > 1"),
          edge("c", "end", default=True)])
