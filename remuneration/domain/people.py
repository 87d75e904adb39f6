"""How a person's name is compared and searched: accents, hyphens, apostrophes, case, order.

Pure functions shared by duplicate detection, the search column and the search terms, so that
what is stored and what is typed are normalised the same way on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = [
    "PARTICLES",
    "dossier_reference",
    "identity_key",
    "name_words",
    "search_text",
]

PARTICLES = frozenset(
    {"de", "du", "des", "d", "la", "le", "les", "l", "van", "von", "der", "den", "da", "di", "dos"}
)
"""Particles left out when two names are compared: « de La Fontaine » = « Fontaine »."""

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_WORD = re.compile(r"[a-z0-9]+")


def name_words(text: str) -> list[str]:
    """Lower case, accents and ligatures undone; hyphens, apostrophes and dots split words."""
    plain = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return _WORD.findall(plain)


def search_text(last_name: str, first_names: str) -> str:
    """The stored search column: every word of both names, normalised, space separated."""
    return " ".join(name_words(f"{last_name} {first_names}"))


def _significant(text: str) -> list[str]:
    words = [word for word in name_words(text) if word not in PARTICLES]
    return words or name_words(text)


def identity_key(last_name: str, first_names: str, birth_date: date) -> str:
    """Same person by name: last name words (any order, no particles), first given name, birth.

    « LEFÈVRE-DURAND Marie Claire » born 1990-05-17 and « Durand Lefevre, Marie » share
    ``durand lefevre|marie|1990-05-17``.
    """
    last = " ".join(sorted(_significant(last_name)))
    first = (_significant(first_names) or [""])[0]
    return f"{last}|{first}|{birth_date.isoformat()}"


def dossier_reference(hex_id: str) -> str:
    """The short number printed in letters: the first eight hex digits of the id, upper case."""
    return hex_id.replace("-", "")[:8].upper()
