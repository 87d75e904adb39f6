"""Business errors of the queue's services, as the project's domain errors.

The pure domain raises ``CaseDomainError`` values (French message, stable code); the services
translate them into subclasses of ``remuneration.domain.errors`` so that ``api/errors.py`` maps
them to HTTP statuses through its one table (a refused move is a conflict, a missing reason is
invalid input) while the stable code of the domain stays visible to clients.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from remuneration.cases.domain import (
    CaseDomainError,
    IllegalTransitionError,
    InvalidCaseReferenceError,
    InvalidCauseKeyError,
    InvalidMergeError,
    MacroError,
    ResolutionReasonError,
    TeamError,
    WrittenAnswerRequiredError,
)
from remuneration.domain.errors import (
    ConcurrentUpdate,
    DomainError,
    IllegalTransition,
    InvalidFacts,
    NotFound,
)

__all__ = [
    "CaseAlreadyClaimed",
    "CaseIllegalTransition",
    "CaseInvalidInput",
    "CaseInvalidMerge",
    "CaseMacroRefused",
    "CaseNotFound",
    "CaseResolutionReasonMissing",
    "CaseWrittenAnswerRequired",
    "translated_domain_errors",
]


class CaseNotFound(NotFound):
    """No such case (or a reference that designates none)."""

    code: ClassVar[str] = "case_not_found"


class CaseIllegalTransition(IllegalTransition):
    """The transition table refuses the move."""

    code: ClassVar[str] = "case_illegal_transition"


class CaseInvalidMerge(IllegalTransition):
    """A merge that would lose the request or its history."""

    code: ClassVar[str] = "case_invalid_merge"


class CaseWrittenAnswerRequired(IllegalTransition):
    """A complaint must be answered in writing before it is resolved."""

    code: ClassVar[str] = "case_written_answer_required"


class CaseAlreadyClaimed(ConcurrentUpdate):
    """Another agent owns the case (claims are first come, first served)."""

    code: ClassVar[str] = "case_already_claimed"


class CaseResolutionReasonMissing(InvalidFacts):
    """A resolution reason is missing, or given where it has no meaning."""

    code: ClassVar[str] = "case_resolution_reason"


class CaseMacroRefused(InvalidFacts):
    """A macro that cannot be applied (unknown, or data missing for its texts)."""

    code: ClassVar[str] = "case_macro_error"


class CaseInvalidInput(InvalidFacts):
    """Links or values that do not fit together (a dossier of another trainee, a bad key...)."""

    code: ClassVar[str] = "case_invalid_input"


_TRANSLATION: tuple[tuple[type[CaseDomainError], type[DomainError], str | None], ...] = (
    (IllegalTransitionError, CaseIllegalTransition, "status"),
    (ResolutionReasonError, CaseResolutionReasonMissing, "reason"),
    (InvalidMergeError, CaseInvalidMerge, "into"),
    (WrittenAnswerRequiredError, CaseWrittenAnswerRequired, "status"),
    (MacroError, CaseMacroRefused, "values"),
    (InvalidCaseReferenceError, CaseInvalidInput, "reference"),
    (InvalidCauseKeyError, CaseInvalidInput, "cause_key"),
    (TeamError, CaseInvalidInput, "team"),
)


@contextmanager
def translated_domain_errors() -> Iterator[None]:
    """Re-raise an error of the pure domain as the matching service error (same message)."""
    try:
        yield
    except CaseDomainError as error:
        for source, target, field in _TRANSLATION:
            if isinstance(error, source):
                raise target(error.message, field=field) from error
        raise
