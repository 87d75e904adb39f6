"""Cases remu opens itself: the "case needed" outbox and the detectors of remuneration.

One case per cause while it is active: a new occurrence of the same cause adds an event to the
active case instead of opening another (a partial unique index on ``cases.cause_key`` keeps it
so under concurrency). These are plain idempotent functions of ``session`` and ``now``; the
scheduler calls them.

- ``consume_case_requests``: what payments and other packages recorded in ``case_requests``
  (a returned transfer, an overpayment that cannot be offset…); each request is consumed once.
- ``detect_incomplete_dossiers``: a dossier still ``incomplete`` (or submitted with documents not
  yet verified) N business days after the start
  of its training (auto_cases.yaml) — once per spell of incompleteness.
- ``detect_missing_attendance``: a month's attendance statement still missing N business days
  after the month's end, for a training with trainees to pay — the contact is the training
  organisation; once per training and month.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, exists, func, or_, select, update

from remuneration.cases.domain import (
    CATEGORY_LABELS,
    AutoCaseRule,
    AutoCaseTrigger,
    CaseDomainError,
    CauseKey,
    Channel,
    Contact,
    Priority,
    trigger_day,
)
from remuneration.cases.models import Case
from remuneration.cases.services.cases import CaseInput, active_case_for_cause, create_case
from remuneration.cases.services.context import CaseConfiguration, CaseContext, configuration_on
from remuneration.cases.services.history import EventAction, record_case_event
from remuneration.cases.services.messages import add_note
from remuneration.cases.services.sla import refresh_sla
from remuneration.cases.services.teams import find_team
from remuneration.db.models import (
    AttendanceStatement,
    CaseRequest,
    Document,
    Dossier,
    Exit,
    Training,
)
from remuneration.domain.timezone import as_utc, paris_day
from remuneration.domain.vocabulary import DocumentKind, VerificationStatus
from remuneration.services.case_requests import pending_case_requests
from rules.periods import Month

__all__ = [
    "AutomaticReport",
    "Occurrence",
    "consume_case_requests",
    "detect_incomplete_dossiers",
    "detect_missing_attendance",
    "record_occurrence",
]


@dataclass(frozen=True, slots=True)
class AutomaticReport:
    """What one run did: cases opened, occurrences added to active cases, requests refused."""

    opened: int = 0
    added: int = 0
    refused: int = 0

    def __add__(self, other: AutomaticReport) -> AutomaticReport:
        return AutomaticReport(
            self.opened + other.opened, self.added + other.added, self.refused + other.refused
        )


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One occurrence of a cause, with what a new case needs."""

    cause: CauseKey
    priority: Priority
    contact: Contact
    subject: str
    summary: str
    trainee_id: uuid.UUID | None = None
    dossier_id: uuid.UUID | None = None
    training_id: uuid.UUID | None = None
    payment_id: uuid.UUID | None = None
    payment_batch_id: uuid.UUID | None = None


def _config(now: datetime) -> CaseConfiguration:
    return configuration_on(paris_day(now))


def record_occurrence(cctx: CaseContext, occurrence: Occurrence) -> tuple[Case, bool]:
    """Open a case for the cause, or add the occurrence to its active case (True: opened)."""
    key = str(occurrence.cause)
    active = active_case_for_cause(cctx, key)
    if active is not None:
        record_case_event(cctx, active, action=EventAction.OCCURRENCE, after={"cause_key": key})
        add_note(cctx, active, f"Nouvelle occurrence : {occurrence.summary}")
        refresh_sla(cctx, active)
        return active, False
    team_name = _config(cctx.now).work_rules.automatic_cases_team
    team = find_team(cctx.session, team_name) if team_name else None
    created = create_case(
        cctx,
        CaseInput(
            category=occurrence.cause.category,
            channel=Channel.SYSTEM,
            subject=occurrence.subject,
            priority=occurrence.priority,
            contact=occurrence.contact,
            trainee_id=occurrence.trainee_id,
            dossier_id=occurrence.dossier_id,
            training_id=occurrence.training_id,
            payment_id=occurrence.payment_id,
            payment_batch_id=occurrence.payment_batch_id,
            description=occurrence.summary,
            team_id=None if team is None else team.id,
            round_robin=team is not None,
            cause_key=key,
        ),
    )
    return created.case, True


def _occurrence_of(request: CaseRequest) -> Occurrence:
    cause = CauseKey.parse(request.cause_key)
    if cause.category.value != request.category:
        raise ValueError("cause key and category disagree")
    return Occurrence(
        cause=cause,
        priority=Priority(request.priority),
        contact=Contact.TRAINEE,
        subject=CATEGORY_LABELS[cause.category].capitalize(),
        summary=request.summary,
        trainee_id=request.trainee_id,
        dossier_id=request.dossier_id,
        payment_id=request.payment_id,
        payment_batch_id=request.payment_batch_id,
    )


def _take(cctx: CaseContext, request: CaseRequest) -> bool:
    """Mark a request consumed unless another run did it first (conditional update)."""
    result = cctx.session.execute(
        update(CaseRequest)
        .where(CaseRequest.id == request.id, CaseRequest.consumed_at.is_(None))
        .values(consumed_at=cctx.now)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


def _consume_one(cctx: CaseContext, request: CaseRequest) -> AutomaticReport:
    if not _take(cctx, request):
        return AutomaticReport()
    try:
        occurrence = _occurrence_of(request)
    except (CaseDomainError, ValueError):
        return AutomaticReport(refused=1)
    case, opened = record_occurrence(cctx, occurrence)
    cctx.session.execute(
        update(CaseRequest)
        .where(CaseRequest.id == request.id)
        .values(case_id=case.id)
        .execution_options(synchronize_session=False)
    )
    return AutomaticReport(opened=1) if opened else AutomaticReport(added=1)


def consume_case_requests(cctx: CaseContext, *, limit: int = 500) -> AutomaticReport:
    """Turn the pending outbox requests into cases (or occurrences of active cases).

    A request that cannot be read (unknown category or priority, malformed cause key) is
    consumed without a case and counted as refused, so that it does not block the outbox.
    """
    report = AutomaticReport()
    for request in pending_case_requests(cctx.session, limit=limit):
        report += _consume_one(cctx, request)
        cctx.session.expire(request)
    return report


def _rule(config: CaseConfiguration, trigger: AutoCaseTrigger) -> AutoCaseRule:
    return config.auto_rules[trigger]


def _case_since(cctx: CaseContext, cause: CauseKey, since: datetime | None) -> bool:
    query = select(Case.id).where(Case.cause_key == str(cause))
    if since is not None:
        query = query.where(Case.created_at >= since)
    return cctx.session.scalar(query.limit(1)) is not None


def detect_incomplete_dossiers(cctx: CaseContext) -> AutomaticReport:
    """Open a case for each dossier still incomplete N business days after its training start."""
    config = _config(cctx.now)
    rule = _rule(config, AutoCaseTrigger.DOSSIER_INCOMPLETE)
    today = paris_day(cctx.now)
    verified = (
        select(func.count())
        .where(
            Document.dossier_id == Dossier.id,
            Document.verification_status == VerificationStatus.VERIFIED.value,
        )
        .scalar_subquery()
    )
    waiting = or_(
        Dossier.status == "incomplete",
        and_(Dossier.status == "submitted", verified < len(DocumentKind)),
    )
    rows = cctx.session.execute(
        select(Dossier, Training)
        .join(Training, Training.id == Dossier.training_id)
        .where(waiting, Training.start_date <= today)
        .order_by(Dossier.created_at, Dossier.id)
    ).tuples()
    report = AutomaticReport()
    for dossier, training in rows:
        if trigger_day(rule, reference_day=training.start_date, calendar=config.calendar) > today:
            continue
        cause = CauseKey.for_rule(rule, dossier.id)
        moment = dossier.incomplete_at if dossier.status == "incomplete" else dossier.submitted_at
        if _case_since(cctx, cause, as_utc(moment) if moment else None):
            continue
        missing = _missing_documents(cctx, dossier)
        occurrence = _incomplete_occurrence(rule, cause, dossier, training, missing)
        _, opened = record_occurrence(cctx, occurrence)
        report += AutomaticReport(opened=1) if opened else AutomaticReport(added=1)
    return report


_DOCUMENT_NAMES = {
    DocumentKind.IDENTITY: "pièce d'identité",
    DocumentKind.VITALE: "attestation de carte Vitale",
    DocumentKind.RIB: "RIB",
}


def _missing_documents(cctx: CaseContext, dossier: Dossier) -> list[str]:
    """The documents not yet verified, in French."""
    verified = set(
        cctx.session.scalars(
            select(Document.kind).where(
                Document.dossier_id == dossier.id,
                Document.verification_status == VerificationStatus.VERIFIED.value,
            )
        )
    )
    return [name for kind, name in _DOCUMENT_NAMES.items() if kind.value not in verified]


def _incomplete_occurrence(
    rule: AutoCaseRule,
    cause: CauseKey,
    dossier: Dossier,
    training: Training,
    missing: list[str],
) -> Occurrence:
    days = rule.delay_business_days or 0
    pieces = f" Pièces manquantes : {', '.join(missing)}." if missing else ""
    return Occurrence(
        cause=cause,
        priority=rule.priority,
        contact=rule.contact,
        subject="Dossier de rémunération toujours incomplet",
        summary=(
            f"Le dossier est toujours incomplet {days} jours ouvrés après le début de la "
            f"formation « {training.title} » (début le {training.start_date:%d/%m/%Y}).{pieces} "
            "Contactez le stagiaire pour obtenir les pièces manquantes."
        ),
        trainee_id=dossier.trainee_id,
        dossier_id=dossier.id,
        training_id=training.id,
    )


def _months(training: Training, today: date) -> list[Month]:
    """The training's months already over on ``today``."""
    return [
        month
        for month in Month.spanning(training.start_date, training.end_date)
        if month.last_day < today
    ]


def _trainees_to_pay(cctx: CaseContext, training: Training, first: date) -> bool:
    """Whether the month concerns someone: a dossier past instruction not exited before it."""
    left_before = exists().where(Exit.dossier_id == Dossier.id, Exit.exit_date < first)
    query = select(Dossier.id).where(
        Dossier.training_id == training.id,
        Dossier.status.not_in(("draft", "rejected")),
        ~left_before,
    )
    return cctx.session.scalar(query.limit(1)) is not None


def _statement_exists(cctx: CaseContext, training: Training, month: Month) -> bool:
    query = select(AttendanceStatement.id).where(
        AttendanceStatement.training_id == training.id, AttendanceStatement.month == str(month)
    )
    return cctx.session.scalar(query) is not None


def detect_missing_attendance(cctx: CaseContext) -> AutomaticReport:
    """Open a case (contact: the training organisation) per missing monthly statement."""
    config = _config(cctx.now)
    rule = _rule(config, AutoCaseTrigger.ATTENDANCE_STATEMENT_MISSING)
    today = paris_day(cctx.now)
    trainings = cctx.session.scalars(
        select(Training)
        .where(Training.approved_for_remuneration, Training.start_date <= today)
        .order_by(Training.start_date, Training.id)
    )
    report = AutomaticReport()
    for training in list(trainings):
        for month in _months(training, today):
            if trigger_day(rule, reference_day=month.last_day, calendar=config.calendar) > today:
                continue
            cause = CauseKey.for_rule(rule, f"{training.id}/{month}")
            if _case_since(cctx, cause, None) or _statement_exists(cctx, training, month):
                continue
            if not _trainees_to_pay(cctx, training, month.first_day):
                continue
            record_occurrence(cctx, _attendance_occurrence(rule, cause, training, month))
            report += AutomaticReport(opened=1)
    return report


def _attendance_occurrence(
    rule: AutoCaseRule, cause: CauseKey, training: Training, month: Month
) -> Occurrence:
    year, number = f"{month.year:04d}", f"{month.month:02d}"
    return Occurrence(
        cause=cause,
        priority=rule.priority,
        contact=rule.contact,
        subject=f"État de présence manquant : {number}/{year}",
        summary=(
            f"L'état de présence du mois {number}/{year} de la formation « {training.title} » "
            f"n'a pas été reçu {rule.delay_business_days or 0} jours ouvrés après la fin du "
            "mois. Contactez l'organisme de formation."
        ),
        training_id=training.id,
    )
