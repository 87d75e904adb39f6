"""Typed reading of raw JSON values, collecting every problem with its JSON path.

Absent and ``null`` both mean *unknown* (``None``); a value of the wrong type is an input error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from rules.errors import InputProblem
from rules.periods import Month

__all__ = ["Reader"]

E = TypeVar("E", bound=StrEnum)
_CENT = Decimal("0.01")
MAX_MAGNITUDE_DIGITS = 12
"""Hours and kilometres have at most 12 digits before the point (money: `_MONEY_DIGITS`)."""
_MONEY_DIGITS = 15  # above, quantizing to the cent leaves the decimal context: never a 500


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


class Reader:
    """Reads fields of JSON objects; each ``get_*`` returns ``None`` when absent or null."""

    def __init__(self) -> None:
        self.problems: list[InputProblem] = []

    def problem(self, path: str, code: str, message: str, technical: str) -> None:
        self.problems.append(InputProblem(path, code, message, technical))

    def obj(self, raw: object, path: str, allowed: frozenset[str]) -> Mapping[str, Any] | None:
        """A JSON object with only known fields; ``None`` when null."""
        if raw is None:
            return None
        if not isinstance(raw, dict) and not isinstance(raw, Mapping):
            self.problem(path, "type", "un objet JSON est attendu", "an object is expected")
            return None
        if raw.keys() - allowed:
            for key in raw:
                if key not in allowed:
                    self.problem(
                        _join(path, str(key)), "unknown_field", "champ inconnu", "unknown field"
                    )
        return raw

    def items(self, raw: object, path: str) -> list[Any]:
        """A JSON list (the caller reads an absent list as unknown before)."""
        if not isinstance(raw, list):
            self.problem(path, "type", "une liste JSON est attendue", "a list is expected")
            return []
        return raw

    def text(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(_join(path, key), "type", "texte attendu", "a string is expected")
            return None
        return value

    def boolean(self, data: Mapping[str, Any], key: str, path: str) -> bool | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.problem(_join(path, key), "type", "true ou false attendu", "a boolean is expected")
            return None
        return value

    def day(self, data: Mapping[str, Any], key: str, path: str) -> date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str) and len(value) == 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(
            _join(path, key),
            "date",
            "date au format AAAA-MM-JJ attendue",
            "a date YYYY-MM-DD is expected",
        )
        return None

    def month(self, data: Mapping[str, Any], key: str, path: str) -> Month | None:
        """A month written ``AAAA-MM``."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return Month.parse(value)
            except ValueError:
                pass
        self.problem(
            _join(path, key), "month", "mois au format AAAA-MM attendu", "YYYY-MM expected"
        )
        return None

    def enum(self, data: Mapping[str, Any], key: str, path: str, kind: type[E]) -> E | None:
        value = data.get(key)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            self.problem(
                _join(path, key),
                "enum",
                f"valeur inconnue ; valeurs possibles : {allowed}",
                f"unknown value; expected one of: {allowed}",
            )
            return None

    def number(self, data: Mapping[str, Any], key: str, path: str) -> Decimal | None:
        """Hours and distances: a JSON number or a string holding a decimal, never negative."""
        value = data.get(key)
        if value is None:
            return None
        return self._decimal(value, _join(path, key), money=False)

    def money(self, data: Mapping[str, Any], key: str, path: str) -> Decimal | None:
        """Money: a string holding a decimal (``"320.00"``), never negative."""
        value = data.get(key)
        if value is None:
            return None
        return self._decimal(value, _join(path, key), money=True)

    def _decimal(self, value: object, path: str, *, money: bool) -> Decimal | None:
        parsed = _as_decimal(value, money=money)
        if parsed is None:
            if money:
                self.problem(
                    path,
                    "money",
                    'montant attendu sous forme de texte décimal, par exemple "320.00"',
                    "a decimal amount is expected",
                )
            else:
                self.problem(path, "number", "nombre attendu", "a number is expected")
            return None
        if not money and parsed.adjusted() >= MAX_MAGNITUDE_DIGITS:
            self.problem(
                path,
                "too_large",
                f"valeur trop grande (au plus {MAX_MAGNITUDE_DIGITS} chiffres avant la virgule)",
                "value too large",
            )
            return None
        if parsed < 0:
            self.problem(
                path, "negative", "une valeur négative n'est pas admise", "must not be negative"
            )
            return None
        if money and parsed.adjusted() >= _MONEY_DIGITS:
            self.problem(
                path,
                "money_range",
                "montant hors limites (au plus quinze chiffres avant la virgule)",
                "an amount has at most fifteen digits before the decimal point",
            )
            return None
        if money and parsed != parsed.quantize(_CENT, rounding=ROUND_DOWN):
            self.problem(
                path,
                "money_precision",
                "un montant a au plus deux décimales",
                "an amount has at most two decimals",
            )
            return None
        return parsed


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
