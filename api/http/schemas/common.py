"""Shared pieces of the request and response models: bounded types and the base classes.

Request models forbid unknown fields (and therefore every server-owned field: status, amounts,
versions, decided_by…). Every text and number is bounded to what the database columns hold, so
that no input can reach the database and fail there.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from remuneration.domain.timezone import as_utc

__all__ = [
    "BoundedDate",
    "Hours",
    "Money",
    "RequestModel",
    "ResponseModel",
    "Text",
    "UtcDatetime",
    "printable",
    "text",
]

_EARLIEST = date(1900, 1, 1)
_LATEST = date(2100, 12, 31)


def printable(value: str) -> str:
    if any(ord(char) < 32 and char not in "\t" for char in value):
        raise ValueError("caractères de contrôle interdits")
    return value


def _plausible(value: date) -> date:
    if not _EARLIEST <= value <= _LATEST:
        raise ValueError("date hors de la plage 1900–2100")
    return value


def text(max_length: int, *, min_length: int = 1) -> object:
    """Constraints of a bounded, stripped, printable text."""
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


Text = Annotated[str, text(200), AfterValidator(printable)]


UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
"""A moment in UTC (SQLite hands back naive values stored in UTC)."""
BoundedDate = Annotated[date, AfterValidator(_plausible)]
Hours = Annotated[Decimal, Field(ge=0, le=Decimal("99999.99"), max_digits=7, decimal_places=2)]
Money = Annotated[
    Decimal, Field(ge=0, le=Decimal("9999999999.99"), max_digits=12, decimal_places=2)
]


class RequestModel(BaseModel):
    """Base of request bodies: unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


class ResponseModel(BaseModel):
    """Base of responses."""

    model_config = ConfigDict(from_attributes=True)
