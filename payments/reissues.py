"""Re-issuing a rejected or returned transfer once the trainee's RIB has been verified again.

The money is owed again from the moment the bank sends it back; it is paid by a NEW transfer,
with a NEW EndToEndId, linked to the first (``reissue_of``, unique: one re-issue per refused
transfer). Never automatically when the reason code forbids it (AM05 duplicate, MD07 deceased,
RR01-RR04 regulatory) or is unknown: a person decides.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from payments.facts import BankDetails
from payments.models import Payment
from payments.returns import reason_code
from payments.run_writer import RunWriter, creditor_of
from payments.transfers import TransferData
from payments.vocabulary import PaymentStatus
from remuneration.db.models import Document, Trainee
from remuneration.domain.timezone import as_utc
from remuneration.domain.vocabulary import DocumentKind, VerificationStatus
from remuneration.services.documents import revealed_iban

__all__ = ["reissue_refused_payments"]

_REFUSED = (PaymentStatus.REJECTED.value, PaymentStatus.RETURNED.value)


def _verified_rib(writer: RunWriter, payment: Payment) -> BankDetails | None:
    """The dossier's RIB if it was verified after the bank refused the transfer."""
    ctx = writer.ctx
    document = ctx.session.scalar(
        select(Document).where(
            Document.dossier_id == payment.dossier_id,
            Document.kind == DocumentKind.RIB.value,
            Document.verification_status == VerificationStatus.VERIFIED.value,
        )
    )
    if document is None or payment.returned_at is None or document.iban_hash is None:
        return None
    if as_utc(document.updated_at) <= as_utc(payment.returned_at):
        return None
    iban = revealed_iban(ctx, document)
    if iban is None:
        return None
    return BankDetails(
        document_id=document.id,
        iban=iban,
        iban_hash=document.iban_hash,
        bic=document.bic,
        holder=document.holder,
        iban_changed_at=document.iban_changed_at,
        updated_at=document.updated_at,
    )


def _reissuable(writer: RunWriter, payment: Payment) -> bool:
    code = reason_code(payment.return_reason_code or "", on=writer.ctx.today)
    return code is not None and code.reissue_allowed


def reissue_refused_payments(writer: RunWriter) -> int:
    """Add to the run's batch a re-issue of every refused transfer that may be sent again."""
    later = aliased(Payment)
    query = (
        select(Payment)
        .where(Payment.status.in_(_REFUSED))
        .where(~exists().where(later.reissue_of == Payment.id))
        .order_by(Payment.returned_at, Payment.id)
    )
    count = 0
    for payment in writer.ctx.session.scalars(query).all():
        if not _reissuable(writer, payment):
            continue
        bank = _verified_rib(writer, payment)
        trainee = writer.ctx.session.get_one(Trainee, payment.trainee_id)
        if bank is None or not trainee.town:
            continue
        data = TransferData(
            run_id=writer.run_id,
            batch_id=writer.batch_id(),
            trainee_id=payment.trainee_id,
            dossier_id=payment.dossier_id,
            amount=payment.amount,
            remittance=f"Region - reemission du virement {payment.end_to_end_id}",
            reissue_of=payment.id,
        )
        writer.add_transfer(data, creditor_of(trainee, bank))
        count += 1
    return count
