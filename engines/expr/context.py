"""What a formula may know besides the record: the time, the user and the organisation.

The engine never reads the clock or the database itself; callers inject everything here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any, Callable, Mapping, Protocol, Sequence

from engines.expr.values import naive


class Directory(Protocol):
    """The organisation as people functions see it (USERNAME, DEPTHEAD, SUBDEPTS…)."""

    def user_name(self, user_id: Any) -> str | None: ...

    def dept_name(self, dept_id: Any) -> str | None: ...

    def dept_head(self, dept_id: Any) -> Any | None: ...

    def subdepartments(self, dept_id: Any) -> Sequence[Any]:
        """The department itself and every department below it."""
        ...


# Called with the path of link keys from the root record (("customer",), ("customer", "owner")…)
# and the stored value of the link (an id, or a list of ids for to-many links); returns the linked
# record (a mapping), its rows (a list of mappings) or None.
LinkLoader = Callable[[tuple[str, ...], Any], Any]


@dataclass(frozen=True)
class UserInfo:
    id: Any = None
    name: str | None = None
    dept: Any = None  # main department
    depts: tuple[Any, ...] = ()  # every department the user belongs to
    roles: tuple[str, ...] = ()

    def member(self, name: str) -> Any:
        return {"id": self.id, "name": self.name, "dept": self.dept, "depts": list(self.depts), "roles": list(self.roles)}[
            name
        ]


@dataclass(frozen=True)
class Context:
    """`now` is required so that nothing in the engine depends on the wall clock."""

    now: datetime
    today: date | None = None
    user: UserInfo = field(default_factory=UserInfo)
    directory: Directory | None = None
    links: LinkLoader | None = None
    tz: tzinfo | None = None

    def __post_init__(self) -> None:
        tz = self.tz or self.now.tzinfo
        object.__setattr__(self, "tz", tz)
        object.__setattr__(self, "now", naive(self.now, tz))
        if self.today is None:
            object.__setattr__(self, "today", self.now.date())

    def with_user(self, **changes: Any) -> Context:
        from dataclasses import replace

        return replace(self, user=replace(self.user, **changes))


Record = Mapping[str, Any]
