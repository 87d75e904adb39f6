"""The fast path of the IBAN check answers exactly as schwifty does (docs/rules.md, the RIB).

The fast path may only accept: every French or Monegasque IBAN it accepts, schwifty accepts
too, and every other answer comes from schwifty itself. Checked on generated valid IBANs and
on every single-character corruption of some of them.
"""

from __future__ import annotations

import random
import string

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from rules.iban import iban_country

_ISO = str.maketrans({c: str(ord(c) - 55) for c in string.ascii_uppercase})
_RIB = str.maketrans(
    dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789", strict=True))
)


def _french_iban(rng: random.Random, country: str, *, letters: bool = True) -> str:
    bank, branch = f"{rng.randrange(100000):05d}", f"{rng.randrange(100000):05d}"
    alphabet = string.digits + ("ABCDEFXYZ" if letters else "")
    account = "".join(rng.choice(alphabet) for _ in range(11))
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account.translate(_RIB))) % 97
    bban = f"{bank}{branch}{account}{key:02d}"
    check = 98 - int((bban + country).translate(_ISO) + "00") % 97
    return f"{country}{check:02d}{bban}"


def _reference(iban: str) -> str | None:
    try:
        return str(IBAN(iban, validate_bban=True).country_code)
    except (SchwiftyException, ValueError):
        return None


def test_valid_french_and_monegasque_ibans_are_accepted_like_schwifty() -> None:
    rng = random.Random(15)
    for index in range(400):
        iban = _french_iban(rng, "MC" if index % 5 == 0 else "FR", letters=index % 2 == 0)
        assert _reference(iban) == iban[:2]
        assert iban_country(iban) == iban[:2]
        spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)).lower()
        assert iban_country(spaced) == _reference(spaced) == iban[:2]


def test_every_corruption_gets_schwiftys_answer() -> None:
    rng = random.Random(97)
    alphabet = string.digits + string.ascii_uppercase + "é "
    for index in range(12):
        iban = _french_iban(rng, "FR", letters=index % 2 == 0)
        for position in range(len(iban)):
            for replacement in rng.sample(alphabet, 6):
                corrupted = iban[:position] + replacement + iban[position + 1 :]
                assert iban_country(corrupted) == _reference(corrupted), corrupted
        assert iban_country(iban[:-1]) is None
        assert iban_country(iban + "0") is None


def test_other_countries_go_to_schwifty() -> None:
    for iban in ("DE89370400440532013000", "GB29NWBK60161331926819", "TR330006100519786457841326"):
        assert iban_country(iban) == iban[:2]
    assert iban_country("DE89370400440532013001") is None
    assert iban_country("") is None
