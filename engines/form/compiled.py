"""A form definition compiled once per published version: field specs with parsed options and
the SQLAlchemy tables that hold its records (main table, junction tables, subform tables).

Table names are `app_<app>__<form>` and `app_<app>__<form>__<field>`, shortened with a stable
hash past PostgreSQL's 63-character limit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field as dc_field
from typing import Any, Mapping

from pydantic import ValidationError
from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, MetaData, String, Table

from core.types import IdType, UTCDateTime
from engines.form.computed import bind, formula_order
from engines.form.definition import FieldDef, FormDef
from engines.form.types import FIELD_TYPES, FieldSpec, FormRefs, StorageKind
from engines.form.types.relation import junction_columns

MAX_IDENTIFIER = 63


class DefinitionError(ValueError):
    """A definition that cannot be compiled; `errors` carries one entry per problem with a path."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{e['path']}: {e['message']}" for e in errors[:5]))
        self.errors = errors


def identifier(*parts: str) -> str:
    name = "__".join(parts)
    if len(name) <= MAX_IDENTIFIER:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[: MAX_IDENTIFIER - 9]}_{digest}"


def record_table_name(app_key: str, form_key: str) -> str:
    return identifier(f"app_{app_key}", form_key)


def system_columns() -> list[Column]:
    return [
        Column("id", IdType, primary_key=True, autoincrement=True),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("created_by", BigInteger()),
        Column("updated_at", UTCDateTime(), nullable=False),
        Column("updated_by", BigInteger()),
        Column("owner_id", BigInteger()),
        Column("owner_dept_id", BigInteger()),
        Column("version", Integer(), nullable=False, default=1),
        Column("flow_status", String(20)),
        Column("deleted_at", UTCDateTime()),
        Column("draft", Boolean(), nullable=False, default=False),
    ]


@dataclass
class CompileContext:
    """What a form may refer to: the other forms of its app (by key)."""

    app_key: str
    forms: Mapping[str, FormDef] = dc_field(default_factory=dict)

    def knows_form(self, key: str) -> bool:
        return key in self.forms


@dataclass
class ChildTable:
    table: Table
    specs: dict[str, FieldSpec]


class CompiledForm:
    """Immutable once built; shared by every request that uses this form version."""

    def __init__(self, app_key: str, definition: FormDef, specs: dict[str, FieldSpec], version: int) -> None:
        self.app_key = app_key
        self.definition = definition
        self.key = definition.key
        self.version = version
        self.specs = specs
        self.table_name = record_table_name(app_key, definition.key)
        # Prefixed to every statement over this form's tables: a new version gets new statement
        # text, so PostgreSQL never reuses a plan prepared before a column changed type.
        self.tag = f"/* {self.table_name} v{version} */"
        self.formula_order = formula_order(specs)
        self.read_links = _read_links(specs)
        self.metadata = MetaData()
        self.refs = FormRefs(
            table_of=lambda form_key: record_table_name(app_key, form_key),
            child_table=lambda field_key: identifier(self.table_name, field_key),
        )
        columns: list[Column] = system_columns()
        indexes: list[Index] = []
        self.junctions: dict[str, Table] = {}
        self.children: dict[str, ChildTable] = {}
        for spec in specs.values():
            columns += spec.type.columns(spec, self.refs)
            if spec.storage is StorageKind.REFS:
                self.junctions[spec.key] = Table(
                    self.refs.child_table(spec.key), self.metadata, *junction_columns(),
                    Index(identifier("ix", self.refs.child_table(spec.key), "target"), "target_id"),
                )
            elif spec.storage is StorageKind.CHILD:
                self.children[spec.key] = self._child_table(spec)
            if spec.definition.unique and spec.type.can_be_unique:
                indexes.append(
                    Index(
                        identifier("uq", self.table_name, spec.key), spec.key, unique=True,
                        sqlite_where=Column("deleted_at").is_(None), postgresql_where=Column("deleted_at").is_(None),
                    )
                )
        self.table = Table(self.table_name, self.metadata, *columns)
        for index in indexes:
            index._set_parent(self.table)  # bind after the table exists, columns resolved by name
        Index(identifier("ix", self.table_name, "owner_id"), self.table.c.owner_id)
        Index(identifier("ix", self.table_name, "owner_dept_id"), self.table.c.owner_dept_id)
        sort_index(identifier("ix", self.table_name, "updated_at"), self.table.c.updated_at)
        for spec in specs.values():
            if _indexed(spec) and not spec.definition.unique:
                sort_index(identifier("ix", self.table_name, spec.key), self.table.c[spec.key])

    def _child_table(self, spec: FieldSpec) -> ChildTable:
        child_specs = {c.key: c for c in spec.children}
        columns = [
            Column("id", IdType, primary_key=True, autoincrement=True),
            Column("parent_id", BigInteger(), nullable=False, index=False),
            Column("position", Integer(), nullable=False, default=0),
        ]
        for child in spec.children:
            columns += child.type.columns(child, self.refs)
        name = self.refs.child_table(spec.key)
        table = Table(name, self.metadata, *columns, Index(identifier("ix", name, "parent"), "parent_id", "position"))
        return ChildTable(table, child_specs)

    @property
    def tables(self) -> list[Table]:
        return list(self.metadata.sorted_tables)

    def stored_specs(self) -> list[FieldSpec]:
        return [s for s in self.specs.values() if s.storage not in (StorageKind.NONE, StorageKind.SYSTEM)]


def sort_index(name: str, column: Column) -> None:
    """An index that serves sorts both ways with NULLs lowest (ASC NULLS FIRST, DESC NULLS
    LAST): SQLite's natural order; PostgreSQL needs the index built NULLS FIRST. It ends with the
    record id, every sort's tie-breaker, so a page stops reading once it has its rows instead of
    sorting every row that shares the last value: SQLite's indexes carry the rowid already,
    PostgreSQL's name it."""
    Index(name, column).ddl_if(dialect="sqlite")
    Index(name, column.asc().nulls_first(), column.table.c.id).ddl_if(dialect="postgresql")


INDEXED_TYPES = frozenset({"single_select", "date", "datetime", "autonumber"})


def _indexed(spec: FieldSpec) -> bool:
    """Fields lists are usually filtered or sorted by get an index, so a page stays fast as the
    table grows (links and people fields index their own column)."""
    return spec.type.type in INDEXED_TYPES and spec.storage is not StorageKind.NONE


def _read_links(specs: dict[str, FieldSpec]) -> frozenset[str]:
    """Link fields through which formulas or rules read the linked record."""
    read: set[str] = set()
    for spec in specs.values():
        checked = [spec.extra.get("formula"), spec.extra.get("visible_when"), *(f for f, _ in spec.extra.get("rules") or [])]
        for formula in checked:
            if formula is not None:
                read.update(path[0] for path in formula.dependencies.links)
    return frozenset(read)


def compile_form(
    app_key: str, raw: Mapping[str, Any] | FormDef, context: CompileContext | None = None, version: int = 0
) -> CompiledForm:
    """Validate a definition completely (shape, field types, options, references) and compile it."""
    context = context or CompileContext(app_key)
    try:
        definition = raw if isinstance(raw, FormDef) else FormDef.model_validate(raw)
    except ValidationError as exc:
        raise DefinitionError(
            [{"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        ) from None
    errors: list[dict[str, str]] = []
    specs = {}
    for index, field in enumerate(definition.fields):
        spec = _spec(field, f"fields.{index}", errors, nested=False)
        if spec is not None:
            specs[field.key] = spec
    for index, field in enumerate(definition.fields):
        spec = specs.get(field.key)
        if spec is not None:
            errors += [{"path": f"fields.{index}", "message": m} for m in spec.type.check_definition(spec, context)]
    if not errors:
        errors += bind(specs, definition, _specs_of(context, {definition.key: specs}))
    title = definition.settings.title_field
    if title and title not in specs:
        errors.append({"path": "settings.title_field", "message": f"no field '{title}'"})
    if errors:
        raise DefinitionError(errors)
    return CompiledForm(app_key, definition, specs, version)


def _specs_of(context: CompileContext, known: dict[str, dict[str, FieldSpec]], depth: int = 0):
    """Field specs of the app's other forms, bound in turn (so a lookup of a lookup works),
    at most a few links deep."""

    def specs_of(form_key: str) -> dict[str, FieldSpec] | None:
        if form_key in known:
            return known[form_key]
        other = context.forms.get(form_key)
        if other is None or depth > 3:
            return None
        errors: list[dict[str, str]] = []
        specs = {f.key: s for f in other.fields if (s := _spec(f, "", errors, nested=False)) is not None}
        known[form_key] = specs
        bind(specs, other, _specs_of(context, known, depth + 1))
        return specs

    return specs_of


def _spec(field: FieldDef, path: str, errors: list[dict[str, str]], nested: bool) -> FieldSpec | None:
    if field.type not in FIELD_TYPES:
        errors.append({"path": f"{path}.type", "message": f"unknown field type '{field.type}'"})
        return None
    field_type = FIELD_TYPES.get(field.type)
    try:
        options = field_type.parse_options(field.options)
    except ValidationError as exc:
        for e in exc.errors():
            loc = ".".join(str(p) for p in e["loc"])
            errors.append({"path": f"{path}.options" + (f".{loc}" if loc else ""), "message": e["msg"]})
        return None
    if field.unique and not field_type.can_be_unique:
        errors.append({"path": f"{path}.unique", "message": f"a {field.type} field cannot be unique"})
    children: list[FieldSpec] = []
    if field.fields is not None:
        if field_type.storage is not StorageKind.CHILD:
            errors.append({"path": f"{path}.fields", "message": "only subforms have fields"})
        elif nested:
            errors.append({"path": f"{path}.fields", "message": "subforms cannot be nested"})
        else:
            seen: set[str] = set()
            for index, child in enumerate(field.fields):
                if child.key in seen:
                    errors.append({"path": f"{path}.fields.{index}.key", "message": f"'{child.key}' is used twice"})
                    continue
                seen.add(child.key)
                child_spec = _spec(child, f"{path}.fields.{index}", errors, nested=True)
                if child_spec is not None:
                    children.append(child_spec)
    return FieldSpec(field, field_type, options, tuple(children))
