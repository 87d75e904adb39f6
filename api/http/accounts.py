"""The caller's account read without the ORM, for the route that touches no other data
(``POST /v1/evaluations``).

The account is still read on every request, as `security.authenticate` does: a deactivated
account or a changed role is refused on its very next request, and nothing about it is kept
between requests. Only the way of reading changes: the prebuilt statement is compiled once
for the engine's dialect and run on a DBAPI connection with the column types' own converters,
about 13 µs of CPU against 180 µs through a session (SQLAlchemy's execution path, the session,
the transaction's ``BEGIN`` and ``COMMIT``).

On SQLite the statement runs on the event loop itself, on a connection of its own, as one
autocommit statement: a WAL reader does not wait for writers, and this saves the trip to the
thread pool (waking a worker and getting the GIL back cost more than the query). Nothing that
may wait runs on the loop: that connection is opened in the thread pool (opening may wait on a
lock), and its busy timeout is zero. Should SQLite ever make a reader wait (a recovery, another
process in exclusive locking mode), or should anything fail, the read is made the usual way, in
the thread pool on a pooled connection, so errors are answered as before. On PostgreSQL the
read always goes to the thread pool: a network round trip has no place on the event loop.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from api.http.security import ACCOUNT_STATEMENT, actor_of_account, jwt_subject
from api.settings import Settings
from remuneration.services.context import Actor

__all__ = ["AccountReader", "AccountRow"]


class AccountRow(NamedTuple):
    """The columns of `security.ACCOUNT_STATEMENT`, converted as SQLAlchemy would."""

    id: uuid.UUID
    name: str
    role: str
    organisation_id: uuid.UUID | None
    active: bool


_Converter = Callable[[Any], Any] | None


def _keep(value: Any) -> Any:
    return value


class AccountReader:
    """Reads one account by id with the dialect's compiled statement (see the module's text)."""

    def __init__(self, engine: Engine) -> None:
        dialect = engine.dialect
        compiled = ACCOUNT_STATEMENT.compile(dialect=dialect)
        self._engine = engine
        self._sql = compiled.string
        self._positional = bool(dialect.positional)
        (bind_name,) = compiled.binds
        bind_type = compiled.binds[bind_name].type.dialect_impl(dialect)
        self._bind_name = bind_name
        self._bind: Callable[[Any], Any] = bind_type.bind_processor(dialect) or _keep
        self._converters: tuple[_Converter, ...] = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in ACCOUNT_STATEMENT.selected_columns
        )
        self.inline = dialect.name == "sqlite"
        self._own: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _parameters(self, user_id: uuid.UUID) -> Any:
        value = self._bind(user_id)
        return (value,) if self._positional else {self._bind_name: value}

    def _fetch(self, dbapi_connection: Any, user_id: uuid.UUID) -> AccountRow | None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(self._sql, self._parameters(user_id))
            rows = cursor.fetchall()  # fetched to the end: the statement is done, no snapshot held
        finally:
            cursor.close()
        if not rows:
            return None
        values = [
            value if convert is None or value is None else convert(value)
            for convert, value in zip(self._converters, rows[0], strict=True)
        ]
        return AccountRow(*values)

    def read(self, user_id: uuid.UUID) -> AccountRow | None:
        """The account on a pooled connection (any thread; blocking): the pool's reset on
        return ends the transaction the driver may have opened."""
        pooled = self._engine.raw_connection()
        try:
            return self._fetch(pooled.dbapi_connection, user_id)
        finally:
            pooled.close()

    def _read_inline(self, user_id: uuid.UUID) -> tuple[bool, AccountRow | None]:
        """On SQLite, on the event loop, never waiting: (True, the account) when read on the
        loop's own connection, (False, None) when the read must be made in the thread pool
        (the connection is not open yet, another thread is using it, or it failed)."""
        if not self._lock.acquire(blocking=False):
            return False, None  # another thread's event loop is reading (tests run several)
        try:
            if self._own is None:
                return False, None
            return True, self._fetch(self._own, user_id)
        except sqlite3.Error:
            self._close_own()
            return False, None
        finally:
            self._lock.release()

    def _read_pooled(self, user_id: uuid.UUID) -> AccountRow | None:
        """In the thread pool: the account on a pooled connection; on SQLite, the event loop's
        own connection is opened here too when it is not, since opening may wait on a lock."""
        account = self.read(user_id)
        if self.inline and self._own is None:
            with self._lock:
                if self._own is None:
                    self._own = self._open()
        return account

    def _open(self) -> sqlite3.Connection:
        """A connection set up by the engine (WAL, pragmas), taken out of the pool, that never
        waits on a lock."""
        pooled = self._engine.raw_connection()
        connection = pooled.dbapi_connection
        pooled.detach()
        assert isinstance(connection, sqlite3.Connection)
        connection.execute("PRAGMA busy_timeout=0")
        return connection

    def _close_own(self) -> None:
        own, self._own = self._own, None
        if own is not None:
            own.close()

    def close(self) -> None:
        """Close the event loop's own connection (opened again when next needed)."""
        with self._lock:
            self._close_own()

    async def actor(self, settings: Settings, token: str, now: datetime) -> Actor | None:
        """The actor behind a bearer token (a signed JWT), or None: the signature, times and
        account are checked as `security.authenticate` checks them."""
        subject = jwt_subject(settings, token, now)
        if subject is None:
            return None
        user_id, claimed_role = subject
        done, account = self._read_inline(user_id) if self.inline else (False, None)
        if not done:
            account = await run_in_threadpool(self._read_pooled, user_id)
        return actor_of_account(account, claimed_role)
