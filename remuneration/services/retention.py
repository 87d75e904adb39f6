"""The retention purge (RGPD art. 5-1-e): what remu no longer needs is erased, and audited.

Three rules, with the periods of `operations.yaml`:

- an uploaded document file is deleted some days after the document was verified or refused (the
  outcome of the verification is kept: type, expiry, masked number, verifier, date);
- a closed dossier past its retention loses its personal data: every file, the encrypted NIR and
  IBAN and their keyed hashes, the holder, the masked numbers and free-text reasons of its
  documents, and the encrypted engine input of its decisions (amounts, rules version, parameter
  digest, input hash and the result stay: they are the accounting trace);
- a trainee whose dossiers are all past retention (or who never had one) is anonymised: names and
  contact details erased, the birth date reduced to its year (kept for statistics).

`plan_retention` only reads (dry run); `apply_retention` changes rows, audits every change, and
deletes the files only after the transaction commits, so a rolled-back purge deletes nothing. The
audit log itself is append-only and stays as it is: its events hold summaries, never a full NIR,
IBAN or file.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, exists, func, or_, select, update
from sqlalchemy import delete as delete_rows
from sqlalchemy.orm import Session

from remuneration.db.models import Decision, Document, DocumentVersion, Dossier, Trainee
from remuneration.domain.states import DossierStatus
from remuneration.domain.timezone import paris_midnight
from remuneration.operations import RetentionPolicy
from remuneration.services.audit import record_event
from remuneration.services.context import ServiceContext
from remuneration.services.document_store import DocumentStore, delete_files_after_commit

__all__ = [
    "RetentionParticipant",
    "RetentionPlan",
    "apply_retention",
    "delete_files_after_commit",
    "orphan_files",
    "plan_retention",
]

_log = logging.getLogger("remu.retention")
_CLOSED = DossierStatus.CLOSED.value
ANONYMISED_NAME = "ANONYMISÉ"


class RetentionParticipant(Protocol):
    """Another package's share of the purge (e.g. the case queue erasing a trainee's messages):
    called with the trainees being anonymised, in the same transaction; returns a count."""

    def __call__(self, ctx: ServiceContext, trainee_ids: Sequence[uuid.UUID]) -> int: ...


@dataclass(frozen=True, slots=True)
class RetentionPlan:
    """What a purge on `today` erases: ids only, never personal data."""

    today: date
    files: tuple[uuid.UUID, ...]
    dossiers: tuple[uuid.UUID, ...]
    trainees: tuple[uuid.UUID, ...]

    def counts(self) -> dict[str, int]:
        """Sizes of the plan, for job outcomes and metrics."""
        return {
            "files": len(self.files),
            "dossiers": len(self.dossiers),
            "trainees": len(self.trainees),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plan (ids as strings)."""
        return {
            "today": self.today.isoformat(),
            **self.counts(),
            "file_document_ids": [str(i) for i in self.files],
            "dossier_ids": [str(i) for i in self.dossiers],
            "trainee_ids": [str(i) for i in self.trainees],
        }


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _start_of(day: date) -> datetime:
    """Midnight in Paris, as a UTC instant (dates of the rules are French dates)."""
    return paris_midnight(day)


def _holds_personal_data() -> ColumnElement[bool]:
    columns = (
        Document.stored_name,
        Document.nir_encrypted,
        Document.iban_encrypted,
        Document.holder,
        Document.identity_number_masked,
        Document.change_reason,
        Document.refusal_reason,
    )
    return or_(*(column.is_not(None) for column in columns))


def _expired_dossiers(session: Session, cutoff: datetime) -> list[uuid.UUID]:
    document_left = exists().where(Document.dossier_id == Dossier.id, _holds_personal_data())
    input_left = exists().where(
        Decision.dossier_id == Dossier.id, func.length(Decision.input_encrypted) > 0
    )
    query = (
        select(Dossier.id)
        .where(Dossier.status == _CLOSED, Dossier.closed_at < cutoff)
        .where(
            or_(document_left, input_left, exists().where(DocumentVersion.dossier_id == Dossier.id))
        )
        .order_by(Dossier.id)
    )
    return list(session.scalars(query))


def _expired_trainees(session: Session, cutoff: datetime) -> list[uuid.UUID]:
    still_needed = exists().where(
        Dossier.trainee_id == Trainee.id,
        or_(Dossier.status != _CLOSED, Dossier.closed_at.is_(None), Dossier.closed_at >= cutoff),
    )
    query = (
        select(Trainee.id)
        .where(Trainee.anonymised_at.is_(None), Trainee.created_at < cutoff, ~still_needed)
        .order_by(Trainee.id)
    )
    return list(session.scalars(query))


def _expired_files(session: Session, verified_before: date) -> list[uuid.UUID]:
    query = (
        select(Document.id)
        .where(
            or_(
                Document.stored_name.is_not(None),
                exists().where(
                    DocumentVersion.document_id == Document.id,
                    DocumentVersion.stored_name.is_not(None),
                ),
            ),
            Document.verified_on < verified_before,
        )
        .order_by(Document.id)
    )
    return list(session.scalars(query))


def plan_retention(session: Session, *, today: date, policy: RetentionPolicy) -> RetentionPlan:
    """What is past its retention on `today` (reads only)."""
    cutoff = _start_of(_years_before(today, policy.closed_dossier_years))
    files_before = today - timedelta(days=policy.document_file_days_after_verification)
    return RetentionPlan(
        today=today,
        files=tuple(_expired_files(session, files_before)),
        dossiers=tuple(_expired_dossiers(session, cutoff)),
        trainees=tuple(_expired_trainees(session, cutoff)),
    )


def _drop_earlier_files(ctx: ServiceContext, document: Document, files: list[str]) -> None:
    """The files of the document's earlier versions go with its current one."""
    for version in ctx.session.scalars(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id, DocumentVersion.stored_name.is_not(None)
        )
    ):
        files.append(version.stored_name or "")
        version.stored_name = None


def _drop_file(ctx: ServiceContext, document: Document, files: list[str]) -> None:
    _drop_earlier_files(ctx, document, files)
    if document.stored_name is None:
        return
    files.append(document.stored_name)
    document.stored_name = None
    document.updated_at = ctx.now
    record_event(
        ctx,
        action="document.file_deleted",
        entity_type="document",
        entity_id=document.id,
        dossier_id=document.dossier_id,
        after={"reason": "retention", "kind": document.kind},
    )


def _anonymise_dossier(ctx: ServiceContext, dossier_id: uuid.UUID, files: list[str]) -> None:
    documents = ctx.session.scalars(select(Document).where(Document.dossier_id == dossier_id))
    for document in documents:
        _drop_file(ctx, document, files)
        for column in (
            "nir_encrypted",
            "nir_hash",
            "iban_encrypted",
            "iban_hash",
            "bic",
            "holder",
            "identity_number_masked",
            "change_reason",
            "refusal_reason",
            "content_sha256",
        ):
            setattr(document, column, None)
        document.updated_at = ctx.now
    ctx.session.flush()
    ctx.session.execute(
        delete_rows(DocumentVersion).where(DocumentVersion.dossier_id == dossier_id)
    )
    ctx.session.execute(
        update(Decision).where(Decision.dossier_id == dossier_id).values(input_encrypted=b"")
    )
    record_event(
        ctx,
        action="dossier.anonymised",
        entity_type="dossier",
        entity_id=dossier_id,
        dossier_id=dossier_id,
        after={"reason": "retention"},
    )


def _anonymise_trainee(ctx: ServiceContext, trainee: Trainee) -> None:
    trainee.last_name = ANONYMISED_NAME
    trainee.first_names = ""
    trainee.birth_date = date(trainee.birth_date.year, 1, 1)
    for column in ("email", "phone", "street", "postcode", "town"):
        setattr(trainee, column, None)
    trainee.anonymised_at = ctx.now
    trainee.updated_at = ctx.now
    record_event(
        ctx,
        action="trainee.anonymised",
        entity_type="trainee",
        entity_id=trainee.id,
        after={"reason": "retention"},
    )


def apply_retention(
    ctx: ServiceContext,
    plan: RetentionPlan,
    *,
    delete_file: Callable[[str], None],
    participants: Sequence[RetentionParticipant] = (),
) -> dict[str, int]:
    """Carry out `plan` in the caller's transaction; files go when it commits."""
    files: list[str] = []
    for document_id in plan.files:
        document = ctx.session.get(Document, document_id)
        if document is not None:
            _drop_file(ctx, document, files)
    for dossier_id in plan.dossiers:
        _anonymise_dossier(ctx, dossier_id, files)
    for trainee_id in plan.trainees:
        trainee = ctx.session.get(Trainee, trainee_id)
        if trainee is not None and trainee.anonymised_at is None:
            _anonymise_trainee(ctx, trainee)
    others = sum(participant(ctx, plan.trainees) for participant in participants)
    ctx.session.flush()
    delete_files_after_commit(ctx.session, files, delete_file)
    return {**plan.counts(), "files_deleted": len(files), "other_records": others}


ORPHAN_GRACE = timedelta(hours=1)
"""A file younger than this may belong to an upload whose transaction is still open."""


def orphan_files(session: Session, store: DocumentStore, *, now: datetime) -> list[str]:
    """Files of the store that no document names (left by a crash or an older version), written
    more than `ORPHAN_GRACE` before `now`."""
    named = set(
        session.scalars(select(Document.stored_name).where(Document.stored_name.is_not(None)))
    )
    return [
        stored.name
        for stored in store.files()
        if stored.name not in named and stored.modified_at <= now - ORPHAN_GRACE
    ]
