"""Request bodies of the reports and dashboards API. Report definitions themselves are checked by
the report engine (errors carry the path inside `definition`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from engines.form.definition import KEY_PATTERN
from engines.report.definition import DateRange, Where


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ForRecord(Strict):
    """Scope a report to one record's related records: rows whose link `field` points at `id`."""

    field: str = Field(pattern=KEY_PATTERN)
    id: int = Field(ge=1)


class RunParams(Strict):
    where: list[Where] = Field(default_factory=list, max_length=50)
    date_range: DateRange | None = None
    for_record: ForRecord | None = None
    fresh: bool = False


class RunBody(RunParams):
    definition: dict[str, Any]


class DrillBody(RunParams):
    definition: dict[str, Any] | None = Field(None, description="for an unsaved report; a saved one is named in the path")
    values: dict[str, Any] = Field(description="the clicked values, by dimension key")


class ExportBody(RunParams):
    definition: dict[str, Any]
    format: Literal["xlsx", "csv"] = "xlsx"



class DashboardDrillBody(Strict):
    widget: str = Field(pattern=r"^[a-z][a-z0-9_]{0,47}$")
    filters: dict[str, Any] = Field(default_factory=dict, description="the global filter values shown")
    path: list[dict[str, Any]] = Field(min_length=1, max_length=5,
                                       description="the clicked values of each level so far, the newest last")
    fresh: bool = False


class LinkBody(Strict):
    name: str = Field(min_length=1, max_length=128)
    expires_in_days: int | None = Field(None, ge=1, le=3650)
    filters: dict[str, Any] = Field(default_factory=dict, description="global filter values the link always applies")


class Recipients(Strict):
    users: list[int] = Field(default_factory=list, max_length=200)
    emails: list[EmailStr] = Field(default_factory=list, max_length=50)


class ScheduleBody(Strict):
    cron: str = Field(min_length=9, max_length=100, description="minute hour day month weekday, platform time zone")
    format: Literal["png", "pdf"] = "pdf"
    subject: str | None = Field(None, max_length=200)
    recipients: Recipients
    filters: dict[str, Any] = Field(default_factory=dict)


class ScheduleChange(Strict):
    enabled: bool
