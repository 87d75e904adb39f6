"""Errors of the case-queue domain.

Each error is one of the project's domain errors (``remuneration.domain.errors``): a stable
``code``, a French ``message`` shown as is to the relation-usagers agents, the field concerned,
and a category (illegal transition, invalid facts) from which the problem catalogue
(``remuneration.problems``) gives every door its answer. There is no second hierarchy to
translate into.
"""

from __future__ import annotations

from typing import ClassVar

from remuneration.domain.errors import DomainError, IllegalTransition, InvalidFacts

__all__ = [
    "CalendarError",
    "CaseConfigurationError",
    "CaseDomainError",
    "IllegalTransitionError",
    "InvalidCaseInputError",
    "InvalidCaseReferenceError",
    "InvalidCauseKeyError",
    "InvalidMergeError",
    "MacroError",
    "ResolutionReasonError",
    "TeamError",
    "WrittenAnswerRequiredError",
]


class CaseDomainError(DomainError):
    """Base class: a business rule of the case queue refused something."""

    code: ClassVar[str] = "case_error"
    default_field: ClassVar[str | None] = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field or self.default_field)


class IllegalTransitionError(CaseDomainError, IllegalTransition):
    """A status change that the transition table does not allow."""

    code = "case_illegal_transition"
    default_field = "status"


class ResolutionReasonError(CaseDomainError, InvalidFacts):
    """A resolution reason is missing (resolving) or given where it has no meaning."""

    code = "case_resolution_reason"
    default_field = "reason"


class InvalidMergeError(CaseDomainError, IllegalTransition):
    """A merge that would lose information (into itself, into a closed or merged case)."""

    code = "case_invalid_merge"
    default_field = "into"


class WrittenAnswerRequiredError(CaseDomainError, IllegalTransition):
    """A complaint cannot be resolved before a written answer was sent to the trainee."""

    code = "case_written_answer_required"
    default_field = "status"


class InvalidCaseInputError(CaseDomainError, InvalidFacts):
    """Links or values of the queue that do not fit together (a dossier of another trainee, an
    unknown team, a bad reference or key)."""

    code = "case_invalid_input"


class InvalidCaseReferenceError(InvalidCaseInputError):
    """A text that is not a case reference such as ``C-2024-004217``."""

    code = "case_invalid_reference"
    default_field = "reference"


class InvalidCauseKeyError(InvalidCaseInputError):
    """A text that is not a cause key such as ``payment_returned:payment:123``."""

    code = "case_invalid_cause_key"
    default_field = "cause_key"


class CalendarError(CaseDomainError, InvalidFacts):
    """Business-time arithmetic given an impossible input (naive instant, negative duration)."""

    code = "case_calendar_error"


class MacroError(CaseDomainError, InvalidFacts):
    """A macro that cannot be applied (missing template data, unknown macro)."""

    code = "case_macro_error"
    default_field = "values"


class TeamError(InvalidCaseInputError):
    """An inconsistent team roster given to the round-robin assignment."""

    code = "case_team_error"
    default_field = "team"


class CaseConfigurationError(CaseDomainError, InvalidFacts):
    """A configuration file of the case queue is invalid (dates, sources, values)."""

    code = "case_configuration_error"
