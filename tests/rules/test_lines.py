"""Remuneration, advance and recovery, mobility, exits (docs/rules.md sections 3, 4, 5, 7)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from rules import Decision
from tests.builders import amounts, month, nir_with_key, request, run


def test_full_time_deducts_unjustified_absence_at_the_hourly_rate() -> None:
    result = run(request(months=[month("2024-03", 105, 98, 3.5, 3.5)]))
    assert ("remuneration", "2024-03", "473.33") in amounts(result)
    line = next(line for line in result.lines if line.kind == "remuneration")
    assert "723,36 € × 21 jours / 31 jours" in line.explanation
    assert "4,7693 € × 3,5 h d'absence non justifiée" in line.explanation
    assert "1er mars 2024" in line.explanation and "2022-477" in line.explanation


def test_full_time_whole_month_pays_the_monthly_amount() -> None:
    data = request(training__start_date="2024-04-01", months=[month("2024-04", 140, 140)])
    assert ("remuneration", "2024-04", "756.63") in amounts(run(data))


def test_thirty_hours_a_week_is_full_time_and_29_5_part_time() -> None:
    full = run(request(training__weekly_hours=30, months=[month("2024-03", 60, 50, 0, 10)]))
    part = run(request(training__weekly_hours=29.5, months=[month("2024-03", 60, 50, 0, 10)]))
    assert ("remuneration", "2024-03", "442.33") in amounts(full)  # 490.02 - 47.69
    assert ("remuneration", "2024-03", "238.47") in amounts(part)  # 723.36 × 50 / 151.67 = 238.465…


def test_part_time_is_capped_by_the_prorated_amount() -> None:
    data = request(training__weekly_hours=25, months=[month("2024-03", 200, 200)])
    assert ("remuneration", "2024-03", "490.02") in amounts(run(data))


def test_daily_allowances_are_deducted_and_never_below_zero() -> None:
    some = run(request(months=[month("2024-03", 105, 105, allowances="90.02")]))
    assert ("remuneration", "2024-03", "400.00") in amounts(some)
    floored = run(request(months=[month("2024-03", 105, 105, allowances="900.00")]))
    kinds = [kind for kind, _, _ in amounts(floored)]
    assert "remuneration" not in kinds  # 0.00 lines are left out
    assert "advance_recovery" not in kinds


def test_revaluation_applies_from_the_first_day_of_the_month() -> None:
    data = request(
        training__start_date="2025-03-01",
        training__end_date="2025-06-30",
        months=[month("2025-03", 140, 140), month("2025-04", 140, 140)],
        documents__identity={"expiry_date": "2030-01-01"},
    )
    got = amounts(run(data))
    assert ("remuneration", "2025-03", "756.63") in got
    assert ("remuneration", "2025-04", "769.49") in got


def test_advance_recovered_over_several_months_then_overpaid_at_the_end() -> None:
    data = request(
        training__start_date="2024-03-25",
        training__end_date="2024-04-10",
        months=[month("2024-03", 35, 35), month("2024-04", 56, 0, 0, 56)],
    )
    got = amounts(run(data))
    # March: 723.36 × 7/31 = 163.34, all recovered; April: nothing paid, 36.66 left over
    assert got == [
        ("advance", "2024-03", "200.00"),
        ("remuneration", "2024-03", "163.34"),
        ("advance_recovery", "2024-03", "-163.34"),
        ("mobility", "2024-03", "22.58"),
        ("overpayment", "2024-04", "-36.66"),
    ]


def test_no_overpayment_while_the_training_goes_on() -> None:
    data = request(months=[month("2024-03", 105, 0, 0, 105)])
    kinds = [kind for kind, _, _ in amounts(run(data))]
    assert kinds == ["advance"]


def test_legitimate_exit_prorates_and_turns_the_outstanding_advance_into_an_overpayment() -> None:
    data = request(
        training__start_date="2024-03-28",
        months=[month("2024-03", 28, 28), month("2024-04", 14, 14)],
        exit={"date": "2024-04-02", "reason": "legitimate"},
    )
    got = amounts(run(data))
    assert ("remuneration", "2024-03", "93.34") in got  # 723.36 × 4 / 31
    assert ("remuneration", "2024-04", "50.44") in got  # 756.63 × 2 / 30
    assert ("overpayment", "2024-04", "-56.22") in got  # 200 - 93.34 - 50.44


def test_exclusion_repays_everything_but_keeps_mobility() -> None:
    data = request(
        months=[month("2024-03", 105, 105)], exit={"date": "2024-03-31", "reason": "exclusion"}
    )
    result = run(data)
    got = amounts(result)
    assert ("overpayment", "2024-03", "-490.02") in got
    assert ("mobility", "2024-03", "67.74") in got
    assert result.total == Decimal("67.74")
    overpayment = next(line for line in result.lines if line.kind == "overpayment")
    assert "R6341-47" in overpayment.explanation


def test_advance_not_recoverable_when_the_parameter_says_so(tmp_path: Path) -> None:
    import shutil

    from rules import load_parameters
    from rules.parameters import DEFAULT_DIRECTORY

    directory = tmp_path / "p"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    path = directory / "advance.recoverable.yaml"
    path.write_text(path.read_text("utf-8").replace("value: true", "value: false"), "utf-8")
    data = request(months=[month("2024-03", 105, 105)])
    got = amounts(run(data, parameters=load_parameters(directory)))
    assert "advance_recovery" not in [kind for kind, _, _ in got]


def test_insertion_employee_is_paid_hours_outside_work_without_advance() -> None:
    data = request(
        trainee__status="insertion_employee",
        trainee__insertion={
            "contract": "SIAE",
            "are_complement": False,
            "training_hours_outside_work": 90,
        },
        training__distance_km=31,
        months=[month("2024-03", 105, 105, outside=28)],
    )
    assert amounts(run(data)) == [
        ("remuneration", "2024-03", "133.54"),
        ("mobility", "2024-03", "18.06"),
    ]


@pytest.mark.parametrize(
    ("distance", "amount"),
    [
        (None, None),
        (0, None),
        (14.99, None),
        (15, "33.87"),
        (29.99, "33.87"),
        (30, "67.74"),
        (60, "101.61"),
        (99.9, "101.61"),
        (100, "135.48"),
        (150, "169.35"),
        (1000, "169.35"),
    ],
)
def test_mobility_bands_lower_bound_included(distance: object, amount: str | None) -> None:
    data = request(training__distance_km=distance, months=[month("2024-03", 105, 105)])
    mobility = [a for kind, _, a in amounts(run(data)) if kind == "mobility"]
    assert mobility == ([] if amount is None else [amount])


def test_no_mobility_without_scheduled_hours_and_unknown_distance_is_not_missing() -> None:
    zero = run(request(months=[month("2024-03", 0, 0)]))
    assert "mobility" not in [kind for kind, _, _ in amounts(zero)]
    unknown = run(request(training__distance_km=..., months=[month("2024-03", 105, 105)]))
    assert unknown.missing == () and unknown.decision is Decision.GRANTED


def test_lines_need_their_inputs_and_name_them() -> None:
    no_weekly = run(request(training__weekly_hours=..., months=[month("2024-03", 105, 105)]))
    assert no_weekly.decision is Decision.GRANTED  # weekly hours are no condition of the decision
    assert no_weekly.missing == ("training.weekly_hours",)
    # full or part time is unknown: no remuneration (never a guess), but what does not depend
    # on it is still due
    assert amounts(no_weekly) == [
        ("advance", "2024-03", "200.00"),
        ("mobility", "2024-03", "67.74"),
    ]
    no_end = run(request(training__end_date=..., months=[month("2024-03", 105, 105)]))
    assert no_end.missing == ("training.end_date",)
    assert amounts(no_end) == [("advance", "2024-03", "200.00")]


def test_lines_are_ordered_by_period_then_kind_and_sum_to_the_total() -> None:
    data = request(
        months=[month("2024-04", 140, 140), month("2024-03", 105, 105)],
        aid_requests=[{"kind": "equipment", "date": "2024-03-20", "invoice_amount": "100.00"}],
    )
    result = run(data)
    periods = [(str(line.period), line.kind.value) for line in result.lines]
    assert periods == [
        ("2024-03", "advance"),
        ("2024-03", "remuneration"),
        ("2024-03", "advance_recovery"),
        ("2024-03", "mobility"),
        ("2024-03", "equipment"),
        ("2024-04", "remuneration"),
        ("2024-04", "mobility"),
    ]
    assert result.total == sum((line.amount for line in result.lines), Decimal(0))
    assert result.to_dict()["total"] == str(result.total)


def test_born_in_2008_nir_builder_matches() -> None:
    assert nir_with_key("2080376540123")[:5] == "20803"


def test_full_time_threshold_is_the_one_in_force_on_the_first_day_of_each_month(
    tmp_path: Path,
) -> None:
    import shutil

    from rules import load_parameters
    from rules.parameters import DEFAULT_DIRECTORY

    directory = tmp_path / "p"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    path = directory / "remuneration.full_time_weekly_hours.yaml"
    path.write_text(
        path.read_text("utf-8")
        + '  - from: 2024-04-01\n    value: "36"\n    status: A\n    source: "essai"\n',
        "utf-8",
    )
    data = request(months=[month("2024-03", 105, 98, 0, 7), month("2024-04", 140, 133, 0, 7)])
    result = run(data, parameters=load_parameters(directory))
    texts = [line.explanation for line in result.lines if line.kind == "remuneration"]
    assert "temps plein : 35 h par semaine, au moins 30 h" in texts[0]
    assert "temps partiel : 35 h par semaine, moins de 36 h" in texts[1]
    # 756.63 × 133 / 151.67 = 663.4917
    assert ("remuneration", "2024-04", "663.49") in amounts(result)
