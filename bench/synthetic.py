"""Synthetic, valid and varied evaluation requests for the benchmarks (unique NIRs and IBANs)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from rules import Month

__all__ = ["french_iban", "nir", "synthetic_request"]

_LAST_NAMES = ["Dupont", "Martin", "Lefèvre-Durand", "Nguyen", "Moreau", "Lambert", "Faure", "Roux"]


def french_iban(bank: int, branch: int, account: int) -> str:
    """A French IBAN with a correct RIB key and correct check digits."""
    b, g, c = f"{bank:05d}", f"{branch:05d}", f"{account:011d}"
    key = 97 - (89 * int(b) + 15 * int(g) + 3 * int(c)) % 97
    bban = f"{b}{g}{c}{key:02d}"
    numeric = int(bban + "1527" + "00")  # FR = 15 27
    return f"FR{98 - numeric % 97:02d}{bban}"


def nir(sex: str, birth: date, department: int, serial: int) -> str:
    first13 = f"{1 if sex == 'M' else 2}{birth.year % 100:02d}{birth.month:02d}{department:02d}"
    first13 += f"{serial % 1000:03d}{(serial // 1000) % 1000:03d}"
    return f"{first13}{97 - int(first13) % 97:02d}"


def synthetic_request(index: int, rng: random.Random) -> dict[str, Any]:
    """One granted-looking job seeker with one month of attendance (sometimes part time)."""
    sex = rng.choice("MF")
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
    start = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 700))
    end = start + timedelta(days=rng.randrange(60, 300))
    last_name = rng.choice(_LAST_NAMES)
    month = Month.of(start)
    scheduled = rng.randrange(20, 160)
    unjustified = rng.randrange(0, 8)
    justified = rng.randrange(0, 8)
    attended = max(0, scheduled - unjustified - justified)
    return {
        "as_of": "2026-11-28",
        "trainee": {
            "last_name": last_name,
            "first_names": "Camille",
            "birth_date": birth.isoformat(),
            "sex": sex,
            "status": "job_seeker",
            "france_travail_registered": True,
            "france_travail_indemnity": "none",
            "insertion": None,
        },
        "training": {
            "programme": "QUALIF",
            "approved_for_remuneration": True,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "total_hours": 400,
            "weekly_hours": rng.choice([20, 35]),
            "distance_km": str(rng.randrange(0, 2000) / 10),
            "licence_useful_for_trade": True,
        },
        "documents": {
            "identity": {"expiry_date": "2031-01-01"},
            "vitale": {"nir": nir(sex, birth, rng.randrange(1, 96), index)},
            "rib": {
                "iban": french_iban(30000 + index % 9000, 10000 + index % 7919, index),
                "holder": f"M {last_name.upper()} CAMILLE",
            },
        },
        "months": [
            {
                "month": str(month),
                "scheduled_hours": scheduled + 0,
                "attended_hours": attended,
                "justified_absence_hours": justified,
                "unjustified_absence_hours": scheduled - attended - justified,
                "daily_allowances": "0.00",
            }
        ],
        "exit": None,
        "aid_requests": [],
        "history": {"driving_licence_aid_received": False},
    }
