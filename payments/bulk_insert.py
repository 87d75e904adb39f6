"""Many complete rows into one table, without SQLAlchemy's per-row work.

A run inserts about four payment lines and one payment per dossier: 500 000 rows for 100 000
dossiers. Through ``Session.execute(insert(table), rows)`` each row costs SQLAlchemy a parameter
dictionary built and checked, and on PostgreSQL one INSERT statement parsed, planned and
executed by the server (psycopg pipelines them, the server still runs them one by one). Here:

- PostgreSQL: ``COPY … FROM STDIN``, the rows adapted by psycopg's own C dumpers, as they are for
  an INSERT; the constraints and foreign keys are checked as for an INSERT;
- SQLite: the statement compiled once, each value passed through the column type's own bind
  processor (exactly what SQLAlchemy would send), then the driver's ``executemany``; the
  processing may be done beforehand, in a run's worker process (``prepare_rows``: plain texts
  and numbers travel much faster between processes than ``UUID`` and ``Decimal`` objects);
- any other database: SQLAlchemy's ``executemany``.

Everything stays in the session's transaction; the caller's pending ORM objects are flushed
first (the rows may point at them). The rows go around the session's events, so a table that feeds
the stored dossier views (payment lines: a person's advance) stales them here
(``remuneration.db.view_stamps.note_rows_written``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Dialect, Table, insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

from remuneration.db.view_stamps import note_rows_written

__all__ = ["PreparedRows", "insert_rows", "prepare_rows"]


@dataclass(frozen=True, slots=True)
class PreparedRows:
    """Rows of one table as the SQLite driver receives them: ``statement``'s parameters, each
    value already through its column's bind processor (``prepare_rows``)."""

    table: str
    names: tuple[str, ...]
    statement: str
    params: list[tuple[Any, ...]]

    def __len__(self) -> int:
        return len(self.params)


def insert_rows(
    session: Session, table: Table, rows: Sequence[dict[str, Any]] | PreparedRows
) -> None:
    """Insert ``rows`` (each a complete dict of column values, or prepared by
    ``prepare_rows`` for this database) into ``table``."""
    if not rows:
        return
    session.flush()
    note_rows_written(session, table)
    dialect = session.get_bind().dialect
    if isinstance(rows, PreparedRows):
        _execute_prepared(session, table, dialect, rows)
        return
    names = list(rows[0])
    if dialect.name == "postgresql":
        _copy(session, table, names, rows)
    elif dialect.name == "sqlite":
        _executemany(session, _prepare(dialect, table, names, rows))
    else:
        session.execute(insert(table), list(rows))


def prepare_rows(dialect: Dialect, table: Table, rows: Sequence[dict[str, Any]]) -> PreparedRows:
    """``rows`` (complete dicts, same keys) made ready for SQLite's ``executemany``."""
    if dialect.name != "sqlite":
        raise ValueError("rows are prepared for SQLite only")
    return _prepare(dialect, table, list(rows[0]) if rows else [], rows)


# The statement of each (table, columns) compiled once per dialect, to check a prepared one.
_COMPILED: dict[tuple[int, str, tuple[str, ...]], SQLCompiler] = {}


def _compiled(dialect: Dialect, table: Table, names: Sequence[str]) -> SQLCompiler:
    key = (id(dialect), table.name, tuple(names))
    found = _COMPILED.get(key)
    if found is None:
        found = insert(table).compile(dialect=dialect, column_keys=list(names))
        _COMPILED[key] = found
    return found


def _execute_prepared(session: Session, table: Table, dialect: Dialect, rows: PreparedRows) -> None:
    """Rows prepared elsewhere, checked to be this table's insert as this database compiles
    it (same columns, same order of parameters)."""
    if (
        dialect.name != "sqlite"
        or rows.table != table.name
        or _compiled(dialect, table, rows.names).string != rows.statement
    ):
        raise ValueError(f"rows prepared for another statement than {table.name}'s insert")
    _executemany(session, rows)


def _copy(session: Session, table: Table, names: list[str], rows: Sequence[dict[str, Any]]) -> None:
    columns = ", ".join(f'"{table.c[name].name}"' for name in names)
    raw: Any = session.connection().connection.driver_connection
    statement = f'COPY "{table.name}" ({columns}) FROM STDIN'
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])


def _prepare(
    dialect: Dialect, table: Table, names: list[str], rows: Sequence[dict[str, Any]]
) -> PreparedRows:
    compiled = insert(table).compile(dialect=dialect, column_keys=names)
    positions = compiled.positiontup
    assert positions is not None  # SQLite's paramstyle is positional ("qmark")
    if sorted(positions) != sorted(names):
        raise ValueError(f"a bulk insert into {table.name} expects the columns {names}")
    processors: dict[str, Callable[[Any], Any]] = cast(
        "dict[str, Callable[[Any], Any]]", dict(compiled._bind_processors)
    )
    columns: list[list[Any]] = []
    for key in positions:  # column by column: one map per column, no test per value
        values = [row[key] for row in rows]
        process = processors.get(key)
        columns.append(values if process is None else list(map(process, values)))
    params = list(zip(*columns, strict=True))
    return PreparedRows(table.name, tuple(names), compiled.string, params)


def _executemany(session: Session, rows: PreparedRows) -> None:
    raw: Any = session.connection().connection.driver_connection
    cursor = raw.cursor()
    try:
        cursor.executemany(rows.statement, rows.params)
    finally:
        cursor.close()
