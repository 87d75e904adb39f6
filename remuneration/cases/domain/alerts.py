"""At-risk and breach alerts: which ones to fire now, each exactly once.

A job recomputes the clocks of the active cases and calls :func:`alerts_to_fire` with the keys
it already stored; it stores the returned keys (a unique constraint on the key makes the firing
idempotent even if two runs overlap), notifies the supervisor and, for a breach, may raise the
priority (:func:`escalated_priority`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from ._instants import require_aware
from .clocks import ClockResult, ClockState
from .service_levels import ClockKind
from .vocabulary import PRIORITY_ORDER, Priority

__all__ = [
    "AlertKey",
    "AlertLevel",
    "SlaAlert",
    "alerts_to_fire",
    "escalated_priority",
]


class AlertLevel(StrEnum):
    """The two service-level alerts."""

    AT_RISK = "at_risk"
    BREACHED = "breached"


@dataclass(frozen=True, order=True)
class AlertKey:
    """Identifies one alert of one clock cycle of a case; stored to fire it once."""

    clock: ClockKind
    cycle_started_at: datetime
    level: AlertLevel

    def __post_init__(self) -> None:
        utc = require_aware(self.cycle_started_at).astimezone(UTC)
        object.__setattr__(self, "cycle_started_at", utc)

    @property
    def token(self) -> str:
        """A stable text form, e.g. ``resolution:2024-07-08T07:00:00+00:00:breached``."""
        return f"{self.clock.value}:{self.cycle_started_at.isoformat()}:{self.level.value}"


@dataclass(frozen=True)
class SlaAlert:
    """An alert to fire now: the key to store, the deadline and how much time was used."""

    key: AlertKey
    due: datetime | None
    percent_used: Decimal
    detected_at: datetime


def alerts_to_fire(
    clocks: Iterable[ClockResult],
    *,
    already_fired: Collection[AlertKey],
    now: datetime,
) -> tuple[SlaAlert, ...]:
    """The alerts that are due and were never fired.

    A breached clock fires its breach (also when it was met late: the commitment was missed).
    A clock at risk fires its at-risk alert unless it is already breached: the breach says more,
    and a supervisor does not need two notices for one late case.
    """
    require_aware(now)
    alerts: list[SlaAlert] = []
    for clock in clocks:
        level = _level(clock)
        if level is None:
            continue
        key = AlertKey(clock=clock.kind, cycle_started_at=clock.started_at, level=level)
        if key not in already_fired:
            alerts.append(
                SlaAlert(key=key, due=clock.due, percent_used=clock.percent_used, detected_at=now)
            )
    return tuple(alerts)


def escalated_priority(priority: Priority, *, level: AlertLevel, raise_on_breach: bool) -> Priority:
    """The priority after an alert: one step up on a breach when the policy says so."""
    if level is not AlertLevel.BREACHED or not raise_on_breach:
        return priority
    index = PRIORITY_ORDER.index(priority)
    return PRIORITY_ORDER[min(index + 1, len(PRIORITY_ORDER) - 1)]


def _level(clock: ClockResult) -> AlertLevel | None:
    if clock.state is ClockState.BREACHED:
        return AlertLevel.BREACHED
    if clock.at_risk:
        return AlertLevel.AT_RISK
    return None
