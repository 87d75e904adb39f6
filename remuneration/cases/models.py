"""Tables of the relation-usagers case queue.

A case keeps one column per milestone (``*_at``) and a cached view of its service-level clocks
(``*_due``, ``due_at``, ``at_risk_at``, ``sla_breached``) so that the queue can be filtered and
sorted by deadline in SQL; the clocks themselves are always recomputed from the append-only
``case_events`` (the cache is refreshed after every change and by the SLA sweep). Agents are
users (roles relation_usagers and supervisor); ``case_agents`` adds what the queue needs to
know about them: team, roster order, cap and absences.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from remuneration.db.base import AUTOINCREMENT_BIGINT, Base

__all__ = [
    "ACTIVE_STATUS_SQL",
    "Case",
    "CaseAgent",
    "CaseAgentAbsence",
    "CaseEntry",
    "CaseEvent",
    "CaseReferenceCounter",
    "CaseSlaAlert",
    "CaseTeam",
]

ACTIVE_STATUS_SQL = "status IN ('new', 'open', 'waiting_trainee')"
"""The active statuses (``ACTIVE_STATUSES`` of the domain) as a SQL condition, for the partial
unique index that keeps one active automatic case per cause."""


class CaseTeam(Base):
    """A team of agents; ``last_assignee_id`` is where the round robin stopped."""

    __tablename__ = "case_teams"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    supervisor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    last_assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]


class CaseAgent(Base):
    """An agent's place in the queue: team, roster order, personal cap (None: the default)."""

    __tablename__ = "case_agents"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case_teams.id"), index=True)
    roster_position: Mapped[int] = mapped_column(Integer)
    open_case_cap: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CaseAgentAbsence(Base):
    """An agent away from ``first_day`` to ``last_day`` (included): skipped by the round robin."""

    __tablename__ = "case_agent_absences"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_agents.user_id"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date]
    created_at: Mapped[datetime]


class CaseReferenceCounter(Base):
    """The last sequence number given in a year (references ``C-YYYY-NNNNNN``)."""

    __tablename__ = "case_reference_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_sequence: Mapped[int] = mapped_column(Integer)


class Case(Base):
    """One request or problem in the queue (``version``: optimistic concurrency, the ETag)."""

    __tablename__ = "cases"
    __table_args__ = (
        Index(
            "uq_cases_active_cause_key",
            "cause_key",
            unique=True,
            sqlite_where=text(ACTIVE_STATUS_SQL),
            postgresql_where=text(ACTIVE_STATUS_SQL),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    category: Mapped[str] = mapped_column(String(30), index=True)
    priority: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(10))
    contact: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    resolution_reason: Mapped[str | None] = mapped_column(String(30))
    trainee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("trainees.id"), index=True)
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("dossiers.id"), index=True)
    training_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("trainings.id"))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    payment_batch_id: Mapped[uuid.UUID | None]
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case_teams.id"), index=True)
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))
    cause_key: Mapped[str | None] = mapped_column(String(200), index=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    opened_at: Mapped[datetime | None]
    waiting_since: Mapped[datetime | None]
    resumed_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    reopened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    merged_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    last_trainee_message_at: Mapped[datetime | None]
    reminder_at: Mapped[datetime | None]
    first_response_due: Mapped[datetime | None]
    next_response_due: Mapped[datetime | None]
    resolution_due: Mapped[datetime | None]
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    at_risk_at: Mapped[datetime | None]
    sla_breached: Mapped[bool]

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy mapper option


class CaseEntry(Base):
    """An internal note (never shown to the trainee) or a message to or from the trainee."""

    __tablename__ = "case_entries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    direction: Mapped[str | None] = mapped_column(String(10))
    channel: Mapped[str | None] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    macro_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]


class CaseEvent(Base):
    """One change of a case (who, when, what, before, after); the migration refuses UPDATE and
    DELETE on this table. The growing id orders events that share an instant."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(AUTOINCREMENT_BIGINT, primary_key=True, autoincrement=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID | None]
    actor_role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))


class CaseSlaAlert(Base):
    """An at-risk or breach alert already fired (the unique token makes firing happen once)."""

    __tablename__ = "case_sla_alerts"
    __table_args__ = (UniqueConstraint("case_id", "token"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    token: Mapped[str] = mapped_column(String(120))
    clock: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(10))
    due: Mapped[datetime | None]
    percent_used: Mapped[Decimal] = mapped_column(Numeric(9, 2))
    fired_at: Mapped[datetime]
