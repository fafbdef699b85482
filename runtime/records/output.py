"""Stored rows → the JSON a client sees: system keys plus the readable fields, with junction
ids, subform rows and (when asked) linked records' titles."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from engines.form.compiled import CompiledForm
from engines.form.types import StorageKind
from runtime.records import repository as repo

SYSTEM_OUT = ("id", "version", "created_at", "created_by", "updated_at", "updated_by", "owner_id", "owner_dept_id",
              "flow_status", "draft", "deleted_at")


def _json(value: Any) -> Any:
    from datetime import date, datetime
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


async def serialize(
    conn: AsyncConnection,
    form: CompiledForm,
    rows: list[dict[str, Any]],
    *,
    readable: frozenset[str] | None = None,
    fields: list[str] | None = None,
    expand: set[str] | None = None,
    with_children: bool = False,
    linked: dict[str, CompiledForm] | None = None,
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
    out = []
    for row in rows:
        item = {k: _json(row.get(k)) for k in SYSTEM_OUT}
        for spec in wanted:
            storage = spec.storage
            if storage is StorageKind.REFS:
                value = refs[spec.key][row["id"]]
                item[spec.key] = [titles.get((spec.key, v), v) for v in value] if spec.key in titles.get("_keys", ()) else value
            elif storage is StorageKind.CHILD:
                if spec.key in children:
                    item[spec.key] = [_child(spec, r) for r in children[spec.key][row["id"]]]
            elif storage is StorageKind.SYSTEM:
                item[spec.key] = _json(row.get(spec.type.system_column))
            else:
                value = spec.type.from_db(spec, row.get(spec.key))
                if storage is StorageKind.REF and spec.key in titles.get("_keys", ()) and value is not None:
                    item[spec.key] = titles.get((spec.key, value), {"id": value, "title": None})
                else:
                    item[spec.key] = None if value is None else spec.type.serialize(spec, value)
        out.append(item)
    return out


def _child(spec, row: dict[str, Any]) -> dict[str, Any]:
    item = {"id": row["id"]}
    for child in spec.children:
        value = child.type.from_db(child, row.get(child.key))
        item[child.key] = None if value is None else child.type.serialize(child, value)
    return item


async def _titles(conn, form, rows, refs, wanted, expand, linked) -> dict:
    """For expanded link fields: {(field, id): {id, title}} read from each linked form."""
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
        for target_id, title in (await repo.titles(conn, target, ids)).items():
            out[(spec.key, target_id)] = title
        out["_keys"].add(spec.key)
    return out
