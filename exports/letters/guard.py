"""The last line of defence against a full NIR or IBAN in a letter.

Letters go by post and e-mail, get scanned and forwarded: a full social security number (NIR) or
bank account number (IBAN) in one is a personal-data breach (docs/security.md). The
builders only take masked values; this guard checks every final text of a letter anyway and
refuses it if a full number slipped through (for instance inside an explanation).

It errs on the side of refusing: any run of 13 to 15 digits shaped like a NIR (spaces or dots
allowed between digits, Corsican ``2A``/``2B`` department) and any IBAN-shaped run (two letters,
two check digits, 11 to 30 letters or digits, single spaces allowed, with at least 10 digits)
counts as a leak. Masked forms such as ``2 94 02 ** *** *** 31`` or
``FR76 **** **** **** **** ***0 185`` pass, because the mask characters break the runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "PersonalDataLeak",
    "assert_no_full_identifiers",
    "find_full_identifiers",
    "require_masked_iban",
]

_SEP = r"[ .\u00a0\u202f]?"
_NIR = re.compile(
    r"(?<![0-9A-Za-z])"
    rf"[0-9](?:{_SEP}[0-9]){{4}}{_SEP}(?:[0-9]{_SEP}[0-9]|2[ABab])"
    rf"(?:{_SEP}[0-9]){{6}}(?:{_SEP}[0-9]{_SEP}[0-9])?"
    r"(?![0-9])"
)
_IBAN = re.compile(
    r"(?<![0-9A-Za-z])[A-Za-z]{2}[0-9]{2}(?:[ \u00a0\u202f]?[A-Za-z0-9]){11,30}(?![0-9A-Za-z])"
)
_MIN_IBAN_DIGITS = 10
_MASK_CHARS = "*•x×X"


class PersonalDataLeak(ValueError):
    """A text meant for a letter holds a full NIR or IBAN: the letter must not be produced."""


def find_full_identifiers(text: str) -> list[str]:
    """The kinds of full identifiers found in ``text`` (``"NIR"``, ``"IBAN"``), never the values."""
    found: list[str] = []
    if _NIR.search(text):
        found.append("NIR")
    for match in _IBAN.finditer(text):
        if sum(ch.isdigit() for ch in match.group()) >= _MIN_IBAN_DIGITS:
            found.append("IBAN")
            break
    return found


def assert_no_full_identifiers(texts: Iterable[str]) -> None:
    """Raise ``PersonalDataLeak`` if any text holds a full NIR or IBAN (the value is not echoed)."""
    for index, text in enumerate(texts):
        kinds = find_full_identifiers(text)
        if kinds:
            raise PersonalDataLeak(
                f"texte n° {index} de la lettre : {' et '.join(kinds)} complet interdit"
            )


def require_masked_iban(masked_iban: str) -> str:
    """Accept only a masked account number such as ``FR76 **** **** **** **** ***0 185``."""
    if not any(ch in _MASK_CHARS for ch in masked_iban):
        raise PersonalDataLeak("le numéro de compte doit être masqué")
    assert_no_full_identifiers([masked_iban])
    visible_digits = sum(ch.isdigit() for ch in masked_iban)
    if visible_digits > 8:
        raise PersonalDataLeak("le numéro de compte masqué montre trop de chiffres")
    return masked_iban
