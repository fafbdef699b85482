"""People and departments of the platform's directory: one (an id column) or several (a junction).

Values are user or department ids. Whether an id exists, is active and lies within the field's
departments is the records layer's check (it needs the directory); the type checks the shape.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import BigInteger, Column

from engines.expr import types as et
from engines.form.columns import MAX_REFS, bad, parse_ref, parse_refs
from engines.form.types.base import FieldSpec, FieldType, FormRefs, StorageKind


class MemberOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    department_ids: list[int] = Field(default_factory=list, max_length=100, description="choose only among people of these departments; empty for everyone")
    include_subdepartments: bool = True


class MembersOptions(MemberOptions):
    max_count: int = Field(100, ge=1, le=MAX_REFS)


class DepartmentOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    root_department_ids: list[int] = Field(default_factory=list, max_length=100, description="choose only within these branches of the tree; empty for all")


class DepartmentsOptions(DepartmentOptions):
    max_count: int = Field(100, ge=1, le=MAX_REFS)


class MemberField(FieldType):
    type = "member"
    label = {"zh-CN": "成员", "en": "Member"}
    description = {"zh-CN": "选择一位用户，如负责人、审批人", "en": "One user, such as an owner or an approver"}
    group = "people"
    storage = StorageKind.REF
    Options = MemberOptions
    expr_item = et.USER
    noun = ("a user id", "用户 ID")

    def columns(self, spec: FieldSpec, refs: FormRefs) -> list[Column]:
        # No database foreign key: users are disabled rather than deleted, and record tables are
        # the app's, not the platform's (the same rule as links between forms).
        return [Column(spec.key, BigInteger(), nullable=True, index=True)]

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or value == "":
            return None
        try:
            return parse_ref(value)
        except ValueError:
            raise bad("not_id", f"Expected {self.noun[0]}.", f"应为{self.noun[1]}。") from None

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        return self.expr_item

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        if isinstance(value, dict):  # the records layer may hand over {id, name}
            return value.get("name") or value.get("id")
        return value


class MembersField(MemberField):
    type = "members"
    label = {"zh-CN": "多个成员", "en": "Members"}
    description = {"zh-CN": "选择多位用户，如参与人、抄送人", "en": "Several users, such as participants or people to copy"}
    storage = StorageKind.REFS
    sortable = False
    Options = MembersOptions

    def columns(self, spec: FieldSpec, refs: FormRefs) -> list[Column]:
        return []  # a junction table, planned by the compiled form

    def parse(self, spec: FieldSpec, value: Any) -> Any:
        if value is None or value == "" or value == []:
            return None
        if isinstance(value, str):
            value = [v for v in (p.strip() for p in value.replace("，", ",").split(",")) if v]
        try:
            ids = parse_refs(value)
        except ValueError:
            raise bad("not_id", f"Expected a list of {self.noun[0]}s.", f"应为{self.noun[1]}列表。") from None
        if len(ids) > spec.options.max_count:
            raise bad("too_many", f"At most {spec.options.max_count}.", f"最多 {spec.options.max_count} 个。")
        return ids or None

    def expr_type(self, spec: FieldSpec) -> et.ExprType:
        return et.list_of(self.expr_item)

    def to_cell(self, spec: FieldSpec, value: Any) -> Any:
        if not value:
            return None
        return ", ".join(str(super(MembersField, self).to_cell(spec, v)) for v in value)


class DepartmentField(MemberField):
    type = "department"
    label = {"zh-CN": "部门", "en": "Department"}
    description = {"zh-CN": "选择一个部门", "en": "One department"}
    Options = DepartmentOptions
    expr_item = et.DEPT
    noun = ("a department id", "部门 ID")


class DepartmentsField(MembersField):
    type = "departments"
    label = {"zh-CN": "多个部门", "en": "Departments"}
    description = {"zh-CN": "选择多个部门", "en": "Several departments"}
    Options = DepartmentsOptions
    expr_item = et.DEPT
    noun = ("a department id", "部门 ID")
