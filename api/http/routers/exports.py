"""Finance exports: per payment run, per month (detail, summary, reconciliation report) and
the recovery orders, as CSV (French Excel profile) or XLSX; finance role only, audited.

A run or a month whose figures do not reconcile with its batches is answered 409 with every
difference (``export_not_reconciled``); the JSON reconciliation report says the same without
refusing, so that finance can see what disagrees.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from typing import IO, Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from api.http.deps import require
from api.http.routers._common import PROBLEM_RESPONSES, MonthPath, month_of_path, problem_doc
from api.http.schemas.exports import ReconciliationView, StateLineView, SummaryLineView
from api.http.schemas.payments import money
from exports.finance.files import (
    ExportFile,
    ExportFormat,
    payment_run_export,
    period_check,
    period_export,
    period_summary_export,
    record_download,
    recovery_orders_export,
    write_export,
)
from exports.finance.reconciliation import NATURE_LABELS
from payments import OverpaymentStatus
from remuneration.services.context import ServiceContext

__all__ = ["router"]

router = APIRouter(prefix="/v1/exports", tags=["exports"], responses=PROBLEM_RESPONSES)

Format = Annotated[ExportFormat, Query(description="csv (Excel français) ou xlsx")]
_FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Le fichier (en pièce jointe)",
        "content": {"text/csv": {}, ExportFormat.XLSX.media_type: {}},
    },
    409: problem_doc("Les totaux ne se rapprochent pas des lots (export refusé)"),
}
_CHUNK = 64 * 1024
_SPOOL = 8 * 1024 * 1024


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := spool.read(_CHUNK):
            yield chunk
    finally:
        spool.close()


def _file(ctx: ServiceContext, export: ExportFile, fmt: ExportFormat) -> StreamingResponse:
    """Write the file (spooled to disk when large), audit the download, stream it."""
    record_download(ctx, export, fmt)
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115
    try:
        write_export(export, fmt, spool)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    headers = {
        "Content-Disposition": f'attachment; filename="{export.file_name(fmt)}"',
        "Cache-Control": "no-store",
        "Content-Length": str(size),
    }
    if export.check is not None:
        headers["X-Reconciliation"] = "ok" if export.check.ok else "mismatch"
        headers["X-Transfers-Total"] = money(export.check.transfers_total)
        headers["X-Batches-Control-Sum"] = money(export.check.batches_total)
    return StreamingResponse(_chunks(spool), media_type=fmt.media_type, headers=headers)


@router.get(
    "/payment-runs/{run_id}",
    response_class=StreamingResponse,
    responses=_FILE,
    summary="Une paie, ligne par ligne (lignes, retenues, soldes reportés, réémissions)",
)
def run_export(
    run_id: uuid.UUID,
    ctx: Annotated[ServiceContext, Depends(require("exports.read"))],
    format: Format = ExportFormat.CSV,
) -> StreamingResponse:
    return _file(ctx, payment_run_export(ctx.session, run_id), format)


@router.get(
    "/periods/{month}",
    response_class=StreamingResponse,
    responses=_FILE,
    summary="Les paies d'un mois (paie mensuelle et avances), ligne par ligne",
)
def month_export(
    month: MonthPath,
    ctx: Annotated[ServiceContext, Depends(require("exports.read"))],
    format: Format = ExportFormat.CSV,
) -> StreamingResponse:
    return _file(ctx, period_export(ctx.session, month_of_path(month)), format)


@router.get(
    "/periods/{month}/summary",
    response_class=StreamingResponse,
    responses=_FILE,
    summary="Synthèse du mois par programme et par nature, rapprochée des lots au centime",
)
def month_summary(
    month: MonthPath,
    ctx: Annotated[ServiceContext, Depends(require("exports.read"))],
    format: Format = ExportFormat.CSV,
) -> StreamingResponse:
    return _file(ctx, period_summary_export(ctx.session, month_of_path(month)), format)


@router.get(
    "/periods/{month}/reconciliation",
    response_model=ReconciliationView,
    summary="Rapprochement du mois : lignes, virements et sommes de contrôle des lots",
)
def month_reconciliation(
    month: MonthPath, ctx: Annotated[ServiceContext, Depends(require("exports.read"))]
) -> ReconciliationView:
    found = period_check(ctx.session, month_of_path(month))
    check = found.check
    return ReconciliationView(
        period=month,
        runs=found.runs,
        reconciled=check.ok,
        lines_total=money(check.lines_total),
        offsets_total=money(check.offsets_total),
        carried_total=money(check.carried_total),
        reissues_total=money(check.reissues_total),
        rows_total=money(check.rows_total),
        transfers_count=check.transfers_count,
        transfers_total=money(check.transfers_total),
        batches_count=check.batches_count,
        batches_total=money(check.batches_total),
        problems=list(check.problems),
        summary=[
            SummaryLineView(
                programme=line.programme,
                nature=line.nature,
                label=NATURE_LABELS[line.nature],
                count=line.count,
                amount=money(line.amount),
            )
            for line in found.summary
        ],
        states=[
            StateLineView(state=code, label=label, count=count, amount=money(amount))
            for code, label, count, amount in check.states.lines()
        ],
    )


@router.get(
    "/recovery-orders",
    response_class=StreamingResponse,
    responses=_FILE,
    summary="Ordres de reversement (trop-perçus non compensables) pour les titres de recette",
)
def recovery_orders(
    ctx: Annotated[ServiceContext, Depends(require("exports.read"))],
    format: Format = ExportFormat.CSV,
    status: OverpaymentStatus | None = None,
) -> StreamingResponse:
    export = recovery_orders_export(
        ctx.session, status=status.value if status else None, today=ctx.today
    )
    return _file(ctx, export, format)
