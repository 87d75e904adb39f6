"""A batch and its file: the batch freezes its payments; its pain.001 is written in streaming,
judged by every EPC rule while it is written and XSD-validated (on the other core for a big
file), then stored with its SHA-256.

Nothing of a refused file is kept: the error carries every violation (element path, EPC rule
code, French message) and the caller's transaction is rolled back.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Collection, Iterator
from datetime import date
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from payments.config import PayerAccount
from payments.errors import PaymentFileRefused
from payments.files import store_file
from payments.models import Payment, PaymentBatch
from payments.sepa import (
    CreditTransfer,
    CreditTransferMessage,
    EpcViolation,
    GroupingKey,
    IbanChecker,
    MessageHeader,
    PaymentInstruction,
    PostalAddress,
    WriteResult,
    write_checked_pain001,
)
from payments.sepa.model import default_payment_information_id
from payments.transfers import PAYMENT_IBAN_CONTEXT, new_message_id
from payments.vocabulary import BatchStatus
from remuneration.domain.errors import FieldProblem
from remuneration.domain.timezone import PARIS
from remuneration.services.context import ServiceContext
from rules import default_store

__all__ = ["batch_payment_information_id", "build_file", "open_batch", "sepa_country_list"]

_YIELD = 2000
# Only what a transfer needs: no identifier column to turn into a UUID object per row.
_TRANSFER_COLUMNS = (
    Payment.end_to_end_id,
    Payment.amount,
    Payment.creditor_name_epc,
    Payment.iban_encrypted,
    Payment.creditor_town,
    Payment.creditor_country,
    Payment.creditor_street,
    Payment.creditor_post_code,
    Payment.remittance_information,
    Payment.bic,
)


def sepa_country_list(ctx: ServiceContext, on: date) -> tuple[str, ...]:
    """The SEPA scheme countries in force: the rules' ``sepa.countries`` parameter, the one
    list used by the engine's RIB check and by the files' EPC check."""
    store = ctx.parameters or default_store()
    return store.at("sepa.countries", on).codes


def open_batch(
    ctx: ServiceContext,
    *,
    run_id: uuid.UUID,
    payer: PayerAccount,
    execution_date: date,
    replaces: uuid.UUID | None = None,
    batch_id: uuid.UUID | None = None,
) -> PaymentBatch:
    """A new batch, prepared by the caller; totals and file come with ``build_file``.
    ``batch_id``: the identifier the caller reserved (its payments already point at it)."""
    batch_id = batch_id or uuid.uuid4()
    batch = PaymentBatch(
        id=batch_id,
        run_id=run_id,
        message_id=new_message_id(batch_id),
        pain_version=payer.pain_version.value,
        execution_date=execution_date,
        category_purpose=payer.category_purpose,
        debtor_name=payer.name,
        debtor_iban=payer.iban,
        debtor_bic=payer.bic,
        number_of_transactions=0,
        control_sum=0,
        file_sha256="",
        file_size=0,
        status=BatchStatus.PREPARED.value,
        version=1,
        prepared_by=ctx.actor.user_id,
        prepared_at=ctx.now,
        replaces_batch_id=replaces,
    )
    ctx.session.add(batch)
    ctx.session.flush()
    return batch


class _BatchTransfers:
    """The batch's transfers, read again from the database at each pass of the writer."""

    def __init__(self, ctx: ServiceContext, batch_id: uuid.UUID) -> None:
        self._ctx = ctx
        self._batch_id = batch_id
        self.ibans: set[str] = set()

    def totals(self) -> tuple[int, Decimal]:
        """Count and exact sum of the batch's payments, from their amounts alone (no IBAN to
        decrypt, no transfer to build); summed here in ``Decimal``, not by the database (SQLite
        would add them as floating-point numbers)."""
        query = select(Payment.amount).where(Payment.batch_id == self._batch_id)
        amounts = list(self._ctx.session.scalars(query.execution_options(yield_per=_YIELD)))
        return len(amounts), sum(amounts, Decimal(0))

    def __iter__(self) -> Iterator[CreditTransfer]:
        query = (
            select(*_TRANSFER_COLUMNS)
            .where(Payment.batch_id == self._batch_id)
            .order_by(Payment.created_at, Payment.end_to_end_id)
            .execution_options(yield_per=_YIELD)
        )
        protector = self._ctx.protector
        for payment in self._ctx.session.execute(query):
            iban = protector.decrypt(payment.iban_encrypted, context=PAYMENT_IBAN_CONTEXT)
            self.ibans.add(iban)
            yield CreditTransfer(
                end_to_end_id=payment.end_to_end_id,
                amount=payment.amount,
                creditor_name=payment.creditor_name_epc,
                creditor_iban=iban,
                creditor_address=PostalAddress(
                    town=payment.creditor_town,
                    country=payment.creditor_country,
                    street_name=payment.creditor_street,
                    post_code=payment.creditor_post_code,
                ),
                remittance_information=payment.remittance_information,
                creditor_bic=payment.bic,
            )


def _used_end_to_end_ids(session: Session, batch_id: uuid.UUID) -> set[str]:
    """EndToEndIds of this batch already carried by another payment, ever (the database
    forbids it too; the EPC layer names the transaction if it ever happened)."""
    other = aliased(Payment)
    query = (
        select(other.end_to_end_id)
        .join(Payment, Payment.end_to_end_id == other.end_to_end_id)
        .where(Payment.batch_id == batch_id, other.id != Payment.id)
    )
    return set(session.scalars(query))


def _used_message_ids(session: Session, batch_id: uuid.UUID) -> set[str]:
    query = select(PaymentBatch.message_id).where(PaymentBatch.id != batch_id)
    return set(session.scalars(query))


def _refusal(violations: list[EpcViolation]) -> PaymentFileRefused:
    problems = [FieldProblem(v.path, v.code.value, v.message) for v in violations[:50]]
    return PaymentFileRefused(
        f"Le fichier de virements est refusé : {len(violations)} règle(s) EPC ou XSD non "
        f"respectée(s). Première : {violations[0].message}",
        problems=problems,
    )


def batch_payment_information_id(batch_id: uuid.UUID) -> str:
    """The ``PmtInfId`` of the batch's one payment information block."""
    return default_payment_information_id(new_message_id(batch_id), 1)


def build_file(
    ctx: ServiceContext, batch: PaymentBatch, payer: PayerAccount, *, countries: Collection[str]
) -> WriteResult:
    """Write, validate (XSD + EPC) and store the batch's pain.001; set its totals and hash."""
    transfers = _BatchTransfers(ctx, batch.id)
    pmtinf_id = default_payment_information_id(batch.message_id, 1)
    key = GroupingKey(
        payer.debtor, batch.execution_date, payer.batch_booking, payer.category_purpose
    )
    header = MessageHeader(batch.message_id, ctx.now.astimezone(PARIS), payer.initiating_party)
    message = CreditTransferMessage(header, (PaymentInstruction(pmtinf_id, key, transfers),))
    with tempfile.TemporaryFile() as spool:
        result, violations = write_checked_pain001(
            message,
            spool,
            today=ctx.today,
            used_end_to_end_ids=_used_end_to_end_ids(ctx.session, batch.id),
            used_message_ids=_used_message_ids(ctx.session, batch.id),
            iban_checker=IbanChecker(
                on=ctx.today, already_verified=transfers.ibans, countries=countries
            ),
            version=payer.pain_version,
        )
        if violations:
            raise _refusal(violations)
        spool.seek(0)
        size = store_file(ctx.session, batch.id, spool, ctx.protector)
    batch.number_of_transactions = result.number_of_transactions
    batch.control_sum = result.control_sum
    batch.file_sha256 = result.sha256
    batch.file_size = size
    # The run writer sets it when it inserts (rewriting 100 000 rows here cost PostgreSQL a
    # second and a half per 30 000 payments); a re-issued or corrected batch's rows get it here.
    ctx.session.execute(
        update(Payment)
        .where(
            Payment.batch_id == batch.id,
            Payment.payment_information_id.is_distinct_from(pmtinf_id),
        )
        .values(payment_information_id=pmtinf_id)
    )
    ctx.session.flush()
    return result
