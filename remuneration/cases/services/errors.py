"""The two refusals of the queue that only its services can see (they need the database).

Every other refusal is raised by the pure domain (``remuneration.cases.domain.errors``), whose
errors already are the project's domain errors: one hierarchy, mapped by the problem catalogue
(``remuneration.problems``) for every door.
"""

from __future__ import annotations

from typing import ClassVar

from remuneration.domain.errors import ConcurrentUpdate, NotFound

__all__ = ["CaseAlreadyClaimed", "CaseNotFound"]


class CaseNotFound(NotFound):
    """No such case (or a reference that designates none)."""

    code: ClassVar[str] = "case_not_found"


class CaseAlreadyClaimed(ConcurrentUpdate):
    """Another agent owns the case (claims are first come, first served)."""

    code: ClassVar[str] = "case_already_claimed"
