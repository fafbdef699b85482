"""Public links are made by an app's designers; anyone holding the unguessable link may submit
the link's fields (and only those), a few times a minute per address. A revoked or expired
link, or one to an unpublished form, does not exist (404). A submitter may get a one-time edit
link for their own record."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import AppError, Forbidden, Invalid, NotFound
from core.settings import Settings
from engines.form.types import StorageKind
from runtime.audit import service as audit
from runtime.context import Actor, RequestMeta
from runtime.forms.loader import app_by_key, load_form
from runtime.identity import repository as identity_repo
from runtime.identity.secrets import new_token, token_digest
from runtime.identity.service import principal_of
from runtime.permissions import Scope
from runtime.permissions.gate import is_app_admin
from runtime.records import service as records
from runtime.tables import public_links, public_submissions

EDIT_WINDOW = timedelta(days=7)


def _fields_out(form: Any, keys: list[str]) -> list[dict[str, Any]]:
    return [form.specs[k].definition.model_dump(mode="json", by_alias=True, exclude_none=True) for k in keys if k in form.specs]


async def create_link(conn: AsyncConnection, settings: Settings, clock: Clock, actor: Actor, app_key: str, form_key: str,
                      data: dict[str, Any]) -> dict[str, Any]:
    app = await app_by_key(conn, app_key)
    if not await is_app_admin(conn, actor.principal, app):
        raise Forbidden("Only the app's administrators may publish a form to the public.")
    loaded = await load_form(conn, app_key, form_key)
    problems = []
    for index, key in enumerate(data["fields"]):
        spec = loaded.compiled.specs.get(key)
        if spec is None or spec.type.computed or spec.storage in (StorageKind.NONE, StorageKind.SYSTEM):
            problems.append({"path": f"fields.{index}", "message": f"'{key}' is not a field a submitter can fill"})
    for key, spec in loaded.compiled.specs.items():
        definition = spec.definition
        if (definition.required and not definition.hidden and "visible_when" not in spec.extra
                and definition.default is None and key not in data["fields"]):
            problems.append({"path": "fields", "message": f"the required field '{key}' must be offered"})
    if problems:
        raise Invalid("Some fields cannot be offered publicly.", problems)
    token = new_token(32)
    now = clock.now()
    values = {
        "app_id": app["id"], "form_key": form_key, "name": data["name"], "token_hash": token_digest(settings.secret, token),
        "prefix": token[:6], "fields": list(dict.fromkeys(data["fields"])), "allow_edit": data["allow_edit"],
        "max_per_minute": data["max_per_minute"], "submissions": 0, "created_by": actor.id, "created_at": now,
        "expires_at": now + timedelta(days=data["expires_in_days"]) if data.get("expires_in_days") else None,
    }
    link_id = (await conn.execute(insert(public_links).values(values).returning(public_links.c.id))).scalar_one()
    audit.record(conn, actor, "public_link.create", target_type=f"{app_key}.{form_key}", target_id=link_id,
                 after={"fields": values["fields"], "allow_edit": data["allow_edit"]})
    return {**_link_out({**values, "id": link_id, "revoked_at": None}), "token": token, "path": f"/p/{token}"}


def _link_out(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "form_key", "name", "prefix", "fields", "allow_edit", "max_per_minute",
                                "submissions", "created_at", "expires_at", "revoked_at")}


async def list_links(conn: AsyncConnection, actor: Actor, app_key: str, form_key: str) -> list[dict[str, Any]]:
    app = await app_by_key(conn, app_key)
    if not await is_app_admin(conn, actor.principal, app):
        raise Forbidden("Only the app's administrators may see public links.")
    rows = await conn.execute(select(public_links).where(public_links.c.app_id == app["id"],
                                                         public_links.c.form_key == form_key).order_by(public_links.c.id))
    return [_link_out(dict(r)) for r in rows.mappings()]


async def revoke_link(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, link_id: int) -> None:
    app = await app_by_key(conn, app_key)
    if not await is_app_admin(conn, actor.principal, app):
        raise Forbidden("Only the app's administrators may revoke public links.")
    done = await conn.execute(update(public_links).where(public_links.c.id == link_id, public_links.c.app_id == app["id"],
                                                         public_links.c.revoked_at.is_(None))
                              .values(revoked_at=clock.now()).returning(public_links.c.id))
    if done.first() is None:
        raise NotFound("public link")
    audit.record(conn, actor, "public_link.revoke", target_type=app_key, target_id=link_id)


async def _live_link(conn: AsyncConnection, settings: Settings, clock: Clock, token: str) -> dict[str, Any]:
    row = (await conn.execute(select(public_links).where(public_links.c.token_hash == token_digest(settings.secret, token))
                              )).mappings().first()
    now = clock.now()
    if row is None or row["revoked_at"] is not None or (row["expires_at"] is not None and row["expires_at"] <= now):
        raise NotFound("form", "This link does not exist or is no longer open.")
    return dict(row)


async def _target(conn: AsyncConnection, clock: Clock, link: dict[str, Any], meta: RequestMeta, actions: set[str]):
    from runtime.tables import apps

    app_key = (await conn.execute(select(apps.c.key).where(apps.c.id == link["app_id"], apps.c.deleted_at.is_(None)))).scalar()
    owner = await identity_repo.user_by_id(conn, link["created_by"]) if link["created_by"] else None
    if app_key is None or owner is None or not owner["is_active"]:
        raise NotFound("form", "This link does not exist or is no longer open.")
    loaded = await load_form(conn, app_key, link["form_key"], lock=True)  # 404 when never published
    principal = await principal_of(conn, owner, auth="public")
    fields = frozenset(link["fields"])
    scope = Scope(frozenset(actions), readable=fields, writable=fields)
    return records.Target(conn, clock, Actor(principal, meta), loaded, scope)


async def public_form(conn: AsyncConnection, settings: Settings, clock: Clock, token: str) -> dict[str, Any]:
    link = await _live_link(conn, settings, clock, token)
    target = await _target(conn, clock, link, RequestMeta(), {"view"})
    definition = target.form.definition
    return {"form": {"key": definition.key, "label": definition.label.model_dump(by_alias=True, exclude_none=True),
                     "fields": _fields_out(target.form, link["fields"])},
            "name": link["name"], "allow_edit": link["allow_edit"]}


async def submit(conn: AsyncConnection, settings: Settings, clock: Clock, meta: RequestMeta, token: str,
                 values: dict[str, Any]) -> dict[str, Any]:
    link = await _live_link(conn, settings, clock, token)
    now = clock.now()
    recent = (await conn.execute(select(func.count()).where(
        public_submissions.c.link_id == link["id"], public_submissions.c.ip == meta.ip,
        public_submissions.c.at >= now - timedelta(minutes=1)))).scalar_one()
    if recent >= link["max_per_minute"]:
        raise AppError("too_many_submissions", 429, "Too many submissions from your address; try again in a minute.",
                       title="Too many submissions", headers={"Retry-After": "60"})
    target = await _target(conn, clock, link, meta, {"create"})
    record = await records.create(target, values)
    edit_token = new_token(24) if link["allow_edit"] else None
    await conn.execute(insert(public_submissions).values(
        link_id=link["id"], record_id=record["id"], ip=meta.ip, at=now,
        edit_token_hash=token_digest(settings.secret, edit_token) if edit_token else None,
        edit_expires_at=now + EDIT_WINDOW if edit_token else None))
    await conn.execute(update(public_links).where(public_links.c.id == link["id"])
                       .values(submissions=public_links.c.submissions + 1))
    audit.record(conn, Actor(None, meta), "public.submit", target_type=f"public_link:{link['id']}", target_id=record["id"])
    return {"id": record["id"], "edit_token": edit_token}


async def edit_once(conn: AsyncConnection, settings: Settings, clock: Clock, meta: RequestMeta, edit_token: str,
                    values: dict[str, Any]) -> dict[str, Any]:
    now = clock.now()
    row = (await conn.execute(select(public_submissions).where(
        public_submissions.c.edit_token_hash == token_digest(settings.secret, edit_token)))).mappings().first()
    if row is None or row["edited_at"] is not None or (row["edit_expires_at"] and row["edit_expires_at"] <= now):
        raise NotFound("edit link", "This edit link does not exist or was already used.")
    link = (await conn.execute(select(public_links).where(public_links.c.id == row["link_id"]))).mappings().one()
    if link["revoked_at"] is not None:
        raise NotFound("edit link", "This edit link does not exist or was already used.")
    target = await _target(conn, clock, dict(link), meta, {"edit", "view"})
    consumed = await conn.execute(update(public_submissions).where(
        public_submissions.c.id == row["id"], public_submissions.c.edited_at.is_(None)).values(edited_at=now)
        .returning(public_submissions.c.id))
    if consumed.first() is None:
        raise NotFound("edit link", "This edit link does not exist or was already used.")
    updated = await records.update(target, row["record_id"], values, version=None)
    audit.record(conn, Actor(None, meta), "public.edit", target_type=f"public_link:{link['id']}", target_id=row["record_id"])
    return {"id": updated["id"], **{k: updated.get(k) for k in link["fields"]}}
