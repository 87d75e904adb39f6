"""Monthly attendance statements: one per training and month, for all its trainees.

A statement may be corrected until the month is paid: lines the payment run has marked `paid`
are locked. The first statement and every correction are audited with what changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from remuneration.db.models import AttendanceStatement, AttendanceStatementLine, Dossier, Training
from remuneration.domain.attendance import AttendanceEntry, check_entry
from remuneration.domain.errors import (
    AttendanceAlreadyPaid,
    FieldProblem,
    InvalidFacts,
    NotFound,
    StaleVersion,
)
from remuneration.domain.ids import new_id
from remuneration.domain.vocabulary import TraineeStatus
from remuneration.services.audit import record_event
from remuneration.services.catalogue import get_training
from remuneration.services.context import ServiceContext
from remuneration.services.inputs import AttendanceLineInput
from rules.periods import Month

__all__ = ["StatementView", "get_statement", "put_statement", "statement_exists"]


@dataclass(frozen=True, slots=True)
class StatementView:
    """A statement with its lines, in the order of the dossiers."""

    statement: AttendanceStatement
    lines: list[AttendanceStatementLine]


def _month_problems(training: Training, month: Month) -> list[FieldProblem]:
    if not month.overlaps(training.start_date, training.end_date):
        return [FieldProblem("month", "outside_training", "Ce mois est en dehors de la formation.")]
    return []


def _check_lines(
    ctx: ServiceContext, training: Training, month: Month, lines: Sequence[AttendanceLineInput]
) -> None:
    problems = _month_problems(training, month)
    dossiers = {
        dossier.id: dossier
        for dossier in ctx.session.scalars(
            select(Dossier).where(Dossier.training_id == training.id)
        )
    }
    seen: set[uuid.UUID] = set()
    for index, line in enumerate(lines):
        prefix = f"entries[{index}]"
        dossier = dossiers.get(line.dossier_id)
        if dossier is None:
            problems.append(
                FieldProblem(
                    f"{prefix}.dossier_id",
                    "unknown_dossier",
                    "Ce dossier n'appartient pas à cette formation.",
                )
            )
            continue
        if line.dossier_id in seen:
            problems.append(
                FieldProblem(
                    f"{prefix}.dossier_id",
                    "duplicate",
                    "Ce stagiaire figure deux fois dans l'état de présence.",
                )
            )
        seen.add(line.dossier_id)
        insertion = dossier.trainee_status == TraineeStatus.INSERTION_EMPLOYEE
        problems.extend(check_entry(line.entry, prefix=prefix, insertion=insertion))
    if problems:
        raise InvalidFacts("L'état de présence est incohérent.", problems=problems)


def _values(line: AttendanceStatementLine | AttendanceEntry) -> dict[str, Any]:
    names = (
        "scheduled_hours",
        "attended_hours",
        "justified_absence_hours",
        "unjustified_absence_hours",
        "daily_allowances",
        "hours_outside_work",
    )
    values = {name: getattr(line, name) for name in names}
    return {
        name: None if value is None else str(Decimal(value).normalize())
        for name, value in values.items()
    }


def get_statement(ctx: ServiceContext, training_id: uuid.UUID, month: Month) -> StatementView:
    """The statement of a training for a month, within the caller's perimeter."""
    get_training(ctx, training_id)
    statement = ctx.session.scalar(
        select(AttendanceStatement).where(
            AttendanceStatement.training_id == training_id,
            AttendanceStatement.month == str(month),
        )
    )
    if statement is None:
        raise NotFound("Aucun état de présence pour ce mois.")
    lines = ctx.session.scalars(
        select(AttendanceStatementLine)
        .where(AttendanceStatementLine.statement_id == statement.id)
        .order_by(AttendanceStatementLine.dossier_id)
    )
    return StatementView(statement, list(lines))


def statement_exists(ctx: ServiceContext, training_id: uuid.UUID, month: Month) -> bool:
    """Whether the month's statement was already sent (a correction then needs If-Match)."""
    get_training(ctx, training_id)
    return _existing(ctx, training_id, month) is not None


def _existing(
    ctx: ServiceContext, training_id: uuid.UUID, month: Month
) -> AttendanceStatement | None:
    return ctx.session.scalar(
        select(AttendanceStatement).where(
            AttendanceStatement.training_id == training_id,
            AttendanceStatement.month == str(month),
        )
    )


def _replace_lines(
    ctx: ServiceContext, statement: AttendanceStatement, lines: Sequence[AttendanceLineInput]
) -> tuple[dict[str, Any], dict[str, Any]]:
    current = {
        line.dossier_id: line
        for line in ctx.session.scalars(
            select(AttendanceStatementLine).where(
                AttendanceStatementLine.statement_id == statement.id
            )
        )
    }
    wanted = {line.dossier_id: line.entry for line in lines}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for dossier_id in sorted(set(current) | set(wanted)):
        old, new = current.get(dossier_id), wanted.get(dossier_id)
        old_values = _values(old) if old else None
        new_values = _values(new) if new else None
        if old_values == new_values:
            continue
        if old is not None and old.paid:
            raise AttendanceAlreadyPaid(
                "Ce mois est déjà payé pour ce stagiaire : l'état ne peut plus être corrigé "
                "(la différence sera régularisée sur un prochain paiement).",
                field="entries",
            )
        before[str(dossier_id)], after[str(dossier_id)] = old_values, new_values
        _write_line(ctx, statement, dossier_id, old, new)
    return before, after


def _write_line(
    ctx: ServiceContext,
    statement: AttendanceStatement,
    dossier_id: uuid.UUID,
    old: AttendanceStatementLine | None,
    new: AttendanceEntry | None,
) -> None:
    if new is None:
        if old is not None:
            ctx.session.delete(old)
        return
    line = old or AttendanceStatementLine(
        id=new_id(), statement_id=statement.id, dossier_id=dossier_id, paid=False
    )
    for name in (
        "scheduled_hours",
        "attended_hours",
        "justified_absence_hours",
        "unjustified_absence_hours",
        "daily_allowances",
        "hours_outside_work",
    ):
        setattr(line, name, getattr(new, name))
    ctx.session.add(line)


def put_statement(
    ctx: ServiceContext,
    training_id: uuid.UUID,
    month: Month,
    lines: Sequence[AttendanceLineInput],
    *,
    expected_version: int | None,
) -> tuple[StatementView, bool]:
    """Create or correct a month's statement; returns it and whether it was created."""
    training = get_training(ctx, training_id)
    _check_lines(ctx, training, month, lines)
    statement = _existing(ctx, training_id, month)
    created = statement is None
    if statement is None:
        statement = AttendanceStatement(
            id=new_id(),
            training_id=training_id,
            month=str(month),
            corrections=0,
            created_at=ctx.now,
            updated_at=ctx.now,
            submitted_by=ctx.actor.user_id,
        )
        ctx.session.add(statement)
        ctx.session.flush()
    elif expected_version is not None and expected_version != statement.version:
        raise StaleVersion("L'état de présence a été modifié depuis votre lecture.")
    before, after = _replace_lines(ctx, statement, lines)
    if not created and after:
        statement.corrections += 1
        statement.updated_at = ctx.now
        statement.submitted_by = ctx.actor.user_id
    ctx.session.flush()
    if created or after:
        record_event(
            ctx,
            action="attendance.submitted" if created else "attendance.corrected",
            entity_type="attendance_statement",
            entity_id=statement.id,
            before=None if created else before,
            after=after,
        )
    return get_statement(ctx, training_id, month), created
