"""French number and date formatting for explanations (``723,36 €``, ``1er mars 2024``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from rules.parameters.schema import ParameterValue
from rules.periods import MONTH_NAMES, Month

__all__ = ["cite", "fr_date", "fr_decimal", "fr_hours", "fr_money", "fr_of_month", "fr_rate"]

_NBSP = "\u202f"
# Below this in absolute value a figure has no thousands to group, even once rounded to the cent.
_UNGROUPED = Decimal("999.99")


def fr_decimal(value: Decimal, places: int | None = None) -> str:
    """``Decimal("1234.5")`` → ``1 234,5``; ``places`` fixes the decimals shown (display only)."""
    if places is None:
        if value and -_UNGROUPED < value < _UNGROUPED:  # nothing to group: one step less
            return f"{value.normalize():f}".replace(".", ",")
        text = f"{value.normalize():,f}" if value else "0"
    else:
        text = f"{value:,.{places}f}"
    return text.replace(",", _NBSP).replace(".", ",")


def fr_money(value: Decimal) -> str:
    """``723,36 €`` (figures below a thousand, most of them, without the grouping step)."""
    if -_UNGROUPED < value < _UNGROUPED:
        text = str(value)
        if text[-3:-2] == ".":  # already to the cent: its plain text, the comma for the dot
            return f"{text[:-3]},{text[-2:]} €"
        return f"{value:.2f} €".replace(".", ",")
    return f"{fr_decimal(value, 2)} €"


def fr_rate(value: Decimal) -> str:
    """An hourly rate, shown to four decimals (the computation itself is not rounded)."""
    return f"{fr_decimal(value, 4)} €"


def fr_hours(value: Decimal) -> str:
    if value and -_UNGROUPED < value < _UNGROUPED:
        return f"{value.normalize():f} h".replace(".", ",")
    return f"{fr_decimal(value)} h"


def fr_date(day: date) -> str:
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTH_NAMES[day.month - 1]} {day.year}"


def fr_of_month(month: Month) -> str:
    """``de mars 2024``, ``d'avril 2024``: the French elision before a vowel."""
    return _of_month(month.ordinal)


@lru_cache(maxsize=4096)
def _of_month(ordinal: int) -> str:
    """Each month's words made once (``ordinal``: ``Month.ordinal``)."""
    year, index = divmod(ordinal, 12)
    name = f"{MONTH_NAMES[index]} {year}"
    return f"d'{name}" if name[0] in "aeiouy" else f"de {name}"


@lru_cache(maxsize=1024)
def cite(value: ParameterValue) -> str:
    """Where a parameter value comes from and since when, as explanations quote it."""
    return f"{value.source}, en vigueur depuis le {fr_date(value.in_force_from)}"
