"""SEPA credit transfer files (pain.001): model, EPC character set, streaming writer, XSD
validation and the EPC rule layer. Pure: no database, no clock (dates are arguments).
"""

from payments.sepa.charset import (
    EPC_CHARACTERS,
    is_epc_text,
    to_epc_name,
    to_epc_remittance,
    transliterate,
    truncate,
)
from payments.sepa.checked_writer import write_checked_pain001
from payments.sepa.epc_field_rules import EpcViolation, IbanChecker, RuleCode
from payments.sepa.epc_file_check import check_file
from payments.sepa.epc_model_check import check_message
from payments.sepa.model import (
    CreditTransfer,
    CreditTransferMessage,
    Debtor,
    GroupingKey,
    MessageHeader,
    Pain001Version,
    PaymentInstruction,
    PostalAddress,
    group_transfers,
)
from payments.sepa.pain001 import (
    InstructionTotals,
    SepaWriteError,
    WriteResult,
    compute_totals,
    render_pain001,
    write_pain001,
)
from payments.sepa.reference import (
    easter_sunday,
    is_sepa_country,
    is_target2_business_day,
    next_target2_business_day,
    sepa_countries,
    target2_business_day_on_or_after,
    target2_closing_days,
)
from payments.sepa.validate import XsdError, validate_pain001, validate_xsd

__all__ = [
    "EPC_CHARACTERS",
    "CreditTransfer",
    "CreditTransferMessage",
    "Debtor",
    "EpcViolation",
    "GroupingKey",
    "IbanChecker",
    "InstructionTotals",
    "MessageHeader",
    "Pain001Version",
    "PaymentInstruction",
    "PostalAddress",
    "RuleCode",
    "SepaWriteError",
    "WriteResult",
    "XsdError",
    "check_file",
    "check_message",
    "compute_totals",
    "easter_sunday",
    "group_transfers",
    "is_epc_text",
    "is_sepa_country",
    "is_target2_business_day",
    "next_target2_business_day",
    "render_pain001",
    "sepa_countries",
    "target2_business_day_on_or_after",
    "target2_closing_days",
    "to_epc_name",
    "to_epc_remittance",
    "transliterate",
    "truncate",
    "validate_pain001",
    "validate_xsd",
    "write_checked_pain001",
    "write_pain001",
]
