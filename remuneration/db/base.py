"""Declarative base shared by every table of the project (remuneration, payments, cases...).

A naming convention gives every constraint and index a predictable name: Alembic needs names to
alter or drop them (SQLite batch mode in particular), and later migrations by other teams can
refer to them.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, DateTime, Integer, MetaData, Numeric, Uuid
from sqlalchemy.orm import DeclarativeBase

__all__ = ["AUTOINCREMENT_BIGINT", "HOURS", "MONEY", "Base"]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY = Numeric(12, 2)
"""Euros, to the cent: never a float."""

HOURS = Numeric(7, 2)
"""Hours (and kilometres), to the hundredth."""

AUTOINCREMENT_BIGINT = BigInteger().with_variant(Integer(), "sqlite")
"""A growing integer key (append-only logs): SQLite only autoincrements INTEGER keys."""


class Base(DeclarativeBase):
    """Base class of all ORM tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        uuid.UUID: Uuid(),
        datetime: DateTime(timezone=True),
        date: Date(),
        Decimal: MONEY,
    }
