"""A stored result reads back into the engine's words, exactly, or is refused."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from rules import Decision, LineKind, evaluate, result_to_json
from rules.errors import ResultError
from rules.facts import AidKind
from rules.periods import Month
from rules.recorded import read_result
from tests.builders import TODAY, month, request


def _stored() -> dict[str, Any]:
    raw = request(
        months=[month("2024-03", 105, 98, 7), month("2024-04", 140, 140)],
        aid_requests=[
            {"kind": "equipment", "date": "2024-04-02", "invoice_amount": "320.00"},
            {"kind": "driving_licence", "date": "2024-04-02"},
        ],
    )
    loaded: dict[str, Any] = json.loads(result_to_json(evaluate(raw, today=TODAY)))
    return loaded


def test_a_result_reads_back_as_the_engine_gave_it() -> None:
    stored = _stored()
    result = evaluate(
        request(
            months=[month("2024-03", 105, 98, 7), month("2024-04", 140, 140)],
            aid_requests=[
                {"kind": "equipment", "date": "2024-04-02", "invoice_amount": "320.00"},
                {"kind": "driving_licence", "date": "2024-04-02"},
            ],
        ),
        today=TODAY,
    )
    read = read_result(stored)
    assert read.decision is result.decision is Decision.GRANTED
    assert read.total == result.total
    assert [(x.kind, x.period, x.amount, x.rule) for x in read.lines] == [
        (x.kind, x.period, x.amount, x.rule) for x in result.lines
    ]
    assert all(isinstance(x.period, Month) and isinstance(x.kind, LineKind) for x in read.lines)
    assert read.lines[0].explanation == result.lines[0].explanation
    assert read.lines[0].parameters == {
        p.value.parameter_id: p.shown for p in result.lines[0].parameters
    }
    assert [(a.index, a.kind, a.decision, a.amount, a.reasons) for a in read.aid_decisions] == [
        (a.index, AidKind(a.kind), a.decision, a.amount, a.reasons) for a in result.aid_decisions
    ]
    assert read.missing == result.missing
    assert [(r.code, r.scope, r.message, r.rule) for r in read.reasons] == [
        (r.code, r.scope, r.message, r.rule) for r in result.reasons
    ]


def test_amounts_are_decimals_never_floats() -> None:
    read = read_result(_stored())
    assert all(type(x.amount) is Decimal for x in read.lines)
    assert type(read.total) is Decimal


def _broken(**changes: Any) -> dict[str, Any]:
    stored = _stored()
    for key, value in changes.items():
        *parents, leaf = key.split("__")
        node: Any = stored
        for parent in parents:
            node = node[int(parent)] if parent.isdigit() else node[parent]
        node[leaf] = value
    return stored


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"decision": "maybe"}, "decision"),
        ({"total": 12.5}, "jamais un nombre flottant"),
        ({"total": "99.00"}, "somme des lignes"),
        ({"total": "1.001"}, "au centime"),
        ({"total": "NaN"}, "au centime"),
        ({"total": "abc"}, "au centime"),
        ({"lines__0__kind": "bonus"}, "lines[0].kind"),
        ({"lines__0__period": "March"}, "AAAA-MM"),
        ({"lines__0__explanation": 3}, "texte attendu"),
        ({"lines__0__parameters": [1]}, "objet attendu"),
        ({"lines": {}}, "liste attendue"),
        ({"missing": [1]}, "missing"),
        ({"aid_decisions__0__index": True}, "entier"),
        ({"aid_decisions__0__kind": "car"}, "aid_decisions[0].kind"),
        ({"aid_decisions__0__reasons": "none"}, "liste attendue"),
        ({"aid_decisions__0__amount": 320.0}, "aid_decisions[0].amount"),
        ({"reasons": [{"code": "x"}]}, "reasons.scope"),
    ],
)
def test_a_result_off_the_contract_is_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ResultError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_result(_broken(**changes))


def test_not_an_object() -> None:
    with pytest.raises(ResultError, match="objet attendu"):
        read_result([])  # type: ignore[arg-type]
