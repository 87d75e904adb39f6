"""When jobs are due, as pure functions of the schedule and the time (Europe/Paris): cron fields,
daylight-saving days, the misfire window, the next slot, and the payment run's business day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger

from api.scheduler.slots import (
    CronSchedule,
    MonthlyBusinessDaySchedule,
    due_slots,
    local_instant,
    next_slot,
    slots_between,
)
from payments.run_calendar import is_payment_business_day, payment_run_date, policy_payment_run_date
from remuneration.domain.timezone import PARIS

NIGHTLY = CronSchedule(minute="30", hour="2")


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 28), _utc(2026, 3, 28, 1, 30)),  # winter time, 02:30 CET
        (date(2026, 3, 29), _utc(2026, 3, 29, 1, 30)),  # 02:30 does not exist: 03:30 CEST
        (date(2026, 3, 30), _utc(2026, 3, 30, 0, 30)),  # summer time, 02:30 CEST
        (date(2026, 10, 25), _utc(2026, 10, 25, 0, 30)),  # 02:30 happens twice: the first
        (date(2026, 10, 26), _utc(2026, 10, 26, 1, 30)),  # winter time again
    ],
)
def test_a_0230_job_has_exactly_one_slot_on_every_day(day: date, expected: datetime) -> None:
    assert NIGHTLY.slots_on(day) == [expected]


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
def test_a_0230_job_runs_once_across_each_daylight_saving_day(day: date) -> None:
    start = datetime.combine(day, time(0), tzinfo=PARIS)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=PARIS)
    slots = slots_between(NIGHTLY, start, end - timedelta(microseconds=1))
    assert len(slots) == 1
    assert slots[0].astimezone(PARIS).date() == day


def test_hourly_slots_follow_the_length_of_the_day() -> None:
    hourly = CronSchedule(minute="0", hour="*")
    assert len(hourly.slots_on(date(2026, 3, 29))) == 23
    assert len(hourly.slots_on(date(2026, 10, 25))) == 24  # the repeated hour runs once
    assert len(hourly.slots_on(date(2026, 6, 1))) == 24


def test_apscheduler_fires_twice_on_the_autumn_day_where_our_slots_say_once() -> None:
    """Why APScheduler only wakes the process up: its trigger fires at 02:30 CEST and 02:30 CET."""
    trigger = CronTrigger(timezone=PARIS, **NIGHTLY.trigger_fields())
    first = trigger.get_next_fire_time(None, datetime(2026, 10, 24, 12, tzinfo=PARIS))
    assert first is not None
    second = trigger.get_next_fire_time(first, first)
    assert second is not None
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    assert NIGHTLY.slots_on(date(2026, 10, 25)) == [first.astimezone(UTC)]


def test_cron_fields() -> None:
    schedule = CronSchedule(minute="*/20", hour="8-9", day_of_week="mon-fri")
    monday = schedule.slots_on(date(2026, 6, 1))
    assert [s.astimezone(PARIS).strftime("%H:%M") for s in monday] == [
        "08:00",
        "08:20",
        "08:40",
        "09:00",
        "09:20",
        "09:40",
    ]
    assert schedule.slots_on(date(2026, 6, 6)) == []  # Saturday
    assert CronSchedule(minute="0", hour="6", day="1,15").slots_on(date(2026, 6, 15))
    for bad in ("61", "a-b", "5-1", "*/0", ""):
        with pytest.raises(ValueError):
            CronSchedule(minute=bad)


def test_the_misfire_window_and_the_next_slot() -> None:
    hourly = CronSchedule(minute="0", hour="*")
    now = _utc(2026, 6, 1, 5, 10)
    assert due_slots(hourly, now=now, grace=timedelta(hours=2)) == [
        _utc(2026, 6, 1, 4),
        _utc(2026, 6, 1, 5),
    ]
    assert next_slot(hourly, after=now) == _utc(2026, 6, 1, 6)
    assert next_slot(NIGHTLY, after=_utc(2026, 3, 29, 1, 30)) == _utc(2026, 3, 30, 0, 30)


def test_local_instants_in_the_gap_and_the_repeat() -> None:
    assert local_instant(date(2026, 3, 29), time(2, 30)) == _utc(2026, 3, 29, 1, 30)
    assert local_instant(date(2026, 10, 25), time(2, 30)) == _utc(2026, 10, 25, 0, 30)


def test_the_payment_run_falls_on_a_business_day_for_target2_and_france() -> None:
    assert payment_run_date(2026, 5, business_day=1) == date(2026, 5, 4)  # 1 May: holiday
    # May 2026: 1 and 8 (Fridays) and 14 (Ascension) are French holidays.
    assert payment_run_date(2026, 5, business_day=8) == date(2026, 5, 15)
    assert payment_run_date(2026, 4, business_day=1) == date(2026, 4, 1)
    assert not is_payment_business_day(date(2026, 4, 6))  # Easter Monday (TARGET2 and France)
    assert not is_payment_business_day(date(2026, 7, 14))  # French only
    assert not is_payment_business_day(date(2026, 12, 26))  # TARGET2 only (a Saturday anyway)
    assert not is_payment_business_day(date(2025, 12, 26))  # TARGET2 only, a Friday
    with pytest.raises(ValueError):
        payment_run_date(2026, 5, business_day=25)


def test_the_monthly_schedule_has_one_slot_a_month() -> None:
    monthly = MonthlyBusinessDaySchedule(at=time(6, 0), run_date=policy_payment_run_date)
    slots = slots_between(monthly, _utc(2026, 1, 1), _utc(2026, 12, 31, 23))
    assert len(slots) == 12
    assert all(is_payment_business_day(s.astimezone(PARIS).date()) for s in slots)
    assert slots[4].astimezone(PARIS) == datetime(2026, 5, 15, 6, tzinfo=PARIS)
