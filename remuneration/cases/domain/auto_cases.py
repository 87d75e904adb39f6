"""Cases remu opens itself, and their de-duplication by cause.

A cause is what the case is about, written ``category:object_type:object_id``
(``payment_returned:payment:123``). While a case opened for a cause is active, the same cause
happening again adds an event to that case instead of opening another one: a supervisor wants
one case per problem, not one per nightly run of the job that detects it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .business_calendar import BusinessCalendar
from .errors import CaseConfigurationError, InvalidCauseKeyError
from .vocabulary import ACTIVE_STATUSES, CaseId, CaseStatus, Category, Priority

__all__ = [
    "AddEventToCase",
    "AutoCaseRule",
    "AutoCaseTrigger",
    "CauseKey",
    "Contact",
    "ExistingAutoCase",
    "OpenNewCase",
    "decide_auto_case",
    "iban_change_needs_case",
    "trigger_day",
]

_PART = re.compile(r"[A-Za-z0-9_.\-/]+")
_CATEGORY_VALUES = frozenset(category.value for category in Category)


class AutoCaseTrigger(StrEnum):
    """The events of docs/cases.md that open a case."""

    DOSSIER_INCOMPLETE = "dossier_incomplete"
    PAYMENT_RETURNED = "payment_returned"
    OVERPAYMENT_NOT_OFFSET = "overpayment_not_offset"
    ATTENDANCE_STATEMENT_MISSING = "attendance_statement_missing"
    IBAN_CHANGED_BEFORE_PAYMENT = "iban_changed_before_payment"


class Contact(StrEnum):
    """Whom the agent contacts for the case."""

    TRAINEE = "trainee"
    TRAINING_ORGANISATION = "training_organisation"


@dataclass(frozen=True)
class AutoCaseRule:
    """One row of the automatic-case table (auto_cases.yaml)."""

    trigger: AutoCaseTrigger
    category: Category
    priority: Priority
    contact: Contact
    linked_object: str
    delay_business_days: int | None = None
    window_calendar_days: int | None = None

    def __post_init__(self) -> None:
        if not _PART.fullmatch(self.linked_object):
            raise CaseConfigurationError(f"Type d'objet invalide : « {self.linked_object} ».")
        for value in (self.delay_business_days, self.window_calendar_days):
            if value is not None and value < 0:
                raise CaseConfigurationError("Un délai de dossier automatique est négatif.")


@dataclass(frozen=True)
class CauseKey:
    """Why an automatic case exists: a category and the object it is about."""

    category: Category
    object_type: str
    object_id: str

    def __post_init__(self) -> None:
        for part in (self.object_type, self.object_id):
            if not _PART.fullmatch(part):
                raise InvalidCauseKeyError(
                    f"« {part} » ne peut pas figurer dans une clé de cause "
                    "(lettres, chiffres, « _ », « - », « . » et « / » seulement)."
                )

    def __str__(self) -> str:
        return f"{self.category.value}:{self.object_type}:{self.object_id}"

    @classmethod
    def for_rule(cls, rule: AutoCaseRule, object_id: str | int | uuid.UUID) -> CauseKey:
        """The cause key of ``rule`` for one object, e.g. the payment 123."""
        return cls(category=rule.category, object_type=rule.linked_object, object_id=str(object_id))

    @classmethod
    def parse(cls, text: str) -> CauseKey:
        """Read a stored cause key."""
        parts = text.split(":")
        if len(parts) != 3 or parts[0] not in _CATEGORY_VALUES:
            raise InvalidCauseKeyError(
                f"« {text} » n'est pas une clé de cause (motif:type_objet:identifiant)."
            )
        return cls(category=Category(parts[0]), object_type=parts[1], object_id=parts[2])


@dataclass(frozen=True)
class ExistingAutoCase:
    """An automatic case already stored, with its cause and status."""

    case_id: CaseId
    cause: CauseKey
    status: CaseStatus


@dataclass(frozen=True)
class OpenNewCase:
    """Decision: open a case for this cause."""

    cause: CauseKey
    category: Category
    priority: Priority
    contact: Contact


@dataclass(frozen=True)
class AddEventToCase:
    """Decision: the cause already has an active case; record the new occurrence on it."""

    case_id: CaseId
    cause: CauseKey


def decide_auto_case(
    rule: AutoCaseRule, *, object_id: str | int | uuid.UUID, existing: Iterable[ExistingAutoCase]
) -> OpenNewCase | AddEventToCase:
    """Open a case for the cause, or add an event to its active case.

    The database keeps at most one active case per cause (a partial unique index); should
    several be given, the smallest id is chosen so that the answer does not depend on order.
    """
    cause = CauseKey.for_rule(rule, object_id)
    active = sorted(
        case.case_id for case in existing if case.cause == cause and case.status in ACTIVE_STATUSES
    )
    if active:
        return AddEventToCase(case_id=active[0], cause=cause)
    return OpenNewCase(
        cause=cause, category=rule.category, priority=rule.priority, contact=rule.contact
    )


def trigger_day(rule: AutoCaseRule, *, reference_day: date, calendar: BusinessCalendar) -> date:
    """The day from which the case is due: ``reference_day`` plus the rule's business days.

    For an incomplete dossier the reference day is the training start; for a missing
    attendance statement it is the last day of the month (``rules.Month.last_day``).
    """
    return calendar.add_business_days(reference_day, rule.delay_business_days or 0)


def iban_change_needs_case(rule: AutoCaseRule, *, changed_on: date, payment_on: date) -> bool:
    """True when a payment follows an IBAN change within the rule's window (fraud check)."""
    if rule.window_calendar_days is None:
        raise CaseConfigurationError(
            f"La règle « {rule.trigger.value} » n'a pas de fenêtre en jours calendaires."
        )
    elapsed = payment_on - changed_on
    return timedelta(0) <= elapsed <= timedelta(days=rule.window_calendar_days)
