"""Writing the append-only audit log. Values are summaries: never a full NIR, IBAN or file."""

from __future__ import annotations

import uuid
from typing import Any

from remuneration.db.models import AuditEvent
from remuneration.services.context import ServiceContext

__all__ = ["record_event"]


def record_event(
    ctx: ServiceContext,
    *,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | str,
    dossier_id: uuid.UUID | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event (who, when, what, before/after, request id) to the session."""
    event = AuditEvent(
        occurred_at=ctx.now,
        actor_id=ctx.actor.user_id,
        actor_role=ctx.actor.role.value,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        dossier_id=dossier_id,
        request_id=ctx.request_id,
        before=before,
        after=after,
    )
    ctx.session.add(event)
    return event
