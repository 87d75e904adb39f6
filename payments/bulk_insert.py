"""Many complete rows into one table, without SQLAlchemy's per-row work.

A run inserts about four payment lines and one payment per dossier: 500 000 rows for 100 000
dossiers. Through ``Session.execute(insert(table), rows)`` each row costs SQLAlchemy a parameter
dictionary built and checked, and on PostgreSQL one INSERT statement parsed, planned and
executed by the server (psycopg pipelines them, the server still runs them one by one). Here:

- PostgreSQL: ``COPY … FROM STDIN``, the rows adapted by psycopg's own C dumpers, as they are for
  an INSERT; the constraints and foreign keys are checked as for an INSERT;
- SQLite: the statement compiled once, each value passed through the column type's own bind
  processor (exactly what SQLAlchemy would send), then the driver's ``executemany``;
- any other database: SQLAlchemy's ``executemany``.

Everything stays in the session's transaction; the caller's pending ORM objects are flushed
first (the rows may point at them). The rows go around the session's events, so a table that feeds
the stored dossier views (payment lines: a person's advance) stales them here
(``remuneration.db.view_stamps.note_rows_written``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from remuneration.db.view_stamps import note_rows_written

__all__ = ["insert_rows"]


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (each a complete dict of column values) into ``table``."""
    if not rows:
        return
    session.flush()
    note_rows_written(session, table)
    names = list(rows[0])
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        _copy(session, table, names, rows)
    elif dialect == "sqlite":
        _executemany(session, table, names, rows)
    else:
        session.execute(insert(table), list(rows))


def _copy(session: Session, table: Table, names: list[str], rows: Sequence[dict[str, Any]]) -> None:
    columns = ", ".join(f'"{table.c[name].name}"' for name in names)
    raw: Any = session.connection().connection.driver_connection
    statement = f'COPY "{table.name}" ({columns}) FROM STDIN'
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])


def _executemany(
    session: Session, table: Table, names: list[str], rows: Sequence[dict[str, Any]]
) -> None:
    connection = session.connection()
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=names)
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
    raw: Any = connection.connection.driver_connection
    cursor = raw.cursor()
    try:
        cursor.executemany(compiled.string, params)
    finally:
        cursor.close()
