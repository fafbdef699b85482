"""Pausing Python's cycle collector around bulk work.

A bulk write keeps tens of thousands of fresh objects alive until it ends (parsed rows, values,
history entries); while they pile up the collector runs full collections again and again, each
walking every object in the process, which costs a bulk request a quarter of its time. Reference
counting still frees whatever is not in a cycle; the rest waits for the collector, which resumes
when the outermost pause ends.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

_depth = 0  # pauses may overlap (two bulk requests at once): collection resumes after the last
_resume = False


@contextmanager
def paused() -> Iterator[None]:
    global _depth, _resume
    if _depth == 0:
        _resume = gc.isenabled()
        gc.disable()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _resume:
            gc.enable()
