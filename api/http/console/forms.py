"""Reading what agents type, and turning refusals into the error summary of a form.

Amounts are typed the French way (`1 234,56`, with or without `€`); a refused action rolls
its transaction back before the form is shown again, so nothing half-done is committed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from remuneration.db.models import User
from remuneration.domain.errors import DomainError

__all__ = [
    "FormError",
    "Problem",
    "parse_amount",
    "parse_count",
    "parse_day",
    "problems_of",
    "user_names",
]

Problem = dict[str, str]
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_AMOUNT = re.compile(r"^-?[0-9]+([.,][0-9]{1,2})?$")


class FormError(Exception):
    """What the agent typed cannot be read; `problems` name the fields."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0]["message"])
        self.problems = problems


def parse_amount(text: str, field: str) -> Decimal:
    """`1 234,56 €` → Decimal('1234.56'); anything else is a FormError."""
    cleaned = _SPACES.sub("", text).removesuffix("€").removesuffix("EUR")
    if not _AMOUNT.match(cleaned):
        raise FormError(
            [{"field": field, "message": "Saisissez un montant en euros, par exemple 1 234,56."}]
        )
    try:
        return Decimal(cleaned.replace(",", "."))
    except InvalidOperation as error:  # pragma: no cover - the pattern already refuses it
        raise FormError([{"field": field, "message": "Montant illisible."}]) from error


def parse_count(text: str, field: str) -> int:
    """A whole number typed by an agent."""
    cleaned = _SPACES.sub("", text)
    if not cleaned.isdigit():
        raise FormError([{"field": field, "message": "Saisissez un nombre entier, sans lettre."}])
    return int(cleaned)


def parse_day(text: str, field: str) -> date:
    """A date from an `<input type="date">` (AAAA-MM-JJ)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise FormError(
            [{"field": field, "message": "Saisissez une date valide (jj/mm/aaaa)."}]
        ) from error


def problems_of(error: DomainError, default_field: str) -> list[Problem]:
    """The refusal of a service as form problems (field paths kept when they name a field)."""
    if error.problems:
        return [
            {"field": problem.path.split(".")[-1] or default_field, "message": problem.message}
            for problem in error.problems
        ]
    return [{"field": error.field or default_field, "message": error.message}]


def user_names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Display names of users, fetched once."""
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}
