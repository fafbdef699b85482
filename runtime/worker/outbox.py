"""The outbox: calls to the outside world (webhooks, chat, e-mail) written in the caller's
transaction and delivered afterwards, at least once, with retries.

A worker claims due rows with a lease (status "running", `locked_by`, `locked_until`) in a short
transaction, delivers each OUTSIDE any transaction, then records the outcome: "delivered", or
"failed" with the next attempt backed off exponentially, or "dead" after the last attempt or a
permanent failure (`PermanentFailure`, a refused URL). A row whose lease ran out (its worker died
mid-delivery) is claimed again, so a receiver may see a delivery twice; the idempotency key goes
with every attempt (HTTP: the `Idempotency-Key` header) so it can tell.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable

import structlog
from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import utcnow
from core.registry import Registry
from runtime.net.http import OutboundRefused
from runtime.tables.worker import outbox
from runtime.worker.context import (
    AT_ONCE,
    Handler,
    PermanentFailure,
    WorkContext,
    backoff,
    error_of,
    registering,
    wake_after_commit,
)

log = structlog.get_logger("qiqiao.outbox")

DeliveryFn = Callable[[dict, WorkContext], Awaitable[dict | None]]
DELIVERY_HANDLERS: Registry[Handler] = Registry("delivery handlers")

MAX_ATTEMPTS = 10  # 30 s, 1 min, 2 min, … 6 h apart: about a day and a half in all, then "dead"
RETRY_BASE_SECONDS = 30.0
RETRY_CAP_SECONDS = 6 * 3600.0
# A batch is what one worker delivers at once: a claimed row never waits for a turn while its
# lease runs down.
BATCH = 10
RETRYABLE = ("pending", "failed")


def delivery_handler(kind: str) -> Callable[[DeliveryFn], DeliveryFn]:
    """Registers `async def deliver(payload, ctx) -> dict | None` for outbox rows of `kind`. It runs
    outside any transaction; raising means "try again later" (`PermanentFailure`: never again);
    what it returns is kept as the row's `result`."""
    return registering(DELIVERY_HANDLERS, kind)


async def enqueue(conn: AsyncConnection, kind: str, payload: dict, idempotency_key: str,
                  *, now: datetime | None = None) -> int:
    """Adds a delivery in the caller's transaction and returns its id; a key already enqueued
    keeps its one row (and its payload)."""
    values = {"kind": kind, "payload": payload, "idempotency_key": idempotency_key, "status": "pending",
              "attempts": 0, "next_attempt_at": AT_ONCE, "created_at": now or utcnow()}
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(outbox).values(**values)
    statement = insert.on_conflict_do_nothing(index_elements=[outbox.c.idempotency_key]).returning(outbox.c.id)
    outbox_id = (await conn.execute(statement)).scalar()
    if outbox_id is None:
        existing = select(outbox.c.id).where(outbox.c.idempotency_key == idempotency_key)
        return (await conn.execute(existing)).scalar_one()
    wake_after_commit(conn)
    return outbox_id


async def replay(conn: AsyncConnection, outbox_id: int) -> bool:
    """A dead delivery gets a fresh set of attempts (after the receiver was fixed)."""
    result = await conn.execute(
        update(outbox).where(outbox.c.id == outbox_id, outbox.c.status == "dead")
        .values(status="pending", attempts=0, next_attempt_at=AT_ONCE, last_error=None)
    )
    if result.rowcount:
        wake_after_commit(conn)
    return bool(result.rowcount)


def _due(now: datetime) -> Any:
    return and_(
        outbox.c.kind.in_(DELIVERY_HANDLERS.keys()),
        or_(and_(outbox.c.status.in_(RETRYABLE), outbox.c.next_attempt_at <= now),
            and_(outbox.c.status == "running", outbox.c.locked_until < now)),
    )


async def deliver_due(ctx: WorkContext, *, limit: int = BATCH) -> int:
    """Claims up to `limit` due deliveries and makes them all at once; returns how many."""
    if not len(DELIVERY_HANDLERS):
        return 0
    rows = await _claim(ctx, limit)
    outcomes = await asyncio.gather(*(_deliver(ctx, row) for row in rows), return_exceptions=True)
    for row, outcome in zip(rows, outcomes):
        if isinstance(outcome, Exception):  # the outcome could not be recorded: the lease will expire
            log.error("delivery outcome not recorded", outbox_id=row.id, exc_info=outcome)
    return len(rows)


async def _claim(ctx: WorkContext, limit: int) -> list[Any]:
    async with ctx.db.transaction(write=False) as conn:  # most polls find nothing: no write lock for that
        if (await conn.execute(select(outbox.c.id).where(_due(ctx.clock.now())).limit(1))).first() is None:
            return []
    async with ctx.db.transaction() as conn:
        now = ctx.clock.now()
        lease = timedelta(seconds=ctx.settings.outbox_lease_seconds)
        # A worker died during the last allowed attempt: nobody will try again.
        await conn.execute(
            update(outbox).where(outbox.c.status == "running", outbox.c.locked_until < now,
                                 outbox.c.attempts >= MAX_ATTEMPTS)
            .values(status="dead", locked_by=None, locked_until=None,
                    last_error={"type": "LeaseExpired", "message": "The worker stopped during the last attempt."})
        )
        ids = (select(outbox.c.id).where(_due(now)).order_by(outbox.c.next_attempt_at, outbox.c.id).limit(limit)
               .with_for_update(skip_locked=True))
        claimed = await conn.execute(
            update(outbox).where(outbox.c.id.in_(ids.scalar_subquery()))
            .values(status="running", locked_by=ctx.worker, locked_until=now + lease, attempts=outbox.c.attempts + 1)
            .returning(outbox.c.id, outbox.c.kind, outbox.c.payload, outbox.c.idempotency_key, outbox.c.attempts)
        )
        return sorted(claimed.all(), key=lambda row: row.id)


async def _deliver(ctx: WorkContext, row: Any) -> None:
    bound = log.bind(outbox_id=row.id, kind=row.kind, idempotency_key=row.idempotency_key, attempt=row.attempts)
    context = WorkContext(ctx.db, ctx.clock, ctx.settings, ctx.worker, row.id, row.idempotency_key, row.attempts)
    handler = DELIVERY_HANDLERS.get(row.kind)
    try:
        # Finish (or give up) well inside the lease, so no other worker starts the same delivery.
        async with asyncio.timeout(ctx.settings.outbox_lease_seconds * 0.8):
            result = await handler.run(row.payload, context)
    except (PermanentFailure, OutboundRefused) as exc:
        bound.error("delivery refused for good", error=str(exc)[:200])
        await _settle(ctx, row, status="dead", last_error=error_of(exc))
    except Exception as exc:
        dead = row.attempts >= MAX_ATTEMPTS
        if isinstance(exc, TimeoutError):
            exc = TimeoutError("The delivery took longer than its lease allows.")
        if dead:
            bound.error("delivery failed for good", error=str(exc)[:200])
            await _settle(ctx, row, status="dead", last_error=error_of(exc))
        else:
            bound.warning("delivery failed; will retry", error=str(exc)[:200])
            await _settle(ctx, row, status="failed", last_error=error_of(exc),
                          next_attempt_at=ctx.clock.now() + backoff(row.attempts, RETRY_BASE_SECONDS, RETRY_CAP_SECONDS))
    else:
        bound.info("delivered")
        await _settle(ctx, row, status="delivered", delivered_at=ctx.clock.now(), last_error=None, result=result)


async def _settle(ctx: WorkContext, row: Any, **values: Any) -> None:
    """Records the outcome, unless the lease was lost meanwhile (another worker owns the row)."""
    async with ctx.db.transaction() as conn:
        result = await conn.execute(
            update(outbox).where(outbox.c.id == row.id, outbox.c.locked_by == ctx.worker, outbox.c.status == "running")
            .values(locked_by=None, locked_until=None, **values)
        )
    if not result.rowcount:
        log.warning("outbox lease lost before the outcome was recorded", outbox_id=row.id, worker=ctx.worker)
