"""The benchmark registry, throwaway databases for benchmarks, and the JSON-line report.

A figure's `ratio` is how many times the raw baseline's cost the platform pays for the same
work: value / baseline for times, baseline / value for rates (units ending in "/s"). 1.0 means
as fast as the raw database; the target, when a benchmark names one, is printed beside it.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import tempfile
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable

from sqlalchemy.engine import make_url

PG_URL = os.environ.get(
    "QIQIAO_BENCH_DATABASE_URL",
    os.environ.get("QIQIAO_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"),
)


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str | None = None
    backend: str | None = None
    target: str | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if not self.baseline or not self.value:
            return None
        if self.unit.endswith("/s"):
            return self.baseline / self.value
        return self.value / self.baseline

    def to_json(self) -> str:
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        data["value"] = round(self.value, 4)
        if self.baseline is not None:
            data["baseline"] = round(self.baseline, 4)
        if not data["notes"]:
            data.pop("notes")
        return json.dumps(data, ensure_ascii=False)


Runner = Callable[["Context"], Awaitable[list[Figure]]]
BENCHMARKS: dict[str, Runner] = {}


def benchmark(name: str) -> Callable[[Runner], Runner]:
    def register(fn: Runner) -> Runner:
        if name in BENCHMARKS:
            raise ValueError(f"benchmark {name!r} registered twice")
        BENCHMARKS[name] = fn
        return fn

    return register


async def _pg_admin(sql: str) -> None:
    import asyncpg

    dsn = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def postgres_reachable() -> bool:
    try:
        await _pg_admin("SELECT 1")
        return True
    except Exception:
        return False


@asynccontextmanager
async def sqlite_database() -> AsyncIterator[str]:
    with tempfile.TemporaryDirectory(prefix="qiqiao-bench-") as tmp:
        yield f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    name = f"qiqiao_bench_{secrets.token_hex(4)}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Context:
    """What a benchmark gets: factories of fresh, empty databases per reachable backend."""

    database_urls: dict[str, Callable[[], Any]]

    @classmethod
    async def create(cls) -> "Context":
        urls: dict[str, Callable[[], Any]] = {"sqlite": sqlite_database}
        if await postgres_reachable():
            urls["postgresql"] = postgres_database
        return cls(urls)


async def migrated(url: str) -> None:
    from core.migrate import upgrade

    await asyncio.to_thread(upgrade, url)
