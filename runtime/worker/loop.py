"""The worker loop: fire due timers, make due deliveries, run periodic sweeps; then wait for the
next poll, or less when this process itself has just scheduled work due now.

Any number of processes may run it against one database (`qiqiao serve` runs one in the
background unless `QIQIAO_RUN_WORKER=0`; `qiqiao worker` runs only this). Tests call `run_once()`
with a frozen clock instead of running the loop.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Awaitable, Callable

import structlog

from core.clock import Clock
from core.db import Database
from core.registry import Registry
from core.settings import Settings
from runtime.worker import outbox, timers
from runtime.worker.context import PROCESS_NAME, WorkContext, add_waker, remove_waker

log = structlog.get_logger("qiqiao.worker")

SweepFn = Callable[[WorkContext], Awaitable[Any]]
WAKE_DELAY = 0.02  # woken by a unit of work that is committing: give its COMMIT a moment to land
MAX_ERROR_DELAY = 30.0


@dataclass(frozen=True)
class Sweep:
    """Housekeeping every worker runs now and then (e.g. failing jobs whose process died)."""

    type: str
    every: timedelta
    run: SweepFn


SWEEPS: Registry[Sweep] = Registry("worker sweeps")


def periodic(name: str, every: timedelta) -> Callable[[SweepFn], SweepFn]:
    """Registers `async def sweep(ctx)` to run at most once per `every` in each worker."""

    def register(function: SweepFn) -> SweepFn:
        SWEEPS.register(Sweep(name, every, function))
        return function

    return register


class Worker:
    def __init__(self, db: Database, clock: Clock, settings: Settings, name: str | None = None) -> None:
        self.db, self.clock, self.settings = db, clock, settings
        self.name = name or PROCESS_NAME
        self.context = WorkContext(db, clock, settings, self.name)
        self._swept: dict[str, datetime] = {}

    async def run_once(self) -> int:
        """One pass; returns how many timers and deliveries it handled."""
        handled = await timers.fire_due(self.context)
        handled += await outbox.deliver_due(self.context)
        await self._sweep()
        return handled

    async def _sweep(self) -> None:
        now = self.clock.now()
        for sweep in SWEEPS:
            last = self._swept.get(sweep.type)
            if last is not None and last <= now < last + sweep.every:
                continue
            self._swept[sweep.type] = now
            try:
                await sweep.run(self.context)
            except Exception:
                log.exception("sweep failed", sweep=sweep.type, worker=self.name)

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Runs passes until `stop` is set; a pass under way is finished, not cut off."""
        wake = asyncio.Event()
        add_waker(wake)
        failures = 0
        log.info("worker started", worker=self.name)
        try:
            while not stop.is_set():
                wake.clear()
                try:
                    handled = await self.run_once()
                    failures = 0
                except Exception:  # the database restarting, say: try again later, never die
                    handled, failures = 0, failures + 1
                    log.exception("worker pass failed", worker=self.name, failures=failures)
                if handled:
                    await asyncio.sleep(0)
                    continue
                poll = self.settings.worker_poll_seconds
                await _first_of(stop, wake, timeout=min(MAX_ERROR_DELAY, poll * 2 ** failures) if failures else poll)
                if wake.is_set() and not stop.is_set():
                    await asyncio.sleep(WAKE_DELAY)
        finally:
            remove_waker(wake)
            log.info("worker stopped", worker=self.name)


async def _first_of(*events: asyncio.Event, timeout: float) -> None:
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
