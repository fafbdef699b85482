"""Request and response bodies of the record comments API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

MAX_RAW_BODY = 20_000  # before cleaning; the stored body is at most 5 000 characters
UserId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CommentIn(Strict):
    body: str = Field(max_length=MAX_RAW_BODY, description="plain text, shown as text (never HTML)")
    mentions: list[UserId] = Field(default_factory=list, max_length=50, description="ids of mentioned users")


class CommentEdit(Strict):
    body: str = Field(max_length=MAX_RAW_BODY)


class UserRef(BaseModel):
    id: int
    display_name: str


class CommentOut(BaseModel):
    id: int
    author: UserRef | None  # None: the author's account was removed
    body: str
    mentions: list[UserRef]
    created_at: datetime
    edited_at: datetime | None


class CommentList(BaseModel):
    items: list[CommentOut]
