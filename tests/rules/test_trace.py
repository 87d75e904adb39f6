"""Traces: what a decision keeps to be explained and recomputed later."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rules import UsedParameter, input_hash, load_parameters
from rules.parameters import parse_parameter
from tests.builders import TODAY, request, run


def test_used_parameter_shows_each_kind() -> None:
    store = load_parameters()
    codes = UsedParameter.of(store.at("insertion.eligible_contracts", TODAY))
    assert codes.shown == "PEC SIAE EBE_CDI ADULTE_RELAIS"
    assert UsedParameter.of(store.at("eligibility.minimum_age", TODAY)).shown == "16"
    assert UsedParameter.of(store.at("advance.recoverable", TODAY)).to_dict()["value"] == "true"


def test_input_hash_is_canonical() -> None:
    first = input_hash({"b": Decimal("1.50"), "a": [1, "x"]})
    second = input_hash({"a": [1, "x"], "b": Decimal("1.50")})
    assert first == second and len(first) == 64
    assert input_hash({"a": 1}) != input_hash({"a": 2})
    with pytest.raises(TypeError):
        input_hash({"a": object()})


def test_decimal_parameters_accept_integers_and_refuse_booleans() -> None:
    raw = {
        "id": "x",
        "label": "x",
        "type": "decimal",
        "values": [{"from": date(2019, 9, 1), "value": 30, "status": "N", "source": "s"}],
    }
    assert parse_parameter(raw, file_name="x.yaml").values[0].decimal == Decimal(30)
    raw["type"] = "money"
    raw["values"][0]["value"] = True  # type: ignore[index]
    from rules import ParameterError

    with pytest.raises(ParameterError, match="décimale attendue"):
        parse_parameter(raw, file_name="x.yaml")


def test_null_lists_mean_none() -> None:
    assert run(request(months=None, aid_requests=None)).lines[0].kind == "advance"


def test_result_carries_version_and_digest() -> None:
    result = run(request()).to_dict()
    assert result["rules_version"].startswith("reglement-v1")
    assert result["parameters_digest"] == load_parameters().digest
    assert result["as_of"] == "2024-06-15"


def test_parse_value_refuses_floats_even_outside_a_file() -> None:
    from rules import ParameterError
    from rules.parameters.schema import ParameterKind, parse_value

    with pytest.raises(ParameterError, match="virgule flottante"):
        parse_value(ParameterKind.MONEY, 1.5, where="x")


def test_a_nir_with_non_ascii_digits_is_invalid() -> None:
    from rules.documents import nir_is_valid

    assert not nir_is_valid("２９００５７６５４０１２３８７")  # full-width digits
    assert not nir_is_valid("2900576540123٨7")
    assert not nir_is_valid("2900576540A2387")


def test_granted_lines_are_the_evaluation_lines_without_aids() -> None:
    from rules import default_store, granted_lines, parse_request
    from tests.builders import month

    data = request(
        months=[month("2024-03", 105, 98, 3.5, 3.5)],
        aid_requests=[{"kind": "equipment", "date": "2024-04-02", "invoice_amount": "320.00"}],
    )
    lines = granted_lines(parse_request(data, today=TODAY), default_store())
    evaluated = [line for line in run(data).lines if line.kind != "equipment"]
    assert [(x.kind, x.period, x.amount) for x in lines] == [
        (x.kind, x.period, x.amount) for x in evaluated
    ]


def test_granted_lines_without_start_or_status_give_nothing() -> None:
    from rules import default_store, granted_lines, parse_request

    for field in ("trainee__status", "training__start_date"):
        lines = granted_lines(parse_request(request(**{field: ...}), today=TODAY), default_store())
        assert lines == ()
