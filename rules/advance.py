"""The €200 advance and its recovery on the remuneration (docs/rules.md section 4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from rules.context import Evaluation
from rules.decisions import Line, LineKind, UsedParameter
from rules.french import cite, fr_date, fr_money, fr_of_month
from rules.money import round_money
from rules.parameters import ParameterValue
from rules.periods import Month

__all__ = ["AdvanceTerms", "advance_line", "advance_terms", "recovery_line"]


def _explain_advance(*, start: date, amount: ParameterValue) -> str:
    return (
        f"Avance versée au démarrage de la formation le {fr_date(start)} : "
        f"{fr_money(amount.decimal)} ({cite(amount)})."
    )


class _Text(NamedTuple):
    """An explanation that depends only on the parameter set and a date: written once."""

    text: str

    def render(self) -> str:
        return self.text


def advance_line(ev: Evaluation, start: date) -> Line:
    """The advance, in the month of the training start, at the amount in force that day.

    A line is immutable and depends only on the start date and the parameter set: it is built
    once per set and start date (``advance_terms``).
    """
    amount = ev.param("advance.amount", start)
    return Line(
        kind=LineKind.ADVANCE,
        period=Month.of(start),
        amount=round_money(amount.decimal),
        rule="advance",
        parameters=(UsedParameter.of(amount),),
        render=_Text(_explain_advance(start=start, amount=amount)).render,
    )


class AdvanceTerms(NamedTuple):
    """The advance of a training started on a day, and whether it is recovered (the parameter
    that says so): depends only on the day and the parameter set, looked up once."""

    line: Line
    recoverable: ParameterValue
    recovered: bool


def advance_terms(ev: Evaluation, start: date) -> AdvanceTerms:
    key = ("advance.terms", start)
    known = ev.store.memo.get(key)
    if isinstance(known, AdvanceTerms):
        return known
    line = advance_line(ev, start)
    recoverable = ev.param("advance.recoverable", start)
    terms = AdvanceTerms(line, recoverable, recoverable.boolean)
    ev.store.memo[key] = terms
    return terms


class _RecoveryTrace(NamedTuple):
    """The figures of one recovery line, turned into French only when asked."""

    month: Month
    recovered: Decimal
    outstanding: Decimal
    remuneration: Decimal
    recoverable: ParameterValue

    def render(self) -> str:
        rest = self.outstanding - self.recovered
        return (
            f"Récupération de l'avance sur la rémunération {fr_of_month(self.month)} : le plus "
            f"petit de l'avance restant due ({fr_money(self.outstanding)}) et de la rémunération "
            f"du mois ({fr_money(self.remuneration)}) = {fr_money(self.recovered)} ; reste dû "
            f"après ce mois : {fr_money(rest)} ({cite(self.recoverable)})."
        )


def recovery_line(
    *, month: Month, outstanding: Decimal, remuneration: Decimal, recoverable: ParameterValue
) -> Line | None:
    """``min(outstanding advance, R)`` as a negative line, or ``None`` when nothing is taken."""
    recovered = remuneration if remuneration < outstanding else outstanding
    if recovered <= 0:
        return None
    trace = _RecoveryTrace(month, recovered, outstanding, remuneration, recoverable)
    return Line(
        LineKind.ADVANCE_RECOVERY,
        month,
        -recovered,
        "advance.recovery",
        _used(recoverable),
        trace.render,
    )


@lru_cache(maxsize=64)
def _used(recoverable: ParameterValue) -> tuple[UsedParameter, ...]:
    return (UsedParameter.of(recoverable),)
