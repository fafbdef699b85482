"""Approval modes turn the assignees' votes into one decision and say who holds an open task."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from core.registry import RegistryError
from engines.flow.modes import MODES, ApprovalMode, Decision, Vote, decide

A, R, _ = "approve", "reject", None


def make_options(mode: str, options: dict[str, Any] | None = None) -> BaseModel:
    return MODES.get(mode).Options.model_validate(options or {})


TABLE: list[tuple[str, dict[str, Any] | None, list[Vote], Decision, list[int]]] = [
    ("single", None, [_], "pending", [0]),
    ("single", None, [A], "approved", []),
    ("single", None, [R], "rejected", []),
    ("single", None, [_, _], "pending", [0]),  # several resolved: only the first is asked
    ("single", None, [R, _], "rejected", []),
    ("all", None, [_, _, _], "pending", [0, 1, 2]),
    ("all", None, [A, _, A], "pending", [1]),
    ("all", None, [A, A, A], "approved", []),
    ("all", None, [A, R, _], "rejected", []),
    ("any", None, [_, _, _], "pending", [0, 1, 2]),
    ("any", None, [_, A, _], "approved", []),
    ("any", None, [_, _, R], "rejected", []),
    ("sequential", None, [_, _, _], "pending", [0]),
    ("sequential", None, [A, _, _], "pending", [1]),
    ("sequential", None, [A, A, A], "approved", []),
    ("sequential", None, [A, R, _], "rejected", []),
    ("ratio", {"min_approvals": 2}, [_, _, _], "pending", [0, 1, 2]),
    ("ratio", {"min_approvals": 2}, [R, _, _], "pending", [1, 2]),
    ("ratio", {"min_approvals": 2}, [A, _, A], "approved", []),
    ("ratio", {"min_approvals": 2}, [R, _, R], "rejected", []),  # two approvals can no longer come
    ("ratio", {"percent": 50}, [A, _, _], "pending", [1, 2]),  # 50 % of 3 rounds up to 2
    ("ratio", {"percent": 50}, [A, A, _], "approved", []),
    ("ratio", {"percent": 50}, [A, A, _, _], "approved", []),
    ("ratio", {"percent": 100}, [A, R, _], "rejected", []),
    ("ratio", {"percent": 1}, [R, _, A], "approved", []),
    ("ratio", {"percent": 34}, [A, R, _], "pending", [2]),  # 34 % of 3 rounds up to 2
]


@pytest.mark.parametrize(("mode", "options", "votes", "decision", "active"), TABLE)
def test_mode_table(mode: str, options: dict[str, Any] | None, votes: list[Vote], decision: Decision,
                    active: list[int]) -> None:
    approval_mode = MODES.get(mode)
    assert approval_mode.decide(votes, make_options(mode, options)) == decision
    assert approval_mode.active(votes, make_options(mode, options)) == active
    assert decide(mode, votes, options) == decision


@pytest.mark.parametrize("approval_mode", list(MODES), ids=MODES.keys())
def test_every_mode_is_described_and_approves_an_empty_node(approval_mode: ApprovalMode) -> None:
    assert approval_mode.names.keys() == approval_mode.description.keys() == {"en", "zh-CN"}
    assert approval_mode.Options.model_config.get("extra") == "forbid"
    options = make_options(approval_mode.type, {"percent": 50} if approval_mode.type == "ratio" else None)
    assert approval_mode.decide([], options) == "approved"
    assert approval_mode.active([], options) == []
    assert approval_mode.check(0, options) is None


def test_modes_are_the_five_named_ones() -> None:
    assert MODES.keys() == ["single", "all", "any", "sequential", "ratio"]


def test_ratio_needing_more_approvals_than_approvers_is_reported() -> None:
    ratio = MODES.get("ratio")
    assert ratio.check(2, make_options("ratio", {"min_approvals": 3})) == "Needs 3 approvals but only 2 approvers."
    assert ratio.check(3, make_options("ratio", {"min_approvals": 3})) is None
    assert ratio.check(1, make_options("ratio", {"percent": 100})) is None
    assert MODES.get("all").check(5, make_options("all")) is None


@pytest.mark.parametrize(("mode", "options"), [
    ("ratio", {}),
    ("ratio", {"min_approvals": 2, "percent": 50}),
    ("ratio", {"percent": 0}),
    ("ratio", {"percent": 101}),
    ("ratio", {"min_approvals": 0}),
    ("all", {"percent": 50}),
])
def test_bad_options_are_refused(mode: str, options: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        decide(mode, [A], options)


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(RegistryError):
        decide("majority", [A])


VOTES = st.lists(st.sampled_from([A, R, _]), max_size=8)


@st.composite
def situations(draw: st.DrawFn, modes: tuple[str, ...] = tuple(MODES.keys())) -> tuple[ApprovalMode, BaseModel,
                                                                                        list[Vote]]:
    mode = draw(st.sampled_from(modes))
    votes = draw(VOTES)
    options = None
    if mode == "ratio":
        options = draw(st.one_of(st.fixed_dictionaries({"min_approvals": st.integers(1, max(1, len(votes)))}),
                                 st.fixed_dictionaries({"percent": st.integers(1, 100)})))
    return MODES.get(mode), make_options(mode, options), votes


@given(situations())
def test_active_never_holds_a_voted_assignee(situation: tuple[ApprovalMode, BaseModel, list[Vote]]) -> None:
    approval_mode, options, votes = situation
    active = approval_mode.active(votes, options)
    assert all(votes[index] is None for index in active)
    assert active == sorted(set(active))
    if approval_mode.decide(votes, options) == "pending":
        assert active, "a pending node must be waiting for someone"


@given(situations(("single", "all", "sequential", "ratio")), st.data())
def test_decision_never_changes_with_later_votes(situation: tuple[ApprovalMode, BaseModel, list[Vote]],
                                                 data: st.DataObject) -> None:
    approval_mode, options, votes = situation
    decision = approval_mode.decide(votes, options)
    later = [vote if vote is not None else data.draw(st.sampled_from([A, R, _])) for vote in votes]
    if decision != "pending":
        assert approval_mode.decide(later, options) == decision


@given(situations(), st.data())
def test_voting_on_open_tasks_always_reaches_a_decision(situation: tuple[ApprovalMode, BaseModel, list[Vote]],
                                                       data: st.DataObject) -> None:
    approval_mode, options, votes = situation
    votes = [None] * len(votes)  # as the engine starts: nobody has voted
    for _step in range(len(votes) + 1):
        if approval_mode.decide(votes, options) != "pending":
            break
        index = data.draw(st.sampled_from(approval_mode.active(votes, options)))
        votes[index] = data.draw(st.sampled_from([A, R]))
    else:
        pytest.fail(f"still pending after every vote: {votes}")
    assert approval_mode.active(votes, options) == []

