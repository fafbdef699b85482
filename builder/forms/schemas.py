"""Request bodies of the forms design API (definitions themselves are validated by the engine)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FormCreate(Strict):
    definition: dict[str, Any]


class DraftSave(Strict):
    definition: dict[str, Any]
    draft_revision: int | None = Field(None, description="the revision you edited; a newer one on the server gives 409")


class PublishRequest(Strict):
    on_unconvertible: Literal["abort", "keep"] = Field(
        "abort", description="abort: refuse if any value would not convert; keep: keep originals in a preserved column"
    )
