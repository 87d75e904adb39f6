"""File-level and technical rejects: the bank refuses the batch, not the trainees.

A pain.002 with ``GrpSts=RJCT`` (the whole file), ``PmtInfSts=RJCT`` (a payment block) or a
transaction rejected for a technical reason (FF01 invalid format, DU01 duplicate MsgId...: the
``technical`` flag of the reason-code table) says that the FILE was wrong. Then nobody's bank
details are blocked and no trainee case is opened: the payments go back to ``to_pay`` with
their amounts unchanged, the batch becomes ``rejected_by_bank`` once none of its transfers is
left with the bank, and one case is requested for finance (per batch, whatever the number of
files or lines that say so).

The money is then sent by a corrected batch (``prepare_corrected_batch``): new payments (new
EndToEndIds, each linked to the one it replaces by ``reissue_of``) in a new batch (new MsgId,
``replaces_batch_id``), whose file is built and validated again; the replaced payments are
cancelled, so that each amount is carried by exactly one live transfer. Whoever prepares the
corrected batch cannot release it (four eyes).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import insert, select, update

from payments.batch_files import build_file, open_batch
from payments.batch_release import batch_summary, get_batch, replacement_rows
from payments.calendar import execution_date_refusal
from payments.config import PayerAccount
from payments.errors import BatchNotCorrectable, RunRefused
from payments.models import Payment, PaymentBatch
from payments.returns import BankReturn, reason_code
from payments.vocabulary import BatchStatus, PaymentStatus
from remuneration.services.audit import record_event
from remuneration.services.case_requests import request_case
from remuneration.services.context import ServiceContext

__all__ = ["is_batch_level", "prepare_corrected_batch", "return_to_pay"]


def is_batch_level(ctx: ServiceContext, found: BankReturn) -> bool:
    """A reject that blames the file: file or block level, or a technical reason code."""
    if found.kind != "reject":
        return False
    if found.scope != "transaction":
        return True
    code = reason_code(found.reason_code or "", on=ctx.today)
    return code is not None and code.technical


def _meaning(ctx: ServiceContext, found: BankReturn) -> str:
    code = reason_code(found.reason_code or "", on=ctx.today)
    return code.meaning if code is not None else "motif non référencé"


def _finance_case(ctx: ServiceContext, batch: PaymentBatch, found: BankReturn, count: int) -> None:
    where = {"file": "le fichier entier", "payment_information": "un bloc de paiement"}
    request_case(
        ctx.session,
        cause_key=f"bank_file:payment_batch:{batch.id}",
        category="bank_file",
        priority="high",
        summary=(
            f"La banque a rejeté {where.get(found.scope, 'des virements')} du lot "
            f"{batch.message_id} ({found.reason_code or '?'} : {_meaning(ctx, found)}) : "
            f"{count} virement(s) à repayer, aucun RIB en cause. Action : préparer un lot "
            "corrigé (nouveau MsgId, nouveaux EndToEndId) et le faire libérer par deux "
            "personnes."
        ),
        now=ctx.now,
        payment_batch_id=batch.id,
    )


def return_to_pay(ctx: ServiceContext, payments: Sequence[Payment], found: BankReturn) -> None:
    """Put released payments back to ``to_pay`` (amounts unchanged, no bank details blocked)."""
    by_batch: dict[uuid.UUID, list[Payment]] = {}
    for payment in payments:
        payment.status = PaymentStatus.TO_PAY.value
        payment.return_kind = found.kind
        payment.return_reason_code = (found.reason_code or "")[:4] or None
        payment.returned_at = ctx.now
        if payment.batch_id is not None:
            by_batch.setdefault(payment.batch_id, []).append(payment)
    ctx.session.flush()
    for batch_id, moved in by_batch.items():
        batch = get_batch(ctx, batch_id)
        before = batch_summary(batch)
        left = ctx.session.scalar(
            select(Payment.id).where(
                Payment.batch_id == batch.id, Payment.status == PaymentStatus.RELEASED.value
            )
        )
        if left is None:
            batch.status = BatchStatus.REJECTED_BY_BANK.value
        _finance_case(ctx, batch, found, len(moved))
        record_event(
            ctx,
            action="payment_batch.rejected_by_bank",
            entity_type="payment_batch",
            entity_id=batch.id,
            before=before,
            after={
                **batch_summary(batch),
                "scope": found.scope,
                "reason_code": found.reason_code,
                "payments_to_pay": len(moved),
            },
        )
    ctx.session.flush()


def prepare_corrected_batch(
    ctx: ServiceContext,
    batch_id: uuid.UUID,
    *,
    execution_date: date,
    payer: PayerAccount,
    countries: Collection[str],
    alert_days: int,
) -> PaymentBatch:
    """A new batch carrying the ``to_pay`` payments of a batch the bank rejected."""
    batch = get_batch(ctx, batch_id)
    waiting = list(
        ctx.session.scalars(
            select(Payment.id).where(
                Payment.batch_id == batch.id, Payment.status == PaymentStatus.TO_PAY.value
            )
        )
    )
    if not waiting:
        raise BatchNotCorrectable(
            "Ce lot n'a aucun virement à repayer après un rejet de la banque : il n'y a rien à "
            "corriger."
        )
    refusal = execution_date_refusal(execution_date, ctx.today)
    if refusal is not None:
        raise RunRefused(refusal, field="execution_date")
    corrected = open_batch(
        ctx, run_id=batch.run_id, payer=payer, execution_date=execution_date, replaces=batch.id
    )
    rows = replacement_rows(
        ctx, batch, corrected, alert_days, statuses=(PaymentStatus.TO_PAY.value,)
    )
    ctx.session.execute(
        update(Payment)
        .where(Payment.id.in_(waiting), Payment.status == PaymentStatus.TO_PAY.value)
        .values(status=PaymentStatus.CANCELLED.value)
        .execution_options(synchronize_session=False)
    )
    ctx.session.execute(insert(Payment), rows)
    build_file(ctx, corrected, payer, countries=countries)
    record_event(
        ctx,
        action="payment_batch.corrected",
        entity_type="payment_batch",
        entity_id=corrected.id,
        after={**batch_summary(corrected), "replaces": str(batch.id), "payments": len(rows)},
    )
    return corrected
