"""Training organisations, trainings and trainees."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from api.http.deps import etag, require
from api.http.idempotency import run_idempotent
from api.http.routers._common import PROBLEM_RESPONSES, IdempotencyKey, json_response
from api.http.schemas.catalogue import (
    OrganisationCreate,
    OrganisationView,
    TraineeCreate,
    TraineeView,
    TrainingCreate,
    TrainingTraineeView,
    TrainingView,
)
from remuneration.services import catalogue
from remuneration.services.context import ServiceContext
from remuneration.services.inputs import OrganisationInput, TraineeInput, TrainingInput

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["référentiel"], responses=PROBLEM_RESPONSES)


@router.post(
    "/organisations",
    status_code=201,
    response_model=OrganisationView,
    summary="Enregistrer un organisme de formation",
)
def create_organisation(
    request: Request,
    body: OrganisationCreate,
    ctx: Annotated[ServiceContext, Depends(require("organisations.create"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    def produce() -> Response:
        organisation = catalogue.create_organisation(ctx, OrganisationInput(**body.model_dump()))
        return json_response(
            OrganisationView.model_validate(organisation),
            status=201,
            location=f"/v1/organisations/{organisation.id}",
        )

    return run_idempotent(request, ctx, idempotency_key, body, produce)


@router.get(
    "/organisations/{organisation_id}",
    response_model=OrganisationView,
    summary="Lire un organisme de formation",
)
def read_organisation(
    organisation_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("organisations.read"))],
) -> OrganisationView:
    return OrganisationView.model_validate(catalogue.get_organisation(ctx, organisation_id))


@router.post(
    "/trainings", status_code=201, response_model=TrainingView, summary="Créer une formation"
)
def create_training(
    request: Request,
    body: TrainingCreate,
    ctx: Annotated[ServiceContext, Depends(require("trainings.create"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    def produce() -> Response:
        training = catalogue.create_training(ctx, TrainingInput(**body.model_dump()))
        return json_response(
            TrainingView.model_validate(training),
            status=201,
            location=f"/v1/trainings/{training.id}",
        )

    return run_idempotent(request, ctx, idempotency_key, body, produce)


@router.get("/trainings/{training_id}", response_model=TrainingView, summary="Lire une formation")
def read_training(
    training_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("trainings.read"))],
) -> TrainingView:
    return TrainingView.model_validate(catalogue.get_training(ctx, training_id))


@router.get(
    "/trainings/{training_id}/trainees",
    response_model=list[TrainingTraineeView],
    summary="Les stagiaires d'une formation (pour les états de présence)",
)
def read_training_trainees(
    training_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("attendance.read"))],
) -> list[TrainingTraineeView]:
    return [
        TrainingTraineeView(
            dossier_id=dossier.id,
            last_name=trainee.last_name,
            first_names=trainee.first_names,
            status=dossier.status,
        )
        for dossier, trainee in catalogue.list_training_dossiers(ctx, training_id)
    ]


@router.post(
    "/trainees", status_code=201, response_model=TraineeView, summary="Enregistrer un stagiaire"
)
def create_trainee(
    request: Request,
    body: TraineeCreate,
    ctx: Annotated[ServiceContext, Depends(require("trainees.create"))],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    def produce() -> Response:
        force = body.force.reason if body.force else None
        trainee = catalogue.create_trainee(
            ctx, TraineeInput(**body.model_dump(exclude={"force"})), force_reason=force
        )
        return json_response(
            TraineeView.model_validate(trainee),
            status=201,
            location=f"/v1/trainees/{trainee.id}",
            etag=etag(trainee.version),
        )

    return run_idempotent(request, ctx, idempotency_key, body, produce)


@router.get(
    "/trainees/{trainee_id}", response_model=TraineeView, summary="Lire un stagiaire (ETag)"
)
def read_trainee(
    trainee_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("trainees.read"))],
) -> Response:
    trainee = catalogue.get_trainee(ctx, trainee_id)
    return json_response(TraineeView.model_validate(trainee), etag=etag(trainee.version))
