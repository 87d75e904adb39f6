"""Queue metrics from case snapshots: backlog, service-level compliance, time to resolve, flow.

Definitions (so that a supervisor and an auditor compute the same figures):

- backlog: cases in an active status (``new``, ``open``, ``waiting_trainee``);
- compliance of a clock: among the clocks whose outcome is known (``met`` or ``breached``; a
  running or paused clock is not yet decided, a stopped one no longer applies), the share met,
  in percent with two decimals (half up); per agent (current assignee), per team and overall;
- time to resolve: for cases ``resolved`` or ``closed``, from creation to resolution, in
  calendar time (elapsed real time) and in business time (opening time of the calendar);
- percentiles are nearest-rank: the P-th percentile of N sorted values is the value of rank
  ceil(P × N / 100) (1-based), so it is always an observed value; the median is the 50th
  percentile (for an even N, the lower of the two middle values);
- weekly flow: cases created and resolved per ISO week of the local date (Europe/Paris), every
  week from the first to the last one present, empty weeks included.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from ._instants import to_utc
from .business_calendar import BusinessCalendar
from .clocks import ClockState
from .service_levels import ClockKind
from .vocabulary import ACTIVE_STATUSES, AgentId, CaseId, CaseStatus, Category

__all__ = [
    "REPORTED_CLOCKS",
    "CaseSnapshot",
    "ClockCompliance",
    "Compliance",
    "DurationStats",
    "QueueMetrics",
    "WeekCount",
    "compute_metrics",
    "iso_week",
    "nearest_rank",
]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
_RESOLVED_STATUSES = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})
_CENT = Decimal("0.01")
REPORTED_CLOCKS = (ClockKind.FIRST_RESPONSE, ClockKind.RESOLUTION)
"""The clocks whose compliance is reported (docs/cases.md: first response and resolution)."""


@dataclass(frozen=True)
class CaseSnapshot:
    """One case as the metrics see it (the clock states come from ``compute_case_clocks``)."""

    case_id: CaseId
    status: CaseStatus
    category: Category
    assignee: AgentId | None
    team: str | None
    created_at: datetime
    resolved_at: datetime | None
    first_response: ClockState | None
    resolution: ClockState | None

    def clock_state(self, kind: ClockKind) -> ClockState | None:
        """The state of a reported clock."""
        return self.first_response if kind is ClockKind.FIRST_RESPONSE else self.resolution


@dataclass(frozen=True)
class Compliance:
    """Decided clocks: how many were met, how many breached."""

    met: int = 0
    breached: int = 0

    @property
    def decided(self) -> int:
        """Clocks whose outcome is known."""
        return self.met + self.breached

    @property
    def rate_percent(self) -> Decimal | None:
        """Share met in percent (two decimals, half up); None when nothing is decided."""
        if not self.decided:
            return None
        return (Decimal(self.met) * 100 / Decimal(self.decided)).quantize(
            _CENT, rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class ClockCompliance:
    """Compliance of one clock overall, per agent and per team (None: unassigned / no team)."""

    clock: ClockKind
    overall: Compliance
    by_agent: tuple[tuple[AgentId | None, Compliance], ...]
    by_team: tuple[tuple[str | None, Compliance], ...]


@dataclass(frozen=True)
class DurationStats:
    """Median and 90th percentile (nearest rank) of durations; None when there is none."""

    count: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class WeekCount:
    """Cases created and resolved in one ISO week (``2024-W28``)."""

    week: str
    opened: int
    resolved: int


@dataclass(frozen=True)
class QueueMetrics:
    """Every figure of the metrics report."""

    case_count: int
    backlog_by_status: tuple[tuple[CaseStatus, int], ...]
    backlog_by_category: tuple[tuple[Category, int], ...]
    compliance: tuple[ClockCompliance, ...]
    business_time_to_resolve: DurationStats
    calendar_time_to_resolve: DurationStats
    weekly: tuple[WeekCount, ...]


def nearest_rank(sorted_values: Sequence[T], percent: int) -> T:
    """The ``percent``-th percentile by nearest rank of already sorted values."""
    if not sorted_values or not 0 < percent <= 100:
        raise ValueError("nearest_rank needs values and a percent in ]0, 100]")
    rank = -(-percent * len(sorted_values) // 100)
    return sorted_values[rank - 1]


def iso_week(day: date) -> str:
    """The ISO week of a date, ``YYYY-Www``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def compute_metrics(
    snapshots: Iterable[CaseSnapshot], *, calendar: BusinessCalendar
) -> QueueMetrics:
    """All metrics of a set of cases; ``calendar`` gives business time and local dates."""
    cases = tuple(snapshots)
    backlog = [case for case in cases if case.status in ACTIVE_STATUSES]
    status_counts = Counter(case.status for case in backlog)
    category_counts = Counter(case.category for case in backlog)
    resolved = [case for case in cases if _is_resolved(case)]
    return QueueMetrics(
        case_count=len(cases),
        backlog_by_status=tuple(
            (status, status_counts[status]) for status in CaseStatus if status in ACTIVE_STATUSES
        ),
        backlog_by_category=tuple((category, category_counts[category]) for category in Category),
        compliance=tuple(_clock_compliance(cases, kind) for kind in REPORTED_CLOCKS),
        business_time_to_resolve=_stats(
            [calendar.business_duration_between(c.created_at, _resolved_at(c)) for c in resolved]
        ),
        calendar_time_to_resolve=_stats(
            [to_utc(_resolved_at(c)) - to_utc(c.created_at) for c in resolved]
        ),
        weekly=_weekly(cases, resolved, calendar),
    )


def _is_resolved(case: CaseSnapshot) -> bool:
    return case.status in _RESOLVED_STATUSES and case.resolved_at is not None


def _resolved_at(case: CaseSnapshot) -> datetime:
    assert case.resolved_at is not None
    return case.resolved_at


def _clock_compliance(cases: Sequence[CaseSnapshot], kind: ClockKind) -> ClockCompliance:
    return ClockCompliance(
        clock=kind,
        overall=_compliance(case.clock_state(kind) for case in cases),
        by_agent=_grouped(cases, kind, lambda case: case.assignee),
        by_team=_grouped(cases, kind, lambda case: case.team),
    )


def _grouped(
    cases: Sequence[CaseSnapshot], kind: ClockKind, key: Callable[[CaseSnapshot], K | None]
) -> tuple[tuple[K | None, Compliance], ...]:
    groups: dict[K | None, list[ClockState | None]] = {}
    for case in cases:
        groups.setdefault(key(case), []).append(case.clock_state(kind))
    ordered = sorted(groups, key=lambda group: (group is None, str(group)))
    return tuple((group, _compliance(groups[group])) for group in ordered)


def _compliance(states: Iterable[ClockState | None]) -> Compliance:
    counts = Counter(states)
    return Compliance(met=counts[ClockState.MET], breached=counts[ClockState.BREACHED])


def _stats(durations: list[timedelta]) -> DurationStats:
    if not durations:
        return DurationStats(count=0, median=None, p90=None)
    ordered = sorted(durations)
    return DurationStats(
        count=len(ordered), median=nearest_rank(ordered, 50), p90=nearest_rank(ordered, 90)
    )


def _weekly(
    cases: Sequence[CaseSnapshot], resolved: Sequence[CaseSnapshot], calendar: BusinessCalendar
) -> tuple[WeekCount, ...]:
    opened_days = [calendar.local_date(case.created_at) for case in cases]
    resolved_days = [calendar.local_date(_resolved_at(case)) for case in resolved]
    days = opened_days + resolved_days
    if not days:
        return ()
    opened = Counter(iso_week(day) for day in opened_days)
    closed = Counter(iso_week(day) for day in resolved_days)
    monday = _monday(min(days))
    weeks: list[WeekCount] = []
    while monday <= max(days):
        week = iso_week(monday)
        weeks.append(WeekCount(week=week, opened=opened[week], resolved=closed[week]))
        monday += timedelta(days=7)
    return tuple(weeks)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
