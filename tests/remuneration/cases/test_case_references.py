"""Readable case references ``C-YYYY-NNNNNN``."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from remuneration.cases.domain import (
    CalendarError,
    CaseReference,
    InvalidCaseReferenceError,
    format_case_reference,
    parse_case_reference,
    reference_year,
)

PARIS = ZoneInfo("Europe/Paris")


def test_format() -> None:
    assert format_case_reference(year=2024, sequence=4217) == "C-2024-004217"
    assert format_case_reference(year=2025, sequence=999_999) == "C-2025-999999"


@pytest.mark.parametrize(
    "text", ["C-2024-004217", " c-2024-004217 ", "C 2024 004217", "C2024004217"]
)
def test_parse_tolerates_what_agents_type(text: str) -> None:
    assert parse_case_reference(text) == CaseReference(year=2024, sequence=4217)


@pytest.mark.parametrize(
    "text",
    ["", "C-2024-4217", "C-24-004217", "D-2024-004217", "C-2024-0042170", "C-2024-000000", "2024"],
)
def test_parse_refuses_other_texts(text: str) -> None:
    with pytest.raises(InvalidCaseReferenceError) as caught:
        parse_case_reference(text)
    assert "C-AAAA-NNNNNN" in caught.value.message or "compris entre" in caught.value.message


@pytest.mark.parametrize(("year", "sequence"), [(2024, 0), (2024, 1_000_000), (1999, 1)])
def test_out_of_range_parts(year: int, sequence: int) -> None:
    with pytest.raises(InvalidCaseReferenceError):
        format_case_reference(year=year, sequence=sequence)


@given(st.integers(2000, 9999), st.integers(1, 999_999))
def test_round_trip(year: int, sequence: int) -> None:
    text = format_case_reference(year=year, sequence=sequence)
    assert len(text) == 13
    assert parse_case_reference(text) == CaseReference(year, sequence)


def test_year_is_the_local_year() -> None:
    new_year_in_paris = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)
    assert reference_year(new_year_in_paris, PARIS) == 2025
    assert reference_year(datetime(2024, 12, 31, 22, 30, tzinfo=UTC), PARIS) == 2024


def test_year_refuses_a_naive_instant() -> None:
    with pytest.raises(CalendarError):
        reference_year(datetime(2024, 12, 31, 23, 30), PARIS)
