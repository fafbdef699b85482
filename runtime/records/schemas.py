"""Request bodies of the records API. Record values themselves are checked by the form engine."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ListQuery(Strict):
    filter: dict[str, Any] | None = None
    sort: list[str] = Field(default_factory=list, max_length=5)
    limit: int = Field(50, ge=1, le=500)
    page: int = Field(1, ge=1, le=100000)
    cursor: str | None = Field(None, max_length=2000)
    search: str | None = Field(None, max_length=200)
    fields: list[str] | None = Field(None, max_length=300)
    expand: list[str] | None = Field(None, max_length=50)
    count: bool = False
    trash: bool = False


class BulkCreate(Strict):
    items: list[dict[str, Any]] = Field(min_length=1)


class Upsert(Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,47}$", description="a unique field matching items to records")
    items: list[dict[str, Any]] = Field(min_length=1)


class BulkUpdateItem(Strict):
    id: int
    version: int | None = None
    values: dict[str, Any]


class BulkUpdate(Strict):
    items: list[BulkUpdateItem] = Field(min_length=1)


class IdList(Strict):
    ids: list[int] = Field(min_length=1, max_length=10000)


# A record id in a URL: beyond BIGINT is a 422, never a driver error.
RecordId = Annotated[int, Path(ge=1, le=2**63 - 1)]
