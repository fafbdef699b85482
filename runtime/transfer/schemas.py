"""Request bodies of imports and exports."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from runtime.transfer.sheets import MAX_COLUMNS


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ColumnMapping(Strict):
    column: int = Field(ge=0, lt=MAX_COLUMNS, description="the column's index, as in the preview")
    field: str | None = Field(None, max_length=48, description="a field key, 'id' (a key for updates), or null to skip")
    header: str | None = Field(None, max_length=1000, description="informational: the suggestion can be sent back as is")


class ImportRun(Strict):
    mapping: list[ColumnMapping] = Field(min_length=1, max_length=MAX_COLUMNS)
    mode: Literal["insert", "update", "upsert"] = "insert"
    key_field: str | None = Field(None, max_length=48, description="the mapped field that finds existing records")
    on_error: Literal["skip", "abort"] = Field("skip", description="skip bad rows, or import nothing if any is bad")
    dry_run: bool = Field(False, description="report what would happen and write nothing")


class ExportQuery(Strict):
    format: Literal["xlsx", "csv"] = "xlsx"
    filter: dict[str, Any] | None = None
    sort: list[str] = Field(default_factory=list, max_length=5)
    search: str | None = Field(None, max_length=200)
    fields: list[str] | None = Field(None, max_length=300)
