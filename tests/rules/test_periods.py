import random
from datetime import date
from decimal import Decimal

import pytest

from rules.french import fr_date, fr_decimal, fr_hours, fr_money, fr_of_month
from rules.periods import Month, age_on, days_between_inclusive


def test_month_parse_and_days() -> None:
    february = Month.parse("2024-02")
    assert february.days == 29
    assert Month.parse("2023-02").days == 28
    assert str(february) == "2024-02"
    assert february.first_day == date(2024, 2, 1)
    assert february.last_day == date(2024, 2, 29)
    assert Month.of(date(2024, 3, 11)) == Month(2024, 3)


@pytest.mark.parametrize("text", ["2024-13", "2024-00", "24-03", "2024/03", "abcd-ef", "0000-01"])
def test_month_parse_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        Month.parse(text)


def test_days_within() -> None:
    march = Month(2024, 3)
    assert march.days_within(date(2024, 3, 11), date(2024, 9, 27)) == 21
    assert march.days_within(date(2024, 1, 1), date(2024, 3, 1)) == 1
    assert march.days_within(date(2024, 4, 1), date(2024, 5, 1)) == 0
    assert not march.overlaps(date(2024, 4, 1), date(2024, 5, 1))
    assert days_between_inclusive(date(2024, 3, 11), date(2024, 3, 31)) == 21


def test_age_on_birthday_and_the_day_before() -> None:
    assert age_on(date(2008, 3, 11), date(2024, 3, 11)) == 16
    assert age_on(date(2008, 3, 12), date(2024, 3, 11)) == 15
    assert age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15
    assert age_on(date(2008, 2, 29), date(2024, 2, 29)) == 16


def test_french_formats() -> None:

    assert fr_money(Decimal("1406.5")) == "1\u202f406,50 €"
    assert fr_decimal(Decimal("3.50")) == "3,5"
    assert fr_decimal(Decimal("0")) == "0"
    assert fr_decimal(Decimal("-1234567.891"), 2) == "-1\u202f234\u202f567,89"
    assert fr_date(date(2024, 3, 1)) == "1er mars 2024"
    assert fr_date(date(2024, 3, 11)) == "11 mars 2024"
    assert fr_of_month(Month(2024, 4)) == "d'avril 2024"
    assert fr_of_month(Month(2024, 8)) == "d'août 2024"
    assert fr_of_month(Month(2024, 3)) == "de mars 2024"


def test_previous_and_following_months_cross_the_year() -> None:
    assert Month(2024, 1).previous == Month(2023, 12)
    assert Month(2024, 5).previous == Month(2024, 4)
    assert Month(2024, 12).following == Month(2025, 1)
    assert Month(2024, 5).following == Month(2024, 6)


def test_months_spanning_two_days() -> None:
    got = list(Month.spanning(date(2024, 11, 15), date(2025, 2, 1)))
    assert [str(m) for m in got] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert list(Month.spanning(date(2024, 3, 31), date(2024, 3, 1))) == [Month(2024, 3)]
    assert list(Month.spanning(date(2024, 4, 1), date(2024, 3, 31))) == []


@pytest.mark.parametrize(("year", "number"), [(2024, 13), (2024, 0), (0, 5)])
def test_a_month_that_does_not_exist_cannot_be_made(year: int, number: int) -> None:
    with pytest.raises(ValueError, match="ce mois n'existe pas"):
        Month(year, number)


def _grouped(value: Decimal, places: int | None = None) -> str:
    """The general form: grouped by thousands with a narrow space, a decimal comma."""
    if places is None:
        text = f"{value.normalize():,f}" if value else "0"
    else:
        text = f"{value:,.{places}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def test_french_figures_below_a_thousand_as_the_general_form() -> None:
    """``fr_money``, ``fr_hours`` and ``fr_decimal`` skip the grouping below 999.99: same text
    as with it."""
    rng = random.Random(1000)
    values = [Decimal(f"{sign}{whole}.{cents}") for sign in ("", "-")
              for whole in (0, 1, 99, 998, 999, 1000, 12345) for cents in ("0", "985", "994",
              "995", "9949", "99", "999", "5")]  # fmt: skip
    values += [Decimal(rng.randrange(-200_000, 200_000)) / rng.choice([1, 7, 100, 1000])
               for _ in range(2000)]  # fmt: skip
    values += [Decimal("1E+2"), Decimal("-0"), Decimal("0.000"), Decimal("12.5000")]
    for value in values:
        assert fr_money(value) == f"{_grouped(value, 2)} €", value
        assert fr_hours(value) == f"{_grouped(value)} h", value
        assert fr_decimal(value) == _grouped(value), value
