"""The one place for the Region's time zone and UTC instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from remuneration.domain.timezone import (
    PARIS,
    as_utc,
    as_utc_or_none,
    aware_utc,
    paris_day,
    paris_midnight,
)


def test_a_naive_instant_is_one_stored_in_utc() -> None:
    naive = datetime(2024, 3, 31, 23, 30)
    assert as_utc(naive) == datetime(2024, 3, 31, 23, 30, tzinfo=UTC)
    assert as_utc_or_none(None) is None
    assert as_utc_or_none(naive) == as_utc(naive)


def test_an_aware_instant_keeps_its_moment() -> None:
    plus_two = timezone(timedelta(hours=2))
    moment = datetime(2024, 7, 1, 1, 0, tzinfo=plus_two)
    assert as_utc(moment) == aware_utc(moment) == datetime(2024, 6, 30, 23, 0, tzinfo=UTC)
    assert aware_utc(moment).tzinfo is UTC


def test_aware_utc_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError, match="aware"):
        aware_utc(datetime(2024, 1, 1))


def test_the_paris_day_of_an_instant() -> None:
    # 22:30 UTC is already the next day in Paris, in winter (+1) and in summer (+2)
    assert paris_day(datetime(2024, 1, 31, 23, 30, tzinfo=UTC)) == date(2024, 2, 1)
    assert paris_day(datetime(2024, 6, 30, 22, 30, tzinfo=UTC)) == date(2024, 7, 1)
    assert paris_day(datetime(2024, 6, 30, 21, 30)) == date(2024, 6, 30)  # naive = UTC


def test_a_paris_day_begins_at_its_midnight_in_utc() -> None:
    assert paris_midnight(date(2024, 1, 15)) == datetime(2024, 1, 14, 23, 0, tzinfo=UTC)
    assert paris_midnight(date(2024, 3, 31)) == datetime(2024, 3, 30, 23, 0, tzinfo=UTC)
    assert paris_midnight(date(2024, 4, 1)) == datetime(2024, 3, 31, 22, 0, tzinfo=UTC)
    assert paris_midnight(date(2024, 4, 1)).astimezone(PARIS).hour == 0
