"""Masking of personal data for display and logs (NIR, IBAN, identity numbers, secrets).

The NIR and the IBAN are shown masked by default to every role that does not need them in full
(docs/security.md): `2 94 02 ** *** *** 31` and `FR76 **** **** **** **** ***0 185`.
`redact_text` finds such values inside free text (log lines) and masks them as well.
"""

from __future__ import annotations

import re

__all__ = ["mask_document_number", "mask_iban", "mask_nir", "mask_person_field", "redact_text"]

_NIR_SHAPE = re.compile(r"^[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]{8}$", re.IGNORECASE)


def mask_nir(nir: str) -> str:
    """Keep sex, birth year and month, and the key; hide the place of birth and the order number."""
    compact = re.sub(r"\s", "", nir).upper()
    if not _NIR_SHAPE.match(compact):
        return "*" * len(compact)
    return f"{compact[0]} {compact[1:3]} {compact[3:5]} ** *** *** {compact[13:15]}"


def mask_iban(iban: str) -> str:
    """Keep the country, check digits and the last four characters, grouped by four."""
    compact = re.sub(r"\s", "", iban).upper()
    if len(compact) <= 8:
        return "*" * len(compact)
    masked = compact[:4] + "*" * (len(compact) - 8) + compact[-4:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))


def mask_document_number(number: str) -> str:
    """An identity document number keeps only its last three characters."""
    compact = re.sub(r"\s", "", number)
    if len(compact) <= 3:
        return "*" * len(compact)
    return "*" * (len(compact) - 3) + compact[-3:]


_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_API_KEY = re.compile(r"\bremu_[A-Za-z0-9_-]{8,}")
_IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]){11,30}\b")
_NIR = re.compile(r"\b[12378](?:[ .]?[0-9]){4}[ .]?(?:[0-9]{2}|2[AB])(?:[ .]?[0-9]){8}\b")


def _mask_iban_match(match: re.Match[str]) -> str:
    return mask_iban(match.group(0))


def _mask_nir_match(match: re.Match[str]) -> str:
    return mask_nir(match.group(0))


def redact_text(text: str) -> str:
    """Mask every bearer token, JWT, API key, IBAN and NIR found in `text`."""
    text = _BEARER.sub(r"\1[masqué]", text)
    text = _JWT.sub("[jeton masqué]", text)
    text = _API_KEY.sub("remu_[masqué]", text)
    text = _IBAN.sub(_mask_iban_match, text)
    return _NIR.sub(_mask_nir_match, text)


def mask_person_field(name: str, value: object) -> str | None:
    """A trainee field as the audit log keeps it: enough to see what changed, not who it is.

    Names keep their initial, dates their year and month, e-mails their domain, phones their
    last two digits; postcode, town and country are kept (they drive letters, not identity).
    """
    if value is None:
        return None
    text = str(value)
    if name in ("postcode", "town", "country", "sex"):
        return text
    if name == "birth_date":
        return text[:7] + "-**"
    if name == "email" and "@" in text:
        return "***@" + text.split("@", 1)[1]
    if name == "phone":
        return "*" * max(len(text) - 2, 0) + text[-2:]
    return text[:1] + "*" * (len(text) - 1)
