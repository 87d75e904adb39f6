"""The day of the monthly payment run: the N-th day of the month that is a business day both
for TARGET2 (a SEPA transfer can be executed) and in France (not a weekend, not a public holiday).

N comes from the dated rules of `remuneration/operations.yaml`; the TARGET2 closing days from
`payments/sepa/target2_closing_days.yaml`; French public holidays from the `holidays` package.
Pure: the month is an argument.
"""

from __future__ import annotations

from datetime import date, timedelta

from payments.calendar import is_payment_business_day
from remuneration.operations import load_operations_policy

__all__ = ["is_payment_business_day", "payment_run_date", "policy_payment_run_date"]


def payment_run_date(year: int, month: int, *, business_day: int) -> date:
    """The `business_day`-th payment business day of the month (1 = the first)."""
    if business_day < 1:
        raise ValueError("business_day starts at 1")
    day, seen = date(year, month, 1), 0
    while day.month == month:
        if is_payment_business_day(day):
            seen += 1
            if seen == business_day:
                return day
        day += timedelta(days=1)
    raise ValueError(f"{year}-{month:02d} has fewer than {business_day} payment business days")


def policy_payment_run_date(year: int, month: int) -> date:
    """The run date of the month under the rules in force on its first day."""
    policy = load_operations_policy(on=date(year, month, 1))
    return payment_run_date(year, month, business_day=policy.payment_run.business_day_of_month)
