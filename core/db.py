"""Database engines and the unit of work, the same for SQLite and PostgreSQL.

SQLite runs in WAL mode with `synchronous=FULL`; a writing transaction starts with
`BEGIN IMMEDIATE` so two writers queue on the lock instead of failing half way, and writers of
one process also queue on an asyncio lock rather than spinning on `busy_timeout`.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

BeforeCommit = Callable[[AsyncConnection], Awaitable[None]]
# Run on every new SQLite connection, e.g. to register SQL functions the upper layers emit;
# the composition root fills it (core knows nothing of them).
SQLITE_CONNECT_HOOKS: list[Callable[[Any], None]] = []


def register_sqlite_hook(hook: Callable[[Any], None]) -> None:
    if hook not in SQLITE_CONNECT_HOOKS:
        SQLITE_CONNECT_HOOKS.append(hook)
_WRITE_OPTION = "qiqiao_write"


def create_engine(url: str, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            from pathlib import Path

            Path(database).parent.mkdir(parents=True, exist_ok=True)
        from core.sqlite_driver import OneTripDBAPI

        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30}, module=OneTripDBAPI())
        _configure_sqlite(engine)
        return engine
    engine = create_async_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800)
    _replace_closed_connections(engine)
    return engine


def _replace_closed_connections(engine: AsyncEngine) -> None:
    """Hand out no pooled connection the server has closed (a restart, a terminated backend): the
    pool drops it and takes another, so the request never sees it. This stands in for pre-ping,
    which with asyncpg costs three round trips per checkout (BEGIN, a ping, ROLLBACK); a closed
    socket is known to the driver as soon as the event loop has read its end."""

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if dbapi_connection.driver_connection.is_closed():
            raise DisconnectionError("the server closed this pooled connection")


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us emit BEGIN ourselves; the driver's implicit transactions cannot be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",
            "PRAGMA busy_timeout=30000",
            "PRAGMA foreign_keys=ON",
            # Read pages through a memory map rather than a read() per page: a list page that
            # walks an index into a large table touches thousands of scattered pages.
            "PRAGMA mmap_size=1073741824",
        ):
            cursor.execute(pragma)
        cursor.close()
        for hook in SQLITE_CONNECT_HOOKS:
            hook(dbapi_connection)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE_OPTION, True)
        statement = "BEGIN IMMEDIATE" if write else "BEGIN"
        begin_lazily = getattr(conn.connection.dbapi_connection, "begin_with_next_statement", None)
        if begin_lazily is not None:  # core.sqlite_driver: sent with the first statement, one trip fewer
            begin_lazily(statement)
        else:
            conn.exec_driver_sql(statement)


class Database:
    """Owns the engine; `transaction()` is the one unit of work for requests and workers."""

    def __init__(self, url: str, pool_size: int = 10) -> None:
        self.url = url
        self.engine = create_engine(url, pool_size=pool_size)
        self.dialect = self.engine.dialect.name
        self._sqlite_writer = asyncio.Lock() if self.dialect == "sqlite" else None

    @asynccontextmanager
    async def transaction(self, write: bool = True) -> AsyncIterator[AsyncConnection]:
        """Commit on success, roll back on any exception; hooks in `before_commit` run last."""
        if self._sqlite_writer is not None and write:
            async with self._sqlite_writer:
                async with self._begin(write) as conn:
                    yield conn
        else:
            async with self._begin(write) as conn:
                yield conn

    @asynccontextmanager
    async def _begin(self, write: bool) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                await conn.execution_options(**{_WRITE_OPTION: write})
            async with conn.begin():
                conn.info["before_commit"] = []
                try:
                    yield conn
                    for hook in conn.info["before_commit"]:
                        await hook(conn)
                finally:
                    conn.info.pop("before_commit", None)

    async def dispose(self) -> None:
        await self.engine.dispose()


def before_commit(conn: AsyncConnection, hook: BeforeCommit) -> None:
    """Run `hook` once just before this unit of work commits (e.g. to flush buffered rows)."""
    hooks: list[BeforeCommit] | None = conn.info.get("before_commit")
    if hooks is None:
        raise RuntimeError("before_commit() needs a connection opened by Database.transaction()")
    if hook not in hooks:
        hooks.append(hook)
