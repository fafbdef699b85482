"""Request and response bodies of the admin directory API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, EmailStr, Field

from runtime.identity.schemas import DepartmentRef, Locale, RoleRef, Strict

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$"
ROLE_KEY_PATTERN = r"^[a-z][a-z0-9_]{1,63}$"


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    email: str | None
    is_active: bool
    is_external: bool
    locale: str
    roles: list[RoleRef]
    departments: list[DepartmentRef]
    created_at: datetime


class UserList(BaseModel):
    items: list[UserOut]
    total: int


class UserCreate(Strict):
    username: str = Field(pattern=USERNAME_PATTERN)
    display_name: str = Field(min_length=1, max_length=128)
    email: EmailStr | None = None
    password: str = Field(min_length=1, max_length=256)
    locale: Locale = "zh-CN"
    is_external: bool = False
    role_ids: list[int] = Field(default_factory=list, max_length=100)
    department_ids: list[int] = Field(default_factory=list, max_length=100)


class UserUpdate(Strict):
    display_name: str | None = Field(None, min_length=1, max_length=128)
    email: EmailStr | None = None
    password: str | None = Field(None, min_length=1, max_length=256)
    locale: Locale | None = None
    is_active: bool | None = None
    is_external: bool | None = None
    role_ids: list[int] | None = Field(None, max_length=100)
    department_ids: list[int] | None = Field(None, max_length=100)


class HeadRef(BaseModel):
    id: int
    display_name: str


class DepartmentOut(BaseModel):
    id: int
    name: str
    parent_id: int | None
    head_user_id: int | None
    head: HeadRef | None
    sort: int
    member_count: int


class DepartmentList(BaseModel):
    items: list[DepartmentOut]


class DepartmentCreate(Strict):
    name: str = Field(min_length=1, max_length=128)
    parent_id: int | None = None
    head_user_id: int | None = None
    sort: int = Field(0, ge=-100000, le=100000)


class DepartmentUpdate(Strict):
    name: str | None = Field(None, min_length=1, max_length=128)
    parent_id: int | None = None
    head_user_id: int | None = None
    sort: int | None = Field(None, ge=-100000, le=100000)


class RoleOut(BaseModel):
    id: int
    key: str
    name: str
    description: str
    builtin: bool
    user_count: int


class RoleList(BaseModel):
    items: list[RoleOut]


class RoleCreate(Strict):
    key: str = Field(pattern=ROLE_KEY_PATTERN)
    name: str = Field(min_length=1, max_length=128)
    description: str = Field("", max_length=2000)


class RoleUpdate(Strict):
    name: str | None = Field(None, min_length=1, max_length=128)
    description: str | None = Field(None, max_length=2000)


class DirectoryUser(BaseModel):
    """A user as member pickers show them: nothing about the account beyond the name."""

    id: int
    username: str
    display_name: str
    departments: list[DepartmentRef]


class DirectoryUserList(BaseModel):
    items: list[DirectoryUser]


class DirectoryDepartment(BaseModel):
    id: int
    name: str
    parent_id: int | None
    sort: int


class DirectoryDepartmentList(BaseModel):
    items: list[DirectoryDepartment]
