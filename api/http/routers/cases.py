"""The relation-usagers case queue over HTTP (roles relation_usagers and supervisor).

Changes answer the whole case with its ``ETag``; status changes, assignments, merges and
macros require ``If-Match`` (428 without, 412 when stale); a claim needs none because it is a
conditional update (ten agents claiming at once → one owner, nine 409). A case is addressed by
its id or by its reference (``C-2024-004217``, as read out on the phone).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from api.http.deps import etag, expected_version, require, require_version
from api.http.idempotency import run_idempotent
from api.http.routers._common import (
    PROBLEM_RESPONSES,
    VERSIONED_RESPONSES,
    IdempotencyKey,
    IfMatch,
    json_response,
)
from api.http.routers.cases_views import case_list_items, case_view
from api.http.schemas.cases import (
    CaseAssign,
    CaseCreate,
    CaseList,
    CaseMacroApply,
    CaseMerge,
    CaseMessageCreate,
    CaseNoteCreate,
    CaseTransition,
    CaseView,
    MacroView,
)
from api.http.schemas.common import Text
from remuneration.cases.domain import (
    CaseStatus,
    Category,
    Channel,
    metrics_to_csv,
    metrics_to_json,
)
from remuneration.cases.models import Case
from remuneration.cases.services import (
    CaseContext,
    CaseInput,
    CaseQuery,
    QueueView,
    add_note,
    apply_case_macro,
    assign_case,
    assign_round_robin,
    change_status,
    claim_case,
    create_case,
    find_case,
    list_cases,
    merge_cases,
    queue_metrics,
    record_message,
    refresh_sla,
)
from remuneration.cases.services.macro_catalogue import describe_macros
from remuneration.domain.errors import StaleVersion
from remuneration.domain.timezone import PARIS
from remuneration.services.context import ServiceContext

__all__ = ["router"]

router = APIRouter(prefix="/v1/cases", tags=["relation usagers"], responses=PROBLEM_RESPONSES)

CaseKeyPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z0-9 -]+$",
        description="Identifiant ou référence (C-AAAA-NNNNNN).",
    ),
]
Creator = Annotated[ServiceContext, Depends(require("cases.create"))]
Reader = Annotated[ServiceContext, Depends(require("cases.read"))]
Worker = Annotated[ServiceContext, Depends(require("cases.work"))]
Assigner = Annotated[ServiceContext, Depends(require("cases.assign"))]
MetricsReader = Annotated[ServiceContext, Depends(require("cases.metrics"))]


def _answer(
    ctx: ServiceContext,
    case: Case,
    *,
    status: int = 200,
    location: str | None = None,
    warnings: list[str] | None = None,
) -> Response:
    return json_response(
        case_view(ctx, case, warnings=warnings or []),
        status=status,
        location=location,
        etag=etag(case.version),
    )


def _case_at(
    ctx: ServiceContext, case_id: str, if_match: str | None, *, required: bool
) -> tuple[CaseContext, Case]:
    """The case named in the path, at the version the caller read: If-Match is ``required``
    for the moves that change its status or owner, checked when given for the others."""
    cctx = CaseContext.of(ctx)
    case = find_case(cctx, case_id)
    if required:
        require_version(if_match, case.version)
        return cctx, case
    expected = expected_version(if_match)
    if expected is not None and expected != case.version:
        raise StaleVersion(
            "Le dossier a été modifié depuis votre lecture ; relisez-le avant de recommencer."
        )
    return cctx, case


@router.post(
    "",
    status_code=201,
    response_model=CaseView,
    summary="Ouvrir un dossier de relation usager (avertit des doublons)",
)
def open_case(
    *,
    request: Request,
    body: CaseCreate,
    ctx: Creator,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    def produce() -> Response:
        created = create_case(
            CaseContext.of(ctx),
            CaseInput(
                category=body.category,
                channel=Channel(body.channel),
                subject=body.subject,
                priority=body.priority,
                trainee_id=body.trainee_id,
                dossier_id=body.dossier_id,
                payment_id=body.payment_id,
                payment_batch_id=body.payment_batch_id,
                description=body.description,
                team_id=body.team_id,
                round_robin=body.round_robin,
            ),
        )
        warnings = [] if created.warning is None else [created.warning.message]
        case = created.case
        return _answer(ctx, case, status=201, location=f"/v1/cases/{case.id}", warnings=warnings)

    return run_idempotent(request, ctx, idempotency_key, body, produce)


@router.get("", response_model=CaseList, summary="La file : vues, filtres, tri par échéance")
def queue(
    *,
    ctx: Reader,
    view: QueueView = QueueView.ACTIVE,
    status: CaseStatus | None = None,
    category: Category | None = None,
    assignee: uuid.UUID | None = None,
    q: Annotated[Text | None, Query(description="Référence, objet ou nom du stagiaire.")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CaseList:
    found = list_cases(
        CaseContext.of(ctx),
        CaseQuery(
            view=view,
            status=status,
            category=category,
            assignee_id=assignee,
            text=q,
            page=page,
            page_size=page_size,
        ),
    )
    return CaseList(
        items=case_list_items(ctx, found.items),
        total=found.total,
        page=found.page,
        page_size=found.page_size,
    )


def _instant(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=PARIS)


@router.get(
    "/macros",
    response_model=list[MacroView],
    summary="Les macros disponibles : nom, libellé, ce qu'elles font",
)
def macros(ctx: Reader) -> list[MacroView]:
    return [
        MacroView(
            key=item.macro.key,
            label=item.macro.label,
            status=item.macro.status.value if item.macro.status else None,
            resolution_reason=(
                item.macro.resolution_reason.value if item.macro.resolution_reason else None
            ),
            sends_message=item.macro.message_template is not None,
            writes_note=item.macro.note_template is not None,
            reminder_calendar_days=item.macro.reminder_calendar_days,
            placeholders=list(item.placeholders),
            description=item.description,
        )
        for item in describe_macros(ctx.today)
    ]


@router.get(
    "/metrics",
    summary="Indicateurs de la file (JSON, ou CSV pour Excel avec ?format=csv)",
    responses={200: {"content": {"text/csv": {}}}},
)
def metrics(
    *,
    ctx: MetricsReader,
    output: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
    since: Annotated[date | None, Query(description="Créés à partir de ce jour.")] = None,
    until: Annotated[date | None, Query(description="Créés avant ce jour.")] = None,
) -> Response:
    report = queue_metrics(CaseContext.of(ctx), since=_instant(since), until=_instant(until))
    if output == "csv":
        return Response(
            metrics_to_csv(report.metrics, agent_names=report.agent_names),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="indicateurs-file.csv"'},
        )
    return JSONResponse(metrics_to_json(report.metrics, agent_names=report.agent_names))


@router.get(
    "/{case_id}",
    response_model=CaseView,
    summary="Lire un dossier (ETag) avec le dossier du stagiaire, masqué",
)
def read_case(case_id: CaseKeyPath, ctx: Reader) -> Response:
    return _answer(ctx, find_case(CaseContext.of(ctx), case_id))


@router.post(
    "/{case_id}/claim",
    response_model=CaseView,
    summary="Prendre le dossier en charge (un seul gagnant)",
)
def claim(case_id: CaseKeyPath, ctx: Worker, if_match: IfMatch = None) -> Response:
    cctx, case = _case_at(ctx, case_id, if_match, required=False)
    return _answer(ctx, claim_case(cctx, case.id))


@router.post(
    "/{case_id}/assign",
    response_model=CaseView,
    responses=VERSIONED_RESPONSES,
    summary="Attribuer, retirer ou attribuer à tour de rôle (superviseur)",
)
def assign(
    case_id: CaseKeyPath, body: CaseAssign, ctx: Assigner, if_match: IfMatch = None
) -> Response:
    cctx, case = _case_at(ctx, case_id, if_match, required=True)
    if body.round_robin and body.team_id is not None:
        assign_round_robin(cctx, case, body.team_id)
        refresh_sla(cctx, case)
    else:
        assign_case(cctx, case, body.assignee_id)
    return _answer(ctx, case)


@router.post(
    "/{case_id}/transitions",
    response_model=CaseView,
    responses=VERSIONED_RESPONSES,
    summary="Changer le statut (motif obligatoire pour résoudre)",
)
def transition(
    case_id: CaseKeyPath, body: CaseTransition, ctx: Worker, if_match: IfMatch = None
) -> Response:
    cctx, case = _case_at(ctx, case_id, if_match, required=True)
    change_status(cctx, case, body.to, reason=body.reason)
    return _answer(ctx, case)


@router.post(
    "/{case_id}/notes",
    status_code=201,
    response_model=CaseView,
    summary="Ajouter une note interne (jamais montrée au stagiaire)",
)
def note(
    case_id: CaseKeyPath, body: CaseNoteCreate, ctx: Worker, if_match: IfMatch = None
) -> Response:
    cctx, case = _case_at(ctx, case_id, if_match, required=False)
    add_note(cctx, case, body.body)
    refresh_sla(cctx, case, fire_alerts=False)
    return _answer(ctx, case, status=201)


@router.post(
    "/{case_id}/messages",
    status_code=201,
    response_model=CaseView,
    summary="Enregistrer un message au stagiaire ou du stagiaire",
)
def message(
    case_id: CaseKeyPath, body: CaseMessageCreate, ctx: Worker, if_match: IfMatch = None
) -> Response:
    cctx, case = _case_at(ctx, case_id, if_match, required=False)
    record_message(
        cctx, case, direction=body.direction, channel=Channel(body.channel), body=body.body
    )
    return _answer(ctx, case, status=201)


@router.post(
    "/{case_id}/merge",
    response_model=CaseView,
    responses=VERSIONED_RESPONSES,
    summary="Fusionner ce dossier dans un autre (définitif) ; renvoie le dossier conservé",
)
def merge(case_id: CaseKeyPath, body: CaseMerge, ctx: Worker, if_match: IfMatch = None) -> Response:
    cctx, case = _case_at(ctx, case_id, if_match, required=True)
    into = find_case(cctx, body.into)
    merge_cases(cctx, case, into, note=body.note)
    return _answer(ctx, into)


@router.post(
    "/{case_id}/macros/{macro}",
    response_model=CaseView,
    responses=VERSIONED_RESPONSES,
    summary="Appliquer une macro (message, statut, note, relance)",
)
def macro(
    case_id: CaseKeyPath,
    macro: Annotated[str, Path(pattern=r"^[a-z_]{1,40}$")],
    body: CaseMacroApply,
    ctx: Worker,
    if_match: IfMatch = None,
) -> Response:
    cctx, case = _case_at(ctx, case_id, if_match, required=True)
    apply_case_macro(cctx, case, macro, values=body.values, channel=Channel(body.channel))
    return _answer(ctx, case)
