"""Timers: rows that fire a registered handler once when due (delays, SLA time-outs, reminders,
date triggers).

A timer is scheduled in the caller's transaction, so it exists exactly when the change that asks
for it commits. Firing needs no lease: a worker claims due timers and runs their handlers in ONE
transaction (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so workers never wait on each other; SQLite:
the single writer), each handler inside a savepoint, and commits once. A process killed half way
rolls the whole batch back, so a timer's effects are committed exactly once, whoever fires it; a
handler that fails rolls back only its own savepoint and is retried later with back-off. Timer
handlers must therefore do only database work: calls to the outside world go through the outbox.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Awaitable, Callable

import structlog
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import utcnow
from core.registry import Registry
from runtime.tables.worker import PENDING, timers
from runtime.worker.context import (
    Handler,
    WorkContext,
    backoff,
    error_of,
    registering,
    wake_after_commit,
)

log = structlog.get_logger("qiqiao.timers")

TimerHandlerFn = Callable[[AsyncConnection, dict, WorkContext], Awaitable[None]]
TIMER_HANDLERS: Registry[Handler] = Registry("timer handlers")

MAX_ATTEMPTS = 5  # then the timer is "failed", its last error kept
RETRY_BASE_SECONDS = 30.0
RETRY_CAP_SECONDS = 3600.0
BATCH = 50
BATCH_SECONDS = 0.1  # start no further handler after this long: SQLite's other writers are waiting


def timer_handler(kind: str) -> Callable[[TimerHandlerFn], TimerHandlerFn]:
    """Registers `async def handler(conn, payload, ctx)` for timers of `kind`. It runs inside the
    worker's transaction (in a savepoint): write with `conn`, never commit, never call out."""
    return registering(TIMER_HANDLERS, kind)


async def schedule(conn: AsyncConnection, kind: str, due_at: datetime, payload: dict, key: str | None = None,
                   *, now: datetime | None = None) -> int:
    """Schedules a timer in the caller's transaction and returns its id. With a key, the pending
    timer of that key (if any) is moved to `due_at` with the new payload instead of a second one
    being added; once a timer has fired or been cancelled, its key may be scheduled afresh."""
    values = {"kind": kind, "due_at": due_at, "payload": payload, "key": key, "status": "pending",
              "attempts": 0, "created_at": now or utcnow()}
    if key is None:
        statement: Any = timers.insert().values(**values)
    else:
        insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(timers).values(**values)
        statement = insert.on_conflict_do_update(
            index_elements=[timers.c.key], index_where=PENDING,  # literal: a parameter cannot match the index
            set_={"kind": kind, "due_at": due_at, "payload": payload, "attempts": 0, "last_error": None},
        )
    timer_id = (await conn.execute(statement.returning(timers.c.id))).scalar_one()
    if due_at <= utcnow():
        wake_after_commit(conn)
    return timer_id


async def cancel(conn: AsyncConnection, key: str) -> None:
    """The pending timer of `key` (if any) will not fire."""
    await conn.execute(update(timers).where(timers.c.key == key, timers.c.status == "pending")
                       .values(status="cancelled"))


async def cancel_prefix(conn: AsyncConnection, prefix: str) -> None:
    """Every pending timer whose key starts with `prefix` (e.g. all of one flow instance's)."""
    if not prefix:
        raise ValueError("cancel_prefix needs a non-empty prefix")
    # Keys compare as code points on both backends, so "starts with p" is the range [p, p⁺).
    last = ord(prefix[-1]) + 1
    following = prefix[:-1] + chr(last) if last <= 0x10FFFF and not 0xD800 <= last <= 0xDFFF else None
    condition = [timers.c.key >= prefix, timers.c.status == "pending"]
    condition.append(timers.c.key < following if following else timers.c.key.startswith(prefix, autoescape=True))
    await conn.execute(update(timers).where(*condition).values(status="cancelled"))


async def has_due(conn: AsyncConnection, now: datetime) -> bool:
    query = select(timers.c.id).where(timers.c.status == "pending", timers.c.due_at <= now,
                                      timers.c.kind.in_(TIMER_HANDLERS.keys())).limit(1)
    return (await conn.execute(query)).first() is not None


async def fire_due(ctx: WorkContext, *, limit: int = BATCH, budget: float = BATCH_SECONDS) -> int:
    """Claims up to `limit` due timers of the kinds this process handles and fires them in one
    transaction; returns how many were handled (fired, or failed and rescheduled)."""
    if not len(TIMER_HANDLERS):
        return 0
    db, clock = ctx.db, ctx.clock
    async with db.transaction(write=False) as conn:  # most polls find nothing: no write lock for that
        if not await has_due(conn, clock.now()):
            return 0
    handled = 0
    async with db.transaction() as conn:
        now = clock.now()
        claimed = (
            await conn.execute(
                select(timers.c.id, timers.c.kind, timers.c.payload, timers.c.key, timers.c.attempts, timers.c.due_at)
                .where(timers.c.status == "pending", timers.c.due_at <= now, timers.c.kind.in_(TIMER_HANDLERS.keys()))
                .order_by(timers.c.due_at, timers.c.id).limit(limit).with_for_update(skip_locked=True)
            )
        ).all()
        started = time.monotonic()
        for row in claimed:
            if handled and time.monotonic() - started > budget:
                break  # the rest stay pending for the next batch (ours or another worker's)
            await _fire(conn, row, ctx, now)
            handled += 1
    return handled


async def _fire(conn: AsyncConnection, row: Any, ctx: WorkContext, now: datetime) -> None:
    attempt = row.attempts + 1
    bound = log.bind(timer_id=row.id, kind=row.kind, key=row.key, attempt=attempt)
    # Done first, then the handler: a handler that schedules its own key again adds a new pending
    # timer rather than moving this one (which would then be marked done over its new due time).
    await conn.execute(update(timers).where(timers.c.id == row.id)
                       .values(status="done", fired_at=now, attempts=attempt, last_error=None))
    handler = TIMER_HANDLERS.get(row.kind)
    context = WorkContext(ctx.db, ctx.clock, ctx.settings, ctx.worker, row.id, row.key, attempt)
    try:
        async with conn.begin_nested():
            await handler.run(conn, row.payload, context)
    except Exception as exc:
        failed = attempt >= MAX_ATTEMPTS
        await conn.execute(
            update(timers).where(timers.c.id == row.id).values(
                status="failed" if failed else "pending", fired_at=None, last_error=error_of(exc),
                due_at=row.due_at if failed else now + backoff(attempt, RETRY_BASE_SECONDS, RETRY_CAP_SECONDS),
            )
        )
        if failed:
            bound.error("timer failed for good", exc_info=exc)
        else:
            bound.warning("timer handler failed; will retry", error=str(exc)[:200])
        return
    bound.debug("timer fired")
