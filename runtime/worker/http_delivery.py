"""The built-in delivery kind `http`: one HTTP request through the SSRF-safe client.

Payload: `{"method": "POST", "url": "https://…", "headers": {…}, "json": …}` (or `"body": "text"`),
optional `"timeout"` in seconds (capped by `QIQIAO_OUTBOUND_TIMEOUT_SECONDS`). Every attempt
carries the row's idempotency key as `Idempotency-Key`. A 2xx answer is a delivery; any other
status, a time-out or a broken connection is retried; a refused URL is not.
"""

from __future__ import annotations

from typing import Any

from runtime.net.http import OutboundClient, OutboundFailed, OutboundPolicy
from runtime.worker.context import PermanentFailure, WorkContext
from runtime.worker.outbox import delivery_handler

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
# Framing headers are the client's business; Host is the URL's.
NOT_FROM_PAYLOAD = frozenset({"host", "content-length", "transfer-encoding", "connection", "idempotency-key"})


class ReceiverError(OutboundFailed):
    def __init__(self, status: int) -> None:
        super().__init__(f"The receiver answered with status {status}.", f"接收方返回状态码 {status}。")
        self.status_code = status


@delivery_handler("http")
async def deliver_http(payload: dict, ctx: WorkContext) -> dict[str, Any]:
    method = str(payload.get("method", "POST")).upper()
    headers = payload.get("headers") or {}
    timeout, text = payload.get("timeout"), payload.get("body")
    if (method not in METHODS or not isinstance(payload.get("url"), str) or not isinstance(headers, dict)
            or any(not isinstance(k, str) or not isinstance(v, str) for k, v in headers.items())
            or not isinstance(timeout, (int, float, type(None))) or not isinstance(text, (str, type(None)))):
        raise PermanentFailure("The HTTP delivery payload is malformed (method, url, headers, body or timeout).")
    headers = {k: v for k, v in headers.items() if k.lower() not in NOT_FROM_PAYLOAD}
    headers["Idempotency-Key"] = ctx.key or ""
    policy = OutboundPolicy.from_settings(ctx.settings)
    body: dict[str, Any] = {"json": payload["json"]} if "json" in payload else {"content": text}
    async with OutboundClient(policy) as client:
        response = await client.request(method, payload["url"], headers=headers, timeout=timeout, **body)
    if not response.ok:
        raise ReceiverError(response.status_code)
    return {"status": response.status_code}
