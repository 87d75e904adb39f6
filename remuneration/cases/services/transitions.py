"""Moving a case through the transition table of the domain, one milestone per move."""

from __future__ import annotations

from remuneration.cases.domain import (
    CLEARED_BY_MILESTONE,
    CaseStatus,
    Milestone,
    ResolutionReason,
    check_transition,
)
from remuneration.cases.models import Case
from remuneration.cases.services.context import CaseContext
from remuneration.cases.services.history import EventAction, record_case_event

__all__ = ["apply_transition", "set_milestone"]


def set_milestone(cctx: CaseContext, case: Case, target: CaseStatus, milestone: Milestone) -> None:
    """Set the status and its milestone column; empty the columns the move clears."""
    case.status = target.value
    setattr(case, milestone.value, cctx.now)
    for column in CLEARED_BY_MILESTONE.get(milestone, ()):
        setattr(case, column, None)
    case.updated_at = cctx.now


def apply_transition(
    cctx: CaseContext,
    case: Case,
    target: CaseStatus,
    *,
    reason: ResolutionReason | None = None,
) -> Milestone:
    """Refuse an illegal move (French message), else apply it and record the event.

    The service-level cache is refreshed by the caller once all its changes are made.
    """
    source = CaseStatus(case.status)
    milestone = check_transition(source, target, resolution_reason=reason)
    before = {"status": source.value, "resolution_reason": case.resolution_reason}
    set_milestone(cctx, case, target, milestone)
    if reason is not None:
        case.resolution_reason = reason.value
    record_case_event(
        cctx,
        case,
        action=EventAction.STATUS_CHANGED,
        before=before,
        after={"status": target.value, "resolution_reason": case.resolution_reason},
    )
    return milestone
