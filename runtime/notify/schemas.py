"""Request and response bodies of the notifications API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

NotificationId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class NotificationOut(BaseModel):
    id: int
    kind: str
    title: dict[str, str]  # {"en": …, "zh-CN": …}
    body: str
    link: dict[str, Any] | None
    created_at: datetime
    read_at: datetime | None


class NotificationPage(BaseModel):
    items: list[NotificationOut]
    next_before: int | None  # pass as `before` for the next (older) page


class UnreadCount(BaseModel):
    count: int


class MarkRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[NotificationId] | None = Field(None, max_length=500)
    all: bool = False


class MarkedRead(BaseModel):
    updated: int
