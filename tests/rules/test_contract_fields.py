"""The contract's one field table: the parser, the JSON Schema and the builders follow it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import jsonschema_rs
import pytest

from rules import evaluate, facts
from rules.contract_fields import (
    AIDS,
    DOCUMENTS,
    EXIT,
    HISTORY,
    IDENTITY,
    INSERTION,
    MONTHS,
    REQUEST,
    RIB,
    TRAINEE,
    TRAINING,
    VITALE,
    Kind,
    emit,
    paths,
)
from rules.contract_schema import request_schema
from rules.periods import Month
from tests.builders import BASE, TODAY, month, request


def _validator() -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(request_schema(), validate_formats=True)


def test_the_schema_accepts_what_the_parser_accepts() -> None:
    valid = request(
        months=[month("2024-03", 105, 98, 7)],
        exit={"date": "2024-06-01", "reason": "legitimate"},
        aid_requests=[{"kind": "equipment", "date": "2024-04-02", "invoice_amount": "320.00"}],
    )
    assert evaluate(valid, today=TODAY).decision
    _validator().validate(_as_json(valid))


@pytest.mark.parametrize(
    "changes",
    [
        {"trainee__sex": "X"},
        {"trainee__nickname": "Jo"},
        {"training__total_hours": True},
        {"months": [{"month": "2024-03", "attended_hours": 1}]},
        {"months": [{"month": "March", "scheduled_hours": 1, "attended_hours": 1}]},
        {"exit": {"date": "2024-05-01"}},
        {"aid_requests": [{"kind": "car"}]},
        {"aid_requests": [{"kind": "equipment", "invoice_amount": "5.001"}]},
        {"documents__rib__bic": 3},
    ],
)
def test_the_schema_refuses_what_the_parser_refuses(changes: dict[str, Any]) -> None:
    assert list(_validator().iter_errors(_as_json(request(**changes))))


def test_required_fields_are_required_and_not_nullable_in_the_schema() -> None:
    items = request_schema()["properties"]["months"]["items"]
    assert items["required"] == ["month", "scheduled_hours", "attended_hours"]
    assert {"type": "null"} not in items["properties"]["scheduled_hours"]["anyOf"]
    assert {"type": "null"} in items["properties"]["hours_outside_work"]["anyOf"]
    exit_ = request_schema()["properties"]["exit"]["anyOf"][0]
    assert exit_["properties"]["reason"] == {
        "type": "string",
        "enum": ["legitimate", "abandonment", "exclusion"],
    }


def test_every_path_the_engine_names_as_missing_is_a_contract_path() -> None:
    known = set(paths())
    requests = [
        {"aid_requests": [{"kind": "equipment"}, {"kind": "driving_licence"}]},
        {"trainee": {"status": "insertion_employee", "insertion": {}}},
        {
            "trainee": {"status": "job_seeker"},
            "documents": {"identity": {}, "rib": {}, "vitale": {}},
        },
    ]
    seen = set()
    for raw in requests:
        for path in evaluate(raw, today=TODAY).missing:
            seen.add(re.sub(r"\[\d+\]", "[]", path))
    assert seen, "the engine named nothing missing"
    assert seen <= known, seen - known


def test_paths_walk_objects_and_lists() -> None:
    every = list(paths())
    assert "trainee.insertion.training_hours_outside_work" in every
    assert "months[].daily_allowances" in every
    assert "aid_requests[].code_status" in every
    assert len(every) == len(set(every))


def test_emit_writes_dates_and_months_as_text_and_leaves_unknowns_out() -> None:
    assert emit(MONTHS, {"month": Month(2024, 3), "scheduled_hours": Decimal(5)}) == {
        "month": "2024-03",
        "scheduled_hours": Decimal(5),
    }
    assert emit(MONTHS, {"month": "2024-03", "hours_outside_work": None}) == {
        "month": "2024-03",
        "hours_outside_work": None,
    }
    assert emit(EXIT, {"date": date(2024, 5, 1), "reason": "legitimate"}) == {
        "date": "2024-05-01",
        "reason": "legitimate",
    }
    assert emit(AIDS, {"kind": "equipment", "cost": None}) == {"kind": "equipment"}
    assert emit(TRAINEE, {"insertion": None}) == {"insertion": None}


class _Day(date):
    """A date of another class (a library's date type, say)."""


class _Period(Month):
    __slots__ = ()


def test_emit_writes_subclasses_like_their_base_type() -> None:
    # Values whose class is not exactly one of the plain types take the general path.
    assert emit(EXIT, {"date": _Day(2024, 5, 1), "reason": facts.ExitReason.LEGITIMATE}) == {
        "date": "2024-05-01",
        "reason": "legitimate",
    }
    assert emit(MONTHS, {"month": _Period(2024, 3)}) == {"month": "2024-03"}


def test_emit_refuses_a_field_out_of_the_contract() -> None:
    with pytest.raises(KeyError, match="nickname"):
        emit(TRAINEE, {"last_name": "Dupont", "nickname": "Jo"})
    with pytest.raises(KeyError, match="request"):
        emit(REQUEST, {"age": 3})


def test_every_field_kind_is_in_the_table() -> None:
    kinds = set()

    def walk(spec: Any) -> None:
        for f in spec.fields:
            kinds.add(f.kind)
            walk(f)

    walk(REQUEST)
    assert kinds == set(Kind)


def _as_json(data: Any) -> Any:
    """What the HTTP door receives: decimals as JSON numbers."""
    if isinstance(data, dict):
        return {key: _as_json(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_as_json(value) for value in data]
    if isinstance(data, Decimal):
        return float(data)
    return data


def test_base_request_is_valid_json_schema() -> None:
    _validator().validate(_as_json(BASE))


def test_each_object_of_the_table_is_its_named_tuple() -> None:
    """A fact added to the table and not to ``rules.facts`` (or the reverse) fails here; the
    only fields the engine does not keep are the identity's type and the RIB's BIC."""
    pairs: list[tuple[Any, Any, set[str]]] = [
        (TRAINEE, facts.Trainee, set()),
        (INSERTION, facts.Insertion, set()),
        (TRAINING, facts.Training, set()),
        (DOCUMENTS, facts.Documents, set()),
        (IDENTITY, facts.IdentityDocument, {"type"}),
        (VITALE, facts.VitaleDocument, set()),
        (RIB, facts.RibDocument, {"bic"}),
        (MONTHS, facts.MonthStatement, {"position"}),
        (EXIT, facts.Exit, set()),
        (AIDS, facts.AidRequest, {"position"}),
        (HISTORY, facts.History, set()),
        (REQUEST, facts.EvaluationRequest, set()),
    ]
    for spec, kind, apart in pairs:
        assert set(spec.names) ^ set(kind._fields) == apart, kind.__name__
