"""An evaluation result read back from its JSON form (what a decision record keeps) into typed,
frozen objects: the engine's words (``Decision``, ``LineKind``, ``AidKind``, ``Month``) and money
as ``Decimal``, never a float.

The result is checked as strictly as a request is: an unknown decision, kind or month, an amount
that is not a decimal text to the cent, or a total that is not the sum of the lines raises
``ResultError``. Fields the reader does not need (``as_of``, ``rules_version``…) are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from rules.decisions import Decision, LineKind
from rules.errors import ResultError
from rules.facts import AidKind
from rules.periods import Month

__all__ = ["RecordedAid", "RecordedLine", "RecordedReason", "RecordedResult", "read_result"]

E = TypeVar("E", bound=StrEnum)
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class RecordedReason:
    code: str
    scope: str
    message: str
    rule: str


@dataclass(frozen=True, slots=True)
class RecordedLine:
    """One line; ``parameters`` maps each used parameter's id to its value as shown."""

    kind: LineKind
    period: Month
    amount: Decimal
    rule: str
    explanation: str
    parameters: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class RecordedAid:
    index: int
    kind: AidKind
    decision: Decision
    amount: Decimal | None
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecordedResult:
    decision: Decision
    reasons: tuple[RecordedReason, ...]
    missing: tuple[str, ...]
    lines: tuple[RecordedLine, ...]
    aid_decisions: tuple[RecordedAid, ...]
    total: Decimal


def _money(raw: object, where: str) -> Decimal:
    if not isinstance(raw, str | Decimal):
        raise ResultError(f"{where} : montant en texte attendu (jamais un nombre flottant)")
    try:
        value = Decimal(raw)
        exact = value.is_finite() and value == value.quantize(_CENT)
    except InvalidOperation:
        exact = False
    if not exact:
        raise ResultError(f"{where} : montant au centime attendu")
    return value


def _str(data: Mapping[str, Any], key: str, where: str, *, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ResultError(f"{where}.{key} : texte attendu")
    return value


def _choice(data: Mapping[str, Any], key: str, where: str, kind: type[E]) -> E:
    value = _str(data, key, where)
    try:
        return kind(value)
    except ValueError:
        raise ResultError(f"{where}.{key} : valeur inconnue {value!r}") from None


def _list(data: Mapping[str, Any], key: str) -> Sequence[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ResultError(f"{key} : liste attendue")
    return value


def _texts(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = _list(data, key)
    if not all(isinstance(item, str) for item in value):
        raise ResultError(f"{where}{key} : liste de textes attendue")
    return tuple(value)


def _obj(raw: object, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise ResultError(f"{where} : objet attendu")
    return raw


def _line(raw: object, where: str) -> RecordedLine:
    data = _obj(raw, where)
    period = _str(data, "period", where)
    try:
        month = Month.parse(period)
    except ValueError:
        raise ResultError(f"{where}.period : mois AAAA-MM attendu") from None
    parameters = {
        _str(p, "id", f"{where}.parameters"): _str(p, "value", f"{where}.parameters")
        for p in (_obj(item, f"{where}.parameters") for item in _list(data, "parameters"))
    }
    return RecordedLine(
        kind=_choice(data, "kind", where, LineKind),
        period=month,
        amount=_money(data.get("amount"), f"{where}.amount"),
        rule=_str(data, "rule", where, default=""),
        explanation=_str(data, "explanation", where, default=""),
        parameters=parameters,
    )


def _aid(raw: object, where: str) -> RecordedAid:
    data = _obj(raw, where)
    index, amount = data.get("index"), data.get("amount")
    if not isinstance(index, int) or isinstance(index, bool):
        raise ResultError(f"{where}.index : entier attendu")
    return RecordedAid(
        index=index,
        kind=_choice(data, "kind", where, AidKind),
        decision=_choice(data, "decision", where, Decision),
        amount=None if amount is None else _money(amount, f"{where}.amount"),
        reasons=_texts(data, "reasons", f"{where}."),
    )


def _reason(raw: object) -> RecordedReason:
    data = _obj(raw, "reasons[]")
    return RecordedReason(
        code=_str(data, "code", "reasons"),
        scope=_str(data, "scope", "reasons"),
        message=_str(data, "message", "reasons", default=""),
        rule=_str(data, "rule", "reasons", default=""),
    )


def read_result(result: Mapping[str, Any]) -> RecordedResult:
    """Read an evaluation result (the contract's JSON object, e.g. ``json.loads`` of the bytes
    of ``rules.result_to_json``); raises ``ResultError`` when it is off the contract."""
    data = _obj(result, "result")
    decision = _choice(data, "decision", "result", Decision)
    lines = tuple(_line(raw, f"lines[{i}]") for i, raw in enumerate(_list(data, "lines")))
    aids = tuple(
        _aid(raw, f"aid_decisions[{i}]") for i, raw in enumerate(_list(data, "aid_decisions"))
    )
    total = _money(data.get("total"), "total")
    if sum((line.amount for line in lines), Decimal(0)) != total:
        raise ResultError("total : différent de la somme des lignes")
    return RecordedResult(
        decision=decision,
        reasons=tuple(_reason(raw) for raw in _list(data, "reasons")),
        missing=_texts(data, "missing", ""),
        lines=lines,
        aid_decisions=aids,
        total=total,
    )
