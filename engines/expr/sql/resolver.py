"""How the SQL compiler finds columns: a resolver the caller implements over its own tables.

`TableResolver` is a ready-made one for plain SQLAlchemy tables (links by foreign key, subforms
by parent key, link-to-many through a junction table); the form engine can use it or its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol, Sequence

from sqlalchemy import Table
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause


@dataclass(frozen=True)
class Related:
    """The rows behind a link or subform, correlated to the current row by `where`.

    `from_` must be a fresh alias each time `related()` is called, so that a subquery over a
    subform nested in another over the same subform does not correlate to it by accident.

    `from_` None means the rows are already part of the enclosing query — joined into it, or the
    rows of its GROUP BY (a report's): their columns are read in place, and an aggregate over them
    (`SUM(amount)`) becomes an aggregate of the enclosing SELECT rather than a subquery.
    """

    table: SqlResolver
    from_: FromClause | None
    where: ColumnElement[bool] | None
    order_by: Sequence[ColumnElement[Any]] = ()


@dataclass(frozen=True)
class ListSource:
    """The items of a list field (multi-select, multi-person) as rows of one column."""

    value: ColumnElement[Any]
    from_: FromClause
    where: ColumnElement[bool] | None = None
    order_by: Sequence[ColumnElement[Any]] = ()


class SqlResolver(Protocol):
    def column(self, key: str) -> ColumnElement[Any]:
        """A scalar field or system column; for a link-to-one, its foreign-key column."""
        ...

    def related(self, key: str) -> Related:
        """A link-to-one, link-to-many or subform field."""
        ...

    def values(self, key: str) -> ListSource | ColumnElement[Any]:
        """A list field: its items as rows, or the column holding a JSON array of them."""
        ...


# -- a resolver over plain tables -------------------------------------------------------------------


@dataclass(frozen=True)
class LinkOne:
    target: Table
    fk: str  # column on the source table
    pk: str = "id"
    links: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Children:
    """A subform: child rows pointing at the parent by `parent_key`, ordered by `order`."""

    target: Table
    parent_key: str
    pk: str = "id"  # the parent's key column
    order: str | None = "position"
    links: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Junction:
    """A link-to-many through a junction table (source id, target id)."""

    junction: Table
    source_col: str
    target_col: str
    target: Table
    pk: str = "id"
    links: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JunctionValues:
    """A multi-person / multi-department field kept in a junction table of (record id, value)."""

    junction: Table
    source_col: str
    value_col: str
    pk: str = "id"


class TableResolver:
    def __init__(self, table: FromClause, links: Mapping[str, Any] | None = None) -> None:
        self.table = table
        self.links = dict(links or {})

    def column(self, key: str) -> ColumnElement[Any]:
        spec = self.links.get(key)
        if isinstance(spec, LinkOne):
            return self.table.c[spec.fk]
        return self.table.c[key]

    def related(self, key: str) -> Related:
        spec = self.links[key]
        if isinstance(spec, LinkOne):
            target = spec.target.alias()
            return Related(TableResolver(target, spec.links), target, target.c[spec.pk] == self.table.c[spec.fk])
        if isinstance(spec, Children):
            target = spec.target.alias()
            order = [target.c[spec.order]] if spec.order else [target.c[spec.pk]]
            return Related(
                TableResolver(target, spec.links), target, target.c[spec.parent_key] == self.table.c[spec.pk], order
            )
        if isinstance(spec, Junction):
            junction, target = spec.junction.alias(), spec.target.alias()
            joined = junction.join(target, junction.c[spec.target_col] == target.c[spec.pk])
            return Related(
                TableResolver(target, spec.links), joined, junction.c[spec.source_col] == self.table.c[spec.pk],
                [target.c[spec.pk]],
            )
        raise KeyError(key)

    def values(self, key: str) -> ListSource | ColumnElement[Any]:
        spec = self.links.get(key)
        if isinstance(spec, JunctionValues):
            junction = spec.junction.alias()
            return ListSource(
                junction.c[spec.value_col], junction, junction.c[spec.source_col] == self.table.c[spec.pk],
                [junction.c[spec.value_col]],
            )
        return self.table.c[key]
