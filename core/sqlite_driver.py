"""SQLAlchemy's aiosqlite adapter, with each statement done in one trip to the driver's thread.

aiosqlite runs the sqlite3 connection in a thread of its own and the stock adapter goes there
and back four times per statement (open a cursor, execute, fetch, close). Each trip is a queue
hand-off and an event-loop wake-up, which cost more than the statement itself for the small
reads and writes of a request. Here the cursor does all four in the thread in one call and keeps
the results, a transaction's BEGIN travels with its first statement, and the pool's rollback of
a connection with no transaction open is skipped; everything else (connecting, errors) is the
stock adapter's.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_


def _run(connection: sqlite3.Connection, begin: str | None, operation: Any, parameters: Any,
         many: bool) -> tuple[Any, list, int, Any, bool]:
    """In the driver's thread: the whole statement, results fetched before the cursor closes."""
    if begin is not None:
        connection.execute(begin)
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid, connection.in_transaction
    finally:
        cursor.close()


class _Cursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_rowcount", "_lastrowid", "_arraysize")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # No driver cursor is opened here: `_run` opens and closes one per statement.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: Any = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        self._call(operation, parameters, False)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        self._call(operation, seq_of_parameters, True)

    def _call(self, operation: Any, parameters: Any, many: bool) -> None:
        try:
            await_(self._call_async(operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _call_async(self, operation: Any, parameters: Any, many: bool) -> None:
        adapted: _Connection = self._adapt_connection  # type: ignore[assignment]
        async with adapted._execute_mutex:
            connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
            begin, adapted.pending_begin = adapted.pending_begin, None
            adapted.in_transaction = True  # not known until the statement has run
            self._description, rows, self._rowcount, self._lastrowid, adapted.in_transaction = await connection._execute(
                _run, connection._conn, begin, operation, parameters, many
            )
            self._rows = collections.deque(rows)

    def nextset(self) -> None:
        return None

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("in_transaction", "pending_begin")
    _cursor_cls = _Cursor

    def __init__(self, dbapi: Any, connection: aiosqlite.Connection) -> None:
        super().__init__(dbapi, connection)
        self.in_transaction = True  # not known yet: roll back to be sure
        self.pending_begin: str | None = None

    def begin_with_next_statement(self, statement: str) -> None:
        """Send `statement` (BEGIN, BEGIN IMMEDIATE) in the same trip as the next statement."""
        self.pending_begin = statement

    def commit(self) -> None:
        if self.pending_begin is not None:  # the transaction ran no statement: nothing to commit
            self.pending_begin = None
            return
        self.in_transaction = True
        super().commit()
        self.in_transaction = False

    def rollback(self) -> None:
        # The pool rolls back every connection it takes back, mostly right after a COMMIT; with no
        # transaction open that would be a trip to the thread for nothing.
        self.pending_begin = None
        if not self.in_transaction:
            return
        super().rollback()
        self.in_transaction = False


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Pass as `module=` to `create_async_engine` for a `sqlite+aiosqlite` URL."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*arg, **kw)
        return _Connection(self, adapted._connection)
