"""Request and response bodies of the auth API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

Locale = Literal["zh-CN", "en"]
AppKey = Annotated[str, Field(min_length=1, max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class RoleRef(BaseModel):
    id: int
    key: str
    name: str


class DepartmentRef(BaseModel):
    id: int
    name: str


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    email: str | None
    locale: str
    is_admin: bool
    is_external: bool
    roles: list[RoleRef]
    departments: list[DepartmentRef]


class LoginOut(BaseModel):
    user: Me


class ProfileIn(Strict):
    display_name: str | None = Field(None, min_length=1, max_length=128)
    email: EmailStr | None = None
    locale: Locale | None = None
    # Accepted only to be refused with 403 by name: privileges are not self-service.
    role_ids: Any = None
    roles: Any = None
    department_ids: Any = None
    departments: Any = None
    is_active: Any = None
    is_external: Any = None
    username: Any = None


class PasswordIn(Strict):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class TokenIn(Strict):
    name: str = Field(min_length=1, max_length=128)
    expires_in_days: int = Field(90, ge=1, le=3650)
    read_only: bool = Field(False, description="the token may only read")
    apps: list[AppKey] | None = Field(None, min_length=1, max_length=100,
                                      description="app keys the token is limited to (none: all apps)")
    rate_per_minute: int | None = Field(None, ge=1, le=1_000_000,
                                        description="requests a minute (none: the platform's default)")


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    read_only: bool = False
    apps: list[str] | None = None
    rate_per_minute: int | None = None


class TokenCreated(TokenOut):
    token: str


class TokenList(BaseModel):
    items: list[TokenOut]
