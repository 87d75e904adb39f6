"""The €200 advance and its recovery on the remuneration (docs/rules.md section 4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial

from rules.context import Evaluation
from rules.decisions import Line, LineKind, UsedParameter
from rules.french import cite, fr_date, fr_money, fr_of_month
from rules.money import round_money
from rules.parameters import ParameterValue
from rules.periods import Month

__all__ = ["advance_line", "recovery_line", "recovery_parameter"]


def _explain_advance(*, start: date, amount: ParameterValue) -> str:
    return (
        f"Avance versée au démarrage de la formation le {fr_date(start)} : "
        f"{fr_money(amount.decimal)} ({cite(amount)})."
    )


def advance_line(ev: Evaluation, start: date) -> Line:
    """The advance, in the month of the training start, at the amount in force that day.

    A line is immutable and depends only on the start date and the parameter set: it is built
    once per set and start date.
    """
    key = ("advance.line", start)
    known = ev.store.memo.get(key)
    if isinstance(known, Line):
        return known
    amount = ev.param("advance.amount", start)
    line = Line(
        kind=LineKind.ADVANCE,
        period=Month.of(start),
        amount=round_money(amount.decimal),
        rule="advance",
        parameters=(UsedParameter.of(amount),),
        render=partial(_explain_advance, start=start, amount=amount),
    )
    ev.store.memo[key] = line
    return line


def recovery_parameter(ev: Evaluation, start: date) -> ParameterValue:
    return ev.param("advance.recoverable", start)


def _explain_recovery(
    *,
    month: Month,
    recovered: Decimal,
    outstanding: Decimal,
    remuneration: Decimal,
    recoverable: ParameterValue,
) -> str:
    rest = outstanding - recovered
    return (
        f"Récupération de l'avance sur la rémunération {fr_of_month(month)} : le plus petit de "
        f"l'avance restant due ({fr_money(outstanding)}) et de la rémunération du mois "
        f"({fr_money(remuneration)}) = {fr_money(recovered)} ; reste dû après ce mois : "
        f"{fr_money(rest)} ({cite(recoverable)})."
    )


def recovery_line(
    *, month: Month, outstanding: Decimal, remuneration: Decimal, recoverable: ParameterValue
) -> Line | None:
    """``min(outstanding advance, R)`` as a negative line, or ``None`` when nothing is taken."""
    recovered = min(outstanding, remuneration)
    if recovered <= 0:
        return None
    return Line(
        kind=LineKind.ADVANCE_RECOVERY,
        period=month,
        amount=-recovered,
        rule="advance.recovery",
        parameters=(UsedParameter.of(recoverable),),
        render=partial(
            _explain_recovery,
            month=month,
            recovered=recovered,
            outstanding=outstanding,
            remuneration=remuneration,
            recoverable=recoverable,
        ),
    )
