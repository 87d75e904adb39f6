"""Identifier columns read as the driver gives them, turned into ``uuid.UUID`` once per value.

SQLAlchemy's ``Uuid`` type builds a ``uuid.UUID`` for every cell it reads on SQLite (stored as
32 hexadecimal characters): when a chunk of rows names the same dossier in several tables, most
of those objects are built again and again. A column read through ``raw_id`` comes as text on
SQLite (PostgreSQL's driver already gives ``uuid.UUID`` objects, kept as they are), and an
``IdCache`` converts each distinct value once. Nothing written changes: only reading.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, String, type_coerce
from sqlalchemy.orm import QueryableAttribute

__all__ = ["IdCache", "raw_id"]


def raw_id(column: QueryableAttribute[Any], name: str) -> ColumnElement[Any]:
    """``column`` read without its ``Uuid`` conversion, labelled ``name``."""
    return type_coerce(column, String()).label(name)


class IdCache:
    """Each identifier read, as a ``uuid.UUID`` built once (the same object each time)."""

    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: dict[object, uuid.UUID] = {}

    def __call__(self, value: object) -> uuid.UUID:
        found = self._seen.get(value)
        if found is None:
            found = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
            self._seen[value] = found
        return found

    def __reduce__(self) -> tuple[type[IdCache], tuple[()]]:
        """A cache travels empty (to a run's worker process): it only saves conversions."""
        return IdCache, ()

    def optional(self, value: object) -> uuid.UUID | None:
        """``None`` for a column without a value, else as ``__call__``."""
        return None if value is None else self(value)
