"""What every use case receives: the session, who acts, the time, and the data protector.

Services flush and never commit: the caller (HTTP request, command, job) owns the transaction.
Time is given, never read from the clock, so that tests and replays are exact.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from remuneration.domain.timezone import paris_day
from remuneration.services.protection import FieldProtector
from rules import ParameterStore

__all__ = ["Actor", "Role", "ServiceContext"]


class Role(StrEnum):
    """The roles of docs/security.md."""

    INSTRUCTOR = "instructor"
    RELATION_USAGERS = "relation_usagers"
    FINANCE = "finance"
    ORGANISATION = "organisation"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated caller; `organisation_id` is set for the organisation role only."""

    user_id: uuid.UUID | None
    name: str
    role: Role
    organisation_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ServiceContext:
    """Session, actor, clock value and protector for one unit of work; `parameters` is the rules'
    parameter set in use (None: the bundled one)."""

    session: Session
    actor: Actor
    now: datetime
    protector: FieldProtector
    request_id: str | None = None
    parameters: ParameterStore | None = None

    @property
    def today(self) -> date:
        """The date in Paris at `now`: business dates are French dates."""
        return paris_day(self.now)
