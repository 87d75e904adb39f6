"""pain.002 (customer payment status report): rejects before settlement.

The bank may reject the whole file (``GrpSts=RJCT``), one payment block (``PmtInfSts=RJCT``)
or single transactions (``TxSts=RJCT``), each with a reason in ``StsRsnInf/Rsn/Cd``. Only
rejects are returned; accepted statuses (ACCP, ACSC, ...) need no action.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from payments.returns.loading import load_bank_message
from payments.returns.model import BankReturn

__all__ = ["SUPPORTED_PAIN002", "parse_pain002"]

SUPPORTED_PAIN002 = frozenset({"pain.002.001.03", "pain.002.001.10"})
_REJECTED = "RJCT"


class _Reader:
    """Namespace-aware lookups on one message."""

    def __init__(self, namespace: str) -> None:
        self.ns = {"p": namespace}

    def text(self, element: etree._Element, path: str) -> str | None:
        found = element.findtext(path, namespaces=self.ns)
        return found.strip() if found is not None else None

    def reason(self, element: etree._Element) -> tuple[str | None, str | None]:
        """First reason code (or proprietary reason) and the additional information."""
        info = element.find("p:StsRsnInf", self.ns)
        if info is None:
            return None, None
        code = self.text(info, "p:Rsn/p:Cd") or self.text(info, "p:Rsn/p:Prtry")
        details = [t.text.strip() for t in info.findall("p:AddtlInf", self.ns) if t.text]
        extra = " ".join(details) or None
        return code, extra


def _transaction(reader: _Reader, tx: etree._Element, group: dict[str, str | None]) -> BankReturn:
    code, extra = reader.reason(tx)
    amount = reader.text(tx, "p:OrgnlTxRef/p:Amt/p:InstdAmt")
    return BankReturn(
        kind="reject",
        scope="transaction",
        original_end_to_end_id=reader.text(tx, "p:OrgnlEndToEndId"),
        amount=Decimal(amount) if amount is not None else None,
        reason_code=code,
        original_message_id=group["original_message_id"],
        original_payment_information_id=group["pmtinf_id"],
        additional_information=extra,
        report_message_id=group["report_message_id"],
    )


def _block_rejects(
    reader: _Reader, block: etree._Element, group: dict[str, str | None]
) -> list[BankReturn]:
    group = {**group, "pmtinf_id": reader.text(block, "p:OrgnlPmtInfId")}
    found: list[BankReturn] = []
    if reader.text(block, "p:PmtInfSts") == _REJECTED:
        code, extra = reader.reason(block)
        found.append(
            BankReturn(
                "reject",
                "payment_information",
                None,
                None,
                code,
                group["original_message_id"],
                group["pmtinf_id"],
                extra,
                group["report_message_id"],
            )
        )
    for tx in block.iterfind("p:TxInfAndSts", reader.ns):
        if reader.text(tx, "p:TxSts") == _REJECTED:
            found.append(_transaction(reader, tx, group))
    return found


def parse_pain002(data: bytes) -> list[BankReturn]:
    """The rejects reported by a pain.002 file, validated against its XSD first."""
    message = load_bank_message(data, accepted=SUPPORTED_PAIN002)
    reader = _Reader(message.namespace)
    report = message.root.find("p:CstmrPmtStsRpt", reader.ns)
    assert report is not None  # guaranteed by the XSD
    original = report.find("p:OrgnlGrpInfAndSts", reader.ns)
    assert original is not None
    group: dict[str, str | None] = {
        "report_message_id": reader.text(report, "p:GrpHdr/p:MsgId"),
        "original_message_id": reader.text(original, "p:OrgnlMsgId"),
        "pmtinf_id": None,
    }
    found: list[BankReturn] = []
    if reader.text(original, "p:GrpSts") == _REJECTED:
        code, extra = reader.reason(original)
        found.append(
            BankReturn(
                "reject",
                "file",
                None,
                None,
                code,
                group["original_message_id"],
                None,
                extra,
                group["report_message_id"],
            )
        )
    for block in report.iterfind("p:OrgnlPmtInfAndSts", reader.ns):
        found += _block_rejects(reader, block, group)
    return found
