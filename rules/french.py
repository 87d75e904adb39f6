"""French number and date formatting for explanations (``723,36 €``, ``1er mars 2024``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from rules.parameters.schema import ParameterValue
from rules.periods import MONTH_NAMES, Month

__all__ = ["cite", "fr_date", "fr_decimal", "fr_hours", "fr_money", "fr_of_month", "fr_rate"]

_NBSP = "\u202f"


def fr_decimal(value: Decimal, places: int | None = None) -> str:
    """``Decimal("1234.5")`` → ``1 234,5``; ``places`` fixes the decimals shown (display only)."""
    if places is None:
        text = f"{value.normalize():,f}" if value else "0"
    else:
        text = f"{value:,.{places}f}"
    return text.replace(",", _NBSP).replace(".", ",")


def fr_money(value: Decimal) -> str:
    return f"{fr_decimal(value, 2)} €"


def fr_rate(value: Decimal) -> str:
    """An hourly rate, shown to four decimals (the computation itself is not rounded)."""
    return f"{fr_decimal(value, 4)} €"


def fr_hours(value: Decimal) -> str:
    return f"{fr_decimal(value)} h"


def fr_date(day: date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTH_NAMES[day.month - 1]} {day.year}"


def fr_of_month(month: Month) -> str:
    """``de mars 2024``, ``d'avril 2024``: the French elision before a vowel."""
    name = month.french
    return f"d'{name}" if name[0] in "aeiouy" else f"de {name}"


@lru_cache(maxsize=1024)
def cite(value: ParameterValue) -> str:
    """Where a parameter value comes from and since when, as explanations quote it."""
    return f"{value.source}, en vigueur depuis le {fr_date(value.in_force_from)}"
