"""The compiled request reader's fast paths read a value exactly as the typed readers of
``rules.reader`` do: same value (same type, same digits), same problems, for valid values and
for every kind of bad one. The reference is the same table compiled without any fast path."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from rules import contract_reader
from rules.contract_fields import REQUEST, Field, Kind
from rules.contract_reader import ObjectReader, compile_object
from rules.reader import Reader

_DECIMALS = [
    Decimal(text)
    for text in (
        "0", "-0", "0.00", "-0.01", "1", "1.5", "1.50", "1.500", "1.005", "320.00",
        "151.67", "999999999999", "999999999999.99", "1E+11", "1E+12", "1E+14", "1E+15",
        "0E+20", "1E-30", "12345678901234.56", "NaN", "-NaN", "sNaN", "Infinity", "-Infinity",
    )
]  # fmt: skip
_OTHERS: list[Any] = [
    0, 1, -1, 35, 10**12 - 1, 10**12, True, False, 1.5, -1.5, float("nan"), "1.5", " 2 ", "",
    "-3", "abc", "2024-04", "2024-4", "2024-13", "2024-00", "0000-01", "2024-04-01",
    "2024-02-30", "١٢٣٤-05", "2024-0²", date(2024, 4, 1), [], {}, None,
]  # fmt: skip


def _reference(spec: Field, monkeypatch: pytest.MonkeyPatch) -> ObjectReader:
    """``spec``'s reader compiled without fast paths: every value goes to its typed reader."""
    with monkeypatch.context() as patched:
        patched.setattr(contract_reader, "_USUAL", {})
        return compile_object(spec)


def _read(reader: ObjectReader, raw: dict[str, Any]) -> tuple[Any, list[Any]]:
    r = Reader()
    return _typed(reader(r, raw, "")), r.problems


def _typed(value: Any) -> Any:
    """What must be equal: the value, its type and, for decimals, its digits and exponent."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_typed(item) for item in value]
    if isinstance(value, Decimal):
        return (Decimal, value.as_tuple())
    return (type(value), value)


def _kinds() -> Iterator[Kind]:
    yield from (Kind.NUMBER, Kind.MONEY, Kind.MONTH, Kind.DATE, Kind.TEXT, Kind.BOOLEAN)


@pytest.mark.parametrize("kind", list(_kinds()))
def test_fast_paths_read_each_value_as_the_typed_reader(
    kind: Kind, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = Field("x", Kind.OBJECT, fields=(Field("value", kind),))
    fast, reference = compile_object(spec), _reference(spec, monkeypatch)
    for value in [*_DECIMALS, *_OTHERS]:
        assert _read(fast, {"value": value}) == _read(reference, {"value": value}), value


def test_whole_requests_read_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """A request with decimals as the run's builders write them (and some out of bounds)."""
    reference = _reference(REQUEST, monkeypatch)
    fast = compile_object(REQUEST)
    month = {
        "month": "2024-04",
        "scheduled_hours": Decimal("151.67"),
        "attended_hours": Decimal("140.00"),
        "justified_absence_hours": Decimal("11.67"),
        "unjustified_absence_hours": Decimal("0"),
        "daily_allowances": Decimal("12.50"),
    }
    bad = {**month, "month": "2024-13", "attended_hours": Decimal("-1"), "daily_allowances": 3}
    request = {
        "as_of": "2024-05-06",
        "training": {"total_hours": Decimal("800.0"), "distance_km": Decimal("1E+12")},
        "months": [month, bad, {**month, "daily_allowances": Decimal("1.005")}],
        "aid_requests": [{"kind": "driving_licence", "cost": Decimal("1200.00")}],
    }
    assert _read(fast, request) == _read(reference, request)
