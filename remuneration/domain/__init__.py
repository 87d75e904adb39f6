"""The pure core of dossiers: states and transitions, identifiers, vocabularies, checks, masking.

No database and no web framework here (import-linter contract).
"""

from remuneration.domain.errors import DomainError, FieldProblem
from remuneration.domain.masking import mask_iban, mask_nir, redact_text
from remuneration.domain.states import DossierEvent, DossierStatus, next_status

__all__ = [
    "DomainError",
    "DossierEvent",
    "DossierStatus",
    "FieldProblem",
    "mask_iban",
    "mask_nir",
    "next_status",
    "redact_text",
]
