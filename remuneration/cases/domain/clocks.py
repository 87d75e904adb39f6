"""Service-level clocks computed from a case's history and ``now``.

Three clocks per case:

- first response: from creation to the first answer of an agent (an outbound message that is
  not an automatic notice), or to the resolution if that comes first;
- next response: one cycle per trainee message received after the first response and not yet
  answered; it starts at the oldest unanswered trainee message (a second message does not push
  the deadline back) and ends at the next answer or resolution;
- resolution: from creation to the resolution still in force (a reopened case runs again).

Every clock is paused while the case is ``waiting_trainee`` (the ball is in the trainee's court)
and while it is ``resolved`` (a reopen resumes it). A clock of a merged or closed case that had
not ended is ``stopped``: nobody answers in that case any more, the surviving case carries the
request. Targets are business durations, so only opening time counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from ._instants import to_utc
from .business_calendar import BusinessCalendar
from .history import CaseEvent, CaseHistory, MessageRecorded, StatusChanged, StatusSpan
from .service_levels import ClockKind, SlaTargets
from .vocabulary import CaseStatus

__all__ = [
    "PAUSING_STATUSES",
    "CaseClocks",
    "ClockResult",
    "ClockState",
    "compute_case_clocks",
]

PAUSING_STATUSES: frozenset[CaseStatus] = frozenset(
    {CaseStatus.WAITING_TRAINEE, CaseStatus.RESOLVED}
)
_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


class ClockState(StrEnum):
    """Where a clock stands at ``now``."""

    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"
    STOPPED = "stopped"


@dataclass(frozen=True)
class ClockResult:
    """One clock at ``now``.

    ``due`` is None only while paused (the deadline moves with the pause); for a met clock it is
    the deadline it had. ``used`` and ``target`` are business time; ``remaining`` is negative
    once breached. ``percent_used`` is for display (two decimals); ``at_risk`` is decided on
    exact values.
    """

    kind: ClockKind
    started_at: datetime
    target: timedelta
    used: timedelta
    due: datetime | None
    state: ClockState
    completed_at: datetime | None
    at_risk: bool

    @property
    def remaining(self) -> timedelta:
        """Business time left before the deadline (negative once breached)."""
        return self.target - self.used

    @property
    def percent_used(self) -> Decimal:
        """Share of the target used, in percent, two decimals."""
        ratio = Decimal(_microseconds(self.used)) * _HUNDRED / Decimal(_microseconds(self.target))
        return ratio.quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CaseClocks:
    """The clocks of one case; ``next_response`` is the latest cycle (None before any)."""

    first_response: ClockResult
    next_response: ClockResult | None
    resolution: ClockResult
    next_response_cycles: tuple[ClockResult, ...] = ()

    def all(self) -> tuple[ClockResult, ...]:
        """Every clock and every next-response cycle, for alerting."""
        return (self.first_response, *self.next_response_cycles, self.resolution)


@dataclass(frozen=True)
class _Window:
    """When a clock runs (pauses aside): ``end`` None while it has not ended."""

    start: datetime
    end: datetime | None = None
    ending: ClockState | None = None


@dataclass(frozen=True)
class _Context:
    spans: tuple[StatusSpan, ...]
    calendar: BusinessCalendar
    now: datetime
    at_risk_percent: Decimal


def compute_case_clocks(
    history: CaseHistory,
    *,
    targets: SlaTargets,
    calendar: BusinessCalendar,
    now: datetime,
    at_risk_percent: Decimal,
) -> CaseClocks:
    """The three clocks of a case as they stand at ``now`` (events after ``now`` are ignored)."""
    events = history.until(now)
    context = _Context(history.status_spans(now), calendar, to_utc(now), at_risk_percent)
    first_window, first_end_index = _first_response_window(history, events)
    first = _evaluate(ClockKind.FIRST_RESPONSE, first_window, targets.first_response, context)
    cycles = tuple(
        _evaluate(ClockKind.NEXT_RESPONSE, window, targets.next_response, context)
        for window in _next_response_windows(first_window, events[first_end_index + 1 :])
    )
    resolution = _evaluate(
        ClockKind.RESOLUTION, _resolution_window(history, events), targets.resolution, context
    )
    return CaseClocks(
        first_response=first,
        next_response=cycles[-1] if cycles else None,
        resolution=resolution,
        next_response_cycles=cycles,
    )


def _response_ending(event: CaseEvent) -> ClockState | None:
    """How an event ends a response clock: an answer or a resolution meets it."""
    if isinstance(event, MessageRecorded):
        return ClockState.MET if event.is_answer else None
    if event.status is CaseStatus.RESOLVED:
        return ClockState.MET
    if event.status in (CaseStatus.MERGED, CaseStatus.CLOSED):
        return ClockState.STOPPED
    return None


def _first_response_window(
    history: CaseHistory, events: Sequence[CaseEvent]
) -> tuple[_Window, int]:
    start = to_utc(history.created_at)
    for index, event in enumerate(events):
        ending = _response_ending(event)
        if ending is not None:
            return _Window(start, to_utc(event.at), ending), index
    return _Window(start), len(events)


def _next_response_windows(first: _Window, events: Sequence[CaseEvent]) -> list[_Window]:
    if first.ending is not ClockState.MET:
        return []
    windows: list[_Window] = []
    start: datetime | None = None
    for event in events:
        ending = _response_ending(event)
        if start is None:
            if isinstance(event, MessageRecorded) and event.is_from_trainee:
                start = to_utc(event.at)
        elif ending is not None:
            windows.append(_Window(start, to_utc(event.at), ending))
            start = None
        if ending is ClockState.STOPPED:
            break
    if start is not None:
        windows.append(_Window(start))
    return windows


def _resolution_window(history: CaseHistory, events: Sequence[CaseEvent]) -> _Window:
    start = to_utc(history.created_at)
    status_changes = [e for e in events if isinstance(e, StatusChanged)]
    if not status_changes:
        return _Window(start)
    last = status_changes[-1]
    if last.status is CaseStatus.MERGED:
        return _Window(start, to_utc(last.at), ClockState.STOPPED)
    if last.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        resolved = [e for e in status_changes if e.status is CaseStatus.RESOLVED] or [last]
        return _Window(start, to_utc(resolved[-1].at), ClockState.MET)
    return _Window(start)


def _evaluate(
    kind: ClockKind, window: _Window, target: timedelta, context: _Context
) -> ClockResult:
    horizon = window.end or context.now
    calendar = context.calendar
    used, due = _consume(_active_segments(context.spans, window.start, horizon), target, calendar)
    paused = window.end is None and context.spans[-1].status in PAUSING_STATUSES
    if due is None and not paused:
        due = calendar.add_business_duration(horizon, target - used)
    state = _state(window.ending, breached=used > target, paused=paused)
    threshold_reached = _microseconds(used) * _HUNDRED >= context.at_risk_percent * _microseconds(
        target
    )
    return ClockResult(
        kind=kind,
        started_at=window.start.astimezone(calendar.timezone),
        target=target,
        used=used,
        due=due,
        state=state,
        completed_at=None if window.end is None else window.end.astimezone(calendar.timezone),
        at_risk=state in (ClockState.RUNNING, ClockState.PAUSED) and threshold_reached,
    )


def _active_segments(
    spans: Sequence[StatusSpan], start: datetime, horizon: datetime
) -> list[tuple[datetime, datetime]]:
    """The parts of [start, horizon] spent in a status that does not pause the clocks."""
    segments: list[tuple[datetime, datetime]] = []
    for span in spans:
        if span.status in PAUSING_STATUSES:
            continue
        low = max(span.start, start)
        high = horizon if span.end is None else min(span.end, horizon)
        if high > low:
            segments.append((low, high))
    return segments


def _consume(
    segments: Sequence[tuple[datetime, datetime]], target: timedelta, calendar: BusinessCalendar
) -> tuple[timedelta, datetime | None]:
    """Business time used over the segments, and the deadline if the target was reached."""
    used = timedelta(0)
    due: datetime | None = None
    for start, end in segments:
        length = calendar.business_duration_between(start, end)
        if due is None and used + length >= target:
            due = calendar.add_business_duration(start, target - used)
        used += length
    return used, due


def _state(ending: ClockState | None, *, breached: bool, paused: bool) -> ClockState:
    if breached:
        return ClockState.BREACHED
    if ending is not None:
        return ending
    return ClockState.PAUSED if paused else ClockState.RUNNING


def _microseconds(duration: timedelta) -> int:
    return duration // timedelta(microseconds=1)
