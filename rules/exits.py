"""Leaving the training and overpayments (docs/rules.md sections 4 and 7)."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

from rules.decisions import Line, LineKind
from rules.facts import Exit, ExitReason
from rules.french import fr_date, fr_money
from rules.periods import Month

__all__ = ["forfeit_line", "outstanding_advance_line"]

_REASONS = {
    ExitReason.ABANDONMENT: "abandon de la formation sans motif légitime",
    ExitReason.EXCLUSION: "exclusion pour faute grave",
}


def _explain_outstanding(*, month: Month, amount: Decimal, exit_: Exit | None) -> str:
    when = (
        f"la sortie de formation le {fr_date(exit_.date)}"
        if exit_ is not None
        else f"la fin de la formation en {month.french}"
    )
    return (
        f"Avance non récupérée à {when} : {fr_money(amount)} à rembourser (trop-perçu, "
        "règlement régional section 4)."
    )


def outstanding_advance_line(*, month: Month, outstanding: Decimal, exit_: Exit | None) -> Line:
    """What is left of the advance once the trainee has left or finished becomes owed."""
    return Line(
        kind=LineKind.OVERPAYMENT,
        period=month,
        amount=-outstanding,
        rule="advance.outstanding",
        parameters=(),
        render=partial(_explain_outstanding, month=month, amount=outstanding, exit_=exit_),
    )


def _explain_forfeit(
    *, exit_: Exit, amount: Decimal, parts: tuple[Decimal, Decimal, Decimal]
) -> str:
    advance, remuneration, recovered = parts
    return (
        f"Sortie le {fr_date(exit_.date)} ({_REASONS[exit_.reason]}) : toute la rémunération "
        f"est à rembourser (Code du travail, article R6341-47). Avance {fr_money(advance)} + "
        f"rémunérations {fr_money(remuneration)} − avance déjà récupérée "
        f"{fr_money(-recovered)} = {fr_money(amount)}. L'aide à la mobilité et les aides "
        "ponctuelles restent acquises."
    )


def forfeit_line(exit_: Exit, lines: list[Line]) -> Line | None:
    """Abandonment or exclusion: minus the advance, remuneration and recovery lines, in one line."""
    sums = {
        kind: Decimal("0.00")
        for kind in (LineKind.ADVANCE, LineKind.REMUNERATION, LineKind.ADVANCE_RECOVERY)
    }
    for line in lines:
        if line.kind in sums:
            sums[line.kind] += line.amount
    parts = (sums[LineKind.ADVANCE], sums[LineKind.REMUNERATION], sums[LineKind.ADVANCE_RECOVERY])
    amount = sum(parts, Decimal("0.00"))
    if amount <= 0:
        return None
    return Line(
        kind=LineKind.OVERPAYMENT,
        period=Month.of(exit_.date),
        amount=-amount,
        rule="exit.forfeit",
        parameters=(),
        render=partial(_explain_forfeit, exit_=exit_, amount=amount, parts=parts),
    )
