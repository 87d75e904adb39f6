"""Fixed sample messages for the SEPA tests (ids, timestamps and IBANs never change)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from payments.sepa.model import (
    CreditTransfer,
    CreditTransferMessage,
    Debtor,
    GroupingKey,
    MessageHeader,
    PaymentInstruction,
    PostalAddress,
    group_transfers,
)

DATA = Path(__file__).parent
TODAY = date(2025, 4, 14)
EXECUTION = date(2025, 4, 22)
PARIS = timezone(timedelta(hours=2))
DEBTOR_IBAN = "FR7630004000031234567890143"
IBAN_A = "FR7630004000017788650136543"
IBAN_B = "FR1420041010050500013M02606"
IBAN_DE = "DE89370400440532013000"
IBAN_NC = "NC4914889000011234567890115"
IBAN_BAD_KEY = "FR1930004000017788650136599"

HEADER = MessageHeader(
    message_id="REMU-2025-04-0001",
    created_at=datetime(2025, 4, 14, 10, 30, 0, tzinfo=PARIS),
    initiating_party_name="Region Exemple",
)
DEBTOR = Debtor(name="Region Exemple - Remuneration", iban=DEBTOR_IBAN, bic="BNPAFRPPXXX")
KEY = GroupingKey(DEBTOR, EXECUTION, batch_booking=True, category_purpose="SALA")

STRUCTURED = PostalAddress(
    town="Rennes",
    country="FR",
    street_name="Rue de Saint-Malo",
    building_number="12",
    post_code="35000",
)
HYBRID = PostalAddress(town="Lyon", country="FR", address_lines=("3 place Bellecour", "Bat. B"))


def transfer(index: int = 1, **changes: object) -> CreditTransfer:
    base = CreditTransfer(
        end_to_end_id=f"REMU-E2E-{index:08d}",
        amount=Decimal("723.36"),
        creditor_name="Jean Dupont",
        creditor_iban=IBAN_A,
        creditor_address=STRUCTURED,
        remittance_information="Remuneration stagiaire avril 2025 dossier D-000123",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def sample_transfers() -> list[CreditTransfer]:
    return [
        transfer(1, instruction_id="REMU-I-00000001", creditor_bic="CMCIFRPPXXX"),
        transfer(
            2,
            amount=Decimal("200.00"),
            creditor_name="Zoe L'Hermite-Muller",
            creditor_iban=IBAN_B,
            creditor_address=HYBRID,
            remittance_information="Avance remuneration formation",
        ),
        transfer(3, amount=Decimal("0.01"), creditor_iban=IBAN_DE),
    ]


def sample_message(**header_changes: object) -> CreditTransferMessage:
    """Two PmtInf: a batch-booked SALA block and a single-booked GOVT block without BIC."""
    other = GroupingKey(
        Debtor(name="Region Exemple - Aides", iban=DEBTOR_IBAN), EXECUTION, False, "GOVT"
    )
    items = [(KEY, t) for t in sample_transfers()] + [
        (other, transfer(4, amount=Decimal("999.99")))
    ]
    header = replace(HEADER, **header_changes)  # type: ignore[arg-type]
    return CreditTransferMessage(header, group_transfers(header.message_id, items))


def message_of(*transfers: CreditTransfer, key: GroupingKey = KEY) -> CreditTransferMessage:
    return CreditTransferMessage(
        HEADER, (PaymentInstruction("REMU-2025-04-0001-P001", key, transfers),)
    )
