"""A French postal address's postcode: five digits, its first two a department (01 to 95,
2A/2B written 20, overseas 97 and 98). A postcode abroad is taken as written."""

from __future__ import annotations

import re

from remuneration.domain.errors import FieldProblem, InvalidFacts

__all__ = ["check_postcode"]

_FRENCH_POSTCODE = re.compile(r"(?:0[1-9]|[1-8][0-9]|9[0-8])[0-9]{3}")


def check_postcode(postcode: str | None, country: str | None) -> None:
    """Refuse a French address whose postcode is not one (``InvalidFacts`` on ``postcode``)."""
    if postcode is None or postcode == "" or (country or "FR") != "FR":
        return
    if _FRENCH_POSTCODE.fullmatch(postcode) is None:
        message = (
            f"« {postcode} » n'est pas un code postal français : il s'écrit en cinq chiffres "
            "(par exemple 14000). Pour une adresse à l'étranger, indiquez aussi le pays."
        )
        raise InvalidFacts(message, problems=[FieldProblem("postcode", "invalid", message)])
