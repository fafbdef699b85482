"""When records change, records of other forms whose lookups and rollups read them are
recomputed — and so on down the chain (bounded), in the same unit of work.

Derived values do not bump a record's version: nobody can write them, so they never conflict
with a user's edit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from engines.form.compiled import CompiledForm
from engines.form.types import StorageKind
from engines.form.types.computed import ReverseSource
from runtime.context import Principal
from runtime.records import repository as repo
from runtime.records.compute import Deriver

MAX_HOPS = 6


def _affects(dependent: CompiledForm, source_key: str, changed: set[str]) -> list[tuple[Any, str]]:
    """(spec, how) for each computed field of `dependent` that reads `changed` fields of `source_key`."""
    hits = []
    for spec in dependent.specs.values():
        kind = spec.type.type
        if kind == "lookup" and spec.extra.get("target_form") == source_key:
            if spec.options.field in changed or "*" in changed:
                hits.append((spec, "link"))
        elif kind == "rollup":
            source = spec.options.source
            if isinstance(source, ReverseSource):
                if source.form == source_key and ({source.via, spec.options.field, "*"} & changed):
                    hits.append((spec, "reverse"))
            elif spec.extra.get("source_kind") == "links":
                link = dependent.specs[source]
                if link.options.form == source_key and ({spec.options.field, "*"} & changed or spec.options.function == "count"):
                    hits.append((spec, "links"))
    return hits


async def _affected_ids(conn: AsyncConnection, dependent: CompiledForm, spec: Any, how: str, ids: set[int],
                        old_via: dict[str, set[int]]) -> set[int]:
    if how == "reverse":
        return set(ids_from(old_via.get(spec.options.source.via, set())))
    link_key = spec.extra["source"] if how == "link" else spec.options.source
    link = dependent.specs[link_key]
    if link.storage is StorageKind.REFS:
        junction = dependent.junctions[link_key]
        rows = await conn.execute(select(junction.c.record_id).prefix_with(dependent.tag).where(junction.c.target_id.in_(ids)))
    else:
        table = dependent.table
        rows = await conn.execute(select(table.c.id).prefix_with(dependent.tag)
                                  .where(table.c[link_key].in_(ids), table.c.deleted_at.is_(None)))
    return {r[0] for r in rows}


def ids_from(values: set[Any]) -> set[int]:
    return {v for v in values if isinstance(v, int)}


async def propagate(conn: AsyncConnection, forms: dict[str, CompiledForm], form_ids: dict[str, int], source_key: str,
                    ids: set[int], changed: set[str], via_values: dict[str, set[int]], principal: Principal | None,
                    now: Any, hops: int = 0) -> None:
    """`via_values`: for link fields of the source, every id they pointed at before or after."""
    if not ids or hops >= MAX_HOPS:
        return
    for dependent_key, dependent in forms.items():
        hits = _affects(dependent, source_key, changed)
        if not hits:
            continue
        targets: set[int] = set()
        for spec, how in hits:
            targets |= await _affected_ids(conn, dependent, spec, how, ids, via_values)
        if not targets:
            continue
        recomputed = await recompute(conn, forms, form_ids, dependent_key, targets, principal, now)
        if recomputed:
            changed_keys = set().union(*recomputed.values())
            await propagate(conn, forms, form_ids, dependent_key, set(recomputed), changed_keys,
                            await link_values(conn, dependent, set(recomputed)), principal, now, hops + 1)


async def recompute(conn: AsyncConnection, forms: dict[str, CompiledForm], form_ids: dict[str, int], form_key: str,
                    ids: set[int], principal: Principal | None, now: Any) -> dict[int, set[str]]:
    """Recompute every computed field of these records; returns which keys changed per record."""
    form = forms[form_key]
    deriver = Deriver(conn, form, forms, form_ids[form_key], principal, now)
    rows = await repo.fetch_rows(conn, form, [form.table.c.id.in_(sorted(ids))])
    refs = {k: await repo.refs_of(conn, form, k, sorted(ids)) for k in form.junctions}
    children = {k: await repo.child_values_of(conn, form, k, sorted(ids)) for k in form.children}
    out: dict[int, set[str]] = {}
    for row in rows:
        rid = row["id"]
        values = {k: form.specs[k].type.from_db(form.specs[k], row[k]) for k in form.specs if k in row}
        derived = await deriver.derive(
            values, {k: refs[k][rid] for k in refs},
            {k: children[k][rid] for k in children},
            rid, creating=False,
        )
        derived.pop(next((s.key for s in form.specs.values() if s.type.type == "autonumber"), ""), None)
        changes = {k: v for k, v in derived.items() if values.get(k) != v}
        if changes:
            await conn.execute(update(form.table).prefix_with(form.tag).where(form.table.c.id == rid).values(
                {k: form.specs[k].type.to_db(form.specs[k], v) for k, v in changes.items()}))
            out[rid] = set(changes)
    return out


async def link_values(conn: AsyncConnection, form: CompiledForm, ids: set[int]) -> dict[str, set[int]]:
    """The ids each link-to-one field of these records points at."""
    links = [s.key for s in form.specs.values() if s.type.type == "link"]
    if not links or not ids:
        return {}
    rows = await conn.execute(select(*(form.table.c[k] for k in links)).prefix_with(form.tag)
                              .where(form.table.c.id.in_(sorted(ids))))
    out: dict[str, set[int]] = {k: set() for k in links}
    for row in rows:
        for key, value in zip(links, row):
            if value is not None:
                out[key].add(value)
    return out
