"""Releasing a batch (four eyes), approving one the system prepared, giving its file only once
released, and cancelling one (audited, with a replacement batch).

Release: the person who prepared the batch cannot release it (and a CHECK constraint says so
too); a batch prepared by the system account (the scheduler's) must first be approved by one
person and is then released by another (a second CHECK constraint); the releaser confirms the
totals shown, which must equal the stored file's header; the stored bytes must still hash to
the SHA-256 recorded when the file was validated; the state change is one conditional UPDATE,
so of ten concurrent releases exactly one succeeds.

Download: the file of a batch goes out only once released (never before, never after a
cancellation or a rejection by the bank), and every download is audited.

Cancellation (before release only): the batch and its payments are cancelled, never deleted;
the same amounts are frozen into a new batch of NEW payments (new EndToEndIds, linked by
``reissue_of``) whose file is built and validated again. The canceller prepares the new batch,
so someone else must release it.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update

from payments.batch_files import build_file, open_batch
from payments.calendar import execution_date_refusal
from payments.config import SYSTEM_ACCOUNT, PayerAccount
from payments.errors import (
    BatchFileUnavailable,
    BatchNotReleasable,
    FourEyesViolation,
    RunRefused,
)
from payments.files import file_sha256, read_header
from payments.models import Payment, PaymentBatch
from payments.transfers import new_end_to_end_id, recently_changed
from payments.vocabulary import BatchStatus, PaymentStatus
from remuneration.db.models import User
from remuneration.domain.errors import NotFound
from remuneration.services.audit import record_event
from remuneration.services.context import ServiceContext
from rules.french import fr_money

__all__ = [
    "approve_batch",
    "batch_summary",
    "cancel_batch",
    "downloadable_batch",
    "get_batch",
    "prepared_by_system",
    "release_batch",
    "replacement_rows",
]


def get_batch(ctx: ServiceContext, batch_id: uuid.UUID) -> PaymentBatch:
    batch = ctx.session.get(PaymentBatch, batch_id)
    if batch is None:
        raise NotFound("Lot de paiement introuvable.")
    return batch


def batch_summary(batch: PaymentBatch) -> dict[str, Any]:
    """The batch's identity and totals, for the audit log."""
    return {
        "status": batch.status,
        "message_id": batch.message_id,
        "number_of_transactions": batch.number_of_transactions,
        "control_sum": str(batch.control_sum),
        "file_sha256": batch.file_sha256,
        "execution_date": batch.execution_date.isoformat(),
    }


def prepared_by_system(ctx: ServiceContext, batch: PaymentBatch) -> bool:
    """Whether the system account (the scheduler) prepared the batch: two persons are needed."""
    if batch.prepared_by is None:
        return True
    preparer = ctx.session.get(User, batch.prepared_by)
    return preparer is None or preparer.name == SYSTEM_ACCOUNT


def _not_prepared(batch: PaymentBatch) -> BatchNotReleasable:
    if batch.status == BatchStatus.RELEASED.value:
        return BatchNotReleasable("Ce lot a déjà été libéré.")
    if batch.status == BatchStatus.REJECTED_BY_BANK.value:
        return BatchNotReleasable(
            "La banque a refusé le fichier de ce lot : ses virements à repayer partent dans un "
            "lot corrigé, à préparer puis à libérer."
        )
    return BatchNotReleasable(
        "Ce lot a été annulé ; seul son lot de remplacement peut être libéré."
    )


def _check_file(ctx: ServiceContext, batch: PaymentBatch, count: int, total: Decimal) -> None:
    if file_sha256(ctx.session, batch.id, ctx.protector) != batch.file_sha256:
        raise BatchNotReleasable(
            "Le fichier stocké ne correspond plus à l'empreinte SHA-256 enregistrée lors de sa "
            "validation : annulez le lot pour le régénérer."
        )
    header = read_header(ctx.session, batch.id, ctx.protector)
    if (header.number_of_transactions, header.control_sum) != (count, total):
        raise BatchNotReleasable(
            f"Les totaux confirmés ({count} virements, {fr_money(total)}) ne sont pas ceux de "
            f"l'en-tête du fichier ({header.number_of_transactions} virements, "
            f"{fr_money(header.control_sum)}).",
            field="control_sum",
        )
    refusal = execution_date_refusal(batch.execution_date, ctx.today)
    if refusal is not None:
        raise BatchNotReleasable(
            f"{refusal} Un lot préparé ne change pas de date : annulez-le en indiquant la nouvelle."
        )


def release_batch(
    ctx: ServiceContext, batch_id: uuid.UUID, *, number_of_transactions: int, control_sum: Decimal
) -> PaymentBatch:
    """Release a prepared batch to the bank (second person, totals confirmed)."""
    batch = get_batch(ctx, batch_id)
    if batch.status != BatchStatus.PREPARED.value:
        raise _not_prepared(batch)
    if batch.prepared_by is not None and batch.prepared_by == ctx.actor.user_id:
        raise FourEyesViolation(
            "Vous avez préparé ce lot : une autre personne doit le libérer (principe des quatre "
            "yeux)."
        )
    if prepared_by_system(ctx, batch):
        _check_approved(ctx, batch)
    _check_file(ctx, batch, number_of_transactions, control_sum)
    before = batch_summary(batch)
    result = ctx.session.execute(
        update(PaymentBatch)
        .where(PaymentBatch.id == batch.id, PaymentBatch.status == BatchStatus.PREPARED.value)
        .values(
            status=BatchStatus.RELEASED.value,
            released_by=ctx.actor.user_id,
            released_at=ctx.now,
            version=PaymentBatch.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise BatchNotReleasable("Ce lot vient d'être libéré ou annulé par une autre personne.")
    ctx.session.execute(
        update(Payment)
        .where(Payment.batch_id == batch.id, Payment.status == PaymentStatus.PREPARED.value)
        .values(status=PaymentStatus.RELEASED.value, released_at=ctx.now)
        .execution_options(synchronize_session=False)
    )
    ctx.session.refresh(batch)
    record_event(
        ctx,
        action="payment_batch.released",
        entity_type="payment_batch",
        entity_id=batch.id,
        before=before,
        after=batch_summary(batch),
    )
    return batch


def _check_approved(ctx: ServiceContext, batch: PaymentBatch) -> None:
    if batch.approved_by is None:
        raise BatchNotReleasable(
            "Ce lot a été préparé automatiquement : une personne doit d'abord l'approuver, puis "
            "une autre le libérer (principe des quatre yeux)."
        )
    if batch.approved_by == ctx.actor.user_id:
        raise FourEyesViolation(
            "Vous avez approuvé ce lot préparé automatiquement : une autre personne doit le "
            "libérer (principe des quatre yeux)."
        )


def approve_batch(
    ctx: ServiceContext, batch_id: uuid.UUID, *, number_of_transactions: int, control_sum: Decimal
) -> PaymentBatch:
    """First pair of eyes on a batch the system prepared: the totals seen, then recorded."""
    batch = get_batch(ctx, batch_id)
    if batch.status != BatchStatus.PREPARED.value:
        raise _not_prepared(batch)
    if not prepared_by_system(ctx, batch):
        raise BatchNotReleasable(
            "Ce lot a été préparé par une personne : il n'a pas d'approbation, une autre "
            "personne le libère directement."
        )
    if ctx.actor.name == SYSTEM_ACCOUNT:
        raise FourEyesViolation("Le compte système ne peut pas approuver un lot.")
    if batch.approved_by is not None:
        raise BatchNotReleasable("Ce lot a déjà été approuvé ; une autre personne le libère.")
    _check_file(ctx, batch, number_of_transactions, control_sum)
    result = ctx.session.execute(
        update(PaymentBatch)
        .where(
            PaymentBatch.id == batch.id,
            PaymentBatch.status == BatchStatus.PREPARED.value,
            PaymentBatch.approved_by.is_(None),
        )
        .values(
            approved_by=ctx.actor.user_id, approved_at=ctx.now, version=PaymentBatch.version + 1
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise BatchNotReleasable("Ce lot vient d'être approuvé, libéré ou annulé.")
    ctx.session.refresh(batch)
    record_event(
        ctx,
        action="payment_batch.approved",
        entity_type="payment_batch",
        entity_id=batch.id,
        after=batch_summary(batch),
    )
    return batch


_UNAVAILABLE = {
    BatchStatus.PREPARED.value: (
        "Le fichier d'un lot non libéré ne peut pas être téléchargé : le lot doit d'abord être "
        "libéré (principe des quatre yeux)."
    ),
    BatchStatus.CANCELLED.value: (
        "Ce lot a été annulé : son fichier ne doit plus être envoyé à la banque ; téléchargez "
        "celui du lot qui le remplace."
    ),
    BatchStatus.REJECTED_BY_BANK.value: (
        "La banque a rejeté ce fichier : il ne doit pas être renvoyé ; préparez un lot corrigé."
    ),
}


def downloadable_batch(ctx: ServiceContext, batch_id: uuid.UUID, *, to: str) -> PaymentBatch:
    """The batch whose file may be sent to the bank (released only); the download is audited."""
    batch = get_batch(ctx, batch_id)
    if batch.status != BatchStatus.RELEASED.value:
        raise BatchFileUnavailable(
            _UNAVAILABLE.get(batch.status, "Ce lot n'est pas libéré : pas de fichier.")
        )
    record_event(
        ctx,
        action="payment_batch.downloaded",
        entity_type="payment_batch",
        entity_id=batch.id,
        after={"file_sha256": batch.file_sha256, "status": batch.status, "to": to},
    )
    return batch


_COPIED = (
    "run_id",
    "trainee_id",
    "dossier_id",
    "amount",
    "creditor_name",
    "creditor_name_epc",
    "creditor_street",
    "creditor_post_code",
    "creditor_town",
    "creditor_country",
    "iban_encrypted",
    "iban_hash",
    "iban_masked",
    "bic",
    "iban_changed_at",
    "remittance_information",
)


def replacement_rows(
    ctx: ServiceContext,
    old: PaymentBatch,
    new: PaymentBatch,
    alert_days: int,
    *,
    statuses: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """New payments (new EndToEndIds, ``reissue_of`` the old ones) for the payments of ``old``
    (those in ``statuses`` only, when given), in the batch ``new``."""
    query = select(Payment.__table__).where(Payment.batch_id == old.id)
    if statuses is not None:
        query = query.where(Payment.status.in_(list(statuses)))
    rows = ctx.session.execute(query.order_by(Payment.created_at, Payment.end_to_end_id))
    return [
        {
            **{name: getattr(row, name) for name in _COPIED},
            "id": uuid.uuid4(),
            "batch_id": new.id,
            "status": PaymentStatus.PREPARED.value,
            "iban_recently_changed": recently_changed(
                row.iban_changed_at, now=ctx.now, days=alert_days
            ),
            "end_to_end_id": new_end_to_end_id(),
            "payment_information_id": None,
            "reissue_of": row.id,
            "return_kind": None,
            "return_reason_code": None,
            "returned_at": None,
            "created_at": ctx.now,
            "released_at": None,
        }
        for row in rows
    ]


def cancel_batch(
    ctx: ServiceContext,
    batch_id: uuid.UUID,
    *,
    reason: str,
    execution_date: date | None,
    payer: PayerAccount,
    countries: Collection[str],
    alert_days: int,
) -> PaymentBatch:
    """Cancel a prepared batch and freeze the same transfers into a new one; returns it."""
    batch = get_batch(ctx, batch_id)
    if batch.status != BatchStatus.PREPARED.value:
        raise _not_prepared(batch)
    day = execution_date or batch.execution_date
    refusal = execution_date_refusal(day, ctx.today)
    if refusal is not None:
        raise RunRefused(refusal, field="execution_date")
    before = batch_summary(batch)
    result = ctx.session.execute(
        update(PaymentBatch)
        .where(PaymentBatch.id == batch.id, PaymentBatch.status == BatchStatus.PREPARED.value)
        .values(
            status=BatchStatus.CANCELLED.value,
            cancelled_by=ctx.actor.user_id,
            cancelled_at=ctx.now,
            cancellation_reason=reason,
            version=PaymentBatch.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise BatchNotReleasable("Ce lot vient d'être libéré ou annulé par une autre personne.")
    ctx.session.refresh(batch)
    replacement = open_batch(
        ctx, run_id=batch.run_id, payer=payer, execution_date=day, replaces=batch.id
    )
    rows = replacement_rows(ctx, batch, replacement, alert_days)
    ctx.session.execute(
        update(Payment)
        .where(Payment.batch_id == batch.id)
        .values(status=PaymentStatus.CANCELLED.value)
        .execution_options(synchronize_session=False)
    )
    ctx.session.execute(insert(Payment), rows)
    build_file(ctx, replacement, payer, countries=countries)
    record_event(
        ctx,
        action="payment_batch.cancelled",
        entity_type="payment_batch",
        entity_id=batch.id,
        before=before,
        after={**batch_summary(batch), "reason": reason, "replaced_by": str(replacement.id)},
    )
    record_event(
        ctx,
        action="payment_batch.prepared",
        entity_type="payment_batch",
        entity_id=replacement.id,
        after={**batch_summary(replacement), "replaces": str(batch.id)},
    )
    return replacement
