"""The stored facts of many dossiers at once, as evaluation-contract requests.

``remuneration.services.evaluation_input.build_request`` reads one dossier with six queries: fine
for a decision, far too slow for a run over 100 000 dossiers. This module reads a chunk of
dossiers with one query per table and builds exactly the same requests (a test compares the two
on every kind of dossier), plus what the payment needs beside the engine: the verified RIB (IBAN
decrypted in memory only), the trainee's postal address, and the attendance lines per month.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from remuneration.db.many import among
from remuneration.db.models import (
    AidRequest,
    AttendanceStatement,
    AttendanceStatementLine,
    Document,
    Dossier,
    Exit,
    Trainee,
    Training,
)
from remuneration.db.raw_ids import IdCache, raw_id
from remuneration.domain.vocabulary import TraineeStatus, VerificationStatus
from remuneration.services.evaluation_input import (
    aid_part,
    documents_part,
    month_part,
    request_of,
    trainee_part,
    training_part,
    verified_document_part,
)
from remuneration.services.person_history import People, histories_of, read_people
from remuneration.services.protection import FieldProtector

__all__ = ["BankDetails", "DossierFacts", "FactRows", "build_facts", "load_facts", "read_facts"]


@dataclass(frozen=True, slots=True)
class BankDetails:
    """The dossier's verified RIB, with the IBAN in clear for this run only."""

    document_id: uuid.UUID
    iban: str
    iban_hash: str
    bic: str | None
    holder: str | None
    iban_changed_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DossierFacts:
    """One dossier's request for the engine and what its payment needs."""

    dossier_id: uuid.UUID
    trainee_id: uuid.UUID
    request: dict[str, Any]
    trainee: Row[Any]
    training_end: date
    exit_date: date | None
    bank_details: BankDetails | None
    statement_lines: dict[str, uuid.UUID] = field(default_factory=dict)


# What the facts and the bank details need of a document: its audit columns (who recorded and
# verified it, when) stay in the database, not turned into UUID and datetime objects per row.
_DOCUMENT_COLUMNS = (
    raw_id(Document.dossier_id, "dossier_id"),
    raw_id(Document.id, "id"),
    Document.kind,
    Document.identity_type,
    Document.identity_expiry_date,
    Document.nir_encrypted,
    Document.iban_encrypted,
    Document.iban_hash,
    Document.bic,
    Document.holder,
    Document.iban_changed_at,
    Document.updated_at,
)


# Only the columns the facts and the payment use: each other column costs a conversion per row
# (a dossier's eleven datetimes, its author's UUID, a trainee's search columns). Identifiers
# read in several tables (a dossier's, a trainee's) or not always used (a document's) are read
# raw and converted by the chunk's ``IdCache``, once per value (``remuneration.db.raw_ids``).
_DOSSIER_COLUMNS = (
    raw_id(Dossier.id, "id"),
    raw_id(Dossier.trainee_id, "trainee_id"),
    raw_id(Dossier.training_id, "training_id"),
    Dossier.trainee_status,
    Dossier.france_travail_registered,
    Dossier.france_travail_indemnity,
    Dossier.insertion_contract,
    Dossier.insertion_are_complement,
    Dossier.insertion_hours_outside_work,
    Dossier.distance_km,
    Dossier.driving_licence_aid_received,
)
_TRAINEE_COLUMNS = (
    raw_id(Trainee.id, "id"),
    Trainee.last_name,
    Trainee.first_names,
    Trainee.birth_date,
    Trainee.sex,
    Trainee.street,
    Trainee.postcode,
    Trainee.town,
    Trainee.country,
)
_LINE_COLUMNS = (
    AttendanceStatement.month,
    raw_id(AttendanceStatementLine.id, "id"),
    raw_id(AttendanceStatementLine.dossier_id, "dossier_id"),
    AttendanceStatementLine.scheduled_hours,
    AttendanceStatementLine.attended_hours,
    AttendanceStatementLine.justified_absence_hours,
    AttendanceStatementLine.unjustified_absence_hours,
    AttendanceStatementLine.daily_allowances,
    AttendanceStatementLine.hours_outside_work,
)


class _Chunk:
    """The rows of one chunk of dossiers, grouped by dossier. ``dossiers`` holds each dossier's
    row with its identifier, its trainee's and its training's as ``uuid.UUID``."""

    def __init__(self, session: Session, ids: Sequence[uuid.UUID]) -> None:
        self.uuid = as_uuid = IdCache()
        dialect = session.get_bind().dialect.name
        self.dossiers = [
            _DossierRow(as_uuid(row.id), as_uuid(row.trainee_id), as_uuid(row.training_id), row)
            for row in session.execute(
                select(*_DOSSIER_COLUMNS).where(among(Dossier.id, ids, dialect))
            )
        ]
        trainee_ids = {d.trainee_id for d in self.dossiers}
        training_ids = {d.training_id for d in self.dossiers}
        self.trainees = {
            as_uuid(row.id): row
            for row in session.execute(
                select(*_TRAINEE_COLUMNS).where(among(Trainee.id, trainee_ids, dialect))
            )
        }
        self.trainings = _by_id(
            session.execute(
                select(Training.__table__).where(among(Training.id, training_ids, dialect))
            )
        )
        self.exits = {
            row.dossier_id: row
            for row in session.execute(
                select(Exit.__table__).where(among(Exit.dossier_id, ids, dialect))
            )
        }
        self.documents = _grouped(
            session.execute(
                select(*_DOCUMENT_COLUMNS).where(
                    among(Document.dossier_id, ids, dialect),
                    Document.verification_status == VerificationStatus.VERIFIED.value,
                )
            ),
            as_uuid,
        )
        self.months = _grouped(
            session.execute(
                select(*_LINE_COLUMNS)
                .join(
                    AttendanceStatement,
                    AttendanceStatement.id == AttendanceStatementLine.statement_id,
                )
                .where(among(AttendanceStatementLine.dossier_id, ids, dialect))
                .order_by(AttendanceStatement.month)
            ),
            as_uuid,
        )
        self.aids = _grouped(
            session.execute(
                select(AidRequest.__table__)
                .where(among(AidRequest.dossier_id, ids, dialect))
                .order_by(AidRequest.created_at, AidRequest.request_date, AidRequest.id)
            ),
            as_uuid,
        )


class _DossierRow(NamedTuple):
    """A dossier's row (identifiers raw) and its identifiers as ``uuid.UUID``."""

    id: uuid.UUID
    trainee_id: uuid.UUID
    training_id: uuid.UUID
    row: Row[Any]


def _by_id(rows: Iterable[Row[Any]]) -> dict[uuid.UUID, Row[Any]]:
    return {row.id: row for row in rows}


def _grouped(rows: Iterable[Row[Any]], as_uuid: IdCache) -> dict[uuid.UUID, list[Row[Any]]]:
    grouped: dict[uuid.UUID, list[Row[Any]]] = {}
    for row in rows:
        grouped.setdefault(as_uuid(row.dossier_id), []).append(row)
    return grouped


def _documents_part(
    protector: FieldProtector, documents: list[Row[Any]], as_uuid: IdCache
) -> tuple[dict[str, Any], BankDetails | None]:
    parts = [verified_document_part(protector, document) for document in documents]
    bank: BankDetails | None = None
    for document, part in zip(documents, parts, strict=True):
        if part is not None and part[0] == "rib":
            bank = BankDetails(
                document_id=as_uuid(document.id),
                iban=part[1]["iban"],
                iban_hash=document.iban_hash,
                bic=document.bic,
                holder=document.holder,
                iban_changed_at=document.iban_changed_at,
                updated_at=document.updated_at,
            )
    return documents_part(parts), bank


def _facts(
    chunk: _Chunk,
    protector: FieldProtector,
    ids: _DossierRow,
    as_of: date,
    person: dict[str, Any],
) -> DossierFacts:
    dossier = ids.row
    trainee = chunk.trainees[ids.trainee_id]
    training = chunk.trainings[ids.training_id]
    exit_row = chunk.exits.get(ids.id)
    documents, bank = _documents_part(protector, chunk.documents.get(ids.id, []), chunk.uuid)
    months = chunk.months.get(ids.id, [])
    insertion = dossier.trainee_status == TraineeStatus.INSERTION_EMPLOYEE
    parts = {
        "trainee": trainee_part(dossier, trainee),
        "training": training_part(dossier, training),
        "documents": documents,
        "months": [month_part(line.month, line, insertion=insertion) for line in months],
        "aid_requests": [aid_part(aid) for aid in chunk.aids.get(ids.id, [])],
    }
    return DossierFacts(
        dossier_id=ids.id,
        trainee_id=ids.trainee_id,
        request=request_of(dossier, as_of=as_of, parts=parts, exit_row=exit_row, person=person),
        trainee=trainee,
        training_end=training.end_date,
        exit_date=exit_row.exit_date if exit_row else None,
        bank_details=bank,
        statement_lines={line.month: chunk.uuid(line.id) for line in months},
    )


@dataclass(frozen=True, slots=True)
class FactRows:
    """A chunk's rows as read (``read_facts``), before any fact is built from them."""

    dossier_ids: Sequence[uuid.UUID]
    chunk: _Chunk
    people: People


def read_facts(session: Session, dossier_ids: Sequence[uuid.UUID]) -> FactRows:
    """The queries of ``load_facts`` (one per table), without building anything."""
    chunk = _Chunk(session, dossier_ids)
    own = {d.id: (d.trainee_id, d.training_id) for d in chunk.dossiers}
    return FactRows(
        dossier_ids, chunk, read_people(session, list(own), own=own, as_uuid=chunk.uuid)
    )


def build_facts(
    rows: FactRows,
    protector: FieldProtector,
    *,
    as_of: date,
    advances_paid: Collection[uuid.UUID] = frozenset(),
) -> list[DossierFacts]:
    """The facts of the rows' dossiers, in the order of their ids; ``advances_paid`` as for
    ``person_history.histories_of``."""
    chunk = rows.chunk
    by_id = {dossier.id: dossier for dossier in chunk.dossiers}
    people = histories_of(rows.people, advances_paid)
    return [
        _facts(chunk, protector, by_id[i], as_of, people[i]) for i in rows.dossier_ids if i in by_id
    ]


def load_facts(
    session: Session, protector: FieldProtector, dossier_ids: Sequence[uuid.UUID], *, as_of: date
) -> list[DossierFacts]:
    """The facts of ``dossier_ids`` (one query per table), in the order of the ids given."""
    return build_facts(read_facts(session, dossier_ids), protector, as_of=as_of)
