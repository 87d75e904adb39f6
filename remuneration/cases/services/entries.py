"""Entries of a case: internal notes (never shown to the trainee) and messages."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from remuneration.cases.domain import Channel, MessageDirection
from remuneration.cases.models import Case, CaseEntry
from remuneration.cases.services.context import CaseContext
from remuneration.domain.ids import new_id

__all__ = ["EntryKind", "list_entries", "new_entry"]


class EntryKind:
    """The two kinds of entries."""

    NOTE = "note"
    MESSAGE = "message"


def new_entry(
    cctx: CaseContext,
    case: Case,
    *,
    kind: str,
    body: str,
    direction: MessageDirection | None = None,
    channel: Channel | None = None,
    macro_key: str | None = None,
) -> CaseEntry:
    """Add a note or a message (written by the actor; None: remu itself)."""
    entry = CaseEntry(
        id=new_id(),
        case_id=case.id,
        kind=kind,
        direction=None if direction is None else direction.value,
        channel=None if channel is None else channel.value,
        body=body,
        author_id=cctx.actor_id,
        macro_key=macro_key,
        created_at=cctx.now,
    )
    cctx.session.add(entry)
    cctx.session.flush()
    return entry


def list_entries(session: Session, case_id: uuid.UUID) -> list[CaseEntry]:
    """The entries of a case in the order they were written."""
    query = (
        select(CaseEntry)
        .where(CaseEntry.case_id == case_id)
        .order_by(CaseEntry.created_at, CaseEntry.id)
    )
    return list(session.scalars(query))
