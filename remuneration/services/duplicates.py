"""Finding the same person under two trainee records.

Candidates come from three keys: the normalised name and birth date (``Trainee.identity_key``:
accents, hyphens, case, word order and particles ignored), the keyed hash of a NIR and the keyed
hash of an IBAN stored on any of their dossiers. A shared NIR is the same person; a shared name
and birth date, or a shared account, is only likely to be (homonyms, joint accounts): the agent
decides, and may merge the records.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import BindParameter, Select, bindparam, select

from remuneration.db.models import Document, Dossier, Trainee, Training
from remuneration.domain.errors import DuplicatePerson, FieldProblem, InvalidFacts
from remuneration.domain.people import identity_key
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services.audit import record_event
from remuneration.services.context import Role, ServiceContext
from remuneration.services.inputs import TraineeInput

__all__ = [
    "Candidate",
    "check_new_trainee",
    "overlap_warnings",
    "possible_duplicates",
    "record_forced",
]

_FORCERS = frozenset({Role.INSTRUCTOR, Role.SUPERVISOR})

REASON_LABELS = {
    "nir": "même numéro de sécurité sociale",
    "iban": "même IBAN",
    "name_birth": "même nom, prénom et date de naissance",
}


@dataclass(slots=True)
class Candidate:
    """Another trainee record that may be the same person, and why."""

    trainee: Trainee
    reasons: list[str] = field(default_factory=list)


# The statements are built once, with bind parameters: they run on every dossier view (the
# overlap warnings), where building them per call cost more than running them.
_BY_IDENTITY = (
    select(Trainee)
    .where(Trainee.identity_key == bindparam("key"), Trainee.merged_into_id.is_(None))
    .order_by(Trainee.created_at, Trainee.id)
)


def _by_hash_query(kind: DocumentKind) -> Select[tuple[Trainee]]:
    column = Document.nir_hash if kind is DocumentKind.VITALE else Document.iban_hash
    trainee_id: BindParameter[uuid.UUID] = bindparam("trainee_id")
    own = (
        select(column)
        .join(Dossier, Dossier.id == Document.dossier_id)
        .where(Dossier.trainee_id == trainee_id, Document.kind == kind.value, column.is_not(None))
    )
    return (
        select(Trainee)
        .join(Dossier, Dossier.trainee_id == Trainee.id)
        .join(Document, Document.dossier_id == Dossier.id)
        .where(
            Document.kind == kind.value,
            column.in_(own),
            Trainee.id != trainee_id,
            Trainee.merged_into_id.is_(None),
        )
        .distinct()
    )


_BY_HASH = {kind: _by_hash_query(kind) for kind in (DocumentKind.VITALE, DocumentKind.RIB)}
_DATES_OF = select(Training.start_date, Training.end_date).where(
    Training.id == bindparam("training_id")
)
_OVERLAPPING = (
    select(Dossier, Training)
    .join(Training, Training.id == Dossier.training_id)
    .where(
        Dossier.trainee_id.in_(bindparam("trainee_ids", expanding=True)),
        Dossier.id != bindparam("dossier_id"),
        Dossier.status != "closed",
        Training.start_date <= bindparam("end_date"),
        Training.end_date >= bindparam("start_date"),
    )
    .order_by(Training.start_date, Dossier.id)
)


def _by_identity(ctx: ServiceContext, key: str) -> list[Trainee]:
    return list(ctx.session.scalars(_BY_IDENTITY, {"key": key}))


def _by_hash(ctx: ServiceContext, trainee_id: uuid.UUID, kind: DocumentKind) -> list[Trainee]:
    return list(ctx.session.scalars(_BY_HASH[kind], {"trainee_id": trainee_id}))


def possible_duplicates(ctx: ServiceContext, trainee: Trainee) -> list[Candidate]:
    """Other live records that may be this person, strongest reason first."""
    found: dict[uuid.UUID, Candidate] = {}

    def add(others: list[Trainee], reason: str) -> None:
        for other in others:
            if other.id != trainee.id:
                found.setdefault(other.id, Candidate(other)).reasons.append(reason)

    add(_by_hash(ctx, trainee.id, DocumentKind.VITALE), "nir")
    add(_by_hash(ctx, trainee.id, DocumentKind.RIB), "iban")
    key = identity_key(trainee.last_name, trainee.first_names, trainee.birth_date)
    add(_by_identity(ctx, key), "name_birth")
    order = {"nir": 0, "iban": 1, "name_birth": 2}
    return sorted(
        found.values(),
        key=lambda c: (min(order[r] for r in c.reasons), c.trainee.created_at, str(c.trainee.id)),
    )


def check_new_trainee(
    ctx: ServiceContext, data: TraineeInput, force_reason: str | None
) -> list[uuid.UUID]:
    """Refuse a second record of a known person unless an instructor forces it with a reason.

    Returns the records a forced creation duplicates (the caller audits them), else nothing.
    """
    existing = _by_identity(ctx, identity_key(data.last_name, data.first_names, data.birth_date))
    if not existing:
        return []
    if force_reason is None:
        raise DuplicatePerson(
            "Cette personne a déjà une fiche stagiaire (même nom, prénom et date de naissance) : "
            "ouvrez son dossier sur la fiche existante, ou forcez la création avec un motif.",
            existing=[str(trainee.id) for trainee in existing],
        )
    if ctx.actor.role not in _FORCERS:
        raise InvalidFacts(
            "Seul un instructeur peut forcer la création d'un doublon.",
            problems=[FieldProblem("force.reason", "not_allowed", "Rôle insuffisant.")],
        )
    return [trainee.id for trainee in existing]


def record_forced(
    ctx: ServiceContext, trainee: Trainee, reason: str, existing: list[uuid.UUID]
) -> None:
    """Audit a record created although another one matched."""
    record_event(
        ctx,
        action="trainee.duplicate_forced",
        entity_type="trainee",
        entity_id=trainee.id,
        after={"reason": reason, "existing": [str(i) for i in existing]},
    )


def overlap_warnings(ctx: ServiceContext, dossier: Dossier) -> list[str]:
    """What an agent should know when opening this dossier: the same person (this record or a
    possible duplicate) has another dossier in a training whose dates overlap this one's."""
    trainee = ctx.session.get_one(Trainee, dossier.trainee_id)
    training = ctx.session.execute(_DATES_OF, {"training_id": dossier.training_id}).one()
    candidates = possible_duplicates(ctx, trainee)
    people = {trainee.id: "ce stagiaire", **{c.trainee.id: "une autre fiche" for c in candidates}}
    rows = ctx.session.execute(
        _OVERLAPPING,
        {
            "trainee_ids": list(people),
            "dossier_id": dossier.id,
            "start_date": training.start_date,
            "end_date": training.end_date,
        },
    ).tuples()
    return [
        f"Attention : {people[other.trainee_id]} a aussi le dossier {other.reference} sur "
        f"« {other_training.title} », du {other_training.start_date:%d/%m/%Y} au "
        f"{other_training.end_date:%d/%m/%Y} : une seule formation peut être rémunérée à la fois."
        for other, other_training in rows
    ]
