"""Amounts and dates in plain French words (traditional orthography), and in French figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exports.wording import (
    NARROW_NBSP,
    NBSP,
    amount_in_figures,
    amount_in_words,
    amount_in_words_and_figures,
    date_in_words,
    date_range_in_words,
    integer_in_words,
    month_in_words,
    period_in_words,
)


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "zéro euro"),
        ("1", "un euro"),
        ("2", "deux euros"),
        ("16", "seize euros"),
        ("17", "dix-sept euros"),
        ("21", "vingt et un euros"),
        ("22", "vingt-deux euros"),
        ("61", "soixante et un euros"),
        ("70", "soixante-dix euros"),
        ("71", "soixante et onze euros"),
        ("72", "soixante-douze euros"),
        ("80", "quatre-vingts euros"),
        ("81", "quatre-vingt-un euros"),
        ("90", "quatre-vingt-dix euros"),
        ("91", "quatre-vingt-onze euros"),
        ("99", "quatre-vingt-dix-neuf euros"),
        ("100", "cent euros"),
        ("101", "cent un euros"),
        ("180", "cent quatre-vingts euros"),
        ("200", "deux cents euros"),
        ("201", "deux cent un euros"),
        ("280", "deux cent quatre-vingts euros"),
        ("1000", "mille euros"),
        ("1001", "mille un euros"),
        ("1990", "mille neuf cent quatre-vingt-dix euros"),
        ("2000", "deux mille euros"),
        ("21000", "vingt et un mille euros"),
        ("80000", "quatre-vingt mille euros"),
        ("200000", "deux cent mille euros"),
        ("1000000", "un million d'euros"),
        ("2000000", "deux millions d'euros"),
        ("2000001", "deux millions un euros"),
        ("80000000", "quatre-vingts millions d'euros"),
        ("200000000", "deux cents millions d'euros"),
        ("1000000000", "un milliard d'euros"),
        ("3200000000", "trois milliards deux cents millions d'euros"),
    ],
)
def test_whole_euros_in_words(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("473.33", "quatre cent soixante-treize euros et trente-trois centimes"),
        ("200.00", "deux cents euros"),
        ("1.01", "un euro et un centime"),
        ("0.01", "un centime"),
        ("0.50", "cinquante centimes"),
        ("0.80", "quatre-vingts centimes"),
        ("756.63", "sept cent cinquante-six euros et soixante-trois centimes"),
        ("1406.56", "mille quatre cent six euros et cinquante-six centimes"),
        ("-200.00", "moins deux cents euros"),
    ],
)
def test_cents_in_words(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


def test_money_must_be_decimal_and_exact_to_the_cent() -> None:
    with pytest.raises(TypeError):
        amount_in_words(473.33)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cent"):
        amount_in_words(Decimal("473.333"))
    with pytest.raises(ValueError):
        amount_in_figures(Decimal("NaN"))
    with pytest.raises(ValueError):
        integer_in_words(10**12)


def test_amount_in_figures_french_layout() -> None:
    assert amount_in_figures(Decimal("473.33")) == f"473,33{NBSP}€"
    assert amount_in_figures(Decimal("200")) == f"200,00{NBSP}€"
    assert amount_in_figures(Decimal("1234.5")) == f"1{NARROW_NBSP}234,50{NBSP}€"
    assert amount_in_figures(Decimal("1234567.89")) == (
        f"1{NARROW_NBSP}234{NARROW_NBSP}567,89{NBSP}€"
    )
    assert amount_in_figures(Decimal("-200.00")) == f"\u2212200,00{NBSP}€"
    assert amount_in_figures(Decimal("0")) == f"0,00{NBSP}€"


def test_words_and_figures_together() -> None:
    assert amount_in_words_and_figures(Decimal("200.00")) == f"deux cents euros (200,00{NBSP}€)"


def test_dates_in_words() -> None:
    assert date_in_words(date(2024, 3, 5)) == "le 5 mars 2024"
    assert date_in_words(date(2024, 3, 1)) == "le 1er mars 2024"
    assert date_in_words(date(2024, 8, 15), article=False) == "15 août 2024"
    assert date_range_in_words(date(2024, 3, 1), date(2024, 12, 20)) == (
        "du 1er mars 2024 au 20 décembre 2024"
    )
    with pytest.raises(ValueError):
        date_range_in_words(date(2024, 3, 2), date(2024, 3, 1))


def test_month_names() -> None:
    assert month_in_words(2024, 3) == "mars 2024"
    assert period_in_words("2024-02") == "février 2024"
    assert period_in_words("2024-04", of=True) == "d'avril 2024"
    assert period_in_words("2024-08", of=True) == "d'août 2024"
    assert period_in_words("2024-10", of=True) == "d'octobre 2024"
    assert period_in_words("2024-03", of=True) == "de mars 2024"
    with pytest.raises(ValueError):
        period_in_words("2024-3")
    with pytest.raises(ValueError):
        month_in_words(2024, 13)


_WORD = st.integers(min_value=0, max_value=10**12 - 1)


@given(_WORD)
def test_number_words_follow_the_traditional_rules(number: int) -> None:
    words = integer_in_words(number)
    tokens = words.split(" ")
    if number // 1000 % 1000 == 1:
        assert "un mille" not in words  # "mille", never "un mille"
    assert "cents mille" not in words
    assert "vingts mille" not in words
    for index, token in enumerate(tokens[:-1]):
        follower = tokens[index + 1]
        # A plural "cents"/"quatre-vingts" is only ever followed by a noun (million, milliard).
        if token.endswith(("cents", "vingts")):
            assert follower.startswith(("million", "milliard")), words
    assert "-et-" not in words and "  " not in words


@given(st.integers(min_value=-(10**11), max_value=10**11))
def test_figures_round_trip_to_the_same_cents(cents: int) -> None:
    amount = Decimal(cents).scaleb(-2)
    text = amount_in_figures(amount)
    digits = text.replace(NARROW_NBSP, "").replace(f"{NBSP}€", "").replace("\u2212", "-")
    assert Decimal(digits.replace(",", ".")) == amount
