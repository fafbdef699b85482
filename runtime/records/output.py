"""Stored rows → the JSON a client sees: system keys plus the readable fields, with junction
ids, subform rows and (when asked) linked records' titles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from engines.form.compiled import CompiledForm
from engines.form.types import FieldSpec, FieldType, StorageKind
from runtime.records import repository as repo

SYSTEM_OUT = ("id", "version", "created_at", "created_by", "updated_at", "updated_by", "owner_id", "owner_dept_id",
              "flow_status", "draft", "deleted_at")


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    return value


@dataclass(frozen=True)
class LinkedView:
    """A linked form as the reader may see it: its rows in scope and whether its title is readable."""

    form: CompiledForm
    where: Any = None  # SQL condition on the form's table (None: every row)
    readable: frozenset[str] | None = None


async def serialize(
    conn: AsyncConnection,
    form: CompiledForm,
    rows: list[dict[str, Any]],
    *,
    readable: frozenset[str] | None = None,
    fields: list[str] | None = None,
    expand: set[str] | None = None,
    with_children: bool = False,
    linked: dict[str, LinkedView] | None = None,
) -> list[dict[str, Any]]:
    expand = expand or set()
    ids = [r["id"] for r in rows]
    wanted = [
        s for s in form.specs.values()
        if (readable is None or s.key in readable) and (fields is None or s.key in fields)
        and s.storage is not StorageKind.NONE
    ]
    refs = {s.key: await repo.refs_of(conn, form, s.key, ids) for s in wanted if s.storage is StorageKind.REFS}
    children = {
        s.key: await repo.children_of(conn, form, s.key, ids)
        for s in wanted if s.storage is StorageKind.CHILD and (with_children or s.key in expand)
    }
    titles = await _titles(conn, form, rows, refs, wanted, expand, linked or {})
    titled = titles.get("_keys", ())
    # What each field needs, looked up once rather than once per row (a page has 50 rows).
    plan = [(spec, spec.key, spec.storage, spec.type.from_db, spec.type.serialize, spec.key in titled,
             _text_as_stored(spec)) for spec in wanted]
    out = []
    for row in rows:
        item = {k: _json(row.get(k)) for k in SYSTEM_OUT}
        for spec, key, storage, from_db, to_json, has_titles, as_stored in plan:
            if as_stored:
                item[key] = row.get(key)
            elif storage is StorageKind.REFS:
                value = refs[key][row["id"]]
                if has_titles:
                    value = [titles.get((key, v), {"id": v, "title": None}) for v in value]
                item[key] = value
            elif storage is StorageKind.CHILD:
                if key in children:
                    item[key] = [_child(spec, r) for r in children[key][row["id"]]]
            elif storage is StorageKind.SYSTEM:
                item[key] = _json(row.get(spec.type.system_column))
            else:
                value = from_db(spec, row.get(key))
                if storage is StorageKind.REF and has_titles and value is not None:
                    item[key] = titles.get((key, value), {"id": value, "title": None})
                else:
                    item[key] = None if value is None else to_json(spec, value)
        out.append(item)
    return out


def _text_as_stored(spec: FieldSpec) -> bool:
    """A text column whose type reads and shows it unchanged: the stored string is the output."""
    kind = type(spec.type)
    return spec.storage is StorageKind.TEXT and kind.from_db is FieldType.from_db and kind.serialize is FieldType.serialize


def _child(spec, row: dict[str, Any]) -> dict[str, Any]:
    item = {"id": row["id"]}
    for child in spec.children:
        value = child.type.from_db(child, row.get(child.key))
        item[child.key] = None if value is None else child.type.serialize(child, value)
    return item


async def _titles(conn, form, rows, refs, wanted, expand, linked) -> dict:
    """For expanded link fields: {(field, id): {id, title}} read from each linked form, through the
    reader's scope there: a record they may not see keeps only its id, a hidden title field its number."""
    out: dict[Any, Any] = {"_keys": set()}
    for spec in wanted:
        if spec.key not in expand or spec.storage not in (StorageKind.REF, StorageKind.REFS):
            continue
        target = linked.get(getattr(spec.options, "form", ""))
        if target is None:
            continue
        if spec.storage is StorageKind.REF:
            ids = {r[spec.key] for r in rows if r.get(spec.key) is not None}
        else:
            ids = {t for per_record in refs[spec.key].values() for t in per_record}
        for target_id, title in (await repo.titles(conn, target.form, ids, target.where, target.readable)).items():
            out[(spec.key, target_id)] = title
        out["_keys"].add(spec.key)
    return out
