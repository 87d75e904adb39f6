"""Monthly attendance statements of a training (organisations: their own trainings only)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from api.http.deps import etag, expected_version, require
from api.http.errors import PreconditionRequired
from api.http.routers._common import (
    PROBLEM_RESPONSES,
    IfMatch,
    MonthPath,
    json_response,
    month_of_path,
)
from api.http.schemas.attendance import AttendancePut, AttendanceView
from api.http.views import attendance_view
from remuneration.domain.attendance import AttendanceEntry
from remuneration.services import attendance
from remuneration.services.context import ServiceContext
from remuneration.services.inputs import AttendanceLineInput

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/trainings/{training_id}/attendance", tags=["présence"], responses=PROBLEM_RESPONSES
)


@router.put(
    "/{month}",
    response_model=AttendanceView,
    summary="Déposer ou corriger l'état de présence du mois (tous les stagiaires)",
    responses={
        201: {"description": "Créé", "model": AttendanceView},
        412: {"description": "If-Match périmé"},
        428: {"description": "If-Match requis pour corriger"},
    },
)
def put_attendance(
    training_id: uuid.UUID,
    month: MonthPath,
    body: AttendancePut,
    ctx: Annotated[ServiceContext, Depends(require("attendance.write"))],
    if_match: IfMatch = None,
) -> Response:
    """The first statement needs no If-Match; a correction does (ETag of the GET)."""
    lines = [
        AttendanceLineInput(
            dossier_id=entry.dossier_id,
            entry=AttendanceEntry(**entry.model_dump(exclude={"dossier_id"})),
        )
        for entry in body.entries
    ]
    version = expected_version(if_match)
    exists = attendance.statement_exists(ctx, training_id, month_of_path(month))
    if exists and if_match is None:
        raise PreconditionRequired(
            "Pour corriger un état déjà déposé, indiquez son ETag dans If-Match.", field="If-Match"
        )
    view, created = attendance.put_statement(
        ctx, training_id, month_of_path(month), lines, expected_version=version
    )
    return json_response(
        attendance_view(view), status=201 if created else 200, etag=etag(view.statement.version)
    )


@router.get("/{month}", response_model=AttendanceView, summary="Lire l'état de présence du mois")
def read_attendance(
    training_id: uuid.UUID,
    month: MonthPath,
    ctx: Annotated[ServiceContext, Depends(require("attendance.read"))],
) -> Response:
    view = attendance.get_statement(ctx, training_id, month_of_path(month))
    return json_response(attendance_view(view), etag=etag(view.statement.version))
