"""Format-neutral model of a SEPA credit transfer initiation (pain.001).

The payment model of remu does not depend on the file format (pain.001 today, PES V2 later):
these frozen dataclasses carry exactly what a customer-to-bank credit transfer needs, already
transliterated to the EPC character set by the caller (the original names stay in the
database). The writer, the EPC rule layer and the XSD validation all work from them.

A payment instruction (``PmtInf``) groups the transfers that share a debtor account, an
execution date, a batch booking flag and a category purpose: the bank books each group as one
debit, so the grouping key is part of the model, not a writer detail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "CreditTransfer",
    "CreditTransferMessage",
    "Debtor",
    "GroupingKey",
    "MessageHeader",
    "Pain001Version",
    "PaymentInstruction",
    "PostalAddress",
    "default_payment_information_id",
    "group_transfers",
]


class Pain001Version(StrEnum):
    """ISO 20022 versions the writer can produce; .09 is the EPC rulebook version since 2024."""

    V09 = "pain.001.001.09"
    V03 = "pain.001.001.03"

    @property
    def namespace(self) -> str:
        return f"urn:iso:std:iso:20022:tech:xsd:{self.value}"


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """A creditor address, structured or hybrid.

    Structured: street, building number, post code, town and country in their own elements.
    Hybrid: at least town and country, plus at most two free address lines. Banks refuse
    fully unstructured addresses (address lines only) from 15 November 2026.
    """

    town: str
    country: str
    street_name: str | None = None
    building_number: str | None = None
    post_code: str | None = None
    address_lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MessageHeader:
    """Group header: the message id is unique per debtor; the creation time is passed in."""

    message_id: str
    created_at: datetime
    initiating_party_name: str

    def __post_init__(self) -> None:
        if self.created_at.tzinfo is None or self.created_at.utcoffset() is None:
            raise ValueError("created_at must be timezone-aware")


@dataclass(frozen=True, slots=True)
class Debtor:
    """The paying account (the Region's delegated payer). Without a BIC, NOTPROVIDED is sent."""

    name: str
    iban: str
    bic: str | None = None


@dataclass(frozen=True, slots=True)
class CreditTransfer:
    """One transfer to one trainee; ``end_to_end_id`` is the key the bank echoes back."""

    end_to_end_id: str
    amount: Decimal
    creditor_name: str
    creditor_iban: str
    creditor_address: PostalAddress
    remittance_information: str
    creditor_bic: str | None = None
    instruction_id: str | None = None


@dataclass(frozen=True, slots=True)
class GroupingKey:
    """What makes transfers share one ``PmtInf``: one debit on the debtor's statement."""

    debtor: Debtor
    requested_execution_date: date
    batch_booking: bool
    category_purpose: str


@dataclass(frozen=True, slots=True)
class PaymentInstruction:
    """One ``PmtInf`` block.

    ``transfers`` must be re-iterable (a tuple, a list, or an object whose ``__iter__`` runs
    a database query again): the writer reads it twice, once for the control sums and once to
    write, so that 100 000 transfers never need to be in memory at the same time. A source
    with a ``totals()`` method (``CountedTransfers``) gives count and sum itself, and is read
    once.
    """

    payment_information_id: str
    key: GroupingKey
    transfers: Iterable[CreditTransfer] = field(compare=False)

    def __post_init__(self) -> None:
        if iter(self.transfers) is self.transfers:
            raise TypeError("transfers must be re-iterable, not a one-shot iterator")


@dataclass(frozen=True, slots=True)
class CreditTransferMessage:
    """A whole pain.001 message: one header and one or more payment instructions."""

    header: MessageHeader
    instructions: tuple[PaymentInstruction, ...]


def default_payment_information_id(message_id: str, index: int) -> str:
    """``<MsgId>-P<n>`` kept within 35 characters (the MsgId is cut if needed)."""
    suffix = f"-P{index:03d}"
    return message_id[: 35 - len(suffix)] + suffix


def group_transfers(
    message_id: str,
    items: Iterable[tuple[GroupingKey, CreditTransfer]],
    *,
    payment_information_id: Callable[[str, int], str] = default_payment_information_id,
) -> tuple[PaymentInstruction, ...]:
    """Group transfers into one ``PmtInf`` per grouping key, in order of first appearance.

    The EPC guidelines expect one block per (debtor account, execution date, batch booking,
    category purpose); mixing them would book different debits under one header.
    """
    groups: dict[GroupingKey, list[CreditTransfer]] = {}
    for key, transfer in items:
        groups.setdefault(key, []).append(transfer)
    return tuple(
        PaymentInstruction(
            payment_information_id=payment_information_id(message_id, index),
            key=key,
            transfers=tuple(transfers),
        )
        for index, (key, transfers) in enumerate(groups.items(), start=1)
    )
