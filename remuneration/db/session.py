"""Engines and sessions: nothing is created at import time; the composition root asks for them.

SQLite (the embedded default) gets WAL, a busy timeout and foreign keys on every connection, and
write transactions start with `BEGIN IMMEDIATE` (SQLAlchemy's documented pysqlite recipe: the
driver's own transaction handling is disabled and the `begin` event emits the statement). A
deferred read transaction is available through `read_only=True` so that readers never queue
behind a writer. PostgreSQL is used as is, through `DATABASE_URL`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "SQLITE_BUSY_TIMEOUT_MS",
    "SQLITE_CACHE_KIB",
    "bounded_write",
    "engine_scope",
    "make_engine",
    "make_session_factory",
    "sqlite_file_url",
]

SQLITE_BUSY_TIMEOUT_MS = 15_000
SQLITE_CACHE_KIB = 65_536
_DEFERRED_OPTION = "remu_deferred_begin"
_SQLITE_POOL_SIZE = 20


def sqlite_file_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite+pysqlite:///{path}"


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 64 MB of page cache (default 2 MB): a monthly run of 30 000 dossiers and more works
        # on indexes larger than 2 MB; pages are only allocated when read.
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    if connection.get_execution_options().get(_DEFERRED_OPTION):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _prepare_sqlite_file(url: URL) -> None:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url`, with the SQLite settings above when the URL is SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, echo=echo, pool_pre_ping=True)
    _prepare_sqlite_file(parsed)
    # The pool holds as many connections as the server has request threads at once (anyio's
    # default limit is 40): with the default 5 + 10 overflow, 20 concurrent readers opened and
    # closed a connection (and its four PRAGMAs) on every request.
    engine = create_engine(
        parsed,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": 15},
        pool_size=_SQLITE_POOL_SIZE,
        max_overflow=_SQLITE_POOL_SIZE,
    )
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def make_session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions that never expire objects on commit (responses are built after the commit)."""
    bind = engine.execution_options(**{_DEFERRED_OPTION: True}) if read_only else engine
    return sessionmaker(bind=bind, expire_on_commit=False, autoflush=True)


@contextmanager
def engine_scope(url: str) -> Iterator[Engine]:
    """An engine for one command, disposed (connections closed) at the end."""
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def bounded_write(engine: Engine, wait_ms: int) -> Iterator[Connection]:
    """A short writing transaction, committed at the end, that waits at most ``wait_ms`` for
    the writer lock (SQLite's busy timeout) or a row lock (PostgreSQL's ``lock_timeout``): for
    optional writes (a stored view) that must never keep a reader waiting behind a long write."""
    wait = int(wait_ms)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw: Any = connection.connection.driver_connection
        if sqlite:
            raw.execute(f"PRAGMA busy_timeout={wait}")
        try:
            with connection.begin():
                if not sqlite:
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{wait}ms'")
                yield connection
        finally:
            if sqlite:
                raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
