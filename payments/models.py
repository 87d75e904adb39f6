"""ORM tables of payments: runs, payment lines, payments, batches and their files, bank files
and returns, blocked bank details, overpayments and their offsets.

The database itself carries the guarantees that money depends on, so that no code path (a
retry, two workers, a bug) can break them:

- a line of the engine is paid once: ``UNIQUE (dossier_id, period, kind, revision)`` — a later
  correction is a new *revision* holding the difference;
- one regular transfer per trainee and run (a partial unique index), one re-issue per refused
  transfer (``UNIQUE (reissue_of)``), every EndToEndId unique forever;
- a payment has one ``batch_id`` column: it can never be in two batches;
- the person who released a batch is not the one who prepared it, nor the one who approved
  it (CHECK constraints);
- a bank file is imported once (``UNIQUE (sha256)``), a run exists once per (kind, period).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from remuneration.db.base import Base

__all__ = [
    "BankDetailsBlock",
    "BankFile",
    "BankReturnRecord",
    "Overpayment",
    "OverpaymentOffset",
    "Payment",
    "PaymentBatch",
    "PaymentBatchChunk",
    "PaymentLine",
    "PaymentRun",
]


class PaymentRun(Base):
    """One advance run (a day) or monthly run (a month); running it again returns this row."""

    __tablename__ = "payment_runs"
    __table_args__ = (UniqueConstraint("kind", "period"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(10))
    execution_date: Mapped[date]
    as_of: Mapped[date]
    status: Mapped[str] = mapped_column(String(12))
    started_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
    dossiers_count: Mapped[int] = mapped_column(Integer)
    lines_count: Mapped[int] = mapped_column(Integer)
    payments_count: Mapped[int] = mapped_column(Integer)
    reissues_count: Mapped[int] = mapped_column(Integer)
    overpayments_count: Mapped[int] = mapped_column("debts_count", Integer)
    total_amount: Mapped[Decimal]
    skipped: Mapped[dict[str, Any]] = mapped_column(JSON)


class PaymentBatch(Base):
    """A frozen set of payments and its pain.001 file (stored in chunks, with its SHA-256).

    A batch prepared by the system account (the scheduler's) is approved by one person and
    released by another (``approved_by``); a batch prepared by a person is released by another.
    """

    __tablename__ = "payment_batches"
    __table_args__ = (
        CheckConstraint(
            "released_by IS NULL OR prepared_by IS NULL OR released_by <> prepared_by",
            name="four_eyes",
        ),
        CheckConstraint(
            "released_by IS NULL OR approved_by IS NULL OR released_by <> approved_by",
            name="four_eyes_approval",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_runs.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(35), unique=True)
    pain_version: Mapped[str] = mapped_column(String(20))
    execution_date: Mapped[date]
    category_purpose: Mapped[str] = mapped_column(String(4))
    debtor_name: Mapped[str] = mapped_column(String(70))
    debtor_iban: Mapped[str] = mapped_column(String(34))
    debtor_bic: Mapped[str | None] = mapped_column(String(11))
    number_of_transactions: Mapped[int] = mapped_column(Integer)
    control_sum: Mapped[Decimal]
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    version: Mapped[int] = mapped_column(Integer)
    prepared_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    prepared_at: Mapped[datetime]
    approved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    released_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    released_at: Mapped[datetime | None]
    cancelled_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]
    cancellation_reason: Mapped[str | None] = mapped_column(String(300))
    replaces_batch_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("payment_batches.id"), unique=True
    )


class PaymentBatchChunk(Base):
    """One piece (at most 1 MiB) of a batch's file: big files stream in and out of the database
    inside the run's transaction, without ever being whole in memory."""

    __tablename__ = "payment_batch_chunks"

    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_batches.id"), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Payment(Base):
    """One transfer to one trainee: what was sent, to whom, and what the bank said.

    The creditor name is kept as stored and as transliterated into the EPC set; the IBAN is
    encrypted, with the same keyed hash as the RIB document so that blocks can be matched.
    """

    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="positive_amount"),
        Index(
            "ix_payments_regular_per_run",
            "run_id",
            "trainee_id",
            unique=True,
            sqlite_where=text("reissue_of IS NULL"),
            postgresql_where=text("reissue_of IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_runs.id"))
    batch_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    trainee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id"), index=True)
    amount: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(12), index=True)
    creditor_name: Mapped[str] = mapped_column(String(200))
    creditor_name_epc: Mapped[str] = mapped_column(String(70))
    creditor_street: Mapped[str | None] = mapped_column(String(70))
    creditor_post_code: Mapped[str | None] = mapped_column(String(16))
    creditor_town: Mapped[str] = mapped_column(String(35))
    creditor_country: Mapped[str] = mapped_column(String(2))
    iban_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    iban_hash: Mapped[str] = mapped_column(String(64))
    iban_masked: Mapped[str] = mapped_column(String(42))
    bic: Mapped[str | None] = mapped_column(String(11))
    iban_changed_at: Mapped[datetime | None]
    iban_recently_changed: Mapped[bool]
    end_to_end_id: Mapped[str] = mapped_column(String(35), unique=True)
    payment_information_id: Mapped[str | None] = mapped_column(String(35))
    remittance_information: Mapped[str] = mapped_column(String(140))
    reissue_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payments.id"), unique=True)
    return_kind: Mapped[str | None] = mapped_column(String(10))
    return_reason_code: Mapped[str | None] = mapped_column(String(4))
    returned_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    released_at: Mapped[datetime | None]


class PaymentLine(Base):
    """One engine line paid (or settled against an overpayment) by a run, with its explanation.

    ``revision`` 0 is the first payment of (dossier, period, kind); a later revision is a
    regularisation holding the difference between the engine's new amount (``engine_amount``)
    and what was paid before.
    """

    __tablename__ = "payment_lines"
    __table_args__ = (UniqueConstraint("dossier_id", "period", "kind", "revision"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_runs.id"), index=True)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payments.id"), index=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id"))
    trainee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(20))
    revision: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal]
    engine_amount: Mapped[Decimal]
    rule: Mapped[str] = mapped_column(String(120))
    explanation: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class Overpayment(Base):
    """An overpayment the trainee owes: offset on later payments, else claimed or waived."""

    __tablename__ = "debts"
    __table_args__ = (
        CheckConstraint("remaining >= 0 AND remaining <= amount", name="remaining_in_range"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    trainee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trainees.id"), index=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id"), index=True)
    origin_run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_runs.id"))
    amount: Mapped[Decimal]
    remaining: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(16), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    settled_at: Mapped[datetime | None]
    recovery_order_at: Mapped[datetime | None]
    recovery_order_reference: Mapped[str | None] = mapped_column(String(40))
    waived_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    waived_at: Mapped[datetime | None]
    waiver_reason: Mapped[str | None] = mapped_column(String(500))

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy mapper option


class OverpaymentOffset(Base):
    """Part of an overpayment recovered on a later run (the payment it reduced, if one was sent)."""

    __tablename__ = "debt_offsets"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    overpayment_id: Mapped[uuid.UUID] = mapped_column("debt_id", ForeignKey("debts.id"), index=True)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_runs.id"))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payments.id"))
    amount: Mapped[Decimal]
    created_at: Mapped[datetime]


class BankFile(Base):
    """A pain.002 or camt.054 received from the bank, imported once (by its SHA-256)."""

    __tablename__ = "bank_files"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    message_name: Mapped[str] = mapped_column(String(30))
    message_id: Mapped[str | None] = mapped_column(String(35))
    file_name: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    imported_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    imported_at: Mapped[datetime]
    returns_count: Mapped[int] = mapped_column(Integer)
    matched_count: Mapped[int] = mapped_column(Integer)


class BankReturnRecord(Base):
    """One reject or return read from a bank file, and the payment it was matched to."""

    __tablename__ = "bank_returns"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    bank_file_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_files.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    scope: Mapped[str] = mapped_column(String(25))
    original_end_to_end_id: Mapped[str | None] = mapped_column(String(35))
    original_message_id: Mapped[str | None] = mapped_column(String(35))
    original_payment_information_id: Mapped[str | None] = mapped_column(String(35))
    amount: Mapped[Decimal | None]
    reason_code: Mapped[str | None] = mapped_column(String(4))
    additional_information: Mapped[str | None] = mapped_column(String(500))
    booking_date: Mapped[date | None]
    payment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("payments.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]


class BankDetailsBlock(Base):
    """Bank details refused by the bank: no transfer goes to them until a RIB is verified again."""

    __tablename__ = "bank_details_blocks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    dossier_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dossiers.id"), index=True)
    iban_hash: Mapped[str] = mapped_column(String(64))
    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"))
    reason_code: Mapped[str] = mapped_column(String(4))
    blocked_at: Mapped[datetime]
    lifted_at: Mapped[datetime | None]
