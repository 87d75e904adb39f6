"""Service-level policy: the target of each clock for a (category, priority) and channel.

Targets are business durations (``timedelta`` of opening time, see ``business_calendar``). The
channel ceilings on the first response encode public commitments (one week for an electronic
request, two for a postal one) and therefore win over any category or priority setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from .errors import CaseConfigurationError
from .vocabulary import Category, Channel, Priority

__all__ = [
    "CLOCK_LABELS",
    "ClockKind",
    "ServiceLevelPolicy",
    "SlaTargets",
    "TargetOverride",
]


class ClockKind(StrEnum):
    """The three service-level clocks of a case."""

    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    RESOLUTION = "resolution"


CLOCK_LABELS = MappingProxyType(
    {
        ClockKind.FIRST_RESPONSE: "première réponse",
        ClockKind.NEXT_RESPONSE: "réponse suivante",
        ClockKind.RESOLUTION: "résolution",
    }
)
"""French names of the clocks, as agents and supervisors read them."""


@dataclass(frozen=True)
class SlaTargets:
    """The business-time targets that apply to one case."""

    first_response: timedelta
    next_response: timedelta
    resolution: timedelta
    written_answer_required: bool = False

    def __post_init__(self) -> None:
        for kind in ClockKind:
            if self.for_clock(kind) <= timedelta(0):
                raise CaseConfigurationError(
                    f"Le délai « {kind.value} » doit être strictement positif."
                )

    def for_clock(self, kind: ClockKind) -> timedelta:
        """The target of one clock."""
        if kind is ClockKind.FIRST_RESPONSE:
            return self.first_response
        if kind is ClockKind.NEXT_RESPONSE:
            return self.next_response
        return self.resolution


@dataclass(frozen=True)
class TargetOverride:
    """Targets replaced for a category (``priority`` None: all priorities) or a pair."""

    category: Category
    priority: Priority | None = None
    first_response: timedelta | None = None
    next_response: timedelta | None = None
    resolution: timedelta | None = None
    written_answer_required: bool | None = None

    def apply(self, targets: SlaTargets) -> SlaTargets:
        """``targets`` with the values this override sets."""
        return replace(
            targets,
            first_response=self.first_response or targets.first_response,
            next_response=self.next_response or targets.next_response,
            resolution=self.resolution or targets.resolution,
            written_answer_required=(
                targets.written_answer_required
                if self.written_answer_required is None
                else self.written_answer_required
            ),
        )


@dataclass(frozen=True)
class ServiceLevelPolicy:
    """The policy in force from ``valid_from``, with its source (see service_levels.yaml)."""

    valid_from: date
    source: str
    by_priority: Mapping[Priority, SlaTargets]
    overrides: tuple[TargetOverride, ...]
    first_response_ceilings: Mapping[Channel, timedelta]
    at_risk_percent: Decimal
    raise_priority_on_breach: bool

    def __post_init__(self) -> None:
        missing = [p.value for p in Priority if p not in self.by_priority]
        if missing:
            raise CaseConfigurationError(
                f"Délais manquants pour les priorités : {', '.join(missing)}."
            )
        keys = [(o.category, o.priority) for o in self.overrides]
        if len(keys) != len(set(keys)):
            raise CaseConfigurationError("Un motif (et priorité) a plusieurs délais particuliers.")
        if not Decimal(0) < self.at_risk_percent < Decimal(100):
            raise CaseConfigurationError("Le seuil « à risque » doit être entre 0 et 100 %.")

    def targets_for(
        self, *, category: Category, priority: Priority, channel: Channel
    ) -> SlaTargets:
        """Targets of a case: priority default, then category, then (category, priority) override,
        then the channel ceiling on the first response."""
        targets = self.by_priority[priority]
        for wanted in (None, priority):
            for override in self.overrides:
                if override.category is category and override.priority is wanted:
                    targets = override.apply(targets)
        ceiling = self.first_response_ceilings.get(channel)
        if ceiling is not None and ceiling < targets.first_response:
            targets = replace(targets, first_response=ceiling)
        return targets
