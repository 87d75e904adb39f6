"""Importing a bank file (pain.002 rejects, camt.054 returns) and acting on each refusal.

A file is imported once (its SHA-256 is unique): the same file again changes nothing and
answers the first import. Each refusal is matched on the original EndToEndId and the amount
(a file- or block-level reject on the original MsgId / PmtInfId).

- A reject of the file, of a payment block, or of a transaction for a technical reason blames
  the batch, not the trainees (``payments.batch_rejects``): payments back to ``to_pay``, no bank
  details blocked, one case for finance, a corrected batch to prepare.
- Any other reject or return marks the payment rejected or returned with the reason code —
  never deleted — which makes its amount owed again; the bank details are blocked when the
  reason code says so; a relation-usagers case is requested; the re-issue waits for a RIB
  verified again (``payments.reissues``).
- A line that matches no payment, or matches one with another amount, changes no payment and
  opens a case for finance (someone must look at the bank's statement).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from payments.batch_rejects import is_batch_level, return_to_pay
from payments.errors import BankFileRefused
from payments.models import BankDetailsBlock, BankFile, BankReturnRecord, Payment, PaymentBatch
from payments.returns import (
    BankFileError,
    BankReturn,
    ReasonCode,
    parse_camt054,
    parse_pain002,
    reason_code,
)
from payments.vocabulary import BankReturnStatus, PaymentStatus
from remuneration.domain.errors import FieldProblem
from remuneration.services.audit import record_event
from remuneration.services.case_requests import request_case
from remuneration.services.context import ServiceContext
from rules.french import fr_money

__all__ = ["ImportOutcome", "bank_file_content", "bank_file_context", "import_bank_file"]

_NAMESPACE = re.compile(rb"urn:iso:std:iso:20022:tech:xsd:((?:pain\.002|camt\.054)\.[0-9.]+)")
_PROLOG_BYTES = 4096
_PROCESSED = (
    PaymentStatus.REJECTED.value,
    PaymentStatus.RETURNED.value,
    PaymentStatus.TO_PAY.value,  # the whole file was rejected: the same file's lines repeat it
)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """The bank file row and whether this call imported it (False: seen before)."""

    bank_file: BankFile
    created: bool


def _parser(content: bytes) -> tuple[str, Callable[[bytes], list[BankReturn]]]:
    found = _NAMESPACE.search(content[:_PROLOG_BYTES])
    if found is None:
        raise BankFileRefused(
            "Fichier bancaire non reconnu : seuls les messages pain.002 (rejets) et camt.054 "
            "(retours) sont acceptés.",
            field="content",
        )
    name = found.group(1).decode("ascii")
    return name, parse_pain002 if name.startswith("pain.002") else parse_camt054


def _parse(content: bytes) -> tuple[str, list[BankReturn]]:
    name, parse = _parser(content)
    try:
        return name, parse(content)
    except BankFileError as error:
        problems = [
            FieldProblem(f"ligne {e.line}" if e.line else "content", "xsd", e.message)
            for e in error.errors[:50]
        ]
        raise BankFileRefused(str(error), field="content", problems=problems) from error


def _reason(ctx: ServiceContext, code: str | None) -> ReasonCode | None:
    try:
        return reason_code(code or "", on=ctx.today)
    except LookupError:
        return None


def _refuse(ctx: ServiceContext, payment: Payment, found: BankReturn) -> None:
    """Mark the payment refused, block the bank details if needed, ask for a case."""
    before = {"status": payment.status}
    payment.status = (
        PaymentStatus.REJECTED.value if found.kind == "reject" else PaymentStatus.RETURNED.value
    )
    payment.return_kind = found.kind
    payment.return_reason_code = (found.reason_code or "")[:4] or None
    payment.returned_at = ctx.now
    code = _reason(ctx, found.reason_code)
    if code is None or code.block_bank_details:
        ctx.session.add(
            BankDetailsBlock(
                id=uuid.uuid4(),
                dossier_id=payment.dossier_id,
                iban_hash=payment.iban_hash,
                payment_id=payment.id,
                reason_code=payment.return_reason_code or "NARR",
                blocked_at=ctx.now,
            )
        )
    meaning = code.meaning if code else "motif non référencé"
    action = code.action if code else "examiner le motif avant toute nouvelle tentative"
    word = "rejeté" if found.kind == "reject" else "retourné"
    request_case(
        ctx.session,
        cause_key=f"payment_returned:payment:{payment.id}",
        category="payment_returned",
        priority="high",
        summary=(
            f"Virement de {payment.amount} € {word} par la banque ({found.reason_code or '?'} : "
            f"{meaning}). Action : {action}."
        ),
        now=ctx.now,
        trainee_id=payment.trainee_id,
        dossier_id=payment.dossier_id,
        payment_id=payment.id,
        payment_batch_id=payment.batch_id,
    )
    record_event(
        ctx,
        action=f"payment.{payment.status}",
        entity_type="payment",
        entity_id=payment.id,
        dossier_id=payment.dossier_id,
        before=before,
        after={"status": payment.status, "reason_code": payment.return_reason_code},
    )


def _match_transaction(
    ctx: ServiceContext, found: BankReturn
) -> tuple[BankReturnStatus, Payment | None]:
    payment = ctx.session.scalar(
        select(Payment).where(Payment.end_to_end_id == (found.original_end_to_end_id or ""))
    )
    if payment is None:
        return BankReturnStatus.UNMATCHED, None
    if found.amount is not None and found.amount != payment.amount:
        return BankReturnStatus.AMOUNT_MISMATCH, payment
    if payment.status in _PROCESSED:
        return BankReturnStatus.ALREADY_PROCESSED, payment
    if payment.status != PaymentStatus.RELEASED.value:
        return BankReturnStatus.UNMATCHED, payment
    if is_batch_level(ctx, found):
        return_to_pay(ctx, [payment], found)
    else:
        _refuse(ctx, payment, found)
    return BankReturnStatus.MATCHED, payment


def _match_group(ctx: ServiceContext, found: BankReturn) -> BankReturnStatus:
    """A whole file or payment block rejected: every released payment in it."""
    query = (
        select(Payment)
        .join(PaymentBatch, PaymentBatch.id == Payment.batch_id)
        .where(PaymentBatch.message_id == (found.original_message_id or ""))
        .where(Payment.status == PaymentStatus.RELEASED.value)
    )
    if found.scope == "payment_information":
        query = query.where(
            Payment.payment_information_id == (found.original_payment_information_id or "")
        )
    payments = list(ctx.session.scalars(query))
    if payments:
        return_to_pay(ctx, payments, found)
    return BankReturnStatus.MATCHED if payments else BankReturnStatus.UNMATCHED


def _record(ctx: ServiceContext, bank_file: BankFile, found: BankReturn) -> BankReturnRecord:
    payment: Payment | None = None
    if found.scope == "transaction":
        status, payment = _match_transaction(ctx, found)
    else:
        status = _match_group(ctx, found)
    record = BankReturnRecord(
        id=uuid.uuid4(),
        bank_file_id=bank_file.id,
        kind=found.kind,
        scope=found.scope,
        original_end_to_end_id=found.original_end_to_end_id,
        original_message_id=found.original_message_id,
        original_payment_information_id=found.original_payment_information_id,
        amount=found.amount,
        reason_code=(found.reason_code or "")[:4] or None,
        additional_information=(found.additional_information or "")[:500] or None,
        booking_date=found.booking_date,
        payment_id=payment.id if payment is not None else None,
        status=status.value,
        created_at=ctx.now,
    )
    ctx.session.add(record)
    if status in (BankReturnStatus.UNMATCHED, BankReturnStatus.AMOUNT_MISMATCH):
        _unmatched_case(ctx, bank_file, record, payment)
    return record


def _unmatched_case(
    ctx: ServiceContext, bank_file: BankFile, record: BankReturnRecord, payment: Payment | None
) -> None:
    """A line the bank sent that remu cannot apply: finance must look at it."""
    word = "rejet" if record.kind == "reject" else "retour"
    if (
        record.status == BankReturnStatus.AMOUNT_MISMATCH.value
        and payment is not None
        and record.amount is not None
    ):
        what = (
            f"annonce {fr_money(record.amount)} pour le virement "
            f"{record.original_end_to_end_id}, qui était de {fr_money(payment.amount)}"
        )
    else:
        reference = record.original_end_to_end_id or record.original_message_id or "?"
        what = f"ne correspond à aucun virement en attente de réponse (référence {reference})"
    request_case(
        ctx.session,
        cause_key=f"bank_file:bank_return:{record.id}",
        category="bank_file",
        priority="high",
        summary=(
            f"Fichier bancaire {bank_file.message_name} : une ligne de {word} "
            f"({record.reason_code or '?'}) {what}. Aucun virement n'a été modifié : vérifier "
            "le relevé de la banque."
        ),
        now=ctx.now,
        trainee_id=payment.trainee_id if payment is not None else None,
        dossier_id=payment.dossier_id if payment is not None else None,
        payment_id=payment.id if payment is not None else None,
        payment_batch_id=payment.batch_id if payment is not None else None,
    )


def _existing(ctx: ServiceContext, digest: str) -> BankFile | None:
    return ctx.session.scalar(select(BankFile).where(BankFile.sha256 == digest))


def bank_file_context(file_id: uuid.UUID) -> str:
    """The associated data of a stored bank file (sealed at rest: it names IBANs and people)."""
    return f"bank_files.content:{file_id}"


def bank_file_content(ctx: ServiceContext, bank_file: BankFile) -> bytes:
    """The bank file as received."""
    return ctx.protector.decrypt_bytes(bank_file.content, context=bank_file_context(bank_file.id))


def import_bank_file(
    ctx: ServiceContext, content: bytes, *, file_name: str | None
) -> ImportOutcome:
    """Import ``content`` once; a second import of the same bytes does nothing."""
    digest = hashlib.sha256(content).hexdigest()
    existing = _existing(ctx, digest)
    if existing is not None:
        return ImportOutcome(existing, created=False)
    name, returns = _parse(content)
    file_id = uuid.uuid4()
    bank_file = BankFile(
        id=file_id,
        sha256=digest,
        message_name=name,
        message_id=next((r.report_message_id for r in returns if r.report_message_id), None),
        file_name=file_name,
        size=len(content),
        content=ctx.protector.encrypt_bytes(content, context=bank_file_context(file_id)),
        imported_by=ctx.actor.user_id,
        imported_at=ctx.now,
        returns_count=len(returns),
        matched_count=0,
    )
    try:
        with ctx.session.begin_nested():
            ctx.session.add(bank_file)
            ctx.session.flush()
    except IntegrityError:
        found = _existing(ctx, digest)
        if found is None:
            raise
        return ImportOutcome(found, created=False)
    records = [_record(ctx, bank_file, found) for found in returns]
    bank_file.matched_count = sum(r.status == BankReturnStatus.MATCHED.value for r in records)
    ctx.session.flush()
    record_event(
        ctx,
        action="bank_file.imported",
        entity_type="bank_file",
        entity_id=bank_file.id,
        after={
            "sha256": digest,
            "message_name": name,
            "returns": bank_file.returns_count,
            "matched": bank_file.matched_count,
        },
    )
    return ImportOutcome(bank_file, created=True)
