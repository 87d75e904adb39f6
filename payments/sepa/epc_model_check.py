"""The EPC rule layer on the model, before a file is written.

The file check (``epc_file_check.check_file``) runs the same rules on the written bytes; this one
runs them on the input so that a payment run can refuse a batch, with the offending
transaction named, before anything is written or released. ``used_end_to_end_ids`` and
``used_message_ids`` let the caller bring in what the database already holds: an EndToEndId
must be unique across all payments ever, since it is the only key a bank echoes back.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from datetime import date

from payments.sepa.charset import first_invalid_character
from payments.sepa.epc_field_rules import (
    GROUPING_MESSAGE,
    EpcViolation,
    IbanChecker,
    Problem,
    RuleCode,
    address_problems,
    amount_problems,
    category_purpose_problems,
    execution_date_problems,
    identifier_problems,
    name_problems,
    remittance_problems,
    text_problems,
)
from payments.sepa.model import (
    CreditTransfer,
    CreditTransferMessage,
    MessageHeader,
    PaymentInstruction,
)

__all__ = [
    "EndToEndRegistry",
    "check_message",
    "message_violations",
    "transfer_problems",
]

_NONE: frozenset[str] = frozenset()


def _tag(problems: list[Problem], path: str, e2e: str | None = None) -> Iterator[EpcViolation]:
    for code, message in problems:
        yield EpcViolation(code, message, path, e2e)


def _header_violations(
    header: MessageHeader, used_message_ids: Container[str]
) -> Iterator[EpcViolation]:
    yield from _tag(identifier_problems(header.message_id, "MsgId"), "GrpHdr/MsgId")
    if header.message_id in used_message_ids:
        yield EpcViolation(
            RuleCode.MSGID_ALREADY_USED,
            f"L'identifiant de message {header.message_id} a déjà été utilisé pour ce payeur.",
            "GrpHdr/MsgId",
        )
    yield from _tag(
        name_problems(header.initiating_party_name, "InitgPty/Nm"), "GrpHdr/InitgPty/Nm"
    )


def _instruction_violations(
    instruction: PaymentInstruction, path: str, today: date, ibans: IbanChecker
) -> Iterator[EpcViolation]:
    key = instruction.key
    yield from _tag(
        identifier_problems(instruction.payment_information_id, "PmtInfId"), f"{path}/PmtInfId"
    )
    yield from _tag(category_purpose_problems(key.category_purpose), f"{path}/PmtTpInf/CtgyPurp/Cd")
    yield from _tag(
        execution_date_problems(key.requested_execution_date, today), f"{path}/ReqdExctnDt"
    )
    yield from _tag(name_problems(key.debtor.name, "Dbtr/Nm"), f"{path}/Dbtr/Nm")
    yield from _tag(ibans.problems(key.debtor.iban, "DbtrAcct"), f"{path}/DbtrAcct/Id/IBAN")
    if key.debtor.bic is not None:
        yield from _tag(text_problems(key.debtor.bic, "DbtrAgt"), f"{path}/DbtrAgt")


def _at(found: list[tuple[str, Problem]], path: str, problems: list[Problem]) -> None:
    found += [(path, problem) for problem in problems]


def transfer_problems(transfer: CreditTransfer, ibans: IbanChecker) -> list[tuple[str, Problem]]:
    """Every EPC rule of one transfer, with the relative path of what breaks it.

    Run once per transfer written (100 000 in a national run), hence its shape: a rule's
    problems are tagged only when there are some, and the character set is judged once on all
    the texts together (the common case: nothing outside the set), field by field only when
    something is."""
    found: list[tuple[str, Problem]] = []
    if problems := identifier_problems(transfer.end_to_end_id, "EndToEndId"):
        _at(found, "PmtId/EndToEndId", problems)
    instruction_id = transfer.instruction_id
    if instruction_id is not None and (problems := identifier_problems(instruction_id, "InstrId")):
        _at(found, "PmtId/InstrId", problems)
    if problems := amount_problems(transfer.amount):
        _at(found, "Amt/InstdAmt", problems)
    name = transfer.creditor_name
    if problems := name_problems(name, "Cdtr/Nm", charset=False):
        _at(found, "Cdtr/Nm", problems)
    address = transfer.creditor_address
    lines = list(address.address_lines)
    if problems := address_problems(address.town, address.country, lines):
        _at(found, "Cdtr/PstlAdr", problems)
    if problems := ibans.problems(transfer.creditor_iban, "CdtrAcct"):
        _at(found, "CdtrAcct/Id/IBAN", problems)
    remittance = transfer.remittance_information
    if problems := remittance_problems(remittance, charset=False):
        _at(found, "RmtInf/Ustrd", problems)
    parts = [address.street_name, address.building_number, address.post_code, address.town]
    parts += lines
    bic = transfer.creditor_bic or ""
    if first_invalid_character(" ".join([name, remittance, bic, *(p or "" for p in parts)])):
        _at(found, "Cdtr/Nm", text_problems(name, "Cdtr/Nm"))
        for part in parts:
            _at(found, "Cdtr/PstlAdr", text_problems(part or "", "PstlAdr"))
        _at(found, "CdtrAgt", text_problems(bic, "CdtrAgt"))
        _at(found, "RmtInf/Ustrd", text_problems(remittance, "Ustrd"))
    return found


class EndToEndRegistry:
    """EndToEndIds seen in this message, checked against those already used before."""

    def __init__(self, used: Container[str]) -> None:
        self._used = used
        self._seen: set[str] = set()

    def violations(self, e2e: str, path: str) -> Iterator[EpcViolation]:
        where = f"{path}/PmtId/EndToEndId"
        if e2e in self._seen:
            message = f"L'EndToEndId {e2e} apparaît plusieurs fois dans le fichier."
            yield EpcViolation(RuleCode.ENDTOENDID_DUPLICATE, message, where, e2e)
        elif e2e in self._used:
            message = f"L'EndToEndId {e2e} a déjà été utilisé par un paiement antérieur."
            yield EpcViolation(RuleCode.ENDTOENDID_ALREADY_USED, message, where, e2e)
        self._seen.add(e2e)


def _grouping_violations(message: CreditTransferMessage) -> Iterator[EpcViolation]:
    keys: set[tuple[str, date, bool, str]] = set()
    ids: set[str] = set()
    for index, instruction in enumerate(message.instructions, start=1):
        key = instruction.key
        account = (
            key.debtor.iban,
            key.requested_execution_date,
            key.batch_booking,
            key.category_purpose,
        )
        path = f"PmtInf[{index}]"
        if account in keys:
            yield EpcViolation(
                RuleCode.PMTINF_GROUPING,
                GROUPING_MESSAGE,
                path,
            )
        if instruction.payment_information_id in ids:
            yield EpcViolation(
                RuleCode.PMTINFID_DUPLICATE,
                f"L'identifiant PmtInfId {instruction.payment_information_id} est en double.",
                f"{path}/PmtInfId",
            )
        keys.add(account)
        ids.add(instruction.payment_information_id)


def message_violations(
    message: CreditTransferMessage,
    today: date,
    used_message_ids: Container[str],
    ibans: IbanChecker,
) -> list[EpcViolation]:
    """The rules of the group header and of every ``PmtInf`` header (not their transfers)."""
    violations = list(_header_violations(message.header, used_message_ids))
    violations += _grouping_violations(message)
    for p_index, instruction in enumerate(message.instructions, start=1):
        violations += _instruction_violations(instruction, f"PmtInf[{p_index}]", today, ibans)
    return violations


def check_message(
    message: CreditTransferMessage,
    *,
    today: date,
    used_end_to_end_ids: Container[str] = _NONE,
    used_message_ids: Container[str] = _NONE,
    iban_checker: IbanChecker | None = None,
) -> list[EpcViolation]:
    """Every EPC rule that can be judged on the model (empty list: the message may be written).

    Totals, payment method, service level and charge bearer are fixed by the writer and are
    judged on the file by ``check_file``.
    """
    ibans = iban_checker or IbanChecker(on=today)
    violations = message_violations(message, today, used_message_ids, ibans)
    registry = EndToEndRegistry(used_end_to_end_ids)
    for p_index, instruction in enumerate(message.instructions, start=1):
        path = f"PmtInf[{p_index}]"
        for t_index, transfer in enumerate(instruction.transfers, start=1):
            tx_path = f"{path}/CdtTrfTxInf[{t_index}]"
            e2e = transfer.end_to_end_id
            violations += registry.violations(e2e, tx_path)
            violations += (
                EpcViolation(code, text, f"{tx_path}/{where}", e2e)
                for where, (code, text) in transfer_problems(transfer, ibans)
            )
    return violations
