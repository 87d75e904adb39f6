"""``column IN (values)`` for a chunk of hundreds of values, as each database takes it best.

SQLAlchemy renders an IN list as one bound parameter per value, at every execution
(``expanding`` parameters): 500 placeholders built, named and processed, and on PostgreSQL a
query text that changes with the number of values, too long for psycopg's cache of converted
queries, so parsed again each time. A payment run sends about fifteen such queries per chunk of
500 dossiers: on PostgreSQL their preparation was the largest item of the run's process in
the profile, and the arrays took about a tenth off its CPU time (docs/performance.md).
There the values go as one array parameter (``column = ANY(:values)``, which PostgreSQL plans
as it plans an IN list: index lookups); SQLite keeps its IN list.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute

__all__ = ["among", "among_param"]


def among(
    column: QueryableAttribute[Any] | ColumnElement[Any], values: Collection[Any], dialect: str
) -> ColumnElement[bool]:
    """``column`` is one of ``values``, for a statement run on ``dialect`` (its name)."""
    if dialect == "postgresql":
        return column == any_(literal(list(values), ARRAY(column.type)))
    return column.in_(list(values))


def among_param(
    column: QueryableAttribute[Any] | ColumnElement[Any], name: str, dialect: str
) -> ColumnElement[bool]:
    """``column`` is one of the values given at execution as parameter ``name`` (a list), for
    a statement built once per dialect."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))
