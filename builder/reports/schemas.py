"""Request bodies for managing reports and dashboards; definitions are checked by the report engine."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engines.report.definition import Share


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportIn(Strict):
    name: str = Field(min_length=1, max_length=128)
    description: str = Field("", max_length=2000)
    definition: dict[str, Any]


class ReportUpdate(ReportIn):
    version: int = Field(ge=1, description="the version edited: a stale one is refused with 409")


class DashboardIn(Strict):
    name: str = Field(min_length=1, max_length=128)
    description: str = Field("", max_length=2000)
    definition: dict[str, Any]
    share: Share = Field(default_factory=Share)
    is_home: bool = False


class DashboardUpdate(DashboardIn):
    version: int = Field(ge=1, description="the version edited: a stale one is refused with 409")
