"""The append-only history of a case: writing events, and reading it back for the clocks.

Every change of a case (status, owner, priority, category, link, message, merge, alert) is one
``case_events`` row with who, when, what, before and after. The service-level clocks are
recomputed from these rows (``history_of``), never kept as counters that could drift.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from remuneration.cases.domain import (
    CaseEvent as ClockEvent,
)
from remuneration.cases.domain import (
    CaseHistory,
    CaseStatus,
    Channel,
    MessageDirection,
    MessageRecorded,
    StatusChanged,
)
from remuneration.cases.models import Case, CaseEvent
from remuneration.cases.services.context import CaseContext
from remuneration.domain.timezone import as_utc

__all__ = [
    "EventAction",
    "histories_of",
    "history_of",
    "list_events",
    "record_case_event",
]


class EventAction:
    """The ``action`` values of ``case_events`` (stable: reports and exports read them)."""

    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    MESSAGE_ADDED = "message_added"
    NOTE_ADDED = "note_added"
    ASSIGNED = "assigned"
    PRIORITY_CHANGED = "priority_changed"
    MERGED = "merged"
    MERGED_IN = "merged_in"
    OCCURRENCE = "occurrence"
    SLA_ALERT = "sla_alert"
    MACRO_APPLIED = "macro_applied"


def record_case_event(
    cctx: CaseContext,
    case: Case,
    *,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> CaseEvent:
    """Append one event to the case's history (flushed, so that its id orders it)."""
    event = CaseEvent(
        case_id=case.id,
        occurred_at=cctx.now,
        actor_id=cctx.actor_id,
        actor_role=None if cctx.actor is None else cctx.actor.role.value,
        action=action,
        before=before,
        after=after,
        request_id=cctx.request_id,
    )
    cctx.session.add(event)
    cctx.session.flush()
    return event


def list_events(session: Session, case_id: uuid.UUID) -> list[CaseEvent]:
    """The events of one case, oldest first."""
    query = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    return list(session.scalars(query))


def _clock_event(event: CaseEvent) -> ClockEvent | None:
    after = event.after or {}
    at = as_utc(event.occurred_at)
    if event.action in (EventAction.STATUS_CHANGED, EventAction.MERGED):
        return StatusChanged(at=at, status=CaseStatus(str(after["status"])))
    if event.action == EventAction.MESSAGE_ADDED:
        return MessageRecorded(
            at=at,
            direction=MessageDirection(str(after["direction"])),
            channel=Channel(str(after["channel"])),
        )
    return None


def _history(case: Case, events: Iterable[CaseEvent]) -> CaseHistory:
    clock_events = (_clock_event(event) for event in events)
    return CaseHistory(
        created_at=as_utc(case.created_at),
        events=tuple(event for event in clock_events if event is not None),
    )


def history_of(session: Session, case: Case) -> CaseHistory:
    """What the service-level clocks read: creation, status changes and messages, in order."""
    return _history(case, list_events(session, case.id))


def histories_of(session: Session, cases: Sequence[Case]) -> Mapping[uuid.UUID, CaseHistory]:
    """The histories of many cases in one query (metrics, lists)."""
    by_case: dict[uuid.UUID, list[CaseEvent]] = {case.id: [] for case in cases}
    ids = list(by_case)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(CaseEvent).where(CaseEvent.case_id.in_(chunk)).order_by(CaseEvent.id)
        for event in session.scalars(query):
            by_case[event.case_id].append(event)
    return {case.id: _history(case, by_case[case.id]) for case in cases}
