"""The €200 advance and its recovery on the remuneration (docs/rules.md section 4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from rules.decisions import Line, LineKind, UsedParameter, new_tuple
from rules.french import cite, fr_date, fr_money, fr_of_month
from rules.money import round_money
from rules.parameters import ParameterStore, ParameterValue
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


def advance_line(store: ParameterStore, start: date) -> Line:
    """The advance, in the month of the training start, at the amount in force that day.

    A line is immutable and depends only on the start date and the parameter set: it is built
    once per set and start date (``advance_terms``).
    """
    amount = store.at("advance.amount", start)
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


def advance_terms(store: ParameterStore, start: date) -> AdvanceTerms:
    known = store.memo.get(("advance.terms", start))
    if isinstance(known, AdvanceTerms):
        return known
    line = advance_line(store, start)
    recoverable = store.at("advance.recoverable", start)
    terms = AdvanceTerms(line, recoverable, recoverable.boolean)
    store.memo["advance.terms", start] = terms
    return terms


class _RecoveryTrace(NamedTuple):
    """The figures of one recovery line, turned into French only when asked."""

    month: Month
    recovered: Decimal
    outstanding: Decimal
    remuneration: Decimal
    recoverable: ParameterValue

    def __call__(self) -> str:
        """The explanation in French (the trace is the line's ``render``: no bound method to
        build for each line)."""
        rest = self.outstanding - self.recovered
        return (
            f"Récupération de l'avance sur la rémunération {fr_of_month(self.month)} : le plus "
            f"petit de l'avance restant due ({fr_money(self.outstanding)}) et de la rémunération "
            f"du mois ({fr_money(self.remuneration)}) = {fr_money(self.recovered)} ; reste dû "
            f"après ce mois : {fr_money(rest)} ({cite(self.recoverable)})."
        )


_RECOVERY = LineKind.ADVANCE_RECOVERY


def recovery_line(
    month: Month, outstanding: Decimal, remuneration: Decimal, recoverable: ParameterValue
) -> Line | None:
    """``min(outstanding advance, R)`` as a negative line, or ``None`` when nothing is taken."""
    recovered = remuneration if remuneration < outstanding else outstanding
    if recovered <= 0:
        return None
    trace = new_tuple(_RecoveryTrace, (month, recovered, outstanding, remuneration, recoverable))
    return new_tuple(
        Line,
        (_RECOVERY, month, -recovered, "advance.recovery", _used(recoverable), trace),
    )


@lru_cache(maxsize=64)
def _used(recoverable: ParameterValue) -> tuple[UsedParameter, ...]:
    return (UsedParameter.of(recoverable),)
