"""What background work is handed (`WorkContext`), the name of this process, handler registries
and the wake-up call that lets a worker start at once on work scheduled for now."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.db import Database, before_commit
from core.errors import AppError
from core.registry import Registry
from core.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

# Who holds a lease or runs a job: host, process id and a random suffix, so a restarted process
# that got the same pid (pid 1 in a container) is still someone else.
PROCESS_NAME = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
# Sorts before any real time: a fresh outbox row is due whatever a (frozen, test) clock says.
AT_ONCE = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class WorkContext:
    """Handed to timer handlers, delivery handlers and sweeps."""

    db: Database
    clock: Clock
    settings: Settings
    worker: str  # the worker's name (the outbox's `locked_by`)
    item_id: int = 0  # the timer's or outbox row's id
    key: str | None = None  # the timer's key, or the delivery's idempotency key
    attempt: int = 0  # 1 on the first try


@dataclass(frozen=True)
class Handler:
    """A registered function, keyed by the kind of work it does."""

    type: str
    run: Callable[..., Any]


def registering(registry: Registry[Handler], kind: str) -> Callable[[F], F]:
    def register(function: F) -> F:
        registry.register(Handler(kind, function))
        return function

    return register


class PermanentFailure(Exception):
    """Raised by a handler when trying again cannot help (a refused URL, a malformed payload)."""


def error_of(exc: BaseException) -> dict[str, Any]:
    """What is kept of a failure in `last_error`."""
    error: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc)[:1000]}
    if isinstance(exc, AppError):
        error["code"] = exc.code
        if exc.detail_zh:
            error["message_zh"] = exc.detail_zh
    return error


def backoff(attempt: int, base: float, cap: float) -> timedelta:
    """base, 2·base, 4·base, … seconds after attempts 1, 2, 3, …, never more than cap."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempt - 1)))


# -- waking this process's worker loops ----------------------------------------------------------

_WAKERS: set[asyncio.Event] = set()


def add_waker(event: asyncio.Event) -> None:
    _WAKERS.add(event)


def remove_waker(event: asyncio.Event) -> None:
    _WAKERS.discard(event)


async def _wake(_conn: AsyncConnection) -> None:
    for event in list(_WAKERS):
        event.set()


def wake_after_commit(conn: AsyncConnection) -> None:
    """Work due now was written on `conn`: wake this process's worker as the unit of work ends
    rather than at its next poll (other processes find it at theirs)."""
    if not _WAKERS:
        return
    if "before_commit" in conn.info:
        before_commit(conn, _wake)
    else:
        for event in list(_WAKERS):
            event.set()
