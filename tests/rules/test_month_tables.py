"""The month tables of the monthly lines give the amounts of the formulas as written.

The engine works out once per parameter set and month what does not depend on the dossier
(``M × d / D`` for every ``d``, each mobility band's ``B × d / D``, the band by ``bisect``;
docs/performance.md section (b)). Here the amounts of ``granted_lines`` are compared, cent for
cent, with docs/rules.md sections 3 to 5 computed plainly for each dossier — the parameters in
force on the month's first day asked of the store, ``d`` counted from the dates, ``min`` and the
band by a walk through the scale, one rounding at the end — on generated dossiers whose dates
fall on month starts and ends, leap days and the dates parameters change, and whose distances
fall on the bands' bounds.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rules import Month, default_store, granted_lines, parse_request
from rules.facts import EvaluationRequest, MonthStatement, Status
from rules.money import round_money
from tests.builders import TODAY, request

STORE = default_store()

# month starts and ends, leap days, the days around each change of the monthly amount
BOUNDARIES = [
    date(2023, 3, 31),
    date(2023, 4, 1),
    date(2024, 1, 31),
    date(2024, 2, 1),
    date(2024, 2, 28),
    date(2024, 2, 29),
    date(2024, 3, 1),
    date(2024, 3, 31),
    date(2024, 4, 1),
    date(2024, 12, 31),
    date(2025, 2, 28),
    date(2025, 3, 1),
    date(2025, 3, 31),
    date(2025, 4, 1),
    date(2025, 4, 30),
]
days = st.one_of(
    st.sampled_from(BOUNDARIES),
    st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 6, 30)),
)
# each band's lower bound, just under it, and anything else
distances = st.one_of(
    st.sampled_from(["0", "14.9", "15", "29.9", "30", "59.9", "60", "99.9", "100", "149.9"]),
    st.sampled_from(["150", "150.1", "300"]),
    st.decimals(min_value=0, max_value=400, places=1).map(str),
)
hours = st.decimals(min_value=0, max_value=160, places=2)


@st.composite
def dossiers(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(days)
    end = draw(st.one_of(st.sampled_from(BOUNDARIES), days).filter(lambda day: day >= start))
    if (end - start).days > 150:
        end = start + timedelta(days=draw(st.integers(0, 150)))
    insertion = draw(st.booleans())
    months: list[dict[str, Any]] = []
    for month in Month.spanning(start, end):
        attended, justified, unjustified = draw(hours), draw(hours), draw(hours)
        statement = {
            "month": str(month),
            "scheduled_hours": str(attended + justified + unjustified),
            "attended_hours": str(attended),
            "justified_absence_hours": str(justified),
            "unjustified_absence_hours": str(unjustified),
            "daily_allowances": draw(st.sampled_from(["0.00", "0.01", "45.50", "900.00"])),
        }
        if insertion:
            share = draw(st.sampled_from([Decimal(0), Decimal("0.5"), Decimal(1)]))
            statement["hours_outside_work"] = str(attended * share)
        months.append(statement)
    exit_ = None
    if draw(st.booleans()):
        exit_day = start + timedelta(days=draw(st.integers(0, (end - start).days)))
        exit_ = {"date": exit_day.isoformat(), "reason": "legitimate"}
    data = request(
        training__start_date=start.isoformat(),
        training__end_date=end.isoformat(),
        training__weekly_hours=draw(st.sampled_from([20, 29.5, 30, 35])),
        training__distance_km=draw(distances),
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


def _days(month: Month, first: date, last: date) -> int:
    """``d``: the month's days from ``first`` to ``last``, counted one by one."""
    count = calendar.monthrange(month.year, month.month)[1]
    return sum(first <= date(month.year, month.month, day) <= last for day in range(1, count + 1))


def _remuneration(req: EvaluationRequest, s: MonthStatement, d: int) -> Decimal:
    """docs/rules.md section 3, as written."""
    first = s.month.first_day
    monthly = STORE.at("remuneration.monthly_amount", first).decimal
    hourly = monthly / STORE.at("remuneration.hours_per_month", first).decimal
    full_time = STORE.at("remuneration.full_time_weekly_hours", first).decimal
    big_d = calendar.monthrange(s.month.year, s.month.month)[1]
    weekly = req.training.weekly_hours
    assert weekly is not None
    if req.trainee.status is Status.INSERTION_EMPLOYEE:
        assert s.hours_outside_work is not None
        amount = min(hourly * s.hours_outside_work, monthly * d / big_d)
    elif weekly >= full_time:
        amount = monthly * d / big_d - hourly * s.unjustified_absence_hours
    else:
        amount = min(hourly * (s.attended_hours + s.justified_absence_hours), monthly * d / big_d)
    return round_money(max(Decimal(0), amount - s.daily_allowances))


def _mobility(req: EvaluationRequest, s: MonthStatement, d: int) -> Decimal:
    """docs/rules.md section 5, as written: the band by a walk through the scale."""
    distance = req.training.distance_km
    assert distance is not None
    band_amount = Decimal(0)
    for band in STORE.at("mobility.bands", s.month.first_day).bands:
        if distance >= band.lower:
            band_amount = band.amount
    if s.scheduled_hours == 0 or band_amount == 0:
        return Decimal(0)
    hours = s.attended_hours
    if req.trainee.status is Status.INSERTION_EMPLOYEE:
        assert s.hours_outside_work is not None
        hours = s.hours_outside_work
    big_d = calendar.monthrange(s.month.year, s.month.month)[1]
    return round_money(band_amount * d / big_d * min(Decimal(1), hours / s.scheduled_hours))


def _as_written(req: EvaluationRequest) -> list[tuple[str, str, Decimal]]:
    """Remuneration, recovery and mobility lines of every statement (sections 3 to 5)."""
    start, end = req.training.start_date, req.training.end_date
    assert start is not None and end is not None
    last = req.exit.date if req.exit is not None else end
    outstanding = Decimal("200.00") if req.trainee.status is Status.JOB_SEEKER else Decimal(0)
    lines = []
    for s in req.months:
        d = _days(s.month, start, last)
        remuneration = _remuneration(req, s, d)
        lines.append(("remuneration", str(s.month), remuneration))
        recovered = min(outstanding, remuneration)
        lines.append(("advance_recovery", str(s.month), -recovered))
        outstanding -= recovered
        lines.append(("mobility", str(s.month), _mobility(req, s, d)))
    return [line for line in lines if line[2]]


@settings(max_examples=300, deadline=None)
@given(dossiers())
def test_monthly_lines_are_the_formulas_as_written(data: dict[str, Any]) -> None:
    req = parse_request(data, today=TODAY)
    assert STORE.at("advance.amount", req.training.start_date or TODAY).decimal == 200
    computed = [
        (line.kind.value, str(line.period), line.amount)
        for line in granted_lines(req, STORE)
        if line.kind in ("remuneration", "advance_recovery", "mobility")
    ]
    assert computed == _as_written(req)
