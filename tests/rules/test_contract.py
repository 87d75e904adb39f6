"""Malformed input is an input error with every problem and its JSON path."""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest

from rules import InputError, evaluate, loads, result_to_json
from rules.facts import Status
from rules.reader import Reader, enum_reader, read_boolean, read_number, read_text
from tests.builders import TODAY, month, request


def problems(data: Any) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        evaluate(data, today=TODAY)
    return [(p.path, p.code) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"trainee__sex": "X"}, ("trainee.sex", "enum")),
        ({"trainee__birth_date": "17/05/1990"}, ("trainee.birth_date", "date")),
        ({"trainee__birth_date": 19900517}, ("trainee.birth_date", "date")),
        (
            {"trainee__nickname": "Jo"},
            ("trainee.nickname", "unknown_field"),
        ),
        ({"unknown": 1}, ("unknown", "unknown_field")),
        (
            {"trainee__france_travail_registered": "yes"},
            ("trainee.france_travail_registered", "type"),
        ),
        ({"training__total_hours": "beaucoup"}, ("training.total_hours", "number")),
        ({"training__total_hours": True}, ("training.total_hours", "number")),
        ({"training__distance_km": -1}, ("training.distance_km", "negative")),
        ({"training__end_date": "2024-03-01"}, ("training.end_date", "end_before_start")),
        ({"trainee__last_name": 12}, ("trainee.last_name", "type")),
        ({"trainee": []}, ("trainee", "type")),
        ({"months": {}}, ("months", "type")),
        (
            {"exit": {"date": "2025-01-01", "reason": "legitimate"}},
            ("exit.date", "exit_outside_training"),
        ),
        ({"exit": {"date": "2024-05-01"}}, ("exit.reason", "required")),
        ({"exit": {"date": "2024-05-01", "reason": "bored"}}, ("exit.reason", "enum")),
        ({"aid_requests": [{"kind": "car"}]}, ("aid_requests[0].kind", "enum")),
        ({"aid_requests": [{"date": "2024-04-01"}]}, ("aid_requests[0].kind", "required")),
        ({"aid_requests": [1]}, ("aid_requests[0]", "type")),
        (
            {"aid_requests": [{"kind": "equipment", "invoice_amount": "-5.00"}]},
            ("aid_requests[0].invoice_amount", "negative"),
        ),
        (
            {"aid_requests": [{"kind": "equipment", "invoice_amount": "5.001"}]},
            ("aid_requests[0].invoice_amount", "money_precision"),
        ),
        (
            {"aid_requests": [{"kind": "equipment", "invoice_amount": "1E+30"}]},
            ("aid_requests[0].invoice_amount", "money_range"),
        ),
        (
            {"aid_requests": [{"kind": "equipment", "invoice_amount": 5.5}]},
            ("aid_requests[0].invoice_amount", "money"),
        ),
        ({"as_of": "tomorrow"}, ("as_of", "date")),
        ({"documents__rib__bic": 3}, ("documents.rib.bic", "type")),
    ],
)
def test_each_malformed_field_is_named(changes: dict[str, Any], expected: tuple[str, str]) -> None:
    assert expected in problems(request(**changes))


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (month("2024-03", 105, 98), ("months[0]", "hours_do_not_add_up")),
        (month("2024-02", 10, 10), ("months[0].month", "month_outside_training")),
        (month("2024-10", 10, 10), ("months[0].month", "month_outside_training")),
        (month("2024-3", 10, 10), ("months[0].month", "month")),
        (
            {"month": 202403, "scheduled_hours": 1, "attended_hours": 1},
            ("months[0].month", "month"),
        ),
        ({"scheduled_hours": 1, "attended_hours": 1}, ("months[0].month", "required")),
        (month("2024-03", -1, -1), ("months[0].scheduled_hours", "negative")),
        (month("2024-03", 10, 10, allowances="-1.00"), ("months[0].daily_allowances", "negative")),
        ({"month": "2024-03", "attended_hours": 1}, ("months[0].scheduled_hours", "required")),
        (None, ("months[0]", "required")),
    ],
)
def test_malformed_statements(statement: Any, expected: tuple[str, str]) -> None:
    assert expected in problems(request(months=[statement]))


def test_two_statements_for_one_month() -> None:
    got = problems(request(months=[month("2024-03", 1, 1), month("2024-03", 2, 2)]))
    assert got == [("months[1].month", "duplicate_month")]


def test_insertion_statements_need_hours_outside_work_not_above_attended() -> None:
    base = {
        "trainee__status": "insertion_employee",
        "trainee__insertion": {
            "contract": "PEC",
            "are_complement": False,
            "training_hours_outside_work": 9,
        },
    }
    assert problems(request(**base, months=[month("2024-03", 10, 10)])) == [
        ("months[0].hours_outside_work", "required")
    ]
    assert problems(request(**base, months=[month("2024-03", 10, 8, 2, outside=9)])) == [
        ("months[0].hours_outside_work", "outside_work_above_attended")
    ]


def test_every_problem_is_reported_at_once() -> None:
    got = problems(
        request(trainee__sex="X", training__weekly_hours="x", months=[month("2024-03", 5, 4)])
    )
    assert got == [
        ("trainee.sex", "enum"),
        ("training.weekly_hours", "number"),
        ("months[0]", "hours_do_not_add_up"),
    ]


def test_not_an_object() -> None:
    assert problems([1, 2]) == [("", "type")]


def test_error_texts() -> None:
    with pytest.raises(InputError) as caught:
        evaluate(request(trainee__sex="X"), today=TODAY)
    error = caught.value
    assert error.summary.startswith("input error: unknown value")
    assert error.detail.startswith("Demande invalide : valeur inconnue")
    assert error.to_dict()["errors"] == [
        {
            "path": "trainee.sex",
            "code": "enum",
            "message": "valeur inconnue ; valeurs possibles : M, F",
        }
    ]


def test_loads_keeps_decimals_exact_and_refuses_garbage() -> None:
    assert loads(b'{"a": 0.1}') == {"a": Decimal("0.1")}
    with pytest.raises(InputError):
        loads(b"{not json")
    with pytest.raises(InputError):
        loads(b"\xff\xfe")


def test_hours_as_strings_and_decimals_are_accepted() -> None:
    data = request(months=[month("2024-03", "105", Decimal("98"), "3.5", 3.5)])
    result = evaluate(data, today=TODAY)
    assert str(result.lines[1].amount) == "473.33"


def test_as_of_defaults_to_today() -> None:
    result = evaluate(request(as_of=...), today=TODAY)
    assert result.as_of == "2024-06-15"


@pytest.mark.parametrize("value", [10**12, 10**13 + 1, "1E+12", "1234567890123.5"])
def test_hours_of_thirteen_digits_are_too_large(value: object) -> None:
    assert problems(request(training__total_hours=value)) == [("training.total_hours", "too_large")]


def test_a_request_of_mappings_that_are_not_dicts_reads_as_dicts() -> None:
    """The library door takes any mapping: read field by field like a dict, unknown names too."""
    data = request(months=[month("2024-03", 10, 10)])
    as_mappings = MappingProxyType(
        {key: MappingProxyType(value) if isinstance(value, dict) else value
         for key, value in data.items()}
    )  # fmt: skip
    assert result_to_json(evaluate(as_mappings, today=TODAY)) == result_to_json(
        evaluate(data, today=TODAY)
    )
    data["trainee"]["nickname"] = "Jo"
    strange = MappingProxyType({**data, "trainee": MappingProxyType(data["trainee"])})
    assert problems(strange) == [("trainee.nickname", "unknown_field")]


def test_typed_readers_alone() -> None:
    """What the generated reader decides in one test, the typed readers decide the same."""

    class Name(str):
        __slots__ = ()

    r = Reader()
    assert read_text(r, Name("Dupont"), "trainee", "last_name") == "Dupont"
    assert read_boolean(r, False, "trainee", "france_travail_registered") is False
    assert read_boolean(r, 0, "trainee", "france_travail_registered") is None
    assert enum_reader(Status)(r, "job_seeker", "trainee", "status") is Status.JOB_SEEKER
    assert read_number(r, 35, "training", "weekly_hours") == Decimal(35)
    assert [(p.path, p.code) for p in r.problems] == [("trainee.france_travail_registered", "type")]
