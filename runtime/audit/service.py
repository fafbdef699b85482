"""Recording audit entries inside the caller's unit of work.

Entries are buffered on the connection and written with one `executemany` just before the
transaction commits, so an action and its audit row land together or not at all.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import utcnow
from core.db import before_commit
from runtime.context import Actor
from runtime.tables import audit_log

_BUFFER = "audit_buffer"
_INSERT = insert(audit_log)


def record(
    conn: AsyncConnection,
    actor: Actor,
    action: str,
    *,
    target_type: str | None = None,
    target_id: Any = None,
    before: Any = None,
    after: Any = None,
    actor_name: str | None = None,
) -> None:
    buffer: list[dict[str, Any]] = conn.info.setdefault(_BUFFER, [])
    buffer.append(
        {
            "at": utcnow(),
            "actor_id": actor.id,
            "actor_name": actor_name or actor.name,
            "action": action,
            "target_type": target_type,
            "target_id": None if target_id is None else str(target_id),
            "ip": actor.meta.ip,
            "user_agent": (actor.meta.user_agent or "")[:256] or None,
            "request_id": actor.meta.request_id,
            "before": to_jsonable_python(before) if before is not None else None,
            "after": to_jsonable_python(after) if after is not None else None,
        }
    )
    before_commit(conn, flush)


async def flush(conn: AsyncConnection) -> None:
    rows = conn.info.pop(_BUFFER, None)
    if rows:
        await conn.execute(_INSERT, rows)
