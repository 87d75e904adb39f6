"""Notes and messages: what the agents write, and what the trainee says.

A note is internal: never shown or sent to the trainee. A message goes to the trainee
(outbound) or comes from them (inbound). The first outbound message of an agent answers the
request (first-response clock); a message from the trainee starts a next-response cycle and,
when the case was waiting for the trainee, puts it back to work (``waiting_trainee → open``).
"""

from __future__ import annotations

from remuneration.cases.domain import (
    TERMINAL_STATUSES,
    CaseStatus,
    Channel,
    IllegalTransitionError,
    MessageDirection,
)
from remuneration.cases.models import Case, CaseEntry
from remuneration.cases.services.context import CaseContext
from remuneration.cases.services.entries import EntryKind, new_entry
from remuneration.cases.services.history import EventAction, record_case_event
from remuneration.cases.services.sla import refresh_sla
from remuneration.cases.services.transitions import apply_transition

__all__ = ["add_note", "record_message"]


def add_note(cctx: CaseContext, case: Case, body: str) -> CaseEntry:
    """An internal note (allowed on every case, even closed: it documents the file)."""
    entry = new_entry(cctx, case, kind=EntryKind.NOTE, body=body)
    record_case_event(cctx, case, action=EventAction.NOTE_ADDED, after={"entry_id": str(entry.id)})
    case.updated_at = cctx.now
    return entry


def record_message(
    cctx: CaseContext,
    case: Case,
    *,
    direction: MessageDirection,
    channel: Channel,
    body: str,
    macro_key: str | None = None,
    refresh: bool = True,
) -> CaseEntry:
    """A message to or from the trainee; refused on a closed or merged case."""
    status = CaseStatus(case.status)
    if status in TERMINAL_STATUSES:
        raise IllegalTransitionError(
            "Ce dossier est clos ou fusionné : écrivez dans le dossier en cours.", field="status"
        )
    entry = new_entry(
        cctx,
        case,
        kind=EntryKind.MESSAGE,
        body=body,
        direction=direction,
        channel=channel,
        macro_key=macro_key,
    )
    record_case_event(
        cctx,
        case,
        action=EventAction.MESSAGE_ADDED,
        after={"entry_id": str(entry.id), "direction": direction.value, "channel": channel.value},
    )
    if direction is MessageDirection.OUTBOUND and channel is not Channel.SYSTEM:
        case.first_response_at = case.first_response_at or cctx.now
    if direction is MessageDirection.INBOUND:
        case.last_trainee_message_at = cctx.now
        if status is CaseStatus.WAITING_TRAINEE:
            apply_transition(cctx, case, CaseStatus.OPEN)
    case.updated_at = cctx.now
    if refresh:
        refresh_sla(cctx, case)
    return entry
