"""Synthetic but valid identifiers for demonstration and tests: SIRET, NIR, IBAN.

Every number carries a correct key (Luhn for SIRET, 97 − n mod 97 for the NIR, the French RIB
key and the ISO 13616 check digits for the IBAN), so the engine's checks pass on them; none
belongs to a real person or account (fictitious bank and branch codes).
"""

from __future__ import annotations

import random
from datetime import date

__all__ = [
    "FIRST_NAMES_F",
    "FIRST_NAMES_M",
    "LAST_NAMES",
    "TOWNS",
    "make_iban",
    "make_nir",
    "make_siret",
]

LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Le Goff",
    "Marie",
    "Lecomte",
    "Hamon",
    "Lemoine",
    "Lebrun",
    "Vasseur",
    "Duval",
    "Besnard",
    "Letellier",
)
FIRST_NAMES_F = (
    "Marie",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Inès",
    "Sarah",
    "Julie",
    "Laura",
    "Anaïs",
    "Océane",
    "Pauline",
    "Nadia",
    "Fatima",
    "Sandrine",
    "Isabelle",
    "Nathalie",
)
FIRST_NAMES_M = (
    "Thomas",
    "Lucas",
    "Hugo",
    "Nicolas",
    "Julien",
    "Kevin",
    "Mehdi",
    "Antoine",
    "Maxime",
    "Alexandre",
    "Romain",
    "Karim",
    "Olivier",
    "Laurent",
    "Stéphane",
    "Yann",
    "Bruno",
    "Théo",
)
TOWNS = (
    ("14000", "Caen", "14"),
    ("50100", "Cherbourg-en-Cotentin", "50"),
    ("61000", "Alençon", "61"),
    ("27000", "Évreux", "27"),
    ("76600", "Le Havre", "76"),
    ("76000", "Rouen", "76"),
    ("14100", "Lisieux", "14"),
    ("50000", "Saint-Lô", "50"),
    ("61100", "Flers", "61"),
    ("27200", "Vernon", "27"),
    ("76200", "Dieppe", "76"),
    ("14400", "Bayeux", "14"),
)


def _luhn_check_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            value = value - 9 if value > 9 else value
        total += value
    return str((10 - total % 10) % 10)


def make_siret(rng: random.Random) -> str:
    """A SIRET whose SIREN and full number both pass the Luhn check."""
    siren_body = "".join(rng.choice("0123456789") for _ in range(8))
    siren = siren_body + _luhn_check_digit(siren_body)
    nic_body = "".join(rng.choice("0123456789") for _ in range(4))
    return siren + nic_body + _luhn_check_digit(siren + nic_body)


def make_nir(rng: random.Random, *, sex: str, birth_date: date, department: str) -> str:
    """A NIR consistent with sex, birth year and month, with its key."""
    body = (
        ("1" if sex == "M" else "2")
        + f"{birth_date.year % 100:02d}"
        + f"{birth_date.month:02d}"
        + department
        + f"{rng.randint(1, 999):03d}"
        + f"{rng.randint(1, 999):03d}"
    )
    return body + f"{97 - int(body) % 97:02d}"


def _iban_check(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    numeric = "".join(str(int(char, 36)) for char in rearranged)
    return f"{98 - int(numeric) % 97:02d}"


def make_iban(rng: random.Random) -> str:
    """A French IBAN with a valid RIB key and check digits (random branch and account)."""
    bank = "30004" if rng.random() < 0.5 else "20041"
    branch = f"{rng.randint(0, 99999):05d}"
    account = f"{rng.randint(0, 10**11 - 1):011d}"
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{key:02d}"
    return f"FR{_iban_check('FR', bban)}{bban}"
