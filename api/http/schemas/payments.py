"""Request and response models of payment runs, batches, payments, bank files, overpayments.

Requests forbid unknown fields and never carry server-owned values (amounts, statuses,
identifiers). Responses carry money as strings with two decimals. The full IBAN of a payment is
present for the finance role only; every other role gets the masked form.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from api.http.schemas.common import (
    BoundedDate,
    Money,
    RequestModel,
    ResponseModel,
    Text,
    UtcDatetime,
)
from payments.vocabulary import RunKind
from rules.money import format_money

__all__ = [
    "BankFileUpload",
    "BankFileView",
    "BankReturnView",
    "BatchCancellation",
    "BatchCorrection",
    "BatchLink",
    "BatchList",
    "BatchRelease",
    "BatchSummary",
    "BatchView",
    "FileHeaderView",
    "IbanChangeFlag",
    "NoRunView",
    "OverpaymentList",
    "OverpaymentView",
    "PaymentList",
    "PaymentView",
    "RunCreate",
    "RunList",
    "RunView",
    "Waiver",
]

Period = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=300)]


class RunCreate(RequestModel):
    """Start (or find) the run of a kind and period."""

    kind: RunKind
    period: Period = Field(description="AAAA-MM (mensuelle) ou AAAA-MM-JJ (avances).")
    execution_date: BoundedDate = Field(description="Date d'exécution demandée à la banque.")


class BatchLink(ResponseModel):
    id: uuid.UUID
    status: str
    message_id: str
    number_of_transactions: int
    control_sum: str


class RunView(ResponseModel):
    id: uuid.UUID
    kind: str
    period: str
    execution_date: date
    as_of: date
    status: str
    started_by: uuid.UUID | None
    started_at: UtcDatetime
    completed_at: UtcDatetime | None
    dossiers: int
    lines: int
    payments: int
    reissues: int
    overpayments: int
    total_amount: str
    skipped: dict[str, int]
    batches: list[BatchLink]


class FileHeaderView(ResponseModel):
    """What the bank reads first in the file: the releaser confirms these totals."""

    message_id: str
    number_of_transactions: int
    control_sum: str


class IbanChangeFlag(ResponseModel):
    """A transfer to an IBAN changed shortly before: to check before releasing."""

    payment_id: uuid.UUID
    dossier_id: uuid.UUID
    trainee_id: uuid.UUID
    amount: str
    iban: str
    iban_changed_at: UtcDatetime | None


class BatchView(ResponseModel):
    id: uuid.UUID
    run_id: uuid.UUID
    status: str
    message_id: str
    pain_version: str
    execution_date: date
    category_purpose: str
    debtor_name: str
    debtor_iban: str
    number_of_transactions: int
    control_sum: str
    file_sha256: str
    file_size: int
    file_header: FileHeaderView
    prepared_by: uuid.UUID | None
    prepared_at: UtcDatetime
    needs_approval: bool = Field(
        description="Lot préparé par le compte système : une personne l'approuve, une autre le "
        "libère."
    )
    approved_by: uuid.UUID | None
    approved_at: UtcDatetime | None
    released_by: uuid.UUID | None
    released_at: UtcDatetime | None
    cancelled_by: uuid.UUID | None
    cancelled_at: UtcDatetime | None
    cancellation_reason: str | None
    replaces_batch_id: uuid.UUID | None
    iban_change_flags: list[IbanChangeFlag]


class BatchSummary(ResponseModel):
    """One batch in a list: status, totals, who prepared, approved and released it."""

    id: uuid.UUID
    run_id: uuid.UUID
    status: str
    message_id: str
    execution_date: date
    number_of_transactions: int
    control_sum: str
    needs_approval: bool
    prepared_by: uuid.UUID | None
    prepared_at: UtcDatetime
    approved_by: uuid.UUID | None
    approved_at: UtcDatetime | None
    released_by: uuid.UUID | None
    released_at: UtcDatetime | None
    cancelled_by: uuid.UUID | None
    replaces_batch_id: uuid.UUID | None


class BatchList(ResponseModel):
    items: list[BatchSummary]
    total: int
    page: int
    page_size: int


class RunList(ResponseModel):
    items: list[RunView]
    total: int
    page: int
    page_size: int


class NoRunView(ResponseModel):
    """An advance run that found nothing to pay: no run is recorded."""

    kind: str
    period: str
    status: str = Field(description="nothing_to_pay")
    detail: str


class BatchCorrection(RequestModel):
    """The execution date of the corrected batch (after a file-level or technical reject)."""

    execution_date: BoundedDate


class BatchRelease(RequestModel):
    """The totals the releaser saw: they must equal the file's header."""

    number_of_transactions: int = Field(ge=1, le=10_000_000)
    control_sum: Money


class BatchCancellation(RequestModel):
    """Why the batch is cancelled; optionally a new execution date for its replacement."""

    reason: Reason
    execution_date: BoundedDate | None = None


class BankFileUpload(RequestModel):
    """A pain.002 or camt.054 received from the bank, base64-encoded."""

    file_name: Text | None = None
    content_base64: str = Field(min_length=4, max_length=70_000_000)


class BankReturnView(ResponseModel):
    kind: str
    scope: str
    original_end_to_end_id: str | None
    amount: str | None
    reason_code: str | None
    status: str
    payment_id: uuid.UUID | None


class BankFileView(ResponseModel):
    id: uuid.UUID
    sha256: str
    message_name: str
    message_id: str | None
    file_name: str | None
    size: int
    imported_at: UtcDatetime
    returns_count: int
    matched_count: int
    already_imported: bool
    returns: list[BankReturnView]


class PaymentView(ResponseModel):
    id: uuid.UUID
    run_id: uuid.UUID
    batch_id: uuid.UUID | None
    trainee_id: uuid.UUID
    dossier_id: uuid.UUID
    amount: str
    status: str
    periods: list[str]
    creditor_name: str
    iban_masked: str
    iban: str | None = Field(default=None, description="IBAN complet (rôle finance seulement).")
    bic: str | None
    iban_recently_changed: bool
    end_to_end_id: str
    remittance_information: str
    reissue_of: uuid.UUID | None
    return_kind: str | None
    return_reason_code: str | None
    returned_at: UtcDatetime | None
    created_at: UtcDatetime
    released_at: UtcDatetime | None


class PaymentList(ResponseModel):
    items: list[PaymentView]
    total: int
    page: int
    page_size: int


class OverpaymentView(ResponseModel):
    id: uuid.UUID
    trainee_id: uuid.UUID
    dossier_id: uuid.UUID
    amount: str
    remaining: str
    status: str
    created_at: UtcDatetime
    recovery_order_at: UtcDatetime | None
    recovery_order_reference: str | None
    waived_by: uuid.UUID | None
    waived_at: UtcDatetime | None
    waiver_reason: str | None


class OverpaymentList(ResponseModel):
    items: list[OverpaymentView]
    total: int
    page: int
    page_size: int


class Waiver(RequestModel):
    """The supervisor's reason for giving up an overpayment (remise gracieuse)."""

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=500)]


money = format_money
"""Two decimals and a dot, as the API writes every amount: the contract's money text."""
