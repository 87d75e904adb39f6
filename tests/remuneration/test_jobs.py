"""The remuneration jobs on a real database: expiry of idempotency keys and reminders of missing
attendance statements (once per training and month, whatever the number of runs)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from remuneration.db.models import AttendanceReminder, AuditEvent, IdempotencyRecord, Training
from remuneration.db.session import make_session_factory
from remuneration.domain.ids import new_id
from remuneration.jobs import expire_idempotency_keys, remind_missing_attendance
from remuneration.operations import AttendanceReminderPolicy
from remuneration.services.attendance_reminders import (
    months_to_check,
    record_attendance_reminders,
)
from remuneration.services.context import ServiceContext
from remuneration.services.document_store import DocumentStore
from remuneration.services.protection import FieldProtector
from rules.periods import Month
from tests.remuneration.jobs_support import AGENT, build_dossier, build_training

NOW = datetime(2024, 6, 15, 9, tzinfo=UTC)


def _record(key: str, expires_at: datetime, state: str = "done") -> IdempotencyRecord:
    return IdempotencyRecord(
        id=new_id(),
        scope="user:test",
        key=key,
        method="POST",
        path="/v1/dossiers",
        request_hash="0" * 64,
        state=state,
        created_at=expires_at - timedelta(hours=24),
        expires_at=expires_at,
    )


def test_expired_idempotency_keys_are_forgotten(remu_engine: Engine) -> None:
    sessions = make_session_factory(remu_engine)
    with sessions.begin() as session:
        session.add_all(
            [
                _record("old", NOW - timedelta(minutes=1)),
                _record("stuck", NOW - timedelta(hours=3), state="running"),
                _record("fresh", NOW + timedelta(hours=2)),
            ]
        )
    with sessions.begin() as session:
        counts = expire_idempotency_keys(session, today=NOW.date(), now=NOW)
    with sessions.begin() as session:
        again = expire_idempotency_keys(session, today=NOW.date(), now=NOW)
        keys = session.scalars(select(IdempotencyRecord.key)).all()
        session.execute(delete(IdempotencyRecord))
    assert counts == {"expired_keys": 2} and again == {"expired_keys": 0}
    assert keys == ["fresh"]


def test_months_to_check_are_the_previous_ones() -> None:
    assert months_to_check(date(2024, 3, 4), 3) == [
        Month(2023, 12),
        Month(2024, 1),
        Month(2024, 2),
    ]


@pytest.fixture(scope="module")
def trainings(
    remu_engine: Engine, protector: FieldProtector, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Training]]:
    """A paying training in Caen, one in Metz (Alsace-Moselle calendar), one without trainee."""
    store = DocumentStore(tmp_path_factory.mktemp("store"), protector)
    rng = random.Random(3)
    with make_session_factory(remu_engine).begin() as session:
        ctx = ServiceContext(session=session, actor=AGENT, now=NOW, protector=protector)
        caen = build_training(ctx, rng, start=date(2024, 3, 11), end=date(2024, 9, 27))
        metz = build_training(
            ctx, rng, start=date(2024, 3, 11), end=date(2024, 9, 27), postcode="57000"
        )
        empty = build_training(ctx, rng, start=date(2024, 3, 11), end=date(2024, 9, 27))
        build_dossier(ctx, store, rng, training=caen)
        build_dossier(ctx, store, rng, training=metz)
    yield {"caen": caen, "metz": metz, "empty": empty}


def _reminders(session: Session) -> list[tuple[object, str]]:
    query = select(AttendanceReminder.training_id, AttendanceReminder.month).order_by(
        AttendanceReminder.month
    )
    return [(training, month) for training, month in session.execute(query)]


def _run(engine: Engine, protector: FieldProtector, today: date) -> dict[str, int]:
    now = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=5)
    with make_session_factory(engine).begin() as session:
        return remind_missing_attendance(session, today=today, now=now, protector=protector)


def test_missing_statements_are_reminded_once_per_training_and_month(
    remu_engine: Engine, protector: FieldProtector, trainings: dict[str, Training]
) -> None:
    caen, metz = trainings["caen"].id, trainings["metz"].id
    # March 2024 ends on Sunday 31; Monday 1 April is Easter Monday: 2 business days → 3 April.
    assert _run(remu_engine, protector, date(2024, 4, 2))["reminders"] == 0
    assert _run(remu_engine, protector, date(2024, 4, 3))["reminders"] == 2
    assert _run(remu_engine, protector, date(2024, 4, 3))["reminders"] == 0
    assert _run(remu_engine, protector, date(2024, 4, 25))["reminders"] == 0
    with make_session_factory(remu_engine)() as session:
        reminded = _reminders(session)
        events = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "attendance.reminder_recorded")
        )
    assert sorted(reminded, key=str) == sorted([(caen, "2024-03"), (metz, "2024-03")], key=str)
    assert events == 2


def test_the_training_site_calendar_decides_the_day(
    remu_engine: Engine, protector: FieldProtector, tmp_path: Path
) -> None:
    """Good Friday (3 April 2026) is a public holiday in Moselle only: with a 3-business-day delay
    after 31 March, Caen is reminded on Friday 3 April, Metz on Tuesday 7 April."""
    store = DocumentStore(tmp_path / "store", protector)
    rng = random.Random(5)
    built_at = datetime(2026, 2, 2, 9, tzinfo=UTC)
    with make_session_factory(remu_engine).begin() as session:
        ctx = ServiceContext(session=session, actor=AGENT, now=built_at, protector=protector)
        caen = build_training(ctx, rng, start=date(2026, 1, 5), end=date(2026, 6, 26))
        metz = build_training(
            ctx, rng, start=date(2026, 1, 5), end=date(2026, 6, 26), postcode="57000"
        )
        build_dossier(ctx, store, rng, training=caen)
        build_dossier(ctx, store, rng, training=metz)
    policy = AttendanceReminderPolicy(delay_business_days=3, lookback_months=1)

    def run(today: date) -> set[object]:
        now = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
        with make_session_factory(remu_engine).begin() as session:
            ctx = ServiceContext(session=session, actor=AGENT, now=now, protector=protector)
            record_attendance_reminders(ctx, today=today, policy=policy)
            query = select(AttendanceReminder.training_id).where(
                AttendanceReminder.month == "2026-03"
            )
            return set(session.scalars(query))

    assert run(date(2026, 4, 2)) == set()
    assert run(date(2026, 4, 3)) == {caen.id}
    assert run(date(2026, 4, 6)) == {caen.id}
    assert run(date(2026, 4, 7)) == {caen.id, metz.id}
