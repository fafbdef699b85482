"""Webhooks of an app, managed by its administrators, and the events that feed them.

A webhook follows record events (created, updated, deleted) of one form or of every form of the
app, and flow events (an instance started or finished). Each event becomes one outbox delivery in
the transaction of the change itself — nothing is sent for a change that rolls back — carrying the
record **as the webhook's creator may see it** (their data scope and field rules; a record they
may not see is not sent). The signing secret is made here, shown once, kept sealed.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.crypto import seal
from core.errors import AppError, Forbidden, Invalid, NotFound
from core.settings import Settings
from runtime.audit import service as audit
from runtime.context import Actor, RequestMeta
from runtime.forms.loader import app_by_key
from runtime.identity import repository as identity_repo
from runtime.identity.secrets import new_token
from runtime.identity.service import principal_of
from runtime.net.http import OutboundRefused, check_url
from runtime.permissions.gate import is_app_admin
from runtime.records import service as records
from runtime.tables import outbox
from runtime.tables.webhooks import webhook_attempts, webhooks
from runtime.worker.outbox import enqueue, replay

RECORD_EVENTS = {"create": "record.created", "update": "record.updated", "delete": "record.deleted"}
EVENTS = ("record.created", "record.updated", "record.deleted", "flow.started", "flow.finished")
KIND = "webhook"


def _out(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "form_key", "name", "url", "events", "secret_prefix", "enabled", "failures",
                                "disabled_reason", "created_by", "created_at", "updated_at")}


async def _admin_app(conn: AsyncConnection, actor: Actor, app_key: str) -> dict[str, Any]:
    app = await app_by_key(conn, app_key)
    if actor.principal is None or not await is_app_admin(conn, actor.principal, app):
        raise Forbidden("Only the app's administrators manage its webhooks.", detail_zh="只有应用管理员可以管理 Webhook。")
    return app


async def _row(conn: AsyncConnection, app: dict[str, Any], webhook_id: int) -> dict[str, Any]:
    row = (await conn.execute(select(webhooks).where(webhooks.c.id == webhook_id, webhooks.c.app_id == app["id"]))
           ).mappings().first()
    if row is None:
        raise NotFound("webhook")
    return dict(row)


def _check(data: dict[str, Any], app: dict[str, Any], forms: set[str]) -> None:
    errors = []
    if data.get("url") is not None:
        try:
            check_url(data["url"])  # scheme, no credentials; the address itself is checked at every delivery
        except OutboundRefused as exc:
            errors.append({"path": "url", "message": exc.detail, "message_zh": exc.detail_zh or exc.detail,
                           "code": "bad_url"})
    if data.get("form_key") and data["form_key"] not in forms:
        errors.append({"path": "form_key", "message": f"The app has no form '{data['form_key']}'.",
                       "message_zh": f"应用中没有表单“{data['form_key']}”。", "code": "unknown_form"})
    if errors:
        raise Invalid("The webhook is not valid.", errors, detail_zh="Webhook 设置无效。")


async def _form_keys(conn: AsyncConnection, app: dict[str, Any]) -> set[str]:
    from runtime.tables import forms

    return {k for k, in await conn.execute(select(forms.c.key).where(forms.c.app_id == app["id"]))}


def _secret(settings: Settings) -> tuple[str, str, str]:
    secret = "whsec_" + new_token(24)
    return secret, seal(settings.secret, secret), secret[:10]


async def create(conn: AsyncConnection, clock: Clock, settings: Settings, actor: Actor, app_key: str,
                 data: dict[str, Any]) -> dict[str, Any]:
    app = await _admin_app(conn, actor, app_key)
    _check(data, app, await _form_keys(conn, app))
    secret, sealed, prefix = _secret(settings)
    now = clock.now()
    values = {"app_id": app["id"], "form_key": data.get("form_key"), "name": data["name"], "url": data["url"],
              "events": data["events"], "secret_sealed": sealed, "secret_prefix": prefix, "enabled": True, "failures": 0,
              "created_by": actor.id, "created_at": now, "updated_at": now}
    webhook_id = (await conn.execute(insert(webhooks).values(values).returning(webhooks.c.id))).scalar_one()
    audit.record(conn, actor, "webhook.create", target_type=app_key, target_id=webhook_id,
                 after={k: values[k] for k in ("form_key", "name", "url", "events")})
    return {**_out({**values, "id": webhook_id, "disabled_reason": None}), "secret": secret}


async def listed(conn: AsyncConnection, actor: Actor, app_key: str) -> list[dict[str, Any]]:
    app = await _admin_app(conn, actor, app_key)
    rows = await conn.execute(select(webhooks).where(webhooks.c.app_id == app["id"]).order_by(webhooks.c.id))
    return [_out(dict(r)) for r in rows.mappings()]


async def change(conn: AsyncConnection, clock: Clock, settings: Settings, actor: Actor, app_key: str, webhook_id: int,
                 data: dict[str, Any], rotate: bool = False) -> dict[str, Any]:
    app = await _admin_app(conn, actor, app_key)
    row = await _row(conn, app, webhook_id)
    _check(data, app, await _form_keys(conn, app))
    values = {k: v for k, v in data.items() if v is not None}
    if data.get("enabled"):  # switched on again by a person: count failures afresh
        values.update(failures=0, disabled_reason=None)
    secret = None
    if rotate:
        secret, values["secret_sealed"], values["secret_prefix"] = _secret(settings)
    values["updated_at"] = clock.now()
    await conn.execute(update(webhooks).where(webhooks.c.id == webhook_id).values(values))
    audit.record(conn, actor, "webhook.update", target_type=app_key, target_id=webhook_id,
                 before={k: row[k] for k in data if k in row}, after={**data, "secret_rotated": rotate})
    out = _out(await _row(conn, app, webhook_id))
    return {**out, "secret": secret} if secret else out


async def remove(conn: AsyncConnection, actor: Actor, app_key: str, webhook_id: int) -> None:
    app = await _admin_app(conn, actor, app_key)
    await _row(conn, app, webhook_id)
    await conn.execute(delete(webhooks).where(webhooks.c.id == webhook_id))
    audit.record(conn, actor, "webhook.delete", target_type=app_key, target_id=webhook_id)


async def deliveries(conn: AsyncConnection, actor: Actor, app_key: str, webhook_id: int, limit: int = 50) -> list[dict]:
    """The latest deliveries, newest first, each with its attempts and its outbox status."""
    app = await _admin_app(conn, actor, app_key)
    await _row(conn, app, webhook_id)
    rows = [dict(r) for r in (await conn.execute(
        select(webhook_attempts, outbox.c.status.label("delivery_status"))
        .join(outbox, outbox.c.id == webhook_attempts.c.outbox_id, isouter=True)
        .where(webhook_attempts.c.webhook_id == webhook_id).order_by(webhook_attempts.c.id.desc()).limit(limit * 10)
    )).mappings()]
    grouped: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = grouped.setdefault(row["outbox_id"], {"outbox_id": row["outbox_id"], "delivery": row["delivery"],
                                                      "event": row["event"], "status": row["delivery_status"],
                                                      "attempts": []})
        entry["attempts"].append({k: row[k] for k in ("attempt", "request", "status_code", "response_excerpt", "error",
                                                       "duration_ms", "at")})
    for entry in grouped.values():
        entry["attempts"].sort(key=lambda a: (a["at"], a["attempt"]))
    return list(grouped.values())[:limit]


async def redeliver(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, webhook_id: int,
                    outbox_id: int) -> dict[str, Any]:
    """Sends a past delivery again (same delivery id, so a receiver can tell): a dead one gets fresh
    attempts, any other one is enqueued anew."""
    app = await _admin_app(conn, actor, app_key)
    await _row(conn, app, webhook_id)
    row = (await conn.execute(select(outbox).where(outbox.c.id == outbox_id, outbox.c.kind == KIND))).mappings().first()
    if row is None or row["payload"].get("webhook") != webhook_id:
        raise NotFound("delivery")
    if row["status"] == "dead" and await replay(conn, outbox_id):
        new_id = outbox_id
    elif row["status"] in ("pending", "running", "failed"):
        raise AppError("delivery_under_way", 409, "This delivery is still being tried.", title="Delivery under way",
                       detail_zh="该投递仍在尝试中。")
    else:
        new_id = await enqueue(conn, KIND, row["payload"], f"{row['idempotency_key'][:60]}:re:{uuid.uuid4().hex[:12]}",
                               now=clock.now())
    audit.record(conn, actor, "webhook.redeliver", target_type=app_key, target_id=webhook_id, after={"outbox": new_id})
    return {"outbox_id": new_id}


async def ping(conn: AsyncConnection, clock: Clock, actor: Actor, app_key: str, webhook_id: int) -> dict[str, Any]:
    app = await _admin_app(conn, actor, app_key)
    row = await _row(conn, app, webhook_id)
    return {"outbox_id": await _enqueue(conn, clock, app, row, "ping", {"webhook": row["name"]})}


# -- events -> deliveries ------------------------------------------------------------------------------


async def _enqueue(conn: AsyncConnection, clock: Clock, app: dict[str, Any], hook: dict[str, Any], event: str,
                   data: dict[str, Any]) -> int:
    delivery = uuid.uuid4().hex
    body = json.dumps({"id": delivery, "event": event, "occurred_at": clock.now().isoformat(), "app": app["key"], **data},
                      ensure_ascii=False, default=str, separators=(",", ":"))
    return await enqueue(conn, KIND, {"webhook": hook["id"], "delivery": delivery, "event": event, "body": body},
                         f"webhook:{hook['id']}:{delivery}", now=clock.now())


async def _following(conn: AsyncConnection, app_id: int, form_key: str | None, event: str) -> list[dict[str, Any]]:
    rows = await conn.execute(select(webhooks).where(webhooks.c.app_id == app_id, webhooks.c.enabled.is_(True)))
    return [dict(r) for r in rows.mappings()
            if event in r["events"] and (r["form_key"] is None or r["form_key"] == form_key)]


async def _as_creator(conn: AsyncConnection, clock: Clock, hook: dict[str, Any], app_key: str, form_key: str,
                      ids: list[int]) -> list[dict[str, Any]] | None:
    """The records as the webhook's creator may see them; None if they may see none of the form."""
    user = await identity_repo.user_by_id(conn, hook["created_by"]) if hook["created_by"] else None
    if user is None or not user["is_active"]:
        return None
    actor = Actor(await principal_of(conn, user, auth="webhook"), RequestMeta(user_agent="qiqiao-webhook"))
    try:
        target = await records.open_form(conn, clock, actor, app_key, form_key, "view")
    except (NotFound, Forbidden):
        return None
    listed = await records.list_records(target, {"filter": {"field": "id", "op": "in", "value": ids},
                                                 "limit": len(ids), "sort": ["id"]})
    return listed["items"]


async def records_written(target: Any, op: str, ids: list[int], changed: frozenset[str]) -> None:
    """The records service's write hook: one delivery per record and following webhook."""
    event = RECORD_EVENTS.get(op)
    if event is None:
        return
    app, form_key = target.loaded.app, target.form.key
    for hook in await _following(target.conn, app["id"], form_key, event):
        if event == "record.deleted":
            for record_id in ids:
                await _enqueue(target.conn, target.clock, app, hook, event, {"form": form_key, "record": {"id": record_id}})
            continue
        seen = await _as_creator(target.conn, target.clock, hook, app["key"], form_key, ids)
        for record in seen or []:
            extra = {"changed": sorted(changed)} if event == "record.updated" else {}
            await _enqueue(target.conn, target.clock, app, hook, event, {"form": form_key, "record": record, **extra})


async def flow_event(conn: AsyncConnection, clock: Clock, app: dict[str, Any], instance: dict[str, Any], event: str,
                     detail: dict[str, Any]) -> None:
    form_key = None
    if instance.get("form_id"):
        from runtime.tables import forms

        form_key = (await conn.execute(select(forms.c.key).where(forms.c.id == instance["form_id"]))).scalar()
    for hook in await _following(conn, app["id"], form_key, event):
        await _enqueue(conn, clock, app, hook, event, {
            "form": form_key, **detail,
            "instance": {k: instance.get(k) for k in ("id", "title", "record_id", "initiator_id")}})

