"""Payment business days: a day on which TARGET2 settles SEPA transfers AND a French working
day (Monday to Friday, not a French public holiday). The advance run and the monthly run only
run on such days; the TARGET2 closing days come from ``payments/sepa/target2_closing_days.yaml``,
the French public holidays from the ``holidays`` package. Pure: the day is an argument.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays

from payments.sepa import is_target2_business_day

__all__ = ["is_payment_business_day"]


@cache
def _french_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", years=year))


def is_payment_business_day(day: date) -> bool:
    """Open for TARGET2 and a French working day (Monday to Friday, not a public holiday)."""
    return (
        day.weekday() < 5 and day not in _french_holidays(day.year) and is_target2_business_day(day)
    )
