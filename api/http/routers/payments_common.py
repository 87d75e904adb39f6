"""What the payment routers share: the mandatory Idempotency-Key, a batch action answered
once per key (``answer_with_batch``, ``confirm_totals`` for the four eyes), and the ORM →
response conversions (also used by the console's finance pages)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any, Protocol

from fastapi import Request, Response
from pydantic import BaseModel
from sqlalchemy import select

from api.http.idempotency import run_idempotent
from api.http.routers._common import json_response, problem_doc
from api.http.schemas.payments import (
    BankFileView,
    BankReturnView,
    BatchLink,
    BatchRelease,
    BatchSummary,
    BatchView,
    FileHeaderView,
    IbanChangeFlag,
    OverpaymentView,
    PaymentView,
    RunView,
    money,
)
from payments import prepared_by_system, read_header
from payments.models import (
    BankFile,
    BankReturnRecord,
    Overpayment,
    Payment,
    PaymentBatch,
    PaymentRun,
)
from payments.queries import batches_of_run, revealed_payment_iban
from remuneration.domain.timezone import as_utc, as_utc_or_none
from remuneration.services.context import Role, ServiceContext
from remuneration.services.idempotency import IdempotencyKeyRequired

__all__ = [
    "KEYED",
    "IdempotencyKeyRequired",
    "TotalsStep",
    "answer_with_batch",
    "bank_file_view",
    "batch_summary_view",
    "batch_view",
    "confirm_totals",
    "overpayment_view",
    "payment_view",
    "require_idempotency_key",
    "run_view",
]


def require_idempotency_key(key: str | None) -> str:
    if key is None:
        raise IdempotencyKeyRequired(
            "L'en-tête Idempotency-Key est obligatoire pour les paiements et les fichiers.",
            field="Idempotency-Key",
        )
    return key


KEYED: dict[int | str, dict[str, Any]] = {400: problem_doc("En-tête Idempotency-Key manquant")}
"""The OpenAPI note of the routes that require an Idempotency-Key."""


def answer_with_batch(
    request: Request,
    ctx: ServiceContext,
    *,
    idempotency_key: str | None,
    body: BaseModel,
    act: Callable[[], PaymentBatch],
    new: bool = False,
) -> Response:
    """Run a batch action once per Idempotency-Key and answer with the batch it returns: 200,
    or 201 with its address when the action ``new``-ly prepared it (replacement, correction)."""
    key = require_idempotency_key(idempotency_key)

    def produce() -> Response:
        batch = act()
        if not new:
            return json_response(batch_view(ctx, batch))
        return json_response(
            batch_view(ctx, batch), status=201, location=f"/v1/payment-batches/{batch.id}"
        )

    return run_idempotent(request, ctx, key, body, produce)


class TotalsStep(Protocol):
    """A four-eyes step on a batch, given the totals the person retyped."""

    def __call__(
        self,
        ctx: ServiceContext,
        batch_id: uuid.UUID,
        *,
        number_of_transactions: int,
        control_sum: Decimal,
    ) -> PaymentBatch: ...


def confirm_totals(
    request: Request,
    ctx: ServiceContext,
    batch_id: uuid.UUID,
    body: BatchRelease,
    *,
    idempotency_key: str | None,
    act: TotalsStep,
) -> Response:
    """A step of the four eyes (approval, release): ``act`` on the batch with the totals the
    person retyped, once per Idempotency-Key."""
    return answer_with_batch(
        request,
        ctx,
        idempotency_key=idempotency_key,
        body=body,
        act=lambda: act(
            ctx,
            batch_id,
            number_of_transactions=body.number_of_transactions,
            control_sum=body.control_sum,
        ),
    )


def run_view(ctx: ServiceContext, run: PaymentRun) -> RunView:
    batches = [
        BatchLink(
            id=batch.id,
            status=batch.status,
            message_id=batch.message_id,
            number_of_transactions=batch.number_of_transactions,
            control_sum=money(batch.control_sum),
        )
        for batch in batches_of_run(ctx.session, run.id)
    ]
    return RunView(
        id=run.id,
        kind=run.kind,
        period=run.period,
        execution_date=run.execution_date,
        as_of=run.as_of,
        status=run.status,
        started_by=run.started_by,
        started_at=as_utc(run.started_at),
        completed_at=as_utc_or_none(run.completed_at),
        dossiers=run.dossiers_count,
        lines=run.lines_count,
        payments=run.payments_count,
        reissues=run.reissues_count,
        overpayments=run.overpayments_count,
        total_amount=money(run.total_amount),
        skipped={str(k): int(v) for k, v in run.skipped.items()},
        batches=batches,
    )


def _flags(ctx: ServiceContext, batch: PaymentBatch) -> list[IbanChangeFlag]:
    flagged = ctx.session.scalars(
        select(Payment)
        .where(Payment.batch_id == batch.id, Payment.iban_recently_changed.is_(True))
        .order_by(Payment.created_at, Payment.end_to_end_id)
    )
    return [
        IbanChangeFlag(
            payment_id=payment.id,
            dossier_id=payment.dossier_id,
            trainee_id=payment.trainee_id,
            amount=money(payment.amount),
            iban=revealed_payment_iban(ctx.protector, payment),
            iban_changed_at=as_utc_or_none(payment.iban_changed_at),
        )
        for payment in flagged
    ]


def batch_view(ctx: ServiceContext, batch: PaymentBatch) -> BatchView:
    header = read_header(ctx.session, batch.id, ctx.protector)
    return BatchView(
        id=batch.id,
        run_id=batch.run_id,
        status=batch.status,
        message_id=batch.message_id,
        pain_version=batch.pain_version,
        execution_date=batch.execution_date,
        category_purpose=batch.category_purpose,
        debtor_name=batch.debtor_name,
        debtor_iban=batch.debtor_iban,
        number_of_transactions=batch.number_of_transactions,
        control_sum=money(batch.control_sum),
        file_sha256=batch.file_sha256,
        file_size=batch.file_size,
        file_header=FileHeaderView(
            message_id=header.message_id,
            number_of_transactions=header.number_of_transactions,
            control_sum=money(header.control_sum),
        ),
        prepared_by=batch.prepared_by,
        prepared_at=as_utc(batch.prepared_at),
        needs_approval=prepared_by_system(ctx, batch),
        approved_by=batch.approved_by,
        approved_at=as_utc_or_none(batch.approved_at),
        released_by=batch.released_by,
        released_at=as_utc_or_none(batch.released_at),
        cancelled_by=batch.cancelled_by,
        cancelled_at=as_utc_or_none(batch.cancelled_at),
        cancellation_reason=batch.cancellation_reason,
        replaces_batch_id=batch.replaces_batch_id,
        iban_change_flags=_flags(ctx, batch),
    )


def batch_summary_view(ctx: ServiceContext, batch: PaymentBatch) -> BatchSummary:
    return BatchSummary(
        id=batch.id,
        run_id=batch.run_id,
        status=batch.status,
        message_id=batch.message_id,
        execution_date=batch.execution_date,
        number_of_transactions=batch.number_of_transactions,
        control_sum=money(batch.control_sum),
        needs_approval=prepared_by_system(ctx, batch),
        prepared_by=batch.prepared_by,
        prepared_at=as_utc(batch.prepared_at),
        approved_by=batch.approved_by,
        approved_at=as_utc_or_none(batch.approved_at),
        released_by=batch.released_by,
        released_at=as_utc_or_none(batch.released_at),
        cancelled_by=batch.cancelled_by,
        replaces_batch_id=batch.replaces_batch_id,
    )


def payment_view(ctx: ServiceContext, payment: Payment, periods: Collection[str]) -> PaymentView:
    """Finance sees the full IBAN; every other role only the masked one (field absent)."""
    view = PaymentView(
        id=payment.id,
        run_id=payment.run_id,
        batch_id=payment.batch_id,
        trainee_id=payment.trainee_id,
        dossier_id=payment.dossier_id,
        amount=money(payment.amount),
        status=payment.status,
        periods=list(periods),
        creditor_name=payment.creditor_name,
        iban_masked=payment.iban_masked,
        bic=payment.bic,
        iban_recently_changed=payment.iban_recently_changed,
        end_to_end_id=payment.end_to_end_id,
        remittance_information=payment.remittance_information,
        reissue_of=payment.reissue_of,
        return_kind=payment.return_kind,
        return_reason_code=payment.return_reason_code,
        returned_at=as_utc_or_none(payment.returned_at),
        created_at=as_utc(payment.created_at),
        released_at=as_utc_or_none(payment.released_at),
    )
    if ctx.actor.role is Role.FINANCE:
        view.iban = revealed_payment_iban(ctx.protector, payment)
    return view


def overpayment_view(overpayment: Overpayment) -> OverpaymentView:
    return OverpaymentView(
        id=overpayment.id,
        trainee_id=overpayment.trainee_id,
        dossier_id=overpayment.dossier_id,
        amount=money(overpayment.amount),
        remaining=money(overpayment.remaining),
        status=overpayment.status,
        created_at=as_utc(overpayment.created_at),
        recovery_order_at=as_utc_or_none(overpayment.recovery_order_at),
        recovery_order_reference=overpayment.recovery_order_reference,
        waived_by=overpayment.waived_by,
        waived_at=as_utc_or_none(overpayment.waived_at),
        waiver_reason=overpayment.waiver_reason,
    )


def bank_file_view(ctx: ServiceContext, bank_file: BankFile, *, created: bool) -> BankFileView:
    records = ctx.session.scalars(
        select(BankReturnRecord)
        .where(BankReturnRecord.bank_file_id == bank_file.id)
        .order_by(BankReturnRecord.created_at, BankReturnRecord.id)
    )
    return BankFileView(
        id=bank_file.id,
        sha256=bank_file.sha256,
        message_name=bank_file.message_name,
        message_id=bank_file.message_id,
        file_name=bank_file.file_name,
        size=bank_file.size,
        imported_at=as_utc(bank_file.imported_at),
        returns_count=bank_file.returns_count,
        matched_count=bank_file.matched_count,
        already_imported=not created,
        returns=[
            BankReturnView(
                kind=r.kind,
                scope=r.scope,
                original_end_to_end_id=r.original_end_to_end_id,
                amount=money(r.amount) if r.amount is not None else None,
                reason_code=r.reason_code,
                status=r.status,
                payment_id=r.payment_id,
            )
            for r in records
        ],
    )
