"""Request and response bodies of the saved views API. A view's `config` is what the list page
needs to show the records again: columns, widths, frozen columns, sort, filter (the records API's
filter language), quick search, page size, and the kanban's or calendar's field."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

COLUMN_KEY = r"^[a-z][a-z0-9_]{0,47}$"
ViewKind = Literal["table", "kanban", "calendar"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ViewConfig(Strict):
    columns: list[str] = Field(default_factory=list, max_length=300, description="field keys, in order; empty: all")
    widths: dict[str, int] = Field(default_factory=dict, max_length=300, description="column key → width in px")
    frozen: list[str] = Field(default_factory=list, max_length=10, description="columns fixed at the left")
    sort: list[str] = Field(default_factory=list, max_length=5, description="keys, '-' for descending")
    filter: dict[str, Any] | None = Field(None, description="a records-API filter: {and|or: […]} or {field, op, value}")
    search: str | None = Field(None, max_length=200)
    page_size: int = Field(20, ge=5, le=200)
    group_field: str | None = Field(None, pattern=COLUMN_KEY, description="kanban: a single-select field")
    date_field: str | None = Field(None, pattern=COLUMN_KEY, description="calendar: a date or date-time field")


class ViewIn(Strict):
    name: str = Field(min_length=1, max_length=128)
    kind: ViewKind = "table"
    shared: bool = Field(False, description="shared with the app roles in `roles` (every member when empty)")
    roles: list[str] = Field(default_factory=list, max_length=50)
    config: ViewConfig = Field(default_factory=ViewConfig)
    position: int = Field(0, ge=0, le=10000)


class ViewPatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=128)
    kind: ViewKind | None = None
    shared: bool | None = None
    roles: list[str] | None = Field(None, max_length=50)
    config: ViewConfig | None = None
    position: int | None = Field(None, ge=0, le=10000)


class ViewOut(BaseModel):
    id: int
    form_key: str
    name: str
    kind: str
    shared: bool
    roles: list[str]
    config: dict[str, Any]
    position: int
    owner_id: int | None
    can_edit: bool
    created_at: datetime
    updated_at: datetime


class ViewList(BaseModel):
    items: list[ViewOut]
    can_share: bool
