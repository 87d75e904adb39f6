"""The actor of what remu does by itself (scheduled jobs, operator commands without a user).

Audit events need an actor: system actions carry no user id (``actor_id`` is empty in the log)
and the administrator role, the only one allowed to run operations.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.protection import FieldProtector

__all__ = ["SYSTEM_ACTOR", "system_context"]

SYSTEM_ACTOR = Actor(user_id=None, name="remu (tâche planifiée)", role=Role.ADMIN)


def system_context(
    session: Session, *, now: datetime, protector: FieldProtector, request_id: str
) -> ServiceContext:
    """A service context for a job or an operator command."""
    return ServiceContext(
        session=session,
        actor=SYSTEM_ACTOR,
        now=now,
        protector=protector,
        request_id=request_id,
    )
