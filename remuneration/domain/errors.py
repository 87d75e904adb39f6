"""Domain errors: they speak business (a French message, a stable code, the field concerned).

`remuneration/problems.py` maps each class to a problem (status, title, exit) in one table;
nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

__all__ = [
    "AlreadyExists",
    "AttendanceAlreadyPaid",
    "ConcurrentUpdate",
    "DocumentRejected",
    "DocumentTooLarge",
    "DomainError",
    "DuplicatePerson",
    "FieldProblem",
    "Forbidden",
    "IllegalTransition",
    "InvalidFacts",
    "NotAllowed",
    "NotFound",
    "PreconditionRequired",
    "StaleVersion",
    "Unauthenticated",
]


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One problem with one input field: the JSON path, a stable code and a French message."""

    path: str
    code: str
    message: str


class DomainError(Exception):
    """Base of every business error; `code` is stable and documented, `message` is French."""

    code: ClassVar[str] = "domain_error"

    def __init__(
        self, message: str, *, field: str | None = None, problems: Sequence[FieldProblem] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems: tuple[FieldProblem, ...] = tuple(problems)

    def extensions(self) -> dict[str, object]:
        """Members a problem answer carries besides the catalogue's (none by default)."""
        return {}


class NotFound(DomainError):
    """The object does not exist, or lies outside the caller's perimeter (one answer for both)."""

    code = "not_found"


class AlreadyExists(DomainError):
    """A second object with the same natural key (SIRET, trainee in training, user name)."""

    code = "already_exists"


class DuplicatePerson(AlreadyExists):
    """The person already has a record: ``existing`` lists the ids of the records found."""

    code = "duplicate_person"

    def __init__(self, message: str, *, existing: Sequence[str]) -> None:
        super().__init__(message)
        self.existing: tuple[str, ...] = tuple(existing)

    def extensions(self) -> dict[str, object]:
        """The records found, each with its link, so that the agent can open the existing one."""
        return {"existing": [{"id": i, "href": f"/v1/trainees/{i}"} for i in self.existing]}


class IllegalTransition(DomainError):
    """The dossier's current state does not allow this step."""

    code = "illegal_transition"


class InvalidFacts(DomainError):
    """The facts given are inconsistent or invalid; `problems` names every field concerned."""

    code = "invalid_facts"


class AttendanceAlreadyPaid(DomainError):
    """A month already paid can no longer be corrected through the statement."""

    code = "attendance_already_paid"


class StaleVersion(DomainError):
    """The caller worked on an older version of the object (optimistic concurrency)."""

    code = "stale_version"


class ConcurrentUpdate(DomainError):
    """Another request changed the same object at the same moment; the caller may retry."""

    code = "concurrent_update"


class DocumentRejected(DomainError):
    """An uploaded file is not an accepted type (PDF, JPEG, PNG checked by content)."""

    code = "document_type_refused"


class DocumentTooLarge(DomainError):
    """An uploaded file exceeds the configured size limit."""

    code = "document_too_large"


class NotAllowed(DomainError):
    """The caller's role may reach the object but not perform this particular action."""

    code = "not_allowed"


class Unauthenticated(DomainError):
    """No valid bearer token or API key."""

    code = "unauthenticated"


class Forbidden(DomainError):
    """The caller's role does not hold the permission."""

    code = "forbidden"


class PreconditionRequired(DomainError):
    """A change of a versioned object without a concrete version in `If-Match`."""

    code = "precondition_required"
