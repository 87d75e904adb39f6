"""Read models of payments: lists for finance and the agents, the trainee summary used by the
case queue, overpayments. Bank details appear masked here; the full IBAN is a separate,
finance-only reveal (``revealed_payment_iban``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from payments.models import Overpayment, Payment, PaymentBatch, PaymentLine
from payments.transfers import PAYMENT_IBAN_CONTEXT
from remuneration.services.protection import FieldProtector
from rules import format_money

__all__ = [
    "Page",
    "batches_of_run",
    "list_overpayments",
    "list_payments",
    "paged",
    "payment_periods",
    "payments_summary_for_trainee",
    "revealed_payment_iban",
]


@dataclass(frozen=True, slots=True)
class Page:
    """One page of rows and the total count."""

    items: list[Any]
    total: int
    page: int
    page_size: int


def paged(session: Session, query: Any, page: int, page_size: int) -> Page:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.offset((page - 1) * page_size).limit(page_size)))
    return Page(items, total, page, page_size)


def list_payments(
    session: Session,
    *,
    dossier_id: uuid.UUID | None,
    status: str | None,
    page: int = 1,
    page_size: int = 50,
) -> Page:
    """Payments, newest first, by dossier (the paying dossier or any dossier of its lines)."""
    query = select(Payment)
    if dossier_id is not None:
        lines = select(PaymentLine.payment_id).where(PaymentLine.dossier_id == dossier_id)
        query = query.where((Payment.dossier_id == dossier_id) | Payment.id.in_(lines))
    if status is not None:
        query = query.where(Payment.status == status)
    query = query.order_by(Payment.created_at.desc(), Payment.end_to_end_id)
    return paged(session, query, page, page_size)


def payment_periods(session: Session, payment_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """The months each payment covers (from its lines)."""
    rows = session.execute(
        select(PaymentLine.payment_id, PaymentLine.period)
        .where(PaymentLine.payment_id.in_(payment_ids))
        .distinct()
        .order_by(PaymentLine.period)
    )
    periods: dict[uuid.UUID, list[str]] = {}
    for payment_id, period in rows:
        periods.setdefault(payment_id, []).append(period)
    return periods


def revealed_payment_iban(protector: FieldProtector, payment: Payment) -> str:
    """The IBAN a payment was sent to, in clear (finance only)."""
    return protector.decrypt(payment.iban_encrypted, context=PAYMENT_IBAN_CONTEXT)


def payments_summary_for_trainee(session: Session, trainee_id: uuid.UUID) -> list[dict[str, Any]]:
    """A trainee's payments for the case queue's read-only summary (no full IBAN).

    Each item: ``period`` (the months covered, e.g. ``2024-04`` or ``2024-03..2024-04``),
    ``kind`` (``payment`` or ``reissue``), ``amount`` (string), ``status``, ``iban`` (masked),
    ``created_at``, ``released_at``, ``returned_at`` (ISO dates or None), ``reason_code``.
    """
    payments = list(
        session.scalars(
            select(Payment)
            .where(Payment.trainee_id == trainee_id)
            .order_by(Payment.created_at.desc(), Payment.end_to_end_id)
        )
    )
    periods = payment_periods(session, [p.id for p in payments])
    summary = []
    for payment in payments:
        covered = periods.get(payment.id, [])
        summary.append(
            {
                "payment_id": str(payment.id),
                "period": _period_text(covered),
                "kind": "reissue" if payment.reissue_of is not None else "payment",
                "amount": format_money(payment.amount),
                "status": payment.status,
                "iban": payment.iban_masked,
                "created_at": _iso(payment.created_at),
                "released_at": _iso(payment.released_at),
                "returned_at": _iso(payment.returned_at),
                "reason_code": payment.return_reason_code,
            }
        )
    return summary


def _period_text(periods: list[str]) -> str | None:
    if not periods:
        return None
    return periods[0] if len(periods) == 1 else f"{periods[0]}..{periods[-1]}"


def _iso(moment: Any) -> str | None:
    return None if moment is None else moment.date().isoformat()


def list_overpayments(
    session: Session, *, status: str | None, page: int = 1, page_size: int = 50
) -> Page:
    """Overpayments (overpayments), oldest first."""
    query = select(Overpayment)
    if status is not None:
        query = query.where(Overpayment.status == status)
    return paged(session, query.order_by(Overpayment.created_at, Overpayment.id), page, page_size)


def batches_of_run(session: Session, run_id: uuid.UUID) -> list[PaymentBatch]:
    """The batches of a run (a cancelled batch and its replacement), oldest first."""
    return list(
        session.scalars(
            select(PaymentBatch)
            .where(PaymentBatch.run_id == run_id)
            .order_by(PaymentBatch.prepared_at, PaymentBatch.message_id)
        )
    )
