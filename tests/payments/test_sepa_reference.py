from datetime import date

import pytest

from payments.sepa.reference import (
    easter_sunday,
    is_sepa_country,
    is_target2_business_day,
    next_target2_business_day,
    sepa_countries,
    target2_business_day_on_or_after,
    target2_closing_days,
)
from rules import ParameterError


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


@pytest.mark.parametrize(
    "closed",
    [
        date(2025, 1, 1),
        date(2025, 4, 18),  # Good Friday
        date(2025, 4, 21),  # Easter Monday
        date(2025, 5, 1),
        date(2025, 12, 25),
        date(2025, 12, 26),
        date(2025, 4, 19),  # Saturday
        date(2025, 4, 20),  # Sunday
    ],
)
def test_target2_closing_days(closed: date) -> None:
    assert not is_target2_business_day(closed)


@pytest.mark.parametrize(
    "open_day", [date(2025, 4, 17), date(2025, 4, 22), date(2025, 5, 8), date(2025, 7, 14)]
)
def test_french_holidays_are_target2_business_days(open_day: date) -> None:
    assert is_target2_business_day(open_day)


def test_closing_days_of_a_year() -> None:
    assert target2_closing_days(2026) == {
        date(2026, 1, 1),
        date(2026, 4, 3),
        date(2026, 4, 6),
        date(2026, 5, 1),
        date(2026, 12, 25),
        date(2026, 12, 26),
    }


def test_next_business_day() -> None:
    assert next_target2_business_day(date(2025, 4, 17)) == date(2025, 4, 22)
    assert next_target2_business_day(date(2025, 12, 24)) == date(2025, 12, 29)
    assert next_target2_business_day(date(2025, 4, 22)) == date(2025, 4, 23)
    assert target2_business_day_on_or_after(date(2025, 4, 22)) == date(2025, 4, 22)
    assert target2_business_day_on_or_after(date(2025, 4, 18)) == date(2025, 4, 22)


def test_sepa_countries() -> None:
    on = date(2025, 1, 1)
    assert {"FR", "DE", "CH", "GB", "MC", "GP", "RE"} <= sepa_countries(on)
    for outside in ("NC", "PF", "WF", "US"):
        assert not is_sepa_country(outside, on)


def test_norway_is_in_the_one_sepa_list() -> None:
    # The former copy of this list had an unquoted NO, read by YAML as false: Norway was lost.
    assert is_sepa_country("NO", date(2025, 1, 1))
    assert is_sepa_country("NO", date(2020, 1, 1))


def test_rule_data_before_its_first_version_is_refused() -> None:
    with pytest.raises(ParameterError):
        sepa_countries(date(2019, 1, 1))
    with pytest.raises(LookupError):
        is_target2_business_day(date(2001, 12, 31))
