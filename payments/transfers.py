"""Building one payment row: identifiers, creditor as stored and as sent (EPC set), IBAN
encrypted, the flag for an IBAN changed shortly before.

Shared by the runs, the re-issues after a return and the replacement of a cancelled batch, so
that every transfer is built the same way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from payments.sepa import to_epc_name, to_epc_remittance, transliterate, truncate
from payments.vocabulary import PaymentStatus
from remuneration.domain.masking import mask_iban
from remuneration.domain.timezone import as_utc
from remuneration.services.protection import FieldProtector

__all__ = [
    "PAYMENT_IBAN_CONTEXT",
    "Creditor",
    "TransferData",
    "new_end_to_end_id",
    "new_message_id",
    "payment_row",
    "recently_changed",
]

PAYMENT_IBAN_CONTEXT = "payments.iban"
_TOWN_MAX = 35
_STREET_MAX = 70
_POST_CODE_MAX = 16


def new_end_to_end_id() -> str:
    """A fresh EndToEndId (34 characters of the EPC set): unique forever, never reused."""
    return "RM" + uuid.uuid4().hex.upper()


def new_message_id(batch_id: uuid.UUID) -> str:
    """The batch's MsgId (32 characters), unique for the paying account."""
    return "REMU" + batch_id.hex.upper()[:28]


@dataclass(frozen=True, slots=True)
class Creditor:
    """Who receives a transfer: account holder, postal address, bank details."""

    name: str
    street: str | None
    post_code: str | None
    town: str
    country: str
    iban: str
    iban_hash: str
    bic: str | None
    iban_changed_at: datetime | None


@dataclass(frozen=True, slots=True)
class TransferData:
    """One transfer to write: the amount, the text, and where it belongs."""

    run_id: uuid.UUID
    batch_id: uuid.UUID
    trainee_id: uuid.UUID
    dossier_id: uuid.UUID
    amount: Decimal
    remittance: str
    reissue_of: uuid.UUID | None = None


def recently_changed(changed_at: datetime | None, *, now: datetime, days: int) -> bool:
    """Whether an IBAN changed less than ``days`` days before ``now`` (flag for the releaser)."""
    return changed_at is not None and as_utc(changed_at) >= now - timedelta(days=days)


def _epc(text: str | None, limit: int) -> str | None:
    if not text:
        return None
    return truncate(transliterate(text), limit) or None


def payment_row(
    data: TransferData,
    creditor: Creditor,
    *,
    protector: FieldProtector,
    now: datetime,
    alert_days: int,
) -> dict[str, Any]:
    """The column values of a new payment (status ``prepared``), ready for a bulk insert."""
    return {
        "id": uuid.uuid4(),
        "run_id": data.run_id,
        "batch_id": data.batch_id,
        "trainee_id": data.trainee_id,
        "dossier_id": data.dossier_id,
        "amount": data.amount,
        "status": PaymentStatus.PREPARED.value,
        "creditor_name": creditor.name[:200],
        "creditor_name_epc": to_epc_name(creditor.name),
        "creditor_street": _epc(creditor.street, _STREET_MAX),
        "creditor_post_code": _epc(creditor.post_code, _POST_CODE_MAX),
        "creditor_town": _epc(creditor.town, _TOWN_MAX) or "",
        "creditor_country": creditor.country,
        "iban_encrypted": protector.encrypt(creditor.iban, context=PAYMENT_IBAN_CONTEXT),
        "iban_hash": creditor.iban_hash,
        "iban_masked": mask_iban(creditor.iban),
        "bic": creditor.bic,
        "iban_changed_at": creditor.iban_changed_at,
        "iban_recently_changed": recently_changed(
            creditor.iban_changed_at, now=now, days=alert_days
        ),
        "end_to_end_id": new_end_to_end_id(),
        "payment_information_id": None,
        "remittance_information": to_epc_remittance(data.remittance),
        "reissue_of": data.reissue_of,
        "return_kind": None,
        "return_reason_code": None,
        "returned_at": None,
        "created_at": now,
        "released_at": None,
    }
