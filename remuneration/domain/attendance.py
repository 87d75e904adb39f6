"""Consistency of one trainee's monthly attendance entry, before anything is stored.

The same arithmetic the rules engine refuses (A + J + U ≠ S, O > A, negative values, a month
outside the training) is refused here at the door, with the field path of each problem, so that a
training organisation learns about it when it sends the statement and not at payment time.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from remuneration.domain.errors import FieldProblem

__all__ = ["AttendanceEntry", "check_entry"]


@dataclass(frozen=True, slots=True)
class AttendanceEntry:
    """Hours (and sickness allowances in euros) of one trainee for one month."""

    scheduled_hours: Decimal
    attended_hours: Decimal
    justified_absence_hours: Decimal
    unjustified_absence_hours: Decimal
    daily_allowances: Decimal
    hours_outside_work: Decimal | None


def _negative_problems(entry: AttendanceEntry, prefix: str) -> list[FieldProblem]:
    values = {
        "scheduled_hours": entry.scheduled_hours,
        "attended_hours": entry.attended_hours,
        "justified_absence_hours": entry.justified_absence_hours,
        "unjustified_absence_hours": entry.unjustified_absence_hours,
        "daily_allowances": entry.daily_allowances,
        "hours_outside_work": entry.hours_outside_work,
    }
    return [
        FieldProblem(f"{prefix}.{name}", "negative_value", "La valeur ne peut pas être négative.")
        for name, value in values.items()
        if value is not None and value < 0
    ]


def check_entry(entry: AttendanceEntry, *, prefix: str, insertion: bool) -> list[FieldProblem]:
    """Every problem of one entry; an empty list means the entry is consistent."""
    problems = _negative_problems(entry, prefix)
    total = entry.attended_hours + entry.justified_absence_hours + entry.unjustified_absence_hours
    if total != entry.scheduled_hours:
        problems.append(
            FieldProblem(
                f"{prefix}.scheduled_hours",
                "hours_do_not_add_up",
                f"Heures présentes + absences justifiées + absences non justifiées ({total}) "
                f"doivent être égales aux heures prévues ({entry.scheduled_hours}).",
            )
        )
    if insertion and entry.hours_outside_work is None:
        problems.append(
            FieldProblem(
                f"{prefix}.hours_outside_work",
                "required",
                "Les heures hors temps de travail sont obligatoires pour un salarié en insertion.",
            )
        )
    if entry.hours_outside_work is not None and entry.hours_outside_work > entry.attended_hours:
        problems.append(
            FieldProblem(
                f"{prefix}.hours_outside_work",
                "exceeds_attended_hours",
                "Les heures hors temps de travail dépassent les heures présentes.",
            )
        )
    return problems
