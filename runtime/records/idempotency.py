"""`Idempotency-Key` on creates: the first answer to a key is kept for a day, in the transaction
that creates the record, and a retry of the same request under the same key gets that answer again
(with `Idempotent-Replayed: true`) instead of a second record. The same key with a different request
is refused; two requests racing with one key produce one record (the other gets 409, retry-able).
Keys belong to the API token (or the signed-in user) that sent them."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.errors import AppError, Invalid
from runtime.context import Actor
from runtime.tables import idempotency_keys

KEEP = timedelta(hours=24)
KEY = re.compile(r"^[\x21-\x7e]{1,200}$")
HEADER = "Idempotency-Key"


def _owner(actor: Actor) -> str:
    principal = actor.principal
    assert principal is not None
    return f"token:{principal.token_id}" if principal.token_id is not None else f"user:{principal.id}"


def _fingerprint(method: str, path: str, body: Any) -> str:
    canonical = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def replayed(conn: AsyncConnection, clock: Clock, actor: Actor, key: str, method: str, path: str,
                   body: Any) -> JSONResponse | None:
    """The kept answer to this key, or None when the request is new."""
    if not KEY.match(key):
        raise Invalid("The Idempotency-Key header is 1 to 200 visible ASCII characters.",
                      [{"path": "headers.Idempotency-Key", "message": "1 to 200 visible ASCII characters.",
                        "message_zh": "应为 1 到 200 个可见 ASCII 字符。", "code": "bad_idempotency_key"}],
                      detail_zh="Idempotency-Key 请求头应为 1 到 200 个可见 ASCII 字符。")
    row = (await conn.execute(select(idempotency_keys).where(
        idempotency_keys.c.owner == _owner(actor), idempotency_keys.c.key == key,
        idempotency_keys.c.created_at > clock.now() - KEEP))).mappings().first()
    if row is None:
        return None
    if row["request_hash"] != _fingerprint(method, path, body):
        raise AppError("idempotency_key_reused", 422, "This Idempotency-Key was used for a different request.",
                       title="Idempotency key reused", detail_zh="此 Idempotency-Key 已用于另一个不同的请求。",
                       errors=[{"path": "headers.Idempotency-Key", "message": "Used for a different request.",
                                "message_zh": "已用于另一个不同的请求。", "code": "idempotency_key_reused"}])
    return JSONResponse(row["response"], status_code=row["status_code"], headers={"Idempotent-Replayed": "true"})


async def remember(conn: AsyncConnection, clock: Clock, actor: Actor, key: str, method: str, path: str, body: Any,
                   status_code: int, response: Any) -> None:
    owner, now = _owner(actor), clock.now()
    await conn.execute(delete(idempotency_keys).where(idempotency_keys.c.owner == owner, idempotency_keys.c.key == key,
                                                      idempotency_keys.c.created_at <= now - KEEP))
    try:
        async with conn.begin_nested():
            await conn.execute(insert(idempotency_keys).values(
                owner=owner, key=key, request_hash=_fingerprint(method, path, body), status_code=status_code,
                response=jsonable_encoder(response), created_at=now))
    except IntegrityError:
        raise AppError("idempotency_key_in_use", 409, "A request with this Idempotency-Key is under way; retry shortly.",
                       title="Idempotency key in use", headers={"Retry-After": "1"},
                       detail_zh="使用此 Idempotency-Key 的请求正在处理，请稍后重试。") from None
