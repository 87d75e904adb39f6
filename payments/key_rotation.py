"""Rotating the data key over the payments' tables: the creditors' IBANs and their keyed hashes,
the stored pain.001 chunks, the bank files received, the blocks of refused bank details."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from payments.bank_returns import bank_file_context
from payments.files import chunk_context
from payments.models import BankDetailsBlock, BankFile, Payment, PaymentBatchChunk
from payments.transfers import PAYMENT_IBAN_CONTEXT
from remuneration.services.evaluation_input import IBAN_CONTEXT
from remuneration.services.key_rotation import KeyPair, RotationReport

__all__ = ["rotate_payment_data"]


def _payments(session: Session, keys: KeyPair, report: RotationReport) -> None:
    new_hashes: dict[object, str] = {}
    for payment in session.scalars(select(Payment)):
        iban = keys.old.decrypt(payment.iban_encrypted, context=PAYMENT_IBAN_CONTEXT)
        payment.iban_hash = keys.new.keyed_hash(iban, context=IBAN_CONTEXT)
        payment.iban_encrypted = keys.new.encrypt(iban, context=PAYMENT_IBAN_CONTEXT)
        new_hashes[payment.id] = payment.iban_hash
        report.add("payments.iban")
    for block in session.scalars(select(BankDetailsBlock)):
        block.iban_hash = new_hashes[block.payment_id]
        report.add("bank_details_blocks.iban_hash")


def _chunks(session: Session, keys: KeyPair, report: RotationReport) -> None:
    keys_of_chunks = session.execute(
        select(PaymentBatchChunk.batch_id, PaymentBatchChunk.sequence)
    ).tuples()
    for batch_id, sequence in list(keys_of_chunks):
        chunk = session.get_one(PaymentBatchChunk, (batch_id, sequence))
        context = chunk_context(chunk.batch_id, chunk.sequence)
        chunk.data = keys.reseal(bytes(chunk.data), context=context)
        report.add("payment_batch_chunks")
        session.flush()
        session.expunge(chunk)  # one chunk (up to 1 MiB) in memory at a time


def _bank_files(session: Session, keys: KeyPair, report: RotationReport) -> None:
    for bank_file in session.scalars(select(BankFile)):
        bank_file.content = keys.reseal(bank_file.content, context=bank_file_context(bank_file.id))
        report.add("bank_files")


def rotate_payment_data(session: Session, keys: KeyPair, report: RotationReport) -> None:
    """Re-encrypt the payments' sealed data into `report`; flushes, never commits."""
    _payments(session, keys, report)
    _chunks(session, keys, report)
    _bank_files(session, keys, report)
    session.flush()
