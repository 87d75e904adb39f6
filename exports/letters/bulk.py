"""Letters in bulk after a run: every payment notice and overpayment notice of a payment run, or
the decision letters of the decisions taken since a date, written to a directory with a manifest.

File names hold ids only (``payment-notice-<payment id>.pdf``): a directory listing, a mail
server log or a print shop never sees a name. The manifest (CSV in the French Excel profile, and
JSON) gives each file's SHA-256, so that what was printed or sent can be proved later. A letter
that cannot be written (no postal address, figures that do not add up) is listed as skipped with
its reason, and the others are still produced.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from exports.errors import LetterRefused, LetterUnavailable
from exports.letters.context import LETTER_KIND_LABELS
from exports.letters.money_sources import overpayment_ids_of_run
from exports.letters.produce import (
    DECISION,
    OVERPAYMENT_NOTICE,
    PAYMENT_NOTICE,
    LetterJob,
    render_job,
)
from exports.letters.sources import LetterSetup
from exports.tabular import Column, ColumnKind, csv_bytes
from payments.models import Payment, PaymentRun
from payments.vocabulary import PaymentStatus
from remuneration.db.models import Decision
from remuneration.domain.errors import NotFound
from remuneration.domain.timezone import paris_midnight
from remuneration.services.audit import record_event
from remuneration.services.context import ServiceContext

__all__ = [
    "BulkOutcome",
    "ProducedLetter",
    "SkippedLetter",
    "decision_jobs",
    "payment_run_jobs",
    "produce_letters",
]

Progress = Callable[[int, int], None]
_SENT = (PaymentStatus.PREPARED.value, PaymentStatus.RELEASED.value)
_MANIFEST_COLUMNS = (
    Column("file", "Fichier"),
    Column("kind", "Type de lettre"),
    Column("dossier_id", "Dossier"),
    Column("subject_id", "Objet (identifiant)"),
    Column("sha256", "Empreinte SHA-256"),
    Column("size", "Taille (octets)", ColumnKind.INT),
)


@dataclass(frozen=True, slots=True)
class ProducedLetter:
    job: LetterJob
    dossier_id: uuid.UUID
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class SkippedLetter:
    job: LetterJob
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    letters: tuple[ProducedLetter, ...]
    skipped: tuple[SkippedLetter, ...]
    manifest_sha256: str


def payment_run_jobs(ctx: ServiceContext, run_id: uuid.UUID) -> list[LetterJob]:
    """The notices of a run: one per transfer sent, one per overpayment it recorded or claimed."""
    if ctx.session.get(PaymentRun, run_id) is None:
        raise NotFound("Paie introuvable.")
    payments = ctx.session.scalars(
        select(Payment.id)
        .where(Payment.run_id == run_id, Payment.status.in_(_SENT))
        .order_by(Payment.end_to_end_id)
    )
    jobs = [LetterJob(PAYMENT_NOTICE, payment_id) for payment_id in payments]
    jobs += [
        LetterJob(OVERPAYMENT_NOTICE, overpayment_id)
        for overpayment_id in overpayment_ids_of_run(ctx, run_id)
    ]
    return jobs


def decision_jobs(ctx: ServiceContext, since: date) -> list[LetterJob]:
    """The latest decision of each dossier decided since ``since`` (a Paris date)."""
    # Stored instants are UTC (SQLite keeps no offset): compare in UTC.
    start = paris_midnight(since)
    decisions = ctx.session.scalars(
        select(Decision)
        .where(Decision.taken_at >= start)
        .order_by(Decision.dossier_id, Decision.number)
    )
    latest: dict[uuid.UUID, uuid.UUID] = {}
    for decision in decisions:
        latest[decision.dossier_id] = decision.id
    return sorted(
        (LetterJob(DECISION, i) for i in latest.values()), key=lambda j: str(j.subject_id)
    )


def _write(directory: Path, name: str, data: bytes) -> None:
    """Write through a temporary file and rename: a reader never sees half a letter."""
    target = directory / name
    partial = directory / f".{name}.partial"
    partial.write_bytes(data)
    os.replace(partial, target)


def _manifest(
    outcome: tuple[tuple[ProducedLetter, ...], tuple[SkippedLetter, ...]],
    header: dict[str, Any],
) -> tuple[bytes, bytes]:
    letters, skipped = outcome
    rows = [
        {
            "file": item.job.file_name,
            "kind": LETTER_KIND_LABELS[item.job.kind],
            "dossier_id": str(item.dossier_id),
            "subject_id": str(item.job.subject_id),
            "sha256": item.sha256,
            "size": item.size,
        }
        for item in letters
    ]
    document = {
        **header,
        "letters": [
            {**row, "kind": item.job.kind} for row, item in zip(rows, letters, strict=True)
        ],
        "skipped": [
            {
                "kind": s.job.kind,
                "subject_id": str(s.job.subject_id),
                "code": s.code,
                "reason": s.reason,
            }
            for s in skipped
        ],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return csv_bytes(_MANIFEST_COLUMNS, rows), text.encode("utf-8")


def produce_letters(
    ctx: ServiceContext,
    jobs: Sequence[LetterJob],
    directory: Path,
    *,
    source: dict[str, str],
    setup: LetterSetup | None = None,
    progress: Progress | None = None,
) -> BulkOutcome:
    """Render every letter of ``jobs`` into ``directory`` with ``manifest.csv``/``.json``."""
    setup = setup or LetterSetup.packaged()
    directory.mkdir(parents=True, exist_ok=True)
    letters: list[ProducedLetter] = []
    skipped: list[SkippedLetter] = []
    for done, job in enumerate(jobs, start=1):
        try:
            letter = render_job(ctx, job, setup=setup, letter_date=ctx.today)
        except (LetterRefused, LetterUnavailable) as error:
            skipped.append(SkippedLetter(job, error.code, error.message))
        else:
            _write(directory, job.file_name, letter.data)
            letters.append(ProducedLetter(job, letter.dossier_id, letter.sha256, len(letter.data)))
        if progress is not None:
            progress(done, len(jobs))
    header = {
        "letter_date": ctx.today.isoformat(),
        "template_version": setup.templates.version,
        "source": source,
    }
    manifest_csv, manifest_json = _manifest((tuple(letters), tuple(skipped)), header)
    _write(directory, "manifest.csv", manifest_csv)
    _write(directory, "manifest.json", manifest_json)
    digest = hashlib.sha256(manifest_json).hexdigest()
    record_event(
        ctx,
        action="letters.produced",
        entity_type="letters",
        entity_id=next(iter(source.values()), "letters"),
        after={
            **source,
            "letters": len(letters),
            "skipped": len(skipped),
            "manifest_sha256": digest,
        },
    )
    return BulkOutcome(tuple(letters), tuple(skipped), digest)
