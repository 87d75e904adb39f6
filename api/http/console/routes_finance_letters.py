"""Finance: the letters of a payment run in bulk (every payment notice and overpayment notice),
as one ZIP of PDFs with the manifest (CSV and JSON, each file's SHA-256), through the same
service as `remu letters run --payment-run`.

Finance starts the runs, so finance produces their letters (permission `letters.bulk`). File
names hold ids only; the production is audited (`letters.produced`, with the manifest's
SHA-256). A letter that cannot be written is listed in the manifest as skipped, with its reason.
"""

from __future__ import annotations

import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from api.http.console.desk import Desk, desk
from api.http.console.rendering import render
from api.http.console.routes_finance import not_found
from exports.letters.bulk import payment_run_jobs, produce_letters
from payments.models import PaymentRun
from remuneration.domain.errors import DomainError

__all__ = ["router"]

router = APIRouter(prefix="/finance", include_in_schema=False)
_CHUNK = 64 * 1024


def _zipped(directory: Path) -> IO[bytes]:
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.iterdir()):
            archive.write(path, arcname=path.name)
    spool.seek(0)
    return spool


@router.post("/paies/{run_id}/lettres")
def run_letters(
    request: Request,
    run_id: uuid.UUID,
    agent: Annotated[Desk, Depends(desk("letters.bulk"))],
) -> Response:
    ctx = agent.ctx
    run = ctx.session.get(PaymentRun, run_id)
    if run is None:
        return not_found(request, agent, "Paie")
    with tempfile.TemporaryDirectory(prefix="remu-lettres-") as folder:
        try:
            jobs = payment_run_jobs(ctx, run_id)
            outcome = produce_letters(ctx, jobs, Path(folder), source={"payment_run": str(run_id)})
        except DomainError as error:
            ctx.session.rollback()
            context = {"desk": agent, "title": "Lettres non produites", "message": error.message}
            return render(request, "erreur.html", context, status=409)
        spool = _zipped(Path(folder))
    size = spool.seek(0, 2)
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        try:
            while chunk := spool.read(_CHUNK):
                yield chunk
        finally:
            spool.close()

    return StreamingResponse(
        chunks(),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="lettres-paie-{run.period}.zip"',
            "Cache-Control": "no-store",
            "Content-Length": str(size),
            "X-Letters": str(len(outcome.letters)),
            "X-Letters-Skipped": str(len(outcome.skipped)),
            "X-Manifest-SHA256": outcome.manifest_sha256,
        },
    )
