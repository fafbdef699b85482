"""Human nodes: approval (with its modes), fill-in and CC.

An approval or fill-in node asks the runner for its people (`Resolve`), gives each a **slot**
(user, vote, task key) and opens tasks for the slots its mode makes active. Votes, transfers,
added signers, send-backs and timeouts change the slots; after each change the mode decides
(`engines/flow/modes.py`) whether the node passed, failed or waits. Signers added *before* a
person park that person's task until they all approve; signers added *after* must all approve
as well before the node passes.
"""

from __future__ import annotations

from typing import Any, Literal

from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from engines.flow import effects as fx
from engines.flow.definition import NodeDef
from engines.flow.errors import FlowError
from engines.flow.modes import MODES
from engines.flow.nodes.base import register, FlowScope, NodeType, Problem, field_problem, problem
from engines.flow.nodes.common import AssigneeRule, Duration, Strict

PEOPLE_STORAGES = {"ref", "refs"}
PEOPLE_TYPES = {"member", "members", "department", "departments", "created_by", "updated_by"}

if TYPE_CHECKING:
    from engines.flow.machine import Run


class Timeout(Strict):
    after: Duration
    reminders: list[Duration] = Field(default_factory=list, max_length=5,
                                      description="reminders, each counted from when the node's tasks opened")
    action: Literal["none", "approve", "reject", "escalate", "transfer"] = "none"
    transfer_to: int | None = None

    @model_validator(mode="after")
    def _target(self) -> "Timeout":
        if self.action == "transfer" and self.transfer_to is None:
            raise ValueError("a transfer on timeout needs transfer_to")
        return self


class HumanOptions(Strict):
    assignees: list[AssigneeRule] = Field(min_length=1, max_length=10)
    empty: Literal["skip", "admin", "fail"] = Field("admin", description="when nobody is found")
    fields: dict[str, Literal["read", "edit", "hidden"]] = Field(
        default_factory=dict, description="per field: what the assignee sees and may change (default read)")
    timeout: Timeout | None = None


class ApprovalOptions(HumanOptions):
    mode: str = Field("single", description="single | all (countersign) | any (or-sign) | sequential | ratio")
    mode_options: dict[str, Any] = Field(default_factory=dict)
    auto_pass_same: bool = Field(False, description="pass automatically for someone who approved the previous step")
    comment_required_on_reject: bool = True
    on_reject: Literal["end", "initiator"] = Field("end", description="end the flow, or return it to the initiator")
    resume_at_sender: bool = Field(False, description="after a return to the initiator, resubmission comes back here")
    allow_send_back: bool = True
    allow_transfer: bool = True
    allow_add_signer: bool = True


class FillOptions(HumanOptions):
    mode: Literal["any", "all"] = "any"
    allow_transfer: bool = True
    allow_send_back: bool = False
    allow_add_signer: bool = False
    resume_at_sender: bool = False
    on_reject: Literal["end", "initiator"] = "end"


class CcOptions(Strict):
    assignees: list[AssigneeRule] = Field(min_length=1, max_length=10)


def check_people(options: Any, scope: FlowScope, path: str) -> list[Problem]:
    problems: list[Problem] = []
    for i, rule in enumerate(options.assignees):
        rpath = f"{path}.assignees.{i}"
        if rule.kind == "users" and not rule.users:
            problems.append(problem(f"{rpath}.users", "Name at least one user.", "请至少指定一名成员。", "required"))
        if rule.kind == "departments" and not rule.departments:
            problems.append(problem(f"{rpath}.departments", "Name at least one department.", "请至少指定一个部门。",
                                    "required"))
        if rule.kind == "role":
            if not rule.role:
                problems.append(problem(f"{rpath}.role", "Choose an app role.", "请选择应用角色。", "required"))
            elif scope.roles and rule.role not in scope.roles:
                problems.append(problem(f"{rpath}.role", f"The app has no role '{rule.role}'.",
                                        f"应用中没有角色“{rule.role}”。", "unknown_role"))
        if rule.kind in ("field", "field_dept_head"):
            if not rule.field:
                problems.append(problem(f"{rpath}.field", "Choose a field.", "请选择字段。", "required"))
            else:
                problems += field_problem(scope, rule.field, f"{rpath}.field", types=PEOPLE_TYPES)
        if rule.kind == "expression" and not rule.expression:
            problems.append(problem(f"{rpath}.expression", "Write the expression.", "请填写表达式。", "required"))
    fields = getattr(options, "fields", {}) or {}
    for key in fields:
        problems += field_problem(scope, key, f"{path}.fields.{key}")
    return problems


def people_formulas(options: Any) -> dict[str, tuple[str, str | None]]:
    return {f"assignee{i}": (rule.expression, None) for i, rule in enumerate(options.assignees)
            if rule.kind == "expression" and rule.expression}


class HumanNode(NodeType):
    category = "human"
    task_kind = "approval"

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        return check_people(options, scope, path)

    def formulas(self, options: Any) -> dict[str, tuple[str, str | None]]:
        return people_formulas(options)

    # ---------------------------------------------------------------- entering and people
    def enter(self, run: Run, token: str, node: NodeDef) -> None:
        ns = run.node_state(node.id)
        ns["slots"] = []
        ns.pop("due_at", None)
        options = run.flow.options[node.id]
        run.emit(fx.Resolve(node.id, ns["round"], [r.model_dump(exclude_defaults=True) for r in options.assignees],
                            options.empty, chosen=list(run.state["chosen"].get(node.id, []))))

    def on_resolved(self, run: Run, node_id: str, event: fx.Resolved) -> None:
        if event.purpose == "escalate":
            self._escalated(run, node_id, event)
            return
        ns = run.node_state(node_id)
        options = run.flow.options[node_id]
        users = list(dict.fromkeys(u for u in event.users if u is not None))
        if not users:
            if options.empty == "skip":
                run.timeline("skipped", node_id, reason="nobody")
                self._complete(run, node_id)
            else:
                run.fail(node_id, {"code": "no_assignee", "detail": "Nobody was found to handle this step.",
                                   "detail_zh": "未找到此步骤的处理人。"})
            return
        ns["slots"] = [{"user": u, "vote": None, "status": "waiting", "delegated_from": event.delegated.get(u)}
                       for u in users]
        self._auto_pass(run, node_id, options)
        self._schedule_clocks(run, node_id, options)
        self._progress(run, node_id)

    def _auto_pass(self, run: Run, node_id: str, options: Any) -> None:
        pass

    def _schedule_clocks(self, run: Run, node_id: str, options: Any) -> None:
        timeout = options.timeout
        if timeout is None:
            return
        ns = run.node_state(node_id)
        now, calendar = run.env.now, run.env.calendar
        for n, reminder in enumerate(timeout.reminders):
            run.emit(fx.Schedule(f"{node_id}:{ns['round']}:remind:{n}", reminder.after(now, calendar),
                                 fx.Wake(node_id, ns["round"], "remind", n)))
        due = timeout.after.after(now, calendar)
        ns["due_at"] = due.isoformat()
        run.emit(fx.Schedule(f"{node_id}:{ns['round']}:timeout", due, fx.Wake(node_id, ns["round"], "timeout")))

    # ---------------------------------------------------------------- deciding
    def decision(self, run: Run, node_id: str) -> tuple[str, list[int]]:
        raise NotImplementedError

    def _progress(self, run: Run, node_id: str) -> None:
        ns = run.node_state(node_id)
        slots = ns["slots"]
        for slot in slots:  # a parked person whose added-before signers all approved gets the task back
            if slot["status"] == "waiting" and slot.get("key") and not slot.get("vote"):
                helpers = [s for s in slots if s.get("parent") == slot["key"] and s.get("added") == "before"]
                if helpers and all(s.get("vote") == "approve" for s in helpers):
                    slot["status"] = "pending"
                    run.emit(fx.SetTask(slot["key"], "pending"))
        if any(s.get("added") and s.get("vote") == "reject" for s in slots):
            self._reject(run, node_id)
            return
        decision, active = self.decision(run, node_id)
        if decision == "rejected":
            self._reject(run, node_id)
            return
        after_open = [s for s in slots if s.get("added") == "after" and s.get("vote") is None]
        if decision == "approved" and not after_open:
            self._complete(run, node_id)
            return
        if after_open:  # signers added after someone come next: the step waits for them
            return
        originals = [s for s in slots if not s.get("added")]
        for index in active:
            slot = originals[index]
            if slot["status"] == "waiting" and not slot.get("key"):
                run.open_task(node_id, slot, self.task_kind)
                run.emit(fx.Notify([slot["user"]], "task", node_id))

    def _complete(self, run: Run, node_id: str) -> None:
        ns = run.node_state(node_id)
        run.close_open_tasks(node_id, "cancelled")
        run.emit(fx.Unschedule(f"{node_id}:"))
        ns["status"] = "done"
        approvers = [s["user"] for s in ns.get("slots", []) if s.get("vote") == "approve" and not s.get("auto")]
        if self.task_kind == "approval":
            run.state["last_approvers"] = approvers
        token = ns["token"]
        run.record_path(token, node_id)
        run.timeline("passed", node_id)
        run.leave(token, node_id)

    def _reject(self, run: Run, node_id: str) -> None:
        ns = run.node_state(node_id)
        run.close_open_tasks(node_id, "cancelled")
        run.emit(fx.Unschedule(f"{node_id}:"))
        ns["status"] = "rejected"
        run.timeline("node_rejected", node_id)
        if run.flow.options[node_id].on_reject == "initiator" and run.state["initiator"]:
            _return_to_initiator(run, node_id, ns["token"])
        else:
            run.finish("rejected")

    # ---------------------------------------------------------------- operations
    def on_vote(self, run: Run, node_id: str, event: fx.Vote) -> None:
        _, slot = run.open_slot(event.task)
        options = run.flow.options[node_id]
        if event.vote == "reject":
            if self.task_kind != "approval":
                raise FlowError("cannot_reject", "A fill-in step cannot be rejected.", "填写节点不能拒绝。")
            if getattr(options, "comment_required_on_reject", False) and not event.comment.strip() and not event.auto:
                raise FlowError("comment_required", "Give a reason for rejecting.", "拒绝时必须填写意见。")
        status = {"approve": "approved" if self.task_kind == "approval" else "submitted", "reject": "rejected"}[event.vote]
        slot.update(vote=event.vote, status=status, auto=event.auto)
        run.emit(fx.CloseTask(slot["key"], status, event.actor, event.comment))
        run.timeline(status, node_id, event.actor, event.comment, task=slot["key"], auto=event.auto)
        self._progress(run, node_id)

    def on_transfer(self, run: Run, node_id: str, event: fx.Transfer) -> None:
        _, slot = run.open_slot(event.task)
        if not run.flow.options[node_id].allow_transfer and event.actor is not None:
            raise FlowError("no_transfer", "This step cannot be transferred.", "此节点不允许转交。")
        if event.to == slot["user"]:
            raise FlowError("same_user", "The task is already theirs.", "该任务已属于此人。")
        self._move_slot(run, node_id, slot, event.to, event.actor, event.comment, event.delegated_from)

    def _move_slot(self, run: Run, node_id: str, slot: dict, to: int, actor: int | None, comment: str,
                   delegated_from: int | None = None) -> None:
        run.emit(fx.CloseTask(slot["key"], "transferred", actor, comment))
        run.timeline("transferred", node_id, actor, comment, task=slot["key"], to=to, **{"from": slot["user"]})
        slot.update(transferred_from=slot["user"], user=to, delegated_from=delegated_from)
        run.open_task(node_id, slot, self.task_kind)
        run.emit(fx.Notify([to], "task", node_id))

    def on_add_signers(self, run: Run, node_id: str, event: fx.AddSigners) -> None:
        _, slot = run.open_slot(event.task)
        if not run.flow.options[node_id].allow_add_signer:
            raise FlowError("no_add_signer", "Signers cannot be added at this step.", "此节点不允许加签。")
        taken = {s["user"] for s in run.node_state(node_id)["slots"] if s["status"] in ("pending", "waiting")}
        users = [u for u in dict.fromkeys(event.users) if u not in taken]
        if not users:
            raise FlowError("no_signers", "Name someone who is not already handling this step.",
                            "请指定尚未处理此节点的人员。")
        run.timeline("signers_added", node_id, event.actor, event.comment, users=users, position=event.position)
        ns = run.node_state(node_id)
        if event.position == "before":
            slot["status"] = "waiting"
            run.emit(fx.SetTask(slot["key"], "waiting"))
        else:
            slot.update(vote="approve", status="approved")
            run.emit(fx.CloseTask(slot["key"], "approved", event.actor, event.comment))
        for user in users:
            added = {"user": user, "vote": None, "status": "waiting", "added": event.position, "parent": slot["key"]}
            ns["slots"].append(added)
            run.open_task(node_id, added, self.task_kind)
            run.emit(fx.Notify([user], "task", node_id))
        self._progress(run, node_id)

    def on_send_back(self, run: Run, node_id: str, event: fx.SendBack) -> None:
        _, slot = run.open_slot(event.task)
        if not run.flow.options[node_id].allow_send_back:
            raise FlowError("no_send_back", "This step cannot send the flow back.", "此节点不允许退回。")
        ns = run.node_state(node_id)
        token = ns["token"]
        path = run.state["tokens"][token]["path"]
        target = event.target
        if target == "previous":
            earlier = [entry for entry in path if entry[0] != node_id]
            target = earlier[-1][0] if earlier else "initiator"
        if target != "initiator" and target not in [entry[0] for entry in path]:
            raise FlowError("bad_target", "The flow can only go back to a step it has passed.",
                            "只能退回到已经过的节点。")
        slot.update(status="sent_back")
        run.emit(fx.CloseTask(slot["key"], "sent_back", event.actor, event.comment))
        run.close_open_tasks(node_id, "cancelled")
        run.emit(fx.Unschedule(f"{node_id}:"))
        ns["status"] = "sent_back"
        run.timeline("sent_back", node_id, event.actor, event.comment, target=target)
        if target == "initiator":
            _return_to_initiator(run, node_id, token)
            return
        index = max(i for i, entry in enumerate(path) if entry[0] == target)
        depth = path[index][1]
        tok = run.state["tokens"][token]
        if depth < len(tok["splits"]):  # back across a parallel split: the other branches stop
            run.cancel_everything("cancelled", keep_token=token)
            tok["splits"] = tok["splits"][:depth]
        tok["path"] = path[:index]
        run.enter(token, target)

    # ---------------------------------------------------------------- clocks
    def on_wake(self, run: Run, node_id: str, event: fx.Wake) -> None:
        ns = run.node_state(node_id)
        open_slots = [s for s in ns.get("slots", []) if s["status"] == "pending"]
        if event.what == "remind":
            run.emit(fx.Notify([s["user"] for s in open_slots], "remind", node_id))
            run.timeline("reminded", node_id)
            return
        if event.what != "timeout":
            return
        timeout = run.flow.options[node_id].timeout
        action = timeout.action if timeout else "none"
        run.timeline("overdue", node_id, action=action)
        if action == "approve":
            for slot in open_slots:
                if slot["status"] == "pending":
                    self.on_vote(run, node_id, fx.Vote(slot["key"], None, "approve", "", auto=True))
        elif action == "reject":
            self._reject(run, node_id)
        elif action == "transfer":
            for slot in open_slots:
                if slot["user"] != timeout.transfer_to:
                    self._move_slot(run, node_id, slot, timeout.transfer_to, None, "")
        elif action == "escalate":
            run.emit(fx.Resolve(node_id, ns["round"], [{"kind": "dept_head", "levels": 0}], "skip",
                                purpose="escalate", of_users=[s["user"] for s in open_slots]))
        else:
            run.emit(fx.Notify([s["user"] for s in open_slots], "remind", node_id, {"overdue": True}))

    def _escalated(self, run: Run, node_id: str, event: fx.Resolved) -> None:
        heads = [u for u in event.users if u is not None]
        if not heads:
            run.timeline("escalation_failed", node_id)
            return
        for slot in [s for s in run.node_state(node_id)["slots"] if s["status"] == "pending"]:
            if heads[0] != slot["user"]:
                self._move_slot(run, node_id, slot, heads[0], None, "", event.delegated.get(heads[0]))


def _return_to_initiator(run: Run, node_id: str, token: str) -> None:
    """The initiator gets a resubmit task; resubmitting resumes at the first step (or here)."""
    trigger = run.flow.trigger
    ts = run.node_state(trigger)
    ts["status"] = "active"  # so withdrawing or terminating closes the resubmit task
    options = run.flow.options[node_id]
    run.state["resume"] = {"node": node_id if getattr(options, "resume_at_sender", False) else run.flow.first_node(),
                           "token": token}
    slot = {"user": run.state["initiator"], "vote": None, "status": "waiting"}
    ts.setdefault("slots", []).append(slot)
    run.open_task(trigger, slot, "resubmit")
    if getattr(run.flow.type_of(trigger), "governs_status", False):
        run.emit(fx.RecordStatus("returned"))
    run.emit(fx.Notify([run.state["initiator"]], "returned", node_id))


@register
class ApprovalNode(HumanNode):
    type = "approval"
    names = {"en": "Approval", "zh-CN": "审批"}
    description = {"en": "People approve or reject: alone, all of them (countersign), any one (or-sign), in turn, or a "
                         "share of them.",
                   "zh-CN": "由审批人同意或拒绝：单人、会签（全部同意）、或签（一人即可）、依次审批或按比例。"}
    Options = ApprovalOptions
    task_kind = "approval"

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        problems = super().check(node, options, scope, path)
        if options.mode not in MODES:
            problems.append(problem(f"{path}.mode", f"Unknown approval mode '{options.mode}'.",
                                    f"未知的审批方式“{options.mode}”。", "unknown_mode"))
        else:
            try:
                MODES.get(options.mode).Options.model_validate(options.mode_options)
            except ValueError as exc:
                problems.append(problem(f"{path}.mode_options", str(exc).splitlines()[0], "审批方式的设置无效。"))
        return problems

    def decision(self, run: Run, node_id: str) -> tuple[str, list[int]]:
        options = run.flow.options[node_id]
        mode = MODES.get(options.mode)
        mode_options = mode.Options.model_validate(options.mode_options)
        votes = [s.get("vote") for s in run.node_state(node_id)["slots"] if not s.get("added")]
        return mode.decide(votes, mode_options), mode.active(votes, mode_options)

    def _auto_pass(self, run: Run, node_id: str, options: Any) -> None:
        if not options.auto_pass_same:
            return
        for slot in run.node_state(node_id)["slots"]:
            if slot["user"] in run.state["last_approvers"]:
                slot.update(vote="approve", status="approved", auto=True)
                run.timeline("auto_passed", node_id, slot["user"])


@register
class FillNode(HumanNode):
    type = "fill"
    names = {"en": "Fill in", "zh-CN": "填写"}
    description = {"en": "People complete fields of the record.", "zh-CN": "由指定人员补充填写记录的字段。"}
    Options = FillOptions
    task_kind = "fill"

    def decision(self, run: Run, node_id: str) -> tuple[str, list[int]]:
        mode = MODES.get(run.flow.options[node_id].mode)
        votes = [s.get("vote") for s in run.node_state(node_id)["slots"] if not s.get("added")]
        options = mode.Options()
        return mode.decide(votes, options), mode.active(votes, options)


@register
class CcNode(NodeType):
    type = "cc"
    category = "human"
    names = {"en": "CC", "zh-CN": "抄送"}
    description = {"en": "Notify people and let them read the record; the flow does not wait.",
                   "zh-CN": "通知相关人员并允许其查看记录，流程不等待。"}
    Options = CcOptions

    def check(self, node: NodeDef, options: Any, scope: FlowScope, path: str) -> list[Problem]:
        return check_people(options, scope, path)

    def formulas(self, options: Any) -> dict[str, tuple[str, str | None]]:
        return people_formulas(options)

    def enter(self, run: Run, token: str, node: NodeDef) -> None:
        ns = run.node_state(node.id)
        options = run.flow.options[node.id]
        run.emit(fx.Resolve(node.id, ns["round"], [r.model_dump(exclude_defaults=True) for r in options.assignees], "skip"))

    def on_resolved(self, run: Run, node_id: str, event: fx.Resolved) -> None:
        ns = run.node_state(node_id)
        users = list(dict.fromkeys(u for u in event.users if u is not None))
        for user in users:
            run.emit(fx.OpenTask(run.next_key("t"), node_id, ns["round"], "cc", user))
        if users:
            run.emit(fx.Notify(users, "cc", node_id))
        run.timeline("cc", node_id, users=users)
        ns["status"] = "done"
        run.leave(ns["token"], node_id)
