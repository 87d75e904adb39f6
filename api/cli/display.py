"""How the command line writes what a person reads: counts with their noun (« 1 virement »,
« 1 234 virements »), stored codes in French words, periods and days as finance reads them,
amounts typed back as they were read (« 632 375,60 € »).

Amounts are written by ``exports.wording.amount_in_figures``, the letters' and the console's
one function; machine outputs (``--json``, files) keep codes, ISO dates and decimal strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from rules.french import fr_date, fr_decimal, fr_of_month
from rules.periods import Month

__all__ = [
    "count",
    "day_in_words",
    "label",
    "period_in_words",
    "period_short",
    "typed_amount",
    "typed_count",
]

_SPACES = re.compile(r"[ \u00a0\u202f]")
_AMOUNT = re.compile(r"-?\d+(\.\d{1,2})?")


def count(number: int, singular: str, plural: str | None = None) -> str:
    """``1 virement``, ``0 virement``, ``1 234 virements`` (French: 0 and 1 are singular)."""
    noun = singular if number <= 1 else (plural or f"{singular}s")
    return f"{fr_decimal(Decimal(number))} {noun}"


def label(labels: Mapping[str, str], code: str) -> str:
    """A stored code in French; a code without words shows as itself, never as a blank."""
    return labels.get(code, code)


def day_in_words(text: str) -> str:
    """``7 décembre 2026`` for a day written AAAA-MM-JJ; the text itself otherwise."""
    try:
        return fr_date(date.fromisoformat(text))
    except ValueError:
        return text


def period_in_words(period: str) -> str:
    """A run's period in a sentence: ``de novembre 2026`` (a month), ``du 7 décembre 2026``
    (a day of advances); anything else as it was typed."""
    try:
        return fr_of_month(Month.parse(period))
    except ValueError:
        pass
    day = day_in_words(period)
    return period if day == period else f"du {day}"


def period_short(period: str) -> str:
    """A run's period in a table: ``11/2026``, ``07/12/2026``."""
    try:
        month = Month.parse(period)
    except ValueError:
        pass
    else:
        return f"{month.month:02d}/{month.year}"
    try:
        return f"{date.fromisoformat(period):%d/%m/%Y}"
    except ValueError:
        return period


def _bare(text: str) -> str:
    return _SPACES.sub("", text)


def typed_count(text: str) -> int:
    """A count typed by a person: ``12``, ``1 234``; ``ValueError`` otherwise."""
    bare = _bare(text)
    if not bare.isdigit():
        raise ValueError(text)
    return int(bare)


def typed_amount(text: str) -> Decimal:
    """An amount typed by a person as it was read: ``632 375,60 €``, ``632375,60``,
    ``632375.60``; ``ValueError`` for anything else (``1.234,56``, ``douze``)."""
    bare = _bare(text).removesuffix("€")
    if "," in bare:
        if "." in bare:
            raise ValueError(text)
        bare = bare.replace(",", ".")
    if not _AMOUNT.fullmatch(bare):
        raise ValueError(text)
    try:
        return Decimal(bare)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValueError(text) from None
