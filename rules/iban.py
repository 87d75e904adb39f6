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


# The ISO 7064 number of a French or Monegasque IBAN is its BBAN, the country as digits, "00".
_COUNTRY_TAIL = {"FR": 152700, "MC": 221200}


def _french_ok(compact: str) -> bool:
    """True when a compact FR/MC IBAN passes format, ISO check digits and RIB key."""
    if not _FRENCH.fullmatch(compact):
        return False
    bban, account = compact[4:], compact[14:25]
    if account.isdigit():  # the usual case: no letter to convert, the numbers read directly
        iso_number = int(bban) * 1_000_000 + _COUNTRY_TAIL[compact[:2]]
        account_number = int(account)
    else:
        iso_number = int((bban + compact[:2]).translate(_ISO_DIGITS) + "00")
        account_number = int(account.translate(_RIB_DIGITS))
    if 98 - iso_number % 97 != int(compact[2:4]):
        return False
    bank, branch = int(bban[:5]), int(bban[5:10])
    return 97 - (89 * bank + 15 * branch + 3 * account_number) % 97 == int(bban[21:])


def iban_country(iban: str) -> str | None:
    """The IBAN's country when it passes check digits, country format and national key."""
    compact = (iban if iban.isalnum() else _SPACES.sub("", iban)).upper()
    if _french_ok(compact):
        return compact[:2]
    try:
        return str(IBAN(iban, validate_bban=True).country_code)
    except (SchwiftyException, ValueError):
        return None
