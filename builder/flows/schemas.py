"""Request bodies of the flows design API and the calendars admin API (definitions themselves are
checked by the flow engine). Paths in a 422 name the request body (`definition.nodes.0.id`);
the problems of a definition are paths inside it (`edges.3.condition`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from engines.form.definition import KEY_PATTERN, I18nText

CALENDAR_KEY = r"^[a-z][a-z0-9_]{0,63}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FlowCreate(Strict):
    key: str = Field(pattern=KEY_PATTERN)
    name: I18nText
    form: str | None = Field(None, pattern=KEY_PATTERN, description="the form whose records the flow runs on")
    definition: dict[str, Any] | None = Field(
        None, description="the first draft's nodes, edges and settings; by default a trigger joined to an end")


class DraftSave(Strict):
    definition: dict[str, Any]
    draft_revision: int | None = Field(None, description="the revision you edited; a newer one on the server gives 409")


class PublishRequest(Strict):
    draft_revision: int | None = Field(None, description="publish only if the draft is still this revision")


class FlowUpdate(Strict):
    enabled: bool | None = None
    name: I18nText | None = Field(None, description="renames the draft (the published version keeps its name)")


class CalendarIn(Strict):
    name: str = Field(min_length=1, max_length=128)
    definition: dict[str, Any] = Field(
        default_factory=dict,
        description='{"tz", "weekdays": [0..6], "hours": [["09:00", "12:00"], …], "holidays": [...], "workdays": [...]}')
