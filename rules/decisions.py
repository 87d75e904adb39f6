"""What an evaluation gives: the decision, its reasons, lines with their traces, aid decisions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from rules.money import ZERO, format_money
from rules.parameters.schema import Band, ParameterValue
from rules.periods import Month

__all__ = [
    "KIND_ORDER",
    "AidDecision",
    "Decision",
    "EvaluationResult",
    "Line",
    "LineKind",
    "Reason",
    "UsedParameter",
    "new_tuple",
]

_T = TypeVar("_T", bound=tuple[Any, ...])

if TYPE_CHECKING:

    def new_tuple(cls: type[_T], values: tuple[Any, ...], /) -> _T:
        """A named tuple built from a plain tuple of all its fields, in order."""

else:
    # ``tuple.__new__`` itself: the named tuple's generated ``__new__`` is a Python function
    # that only does this, at twice the cost, for every line of every monthly run.
    new_tuple = tuple.__new__


class Decision(StrEnum):
    GRANTED = "granted"
    REJECTED = "rejected"
    INCOMPLETE = "incomplete"


class LineKind(StrEnum):
    ADVANCE = "advance"
    REMUNERATION = "remuneration"
    ADVANCE_RECOVERY = "advance_recovery"
    MOBILITY = "mobility"
    EQUIPMENT = "equipment"
    DRIVING_LICENCE = "driving_licence"
    OVERPAYMENT = "overpayment"


KIND_ORDER = {kind: position for position, kind in enumerate(LineKind)}


@dataclass(frozen=True, slots=True, eq=False)
class UsedParameter:
    """A parameter value as used by a line or a reason (its trace)."""

    value: ParameterValue
    shown: str
    detail: str | None = None

    @classmethod
    def of(cls, value: ParameterValue, *, band: Band | None = None) -> UsedParameter:
        return _used(value, band)

    @classmethod
    def build(cls, value: ParameterValue, band: Band | None) -> UsedParameter:
        if band is not None:
            return cls(value, format_money(band.amount), f"tranche à partir de {band.lower} km")
        raw = value.value
        if isinstance(raw, bool):
            shown = "true" if raw else "false"
        elif isinstance(raw, Decimal | int):
            shown = str(raw)
        else:
            shown = " ".join(str(item) for item in raw)
        return cls(value, shown)

    def to_dict(self) -> dict[str, str]:
        return dict(_used_dict(self))

    def build_dict(self) -> dict[str, str]:
        data = {
            "id": self.value.parameter_id,
            "value": self.shown,
            "in_force_from": self.value.in_force_from.isoformat(),
            "source": self.value.source,
        }
        if self.detail:
            data["detail"] = self.detail
        return data


@lru_cache(maxsize=1024)
def _used(value: ParameterValue, band: Band | None) -> UsedParameter:
    return UsedParameter.build(value, band)


@lru_cache(maxsize=1024)
def _used_dict(used: UsedParameter) -> dict[str, str]:
    return used.build_dict()


@dataclass(frozen=True, slots=True)
class Reason:
    """A failed condition, a document problem or an aid refusal, explained in French."""

    code: str
    scope: str
    rule: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "scope": self.scope, "message": self.message, "rule": self.rule}


class Line(NamedTuple):
    """One amount for one month and one kind; its explanation text is rendered on demand.

    A named tuple: immutable, and cheap to build for every line of every monthly run.
    """

    kind: LineKind
    period: Month
    amount: Decimal
    rule: str
    parameters: tuple[UsedParameter, ...]
    render: Callable[[], str]

    @property
    def explanation(self) -> str:
        return self.render()

    def sort_key(self) -> int:
        """Lines sort by month, then in the order of ``LineKind``."""
        return self.period.ordinal * 8 + KIND_ORDER[self.kind]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "period": str(self.period),
            "amount": format_money(self.amount),
            "rule": self.rule,
            "explanation": self.explanation,
            "parameters": [p.to_dict() for p in self.parameters],
        }


@dataclass(frozen=True, slots=True)
class AidDecision:
    index: int
    kind: str
    decision: Decision
    amount: Decimal | None
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "kind": self.kind,
            "decision": self.decision.value,
            "amount": None if self.amount is None else format_money(self.amount),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    """The whole answer of one evaluation, with what is needed to recompute it later."""

    decision: Decision
    reasons: tuple[Reason, ...]
    missing: tuple[str, ...]
    lines: tuple[Line, ...]
    aid_decisions: tuple[AidDecision, ...]
    as_of: str
    rules_version: str
    parameters_digest: str

    @property
    def total(self) -> Decimal:
        return sum([line.amount for line in self.lines], ZERO)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision": self.decision.value,
            "reasons": [r.to_dict() for r in self.reasons],
            "missing": list(self.missing),
            "lines": [line.to_dict() for line in self.lines],
            "aid_decisions": [a.to_dict() for a in self.aid_decisions],
            "total": format_money(self.total),
            "as_of": self.as_of,
            "rules_version": self.rules_version,
            "parameters_digest": self.parameters_digest,
        }
