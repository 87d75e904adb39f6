import random
from decimal import Decimal

import pytest

from rules.money import format_money, parse_money, round_money


@pytest.mark.parametrize(
    ("raw", "rounded"),
    [
        ("2.125", "2.13"),  # float rounding gives 2.12: round(2.125, 2) == 2.12
        ("0.005", "0.01"),
        ("0.004999", "0.00"),
        ("473.3256", "473.33"),
        ("-2.125", "-2.13"),
        ("1.015", "1.02"),
        ("100", "100.00"),
    ],
)
def test_round_half_up_to_the_cent(raw: str, rounded: str) -> None:
    assert round_money(Decimal(raw)) == Decimal(rounded)
    assert str(round_money(Decimal(raw))) == rounded


def test_float_rounding_would_be_wrong_here() -> None:
    assert round(2.125, 2) == 2.12  # the reason money is never a float
    assert round_money(Decimal("2.125")) == Decimal("2.13")


def test_format_money() -> None:
    assert format_money(Decimal("473.3")) == "473.30"
    assert format_money(Decimal("-200")) == "-200.00"
    assert format_money(Decimal("-0.00")) == "0.00"
    assert format_money(Decimal("1406.56")) == "1406.56"


def test_parse_money() -> None:
    assert parse_money("320.00") == Decimal("320.00")
    with pytest.raises(ValueError):
        parse_money("abc")
    with pytest.raises(ValueError):
        parse_money("NaN")


def test_format_money_is_the_quantized_plain_text() -> None:
    """The shortcut for amounts already to the cent gives the text of the plain definition."""
    rng = random.Random(22)
    values = [Decimal(text) for text in ("5", "-0.00", "0", "0.10", "1E+2", "12.3E-1", "-7.005",
              "1234567.891", "0.001", "99.99", "-1.5", "1E-7", "100.000")]  # fmt: skip
    values += [
        Decimal(rng.randrange(-(10**9), 10**9)).scaleb(-rng.randrange(0, 5)) for _ in range(3000)
    ]
    for value in values:
        expected = f"{value.quantize(Decimal('0.01')):f}" if value != 0 else "0.00"
        assert format_money(value) == expected, value
