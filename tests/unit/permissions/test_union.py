"""How several permission groups combine into one scope's field rules, and the refusal of hidden
fields that reports and other read paths use."""

from __future__ import annotations

import pytest

from core.errors import Invalid
from engines.form.compiled import compile_form
from runtime.permissions.gate import Scope, _field_rules
from runtime.permissions.model import PermissionGroupIn, check_against_form
from tests.factories.forms import field, make_form

FORM = compile_form("crm", make_form("deals", [field("title"), field("amount", "money"), field("cost", "money"),
                                               field("rep", "member"), field("notes", "textarea")]))


def _group(actions, **rules):
    return {"actions": set(actions), "field_rules": rules}


def test_a_field_is_hidden_only_when_every_viewing_group_hides_it():
    rules = _field_rules([_group(["view"], cost="hidden"), _group(["view"])], FORM)
    assert rules["cost"] == "read_only"  # visible through the second group, which writes nothing
    rules = _field_rules([_group(["view"], cost="hidden"), _group(["view", "edit"], cost="hidden")], FORM)
    assert rules["cost"] == "hidden"


def test_a_field_is_editable_only_through_a_group_that_may_write():
    # The view-only group leaves `cost` editable in its rules, yet grants no writing.
    rules = _field_rules([_group(["view"]), _group(["view", "edit"], cost="read_only")], FORM)
    assert rules["cost"] == "read_only"
    assert "title" not in rules  # editable through the editing group
    rules = _field_rules([_group(["view"])], FORM)
    assert set(rules.values()) == {"read_only"}


def test_groups_without_view_do_not_count_for_fields():
    rules = _field_rules([_group(["create"], title="hidden"), _group(["view", "edit"])], FORM)
    assert "title" not in rules


def test_check_readable_refuses_a_hidden_field_as_unknown():
    scope = Scope(frozenset({"view"}), readable=frozenset({"title", "amount"}))
    scope.check_readable(["title", "amount"], "group_by")
    with pytest.raises(Invalid) as caught:
        scope.check_readable(["amount", "cost"], "group_by")
    assert caught.value.errors == [{"path": "group_by.1", "message": "Unknown field 'cost'.",
                                    "message_zh": "未知字段“cost”。", "code": "unknown_field"}]
    assert caught.value.status == 422


def test_rows_of_an_action_not_granted_reach_nothing():
    scope = Scope(frozenset({"view"}), filters={"view": None})
    assert scope.rows("view") is None
    assert str(scope.rows("edit")) == "false"


@pytest.mark.parametrize("group, paths", [
    ({"field_rules": {"nope": "hidden"}}, ["field_rules.nope"]),
    ({"data_scope": {"kind": "field", "field": "notes"}}, ["data_scope.field"]),
    ({"edit_scope": {"kind": "custom", "expression": "amount >"}}, ["edit_scope.expression"]),
    ({"data_scope": {"kind": "field", "field": "rep"}, "field_rules": {"cost": "read_only"}}, []),
])
def test_groups_are_checked_against_the_form(group, paths):
    problems = check_against_form(PermissionGroupIn.model_validate(group), FORM)
    assert [p["path"] for p in problems] == paths
