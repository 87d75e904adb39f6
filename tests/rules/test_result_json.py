"""The canonical bytes written directly (``rules.result_json``) are those of the generic encoder."""

from __future__ import annotations

import json

from rules import (
    EvaluationResult,
    InputError,
    default_store,
    evaluate,
    evaluate_request,
    loads,
    parse_request,
    result_to_json,
)
from tests.builders import TODAY, request

from .output_digest import varied_requests


def generic(result: EvaluationResult) -> bytes:
    text = json.dumps(result.to_dict(), ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def test_same_bytes_as_the_generic_encoder_on_varied_results() -> None:
    compared = 0
    for body in varied_requests(300):
        try:
            req = parse_request(loads(body), today=TODAY)
        except InputError:
            continue
        result = evaluate_request(req, default_store())
        assert result_to_json(result) == generic(result)
        compared += 1
    assert compared > 150


def test_text_that_json_must_escape_is_escaped_the_same_way() -> None:
    odd = 'C"D\\I\n\t\x01\x7f\u2028é😀'
    data = request(
        trainee__status="insertion_employee",
        trainee__insertion={
            "contract": odd,
            "are_complement": False,
            "training_hours_outside_work": 10,
        },
    )
    result = evaluate(data, today=TODAY)
    assert any(odd in reason.message for reason in result.reasons)
    assert result_to_json(result) == generic(result)
    messages = [reason["message"] for reason in json.loads(result_to_json(result))["reasons"]]
    assert any(odd in message for message in messages)
