"""Channels: the administrators' SMTP settings, each user's own channels, and the fan-out that
turns one notification into an e-mail or a robot message per channel of its recipient (outbox
deliveries in the notification's own transaction)."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.crypto import seal, unseal
from core.errors import Invalid, NotFound
from core.settings import Settings
from runtime.audit import service as audit
from runtime.channels import robots
from runtime.context import Actor
from runtime.net.http import OutboundClient, OutboundPolicy, OutboundRefused, check_url
from runtime.tables import users
from runtime.tables.channels import notification_channels, platform_settings
from runtime.worker.context import PermanentFailure, WorkContext
from runtime.worker.http_delivery import ReceiverError
from runtime.worker.outbox import delivery_handler, enqueue

EMAIL_KEY = "email"
BASE_URL = ["http://127.0.0.1:8000"]  # where links in e-mails and robot messages point (QIQIAO_BASE_URL)


def configure(settings: Settings) -> None:
    BASE_URL[0] = settings.base_url
EMAIL_FIELDS = ("host", "port", "security", "username", "from_address", "from_name")


# -- the SMTP server (platform settings) ---------------------------------------------------------------


async def email_settings(conn: AsyncConnection) -> dict[str, Any]:
    stored = (await conn.execute(select(platform_settings.c.value).where(platform_settings.c.key == EMAIL_KEY))).scalar()
    stored = stored or {}
    return {**{k: stored.get(k) for k in EMAIL_FIELDS}, "password_set": bool(stored.get("password_sealed"))}


async def save_email_settings(conn: AsyncConnection, clock: Clock, settings: Settings, actor: Actor,
                              data: dict[str, Any]) -> dict[str, Any]:
    """`password` None keeps the one stored; "" removes it. It is never given back."""
    stored = (await conn.execute(select(platform_settings.c.value).where(platform_settings.c.key == EMAIL_KEY))).scalar() or {}
    value = {k: data.get(k) for k in EMAIL_FIELDS}
    password = data.get("password")
    value["password_sealed"] = stored.get("password_sealed") if password is None else (
        seal(settings.secret, password) if password else None)
    now = clock.now()
    if stored:
        await conn.execute(update(platform_settings).where(platform_settings.c.key == EMAIL_KEY)
                           .values(value=value, updated_by=actor.id, updated_at=now))
    else:
        await conn.execute(insert(platform_settings).values(key=EMAIL_KEY, value=value, updated_by=actor.id, updated_at=now))
    audit.record(conn, actor, "settings.email", target_type="settings", target_id=EMAIL_KEY,
                 after={**{k: value[k] for k in EMAIL_FIELDS}, "password_changed": password is not None})
    return await email_settings(conn)


async def send_email(conn: AsyncConnection, clock: Clock, to: list[str], subject: str, text: str, key: str,
                     html: str | None = None) -> int:
    return await enqueue(conn, "email", {"to": to, "subject": subject[:300], "text": text, "html": html}, key,
                         now=clock.now())


# -- each user's channels ------------------------------------------------------------------------------


def _channel_out(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "kind", "target", "enabled", "created_at")} | {"secret_set": bool(row["secret_sealed"])}


async def my_channels(conn: AsyncConnection, user_id: int) -> list[dict[str, Any]]:
    rows = await conn.execute(select(notification_channels).where(notification_channels.c.user_id == user_id)
                              .order_by(notification_channels.c.id))
    return [_channel_out(dict(r)) for r in rows.mappings()]


async def add_channel(conn: AsyncConnection, clock: Clock, settings: Settings, actor: Actor,
                      data: dict[str, Any]) -> dict[str, Any]:
    if data["kind"] in robots.KINDS:
        try:
            check_url(data["target"])
        except OutboundRefused as exc:
            raise Invalid("The robot's address is not valid.", [{"path": "target", "message": exc.detail,
                                                                 "message_zh": exc.detail_zh or exc.detail,
                                                                 "code": "bad_url"}], detail_zh="机器人地址无效。") from None
    values = {"user_id": actor.id, "kind": data["kind"], "target": data["target"], "enabled": True,
              "secret_sealed": seal(settings.secret, data["secret"]) if data.get("secret") else None,
              "created_at": clock.now()}
    channel_id = (await conn.execute(insert(notification_channels).values(values)
                                     .returning(notification_channels.c.id))).scalar_one()
    audit.record(conn, actor, "channel.add", target_type="notification_channel", target_id=channel_id,
                 after={"kind": data["kind"]})
    return _channel_out({**values, "id": channel_id})


async def remove_channel(conn: AsyncConnection, actor: Actor, channel_id: int) -> None:
    done = await conn.execute(delete(notification_channels).where(notification_channels.c.id == channel_id,
                                                                   notification_channels.c.user_id == actor.id))
    if not done.rowcount:
        raise NotFound("channel")


# -- fan-out ---------------------------------------------------------------------------------------------


async def fan_out(conn: AsyncConnection, user_ids: Iterable[int], title: dict[str, str], body: str,
                  link: dict[str, Any] | None, now: datetime, base_url: str | None = None) -> int:
    """One delivery per enabled channel of each recipient, in their language; returns how many."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    rows = (await conn.execute(
        select(notification_channels, users.c.locale).join(users, users.c.id == notification_channels.c.user_id)
        .where(notification_channels.c.user_id.in_(ids), notification_channels.c.enabled.is_(True),
               users.c.is_active.is_(True)))).mappings().all()
    url = _link_url(BASE_URL[0] if base_url is None else base_url, link)
    for row in rows:
        subject = title.get(row["locale"]) or title.get("zh-CN") or title.get("en") or ""
        key = f"notify:{row['id']}:{uuid.uuid4().hex}"
        if row["kind"] == "email":
            text = "\n\n".join(x for x in (body, url) if x)
            await enqueue(conn, "email", {"to": [row["target"]], "subject": subject, "text": text or subject}, key, now=now)
        else:
            await enqueue(conn, "robot", {"channel": row["id"], "title": subject, "text": body, "link": url}, key, now=now)
    return len(rows)


def _link_url(base_url: str, link: dict[str, Any] | None) -> str | None:
    if not link:
        return None
    base = base_url.rstrip("/")
    if {"app", "form", "record_id"} <= link.keys():
        return f"{base}/apps/{link['app']}/forms/{link['form']}/records/{link['record_id']}"
    if "task_id" in link:
        return f"{base}/inbox?task={link['task_id']}"
    return base


@delivery_handler("robot")
async def deliver_robot(payload: dict, ctx: WorkContext) -> dict[str, Any]:
    async with ctx.db.transaction(write=False) as conn:
        row = (await conn.execute(select(notification_channels).where(
            notification_channels.c.id == payload.get("channel")))).mappings().first()
    if row is None or not row["enabled"] or row["kind"] not in robots.KINDS:
        raise PermanentFailure("The channel was removed or switched off.")
    secret = unseal(ctx.settings.secret, row["secret_sealed"]) if row["secret_sealed"] else None
    message = robots.Message(payload.get("title", ""), payload.get("text", ""), payload.get("link"))
    url, body = robots.FORMATS[row["kind"]](row["target"], message, secret, int(time.time() * 1000))
    async with OutboundClient(OutboundPolicy.from_settings(ctx.settings)) as client:
        response = await client.request("POST", url, json=body, headers={"Idempotency-Key": ctx.key or ""})
    if not response.ok:
        raise ReceiverError(response.status_code)
    try:
        answer = json.loads(response.content or b"null")
    except ValueError:
        answer = None
    if not robots.accepted(row["kind"], answer):
        raise ReceiverError(response.status_code)
    return {"status": response.status_code}
