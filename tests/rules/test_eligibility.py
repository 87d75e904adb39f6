"""Eligibility (docs/rules.md section 2) and the decision with unknown inputs kept unknown (2.2)."""

from __future__ import annotations

import pytest

from rules import Decision
from tests.builders import codes, month, nir_with_key, request, run


def test_base_request_is_granted() -> None:
    result = run(request())
    assert result.decision is Decision.GRANTED
    assert result.reasons == () and result.missing == ()


@pytest.mark.parametrize(
    ("birth", "decision"),
    [
        ("2008-03-11", Decision.GRANTED),  # sixteenth birthday on the start day
        ("2008-03-12", Decision.REJECTED),  # one day short
        ("2008-03-10", Decision.GRANTED),
    ],
)
def test_age_on_the_start_date(birth: str, decision: Decision) -> None:
    nir = nir_with_key("20803" + "76540123")
    result = run(request(trainee__birth_date=birth, documents__vitale__nir=nir))
    assert result.decision is decision
    if decision is Decision.REJECTED:
        assert codes(result) == [("AGE_BELOW_MINIMUM", "remuneration")]
        assert "15 ans" in result.reasons[0].message and "16 ans" in result.reasons[0].message


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"training__approved_for_remuneration": False}, "TRAINING_NOT_APPROVED"),
        ({"training__total_hours": 39.5}, "TRAINING_TOO_SHORT"),
        ({"trainee__status": "other"}, "STATUS_NOT_ELIGIBLE"),
        ({"trainee__france_travail_registered": False}, "NOT_REGISTERED_JOB_SEEKER"),
        ({"trainee__france_travail_indemnity": "are"}, "INDEMNIFIED_BY_FRANCE_TRAVAIL"),
        ({"trainee__france_travail_indemnity": "aref"}, "INDEMNIFIED_BY_FRANCE_TRAVAIL"),
        ({"trainee__france_travail_indemnity": "rff"}, "INDEMNIFIED_BY_FRANCE_TRAVAIL"),
    ],
)
def test_each_failing_condition_rejects(changes: dict[str, object], code: str) -> None:
    result = run(request(**changes, months=[month("2024-03", 105, 105)]))
    assert result.decision is Decision.REJECTED
    assert codes(result) == [(code, "remuneration")]
    assert result.lines == ()


def test_forty_hours_is_enough() -> None:
    assert run(request(training__total_hours=40)).decision is Decision.GRANTED


def insertion(**values: object) -> dict[str, object]:
    data: dict[str, object] = {
        "contract": "PEC",
        "are_complement": False,
        "training_hours_outside_work": 90,
    }
    data.update(values)
    return data


@pytest.mark.parametrize("contract", ["PEC", "SIAE", "EBE_CDI", "ADULTE_RELAIS"])
def test_eligible_insertion_contracts(contract: str) -> None:
    data = request(
        trainee__status="insertion_employee", trainee__insertion=insertion(contract=contract)
    )
    assert run(data).decision is Decision.GRANTED


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"contract": "CDI"}, "INSERTION_CONTRACT_NOT_ELIGIBLE"),
        ({"are_complement": True}, "INSERTION_ARE_COMPLEMENT"),
        ({"training_hours_outside_work": 0}, "INSERTION_NO_HOURS_OUTSIDE_WORK"),
    ],
)
def test_insertion_conditions(values: dict[str, object], code: str) -> None:
    data = request(trainee__status="insertion_employee", trainee__insertion=insertion(**values))
    result = run(data)
    assert result.decision is Decision.REJECTED
    assert codes(result) == [(code, "remuneration")]


def test_every_failing_condition_is_reported_not_only_the_first() -> None:
    result = run(
        request(
            trainee__birth_date="2010-01-01",
            training__approved_for_remuneration=False,
            training__total_hours=20,
            trainee__france_travail_registered=False,
            trainee__france_travail_indemnity="are",
            documents__vitale__nir=None,
        )
    )
    assert [code for code, _ in codes(result)] == [
        "AGE_BELOW_MINIMUM",
        "TRAINING_NOT_APPROVED",
        "TRAINING_TOO_SHORT",
        "NOT_REGISTERED_JOB_SEEKER",
        "INDEMNIFIED_BY_FRANCE_TRAVAIL",
    ]


@pytest.mark.parametrize(
    ("field", "path"),
    [
        ("trainee__birth_date", "trainee.birth_date"),
        ("trainee__status", "trainee.status"),
        ("trainee__france_travail_registered", "trainee.france_travail_registered"),
        ("trainee__france_travail_indemnity", "trainee.france_travail_indemnity"),
        ("training__approved_for_remuneration", "training.approved_for_remuneration"),
        ("training__total_hours", "training.total_hours"),
        ("training__start_date", "training.start_date"),
    ],
)
def test_unknown_input_is_never_false_or_zero(field: str, path: str) -> None:
    result = run(request(**{field: ...}))
    assert result.decision is Decision.INCOMPLETE
    assert path in result.missing
    assert result.lines == ()


def test_unknown_null_is_the_same_as_absent() -> None:
    absent = run(request(trainee__france_travail_indemnity=...))
    null = run(request(trainee__france_travail_indemnity=None))
    assert absent.to_dict() == null.to_dict()


def test_a_known_failure_rejects_even_with_unknowns() -> None:
    result = run(
        request(trainee__france_travail_registered=..., trainee__france_travail_indemnity="are")
    )
    assert result.decision is Decision.REJECTED
    assert result.missing == ("trainee.france_travail_registered",)


@pytest.mark.parametrize(
    ("insertion_value", "missing"),
    [
        (
            None,
            [
                "trainee.insertion.contract",
                "trainee.insertion.are_complement",
                "trainee.insertion.training_hours_outside_work",
            ],
        ),
        (
            {"contract": "PEC"},
            ["trainee.insertion.are_complement", "trainee.insertion.training_hours_outside_work"],
        ),
    ],
)
def test_unknown_insertion_facts(insertion_value: object, missing: list[str]) -> None:
    result = run(request(trainee__status="insertion_employee", trainee__insertion=insertion_value))
    assert result.decision is Decision.INCOMPLETE
    assert list(result.missing) == missing


def test_insertion_employee_needs_no_france_travail_facts() -> None:
    data = request(
        trainee__status="insertion_employee",
        trainee__insertion=insertion(),
        trainee__france_travail_indemnity=None,
        trainee__france_travail_registered=None,
    )
    result = run(data)
    assert result.decision is Decision.GRANTED
    assert result.missing == ()


def test_an_insertion_contract_needs_the_start_date_to_be_judged() -> None:
    """The list of eligible contracts is the one in force on the training start: without the
    start date the contract is not judged (no refusal), the dossier is incomplete."""
    data = request(
        trainee__status="insertion_employee",
        trainee__insertion=insertion(contract="CDI"),
        training__start_date=...,
    )
    result = run(data)
    assert result.decision is Decision.INCOMPLETE
    assert "training.start_date" in result.missing
    assert "INSERTION_CONTRACT_NOT_ELIGIBLE" not in [code for code, _ in codes(result)]
