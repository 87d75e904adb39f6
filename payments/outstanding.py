"""Whether money is still owed on a dossier: then its bank details must stay correctable, even
once the dossier is closed (closing ends the instruction, not the payments).

Money is owed while any of these holds:

- a transfer of the dossier is waiting (prepared, or back to ``to_pay`` after a bank reject);
- a transfer was rejected or returned by the bank and not re-issued yet;
- an overpayment of the dossier is open or claimed by a recovery order, with something left;
- the remuneration is granted and its last month (exit date, else training end) is not paid
  yet (a training that runs on after the dossier was closed is still paid every month).
"""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from payments.models import Overpayment, Payment, PaymentLine
from payments.vocabulary import OverpaymentStatus, PaymentStatus
from remuneration.db.models import Decision, Dossier, Exit, Training
from rules import Month

__all__ = ["money_owed"]

_WAITING = (PaymentStatus.PREPARED.value, PaymentStatus.TO_PAY.value)
_REFUSED = (PaymentStatus.REJECTED.value, PaymentStatus.RETURNED.value)
_OWED_OVERPAYMENTS = (OverpaymentStatus.OPEN.value, OverpaymentStatus.RECOVERY_ORDER.value)


def _transfers_pending(session: Session, dossier_id: uuid.UUID) -> bool:
    later = aliased(Payment)
    refused = select(Payment.id).where(
        Payment.dossier_id == dossier_id,
        Payment.status.in_(_REFUSED),
        ~exists().where(later.reissue_of == Payment.id),
    )
    waiting = select(Payment.id).where(
        Payment.dossier_id == dossier_id, Payment.status.in_(_WAITING)
    )
    return (
        session.scalar(waiting.limit(1)) is not None or session.scalar(refused.limit(1)) is not None
    )


def _overpayment_left(session: Session, dossier_id: uuid.UUID) -> bool:
    query = select(Overpayment.id).where(
        Overpayment.dossier_id == dossier_id,
        Overpayment.status.in_(_OWED_OVERPAYMENTS),
        Overpayment.remaining > 0,
    )
    return session.scalar(query.limit(1)) is not None


def _months_left(session: Session, dossier_id: uuid.UUID) -> bool:
    granted = session.scalar(
        select(Decision.id)
        .where(Decision.dossier_id == dossier_id, Decision.outcome == "granted")
        .limit(1)
    )
    if granted is None:
        return False
    row = session.execute(
        select(Training.end_date, Exit.exit_date)
        .select_from(Dossier)
        .join(Training, Training.id == Dossier.training_id)
        .outerjoin(Exit, Exit.dossier_id == Dossier.id)
        .where(Dossier.id == dossier_id)
    ).one()
    last_month = str(Month.of(row.exit_date or row.end_date))
    paid = select(PaymentLine.id).where(
        PaymentLine.dossier_id == dossier_id, PaymentLine.period >= last_month
    )
    return session.scalar(paid.limit(1)) is None


def money_owed(session: Session, dossier_id: uuid.UUID) -> bool:
    """Whether a payment, a re-issue or an overpayment of the dossier is still outstanding."""
    return (
        _transfers_pending(session, dossier_id)
        or _overpayment_left(session, dossier_id)
        or _months_left(session, dossier_id)
    )
