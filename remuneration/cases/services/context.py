"""What every use case of the queue receives, and the configuration in force.

Jobs (SLA sweep, automatic cases) act as remu itself: ``actor`` None. HTTP requests and
commands pass the authenticated actor. Time is given (``now``), never read from the clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy.orm import Session

from remuneration.cases.domain import (
    AutoCaseRule,
    AutoCaseTrigger,
    BusinessCalendar,
    Macro,
    ServiceLevelPolicy,
    WorkRules,
    load_auto_case_rules,
    load_business_calendar,
    load_macros,
    load_service_levels,
    load_work_rules,
)
from remuneration.domain.timezone import as_utc
from remuneration.services.context import Actor, ServiceContext

__all__ = ["CaseConfiguration", "CaseContext", "configuration_on"]


@dataclass(frozen=True, slots=True)
class CaseContext:
    """Session, time and actor of one unit of work on the queue (``actor`` None: remu)."""

    session: Session
    now: datetime
    actor: Actor | None = None
    request_id: str | None = None

    def __post_init__(self) -> None:
        # Stored instants are UTC (SQLite keeps the wall-clock digits only).
        object.__setattr__(self, "now", as_utc(self.now))

    @classmethod
    def of(cls, ctx: ServiceContext) -> CaseContext:
        """The queue's context for a request or command of the remuneration services."""
        return cls(session=ctx.session, now=ctx.now, actor=ctx.actor, request_id=ctx.request_id)

    @property
    def actor_id(self) -> uuid.UUID | None:
        """The acting user's id (None for remu itself)."""
        return None if self.actor is None else self.actor.user_id


@dataclass(frozen=True, slots=True)
class CaseConfiguration:
    """The dated configuration files of the queue, as in force on one day."""

    calendar: BusinessCalendar
    policy: ServiceLevelPolicy
    auto_rules: Mapping[AutoCaseTrigger, AutoCaseRule]
    work_rules: WorkRules
    macros: Mapping[str, Macro]

    def local_date(self, instant: datetime) -> date:
        """The date in the service's time zone (configuration versions are keyed by dates)."""
        return self.calendar.local_date(as_utc(instant))


@lru_cache(maxsize=64)
def configuration_on(day: date) -> CaseConfiguration:
    """The configuration in force on ``day`` (the national holiday list unless configured)."""
    return CaseConfiguration(
        calendar=load_business_calendar(on=day),
        policy=load_service_levels(on=day),
        auto_rules=load_auto_case_rules(on=day),
        work_rules=load_work_rules(on=day),
        macros=load_macros(on=day),
    )
