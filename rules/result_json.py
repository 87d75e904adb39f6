"""The canonical bytes of an evaluation result, written directly rather than through a dict.

The contract's bytes are ``json.dumps(result.to_dict(), ensure_ascii=False,
separators=(",", ":"))`` and a newline. Building that dict (some forty small dicts and lists)
and walking it with the generic encoder cost as much as the evaluation itself; this module
writes the same text piece by piece: every string through the very function the encoder uses
(``json.encoder.encode_basestring``), and the JSON of a line's parameters — the same few
parameter values on every line — once per parameter set. ``tests/rules/test_result_json.py``
checks the bytes against the generic encoder on every kind of result.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from json.encoder import encode_basestring

from rules.decisions import (
    AidDecision,
    Decision,
    EvaluationResult,
    Line,
    LineKind,
    Reason,
    UsedParameter,
)
from rules.money import format_money

__all__ = ["result_json"]

_string: Callable[[str], str] = encode_basestring
_DECISIONS = {decision: _string(decision.value) for decision in Decision}
_KINDS = {kind: '{"kind":' + _string(kind.value) + ',"period":"' for kind in LineKind}


@lru_cache(maxsize=4096)
def _parameters(parameters: tuple[UsedParameter, ...]) -> str:
    """The JSON list of a line's parameters (values of one parameter set: built once)."""
    return "[" + ",".join(_object(p.to_dict()) for p in parameters) + "]"


def _object(data: dict[str, str]) -> str:
    return "{" + ",".join(f"{_string(key)}:{_string(value)}" for key, value in data.items()) + "}"


@lru_cache(maxsize=4096)
def _period(ordinal: int) -> str:
    """A month's ``AAAA-MM`` (``Month.ordinal``), written once."""
    year, index = divmod(ordinal, 12)
    return f"{year:04d}-{index + 1:02d}"


def _line(line: Line) -> str:
    return (
        f'{_KINDS[line.kind]}{_period(line.period.ordinal)}","amount":"'
        f'{format_money(line.amount)}","rule":{_string(line.rule)},"explanation":'
        f'{_string(line.render())},"parameters":{_parameters(line.parameters)}}}'
    )


def _reason(reason: Reason) -> str:
    return (
        f'{{"code":{_string(reason.code)},"scope":{_string(reason.scope)},"message":'
        f'{_string(reason.message)},"rule":{_string(reason.rule)}}}'
    )


def _aid(aid: AidDecision) -> str:
    amount = "null" if aid.amount is None else f'"{format_money(aid.amount)}"'
    return (
        f'{{"index":{aid.index:d},"kind":{_string(aid.kind)},"decision":'
        f'{_DECISIONS[aid.decision]},"amount":{amount},"reasons":'
        f"[{','.join(map(_string, aid.reasons))}]}}"
    )


def result_json(result: EvaluationResult) -> bytes:
    """``result.to_dict()`` as canonical JSON text (compact, UTF-8, a final newline)."""
    text = (
        f'{{"decision":{_DECISIONS[result.decision]},'
        f'"reasons":[{",".join(map(_reason, result.reasons))}],'
        f'"missing":[{",".join(map(_string, result.missing))}],'
        f'"lines":[{",".join(map(_line, result.lines))}],'
        f'"aid_decisions":[{",".join(map(_aid, result.aid_decisions))}],'
        f'"total":"{format_money(result.total)}",'
        f'"as_of":{_string(result.as_of)},'
        f'"rules_version":{_string(result.rules_version)},'
        f'"parameters_digest":{_string(result.parameters_digest)}}}\n'
    )
    return text.encode()
