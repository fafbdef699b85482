"""What the state machine asks the outside world to do, and what the outside world tells it.

`step(flow, state, event, env)` turns an **event** into a new state and a list of **effects**;
the runner (`runtime/flows`) applies the effects in the same database transaction as the new
state. Some effects are questions the runner answers at once with a follow-up event in that
same transaction (`Resolve` → `Resolved`); others come back later (`Automate` → `Done` or
`Failed` from the worker, `Schedule` → `Wake` when the timer fires).

Everything here is plain data (dataclasses of JSON-able values), so instances can be replayed
and effects logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

VoteKind = Literal["approve", "reject"]


# ---------------------------------------------------------------- events (outside → engine)

@dataclass(frozen=True)
class Start:
    initiator: int | None
    chosen: dict[str, list[int]] = field(default_factory=dict)  # approvers the initiator picked, per node


@dataclass(frozen=True)
class Resolved:
    node: str
    round: int
    users: list[int]
    purpose: str = "assign"  # "assign" | "escalate"
    delegated: dict[int, int] = field(default_factory=dict)  # deputy → the user who delegated


@dataclass(frozen=True)
class Vote:
    task: str
    actor: int | None
    vote: VoteKind
    comment: str = ""
    auto: bool = False  # by the system (timeout action, auto-pass), not a person


@dataclass(frozen=True)
class SendBack:
    task: str
    actor: int
    target: str  # "previous" | "initiator" | a node id visited earlier
    comment: str = ""


@dataclass(frozen=True)
class Transfer:
    task: str
    actor: int | None
    to: int
    comment: str = ""
    delegated_from: int | None = None


@dataclass(frozen=True)
class AddSigners:
    task: str
    actor: int
    users: list[int]
    position: Literal["before", "after"]
    comment: str = ""


@dataclass(frozen=True)
class Withdraw:
    actor: int
    comment: str = ""


@dataclass(frozen=True)
class Terminate:
    actor: int | None
    comment: str = ""


@dataclass(frozen=True)
class Resubmit:
    task: str
    actor: int
    comment: str = ""


@dataclass(frozen=True)
class Wake:
    node: str
    round: int
    what: Literal["delay", "remind", "timeout"]
    n: int = 0  # which reminder


@dataclass(frozen=True)
class Done:
    node: str
    round: int
    output: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Failed:
    node: str
    round: int
    error: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Retry:
    actor: int | None
    node: str


Event = (Start | Resolved | Vote | SendBack | Transfer | AddSigners | Withdraw | Terminate | Resubmit | Wake | Done
         | Failed | Retry)


# ---------------------------------------------------------------- effects (engine → outside)

@dataclass(frozen=True)
class Resolve:
    """Find the people for a node: answer with `Resolved(node, round, users, purpose)`."""

    node: str
    round: int
    rules: list[dict[str, Any]]
    empty: str = "fail"  # "skip" | "admin" | "fail"
    purpose: str = "assign"
    chosen: list[int] = field(default_factory=list)
    of_users: list[int] = field(default_factory=list)  # escalation: heads of these people


@dataclass(frozen=True)
class OpenTask:
    key: str
    node: str
    round: int
    kind: str  # "approval" | "fill" | "cc" | "resubmit"
    user: int
    due_at: datetime | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CloseTask:
    key: str
    status: str  # approved | rejected | submitted | transferred | sent_back | cancelled | withdrawn | resubmitted
    by: int | None = None
    comment: str = ""


@dataclass(frozen=True)
class SetTask:
    key: str
    status: str  # "pending" | "waiting" (an add-signer-before parent)


@dataclass(frozen=True)
class Schedule:
    key: str  # unique within the instance
    due_at: datetime
    wake: Wake


@dataclass(frozen=True)
class Unschedule:
    prefix: str  # every pending timer of the instance whose key starts with this


@dataclass(frozen=True)
class Automate:
    node: str
    round: int
    type: str


@dataclass(frozen=True)
class StartSubflow:
    node: str
    round: int
    flow: str
    wait: bool


@dataclass(frozen=True)
class Notify:
    users: list[int]
    kind: str  # task | cc | remind | urge | returned | finished
    node: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Timeline:
    kind: str
    node: str | None = None
    actor: int | None = None
    comment: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordStatus:
    status: str  # the record's flow_status: running | returned | approved | rejected | withdrawn | terminated


@dataclass(frozen=True)
class Finished:
    status: str  # approved | rejected | completed | withdrawn | terminated


Effect = (Resolve | OpenTask | CloseTask | SetTask | Schedule | Unschedule | Automate | StartSubflow | Notify
          | Timeline | RecordStatus | Finished)
