"""IBAN validation for the RIB check (docs/rules.md, the RIB): check digits, country format and
national key.

schwifty is the reference (``IBAN(iban, validate_bban=True)``); it costs some 20 µs of CPU an
IBAN (registry look-ups, a BBAN object, the national key by component), a tenth of a stateless
evaluation; the fast path below about 4 µs. French and Monegasque IBANs (nearly all the Region's
trainees) take a fast path that only ever *accepts*: the exact format (27 characters, 5 digits
bank, 5 digits branch, 11 alphanumeric account, 2 digits key), the ISO 7064 MOD 97-10 check
digits and the RIB key (97 − (89 × bank + 15 × branch + 3 × account) mod 97, letters of the
account as the RIB converts them) — every condition schwifty checks for these countries. Any
other IBAN, and any that the fast path does not accept, goes to schwifty, so an IBAN is refused
only by schwifty and its answer is unchanged.
"""

from __future__ import annotations

import re

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

__all__ = ["iban_country"]

_SPACES = re.compile(r"\s+")
_FRENCH = re.compile(r"(?:FR|MC)[0-9]{12}[0-9A-Z]{11}[0-9]{2}", re.ASCII)
# ISO 13616: A = 10 … Z = 35.
_ISO_DIGITS = str.maketrans({chr(c): str(c - 55) for c in range(ord("A"), ord("Z") + 1)})
# RIB key: A-I = 1-9, J-R = 1-9, S-Z = 2-9.
_RIB_DIGITS = str.maketrans(
    {letter: str(value) for letters, start in (("ABCDEFGHI", 1), ("JKLMNOPQR", 1),
     ("STUVWXYZ", 2)) for value, letter in enumerate(letters, start=start)}
)  # fmt: skip


def _french_ok(compact: str) -> bool:
    """True when a compact FR/MC IBAN passes format, ISO check digits and RIB key."""
    if not _FRENCH.fullmatch(compact):
        return False
    bban = compact[4:]
    iso = 98 - int((bban + compact[:2]).translate(_ISO_DIGITS) + "00") % 97
    if f"{iso:02d}" != compact[2:4]:
        return False
    bank, branch, account = int(bban[:5]), int(bban[5:10]), int(bban[10:21].translate(_RIB_DIGITS))
    return f"{97 - (89 * bank + 15 * branch + 3 * account) % 97:02d}" == bban[21:]


def iban_country(iban: str) -> str | None:
    """The IBAN's country when it passes check digits, country format and national key."""
    compact = _SPACES.sub("", iban).upper()
    if _french_ok(compact):
        return compact[:2]
    try:
        return str(IBAN(iban, validate_bban=True).country_code)
    except (SchwiftyException, ValueError):
        return None
