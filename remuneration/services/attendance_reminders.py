"""Reminders to training organisations whose monthly attendance statement is missing.

A training that pays trainees (approved for remuneration, with a granted or exited dossier) owes
a statement for every month it runs. Some business days after the month's end (dated rule of
`operations.yaml`, business days of the training site's calendar: Alsace-Moselle holidays for
57, 67 and 68) a reminder is recorded once per (training, month), with an audit event; the row is
the outbox a messaging channel sends from. The relation-usagers case comes later, by its own rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select

from remuneration.cases.domain import BusinessCalendar, load_business_calendar
from remuneration.db.models import (
    AttendanceReminder,
    AttendanceStatement,
    Dossier,
    Training,
)
from remuneration.domain.ids import new_id
from remuneration.domain.states import DossierStatus
from remuneration.operations import AttendanceReminderPolicy
from remuneration.services.audit import record_event
from remuneration.services.context import ServiceContext
from rules.periods import Month

__all__ = ["ReminderReport", "months_to_check", "record_attendance_reminders"]

_PAYING = (DossierStatus.GRANTED.value, DossierStatus.EXITED.value)


@dataclass(frozen=True, slots=True)
class ReminderReport:
    """How many reminders this run recorded, over how many months."""

    months_checked: int
    reminders: int


def months_to_check(today: date, lookback_months: int) -> list[Month]:
    """The `lookback_months` months before the month of `today`, oldest first."""
    months: list[Month] = []
    month = Month.of(today)
    for _ in range(lookback_months):
        month = month.previous
        months.append(month)
    return sorted(months)


def _missing(ctx: ServiceContext, stated_month: Month) -> list[Training]:
    month, first, last = str(stated_month), stated_month.first_day, stated_month.last_day
    paying = exists().where(Dossier.training_id == Training.id, Dossier.status.in_(_PAYING))
    stated = exists().where(
        AttendanceStatement.training_id == Training.id, AttendanceStatement.month == month
    )
    reminded = exists().where(
        AttendanceReminder.training_id == Training.id, AttendanceReminder.month == month
    )
    query = (
        select(Training)
        .where(Training.approved_for_remuneration.is_(True))
        .where(Training.start_date <= last, Training.end_date >= first)
        .where(paying, ~stated, ~reminded)
        .order_by(Training.id)
    )
    return list(ctx.session.scalars(query))


def _calendar(
    cache: dict[tuple[str, date], BusinessCalendar], training: Training, on: date
) -> BusinessCalendar:
    key = (training.site_postcode[:2], on)
    if key not in cache:
        cache[key] = load_business_calendar(on=on, departement=key[0])
    return cache[key]


def _remind(ctx: ServiceContext, training: Training, month: Month, due_on: date) -> None:
    ctx.session.add(
        AttendanceReminder(
            id=new_id(),
            training_id=training.id,
            organisation_id=training.organisation_id,
            month=str(month),
            due_on=due_on,
            recorded_at=ctx.now,
            notified_at=None,
        )
    )
    record_event(
        ctx,
        action="attendance.reminder_recorded",
        entity_type="training",
        entity_id=training.id,
        after={"month": str(month), "organisation_id": str(training.organisation_id)},
    )


def record_attendance_reminders(
    ctx: ServiceContext, *, today: date, policy: AttendanceReminderPolicy
) -> ReminderReport:
    """Record the reminders due on `today` and not yet recorded (idempotent)."""
    calendars: dict[tuple[str, date], BusinessCalendar] = {}
    count = 0
    months = months_to_check(today, policy.lookback_months)
    for month in months:
        for training in _missing(ctx, month):
            calendar = _calendar(calendars, training, month.last_day)
            due_on = calendar.add_business_days(month.last_day, policy.delay_business_days)
            if today >= due_on:
                _remind(ctx, training, month, due_on)
                count += 1
    ctx.session.flush()
    return ReminderReport(months_checked=len(months), reminders=count)
