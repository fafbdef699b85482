"""Approval modes: how the votes of an approval node's assignees turn into one decision, and
which assignees should hold an open task meanwhile. Each mode is pure and registered once.

Votes come in the order of the node's resolved assignees: "approve", "reject", or None while
that assignee has not voted. The engine asks `decide` after every vote and closes the other
tasks once it is no longer "pending", so no vote arrives after a decision. An empty assignee
list is settled by the engine (skip, fall back to an administrator, or fail, as the node
says) before any mode is asked; should a mode be asked anyway, zero votes are "approved"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.registry import Registry

Decision = Literal["pending", "approved", "rejected"]
Vote = Literal["approve", "reject"] | None


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ApprovalMode:
    type: ClassVar[str]
    names: ClassVar[dict[str, str]]
    description: ClassVar[dict[str, str]]
    Options: ClassVar[type[BaseModel]] = NoOptions

    def decide(self, votes: Sequence[Vote], options: BaseModel) -> Decision:
        raise NotImplementedError

    def active(self, votes: Sequence[Vote], options: BaseModel) -> list[int]:
        """The indexes that should hold an open task now: by default every assignee who has
        not voted, and nobody once the node is decided."""
        if self.decide(votes, options) != "pending":
            return []
        return [index for index, vote in enumerate(votes) if vote is None]

    def check(self, assignee_count: int, options: BaseModel) -> str | None:
        """Why these options cannot work for this many (resolved, non-zero) assignees, or None."""
        return None


class SingleMode(ApprovalMode):
    """Only the first resolved assignee gets a task, and that vote decides; should the rule
    resolve several people, the others are not asked."""

    type = "single"
    names = {"en": "Single approver", "zh-CN": "单人审批"}
    description = {"en": "One person approves or rejects.", "zh-CN": "由一人审批，同意即通过，拒绝即驳回。"}

    def decide(self, votes: Sequence[Vote], options: BaseModel) -> Decision:
        return _outcome(votes[0]) if votes else "approved"

    def active(self, votes: Sequence[Vote], options: BaseModel) -> list[int]:
        return [0] if votes and votes[0] is None else []


class AllMode(ApprovalMode):
    """Countersign (会签): every assignee votes at once; approved when all approve, rejected
    at the first reject (the others' tasks are then closed)."""

    type = "all"
    names = {"en": "Countersign (all)", "zh-CN": "会签"}
    description = {"en": "Everyone must approve; one rejection rejects.", "zh-CN": "所有人同意才通过，任一人拒绝即驳回。"}

    def decide(self, votes: Sequence[Vote], options: BaseModel) -> Decision:
        if "reject" in votes:
            return "rejected"
        return "pending" if None in votes else "approved"


class AnyMode(ApprovalMode):
    """Or-sign (或签): every assignee gets a task and the first vote decides either way.
    Votes carry no time, so should several be present the first in assignee order counts."""

    type = "any"
    names = {"en": "Or-sign (any)", "zh-CN": "或签"}
    description = {"en": "Anyone may decide; the first vote counts.", "zh-CN": "任一人审批即可，以第一个人的意见为准。"}

    def decide(self, votes: Sequence[Vote], options: BaseModel) -> Decision:
        if not votes:
            return "approved"
        return next((_outcome(vote) for vote in votes if vote is not None), "pending")


class SequentialMode(AllMode):
    """Sequential (依次审批): decided like countersign, but one assignee after another in the
    given order; only the first who has not voted holds a task."""

    type = "sequential"
    names = {"en": "Sequential", "zh-CN": "依次审批"}
    description = {"en": "Approvers vote one after another, in order.", "zh-CN": "按顺序逐个审批，任一人拒绝即驳回。"}

    def active(self, votes: Sequence[Vote], options: BaseModel) -> list[int]:
        return super().active(votes, options)[:1]


class RatioOptions(BaseModel):
    """Exactly one of the two: a number of approvals, or a percentage of the assignees
    (rounded up: 50 % of 3 is 2)."""

    model_config = ConfigDict(extra="forbid")
    min_approvals: int | None = Field(None, ge=1)
    percent: int | None = Field(None, ge=1, le=100)

    @model_validator(mode="after")
    def _exactly_one(self) -> RatioOptions:
        if (self.min_approvals is None) == (self.percent is None):
            raise ValueError("Give exactly one of min_approvals or percent.")
        return self

    def threshold(self, assignee_count: int) -> int:
        if self.min_approvals is not None:
            return self.min_approvals
        return -(-assignee_count * (self.percent or 0) // 100)


class RatioMode(ApprovalMode):
    """Ratio countersign (比例会签): everyone votes at once; approved as soon as the approvals
    reach the threshold, rejected as soon as the open votes could no longer reach it."""

    type = "ratio"
    names = {"en": "Ratio countersign", "zh-CN": "比例会签"}
    description = {"en": "Approved when enough approvers agree.", "zh-CN": "同意人数达到设定数量或比例即通过。"}
    Options = RatioOptions

    def decide(self, votes: Sequence[Vote], options: BaseModel) -> Decision:
        assert isinstance(options, RatioOptions)
        if not votes:
            return "approved"
        needed = options.threshold(len(votes))
        approvals = sum(vote == "approve" for vote in votes)
        if approvals >= needed:
            return "approved"
        return "rejected" if approvals + votes.count(None) < needed else "pending"

    def check(self, assignee_count: int, options: BaseModel) -> str | None:
        assert isinstance(options, RatioOptions)
        if assignee_count and options.threshold(assignee_count) > assignee_count:
            return f"Needs {options.threshold(assignee_count)} approvals but only {assignee_count} approvers."
        return None


def _outcome(vote: Vote) -> Decision:
    return {"approve": "approved", "reject": "rejected", None: "pending"}[vote]


BUILTIN_APPROVAL_MODES: tuple[type[ApprovalMode], ...] = (SingleMode, AllMode, AnyMode, SequentialMode, RatioMode)

MODES: Registry[ApprovalMode] = Registry("approval modes")
for _cls in BUILTIN_APPROVAL_MODES:
    MODES.register(_cls())


def decide(mode: str, votes: Sequence[Vote], options: dict[str, Any] | None = None) -> Decision:
    """Decide with a mode named by its key, its options given as stored in the definition."""
    approval_mode = MODES.get(mode)
    return approval_mode.decide(votes, approval_mode.Options.model_validate(options or {}))
