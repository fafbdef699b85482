"""Request and response bodies of the apps API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

APP_KEY_PATTERN = r"^[a-z][a-z0-9_]{0,19}$"
COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class MenuItem(Strict):
    type: str = Field(pattern=r"^(form|dashboard|group|link)$")
    key: str | None = Field(None, max_length=48)
    label: dict[str, str] | None = None
    url: str | None = Field(None, max_length=500)
    children: list["MenuItem"] | None = Field(None, max_length=100)


class AppCreate(Strict):
    key: str = Field(pattern=APP_KEY_PATTERN)
    name: str = Field(min_length=1, max_length=128)
    description: str = Field("", max_length=2000)
    icon: str = Field("appstore", pattern=r"^[a-z0-9-]{1,64}$")
    color: str = Field("#1677ff", pattern=COLOR_PATTERN)


class AppUpdate(Strict):
    name: str | None = Field(None, min_length=1, max_length=128)
    description: str | None = Field(None, max_length=2000)
    icon: str | None = Field(None, pattern=r"^[a-z0-9-]{1,64}$")
    color: str | None = Field(None, pattern=COLOR_PATTERN)
    menu: list[MenuItem] | None = Field(None, max_length=200)


class AppOut(BaseModel):
    id: int
    key: str
    name: str
    description: str
    icon: str
    color: str
    menu: list[Any]
    created_at: datetime
    can_design: bool = False


class AppList(BaseModel):
    items: list[AppOut]
