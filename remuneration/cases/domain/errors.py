"""Errors of the case-queue domain.

Each error carries a stable ``code`` (so ``api/errors.py`` can map it to an HTTP status in one
table) and a French ``message``, because the text is shown as is to the relation-usagers agents.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "CalendarError",
    "CaseConfigurationError",
    "CaseDomainError",
    "IllegalTransitionError",
    "InvalidCaseReferenceError",
    "InvalidCauseKeyError",
    "InvalidMergeError",
    "MacroError",
    "ResolutionReasonError",
    "TeamError",
    "WrittenAnswerRequiredError",
]


class CaseDomainError(Exception):
    """Base class: a business rule of the case queue refused something."""

    code: ClassVar[str] = "case_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IllegalTransitionError(CaseDomainError):
    """A status change that the transition table does not allow."""

    code = "case_illegal_transition"


class ResolutionReasonError(CaseDomainError):
    """A resolution reason is missing (resolving) or given where it has no meaning."""

    code = "case_resolution_reason"


class InvalidMergeError(CaseDomainError):
    """A merge that would lose information (into itself, into a closed or merged case)."""

    code = "case_invalid_merge"


class WrittenAnswerRequiredError(CaseDomainError):
    """A complaint cannot be resolved before a written answer was sent to the trainee."""

    code = "case_written_answer_required"


class InvalidCaseReferenceError(CaseDomainError):
    """A text that is not a case reference such as ``C-2024-004217``."""

    code = "case_invalid_reference"


class InvalidCauseKeyError(CaseDomainError):
    """A text that is not a cause key such as ``payment_returned:payment:123``."""

    code = "case_invalid_cause_key"


class CalendarError(CaseDomainError):
    """Business-time arithmetic given an impossible input (naive instant, negative duration)."""

    code = "case_calendar_error"


class MacroError(CaseDomainError):
    """A macro that cannot be applied (missing template data, unknown macro)."""

    code = "case_macro_error"


class TeamError(CaseDomainError):
    """An inconsistent team roster given to the round-robin assignment."""

    code = "case_team_error"


class CaseConfigurationError(CaseDomainError):
    """A configuration file of the case queue is invalid (dates, sources, values)."""

    code = "case_configuration_error"
