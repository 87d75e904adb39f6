"""camt.054 (debit/credit notification): transfers returned after settlement.

A returned SEPA credit transfer comes back as a credit entry on the paying account, whose
transaction details carry the original EndToEndId (``NtryDtls/TxDtls/Refs/EndToEndId``) and
the return reason (``RtrInf/Rsn/Cd``). Entries without return information (ordinary credits
and debits) are ignored.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from payments.returns.loading import load_bank_message
from payments.returns.model import BankReturn

__all__ = ["SUPPORTED_CAMT054", "parse_camt054"]

SUPPORTED_CAMT054 = frozenset({"camt.054.001.02", "camt.054.001.08"})
_AMOUNT_PATHS = (
    "p:Amt",
    "p:AmtDtls/p:TxAmt/p:Amt",
    "p:AmtDtls/p:InstdAmt/p:Amt",
)


def _text(element: etree._Element, path: str, ns: dict[str, str]) -> str | None:
    found = element.findtext(path, namespaces=ns)
    return found.strip() if found is not None else None


def _amount(tx: etree._Element, entry: etree._Element, ns: dict[str, str]) -> Decimal | None:
    """The transaction amount; the entry amount when the entry holds this one transaction."""
    for path in _AMOUNT_PATHS:
        value = _text(tx, path, ns)
        if value is not None:
            return Decimal(value)
    if len(entry.findall("p:NtryDtls/p:TxDtls", ns)) == 1:
        value = _text(entry, "p:Amt", ns)
        return Decimal(value) if value is not None else None
    return None


def _booking_date(entry: etree._Element, ns: dict[str, str]) -> date | None:
    value = _text(entry, "p:BookgDt/p:Dt", ns) or _text(entry, "p:BookgDt/p:DtTm", ns)
    return date.fromisoformat(value[:10]) if value else None


def _returns_of(
    entry: etree._Element, ns: dict[str, str], message_id: str | None
) -> list[BankReturn]:
    found = []
    for tx in entry.iterfind("p:NtryDtls/p:TxDtls", ns):
        info = tx.find("p:RtrInf", ns)
        if info is None:
            continue
        code = _text(info, "p:Rsn/p:Cd", ns) or _text(info, "p:Rsn/p:Prtry", ns)
        extra = " ".join(t.text.strip() for t in info.findall("p:AddtlInf", ns) if t.text) or None
        found.append(
            BankReturn(
                kind="return",
                scope="transaction",
                original_end_to_end_id=_text(tx, "p:Refs/p:EndToEndId", ns),
                amount=_amount(tx, entry, ns),
                reason_code=code,
                original_message_id=None,
                original_payment_information_id=_text(tx, "p:Refs/p:PmtInfId", ns),
                additional_information=extra,
                report_message_id=message_id,
                booking_date=_booking_date(entry, ns),
            )
        )
    return found


def parse_camt054(data: bytes) -> list[BankReturn]:
    """The returned transfers notified by a camt.054 file, validated against its XSD first."""
    message = load_bank_message(data, accepted=SUPPORTED_CAMT054)
    ns = {"p": message.namespace}
    notification = message.root.find("p:BkToCstmrDbtCdtNtfctn", ns)
    assert notification is not None  # guaranteed by the XSD
    message_id = _text(notification, "p:GrpHdr/p:MsgId", ns)
    found: list[BankReturn] = []
    for entry in notification.iterfind("p:Ntfctn/p:Ntry", ns):
        if _text(entry, "p:CdtDbtInd", ns) == "CRDT":
            found += _returns_of(entry, ns, message_id)
    return found
