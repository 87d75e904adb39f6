"""The worked examples of the specification, whole, through the library door."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rules import InputError, evaluate, result_to_json
from tests.builders import TODAY

EXAMPLES = sorted((Path(__file__).parent / "examples").glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    """The contract's fields, reduced to what the examples state."""
    return {
        "decision": result["decision"],
        "reasons": [{"code": r["code"], "scope": r["scope"]} for r in result["reasons"]],
        "missing": result["missing"],
        "lines": [
            {"kind": line["kind"], "period": line["period"], "amount": line["amount"]}
            for line in result["lines"]
        ],
        "aid_decisions": result["aid_decisions"],
        "total": result["total"],
    }


def test_every_example_is_present() -> None:
    assert len(EXAMPLES) >= 7


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_through_the_library(path: Path) -> None:
    example = load(path)
    expected = example["expected"]
    if "error" in expected:
        with pytest.raises(InputError) as caught:
            evaluate(example["request"], today=TODAY)
        assert caught.value.summary == expected["error"]
        return
    result = evaluate(example["request"], today=TODAY).to_dict()
    assert comparable(result) == expected
    for line in result["lines"]:
        assert line["explanation"], "every line is explained"
        assert line["rule"]
    for reason in result["reasons"]:
        assert reason["message"] and reason["rule"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_same_input_same_bytes(path: Path) -> None:
    example = load(path)
    if "error" in example["expected"]:
        return
    first = result_to_json(evaluate(example["request"], today=TODAY))
    second = result_to_json(evaluate(json.loads(json.dumps(example["request"])), today=TODAY))
    assert first == second
    assert json.loads(first)["parameters_digest"]
    assert json.loads(first)["rules_version"]
