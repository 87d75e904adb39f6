"""Case rows → response models (ORM objects never leave the API raw)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.http.routers.cases_file import case_file
from api.http.schemas.cases import (
    AgentRef,
    CaseListItem,
    CaseView,
    ClockView,
    EntryView,
    EventView,
)
from remuneration.cases.domain import ClockResult
from remuneration.cases.models import Case, CaseEntry, CaseEvent, CaseTeam
from remuneration.cases.services import CaseContext, case_clocks, list_entries, list_events
from remuneration.db.models import Trainee, User
from remuneration.domain.timezone import as_utc, as_utc_or_none
from remuneration.services.context import ServiceContext

__all__ = ["case_list_items", "case_view"]

_MILESTONES = (
    "created_at",
    "opened_at",
    "claimed_at",
    "first_response_at",
    "waiting_since",
    "resumed_at",
    "last_trainee_message_at",
    "resolved_at",
    "reopened_at",
    "closed_at",
    "merged_at",
)


def _seconds(duration: timedelta) -> int:
    return duration // timedelta(seconds=1)


def _clock_view(clock: ClockResult) -> ClockView:
    return ClockView(
        clock=clock.kind.value,
        state=clock.state.value,
        started_at=clock.started_at,
        due=clock.due,
        completed_at=clock.completed_at,
        target_seconds=_seconds(clock.target),
        used_seconds=_seconds(clock.used),
        remaining_seconds=_seconds(clock.remaining),
        percent_used=clock.percent_used,
        at_risk=clock.at_risk,
    )


def _names(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    users = session.scalars(select(User).where(User.id.in_(wanted)))
    return {user.id: user.display_name for user in users}


def _agent(names: Mapping[uuid.UUID, str], user_id: uuid.UUID | None) -> AgentRef | None:
    if user_id is None:
        return None
    return AgentRef(id=user_id, name=names.get(user_id, str(user_id)))


def _entry_view(entry: CaseEntry, names: Mapping[uuid.UUID, str]) -> EntryView:
    return EntryView(
        id=entry.id,
        kind=entry.kind,
        direction=entry.direction,
        channel=entry.channel,
        body=entry.body,
        author=_agent(names, entry.author_id),
        macro_key=entry.macro_key,
        created_at=as_utc(entry.created_at),
    )


def _event_view(event: CaseEvent, names: Mapping[uuid.UUID, str]) -> EventView:
    return EventView(
        id=event.id,
        occurred_at=as_utc(event.occurred_at),
        actor_id=event.actor_id,
        actor_name=names.get(event.actor_id) if event.actor_id else None,
        actor_role=event.actor_role,
        action=event.action,
        before=event.before,
        after=event.after,
    )


def _flags(case: Case, now: datetime) -> tuple[bool, bool]:
    """(breached, at risk) at ``now``, as the queue's views define them."""
    due = as_utc_or_none(case.due_at)
    breached = case.sla_breached or (due is not None and due < now)
    risk = as_utc_or_none(case.at_risk_at)
    return breached, not breached and risk is not None and risk <= now


def case_view(ctx: ServiceContext, case: Case, *, warnings: Sequence[str] = ()) -> CaseView:
    """The whole case for the queue's roles."""
    session = ctx.session
    clocks = case_clocks(CaseContext.of(ctx), case)
    entries = list_entries(session, case.id)
    events = list_events(session, case.id)
    names = _names(
        session,
        [
            case.assignee_id,
            case.created_by,
            *(entry.author_id for entry in entries),
            *(event.actor_id for event in events),
        ],
    )
    merged_into = session.get(Case, case.merged_into_id) if case.merged_into_id else None
    team = session.get(CaseTeam, case.team_id) if case.team_id else None
    breached, at_risk = _flags(case, ctx.now)
    shown = [clocks.first_response, *clocks.next_response_cycles, clocks.resolution]
    return CaseView(
        id=case.id,
        reference=case.reference,
        version=case.version,
        status=case.status,
        category=case.category,
        priority=case.priority,
        channel=case.channel,
        contact=case.contact,
        subject=case.subject,
        resolution_reason=case.resolution_reason,
        trainee_id=case.trainee_id,
        dossier_id=case.dossier_id,
        training_id=case.training_id,
        payment_id=case.payment_id,
        payment_batch_id=case.payment_batch_id,
        cause_key=case.cause_key,
        merged_into=None if merged_into is None else merged_into.reference,
        assignee=_agent(names, case.assignee_id),
        created_by=_agent(names, case.created_by),
        team=None if team is None else team.name,
        milestones={name: as_utc_or_none(getattr(case, name)) for name in _MILESTONES},
        reminder_at=as_utc_or_none(case.reminder_at),
        due_at=as_utc_or_none(case.due_at),
        breached=breached,
        at_risk=at_risk,
        clocks=[_clock_view(clock) for clock in shown],
        entries=[_entry_view(entry, names) for entry in entries],
        events=[_event_view(event, names) for event in events],
        file=case_file(ctx, case),
        warnings=list(warnings),
    )


def case_list_items(ctx: ServiceContext, cases: Sequence[Case]) -> list[CaseListItem]:
    """Lines of the queue (names of trainees and agents fetched once)."""
    session = ctx.session
    names = _names(session, [case.assignee_id for case in cases])
    trainee_ids = {case.trainee_id for case in cases if case.trainee_id is not None}
    trainees = {
        trainee.id: f"{trainee.first_names} {trainee.last_name}"
        for trainee in session.scalars(select(Trainee).where(Trainee.id.in_(trainee_ids)))
    }
    items = []
    for case in cases:
        breached, at_risk = _flags(case, ctx.now)
        items.append(
            CaseListItem(
                id=case.id,
                reference=case.reference,
                status=case.status,
                category=case.category,
                priority=case.priority,
                channel=case.channel,
                subject=case.subject,
                trainee_id=case.trainee_id,
                trainee_name=trainees.get(case.trainee_id) if case.trainee_id else None,
                assignee=_agent(names, case.assignee_id),
                due_at=as_utc_or_none(case.due_at),
                at_risk=at_risk,
                breached=breached,
                created_at=as_utc(case.created_at),
                updated_at=as_utc(case.updated_at),
            )
        )
    return items
