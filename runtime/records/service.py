"""Creating, reading, changing and deleting records. Every entry point asks the permission gate
first and works inside the caller's unit of work; history and audit rows land in the same one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable
from weakref import WeakKeyDictionary

from pydantic_core import to_jsonable_python
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core import collector
from core.clock import Clock
from core.errors import AppError, Conflict, Forbidden, Invalid, NotFound
from engines.form.compiled import CompiledForm
from engines.form.query import (
    ExprEnv,
    QueryError,
    after_cursor,
    compile_filter,
    compile_sort,
    make_cursor,
    order_by,
    search_clause,
)
from engines.form.types import FieldType, FieldValueError, StorageKind
from engines.form.types.files import AttachmentField
from engines.form.validate import RecordInput, validate_input
from runtime.audit import service as audit
from runtime.context import Actor
from runtime.files import service as files
from runtime.forms.loader import (
    LoadedForm,
    app_forms,
    compiled_version,
    form_ids,
    form_row,
    load_form,
)
from runtime.permissions import Scope, authorize
from runtime.records import repository as repo
from runtime.records.compute import Deriver, context_for
from runtime.records.output import LinkedView, serialize
from runtime.records.propagate import link_values, propagate

MAX_BULK = 10_000

# Called after records are written, in the same unit of work: `hook(target, op, ids, changed)` with
# op "create" | "update" | "delete". Flows register here (record triggers), set up by create_app.
WriteHook = Callable[["Target", str, list[int], frozenset[str]], Awaitable[None]]
_WRITE_HOOKS: list[WriteHook] = []


def on_written(hook: WriteHook) -> None:
    if hook not in _WRITE_HOOKS:
        _WRITE_HOOKS.append(hook)


async def _written(t: "Target", op: str, ids: list[int], changed: frozenset[str] = frozenset()) -> None:
    for hook in _WRITE_HOOKS:
        if ids:
            await hook(t, op, ids, changed)


@dataclass
class Target:
    """One form, loaded and authorized for one action by one actor."""

    conn: AsyncConnection
    clock: Clock
    actor: Actor
    loaded: LoadedForm
    scope: Scope
    action: str = "view"

    @property
    def form(self) -> CompiledForm:
        return self.loaded.compiled

    @property
    def audit_target(self) -> str:
        return f"{self.loaded.app['key']}.{self.form.key}"

    async def app_forms(self) -> dict[str, CompiledForm]:
        if not hasattr(self, "_forms"):
            self._forms = await app_forms(self.conn, self.loaded.app)
            self._forms[self.form.key] = self.form
        return self._forms

    async def deriver(self) -> Deriver | None:
        deriver = Deriver(self.conn, self.form, await self.app_forms(), self.loaded.form_id, self.actor.principal,
                          self.clock.now())
        has_defaults = any(s.definition.default is not None for s in self.form.specs.values())
        return deriver if deriver.active or has_defaults else None

    async def propagate(self, ids: set[int], changed: set[str], via_before: dict[str, set[int]] | None = None) -> None:
        forms = await self.app_forms()
        if not any(s.type.computed for f in forms.values() for s in f.specs.values()):
            return
        via = await link_values(self.conn, self.form, ids)
        for key, values in (via_before or {}).items():
            via.setdefault(key, set()).update(values)
        await propagate(self.conn, forms, await form_ids(self.conn, self.loaded.app), self.form.key, ids, changed, via,
                        self.actor.principal, self.clock.now())


async def open_form(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, form_key: str, action: str,
                    write: bool = False) -> Target:
    loaded = await load_form(conn, app_key, form_key, lock=write)
    return await authorized(conn, clock, actor, loaded, action)


async def authorized(conn: AsyncConnection, clock: Clock, actor: Actor, loaded: LoadedForm, action: str) -> Target:
    """Ask the gate for `action` on a loaded form; the Target carries the answer."""
    if actor.principal is None:
        raise Forbidden("Sign in first.")

    async def linked() -> dict[str, CompiledForm]:
        return await app_forms(conn, loaded.app)

    scope = await authorize(conn, actor.principal, action, loaded.app, loaded.compiled.key, form=loaded.compiled,
                            form_id=loaded.form_id, now=clock.now(), linked=linked)
    return Target(conn, clock, actor, loaded, scope, action)


def _raise_input(result: RecordInput, prefix: str = "") -> None:
    if result.refused:
        fields = ", ".join(e["path"] for e in result.refused)
        raise Forbidden(f"You may not write: {fields}.", [{**e, "path": prefix + e["path"]} for e in result.refused])
    if result.errors:
        raise Invalid("Some values are not valid.", [{**e, "path": prefix + e["path"]} for e in result.errors])


async def _check_unique(t: Target, batch: list[dict[str, Any]], exclude_id: int | None = None,
                        prefix_rows: bool = False, prefix: str = "") -> None:
    """One query per unique field for the whole batch, plus repeats inside the batch itself."""
    errors = []
    for spec in t.form.specs.values():
        if not spec.definition.unique:
            continue
        values = [(i, v[spec.key]) for i, v in enumerate(batch) if v.get(spec.key) is not None]
        if not values:
            continue
        taken = await repo.existing_values(t.conn, t.form, spec.key, list({v for _, v in values}), exclude_id)
        seen: set[Any] = set()
        for index, value in values:
            if value in taken or value in seen:
                row = f"{index}." if prefix_rows else ""
                errors.append({"path": prefix + row + spec.key, "message": "This value is already used by another record.",
                               "message_zh": "该值已被其他记录使用。", "code": "not_unique"})
            seen.add(value)
    if errors:
        raise Conflict("A unique field repeats a value.", code="not_unique", errors=errors[:1000])


async def _resolve_files(t: Target, result: RecordInput, prefix: str = "") -> None:
    """File fields name files in the store: the store's own name, size and type replace what the
    client sent, keys the user may not read are refused, and the field's limits apply again."""
    for key, value in list(result.values.items()):
        spec = t.form.specs[key]
        if not isinstance(spec.type, AttachmentField) or not value:
            continue
        resolved = await files.resolve_references(t.conn, t.actor.principal, value, prefix + key, t.loaded.form_id)
        try:
            result.values[key] = spec.type.parse(spec, resolved)
        except FieldValueError as exc:
            raise Invalid("Some values are not valid.", [{"path": prefix + key, "message": exc.en, "message_zh": exc.zh,
                                                          "code": exc.code}]) from None


def _db_values(form: CompiledForm, values: dict[str, Any]) -> dict[str, Any]:
    converted = _converted_keys(form)
    if not converted:  # no field of this form stores anything but its value: skip a call per value
        return dict(values)
    return {k: form.specs[k].type.to_db(form.specs[k], v) if k in converted else v for k, v in values.items()}


_CONVERTED: WeakKeyDictionary[CompiledForm, frozenset[str]] = WeakKeyDictionary()


def _converted_keys(form: CompiledForm) -> frozenset[str]:
    """The fields whose type stores something other than the parsed value (`to_db`)."""
    keys = _CONVERTED.get(form)
    if keys is None:
        keys = _CONVERTED[form] = frozenset(k for k, s in form.specs.items() if type(s.type).to_db is not FieldType.to_db)
    return keys


def _history_value(value: Any) -> Any:
    # Most values are already JSON (text, numbers as int, flags); pydantic converts the rest.
    return value if type(value) in (str, int, bool) else to_jsonable_python(value)


async def create(t: Target, data: dict[str, Any], draft: bool = False) -> dict[str, Any]:
    rows = await _insert_many(t, [data], draft=draft)
    return (await serialize(t.conn, t.form, rows, readable=t.scope.readable, with_children=True))[0]


async def _insert_many(t: Target, items: list[dict[str, Any]], draft: bool = False,
                       prefix_rows: bool = False) -> list[dict[str, Any]]:
    if not t.scope.allows("create"):
        raise Forbidden("You may not create records of this form.")
    principal = t.actor.principal
    now = t.clock.now()
    parsed: list[RecordInput] = []
    errors: list[dict] = []
    refused: list[dict] = []
    deriver = await t.deriver()
    for index, data in enumerate(items):
        if not isinstance(data, dict):
            errors.append({"path": f"{index}", "message": "A record is an object."})
            continue
        filled: frozenset[str] = frozenset()
        if deriver is not None:
            given = data
            data = await deriver.defaults(data)
            filled = frozenset(data.keys() - given.keys())
        result = validate_input(t.form, data, partial=False, writable=t.scope.writable, check_required=not draft,
                                server_filled=filled)
        if result.errors or result.refused:
            prefix = f"{index}." if prefix_rows else ""
            errors += [{**e, "path": prefix + e["path"]} for e in result.errors]
            refused += [{**e, "path": prefix + e["path"]} for e in result.refused]
        parsed.append(result)
    if refused:
        raise Forbidden(f"You may not write: {', '.join(sorted({e['path'] for e in refused})[:10])}.", refused)
    if errors:
        raise Invalid("Some values are not valid.", errors[:1000])
    if any(isinstance(spec.type, AttachmentField) for spec in t.form.specs.values()):
        for index, result in enumerate(parsed):
            await _resolve_files(t, result, f"{index}." if prefix_rows else "")
    if deriver is not None:
        rule_errors: list[dict] = []
        for index, result in enumerate(parsed):
            result.values.update(await deriver.derive(result.values, result.refs, result.children, None, creating=True))
            try:
                await deriver.check_rules(result.values, result.refs, result.children, None, draft,
                                          prefix=f"{index}." if prefix_rows else "")
            except Invalid as exc:
                rule_errors += exc.errors
        if rule_errors:
            raise Invalid("Some values break the form's rules.", rule_errors[:1000])
    await _check_unique(t, [r.values for r in parsed], prefix_rows=prefix_rows)
    owner_dept = principal.department_ids[0] if principal.department_ids else None
    rows = [
        {**_db_values(t.form, r.values), "created_at": now, "created_by": principal.id, "updated_at": now,
         "updated_by": principal.id, "owner_id": principal.id, "owner_dept_id": owner_dept, "version": 1, "draft": draft}
        for r in parsed
    ]
    stored = await repo.insert_records(t.conn, t.form, rows)
    ids = [row["id"] for row in stored]
    history = []
    for record_id, result in zip(ids, parsed):
        for key, refs in result.refs.items():
            await repo.set_refs(t.conn, t.form, key, record_id, refs, replace=False)
        for key, children in result.children.items():
            await repo.set_children(t.conn, t.form, key, record_id, [_db_values_child(t.form, key, c) for c in children], replace=False)
        changes = {k: [None, _history_value(v)] for k, v in {**result.values, **result.refs}.items() if v is not None}
        changes.update({k: [None, f"{len(v)} rows"] for k, v in result.children.items() if v})
        history.append({"form_id": t.loaded.form_id, "record_id": record_id, "version": 1, "op": "create",
                        "actor_id": principal.id, "at": now, "changes": changes})
    await repo.add_history(t.conn, history)
    if len(ids) == 1:
        audit.record(t.conn, t.actor, "record.create", target_type=t.audit_target, target_id=ids[0])
    else:  # one entry per bulk call; the record history holds every row
        audit.record(t.conn, t.actor, "record.bulk_create", target_type=t.audit_target,
                     after={"count": len(ids), "first_id": ids[0], "last_id": ids[-1]})
    await t.propagate(set(ids), {"*"})
    if not draft:
        await _written(t, "create", ids)
    return stored


def _db_values_child(form: CompiledForm, key: str, row: dict[str, Any]) -> dict[str, Any]:
    specs = form.children[key].specs
    return {k: specs[k].type.to_db(specs[k], v) for k, v in row.items()}


async def _row(t: Target, record_id: int, deleted: bool = False, action: str = "view") -> dict[str, Any]:
    table = t.form.table
    where = [table.c.id == record_id, table.c.deleted_at.is_not(None) if deleted else table.c.deleted_at.is_(None)]
    rows_filter = t.scope.rows(action)
    if rows_filter is not None:
        where.append(rows_filter)
    rows = await repo.fetch_rows(t.conn, t.form, where)
    if not rows:
        raise NotFound("record")
    return rows[0]


async def linked_forms(t: Target) -> dict[str, LinkedView]:
    """The forms this form's link fields point at, each through the reader's own scope there;
    a form the reader may not view is left out (its links then show bare ids)."""
    out: dict[str, LinkedView] = {}
    for spec in t.form.specs.values():
        target_key = getattr(spec.options, "form", None)
        if spec.storage in (StorageKind.REF, StorageKind.REFS) and target_key and target_key not in out:
            try:
                row = await form_row(t.conn, t.loaded.app["id"], target_key)
                if not row["published_version"]:
                    continue
                compiled = await compiled_version(t.conn, t.loaded.app, row, row["published_version"])
                there = await authorized(t.conn, t.clock, t.actor, LoadedForm(t.loaded.app, row, compiled), "view")
            except (NotFound, Forbidden):
                continue
            out[target_key] = LinkedView(compiled, there.scope.rows("view"), there.scope.readable)
    return out


async def get(t: Target, record_id: int, expand: set[str] | None = None, deleted: bool = False) -> dict[str, Any]:
    row = await _row(t, record_id, deleted)
    linked = await linked_forms(t) if expand else {}
    return (await serialize(t.conn, t.form, [row], readable=t.scope.readable, expand=expand, with_children=True,
                            linked=linked))[0]


async def update(t: Target, record_id: int, data: dict[str, Any], version: int | None, prefix: str = "") -> dict[str, Any]:
    if not t.scope.allows("edit"):
        raise Forbidden("You may not edit records of this form.")
    before = await get(t, record_id)
    await _may(t, record_id, "edit")
    result = validate_input(t.form, data, partial=True, writable=t.scope.writable)
    _raise_input(result, prefix)
    await _resolve_files(t, result, prefix)
    if before["draft"] and data.get("draft") is False:
        final = validate_input(t.form, {**_inputs_of(t.form, before), **data}, partial=False, writable=None)
        _raise_input(RecordInput(errors=final.errors), prefix)
    deriver = await t.deriver()
    via_before = await link_values(t.conn, t.form, {record_id})
    if deriver is not None:
        stored, refs, children = await _stored(t, record_id)
        merged, merged_refs = {**stored, **result.values}, {**refs, **result.refs}
        merged_children = {**children, **result.children}
        derived = await deriver.derive(merged, merged_refs, merged_children, record_id, creating=False)
        derived = {k: v for k, v in derived.items() if t.form.specs[k].type.type != "autonumber"}
        await deriver.check_rules({**merged, **derived}, merged_refs, merged_children, result.given(),
                                  draft=bool(before["draft"]) and data.get("draft") is not False, prefix=prefix)
        result.values.update({k: v for k, v in derived.items() if stored.get(k) != v})
    await _check_unique(t, [result.values], exclude_id=record_id, prefix=prefix)
    principal = t.actor.principal
    now = t.clock.now()
    values = {**_db_values(t.form, result.values), "updated_at": now, "updated_by": principal.id}
    if data.get("draft") is False:
        values["draft"] = False
    new_version = await repo.update_record(t.conn, t.form, record_id, version, values)
    if new_version is None:
        current = await get(t, record_id)
        raise AppError("version_conflict", 409, "The record was changed by someone else since you loaded it.",
                       title="Conflict", errors=[{"path": "version", "message": f"current version is {current['version']}",
                                                  "current": current}])
    for key, refs in result.refs.items():
        await repo.set_refs(t.conn, t.form, key, record_id, refs, replace=True)
    for key, rows in result.children.items():
        await repo.set_children(t.conn, t.form, key, record_id, [_db_values_child(t.form, key, c) for c in rows], replace=True)
    after = await get(t, record_id)
    changes = {
        key: [before.get(key), after.get(key)]
        for key in result.given() if before.get(key) != after.get(key)
    }
    await repo.add_history(t.conn, [{"form_id": t.loaded.form_id, "record_id": record_id, "version": new_version,
                                     "op": "update", "actor_id": principal.id, "at": now, "changes": changes}])
    audit.record(t.conn, t.actor, "record.update", target_type=t.audit_target, target_id=record_id)
    await t.propagate({record_id}, set(result.given()) | set(result.values), via_before)
    if before["draft"] and not after["draft"]:  # a draft submitted: to its flows, it is new now
        await _written(t, "create", [record_id])
    elif not after["draft"]:
        await _written(t, "update", [record_id], frozenset(changes))
    return after


async def _may(t: Target, record_id: int, action: str) -> None:
    """A record the user can see but `action` does not reach: 403 (one they cannot see is 404)."""
    if t.scope.rows(action) is None:
        return
    try:
        await _row(t, record_id, action=action)
    except NotFound:
        raise Forbidden(f"You may not {action.replace('_', ' ')} this record.",
                        detail_zh="您无权对这条记录执行此操作。") from None


async def _stored(t: Target, record_id: int) -> tuple[dict[str, Any], dict[str, list[int]], dict[str, list[dict]]]:
    """A record's stored values as Python values (for recomputing), its junction ids and rows."""
    form = t.form
    row = (await repo.fetch_rows(t.conn, form, [form.table.c.id == record_id]))[0]
    values = {k: form.specs[k].type.from_db(form.specs[k], row[k]) for k in form.specs if k in row}
    refs = {k: (await repo.refs_of(t.conn, form, k, [record_id]))[record_id] for k in form.junctions}
    children = {k: (await repo.child_values_of(t.conn, form, k, [record_id]))[record_id] for k in form.children}
    return values, refs, children


def _inputs_of(form: CompiledForm, record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k in form.specs and not form.specs[k].type.computed}


async def delete(t: Target, ids: list[int]) -> list[int]:
    if not t.scope.allows("delete"):
        raise Forbidden("You may not delete records of this form.")
    visible = await _visible_ids(t, ids, action="delete")
    deleted = await repo.set_deleted(t.conn, t.form, visible, t.clock.now(), t.actor.id)
    await _log_ops(t, deleted, "delete")
    await t.propagate(set(deleted), {"*"})
    await _written(t, "delete", deleted)
    return deleted


async def restore(t: Target, ids: list[int]) -> list[int]:
    if not t.scope.allows("delete"):
        raise Forbidden("You may not restore records of this form.")
    visible = await _visible_ids(t, ids, deleted=True, action="delete")
    restored = await repo.set_deleted(t.conn, t.form, visible, None, t.actor.id)
    await _log_ops(t, restored, "restore")
    await t.propagate(set(restored), {"*"})
    return restored


async def purge(t: Target, ids: list[int]) -> list[int]:
    if not t.scope.allows("manage"):
        raise Forbidden("You may not purge records of this form.", detail_zh="您无权彻底删除此表单的数据。")
    visible = await _visible_ids(t, ids, deleted=True, action="manage")
    purged = await repo.purge(t.conn, t.form, visible)
    for record_id in purged:
        audit.record(t.conn, t.actor, "record.purge", target_type=t.audit_target, target_id=record_id)
    return purged


async def _visible_ids(t: Target, ids: list[int], deleted: bool = False, action: str = "view") -> list[int]:
    table = t.form.table
    where = [table.c.id.in_(ids[:MAX_BULK]), table.c.deleted_at.is_not(None) if deleted else table.c.deleted_at.is_(None)]
    rows_filter = t.scope.rows(action)
    if rows_filter is not None:
        where.append(rows_filter)
    return [r["id"] for r in await repo.fetch_rows(t.conn, t.form, where)]


async def _log_ops(t: Target, ids: list[int], op: str) -> None:
    now = t.clock.now()
    await repo.add_history(t.conn, [{"form_id": t.loaded.form_id, "record_id": rid, "version": 0, "op": op,
                                     "actor_id": t.actor.id, "at": now, "changes": {}} for rid in ids])
    for record_id in ids:
        audit.record(t.conn, t.actor, f"record.{op}", target_type=t.audit_target, target_id=record_id)


async def history(t: Target, record_id: int) -> list[dict[str, Any]]:
    if not t.scope.allows("view_history"):
        raise Forbidden("You may not read the history of these records.")
    await _row(t, record_id)
    await _may(t, record_id, "view_history")
    entries = await repo.history(t.conn, t.loaded.form_id, record_id)
    readable = t.scope.readable
    if readable is not None:
        for entry in entries:
            entry["changes"] = {k: v for k, v in entry["changes"].items() if k in readable}
    return entries


async def list_records(t: Target, query: dict[str, Any]) -> dict[str, Any]:
    form, table = t.form, t.form.table
    readable = t.scope.readable
    try:
        where = [table.c.deleted_at.is_not(None) if query.get("trash") else table.c.deleted_at.is_(None)]
        if query.get("filter"):
            env = ExprEnv(context_for(t.actor.principal, t.clock.now()), t.conn.dialect.name, await t.app_forms())
            where.append(compile_filter(form, query["filter"], readable, env))
        if query.get("search"):
            where.append(search_clause(form, query["search"], readable))
        keys = compile_sort(form, query.get("sort") or ["-id"], readable)
        if query.get("cursor"):
            page_where = [*where, after_cursor(keys, query["cursor"])]
        else:
            page_where = where
    except QueryError as exc:
        error = {"path": exc.path, "message": exc.message, "code": exc.code}
        if exc.position:
            error["position"] = exc.position
        raise Invalid("The query is not valid.", [error]) from None
    if not query.get("include_drafts", True):
        where.append(table.c.draft.is_(False))
    if not query.get("trash"):  # approve-before-save: a record held by its flow joins lists once approved
        held = or_(table.c.flow_status.is_(None), ~table.c.flow_status.startswith("held:", autoescape=True))
        where.append(held)
        page_where = [*page_where, held]
    rows_filter = t.scope.rows(t.action if t.action in ("view", "export") else "view")
    if rows_filter is not None:
        where.append(rows_filter)
        page_where = [*page_where, rows_filter]
    limit = query.get("limit", 50)
    offset = (query.get("page", 1) - 1) * limit if not query.get("cursor") else 0
    rows = await repo.fetch_rows(t.conn, form, page_where, order_by(keys), limit + 1, offset)
    has_more = len(rows) > limit
    rows = rows[:limit]
    fields = query.get("fields")
    if fields:
        unknown = [f for f in fields if f not in form.specs or (readable is not None and f not in readable)]
        if unknown:
            raise Invalid("Unknown fields requested.", [{"path": "fields", "message": f"Unknown field '{u}'."} for u in unknown])
    expand = set(query.get("expand") or [])
    linked = await linked_forms(t) if expand else {}
    items = await serialize(t.conn, form, rows, readable=readable, fields=fields, expand=expand, linked=linked)
    total = await repo.count_rows(t.conn, form, where) if query.get("count") else None
    return {
        "items": items,
        "total": total,
        "has_more": has_more,
        "next_cursor": make_cursor(keys, rows[-1]) if has_more and rows else None,
    }


async def bulk_create(t: Target, items: list[dict[str, Any]]) -> list[int]:
    if len(items) > MAX_BULK:
        raise Invalid(f"At most {MAX_BULK} records per request.", [{"path": "items", "message": "Too many."}])
    with collector.paused():  # thousands of rows in flight: see core/collector.py
        return [row["id"] for row in await _insert_many(t, items, prefix_rows=True)]


async def bulk_update(t: Target, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(items) > MAX_BULK:
        raise Invalid(f"At most {MAX_BULK} records per request.", [{"path": "items", "message": "Too many."}])
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), int) or not isinstance(item.get("values"), dict):
            raise Invalid("Each item is {id, version, values}.", [{"path": f"items.{index}", "message": "Bad item."}])
        try:
            out.append(await update(t, item["id"], item["values"], item.get("version"), prefix=f"items.{index}.values."))
        except NotFound:
            raise NotFound("record", f"Record {item['id']} (items.{index}) does not exist.") from None
    return out


async def upsert(creating: Target, editing: Target, key: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Creates or updates each item by an external key — a field marked unique (an ERP's customer
    number): an item whose key matches a live record updates it, any other creates one. All in the
    caller's transaction; problems are named `items.<n>.<field>`."""
    form = creating.form
    spec = form.specs.get(key)
    if spec is None or not spec.definition.unique or spec.storage not in (StorageKind.TEXT, StorageKind.INTEGER,
                                                                          StorageKind.DECIMAL):
        en, zh = f"'{key}' is not a unique field of this form.", f"“{key}”不是本表单的唯一字段。"
        raise Invalid(en, [{"path": "key", "message": en, "message_zh": zh, "code": "not_unique"}], detail_zh=zh)
    if len(items) > MAX_BULK:
        raise Invalid(f"At most {MAX_BULK} records per request.", [{"path": "items", "message": "Too many."}])
    errors, wanted, seen = [], [], {}
    for index, item in enumerate(items):
        raw = item.get(key) if isinstance(item, dict) else None
        try:
            value = spec.type.parse(spec, raw) if raw not in (None, "") else None
        except FieldValueError as exc:
            errors.append({"path": f"items.{index}.{key}", "message": exc.message("en"), "message_zh": exc.message("zh-CN"),
                           "code": exc.code})
            continue
        if value is None:
            errors.append({"path": f"items.{index}.{key}", "message": "The key is required.", "message_zh": "键值必填。",
                           "code": "required"})
        elif value in seen:
            errors.append({"path": f"items.{index}.{key}", "message": f"Also in items.{seen[value]}.",
                           "message_zh": f"与 items.{seen[value]} 重复。", "code": "duplicate"})
        else:
            seen[value] = index
        wanted.append(value)
    if errors:
        raise Invalid("Some items cannot be matched.", errors, detail_zh="部分条目无法匹配。")
    table = form.table
    found: dict[Any, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = [v for v in wanted[start:start + 500] if v is not None]
        rows = await creating.conn.execute(select(table.c.id, table.c[key]).where(table.c[key].in_(chunk),
                                                                                   table.c.deleted_at.is_(None)))
        found.update({value: record_id for record_id, value in rows})
    fresh = [i for i, v in enumerate(wanted) if v not in found]
    ids: list[int | None] = [found.get(v) for v in wanted]
    updated = []
    for index, value in enumerate(wanted):
        if value in found:
            try:
                record = await update(editing, found[value], items[index], None, prefix=f"items.{index}.")
            except NotFound:  # outside what the caller may edit: never a second record with the same key
                raise Forbidden(f"items.{index}: the record with this key is not yours to change.",
                                [{"path": f"items.{index}.{key}", "message": "Not yours to change.",
                                  "message_zh": "无权修改该记录。", "code": "not_editable"}]) from None
            updated.append(record["id"])
    if fresh:
        try:
            rows = await _insert_many(creating, [items[i] for i in fresh], prefix_rows=True)
        except AppError as exc:
            for error in exc.errors:
                head, _, rest = str(error.get("path", "")).partition(".")
                if head.isdigit():
                    error["path"] = f"items.{fresh[int(head)]}.{rest}".rstrip(".")
            raise
        for position, row in zip(fresh, rows):
            ids[position] = row["id"]
    return {"ids": ids, "created": [ids[i] for i in fresh], "updated": updated}
