"""Expression types and the schema a caller describes its fields with.

The form engine maps its field types onto these few kinds; nothing here knows about field
types, widgets or tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Iterator, Mapping


class Kind(StrEnum):
    NUMBER = "number"
    TEXT = "text"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    USER = "user"  # an opaque user id (int in Qiqiao)
    DEPT = "dept"  # an opaque department id
    NULL = "null"  # the type of the NULL literal: fits anywhere
    LIST = "list"  # list<T>: multi-select, multi-person, values of a subform column
    RECORD = "record"  # a link-to-one: a nested schema
    RECORDS = "records"  # a subform or link-to-many: rows with a nested schema


SCALAR_KINDS = frozenset({Kind.NUMBER, Kind.TEXT, Kind.BOOL, Kind.DATE, Kind.DATETIME, Kind.USER, Kind.DEPT, Kind.NULL})
ORDERED_KINDS = frozenset({Kind.NUMBER, Kind.TEXT, Kind.DATE, Kind.DATETIME})


@dataclass(frozen=True)
class ExprType:
    kind: Kind
    item: ExprType | None = None
    schema: Schema | None = None

    def __str__(self) -> str:
        if self.kind is Kind.LIST:
            return f"list<{self.item}>"
        return self.kind.value

    @property
    def is_scalar(self) -> bool:
        return self.kind in SCALAR_KINDS

    @property
    def is_list(self) -> bool:
        return self.kind in (Kind.LIST, Kind.RECORDS)

    @property
    def element(self) -> ExprType:
        """The type of one item of a list, or of one row of a subform."""
        if self.kind is Kind.LIST and self.item is not None:
            return self.item
        if self.kind is Kind.RECORDS:
            return ExprType(Kind.RECORD, schema=self.schema)
        return self


NUMBER = ExprType(Kind.NUMBER)
TEXT = ExprType(Kind.TEXT)
BOOL = ExprType(Kind.BOOL)
DATE = ExprType(Kind.DATE)
DATETIME = ExprType(Kind.DATETIME)
USER = ExprType(Kind.USER)
DEPT = ExprType(Kind.DEPT)
NULL = ExprType(Kind.NULL)
_SCALARS = {t.kind.value: t for t in (NUMBER, TEXT, BOOL, DATE, DATETIME, USER, DEPT)}


def list_of(item: ExprType) -> ExprType:
    return ExprType(Kind.LIST, item=item)


def record(fields: Schema | Mapping[str, Any]) -> ExprType:
    """A link-to-one field: `customer.industry` reads a field of the linked record."""
    return ExprType(Kind.RECORD, schema=fields if isinstance(fields, Schema) else Schema(fields))


def records(fields: Schema | Mapping[str, Any]) -> ExprType:
    """A subform or link-to-many: `items.subtotal` is the list of that column over the rows."""
    return ExprType(Kind.RECORDS, schema=fields if isinstance(fields, Schema) else Schema(fields))


def parse_type(name: str) -> ExprType:
    """`"number"`, `"list<text>"`… (record kinds need nested fields: use `record()`/`records()`)."""
    name = name.strip().lower()
    if name in _SCALARS:
        return _SCALARS[name]
    if name.startswith("list<") and name.endswith(">"):
        inner = parse_type(name[5:-1])
        if inner.is_scalar:
            return list_of(inner)
    raise ValueError(f"unknown expression type {name!r}")


SCALAR_TYPE_NAMES = tuple(_SCALARS)
# The field holding a schema's implicit rows (`Schema(rows=…)`); `$` keeps it apart from field keys.
ROWS = "$rows"
TYPE_NAMES = SCALAR_TYPE_NAMES + tuple(f"list<{n}>" for n in SCALAR_TYPE_NAMES) + ("record", "records")


class Schema:
    """Field key → expression type for one form (or one linked form / subform).

    `system` lists the system columns every record table has (`id`, `created_at`, `owner_id`…);
    formulas reach them as `$record.created_at` so they never collide with field keys.

    `rows` describes the rows a formula is evaluated over as a whole — the rows of one group of a
    report's GROUP BY: `amount` then names the list of the group's amounts, read row by row like a
    subform column (`SUM(amount * probability)`), while `fields` stay single values.
    """

    __slots__ = ("_fields", "_system", "_rows")

    def __init__(self, fields: Mapping[str, Any] | None = None, system: Mapping[str, Any] | None = None,
                 rows: Schema | Mapping[str, Any] | None = None) -> None:
        self._fields = {key: _as_type(value) for key, value in (fields or {}).items()}
        sys_fields = SYSTEM_FIELDS if system is None else system
        self._system = {key: _as_type(value) for key, value in sys_fields.items()}
        self._rows = rows is not None
        if rows is not None:
            self._fields[ROWS] = records(rows)

    @property
    def over_rows(self) -> bool:
        """Do bare field names refer to the columns of the implicit rows (see `rows`)?"""
        return self._rows

    @classmethod
    def from_json(cls, fields: list[Mapping[str, Any]]) -> Schema:
        """The HTTP shape: `[{"key": "amount", "type": "number"}, {"key": "items", "type":
        "records", "fields": [...]}]`."""
        out: dict[str, ExprType] = {}
        for spec in fields:
            key, type_name = str(spec["key"]), str(spec["type"]).strip().lower()
            if type_name in ("record", "records"):
                nested = cls.from_json(list(spec.get("fields") or []))
                out[key] = record(nested) if type_name == "record" else records(nested)
            else:
                out[key] = parse_type(type_name)
        return cls(out)

    def get(self, key: str) -> ExprType | None:
        return self._fields.get(key)

    def system_field(self, key: str) -> ExprType | None:
        return self._system.get(key) or self._fields.get(key)

    def keys(self) -> list[str]:
        return [key for key in self._fields if key != ROWS]

    def system_keys(self) -> list[str]:
        return list(self._system)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __repr__(self) -> str:
        return f"Schema({ {k: str(v) for k, v in self._fields.items()} })"


def _as_type(value: Any) -> ExprType:
    if isinstance(value, ExprType):
        return value
    if isinstance(value, str):
        return parse_type(value)
    if isinstance(value, Mapping):  # a bare mapping is shorthand for a link-to-one
        return record(value)
    raise ValueError(f"not an expression type: {value!r}")


def unify(a: ExprType, b: ExprType) -> ExprType | None:
    """The common type of two branches or operands, or None when they do not mix."""
    if a.kind is Kind.NULL:
        return b
    if b.kind is Kind.NULL or a == b:
        return a
    if {a.kind, b.kind} == {Kind.DATE, Kind.DATETIME}:
        return DATETIME
    # Ids are opaque, but a literal 7 or "7" may name a user or department.
    for ident, other in ((a, b), (b, a)):
        if ident.kind in (Kind.USER, Kind.DEPT) and other.kind in (Kind.NUMBER, Kind.TEXT):
            return ident
    if a.kind is Kind.LIST and b.kind is Kind.LIST and a.item and b.item:
        inner = unify(a.item, b.item)
        return list_of(inner) if inner else None
    return None


# System columns of every record table (architecture §3), typed for formulas.
SYSTEM_FIELDS: dict[str, ExprType] = {
    "id": NUMBER,
    "created_at": DATETIME,
    "created_by": USER,
    "updated_at": DATETIME,
    "updated_by": USER,
    "owner_id": USER,
    "owner_dept_id": DEPT,
    "flow_status": TEXT,
    "version": NUMBER,
}

# `$user` is the current user's id; its members describe the signed-in person.
USER_FIELDS: dict[str, ExprType] = {
    "id": USER,
    "name": TEXT,
    "dept": DEPT,
    "depts": list_of(DEPT),
    "roles": list_of(TEXT),
}
