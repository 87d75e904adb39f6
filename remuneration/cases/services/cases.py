"""Opening, finding and listing cases.

A case opened by an agent (phone, e-mail, letter, counter) is about a trainee, optionally a
dossier, a payment or a payment batch; a case remu opens itself may be about a training (its
contact is then the training organisation). Opening warns, without refusing, when the trainee
already has an active case of the same category: the agent decides whether to merge.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, false, func, not_, or_, select
from sqlalchemy import case as when
from sqlalchemy.sql import Select

from remuneration.cases.domain import (
    ACTIVE_STATUSES,
    CaseId,
    CaseStatus,
    CaseSummary,
    Category,
    Channel,
    Contact,
    DuplicateWarning,
    InvalidCaseInputError,
    InvalidCaseReferenceError,
    MessageDirection,
    Priority,
    TraineeId,
    duplicate_warning,
    parse_case_reference,
)
from remuneration.cases.models import Case
from remuneration.cases.services.assignment import assign_round_robin
from remuneration.cases.services.context import CaseContext
from remuneration.cases.services.entries import EntryKind, new_entry
from remuneration.cases.services.errors import CaseNotFound
from remuneration.cases.services.history import EventAction, record_case_event
from remuneration.cases.services.messages import record_message
from remuneration.cases.services.references import allocate_reference
from remuneration.cases.services.sla import refresh_sla
from remuneration.db.models import Dossier, Trainee, Training
from remuneration.db.text_search import contains_text
from remuneration.domain.ids import new_id

__all__ = [
    "CaseInput",
    "CasePage",
    "CaseQuery",
    "CreatedCase",
    "QueueView",
    "active_case_for_cause",
    "count_cases",
    "create_case",
    "find_case",
    "get_case",
    "list_cases",
]

_ACTIVE = [status.value for status in ACTIVE_STATUSES]


@dataclass(frozen=True, slots=True)
class CaseInput:
    """What opening a case needs; ``description`` is the request as told (an inbound message,
    or a note for a case remu opens itself)."""

    category: Category
    channel: Channel
    subject: str
    priority: Priority = Priority.NORMAL
    contact: Contact = Contact.TRAINEE
    trainee_id: uuid.UUID | None = None
    dossier_id: uuid.UUID | None = None
    training_id: uuid.UUID | None = None
    payment_id: uuid.UUID | None = None
    payment_batch_id: uuid.UUID | None = None
    description: str | None = None
    team_id: uuid.UUID | None = None
    round_robin: bool = False
    cause_key: str | None = None


@dataclass(frozen=True, slots=True)
class CreatedCase:
    """The new case and the duplicate warning to show (None: no similar active case)."""

    case: Case
    warning: DuplicateWarning | None


@dataclass(frozen=True, slots=True)
class _Links:
    trainee_id: uuid.UUID | None
    dossier_id: uuid.UUID | None
    training_id: uuid.UUID | None


def _dossier_links(cctx: CaseContext, data: CaseInput) -> _Links:
    dossier = cctx.session.get(Dossier, data.dossier_id) if data.dossier_id else None
    if data.dossier_id and dossier is None:
        raise InvalidCaseInputError("Dossier de rémunération introuvable.", field="dossier_id")
    if dossier is None:
        return _Links(data.trainee_id, None, data.training_id)
    if data.trainee_id is not None and data.trainee_id != dossier.trainee_id:
        raise InvalidCaseInputError(
            "Ce dossier de rémunération est celui d'un autre stagiaire.", field="dossier_id"
        )
    return _Links(dossier.trainee_id, dossier.id, data.training_id or dossier.training_id)


def _links(cctx: CaseContext, data: CaseInput) -> _Links:
    links = _dossier_links(cctx, data)
    if links.trainee_id and cctx.session.get(Trainee, links.trainee_id) is None:
        raise InvalidCaseInputError("Stagiaire introuvable.", field="trainee_id")
    if links.training_id and cctx.session.get(Training, links.training_id) is None:
        raise InvalidCaseInputError("Formation introuvable.", field="training_id")
    if data.contact is Contact.TRAINEE and links.trainee_id is None:
        raise InvalidCaseInputError(
            "Indiquez le stagiaire concerné (ou son dossier de rémunération).",
            field="trainee_id",
        )
    if data.contact is Contact.TRAINING_ORGANISATION and links.training_id is None:
        raise InvalidCaseInputError("Indiquez la formation concernée.", field="training_id")
    return links


def _duplicates(
    cctx: CaseContext, trainee_id: uuid.UUID | None, category: Category
) -> DuplicateWarning | None:
    if trainee_id is None:
        return None
    rows = cctx.session.scalars(
        select(Case).where(
            Case.trainee_id == trainee_id,
            Case.category == category.value,
            Case.status.in_(_ACTIVE),
        )
    )
    summaries = [
        CaseSummary(
            case_id=CaseId(case.id),
            trainee_id=TraineeId(trainee_id),
            category=Category(case.category),
            status=CaseStatus(case.status),
            reference=case.reference,
        )
        for case in rows
    ]
    return duplicate_warning(
        trainee_id=TraineeId(trainee_id), category=category, existing=summaries
    )


def _first_entry(cctx: CaseContext, case: Case, data: CaseInput) -> None:
    if not data.description:
        return
    if data.channel is Channel.SYSTEM:
        new_entry(cctx, case, kind=EntryKind.NOTE, body=data.description)
        return
    record_message(
        cctx,
        case,
        direction=MessageDirection.INBOUND,
        channel=data.channel,
        body=data.description,
        refresh=False,
    )


def create_case(cctx: CaseContext, data: CaseInput) -> CreatedCase:
    """Open a case (status ``new``), record its first event and compute its deadlines."""
    links = _links(cctx, data)
    warning = _duplicates(cctx, links.trainee_id, data.category)
    case = Case(
        id=new_id(),
        reference=allocate_reference(cctx.session, created_at=cctx.now),
        category=data.category.value,
        priority=data.priority.value,
        channel=data.channel.value,
        contact=data.contact.value,
        status=CaseStatus.NEW.value,
        subject=data.subject,
        trainee_id=links.trainee_id,
        dossier_id=links.dossier_id,
        training_id=links.training_id,
        payment_id=data.payment_id,
        payment_batch_id=data.payment_batch_id,
        cause_key=data.cause_key,
        created_by=cctx.actor_id,
        created_at=cctx.now,
        updated_at=cctx.now,
        sla_breached=False,
    )
    cctx.session.add(case)
    cctx.session.flush()
    record_case_event(cctx, case, action=EventAction.CREATED, after=_created_summary(case))
    _first_entry(cctx, case, data)
    if data.team_id is not None:
        if data.round_robin:
            assign_round_robin(cctx, case, data.team_id)
        else:
            case.team_id = data.team_id
    refresh_sla(cctx, case)
    return CreatedCase(case=case, warning=warning)


def _created_summary(case: Case) -> dict[str, object]:
    def text(value: object) -> str | None:
        return None if value is None else str(value)

    return {
        "status": case.status,
        "reference": case.reference,
        "category": case.category,
        "priority": case.priority,
        "channel": case.channel,
        "contact": case.contact,
        "trainee_id": text(case.trainee_id),
        "dossier_id": text(case.dossier_id),
        "training_id": text(case.training_id),
        "payment_id": text(case.payment_id),
        "payment_batch_id": text(case.payment_batch_id),
        "cause_key": case.cause_key,
    }


def get_case(cctx: CaseContext, case_id: uuid.UUID) -> Case:
    """One case by id."""
    case = cctx.session.get(Case, case_id)
    if case is None:
        raise CaseNotFound("Dossier de relation usager introuvable.")
    return case


def find_case(cctx: CaseContext, key: str) -> Case:
    """One case by id or by reference (``C-2024-004217``, as read out on the phone)."""
    try:
        return get_case(cctx, uuid.UUID(key))
    except ValueError:
        pass
    try:
        reference = str(parse_case_reference(key))
    except InvalidCaseReferenceError:
        raise CaseNotFound("Dossier de relation usager introuvable.") from None
    case = cctx.session.scalar(select(Case).where(Case.reference == reference))
    if case is None:
        raise CaseNotFound("Dossier de relation usager introuvable.")
    return case


def active_case_for_cause(cctx: CaseContext, cause_key: str) -> Case | None:
    """The active case opened for a cause, if any (at most one: partial unique index)."""
    return cctx.session.scalar(
        select(Case).where(Case.cause_key == cause_key, Case.status.in_(_ACTIVE))
    )


class QueueView(StrEnum):
    """The named views of the queue."""

    MINE = "mine"
    UNASSIGNED = "unassigned"
    BREACHED = "breached"
    AT_RISK = "at_risk"
    WAITING = "waiting"
    ACTIVE = "active"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class CaseQuery:
    """Filters of the queue; the default view is the active cases."""

    view: QueueView = QueueView.ACTIVE
    status: CaseStatus | None = None
    category: Category | None = None
    assignee_id: uuid.UUID | None = None
    text: str | None = None
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True, slots=True)
class CasePage:
    """One page of the queue, sorted by the earliest deadline."""

    items: list[Case]
    total: int
    page: int
    page_size: int


def _view_condition(cctx: CaseContext, view: QueueView) -> ColumnElement[bool]:
    now = cctx.now
    active = Case.status.in_(_ACTIVE)
    breached = or_(Case.sla_breached, Case.due_at < now)
    conditions: dict[QueueView, ColumnElement[bool]] = {
        QueueView.MINE: and_(active, Case.assignee_id == cctx.actor_id)
        if cctx.actor_id
        else false(),
        QueueView.UNASSIGNED: and_(active, Case.assignee_id.is_(None)),
        QueueView.BREACHED: and_(active, breached),
        QueueView.AT_RISK: and_(active, not_(breached), Case.at_risk_at <= now),
        QueueView.WAITING: Case.status == CaseStatus.WAITING_TRAINEE.value,
        QueueView.ACTIVE: active,
    }
    return conditions.get(view, Case.id.is_not(None))


def _text_condition(text: str) -> ColumnElement[bool]:
    try:
        return Case.reference == str(parse_case_reference(text))
    except InvalidCaseReferenceError:
        return or_(
            contains_text(Case.subject, text),
            contains_text(Trainee.last_name, text),
            contains_text(Trainee.first_names, text),
        )


def _filtered(cctx: CaseContext, query: CaseQuery) -> Select[tuple[Case]]:
    statement = (
        select(Case)
        .outerjoin(Trainee, Trainee.id == Case.trainee_id)
        .where(_view_condition(cctx, query.view))
    )
    if query.status is not None:
        statement = statement.where(Case.status == query.status.value)
    if query.category is not None:
        statement = statement.where(Case.category == query.category.value)
    if query.assignee_id is not None:
        statement = statement.where(Case.assignee_id == query.assignee_id)
    if query.text:
        statement = statement.where(_text_condition(query.text))
    return statement


def list_cases(cctx: CaseContext, query: CaseQuery) -> CasePage:
    """The cases of a view and filters, earliest deadline first (no deadline last)."""
    statement = _filtered(cctx, query)
    total = cctx.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = cctx.session.scalars(
        statement.order_by(Case.due_at.is_(None), Case.due_at, Case.created_at, Case.id)
        .limit(query.page_size)
        .offset((query.page - 1) * query.page_size)
    )
    return CasePage(list(rows), total, query.page, query.page_size)


def _query_condition(cctx: CaseContext, query: CaseQuery) -> ColumnElement[bool]:
    conditions = [_view_condition(cctx, query.view)]
    if query.status is not None:
        conditions.append(Case.status == query.status.value)
    if query.category is not None:
        conditions.append(Case.category == query.category.value)
    if query.assignee_id is not None:
        conditions.append(Case.assignee_id == query.assignee_id)
    return and_(*conditions)


def count_cases(cctx: CaseContext, queries: Sequence[CaseQuery]) -> list[int]:
    """How many cases each query's view and filters hold (its ``text`` aside), in one query:
    the queue's tabs count their cases with one read of the table, not one per tab."""
    if not queries:
        return []
    sums = [
        func.coalesce(func.sum(when((_query_condition(cctx, query), 1), else_=0)), 0)
        for query in queries
    ]
    row = cctx.session.execute(select(*sums).select_from(Case)).one()
    return [int(value) for value in row]
