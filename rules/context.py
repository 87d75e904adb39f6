"""The working state of one evaluation: the parameter store, reasons and missing inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rules.decisions import Reason
from rules.parameters import ParameterStore, ParameterValue
from rules.reasons import RULE_OF, ReasonCode

__all__ = ["Evaluation"]


@dataclass(slots=True)
class Evaluation:
    """Collects every reason and every unknown input, in the order the rules are checked."""

    store: ParameterStore
    reasons: list[Reason] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    needs: int = 0

    def param(self, parameter_id: str, day: date) -> ParameterValue:
        return self.store.at(parameter_id, day)

    def need(self, path: str) -> None:
        """Record an unknown input a rule needs (each path once; every call counted)."""
        self.needs += 1
        if path not in self.missing:
            self.missing.append(path)

    def fail(self, code: ReasonCode, scope: str, message: str) -> Reason:
        reason = Reason(code=code.value, scope=scope, rule=RULE_OF[code], message=message)
        self.reasons.append(reason)
        return reason
