"""What a bank file tells remu about its transfers, whatever the format.

A reject (pain.002, before settlement) or a return (camt.054, after settlement) is matched to
the payment by the original EndToEndId and the amount; a file-level or payment-block-level
reject has no EndToEndId and is matched by the original message or ``PmtInf`` id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

__all__ = ["BankReturn", "ReturnKind", "ReturnScope"]

ReturnKind = Literal["reject", "return"]
ReturnScope = Literal["file", "payment_information", "transaction"]


@dataclass(frozen=True, slots=True)
class BankReturn:
    """One rejected or returned transfer (or group of transfers, see ``scope``)."""

    kind: ReturnKind
    scope: ReturnScope
    original_end_to_end_id: str | None
    amount: Decimal | None
    reason_code: str | None
    original_message_id: str | None
    original_payment_information_id: str | None = None
    additional_information: str | None = None
    report_message_id: str | None = None
    booking_date: date | None = None
