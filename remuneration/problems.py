"""The problem catalogue: every situation in which remu refuses something, for every door.

One table says, for each domain error (and each refusal of the HTTP edge itself), the stable
`code`, the HTTP status, the French title and the command-line exit status. The HTTP door turns
an entry into `application/problem+json` (`type` = `PROBLEM_TYPE_BASE` + code, French `detail`,
`errors[]` with JSON paths such as `months[0].attended_hours`, `request_id`); the command line
prints the same French detail and exits with the entry's status. A subclass of a domain error
keeps its own code and inherits its parent's status and title.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from remuneration.domain.errors import (
    AlreadyExists,
    AttendanceAlreadyPaid,
    ConcurrentUpdate,
    DocumentRejected,
    DocumentTooLarge,
    DomainError,
    FieldProblem,
    Forbidden,
    IllegalTransition,
    InvalidFacts,
    NotAllowed,
    NotFound,
    PreconditionRequired,
    StaleVersion,
    Unauthenticated,
)
from remuneration.services.idempotency import (
    IdempotencyInProgress,
    IdempotencyKeyRequired,
    IdempotencyKeyReused,
)
from rules import InputError, ParameterError

__all__ = [
    "EXIT_INPUT",
    "EXIT_PARAMETERS",
    "PROBLEM_TYPE_BASE",
    "SITUATIONS",
    "Problem",
    "ProblemKind",
    "catalogue",
    "problem_of",
]

PROBLEM_TYPE_BASE = "https://remu.region.example/problemes/"
EXIT_INPUT, EXIT_PARAMETERS = 2, 3


@dataclass(frozen=True, slots=True)
class ProblemKind:
    """How one situation is answered: HTTP status, French title, command-line exit status."""

    status: int
    title: str
    exit_code: int = EXIT_INPUT


@dataclass(frozen=True, slots=True)
class Problem:
    """One refusal, ready for any door: code, kind, French detail, field problems."""

    code: str
    kind: ProblemKind
    detail: str
    errors: tuple[FieldProblem, ...] = ()
    extensions: Mapping[str, object] = field(default_factory=dict)

    def body(self, request_id: str | None) -> dict[str, object]:
        """The problem+json body (RFC 9457) with remu's extensions."""
        body: dict[str, object] = {
            "type": PROBLEM_TYPE_BASE + self.code,
            "title": self.kind.title,
            "status": self.kind.status,
            "code": self.code,
            "detail": self.detail,
            "request_id": request_id,
        }
        if self.errors:
            body["errors"] = [
                {"path": p.path, "code": p.code, "message": p.message} for p in self.errors
            ]
        body.update(self.extensions)
        return body


_BY_CLASS: Mapping[type[DomainError], ProblemKind] = MappingProxyType(
    {
        Unauthenticated: ProblemKind(401, "Authentification requise"),
        Forbidden: ProblemKind(403, "Accès refusé"),
        NotAllowed: ProblemKind(403, "Action non autorisée"),
        NotFound: ProblemKind(404, "Introuvable"),
        AlreadyExists: ProblemKind(409, "Déjà existant"),
        IllegalTransition: ProblemKind(409, "Transition impossible"),
        AttendanceAlreadyPaid: ProblemKind(409, "Mois déjà payé"),
        ConcurrentUpdate: ProblemKind(409, "Modification concurrente"),
        IdempotencyInProgress: ProblemKind(409, "Requête en cours"),
        IdempotencyKeyRequired: ProblemKind(400, "En-tête Idempotency-Key requis"),
        StaleVersion: ProblemKind(412, "Version périmée"),
        DocumentTooLarge: ProblemKind(413, "Fichier trop volumineux"),
        DocumentRejected: ProblemKind(415, "Type de fichier refusé"),
        InvalidFacts: ProblemKind(422, "Données invalides"),
        IdempotencyKeyReused: ProblemKind(422, "Clé d'idempotence déjà utilisée"),
        PreconditionRequired: ProblemKind(428, "En-tête If-Match requis"),
    }
)
"""Domain error class → kind. Subclasses inherit their parent's entry (nearest in the MRO)."""

SITUATIONS: Mapping[str, ProblemKind] = MappingProxyType(
    {
        "validation_error": ProblemKind(422, "Requête invalide"),
        "parameters_unavailable": ProblemKind(422, "Paramètres indisponibles", EXIT_PARAMETERS),
        "invalid_value": ProblemKind(422, "Valeur refusée"),
        "request_too_large": ProblemKind(413, "Requête trop volumineuse"),
        "unsupported_media_type": ProblemKind(415, "Type de contenu non accepté"),
        "route_not_found": ProblemKind(404, "Introuvable"),
        "method_not_allowed": ProblemKind(405, "Méthode non autorisée"),
        "concurrent_update": ProblemKind(409, "Modification concurrente"),
        "database_unavailable": ProblemKind(503, "Service indisponible", 1),
        "internal_error": ProblemKind(500, "Erreur interne", 1),
    }
)
"""Situations met outside the domain errors (the HTTP edge, the database, the rules)."""


def _domain_kind(error_class: type[DomainError]) -> ProblemKind:
    for cls in error_class.__mro__:
        if cls in _BY_CLASS:
            return _BY_CLASS[cls]
    return ProblemKind(400, "Requête refusée")


def _subclasses(root: type[DomainError]) -> Iterator[type[DomainError]]:
    for sub in root.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def catalogue() -> dict[str, ProblemKind]:
    """Every code remu may answer, with its kind (the situations and every loaded error class)."""
    codes = dict(SITUATIONS)
    classes: list[type[DomainError]] = [DomainError, *_subclasses(DomainError)]
    for cls in classes:
        codes.setdefault(cls.code, _domain_kind(cls))
    return codes


def _input_problems(error: InputError) -> tuple[FieldProblem, ...]:
    return tuple(FieldProblem(p.path, p.code, p.message) for p in error.problems)


def problem_of(error: BaseException) -> Problem | None:
    """The catalogue's answer to a known error, or None (an unexpected error)."""
    if isinstance(error, DomainError):
        problems = error.problems
        if not problems and error.field:
            problems = (FieldProblem(error.field, error.code, error.message),)
        return Problem(
            error.code, _domain_kind(type(error)), error.message, problems, error.extensions()
        )
    if isinstance(error, InputError):
        return Problem(
            "validation_error", SITUATIONS["validation_error"], error.detail, _input_problems(error)
        )
    if isinstance(error, ParameterError):
        return Problem(
            "parameters_unavailable",
            SITUATIONS["parameters_unavailable"],
            f"Aucun paramètre des règles n'est en vigueur pour ces dates : {error}",
        )
    return None
