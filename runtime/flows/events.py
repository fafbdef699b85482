"""Flow events others may follow (outbound webhooks): an instance started, an instance finished.

Hooks run in the transaction that makes the change, like the records service's write hooks."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock

FlowHook = Callable[[AsyncConnection, Clock, dict[str, Any], dict[str, Any], str, dict[str, Any]], Awaitable[None]]
_HOOKS: list[FlowHook] = []


def on_flow_event(hook: FlowHook) -> None:
    """`hook(conn, clock, app, instance, event, detail)` for event "flow.started" / "flow.finished"."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)


async def emit(conn: AsyncConnection, clock: Clock, app: dict[str, Any], instance: dict[str, Any], event: str,
               detail: dict[str, Any]) -> None:
    for hook in _HOOKS:
        await hook(conn, clock, app, instance, event, detail)
