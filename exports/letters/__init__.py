"""Letters to trainees: versioned templates, pure context builders, a reportlab renderer.

Usage: load the templates and the service contact once (``load_templates()``,
``load_service_contact()``), build a context from business data (``build_decision_letter``,
``build_payment_notice``, ``build_overpayment_notice``: pure, no I/O), then ``render_letter``
gives the PDF bytes. A context holding a full NIR or IBAN cannot be built (``PersonalDataLeak``).
"""

from exports.letters.context import LetterContext, LetterKind, Recipient, ServiceContact
from exports.letters.decision import build_decision_letter
from exports.letters.guard import PersonalDataLeak, find_full_identifiers
from exports.letters.inputs import (
    NoticeLine,
    OverpaymentNotice,
    PaymentNotice,
    RecoveryMethod,
    ResultError,
    TrainingInfo,
)
from exports.letters.notices import build_overpayment_notice, build_payment_notice
from exports.letters.render import render_letter
from exports.letters.templates import (
    LetterTemplates,
    TemplateError,
    load_service_contact,
    load_templates,
)

__all__ = [
    "LetterContext",
    "LetterKind",
    "LetterTemplates",
    "NoticeLine",
    "OverpaymentNotice",
    "PaymentNotice",
    "PersonalDataLeak",
    "Recipient",
    "RecoveryMethod",
    "ResultError",
    "ServiceContact",
    "TemplateError",
    "TrainingInfo",
    "build_decision_letter",
    "build_overpayment_notice",
    "build_payment_notice",
    "find_full_identifiers",
    "load_service_contact",
    "load_templates",
    "render_letter",
]
