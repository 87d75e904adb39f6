"""Typed reading of raw JSON values, collecting every problem with its JSON path.

Absent and ``null`` both mean *unknown* (``None``); a value of the wrong type is an input error.
Each ``read_*`` function reads one value that is known (not ``None``) of the field ``key`` of the
object at ``path``: it returns the typed value, or records the problem and returns ``None``. The
path of the field is only built when there is a problem to name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from rules.errors import InputProblem
from rules.periods import Month

__all__ = [
    "CENT",
    "INT_LIMIT",
    "MAX_MAGNITUDE_DIGITS",
    "MONEY_DIGITS",
    "Reader",
    "ValueReader",
    "enum_reader",
    "join",
    "read_boolean",
    "read_day",
    "read_money",
    "read_month",
    "read_number",
    "read_text",
]

CENT = Decimal("0.01")
MAX_MAGNITUDE_DIGITS = 12
"""Hours and kilometres have at most 12 digits before the point (money: `MONEY_DIGITS`)."""
MONEY_DIGITS = 15  # above, quantizing to the cent leaves the decimal context: never a 500
INT_LIMIT = 10**MAX_MAGNITUDE_DIGITS
"""An integer at or above has 13 digits or more (``too_large`` for hours and distances)."""


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class Reader:
    """The problems found while reading one request, in the order they were found."""

    __slots__ = ("problems",)

    def __init__(self) -> None:
        self.problems: list[InputProblem] = []

    def problem(self, path: str, code: str, message: str, technical: str) -> None:
        self.problems.append(InputProblem(path, code, message, technical))

    def obj(self, raw: object, path: str, allowed: frozenset[str]) -> Mapping[str, Any] | None:
        """A JSON object (not null) with only known fields; ``None`` when it is not an object."""
        if not isinstance(raw, dict) and not isinstance(raw, Mapping):
            self.problem(path, "type", "un objet JSON est attendu", "an object is expected")
            return None
        if not raw.keys() <= allowed:
            for key in raw:
                if key not in allowed:
                    self.problem(
                        join(path, str(key)), "unknown_field", "champ inconnu", "unknown field"
                    )
        return raw

    def items(self, raw: object, path: str) -> list[Any]:
        """A JSON list (not null)."""
        if not isinstance(raw, list):
            self.problem(path, "type", "une liste JSON est attendue", "a list is expected")
            return []
        return raw


ValueReader = Callable[[Reader, Any, str, str], Any]
"""Reads the known value of field ``key`` of the object at ``path``: typed, or ``None``."""


def read_text(r: Reader, value: object, path: str, key: str) -> str | None:
    if isinstance(value, str):
        return value
    r.problem(join(path, key), "type", "texte attendu", "a string is expected")
    return None


def read_boolean(r: Reader, value: object, path: str, key: str) -> bool | None:
    if value is True or value is False:
        return value
    r.problem(join(path, key), "type", "true ou false attendu", "a boolean is expected")
    return None


def read_day(r: Reader, value: object, path: str, key: str) -> date | None:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    r.problem(
        join(path, key),
        "date",
        "date au format AAAA-MM-JJ attendue",
        "a date YYYY-MM-DD is expected",
    )
    return None


def read_month(r: Reader, value: object, path: str, key: str) -> Month | None:
    """A month written ``AAAA-MM``."""
    if isinstance(value, str):
        try:
            return Month.parse(value)
        except ValueError:
            pass
    r.problem(join(path, key), "month", "mois au format AAAA-MM attendu", "YYYY-MM expected")
    return None


def enum_reader(kind: type[StrEnum]) -> ValueReader:
    """The reader of one of ``kind``'s values (its members looked up by value, once built)."""
    members: dict[str, StrEnum] = {member.value: member for member in kind}
    allowed = ", ".join(members)

    def read_enum(r: Reader, value: object, path: str, key: str) -> StrEnum | None:
        member = members.get(value) if isinstance(value, str) else None
        if member is None:
            r.problem(
                join(path, key),
                "enum",
                f"valeur inconnue ; valeurs possibles : {allowed}",
                f"unknown value; expected one of: {allowed}",
            )
        return member

    return read_enum


def read_number(r: Reader, value: object, path: str, key: str) -> Decimal | None:
    """Hours and distances: a JSON number or a string holding a decimal, never negative."""
    if type(value) is int and 0 <= value < INT_LIMIT:
        return Decimal(value)
    return _decimal(r, value, path, key, money=False)


def read_money(r: Reader, value: object, path: str, key: str) -> Decimal | None:
    """Money: a string holding a decimal (``"320.00"``), never negative."""
    return _decimal(r, value, path, key, money=True)


def _decimal(r: Reader, value: object, path: str, key: str, *, money: bool) -> Decimal | None:
    parsed = _as_decimal(value, money=money)
    if parsed is None:
        if money:
            r.problem(
                join(path, key),
                "money",
                'montant attendu sous forme de texte décimal, par exemple "320.00"',
                "a decimal amount is expected",
            )
        else:
            r.problem(join(path, key), "number", "nombre attendu", "a number is expected")
        return None
    problem = _out_of_bounds(parsed, money=money)
    if problem is not None:
        r.problem(join(path, key), *problem)
        return None
    return parsed


def _out_of_bounds(parsed: Decimal, *, money: bool) -> tuple[str, str, str] | None:
    """The problem (code, French, English) of a decimal outside what the field admits."""
    if not money and parsed.adjusted() >= MAX_MAGNITUDE_DIGITS:
        return (
            "too_large",
            f"valeur trop grande (au plus {MAX_MAGNITUDE_DIGITS} chiffres avant la virgule)",
            "value too large",
        )
    if parsed < 0:
        return ("negative", "une valeur négative n'est pas admise", "must not be negative")
    if money and parsed.adjusted() >= MONEY_DIGITS:
        return (
            "money_range",
            "montant hors limites (au plus quinze chiffres avant la virgule)",
            "an amount has at most fifteen digits before the decimal point",
        )
    if money and parsed != parsed.quantize(CENT, rounding=ROUND_DOWN):
        return (
            "money_precision",
            "un montant a au plus deux décimales",
            "an amount has at most two decimals",
        )
    return None


def _as_decimal(value: object, *, money: bool) -> Decimal | None:
    """A finite decimal from a JSON value (floats only for hours and distances), else None."""
    parsed: Decimal | None = None
    if isinstance(value, str):
        try:
            parsed = Decimal(value.strip())
        except InvalidOperation:
            return None
    elif isinstance(value, bool):
        return None
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, Decimal):
        parsed = value
    elif isinstance(value, float) and not money:
        parsed = Decimal(repr(value))
    return parsed if parsed is not None and parsed.is_finite() else None
