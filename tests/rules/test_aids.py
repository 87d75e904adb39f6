"""Equipment and driving-licence aids (docs/rules.md section 6)."""

from __future__ import annotations

from typing import Any

import pytest

from rules import Decision
from tests.builders import request, run


def equipment(day: str = "2024-04-02", invoice: str | None = "320.00") -> dict[str, Any]:
    return {"kind": "equipment", "date": day, "invoice_amount": invoice}


def licence(day: str = "2024-05-06", **values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "driving_licence",
        "date": day,
        "cost": "1500.00",
        "other_funding": "400.00",
        "code_status": "passed",
    }
    data.update(values)
    return data


def decisions(data: dict[str, Any]) -> list[tuple[str, str | None, list[str]]]:
    result = run(data).to_dict()
    return [(a["decision"], a["amount"], a["reasons"]) for a in result["aid_decisions"]]


@pytest.mark.parametrize(
    ("day", "decision"),
    [
        ("2024-03-10", "rejected"),  # the day before the start
        ("2024-03-11", "granted"),  # the start date: first day of the window
        ("2024-12-26", "granted"),  # end 2024-09-27 + 90 days: last day of the window
        ("2024-12-27", "rejected"),
    ],
)
def test_request_window(day: str, decision: str) -> None:
    got = decisions(request(aid_requests=[equipment(day=day)]))
    assert got[0][0] == decision
    if decision == "rejected":
        assert got[0][2] == ["AID_OUT_OF_PERIOD"]


def test_equipment_amount_is_capped_and_granted_once() -> None:
    got = decisions(request(aid_requests=[equipment(invoice="750.00"), equipment()]))
    assert got == [
        ("granted", "500.00", []),
        ("rejected", None, ["EQUIPMENT_ALREADY_GRANTED"]),
    ]


def test_licence_amount_half_of_the_rest_capped() -> None:
    assert decisions(request(aid_requests=[licence()])) == [("granted", "550.00", [])]
    capped = decisions(request(aid_requests=[licence(cost="1640.00", other_funding="0.00")]))
    assert capped == [("granted", "600.00", [])]
    rounded = decisions(request(aid_requests=[licence(cost="0.05", other_funding="0.00")]))
    assert rounded == [("granted", "0.03", [])]  # 0.025 half up


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"training__licence_useful_for_trade": False}, "LICENCE_NOT_USEFUL_FOR_TRADE"),
        ({"history__driving_licence_aid_received": True}, "LICENCE_AID_ALREADY_RECEIVED"),
        ({"training__approved_for_remuneration": False}, "AID_NOT_AVAILABLE"),
    ],
)
def test_licence_refusals(changes: dict[str, Any], code: str) -> None:
    assert decisions(request(**changes, aid_requests=[licence()])) == [("rejected", None, [code])]


def test_licence_code_not_started_and_nothing_to_fund() -> None:
    assert decisions(request(aid_requests=[licence(code_status="not_started")])) == [
        ("rejected", None, ["LICENCE_CODE_NOT_STARTED"])
    ]
    assert decisions(request(aid_requests=[licence(other_funding="1500.00")])) == [
        ("rejected", None, ["LICENCE_NOTHING_TO_FUND"])
    ]
    assert decisions(request(aid_requests=[licence(code_status="in_preparation")]))[0][0] == (
        "granted"
    )


def test_licence_is_once_in_a_lifetime_within_one_dossier_too() -> None:
    got = decisions(request(aid_requests=[licence(), licence(day="2024-06-01")]))
    assert got[1] == ("rejected", None, ["LICENCE_AID_ALREADY_RECEIVED"])


def test_insertion_employee_gets_no_aid_but_france_travail_recipient_does() -> None:
    insertion = request(
        trainee__status="insertion_employee",
        trainee__insertion={
            "contract": "PEC",
            "are_complement": False,
            "training_hours_outside_work": 10,
        },
        aid_requests=[equipment()],
    )
    assert decisions(insertion) == [("rejected", None, ["AID_NOT_AVAILABLE"])]
    are = run(request(trainee__france_travail_indemnity="are", aid_requests=[equipment()]))
    assert are.decision is Decision.REJECTED
    assert [(a.decision.value, str(a.amount)) for a in are.aid_decisions] == [("granted", "320.00")]
    assert [(line.kind.value, str(line.period)) for line in are.lines] == [("equipment", "2024-04")]


def test_refusals_also_appear_in_top_level_reasons_with_their_scope() -> None:
    result = run(request(aid_requests=[equipment(), licence(code_status="not_started")]))
    assert [(r.code, r.scope) for r in result.reasons] == [
        ("LICENCE_CODE_NOT_STARTED", "aid_requests[1]")
    ]


@pytest.mark.parametrize(
    ("changes", "aid", "path"),
    [
        (
            {"training__licence_useful_for_trade": ...},
            licence(),
            "training.licence_useful_for_trade",
        ),
        ({"history": ...}, licence(), "history.driving_licence_aid_received"),
        ({}, licence(code_status=None), "aid_requests[0].code_status"),
        ({}, licence(cost=None), "aid_requests[0].cost"),
        ({}, licence(other_funding=None), "aid_requests[0].other_funding"),
        ({}, equipment(invoice=None), "aid_requests[0].invoice_amount"),
        ({}, {"kind": "equipment", "invoice_amount": "10.00"}, "aid_requests[0].date"),
        ({"training__end_date": ...}, equipment(), "training.end_date"),
    ],
)
def test_unknown_aid_inputs_make_that_aid_incomplete_only(
    changes: dict[str, Any], aid: dict[str, Any], path: str
) -> None:
    result = run(request(**changes, aid_requests=[aid]))
    assert result.aid_decisions[0].decision is Decision.INCOMPLETE
    assert path in result.missing
    assert result.aid_decisions[0].amount is None


def test_aids_need_the_three_documents() -> None:
    result = run(request(documents__rib=None, aid_requests=[equipment()]))
    assert result.aid_decisions[0].decision is Decision.INCOMPLETE
    assert result.lines == ()


def test_aid_line_explains_rate_and_cap() -> None:
    result = run(request(aid_requests=[licence()]))
    text = next(line for line in result.lines if line.kind == "driving_licence").explanation
    assert "L'aide au permis B demandée le 6 mai 2024" in text
    assert "600,00 €" in text and "550,00 €" in text


@pytest.mark.parametrize(
    ("field", "path"),
    [
        ("trainee__status", "trainee.status"),
        ("training__approved_for_remuneration", "training.approved_for_remuneration"),
        ("training__start_date", "training.start_date"),
    ],
)
def test_aid_with_unknown_status_approval_or_start(field: str, path: str) -> None:
    result = run(request(**{field: ...}, aid_requests=[equipment()]))
    assert result.aid_decisions[0].decision is Decision.INCOMPLETE
    assert path in result.missing


def test_a_refusal_with_two_causes_is_given_once() -> None:
    """An insertion employee on a training that is not approved: the aid is not available for
    two reasons, and the trainee reads the refusal once."""
    data = request(
        trainee__status="insertion_employee",
        trainee__insertion={
            "contract": "PEC",
            "are_complement": False,
            "training_hours_outside_work": 10,
        },
        training__approved_for_remuneration=False,
        aid_requests=[equipment()],
    )
    assert decisions(data) == [("rejected", None, ["AID_NOT_AVAILABLE"])]
    result = run(data)
    assert [r.code for r in result.reasons if r.scope == "aid_requests[0]"] == ["AID_NOT_AVAILABLE"]


@pytest.mark.parametrize(
    "aid",
    [equipment(day="2019-08-31"), licence(day="2019-08-31"), equipment(day="2001-01-15")],
)
def test_an_aid_dated_before_the_parameters_life_is_decided_out_of_period(
    aid: dict[str, Any],
) -> None:
    """Before the first value of the request window (2019-09-01): decided, never an error."""
    result = run(request(aid_requests=[aid])).to_dict()
    [decision] = result["aid_decisions"]
    assert (decision["decision"], decision["amount"]) == ("rejected", None)
    assert decision["reasons"] == ["AID_OUT_OF_PERIOD"]
    [reason] = [r for r in result["reasons"] if r["code"] == "AID_OUT_OF_PERIOD"]
    assert "hors de la période couverte par le règlement" in reason["message"]
    assert "1er septembre 2019" in reason["message"]


def test_an_aid_dated_after_a_closed_parameter_is_decided_out_of_period() -> None:
    import dataclasses
    from datetime import date

    from rules.parameters import ParameterStore, load_parameters

    base = load_parameters()
    closed = dataclasses.replace(base.parameter("equipment.rate"), closed_from=date(2024, 4, 1))
    store = ParameterStore(
        [closed if pid == "equipment.rate" else base.parameter(pid) for pid in base.ids]
    )
    result = run(request(aid_requests=[equipment(day="2024-04-02")]), parameters=store).to_dict()
    [decision] = result["aid_decisions"]
    assert decision["reasons"] == ["AID_OUT_OF_PERIOD"]
    [reason] = [r for r in result["reasons"] if r["code"] == "AID_OUT_OF_PERIOD"]
    assert "jusqu'au 1er avril 2024 exclu" in reason["message"]
