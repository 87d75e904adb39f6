"""Finance: payment runs, batches before and after release (four eyes, totals retyped),
the file download once released, cancellation with a reason.

Every action calls the payments services in-process, exactly as the API does, so the same
checks apply and the same audit events are written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy import select

from api.http.console.desk import Desk, desk
from api.http.console.forms import (
    FormError,
    Problem,
    parse_amount,
    parse_count,
    parse_day,
    problems_of,
    user_names,
)
from api.http.console.rendering import french_period, render
from api.http.deps import get_state
from api.http.routers.payments_common import batch_view, run_view
from api.settings import new_batch_terms, payer_account, run_worker_from
from payments import (
    RunKind,
    RunRequest,
    cancel_batch,
    file_chunks,
    get_batch,
    release_batch,
    start_run,
)
from payments.models import Payment, PaymentBatch, PaymentRun
from payments.vocabulary import BATCH_STATUS_LABELS, RUN_KIND_LABELS, BatchStatus, run_title
from remuneration.domain.errors import DomainError, NotFound
from remuneration.services.audit import record_event

__all__ = ["BATCH_STATES", "not_found", "router"]

router = APIRouter(prefix="/finance", include_in_schema=False)

RUN_KINDS = RUN_KIND_LABELS
_BATCH_TONES = {
    BatchStatus.PREPARED.value: "attention",
    BatchStatus.RELEASED.value: "ok",
    BatchStatus.CANCELLED.value: "neutre",
    BatchStatus.REJECTED_BY_BANK.value: "erreur",
}
BATCH_STATES = {
    status: (BATCH_STATUS_LABELS[status], tone) for status, tone in _BATCH_TONES.items()
}
_TRANSFERS_SHOWN = 500


def not_found(request: Request, agent: Desk, what: str) -> HTMLResponse:
    """The console's 404 page."""
    return render(
        request,
        "erreur.html",
        {"desk": agent, "title": "Introuvable", "message": f"{what} introuvable."},
        status=404,
    )


def _nothing_due(period: str) -> str:
    day = french_period(period)
    return f"Rien à payer : aucune avance due le {day} ; aucune paie n'est enregistrée."


def _runs_page(
    request: Request, agent: Desk, *, form: dict[str, str], errors: list[Problem], status: int
) -> HTMLResponse:
    runs = list(
        agent.ctx.session.scalars(
            select(PaymentRun).order_by(PaymentRun.started_at.desc()).limit(50)
        )
    )
    return render(
        request,
        "finance/paies.html",
        {
            "desk": agent,
            "title": "Paies",
            "current": "paies",
            "runs": runs,
            "kinds": RUN_KINDS,
            "form": form,
            "errors": errors,
        },
        status=status,
    )


@router.get("/paies")
def runs(request: Request, agent: Annotated[Desk, Depends(desk("payment_runs.read"))]) -> Response:
    today = agent.ctx.today
    previous = today.replace(day=1).toordinal() - 1
    month = type(today).fromordinal(previous).strftime("%Y-%m")
    form = {"kind": "monthly", "period": month, "execution_date": today.isoformat()}
    return _runs_page(request, agent, form=form, errors=[], status=200)


@router.post("/paies")
def start(
    request: Request,
    agent: Annotated[Desk, Depends(desk("payment_runs.create"))],
    kind: Annotated[str, Form()] = "",
    period: Annotated[str, Form(max_length=20)] = "",
    execution_date: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    form = {"kind": kind, "period": period, "execution_date": execution_date}
    try:
        if kind not in RUN_KINDS:
            raise FormError([{"field": "kind", "message": "Choisissez le type de paie."}])
        request_ = RunRequest(
            RunKind(kind), period.strip(), parse_day(execution_date, "execution_date")
        )
        settings = get_state(request).settings
        outcome = start_run(
            agent.ctx,
            request_,
            payer=payer_account(settings),
            worker_from=run_worker_from(settings),
        )
    except FormError as error:
        agent.ctx.session.rollback()
        return _runs_page(request, agent, form=form, errors=error.problems, status=422)
    except DomainError as error:
        agent.ctx.session.rollback()
        problems = problems_of(error, "period")
        return _runs_page(request, agent, form=form, errors=problems, status=422)
    if outcome.run is None:  # an advance run with nothing due records no run (as the API says)
        nothing = [{"field": "period", "message": _nothing_due(request_.period)}]
        return _runs_page(request, agent, form=form, errors=nothing, status=200)
    return RedirectResponse(f"/finance/paies/{outcome.run.id}", status_code=303)


@router.get("/paies/{run_id}")
def run_page(
    request: Request,
    run_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("payment_runs.read"))],
) -> Response:
    run = agent.ctx.session.get(PaymentRun, run_id)
    if run is None:
        return not_found(request, agent, "Paie")
    view = run_view(agent.ctx, run)
    names = user_names(agent.ctx.session, [run.started_by])
    return render(
        request,
        "finance/paie.html",
        {
            "desk": agent,
            "title": run_title(run.kind, run.period),
            "current": "paies",
            "run": view,
            "kinds": RUN_KINDS,
            "states": BATCH_STATES,
            "started_by": names.get(run.started_by) if run.started_by else None,
        },
    )


@router.get("/lots")
def batches(
    request: Request,
    agent: Annotated[Desk, Depends(desk("payment_batches.read"))],
    statut: str | None = None,
) -> Response:
    query = select(PaymentBatch).order_by(PaymentBatch.prepared_at.desc()).limit(100)
    if statut in BATCH_STATES:
        query = query.where(PaymentBatch.status == statut)
    rows = list(agent.ctx.session.scalars(query))
    names = user_names(
        agent.ctx.session, [b.prepared_by for b in rows] + [b.released_by for b in rows]
    )
    return render(
        request,
        "finance/lots.html",
        {
            "desk": agent,
            "title": "Lots de virements",
            "current": "lots",
            "batches": rows,
            "states": BATCH_STATES,
            "status": statut if statut in BATCH_STATES else None,
            "names": names,
        },
    )


def _batch_page(
    request: Request,
    agent: Desk,
    batch: PaymentBatch,
    *,
    errors: list[Problem] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    view = batch_view(agent.ctx, batch)
    transfers = list(
        agent.ctx.session.execute(
            select(
                Payment.creditor_name,
                Payment.iban_masked,
                Payment.end_to_end_id,
                Payment.iban_recently_changed,
                Payment.amount,
            )
            .where(Payment.batch_id == batch.id)
            .order_by(Payment.end_to_end_id)
            .limit(_TRANSFERS_SHOWN)
        )
    )
    people = [batch.prepared_by, batch.released_by, batch.cancelled_by]
    return render(
        request,
        "finance/lot.html",
        {
            "desk": agent,
            "title": f"Lot {batch.message_id}",
            "current": "lots",
            "batch": view,
            "transfers": transfers,
            "shown_limit": _TRANSFERS_SHOWN,
            "states": BATCH_STATES,
            "names": user_names(agent.ctx.session, people),
            "errors": errors or [],
            "form": form or {},
            "prepared_by_me": batch.prepared_by == agent.user.id,
            "released": request.query_params.get("libere") == "1",
        },
        status=status,
    )


@router.get("/lots/{batch_id}")
def batch_page(
    request: Request,
    batch_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("payment_batches.read"))],
) -> Response:
    try:
        batch = get_batch(agent.ctx, batch_id)
    except NotFound:
        return not_found(request, agent, "Lot de paiement")
    return _batch_page(request, agent, batch)


@router.post("/lots/{batch_id}/liberation")
def release(
    request: Request,
    batch_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("payment_batches.release"))],
    number_of_transactions: Annotated[str, Form(max_length=20)] = "",
    control_sum: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    form = {"number_of_transactions": number_of_transactions, "control_sum": control_sum}
    try:
        batch = get_batch(agent.ctx, batch_id)
    except NotFound:
        return not_found(request, agent, "Lot de paiement")
    try:
        count = parse_count(number_of_transactions, "number_of_transactions")
        total = parse_amount(control_sum, "control_sum")
        release_batch(agent.ctx, batch_id, number_of_transactions=count, control_sum=total)
    except (FormError, DomainError) as error:
        agent.ctx.session.rollback()
        problems = (
            error.problems if isinstance(error, FormError) else problems_of(error, "control_sum")
        )
        batch = get_batch(agent.ctx, batch_id)
        return _batch_page(request, agent, batch, errors=problems, form=form, status=422)
    return RedirectResponse(f"/finance/lots/{batch_id}?libere=1", status_code=303)


@router.post("/lots/{batch_id}/annulation")
def cancel(
    request: Request,
    batch_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("payment_batches.cancel"))],
    reason: Annotated[str, Form(max_length=300)] = "",
    execution_date: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    form = {"reason": reason, "execution_date": execution_date}
    try:
        get_batch(agent.ctx, batch_id)
    except NotFound:
        return not_found(request, agent, "Lot de paiement")
    try:
        if not reason.strip():
            raise FormError([{"field": "reason", "message": "Indiquez le motif de l'annulation."}])
        day = parse_day(execution_date, "execution_date") if execution_date.strip() else None
        replacement = cancel_batch(
            agent.ctx,
            batch_id,
            reason=reason.strip(),
            execution_date=day,
            **new_batch_terms(get_state(request).settings, agent.ctx),
        )
    except (FormError, DomainError) as error:
        agent.ctx.session.rollback()
        problems = error.problems if isinstance(error, FormError) else problems_of(error, "reason")
        batch = get_batch(agent.ctx, batch_id)
        return _batch_page(request, agent, batch, errors=problems, form=form, status=422)
    return RedirectResponse(f"/finance/lots/{replacement.id}", status_code=303)


def _stream(request: Request, batch_id: uuid.UUID) -> Iterator[bytes]:
    session = get_state(request).read_sessions()
    try:
        yield from file_chunks(session, batch_id, get_state(request).protector)
    finally:
        session.close()


@router.get("/lots/{batch_id}/fichier")
def download(
    request: Request,
    batch_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("payment_batches.download"))],
) -> Response:
    try:
        batch = get_batch(agent.ctx, batch_id)
    except NotFound:
        return not_found(request, agent, "Lot de paiement")
    if batch.status != BatchStatus.RELEASED.value:
        context: dict[str, Any] = {
            "desk": agent,
            "title": "Fichier non disponible",
            "message": "Le fichier d'un lot se télécharge une fois le lot libéré.",
        }
        return render(request, "erreur.html", context, status=409)
    record_event(
        agent.ctx,
        action="payment_batch.downloaded",
        entity_type="payment_batch",
        entity_id=batch.id,
        after={"file_sha256": batch.file_sha256, "status": batch.status},
    )
    headers = {
        "Content-Disposition": f'attachment; filename="{batch.message_id}.xml"',
        "Cache-Control": "no-store",
        "Content-Length": str(batch.file_size),
        "X-Content-SHA256": batch.file_sha256,
    }
    return StreamingResponse(
        _stream(request, batch.id), media_type="application/xml", headers=headers
    )
