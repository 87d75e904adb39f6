"""Finance: bank files (pain.002 rejects, camt.054 returns) uploaded with their result, exports
by period (CSV/XLSX, reconciled to the cent); overpayments are in `routes_overpayments`."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.http.console.desk import Desk, desk
from api.http.console.forms import Problem, problems_of
from api.http.console.rendering import render
from api.http.console.routes_finance import not_found
from api.http.deps import get_state
from api.http.routers.payments_common import bank_file_view
from exports.finance.files import (
    ExportFile,
    ExportFormat,
    payment_run_export,
    period_check,
    period_export,
    period_summary_export,
    record_download,
    write_export,
)
from exports.finance.queries import runs_of_period
from exports.finance.reconciliation import NATURE_LABELS
from payments import import_bank_file
from payments.models import BankFile, PaymentBatch
from remuneration.domain.errors import DomainError, NotFound
from rules.periods import Month

__all__ = ["router"]

router = APIRouter(prefix="/finance", include_in_schema=False)


def _is_month(text: str) -> bool:
    """An ``AAAA-MM`` month a calendar has (``rules.Month``)."""
    try:
        Month.parse(text)
    except ValueError:
        return False
    return True


_CHUNK = 64 * 1024


def _returns_page(
    request: Request,
    agent: Desk,
    *,
    result: object | None = None,
    errors: list[Problem] | None = None,
    status: int = 200,
) -> HTMLResponse:
    files = list(
        agent.ctx.session.scalars(select(BankFile).order_by(BankFile.imported_at.desc()).limit(30))
    )
    return render(
        request,
        "finance/retours.html",
        {
            "desk": agent,
            "title": "Retours de la banque",
            "current": "retours",
            "files": files,
            "result": result,
            "errors": errors or [],
        },
        status=status,
    )


@router.get("/retours")
def bank_files(
    request: Request, agent: Annotated[Desk, Depends(desk("bank_files.import"))]
) -> Response:
    return _returns_page(request, agent)


@router.post("/retours")
def upload_bank_file(
    request: Request,
    agent: Annotated[Desk, Depends(desk("bank_files.import"))],
    fichier: Annotated[UploadFile | None, File()] = None,
) -> Response:
    limit = get_state(request).settings.max_upload_bytes
    content = fichier.file.read(limit + 1) if fichier is not None else b""
    if not content:
        problem = {"field": "fichier", "message": "Choisissez le fichier reçu de la banque."}
        return _returns_page(request, agent, errors=[problem], status=422)
    if len(content) > limit:
        problem = {"field": "fichier", "message": "Le fichier dépasse la taille autorisée."}
        return _returns_page(request, agent, errors=[problem], status=422)
    try:
        name = fichier.filename if fichier is not None else None
        outcome = import_bank_file(agent.ctx, content, file_name=name)
    except DomainError as error:
        agent.ctx.session.rollback()
        return _returns_page(request, agent, errors=problems_of(error, "fichier"), status=422)
    view = bank_file_view(agent.ctx, outcome.bank_file, created=outcome.created)
    return _returns_page(request, agent, result=view, status=201 if outcome.created else 200)


def _spooled(ctx_agent: Desk, export: ExportFile, fmt: ExportFormat) -> StreamingResponse:
    record_download(ctx_agent.ctx, export, fmt)
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    try:
        write_export(export, fmt, spool)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise

    def chunks() -> Iterator[bytes]:
        try:
            while chunk := spool.read(_CHUNK):
                yield chunk
        finally:
            spool.close()

    headers = {
        "Content-Disposition": f'attachment; filename="{export.file_name(fmt)}"',
        "Cache-Control": "no-store",
        "Content-Length": str(size),
    }
    return StreamingResponse(chunks(), media_type=fmt.media_type, headers=headers)


def _format(value: str) -> ExportFormat:
    return ExportFormat.XLSX if value == "xlsx" else ExportFormat.CSV


@dataclass(frozen=True, slots=True)
class MonthOverview:
    """What a month's page shows at once: its runs and their batches' control sums (one read
    of the batches); the reconciliation to the cent is computed when asked."""

    runs: int
    batches: int
    batches_total: Decimal


def _overview(session: Session, month: str) -> MonthOverview:
    runs = runs_of_period(session, month)
    sums = list(
        session.scalars(select(PaymentBatch.control_sum).where(PaymentBatch.run_id.in_(runs)))
    )
    return MonthOverview(len(runs), len(sums), sum(sums, Decimal("0")))


def _export_page(
    request: Request,
    agent: Desk,
    month: str | None,
    errors: list[Problem],
    status: int = 200,
    *,
    reconcile: bool = False,
) -> HTMLResponse:
    session = agent.ctx.session
    ready = bool(month) and not errors
    overview = _overview(session, month) if month and ready else None
    found = (
        period_check(session, Month.parse(month))
        if month and reconcile and overview is not None and overview.runs
        else None
    )
    return render(
        request,
        "finance/exports.html",
        {
            "desk": agent,
            "title": "Exports",
            "current": "exports",
            "month": month or "",
            "overview": overview,
            "found": found,
            "summary": found.summary if found is not None else [],
            "natures": NATURE_LABELS,
            "errors": errors,
        },
        status=status,
    )


@router.get("/exports")
def exports(
    request: Request,
    agent: Annotated[Desk, Depends(desk("exports.read"))],
    periode: str | None = None,
    rapprochement: str | None = None,
) -> Response:
    if periode is not None and not _is_month(periode):
        problem = {"field": "periode", "message": "Saisissez un mois au format AAAA-MM."}
        return _export_page(request, agent, periode, [problem], status=422)
    return _export_page(request, agent, periode, [], reconcile=rapprochement == "oui")


@router.get("/exports/mois/{month}")
def month_file(
    request: Request,
    month: str,
    agent: Annotated[Desk, Depends(desk("exports.read"))],
    format: str = "csv",
    contenu: str = "detail",
) -> Response:
    if not _is_month(month):
        return not_found(request, agent, "Période")
    try:
        export = (
            period_summary_export(agent.ctx.session, Month.parse(month))
            if contenu == "synthese"
            else period_export(agent.ctx.session, Month.parse(month))
        )
    except DomainError as error:
        agent.ctx.session.rollback()
        return _export_page(request, agent, month, problems_of(error, "periode"), status=409)
    return _spooled(agent, export, _format(format))


@router.get("/exports/paies/{run_id}")
def run_file(
    request: Request,
    run_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("exports.read"))],
    format: str = "csv",
) -> Response:
    try:
        export = payment_run_export(agent.ctx.session, run_id)
    except NotFound:
        return not_found(request, agent, "Paie")
    except DomainError as error:
        agent.ctx.session.rollback()
        context = {
            "desk": agent,
            "title": "Export refusé",
            "message": error.message,
            "back": (f"/finance/paies/{run_id}", "Revenir à la paie"),
        }
        return render(request, "erreur.html", context, status=409)
    return _spooled(agent, export, _format(format))
