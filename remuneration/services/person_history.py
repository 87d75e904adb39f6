"""What the engine must know of a person's other dossiers (one remunerated training at a time).

The engine stays pure: the service looks up, for each dossier, the person's other dossiers -- the
same trainee record, or any record holding the same NIR (keyed hash) -- and tells the engine
(``history.remunerated_trainings``) which of them stand granted, with their periods (training
start to exit or end), and (``history.advance_received``) whether the advance of this training
entry was already paid under another dossier. The first dossier granted keeps its remuneration;
a later overlapping one is rejected.

One bulk function serves the decision of one dossier and the payment runs, so both give the
engine the same request. Payment lines belong to the payments package, which this package may
not import: they are read through a lightweight table construct naming only what is read.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, column, literal_column, or_, select, table
from sqlalchemy.orm import Session

from remuneration.db.many import among_param
from remuneration.db.models import Decision, Document, Dossier, Exit, Training
from remuneration.db.raw_ids import IdCache, raw_id
from remuneration.domain.vocabulary import DocumentKind

__all__ = ["People", "histories", "histories_of", "history_of", "read_people"]

_PAYMENT_LINES = table("payment_lines", column("dossier_id"), column("kind"), column("amount"))


@dataclass(frozen=True, slots=True)
class _Other:
    dossier_id: uuid.UUID
    trainee_id: uuid.UUID
    training_id: uuid.UUID
    start: date
    end: date
    granted: bool
    advance_paid: bool


# The statements are built once per database, their lists of values bound at execution
# (``remuneration.db.many``): building this query (three subqueries) and its cache key per call
# cost four times its execution on a dossier read.
@dataclass(frozen=True, slots=True)
class _Statements:
    nir_hashes: Select[tuple[Any, ...]]
    own: Select[tuple[Any, ...]]
    same_nir: Select[tuple[Any, ...]]
    people: Select[tuple[Any, ...]]


def _statements(dialect: str) -> _Statements:
    # Identifiers read raw and converted once per value (``remuneration.db.raw_ids``): a run
    # reads each chunk's dossiers here again, already converted by the caller's cache.
    nir_hashes = select(raw_id(Document.dossier_id, "dossier_id"), Document.nir_hash).where(
        among_param(Document.dossier_id, "dossier_ids", dialect),
        Document.kind == DocumentKind.VITALE.value,
        Document.nir_hash.is_not(None),
    )
    own = select(Dossier.id, Dossier.trainee_id, Dossier.training_id).where(
        among_param(Dossier.id, "dossier_ids", dialect)
    )
    same_nir = select(Document.nir_hash, raw_id(Document.dossier_id, "dossier_id")).where(
        Document.kind == DocumentKind.VITALE.value,
        among_param(Document.nir_hash, "nir_hashes", dialect),
    )
    return _Statements(nir_hashes, own, same_nir, _people_query(dialect))


def _people_query(dialect: str) -> Select[tuple[Any, ...]]:
    """The candidates' dossiers with their latest decision's outcome and whether an advance was
    paid on them, both as correlated subqueries: one index lookup per dossier found, whatever
    the planner knows of the tables (grouping every decision or every advance line and joining
    them scanned whole tables per call, and a run calls this once per chunk while it fills
    ``payment_lines`` within its own transaction, before any statistics exist: quadratic)."""
    latest_outcome = (
        select(Decision.outcome)
        .where(Decision.dossier_id == Dossier.id)
        .order_by(Decision.number.desc())
        .limit(1)
        .correlate(Dossier)
        .scalar_subquery()
    )
    # A scalar subquery with LIMIT 1, not EXISTS: PostgreSQL may turn an EXISTS into a hashed
    # subplan that reads every advance line once per call, and does when the table has no
    # statistics yet (a run's first chunks).
    advance_paid = (
        select(literal_column("1"))
        .where(
            _PAYMENT_LINES.c.dossier_id == Dossier.id,
            _PAYMENT_LINES.c.kind == "advance",
            _PAYMENT_LINES.c.amount > Decimal(0),
        )
        .limit(1)
        .correlate(Dossier)
        .scalar_subquery()
    )
    return (
        select(
            raw_id(Dossier.id, "id"),
            raw_id(Dossier.trainee_id, "trainee_id"),
            raw_id(Dossier.training_id, "training_id"),
            Training.start_date,
            Training.end_date,
            Exit.exit_date,
            latest_outcome,
            advance_paid,
        )
        .join(Training, Training.id == Dossier.training_id)
        .outerjoin(Exit, Exit.dossier_id == Dossier.id)
        .where(
            or_(
                among_param(Dossier.trainee_id, "trainee_ids", dialect),
                among_param(Dossier.id, "linked_ids", dialect),
            )
        )
    )


_STATEMENTS = {dialect: _statements(dialect) for dialect in ("postgresql", "sqlite")}


def _for(session: Session) -> _Statements:
    dialect = session.get_bind().dialect.name
    found = _STATEMENTS.get(dialect)
    if found is None:
        found = _STATEMENTS[dialect] = _statements(dialect)
    return found


def _nir_hashes(
    session: Session, dossier_ids: Sequence[uuid.UUID], as_uuid: IdCache
) -> dict[uuid.UUID, str]:
    rows = session.execute(_for(session).nir_hashes, {"dossier_ids": list(dossier_ids)})
    return {as_uuid(dossier_id): nir_hash for dossier_id, nir_hash in rows.tuples() if nir_hash}


def _people_dossiers(
    session: Session, trainee_ids: set[uuid.UUID], nir_hashes: set[str], as_uuid: IdCache
) -> tuple[list[_Other], dict[str, set[uuid.UUID]]]:
    """Every dossier of these trainees or holding these NIRs, with its state."""
    by_nir: dict[str, set[uuid.UUID]] = {}
    if nir_hashes:
        rows = session.execute(_for(session).same_nir, {"nir_hashes": list(nir_hashes)})
        for nir_hash, dossier_id in rows.tuples():
            if nir_hash is None:
                continue
            by_nir.setdefault(nir_hash, set()).add(as_uuid(dossier_id))
    linked = [dossier_id for ids in by_nir.values() for dossier_id in ids]
    found = session.execute(
        _for(session).people, {"trainee_ids": list(trainee_ids), "linked_ids": linked}
    )
    others = [
        _Other(
            dossier_id=as_uuid(row[0]),
            trainee_id=as_uuid(row[1]),
            training_id=as_uuid(row[2]),
            start=row[3],
            end=row[5] or row[4],
            granted=row[6] == "granted",
            advance_paid=bool(row[7]),
        )
        for row in found.tuples()
    ]
    return others, by_nir


@dataclass(frozen=True, slots=True)
class People:
    """What the database says of the dossiers' people, read at once (``read_people``); the
    ``history`` facts come from it with ``histories_of``."""

    own: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]]
    nirs: dict[uuid.UUID, str]
    others: list[_Other]
    by_nir: dict[str, set[uuid.UUID]]


def read_people(
    session: Session,
    dossier_ids: Sequence[uuid.UUID],
    *,
    own: Mapping[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] | None = None,
    as_uuid: IdCache | None = None,
) -> People:
    """The queries of ``histories``, without building its answer; ``own``: each of these
    dossiers' (trainee, training), when the caller has just read their rows (one query less);
    ``as_uuid``: the caller's identifiers already converted."""
    if not dossier_ids:
        return People({}, {}, [], {})
    as_uuid = as_uuid or IdCache()
    nirs = _nir_hashes(session, dossier_ids, as_uuid)
    if own is None:
        own = {
            row[0]: (row[1], row[2])
            for row in session.execute(
                _for(session).own, {"dossier_ids": list(dossier_ids)}
            ).tuples()
        }
    return _read_people(session, dict(own), nirs, as_uuid)


def history_of(
    session: Session,
    *,
    dossier_id: uuid.UUID,
    trainee_id: uuid.UUID,
    training_id: uuid.UUID,
    nir_hash: str | None,
) -> dict[str, Any]:
    """The ``history`` facts of one dossier whose row and NIR hash (its carte Vitale's, if any)
    the caller already holds: what `histories` gives, two queries fewer (the dossier view)."""
    nirs = {dossier_id: nir_hash} if nir_hash else {}
    people = _read_people(session, {dossier_id: (trainee_id, training_id)}, nirs, IdCache())
    return histories_of(people)[dossier_id]


def _read_people(
    session: Session,
    own: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]],
    nirs: dict[uuid.UUID, str],
    as_uuid: IdCache,
) -> People:
    others, by_nir = _people_dossiers(
        session, {trainee for trainee, _ in own.values()}, set(nirs.values()), as_uuid
    )
    return People(own, nirs, others, by_nir)


def histories(
    session: Session, dossier_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """For each dossier, the ``history`` facts about the same person's other dossiers."""
    return histories_of(read_people(session, dossier_ids))


def histories_of(
    people: People, advances_paid: Collection[uuid.UUID] = frozenset()
) -> dict[uuid.UUID, dict[str, Any]]:
    """The ``history`` facts of each dossier of ``people``. ``advances_paid``: dossiers whose
    advance the caller has paid in its own transaction and not written yet (a payment run
    reads a chunk's people while it writes the previous chunk's lines)."""
    nirs, others, by_nir = people.nirs, people.others, people.by_nir
    # Indexed once per chunk: scanning every other dossier for each one was quadratic in the
    # chunk (a tenth of a millisecond a dossier in the monthly run).
    by_trainee: dict[uuid.UUID, list[_Other]] = {}
    by_dossier: dict[uuid.UUID, list[_Other]] = {}
    for other in others:
        by_trainee.setdefault(other.trainee_id, []).append(other)
        by_dossier.setdefault(other.dossier_id, []).append(other)
    result: dict[uuid.UUID, dict[str, Any]] = {}
    for dossier_id, (trainee_id, training_id) in people.own.items():
        same_nir = by_nir.get(nirs.get(dossier_id, ""), set())
        person = [o for o in by_trainee.get(trainee_id, ()) if o.dossier_id != dossier_id]
        person += [
            o
            for same in same_nir
            if same != dossier_id
            for o in by_dossier.get(same, ())
            if o.trainee_id != trainee_id
        ]
        periods = sorted({(o.start, o.end) for o in person if o.granted})
        result[dossier_id] = {
            "remunerated_trainings": [
                {"start_date": start.isoformat(), "end_date": end.isoformat()}
                for start, end in periods
            ],
            "advance_received": any(
                (o.advance_paid or o.dossier_id in advances_paid) and o.training_id == training_id
                for o in person
            ),
        }
    return result
