"""The EPC Latin character set and the transliteration into it.

The EPC customer-to-bank guidelines only guarantee ``a-z A-Z 0-9 / - ? : ( ) . , ' +`` and the
space end to end; any other character may be rejected or mangled by a bank in the chain. So
every text written into a pain.001 is transliterated first (é→e, ç→c, ß→ss, œ→oe, &→+), and the
original spelling is kept in the database by the caller.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "EPC_CHARACTERS",
    "NAME_MAX_LENGTH",
    "REMITTANCE_MAX_LENGTH",
    "first_invalid_character",
    "is_epc_text",
    "to_epc_name",
    "to_epc_remittance",
    "transliterate",
    "truncate",
]

EPC_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ "
)
NAME_MAX_LENGTH = 70
REMITTANCE_MAX_LENGTH = 140

_EPC_TEXT = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]*")
_NOT_EPC = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_SPACES = re.compile(r" {2,}")

# Letters that Unicode decomposition does not reduce to ASCII, and typographic signs common in
# French text; everything else goes through NFKD and loses its combining marks.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
        "&": "+",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "´": "'",
        "`": "'",
        "«": " ",
        "»": " ",
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "_": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\t": " ",
        "\n": " ",
        "\r": " ",
    }
)


# The combining marks of the Latin block (U+0300-U+036F) that French accents decompose into,
# removed by one regular expression; any other non-ASCII character left goes through
# ``unicodedata.combining`` one by one, as before.
_LATIN_MARKS = re.compile(
    "[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]"
)


def transliterate(text: str) -> str:
    """Bring ``text`` into the EPC set: special letters, then decomposition, then spaces.

    A character with no EPC equivalent becomes a space; runs of spaces are collapsed and the
    result is stripped, so "Zoë  & Chloé" gives "Zoe + Chloe".
    """
    if _EPC_TEXT.fullmatch(text):  # already in the set: only the spaces to tidy
        return _SPACES.sub(" ", text).strip()
    mapped = unicodedata.normalize("NFKD", text.translate(_SPECIAL)).translate(_SPECIAL)
    kept = _LATIN_MARKS.sub("", mapped)
    if not kept.isascii():
        kept = "".join(ch for ch in kept if not unicodedata.combining(ch))
    cleaned = _NOT_EPC.sub(" ", kept)
    return _SPACES.sub(" ", cleaned).strip()


def truncate(text: str, max_length: int) -> str:
    """Cut to ``max_length`` characters without leaving a trailing space."""
    return text[:max_length].rstrip()


def to_epc_name(text: str) -> str:
    """A party name as written in the file: transliterated, at most 70 characters."""
    return truncate(transliterate(text), NAME_MAX_LENGTH)


def to_epc_remittance(text: str) -> str:
    """Unstructured remittance information: transliterated, at most 140 characters."""
    return truncate(transliterate(text), REMITTANCE_MAX_LENGTH)


def is_epc_text(text: str) -> bool:
    """True when every character of ``text`` is in the EPC Latin set."""
    return _EPC_TEXT.fullmatch(text) is not None


def first_invalid_character(text: str) -> str | None:
    """The first character outside the EPC set, for an error message, or None."""
    match = _NOT_EPC.search(text)
    return match.group(0) if match else None
