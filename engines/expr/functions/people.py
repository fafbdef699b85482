"""People and departments: the signed-in user's roles and departments, and the organisation
directory (names, heads, sub-departments) the caller injects through the context.

Directory look-ups have no SQL form of their own, but like everything that does not depend on
the record they are computed once before the query: `owner_dept_id IN SUBDEPTS($user.dept)`
compiles to a plain `IN (…)` list.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.sql.elements import ColumnElement

from engines.expr.functions.base import Example as E
from engines.expr.functions.base import Function, Param
from engines.expr.nodes import Call

Col = ColumnElement[Any]
_DIRECTORY_NOTE = "needs the organisation directory; works in SQL when its argument does not depend on the record"


def as_id(value: Any) -> Any:
    """A literal id written as a number (DEPTHEAD(5)) reaches the directory as the int it is."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


class IsMe(Function):
    type = "ISME"
    family = "people"
    params = (Param("user", "user"),)
    returns = "bool"
    uses = ("user",)
    en = "True when the person is the signed-in user."
    zh = "该人员是当前登录用户时为真。"
    examples = (E("ISME(owner)", True),)

    def evaluate(self, ev: Any, call: Call) -> Any:
        value = ev.visit(call.args[0])
        return None if value is None else value == ev.ctx.user.id

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return cols[0] == sc.literal(sc.ctx.user.id, call.args[0].type)


class HasRole(Function):
    type = "HASROLE"
    family = "people"
    params = (Param("role", "text"),)
    returns = "bool"
    uses = ("user",)
    en = "True when the signed-in user holds the role."
    zh = "当前登录用户拥有该角色时为真。"
    examples = (E('HASROLE("manager")', True), E('HASROLE("admin")', False))
    member = "roles"

    def evaluate(self, ev: Any, call: Call) -> Any:
        value = ev.visit(call.args[0])
        return None if value is None else value in getattr(ev.ctx.user, self.member)

    def sql_expr(self, sc: Any, call: Call, *cols: Col) -> Col:
        return cols[0].in_(list(getattr(sc.ctx.user, self.member)))


class InDept(HasRole):
    type = "INDEPT"
    params = (Param("dept", "dept"),)
    member = "depts"
    en = "True when the signed-in user belongs to the department (directly)."
    zh = "当前登录用户（直接）属于该部门时为真。"
    examples = (E("INDEPT(dept)", True),)


class SubDepts(Function):
    type = "SUBDEPTS"
    family = "people"
    params = (Param("dept", "dept"),)
    returns = "list<dept>"
    uses = ("directory",)
    sql = False
    sql_note = _DIRECTORY_NOTE
    en = "The department and every department below it, for data scopes: owner_dept IN SUBDEPTS($user.dept)."
    zh = "该部门及其所有下级部门，用于数据范围：owner_dept IN SUBDEPTS($user.dept)。"
    examples = (E("SUBDEPTS($user.dept)", [3, 5, 6]), E("dept IN SUBDEPTS(1)", True))

    def py(self, dept: Any) -> Any:
        raise NotImplementedError  # evaluate() reads the directory

    def evaluate(self, ev: Any, call: Call) -> Any:
        value = ev.visit(call.args[0])
        directory = ev.ctx.directory
        if value is None or directory is None:
            return self.empty()
        ev.step()
        return self.look_up(directory, as_id(value))

    def empty(self) -> Any:
        return []

    def look_up(self, directory: Any, value: Any) -> Any:
        return list(directory.subdepartments(value))


class DeptHead(SubDepts):
    type = "DEPTHEAD"
    returns = "user"
    en = "The head of a department (for approver rules)."
    zh = "部门负责人（可用于审批人规则）。"
    examples = (E("DEPTHEAD($user.dept)", 8), E("ISME(DEPTHEAD(5))", True))

    def empty(self) -> Any:
        return None

    def look_up(self, directory: Any, value: Any) -> Any:
        return directory.dept_head(value)


class UserName(DeptHead):
    type = "USERNAME"
    params = (Param("user", "user"),)
    returns = "text"
    en = "The display name of a person."
    zh = "人员的显示名称。"
    examples = (E("USERNAME(owner)", "Li Lei"),)

    def look_up(self, directory: Any, value: Any) -> Any:
        return directory.user_name(value)


class DeptName(DeptHead):
    type = "DEPTNAME"
    returns = "text"
    en = "The name of a department."
    zh = "部门名称。"
    examples = (E("DEPTNAME(dept)", "Sales"),)

    def look_up(self, directory: Any, value: Any) -> Any:
        return directory.dept_name(value)


FUNCTIONS = (IsMe, HasRole, InDept, SubDepts, DeptHead, UserName, DeptName)
