"""Payment business days: a day on which TARGET2 settles SEPA transfers AND a French working
day (Monday to Friday, not a French public holiday). The advance run and the monthly run only
run on such days; the TARGET2 closing days come from ``payments/sepa/target2_closing_days.yaml``,
the French public holidays from the ``holidays`` package. Pure: the day is an argument.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays

from payments.sepa import is_target2_business_day, target2_business_day_on_or_after
from rules.french import fr_date

__all__ = ["execution_date_refusal", "is_payment_business_day"]


@cache
def _french_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", years=year))


def is_payment_business_day(day: date) -> bool:
    """Open for TARGET2 and a French working day (Monday to Friday, not a public holiday)."""
    return (
        day.weekday() < 5 and day not in _french_holidays(day.year) and is_target2_business_day(day)
    )


def execution_date_refusal(day: date, today: date) -> str | None:
    """Why a batch cannot be executed on ``day`` (past, or TARGET2 closed), in French with the
    first day that can be asked instead; ``None`` when ``day`` can be asked."""
    if day >= today and is_target2_business_day(day):
        return None
    earliest = fr_date(target2_business_day_on_or_after(max(day, today)))
    why = "est passée" if day < today else "n'est pas un jour ouvré TARGET2"
    return (
        f"La date d'exécution du {fr_date(day)} {why} : indiquez le {earliest} ou un jour "
        "ouvré TARGET2 plus tard."
    )
