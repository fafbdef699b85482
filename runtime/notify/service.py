"""Sending and reading in-app notifications. A notification belongs to its recipient only: every
read and write here is limited to the signed-in user's own rows, and another user's id is simply
not found among them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import utcnow
from core.errors import Invalid
from runtime.channels import service as channels
from runtime.notify import repository as repo

MAX_TITLE = 200
MAX_BODY = 2000


async def notify(conn: AsyncConnection, user_ids: Iterable[int], kind: str, title_en: str, title_zh: str,
                 body: str = "", link: dict[str, Any] | None = None, *, now: datetime | None = None) -> int:
    """Notifies each (active) user in `user_ids` in the caller's transaction; returns how many.

    Titles come in both languages (the reader's locale picks one); `body` is plain text; `link`
    says where a click leads, e.g. `{"app": "crm", "form": "deals", "record_id": 7}` or
    `{"task_id": 12}`."""
    recipients = sorted({int(u) for u in user_ids})
    if not recipients:
        return 0
    title = {"en": title_en[:MAX_TITLE], "zh-CN": title_zh[:MAX_TITLE]}
    now = now or utcnow()
    added = await repo.add_for_users(conn, recipients, kind, title, body[:MAX_BODY], link, now)
    await channels.fan_out(conn, recipients, title, body[:MAX_BODY], link, now)  # e-mail, chat robots
    return added


async def list_mine(conn: AsyncConnection, user_id: int, *, unread: bool, before: int | None,
                    limit: int) -> dict[str, Any]:
    items = await repo.page(conn, user_id, unread=unread, before=before, limit=limit)
    return {"items": items, "next_before": items[-1]["id"] if len(items) == limit else None}


async def unread_count(conn: AsyncConnection, user_id: int) -> dict[str, int]:
    return {"count": await repo.unread_count(conn, user_id)}


async def mark_read(conn: AsyncConnection, user_id: int, ids: list[int] | None, all_: bool,
                    now: datetime) -> dict[str, int]:
    if all_ == (ids is not None):
        raise Invalid("Give either the notification ids or all: true.",
                      [{"path": "ids", "message": "Give either ids or all: true.",
                        "message_zh": "请提供 ids 或 all: true，二者选一。"}],
                      detail_zh="请提供通知 id 列表或 all: true，二者选一。")
    return {"updated": await repo.mark_read(conn, user_id, None if all_ else ids, now)}
