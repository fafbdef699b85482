"""People and departments: the signed-in user and the injected organisation directory."""

from __future__ import annotations

from datetime import datetime

from engines.expr import Context, UserInfo, check
from engines.expr.functions.examples import EXAMPLE_CONTEXT, EXAMPLE_RECORD, EXAMPLE_SCHEMA
from tests.unit.expr.conftest import run


def test_user_variables_describe_the_signed_in_user() -> None:
    assert run("$user") == 7
    assert run("$user.name & '@' & $user.dept".replace("'", '"')) == "Li Lei@3"
    assert run("$user.roles") == ["sales", "manager"]


def test_role_and_department_membership() -> None:
    assert run('HASROLE("manager") AND NOT HASROLE("admin")') is True
    assert run("INDEPT(5) AND NOT INDEPT(6)") is True


def test_directory_lookups() -> None:
    assert run("SUBDEPTS(3)") == [3, 5, 6]
    assert run("DEPTHEAD(5)") == 7
    assert run("ISME(DEPTHEAD(5))") is True
    assert run("USERNAME(DEPTHEAD(3))") == "Han Meimei"
    assert run("DEPTNAME(99)") is None


def test_without_a_directory_lookups_are_blank_or_empty() -> None:
    bare = Context(now=datetime(2024, 1, 1), user=UserInfo(id=7))
    formula = check("COUNT(SUBDEPTS(dept))", EXAMPLE_SCHEMA)
    assert formula.evaluate(EXAMPLE_RECORD, bare) == 0
    assert check("USERNAME(owner)", EXAMPLE_SCHEMA).evaluate(EXAMPLE_RECORD, bare) is None


def test_anonymous_context_has_no_roles() -> None:
    anon = Context(now=datetime(2024, 1, 1))
    assert check('HASROLE("sales")', EXAMPLE_SCHEMA).evaluate({}, anon) is False
    assert check("ISME(owner)", EXAMPLE_SCHEMA).evaluate(EXAMPLE_RECORD, anon) is False


def test_data_scope_formulas() -> None:
    own = check("$record.owner_id = $user", EXAMPLE_SCHEMA, expect="bool")
    below = check("$record.owner_dept_id IN SUBDEPTS($user.dept)", EXAMPLE_SCHEMA, expect="bool")
    assert own.evaluate({"owner_id": 7}, EXAMPLE_CONTEXT) is True
    assert below.evaluate({"owner_dept_id": 6}, EXAMPLE_CONTEXT) is True
    assert below.evaluate({"owner_dept_id": 1}, EXAMPLE_CONTEXT) is False
    assert EXAMPLE_CONTEXT.with_user(dept=5).user.dept == 5
