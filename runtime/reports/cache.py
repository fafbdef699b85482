"""Report results kept per (statement, stamps of the tables it reads, how they are shown), in this
process, finished: post-processed and rendered, so a hit costs the key and nothing else.

The key is the compiled SELECT with its parameters — it holds the definition, the filters and the
viewer's scope (their row conditions are part of it), so two viewers share an entry only when
they would run the very same query — plus a stamp of every record table read: its greatest
`updated_at` and greatest `id` (two index lookups). Every write through the records API moves
one of them (create, edit, trash, restore and reassign touch `updated_at`). Values derived later
by propagation (lookups, rollups recomputed in other records) and purges do not, so an entry also
expires after `ttl` seconds; the designer's refresh asks for a fresh run.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Hashable

DEFAULT_TTL = 120.0
MAX_WEIGHT = 200_000  # result rows kept in all, least recently used first out


@dataclass
class Entry:
    value: Any
    at: float
    weight: int


class ResultCache:
    def __init__(self, ttl: float = DEFAULT_TTL, max_weight: int = MAX_WEIGHT) -> None:
        self.ttl = ttl
        self.max_weight = max_weight
        self.weight = 0
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry.at > self.ttl:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry.value

    def put(self, key: Hashable, value: Any, weight: int = 1) -> None:
        if key in self._entries:
            self._drop(key)
        if weight > self.max_weight:
            return
        self._entries[key] = Entry(value, time.monotonic(), weight)
        self.weight += weight
        while self.weight > self.max_weight:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        self.weight -= self._entries.pop(key).weight

    def clear(self) -> None:
        self._entries.clear()
        self.weight = 0


RESULTS = ResultCache()
