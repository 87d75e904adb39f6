"""Checks on a training organisation's identity."""

from __future__ import annotations

from stdnum.fr import siret

from remuneration.domain.errors import FieldProblem, InvalidFacts

__all__ = ["normalise_siret"]


def normalise_siret(value: str) -> str:
    """The 14-digit SIRET, checked with its Luhn key (La Poste's exception included by stdnum)."""
    try:
        return str(siret.validate(value))
    except Exception as error:  # stdnum raises several ValidationError subclasses
        raise InvalidFacts(
            "Le numéro SIRET n'est pas valide.",
            problems=[FieldProblem("siret", "invalid_siret", "Le numéro SIRET n'est pas valide.")],
        ) from error
