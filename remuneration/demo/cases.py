"""The demo's cases: a team, a few cases agents opened over the last days, then the queue's jobs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from remuneration.cases.domain import CaseStatus, Category, Channel, MessageDirection, Priority
from remuneration.cases.domain import ResolutionReason as Reason
from remuneration.cases.services import (
    CaseContext,
    CaseInput,
    apply_case_macro,
    change_status,
    claim_case,
    create_case,
    create_team,
    record_message,
    run_case_jobs,
    set_agent,
)
from remuneration.db.models import Dossier, User
from remuneration.services.context import Actor, Role

__all__ = ["DEMO_TEAM", "demo_cases"]

DEMO_TEAM = "relation-usagers"


def _actor(user: User) -> Actor:
    return Actor(user_id=user.id, name=user.name, role=Role(user.role))


def _granted_dossiers(session: Session, count: int) -> list[Dossier]:
    query = (
        select(Dossier)
        .where(Dossier.status.in_(("granted", "exited")))
        .order_by(Dossier.created_at, Dossier.id)
        .limit(count)
    )
    return list(session.scalars(query))


def _demo_timeline(session: Session, agent: User, dossiers: list[Dossier], now: datetime) -> int:
    """A few cases agents opened over the last days, in various states."""
    start = now - timedelta(days=6)

    def ctx(minutes: int) -> CaseContext:
        """The agent's context ``minutes`` after the timeline's start."""
        moment = start + timedelta(minutes=minutes)
        return CaseContext(session=session, now=moment, actor=_actor(agent))

    def opened(index: int, minutes: int, category: Category, channel: Channel, text: str) -> Any:
        return create_case(
            ctx(minutes),
            CaseInput(
                category=category,
                channel=channel,
                subject=text,
                dossier_id=dossiers[index].id,
                description=text,
                priority=Priority.NORMAL,
            ),
        ).case

    answered = opened(0, 60, Category.PAYMENT_MISSING, Channel.PHONE, "Paiement du mois non reçu")
    claim_case(ctx(90), answered.id)
    record_message(
        ctx(120),
        answered,
        direction=MessageDirection.OUTBOUND,
        channel=Channel.PHONE,
        body="Le paiement est parti hier ; il arrive sous trois jours ouvrés.",
    )
    change_status(ctx(120), answered, CaseStatus.RESOLVED, reason=Reason.ANSWERED)
    rib = opened(1, 25 * 60, Category.BANK_DETAILS_CHANGE, Channel.EMAIL, "Changement de banque")
    claim_case(ctx(26 * 60), rib.id)
    apply_case_macro(ctx(26 * 60), rib, "rib_requested", values={})
    opened(
        2,
        49 * 60,
        Category.COMPLAINT,
        Channel.MAIL,
        "Réclamation sur le montant annoncé par la décision",
    )
    info = opened(
        3, 73 * 60, Category.INFORMATION, Channel.COUNTER, "Question sur l'aide au permis"
    )
    claim_case(ctx(74 * 60), info.id)
    return 4


def demo_cases(session: Session, *, now: datetime) -> int:
    """Cases for ``remu demo``: a team, agents' cases over the last days, then the queue's
    jobs (automatic cases for incomplete dossiers and missing statements, deadlines)."""
    agent = session.scalar(select(User).where(User.name == "demo-relation_usagers"))
    supervisor = session.scalar(select(User).where(User.name == "demo-supervisor"))
    if agent is None or supervisor is None:
        return 0
    team = create_team(
        session,
        name=DEMO_TEAM,
        label="Relation usagers",
        now=now,
        supervisor_id=supervisor.id,
    )
    set_agent(session, user_id=agent.id, team_id=team.id, now=now)
    set_agent(session, user_id=supervisor.id, team_id=team.id, now=now, cap=10)
    dossiers = _granted_dossiers(session, 4)
    created = _demo_timeline(session, agent, dossiers, now) if len(dossiers) == 4 else 0
    report = run_case_jobs(session, now=now)
    return (
        created
        + report.requests.opened
        + report.incomplete_dossiers.opened
        + report.missing_attendance.opened
    )
