"""How a receiver tells a delivery is ours and fresh: `X-Qiqiao-Signature: sha256=<hex>`, the
HMAC-SHA256 of `<X-Qiqiao-Timestamp>.<raw body>` keyed with the webhook's secret. A receiver
recomputes it over the exact bytes it got and refuses stale timestamps (five minutes is usual)."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE = "X-Qiqiao-Signature"
TIMESTAMP = "X-Qiqiao-Timestamp"
EVENT = "X-Qiqiao-Event"
DELIVERY = "X-Qiqiao-Delivery"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, given: str, now: float, tolerance: float = 300.0) -> bool:
    try:
        fresh = abs(now - float(timestamp)) <= tolerance
    except ValueError:
        return False
    return fresh and hmac.compare_digest(signature(secret, timestamp, body), given)
