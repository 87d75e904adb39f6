"""Incoming bank files: pain.002 rejects and camt.054 returns, parsed safely.

Public API: ``parse_pain002``, ``parse_camt054`` (both validate against the official XSD
first), ``BankReturn``, ``BankFileError`` and the reason-code table (``reason_code``).
"""

from payments.returns.camt054 import SUPPORTED_CAMT054, parse_camt054
from payments.returns.loading import BankFileError
from payments.returns.model import BankReturn, ReturnKind, ReturnScope
from payments.returns.pain002 import SUPPORTED_PAIN002, parse_pain002
from payments.returns.reasons import ReasonCode, reason_code, reason_codes

__all__ = [
    "SUPPORTED_CAMT054",
    "SUPPORTED_PAIN002",
    "BankFileError",
    "BankReturn",
    "ReasonCode",
    "ReturnKind",
    "ReturnScope",
    "parse_camt054",
    "parse_pain002",
    "reason_code",
    "reason_codes",
]
