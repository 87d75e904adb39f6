"""Use cases for training organisations, trainings and trainees."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from sqlalchemy import select

from remuneration.db.models import Dossier, Trainee, Training, TrainingOrganisation
from remuneration.domain.address import check_postcode
from remuneration.domain.errors import AlreadyExists, FieldProblem, InvalidFacts, NotFound
from remuneration.domain.ids import new_id
from remuneration.domain.organisations import normalise_siret
from remuneration.services.audit import record_event
from remuneration.services.context import Role, ServiceContext
from remuneration.services.duplicates import check_new_trainee, record_forced
from remuneration.services.inputs import OrganisationInput, TraineeInput, TrainingInput

__all__ = [
    "create_organisation",
    "create_trainee",
    "create_training",
    "get_organisation",
    "get_trainee",
    "get_training",
    "list_training_dossiers",
]


def _in_perimeter(ctx: ServiceContext, organisation_id: uuid.UUID) -> bool:
    """An organisation sees only itself; agents see every organisation."""
    if ctx.actor.role is Role.ORGANISATION:
        return ctx.actor.organisation_id == organisation_id
    return True


def create_organisation(ctx: ServiceContext, data: OrganisationInput) -> TrainingOrganisation:
    """Register a training organisation; its SIRET is checked and must be new."""
    siret = normalise_siret(data.siret)
    if ctx.session.scalar(
        select(TrainingOrganisation.id).where(TrainingOrganisation.siret == siret)
    ):
        raise AlreadyExists("Un organisme de formation avec ce SIRET existe déjà.", field="siret")
    organisation = TrainingOrganisation(
        id=new_id(),
        name=data.name,
        siret=siret,
        contact_email=data.contact_email,
        created_at=ctx.now,
    )
    ctx.session.add(organisation)
    ctx.session.flush()
    record_event(
        ctx,
        action="organisation.created",
        entity_type="training_organisation",
        entity_id=organisation.id,
        after={"name": data.name, "siret": siret},
    )
    return organisation


def get_organisation(ctx: ServiceContext, organisation_id: uuid.UUID) -> TrainingOrganisation:
    """One organisation, within the caller's perimeter."""
    organisation = ctx.session.get(TrainingOrganisation, organisation_id)
    if organisation is None or not _in_perimeter(ctx, organisation.id):
        raise NotFound("Organisme de formation introuvable.")
    return organisation


def _check_training_dates(data: TrainingInput) -> None:
    problems: list[FieldProblem] = []
    if data.end_date < data.start_date:
        problems.append(
            FieldProblem("end_date", "end_before_start", "La fin précède le début de la formation.")
        )
    if data.weekly_hours <= 0 or data.total_hours <= 0:
        problems.append(
            FieldProblem("total_hours", "not_positive", "Les heures doivent être positives.")
        )
    approval = (data.approval_start_date, data.approval_end_date)
    if approval[0] and approval[1] and approval[1] < approval[0]:
        problems.append(
            FieldProblem(
                "approval_end_date", "end_before_start", "La fin d'agrément précède son début."
            )
        )
    if problems:
        raise InvalidFacts("La formation est incohérente.", problems=problems)


def create_training(ctx: ServiceContext, data: TrainingInput) -> Training:
    """Create a training of an existing organisation."""
    get_organisation(ctx, data.organisation_id)
    _check_training_dates(data)
    training = Training(id=new_id(), created_at=ctx.now, updated_at=ctx.now, **asdict(data))
    ctx.session.add(training)
    ctx.session.flush()
    record_event(
        ctx,
        action="training.created",
        entity_type="training",
        entity_id=training.id,
        after={"title": data.title, "organisation_id": str(data.organisation_id)},
    )
    return training


def get_training(ctx: ServiceContext, training_id: uuid.UUID) -> Training:
    """One training, within the caller's perimeter (404 for another organisation's)."""
    training = ctx.session.get(Training, training_id)
    if training is None or not _in_perimeter(ctx, training.organisation_id):
        raise NotFound("Formation introuvable.")
    return training


def list_training_dossiers(
    ctx: ServiceContext, training_id: uuid.UUID
) -> list[tuple[Dossier, Trainee]]:
    """The trainees of a training (what an organisation needs to fill its statements)."""
    get_training(ctx, training_id)
    rows = ctx.session.execute(
        select(Dossier, Trainee)
        .join(Trainee, Trainee.id == Dossier.trainee_id)
        .where(Dossier.training_id == training_id)
        .order_by(Trainee.last_name, Trainee.first_names, Dossier.id)
    )
    return [(dossier, trainee) for dossier, trainee in rows.tuples()]


def create_trainee(
    ctx: ServiceContext, data: TraineeInput, *, force_reason: str | None = None
) -> Trainee:
    """Register a trainee (identity as declared; the NIR comes with the carte Vitale).

    A second record of the same person (normalised name and birth date) is refused with the
    existing record, unless an instructor forces it with a reason (audited).
    """
    if data.birth_date >= ctx.today:
        raise InvalidFacts(
            "La date de naissance est dans le futur.",
            problems=[
                FieldProblem("birth_date", "in_future", "La date de naissance est dans le futur.")
            ],
        )
    check_postcode(data.postcode, data.country)
    duplicated = check_new_trainee(ctx, data, force_reason)
    trainee = Trainee(id=new_id(), created_at=ctx.now, updated_at=ctx.now, **asdict(data))
    ctx.session.add(trainee)
    ctx.session.flush()
    record_event(ctx, action="trainee.created", entity_type="trainee", entity_id=trainee.id)
    if duplicated and force_reason is not None:
        record_forced(ctx, trainee, force_reason, duplicated)
    return trainee


def get_trainee(ctx: ServiceContext, trainee_id: uuid.UUID) -> Trainee:
    """One trainee."""
    trainee = ctx.session.get(Trainee, trainee_id)
    if trainee is None:
        raise NotFound("Stagiaire introuvable.")
    return trainee
