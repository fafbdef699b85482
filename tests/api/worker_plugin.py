"""Handler kinds for the worker tests, registered at import: by the test module itself, and by a
`qiqiao worker` subprocess through `QIQIAO_PLUGINS=tests.api.worker_plugin`.

`test.probe` timers insert their payload's `n` into the scratch table `worker_probe` (made by the
test), so the test counts firings with SQL; `hang_once` makes one timer stall the first time it
fires (a file marks that it did), so a test can kill its process in the middle of a batch.
"""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from runtime.worker.context import PermanentFailure
from runtime.worker.outbox import delivery_handler
from runtime.worker.timers import schedule, timer_handler

PROBE_TABLE = "CREATE TABLE worker_probe (n INTEGER NOT NULL, worker VARCHAR(64) NOT NULL)"


@timer_handler("test.probe")
async def probe(conn, payload, ctx):
    if payload.get("fail"):
        await conn.execute(text("INSERT INTO worker_probe (n, worker) VALUES (:n, 'rolled back')"), {"n": payload["n"]})
        raise RuntimeError(f"timer {payload['n']} fails")
    marker = payload.get("hang_once")
    if marker and not Path(marker).exists():
        Path(marker).write_text(str(os.getpid()))
        await asyncio.sleep(120)  # killed long before this ends
    if payload.get("sleep"):
        await asyncio.sleep(payload["sleep"])
    await conn.execute(text("INSERT INTO worker_probe (n, worker) VALUES (:n, :w)"), {"n": payload["n"], "w": ctx.worker})


@timer_handler("test.rearm")
async def rearm(conn, payload, ctx):
    """Fires, then schedules its own key again for a minute later."""
    await conn.execute(text("INSERT INTO worker_probe (n, worker) VALUES (:n, :w)"), {"n": payload["n"], "w": ctx.worker})
    await schedule(conn, "test.rearm", ctx.clock.now() + timedelta(minutes=1), {"n": payload["n"] + 1}, key=ctx.key)


@delivery_handler("test.flaky")
async def flaky(payload, ctx):
    """Fails the first `fail_times` attempts, then succeeds; `permanent` refuses for good."""
    if payload.get("permanent"):
        raise PermanentFailure("this can never work")
    if ctx.attempt <= payload.get("fail_times", 0):
        raise RuntimeError(f"attempt {ctx.attempt} fails")
    return {"attempt": ctx.attempt, "key": ctx.key}
