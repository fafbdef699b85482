"""Delivering a webhook event: one signed POST per attempt through the SSRF-safe client, every
attempt logged (request without the secret, status, the first 2 000 characters of the answer,
duration). A 2xx answer delivers; anything else is retried by the outbox with exponential
back-off. After `QIQIAO_WEBHOOK_DISABLE_AFTER` failed attempts in a row the webhook is switched
off and its creator notified; a person switches it on again."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import insert, select, update

from core.crypto import unseal
from runtime.net.http import OutboundClient, OutboundFailed, OutboundPolicy, OutboundRefused
from runtime.notify.service import notify
from runtime.tables.webhooks import webhook_attempts, webhooks
from runtime.webhooks import signing
from runtime.worker.context import PermanentFailure, WorkContext
from runtime.worker.http_delivery import ReceiverError
from runtime.worker.outbox import delivery_handler

EXCERPT = 2000


@delivery_handler("webhook")
async def deliver(payload: dict, ctx: WorkContext) -> dict[str, Any]:
    async with ctx.db.transaction(write=False) as conn:
        hook = (await conn.execute(select(webhooks).where(webhooks.c.id == payload.get("webhook")))).mappings().first()
    if hook is None or not hook["enabled"]:
        raise PermanentFailure("The webhook was deleted or switched off.")
    body = str(payload["body"]).encode()
    stamp = str(int(ctx.clock.now().timestamp()))
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Qiqiao-Webhook/1",
               signing.EVENT: payload["event"], signing.DELIVERY: payload["delivery"], signing.TIMESTAMP: stamp,
               signing.SIGNATURE: signing.signature(unseal(ctx.settings.secret, hook["secret_sealed"]), stamp, body),
               "Idempotency-Key": ctx.key or ""}
    started = time.perf_counter()
    status_code, excerpt, failure = None, None, None
    try:
        async with OutboundClient(OutboundPolicy.from_settings(ctx.settings)) as client:
            response = await client.request("POST", hook["url"], headers=headers, content=body)
        status_code, excerpt = response.status_code, response.text(EXCERPT)
        if not response.ok:
            failure = ReceiverError(response.status_code)
    except (OutboundRefused, OutboundFailed) as exc:
        failure = exc
    duration = int((time.perf_counter() - started) * 1000)
    await _log(ctx, hook, payload, headers, body, status_code, excerpt, failure, duration)
    if failure is not None:
        raise failure
    return {"status": status_code}


async def _log(ctx: WorkContext, hook: Any, payload: dict, headers: dict[str, str], body: bytes, status_code: int | None,
               excerpt: str | None, failure: Exception | None, duration: int) -> None:
    now = ctx.clock.now()
    async with ctx.db.transaction() as conn:
        await conn.execute(insert(webhook_attempts).values(
            webhook_id=hook["id"], outbox_id=ctx.item_id, delivery=payload["delivery"], event=payload["event"],
            attempt=ctx.attempt, request={"method": "POST", "url": hook["url"], "headers": headers,
                                          "body": body[:EXCERPT].decode("utf-8", "replace")},
            status_code=status_code, response_excerpt=excerpt, error=str(failure)[:500] if failure else None,
            duration_ms=duration, at=now))
        if failure is None:
            await conn.execute(update(webhooks).where(webhooks.c.id == hook["id"], webhooks.c.failures != 0)
                               .values(failures=0))
            return
        failures = (await conn.execute(update(webhooks).where(webhooks.c.id == hook["id"])
                                       .values(failures=webhooks.c.failures + 1).returning(webhooks.c.failures))).scalar()
        limit = ctx.settings.webhook_disable_after
        if failures is not None and failures >= limit:
            switched = await conn.execute(update(webhooks).where(webhooks.c.id == hook["id"], webhooks.c.enabled.is_(True))
                                          .values(enabled=False, updated_at=now,
                                                  disabled_reason=f"{failures} failed attempts in a row")
                                          .returning(webhooks.c.id))
            if switched.first() is not None and hook["created_by"]:
                await notify(conn, [hook["created_by"]], "webhook.disabled",
                             f"Webhook '{hook['name']}' was switched off after {failures} failed deliveries",
                             f"Webhook“{hook['name']}”连续 {failures} 次投递失败，已停用",
                             body=f"{hook['url']}: {str(failure)[:300]}", link={"webhook_id": hook["id"]}, now=now)
