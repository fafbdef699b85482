"""Token buckets in memory, one per key (an API token): `rate` requests a minute, bursts up to a
minute's worth. Each server process keeps its own buckets, so N processes allow up to N × rate."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

MAX_KEYS = 10_000


@dataclass
class _Bucket:
    tokens: float
    at: float


class Buckets:
    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self._buckets: OrderedDict[object, _Bucket] = OrderedDict()
        self.max_keys = max_keys

    def take(self, key: object, per_minute: int, now: float) -> float | None:
        """None when a request may go now; otherwise the seconds until one may."""
        capacity, refill = float(per_minute), per_minute / 60.0
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(capacity, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            bucket.tokens = min(capacity, bucket.tokens + max(0.0, now - bucket.at) * refill)
            bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return None
        return max(1.0, math.ceil((1.0 - bucket.tokens) / refill))
