"""Settings shared by several node types: durations and assignee rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engines.flow.calendar import WorkCalendar


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Duration(Strict):
    amount: Decimal = Field(gt=0, le=100_000)
    unit: Literal["minutes", "hours", "days", "weeks"] = "hours"
    business: bool = Field(False, description="count working time of the flow's calendar")

    def after(self, start: datetime, calendar: WorkCalendar) -> datetime:
        amount = float(self.amount)
        if self.business:
            if self.unit in ("days", "weeks"):
                return calendar.add_days(start, int(round(amount * (5 if self.unit == "weeks" else 1))))
            minutes = amount * (60 if self.unit == "hours" else 1)
            return calendar.add(start, timedelta(minutes=minutes))
        return start + timedelta(**{self.unit: amount})


class AssigneeRule(Strict):
    """Who a human node goes to. Several rules are united, in order, without repeats."""

    kind: Literal["users", "role", "dept_head", "field_dept_head", "field", "expression", "initiator", "chosen",
                  "departments"]
    users: list[int] = Field(default_factory=list, max_length=200, description="kind=users")
    departments: list[int] = Field(default_factory=list, max_length=50, description="kind=departments: every member")
    role: str | None = Field(None, max_length=64, description="kind=role: an app role key")
    levels: int = Field(0, ge=0, le=10, description="kind=dept_head: 0 = the head of the initiator's department, 1 = one level up…")
    field: str | None = Field(None, max_length=48, description="kind=field / field_dept_head")
    expression: str | None = Field(None, max_length=4000, description="kind=expression: a user or a list of users")
