"""Business-time arithmetic: weekends, public holidays, Alsace-Moselle, DST, nights."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remuneration.cases.domain import (
    BusinessCalendar,
    CalendarError,
    OpeningInterval,
    load_business_calendar,
)

PARIS = ZoneInfo("Europe/Paris")
H = timedelta(hours=1)
M = timedelta(minutes=1)


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def always_open() -> BusinessCalendar:
    """A service open 24 hours a day, every day (public holidays still close it)."""
    day = (OpeningInterval(0, 24 * 60),)
    return BusinessCalendar(timezone=PARIS, weekly_hours=(day,) * 7)


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        # Friday 16:00 + 2 h: 1 h on Friday, weekend, 14 July 2025 (Monday) closed.
        (paris(2025, 7, 11, 16), 2 * H, paris(2025, 7, 15, 10)),
        # Good Friday is worked outside Alsace-Moselle; Easter Monday 21 April 2025 is not.
        (paris(2025, 4, 18, 16), 2 * H, paris(2025, 4, 22, 10)),
        # Ascension Thursday 29 May 2025.
        (paris(2025, 5, 28, 16, 30), H, paris(2025, 5, 30, 9, 30)),
        # 1 May 2025 (Thursday).
        (paris(2025, 4, 30, 17), 30 * M, paris(2025, 5, 2, 9, 30)),
        # Whit Monday 9 June 2025, as the holidays package gives it.
        (paris(2025, 6, 6, 16), 2 * H, paris(2025, 6, 10, 10)),
        # A start at night counts from the next opening.
        (paris(2025, 7, 8, 22), H, paris(2025, 7, 9, 10)),
        # A start during the lunch break counts from 13:30.
        (paris(2025, 7, 8, 12, 45), 30 * M, paris(2025, 7, 8, 14)),
        # A start on Saturday; the result stays at the morning's closing time.
        (paris(2025, 7, 5, 10), 3 * H + 30 * M, paris(2025, 7, 7, 12, 30)),
        # Across the spring DST change (30 March 2025): Friday CET, Monday CEST.
        (paris(2025, 3, 28, 16), 2 * H, paris(2025, 3, 31, 10)),
        # Across the autumn DST change (26 October 2025).
        (paris(2025, 10, 24, 16), 2 * H, paris(2025, 10, 27, 10)),
        # Five business days (35 h) from a Monday morning: Friday evening.
        (paris(2025, 7, 7, 9), 35 * H, paris(2025, 7, 11, 17)),
        # Zero duration is the start itself.
        (paris(2025, 7, 5, 10), timedelta(0), paris(2025, 7, 5, 10)),
    ],
)
def test_add_business_duration(
    calendar: BusinessCalendar, start: datetime, duration: timedelta, due: datetime
) -> None:
    result = calendar.add_business_duration(start, duration)
    assert result == due
    assert result.utcoffset() == due.utcoffset()
    assert calendar.business_duration_between(start, result) == duration


def test_dst_offsets_are_right(calendar: BusinessCalendar) -> None:
    due = calendar.add_business_duration(paris(2025, 3, 28, 16), 2 * H)
    assert due.astimezone(UTC) == datetime(2025, 3, 31, 8, tzinfo=UTC)
    start_utc = datetime(2025, 3, 28, 15, tzinfo=UTC)
    assert due - start_utc == timedelta(hours=65)


def test_start_given_in_utc(calendar: BusinessCalendar) -> None:
    due = calendar.add_business_duration(datetime(2025, 7, 7, 7, tzinfo=UTC), H)
    assert due == paris(2025, 7, 7, 10)
    assert due.tzinfo == PARIS


@pytest.mark.parametrize(
    ("instant", "is_open"),
    [
        (paris(2025, 7, 8, 9), True),
        (paris(2025, 7, 8, 8, 59), False),
        (datetime(2025, 7, 8, 12, 29, 59, tzinfo=PARIS), True),
        (paris(2025, 7, 8, 12, 30), False),
        (paris(2025, 7, 8, 13, 30), True),
        (paris(2025, 7, 8, 17), False),
        (paris(2025, 7, 14, 10), False),
        (paris(2025, 7, 12, 10), False),
        (paris(2025, 12, 25, 10), False),
        (paris(2025, 12, 26, 10), True),
    ],
)
def test_is_open(calendar: BusinessCalendar, instant: datetime, is_open: bool) -> None:
    assert calendar.is_open(instant) is is_open


def test_next_opening(calendar: BusinessCalendar) -> None:
    assert calendar.next_opening(paris(2025, 7, 11, 18)) == paris(2025, 7, 15, 9)
    assert calendar.next_opening(paris(2025, 7, 8, 12, 40)) == paris(2025, 7, 8, 13, 30)
    assert calendar.next_opening(paris(2025, 7, 8, 10, 5)) == paris(2025, 7, 8, 10, 5)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (paris(2025, 7, 11, 16), paris(2025, 7, 15, 10), 2 * H),
        (paris(2025, 7, 7, 0), paris(2025, 7, 12, 0), 35 * H),
        (paris(2025, 7, 7, 12), paris(2025, 7, 7, 14), H),
        (paris(2025, 7, 12, 0), paris(2025, 7, 14, 23), timedelta(0)),
        (paris(2025, 7, 15, 10), paris(2025, 7, 11, 16), -2 * H),
    ],
)
def test_business_duration_between(
    calendar: BusinessCalendar, start: datetime, end: datetime, expected: timedelta
) -> None:
    assert calendar.business_duration_between(start, end) == expected


def test_a_24h_calendar_sees_the_short_and_the_long_day() -> None:
    service = always_open()
    assert service.business_duration_between(paris(2025, 3, 30), paris(2025, 3, 31)) == 23 * H
    assert service.business_duration_between(paris(2025, 10, 26), paris(2025, 10, 27)) == 25 * H
    assert service.add_business_duration(paris(2025, 3, 30), 24 * H) == paris(2025, 3, 31, 1)


def test_add_business_days(calendar: BusinessCalendar) -> None:
    # Training start Friday 11 July 2025: 14 July is a holiday.
    assert calendar.add_business_days(date(2025, 7, 11), 5) == date(2025, 7, 21)
    assert calendar.add_business_days(date(2025, 7, 12), 0) == date(2025, 7, 12)
    assert calendar.add_business_days(date(2025, 7, 12), 1) == date(2025, 7, 15)


@pytest.mark.parametrize("departement", ["57", "67", "68"])
def test_alsace_moselle_days_for_57_67_68(departement: str) -> None:
    service = load_business_calendar(on=date(2025, 1, 1), departement=departement)
    assert service.is_holiday(date(2025, 4, 18))  # Good Friday
    assert service.is_holiday(date(2025, 12, 26))  # Saint Stephen
    assert service.add_business_duration(paris(2025, 4, 17, 16), 2 * H) == paris(2025, 4, 22, 10)


@pytest.mark.parametrize("departement", ["75", "54", "88", "971", None])
def test_no_alsace_moselle_days_elsewhere(departement: str | None) -> None:
    service = load_business_calendar(on=date(2025, 1, 1), departement=departement)
    assert not service.is_holiday(date(2025, 4, 18))
    assert not service.is_holiday(date(2025, 12, 26))
    assert service.is_holiday(date(2025, 12, 25))
    assert service.add_business_duration(paris(2025, 4, 17, 16), 2 * H) == paris(2025, 4, 18, 10)


def test_holidays_of_a_year(calendar: BusinessCalendar) -> None:
    assert calendar.holiday_dates(2025) == {
        date(2025, 1, 1),
        date(2025, 4, 21),
        date(2025, 5, 1),
        date(2025, 5, 8),
        date(2025, 5, 29),
        date(2025, 6, 9),
        date(2025, 7, 14),
        date(2025, 8, 15),
        date(2025, 11, 1),
        date(2025, 11, 11),
        date(2025, 12, 25),
    }


def test_refusals(calendar: BusinessCalendar) -> None:
    with pytest.raises(CalendarError, match="négative"):
        calendar.add_business_duration(paris(2025, 7, 8, 10), -H)
    with pytest.raises(CalendarError, match="fuseau horaire"):
        calendar.add_business_duration(datetime(2025, 7, 8, 10), H)
    with pytest.raises(CalendarError, match="fuseau horaire"):
        calendar.is_open(datetime(2025, 7, 8, 10))
    with pytest.raises(CalendarError):
        calendar.add_business_days(date(2025, 7, 8), -1)


def test_invalid_calendars() -> None:
    with pytest.raises(CalendarError):
        OpeningInterval(600, 540)
    with pytest.raises(CalendarError):
        BusinessCalendar(timezone=PARIS, weekly_hours=((),) * 7)
    with pytest.raises(CalendarError):
        BusinessCalendar(timezone=PARIS, weekly_hours=((),) * 6)
    overlapping = (OpeningInterval(540, 720), OpeningInterval(700, 800))
    with pytest.raises(CalendarError):
        BusinessCalendar(timezone=PARIS, weekly_hours=(overlapping,) + ((),) * 6)


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
durations = st.integers(min_value=0, max_value=200 * 60).map(lambda m: timedelta(minutes=m))


@settings(deadline=None)
@given(start=instants, duration=durations)
def test_adding_then_measuring_gives_the_duration_back(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    due = calendar.add_business_duration(start, duration)
    assert due >= start
    assert calendar.business_duration_between(start, due) == duration


@settings(deadline=None)
@given(start=instants, first=durations, second=durations)
def test_adding_twice_is_adding_the_sum(
    calendar: BusinessCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    twice = calendar.add_business_duration(calendar.add_business_duration(start, first), second)
    assert twice == calendar.add_business_duration(start, first + second)


@settings(deadline=None)
@given(a=instants, b=instants, c=instants)
def test_durations_add_up(
    calendar: BusinessCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    first, middle, last = sorted((a, b, c))
    total = calendar.business_duration_between(first, last)
    assert total == calendar.business_duration_between(
        first, middle
    ) + calendar.business_duration_between(middle, last)
    assert total <= last - first
