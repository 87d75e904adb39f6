"""Streaming pain.001 writer (``pain.001.001.09`` by default, ``pain.001.001.03`` on request).

Why streaming: a national operator may pay 100 000 trainees in one file; building the whole
tree (what ``sepaxml`` does) costs hundreds of megabytes. Here the envelope is written with
``lxml.etree.xmlfile`` and each transaction is serialised from a small per-shape template
whose leaf texts are refilled, so memory stays flat and no element is created per transfer.

Why two passes: ``NbOfTxs`` and ``CtrlSum`` come before the transactions in the file and a
wrong control sum rejects the whole file, so they are computed first (exact ``Decimal`` sums),
then the transfers are read again and written.

The output is deterministic (same message, same bytes): no clock, no random id, one element
per line, ``<?xml version="1.0" encoding="UTF-8"?>`` and no BOM. The SHA-256 of the bytes is
computed while writing, so the caller can store it with the file.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from lxml import etree

from payments.sepa.model import (
    CreditTransfer,
    CreditTransferMessage,
    Pain001Version,
    PaymentInstruction,
)

__all__ = [
    "CountedTransfers",
    "InstructionTotals",
    "SepaWriteError",
    "Writable",
    "WriteResult",
    "compute_totals",
    "format_amount",
    "render_pain001",
    "write_pain001",
]

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
NOT_PROVIDED = "NOTPROVIDED"
_CENT = Decimal("0.01")
_Shape = tuple[bool, bool, bool, bool, bool, int]


class SepaWriteError(ValueError):
    """The message cannot be written faithfully (the text is in French, for the agent)."""


@dataclass(frozen=True, slots=True)
class InstructionTotals:
    """``NbOfTxs`` and ``CtrlSum`` of one ``PmtInf``."""

    payment_information_id: str
    number_of_transactions: int
    control_sum: Decimal


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What was written: the header totals shown to the releaser and the file's SHA-256."""

    sha256: str
    size: int
    number_of_transactions: int
    control_sum: Decimal
    instructions: tuple[InstructionTotals, ...]


def format_amount(amount: Decimal) -> str:
    """Two decimals, refusing any amount that would need rounding (writers never compute)."""
    if not amount.is_finite() or amount != amount.quantize(_CENT):
        raise SepaWriteError(f"Montant {amount} non représentable avec deux décimales.")
    return f"{amount:.2f}"


@runtime_checkable
class CountedTransfers(Protocol):
    """A source of transfers that knows its count and exact sum without a pass over them (a
    database query). The written file is checked against the transfers actually written
    (``check_file`` recounts NbOfTxs and CtrlSum), so a wrong answer here cannot go unseen."""

    def __iter__(self) -> Iterator[CreditTransfer]: ...

    def totals(self) -> tuple[int, Decimal]: ...


def _instruction_totals(instruction: PaymentInstruction) -> InstructionTotals:
    transfers = instruction.transfers
    if isinstance(transfers, CountedTransfers):
        count, total = transfers.totals()
    else:
        count, total = 0, Decimal(0)
        for transfer in transfers:
            format_amount(transfer.amount)
            count += 1
            total += transfer.amount
    if count == 0:
        raise SepaWriteError(
            f"Le bloc de paiement {instruction.payment_information_id} ne contient aucun virement."
        )
    return InstructionTotals(instruction.payment_information_id, count, total)


def compute_totals(message: CreditTransferMessage) -> tuple[InstructionTotals, ...]:
    """First pass: count and exact sum per ``PmtInf`` (the group totals are their sums)."""
    if not message.instructions:
        raise SepaWriteError("Le message ne contient aucun bloc de paiement.")
    return tuple(_instruction_totals(instruction) for instruction in message.instructions)


class Writable(Protocol):
    """Where the writer's bytes go: a binary file, or any sink with a ``write`` of bytes."""

    def write(self, data: bytes, /) -> int: ...


class _HashingWriter:
    """File-like sink that hashes and counts every byte on its way to the real output."""

    def __init__(self, output: Writable) -> None:
        self._output = output
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        self._output.write(data)
        return len(data)


def _node(parent: etree._Element | None, tag: str, text: str | None = None) -> etree._Element:
    """One element on its own line; containers get a newline as text, leaves their value.

    Tags are left unqualified: they are always written inside ``Document``, which declares the
    message namespace as the default one, so no per-element ``xmlns`` is repeated.
    """
    element = etree.Element(tag) if parent is None else etree.SubElement(parent, tag)
    element.text = "\n" if text is None else text
    element.tail = "\n"
    return element


def _agent(parent: etree._Element, tag: str, bic: str | None, version: Pain001Version) -> None:
    institution = _node(_node(parent, tag), "FinInstnId")
    if bic is None:
        _node(_node(institution, "Othr"), "Id", NOT_PROVIDED)
    else:
        _node(institution, "BICFI" if version is Pain001Version.V09 else "BIC", bic)


class _TransactionTemplate:
    """A reusable ``CdtTrfTxInf`` tree for one shape of transfer (which optional parts)."""

    def __init__(self, transfer: CreditTransfer, version: Pain001Version) -> None:
        self.root = root = _node(None, "CdtTrfTxInf")
        ids = _node(root, "PmtId")
        self._instruction_id = _node(ids, "InstrId", "") if transfer.instruction_id else None
        self._end_to_end_id = _node(ids, "EndToEndId", "")
        self._amount = _node(_node(root, "Amt"), "InstdAmt", "")
        self._amount.set("Ccy", "EUR")
        self._bic: etree._Element | None = None
        if transfer.creditor_bic is not None:
            _agent(root, "CdtrAgt", "", version)
            self._bic = root[-1][0][0]
        creditor = _node(root, "Cdtr")
        self._name = _node(creditor, "Nm", "")
        self._address = self._address_nodes(_node(creditor, "PstlAdr"), transfer)
        self._iban = _node(_node(_node(root, "CdtrAcct"), "Id"), "IBAN", "")
        self._remittance = _node(_node(root, "RmtInf"), "Ustrd", "")

    @staticmethod
    def _address_nodes(parent: etree._Element, transfer: CreditTransfer) -> list[etree._Element]:
        address = transfer.creditor_address
        optional = (
            ("StrtNm", address.street_name),
            ("BldgNb", address.building_number),
            ("PstCd", address.post_code),
        )
        nodes = [_node(parent, tag, "") for tag, value in optional if value is not None]
        nodes += [_node(parent, "TwnNm", ""), _node(parent, "Ctry", "")]
        nodes += [_node(parent, "AdrLine", "") for _ in address.address_lines]
        return nodes

    def fill(self, transfer: CreditTransfer) -> etree._Element:
        if self._instruction_id is not None:
            self._instruction_id.text = transfer.instruction_id
        self._end_to_end_id.text = transfer.end_to_end_id
        self._amount.text = format_amount(transfer.amount)
        if self._bic is not None:
            self._bic.text = transfer.creditor_bic
        self._name.text = transfer.creditor_name
        address = transfer.creditor_address
        values = [address.street_name, address.building_number, address.post_code]
        texts = [v for v in values if v is not None] + [address.town, address.country]
        for node, text in zip(self._address, texts + list(address.address_lines), strict=True):
            node.text = text
        self._iban.text = transfer.creditor_iban
        self._remittance.text = transfer.remittance_information
        return self.root


def _shape(transfer: CreditTransfer) -> _Shape:
    """Which optional parts a transfer has: transfers of one shape share one template."""
    address = transfer.creditor_address
    return (
        transfer.instruction_id is not None,
        transfer.creditor_bic is not None,
        address.street_name is not None,
        address.building_number is not None,
        address.post_code is not None,
        len(address.address_lines),
    )


def _group_header(message: CreditTransferMessage, count: int, total: Decimal) -> etree._Element:
    header = _node(None, "GrpHdr")
    _node(header, "MsgId", message.header.message_id)
    _node(header, "CreDtTm", message.header.created_at.isoformat(timespec="seconds"))
    _node(header, "NbOfTxs", str(count))
    _node(header, "CtrlSum", format_amount(total))
    _node(_node(header, "InitgPty"), "Nm", message.header.initiating_party_name)
    return header


def _instruction_header(
    instruction: PaymentInstruction, totals: InstructionTotals, version: Pain001Version
) -> list[etree._Element]:
    key = instruction.key
    type_info = _node(None, "PmtTpInf")
    _node(_node(type_info, "SvcLvl"), "Cd", "SEPA")
    _node(_node(type_info, "CtgyPurp"), "Cd", key.category_purpose)
    execution = key.requested_execution_date.isoformat()
    if version is Pain001Version.V09:
        execution_date = _node(None, "ReqdExctnDt")
        _node(execution_date, "Dt", execution)
    else:
        execution_date = _node(None, "ReqdExctnDt", execution)
    debtor = _node(None, "Dbtr")
    _node(debtor, "Nm", key.debtor.name)
    account = _node(None, "DbtrAcct")
    _node(_node(account, "Id"), "IBAN", key.debtor.iban)
    holder = _node(None, "Holder")
    _agent(holder, "DbtrAgt", key.debtor.bic, version)
    return [
        _node(None, "PmtInfId", instruction.payment_information_id),
        _node(None, "PmtMtd", "TRF"),
        _node(None, "BtchBookg", "true" if key.batch_booking else "false"),
        _node(None, "NbOfTxs", str(totals.number_of_transactions)),
        _node(None, "CtrlSum", format_amount(totals.control_sum)),
        type_info,
        execution_date,
        debtor,
        account,
        holder[0],
        _node(None, "ChrgBr", "SLEV"),
    ]


def _write_transactions(
    xf: etree._IncrementalFileWriter,
    transfers: Iterable[CreditTransfer],
    version: Pain001Version,
    templates: dict[_Shape, _TransactionTemplate],
) -> None:
    for transfer in transfers:
        shape = _shape(transfer)
        template = templates.get(shape)
        if template is None:
            template = templates[shape] = _TransactionTemplate(transfer, version)
        xf.write(template.fill(transfer))


def write_pain001(
    message: CreditTransferMessage,
    output: Writable,
    *,
    version: Pain001Version = Pain001Version.V09,
) -> WriteResult:
    """Write ``message`` to the binary stream ``output``; return its totals and SHA-256."""
    totals = compute_totals(message)
    count = sum(t.number_of_transactions for t in totals)
    total = sum((t.control_sum for t in totals), Decimal(0))
    sink = _HashingWriter(output)
    sink.write(XML_DECLARATION)
    templates: dict[_Shape, _TransactionTemplate] = {}
    root = f"{{{version.namespace}}}Document"
    with (
        etree.xmlfile(sink, encoding="utf-8") as xf,
        xf.element(root, nsmap={None: version.namespace}),
    ):
        xf.write("\n")
        with xf.element("CstmrCdtTrfInitn"):
            xf.write("\n")
            xf.write(_group_header(message, count, total))
            for instruction, instruction_totals in zip(message.instructions, totals, strict=True):
                with xf.element("PmtInf"):
                    xf.write("\n")
                    for element in _instruction_header(instruction, instruction_totals, version):
                        xf.write(element)
                    _write_transactions(xf, instruction.transfers, version, templates)
                xf.write("\n")
        xf.write("\n")
    sink.write(b"\n")
    return WriteResult(sink.digest.hexdigest(), sink.size, count, total, totals)


def render_pain001(
    message: CreditTransferMessage, *, version: Pain001Version = Pain001Version.V09
) -> tuple[bytes, WriteResult]:
    """The whole file in memory, for small messages (tests, previews)."""
    buffer = io.BytesIO()
    result = write_pain001(message, buffer, version=version)
    return buffer.getvalue(), result
