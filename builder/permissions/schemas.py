"""Request and response bodies of the app roles and permission groups API (the permission group
body itself is `runtime.permissions.model.PermissionGroupIn`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

ROLE_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,47}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RoleCreate(Strict):
    key: str = Field(pattern=ROLE_KEY_PATTERN)
    name: str = Field(min_length=1, max_length=128)
    description: str = Field("", max_length=2000)
    is_admin: bool = Field(False, description="members administer the app: design, data and these settings")
    external: bool = Field(False, description="open to external accounts")


class RoleUpdate(Strict):
    name: str | None = Field(None, min_length=1, max_length=128)
    description: str | None = Field(None, max_length=2000)
    is_admin: bool | None = None
    external: bool | None = None


class MembersIn(Strict):
    """The role's complete membership; what is not listed is removed."""

    users: list[int] = Field(default_factory=list, max_length=2000)
    departments: list[int] = Field(default_factory=list, max_length=500)
    roles: list[int] = Field(default_factory=list, max_length=200)


class UserRef(BaseModel):
    id: int
    username: str
    display_name: str


class DepartmentRef(BaseModel):
    id: int
    name: str


class PlatformRoleRef(BaseModel):
    id: int
    key: str
    name: str


class Members(BaseModel):
    users: list[UserRef]
    departments: list[DepartmentRef]
    roles: list[PlatformRoleRef]


class RoleOut(BaseModel):
    id: int
    key: str
    name: str
    description: str
    is_admin: bool
    external: bool
    members: Members


class RoleList(BaseModel):
    items: list[RoleOut]


class PermissionGroupOut(BaseModel):
    role: str
    role_name: str
    actions: list[str]
    data_scope: dict[str, Any]
    edit_scope: dict[str, Any] | None
    field_rules: dict[str, str]
    updated_at: datetime | None


class PermissionGroupList(BaseModel):
    items: list[PermissionGroupOut]
