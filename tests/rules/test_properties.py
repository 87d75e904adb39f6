"""Money invariants, checked on generated dossiers (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import Decision, Month, evaluate, result_to_json
from rules.money import round_money
from tests.builders import TODAY, request

STORE_MONTHLY = {
    (2024, 3): Decimal("723.36"),
    (2024, 4): Decimal("756.63"),
    (2024, 5): Decimal("756.63"),
}

hours = st.decimals(min_value=0, max_value=200, places=1)


@st.composite
def dossiers(draw: st.DrawFn) -> dict[str, Any]:
    start = date(2024, 3, 1) + timedelta(days=draw(st.integers(0, 30)))
    end = start + timedelta(days=draw(st.integers(0, 60)))
    months: list[dict[str, Any]] = []
    current = Month.of(start)
    insertion = draw(st.booleans())
    while current <= Month.of(end):
        attended, justified, unjustified = draw(hours), draw(hours), draw(hours)
        statement = {
            "month": str(current),
            "scheduled_hours": str(attended + justified + unjustified),
            "attended_hours": str(attended),
            "justified_absence_hours": str(justified),
            "unjustified_absence_hours": str(unjustified),
            "daily_allowances": str(draw(st.decimals(min_value=0, max_value=300, places=2))),
        }
        if insertion:
            statement["hours_outside_work"] = str(
                draw(st.decimals(min_value=0, max_value=attended, places=1))
            )
        months.append(statement)
        current = Month.of(current.last_day + timedelta(days=1))
    exit_: dict[str, str] | None = None
    if draw(st.booleans()):
        exit_day = start + timedelta(days=draw(st.integers(0, (end - start).days)))
        exit_ = {
            "date": exit_day.isoformat(),
            "reason": draw(st.sampled_from(["legitimate", "abandonment", "exclusion"])),
        }
    data = request(
        training__start_date=start.isoformat(),
        training__end_date=end.isoformat(),
        training__weekly_hours=draw(st.sampled_from([20, 29.5, 30, 35])),
        training__distance_km=draw(st.decimals(min_value=0, max_value=300, places=1)),
        months=months,
        exit=exit_,
    )
    if insertion:
        data["trainee"]["status"] = "insertion_employee"
        data["trainee"]["insertion"] = {
            "contract": "PEC",
            "are_complement": False,
            "training_hours_outside_work": 50,
        }
    return data


@settings(max_examples=150, deadline=None)
@given(dossiers())
def test_remuneration_is_never_negative_nor_above_the_prorated_amount(data: dict[str, Any]) -> None:
    result = evaluate(data, today=TODAY)
    assert result.decision is Decision.GRANTED
    start = date.fromisoformat(data["training"]["start_date"])
    last = date.fromisoformat((data["exit"] or {}).get("date") or data["training"]["end_date"])
    for line in result.lines:
        if line.kind == "remuneration":
            period = line.period
            cap = STORE_MONTHLY[(period.year, period.month)] * period.days_within(start, last)
            assert Decimal(0) <= line.amount <= round_money(cap / period.days)
        assert line.amount == round_money(line.amount)


@settings(max_examples=150, deadline=None)
@given(dossiers())
def test_lines_add_up_to_the_total_and_bytes_are_stable(data: dict[str, Any]) -> None:
    first = evaluate(data, today=TODAY)
    assert first.total == sum((line.amount for line in first.lines), Decimal("0.00"))
    assert first.to_dict()["total"] == f"{first.total:.2f}"
    assert result_to_json(first) == result_to_json(evaluate(data, today=TODAY))
    assert all(line.amount != 0 for line in first.lines)


@settings(max_examples=100, deadline=None)
@given(dossiers())
def test_recovery_never_exceeds_the_advance(data: dict[str, Any]) -> None:
    result = evaluate(data, today=TODAY)
    recovered = sum((-x.amount for x in result.lines if x.kind == "advance_recovery"), Decimal(0))
    advance = sum((x.amount for x in result.lines if x.kind == "advance"), Decimal(0))
    assert recovered <= advance
