"""Request builders for the rules tests: a valid granted request, changed field by field."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from rules import EvaluationResult, evaluate

TODAY = date(2024, 6, 15)

BASE: dict[str, Any] = {
    "as_of": "2024-06-15",
    "trainee": {
        "last_name": "Dupont",
        "first_names": "Marie Claire",
        "birth_date": "1990-05-17",
        "sex": "F",
        "status": "job_seeker",
        "france_travail_registered": True,
        "france_travail_indemnity": "none",
        "insertion": None,
    },
    "training": {
        "programme": "QUALIF",
        "approved_for_remuneration": True,
        "start_date": "2024-03-11",
        "end_date": "2024-09-27",
        "total_hours": 700,
        "weekly_hours": 35,
        "distance_km": 42.5,
        "licence_useful_for_trade": True,
    },
    "documents": {
        "identity": {"expiry_date": "2030-01-01"},
        "vitale": {"nir": "290057654012387"},
        "rib": {"iban": "FR7630006000011234567890189", "holder": "MME DUPONT MARIE"},
    },
    "months": [],
    "exit": None,
    "aid_requests": [],
    "history": {"driving_licence_aid_received": False},
}


def request(**changes: Any) -> dict[str, Any]:
    """A copy of BASE; ``changes`` use ``__`` for nesting (``trainee__sex="M"``).

    A value of ``...`` (Ellipsis) removes the field: it becomes unknown.
    """
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        *parents, leaf = key.split("__")
        node = data
        for parent in parents:
            node = node[parent]
        if value is ...:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return data


def month(
    text: str,
    scheduled: Any,
    attended: Any,
    justified: Any = 0,
    unjustified: Any = 0,
    allowances: str = "0.00",
    outside: Any = None,
) -> dict[str, Any]:
    return {
        "month": text,
        "scheduled_hours": scheduled,
        "attended_hours": attended,
        "justified_absence_hours": justified,
        "unjustified_absence_hours": unjustified,
        "daily_allowances": allowances,
        "hours_outside_work": outside,
    }


def run(data: dict[str, Any], **kwargs: Any) -> EvaluationResult:
    return evaluate(data, today=TODAY, **kwargs)


def amounts(result: EvaluationResult) -> list[tuple[str, str, str]]:
    return [(line.kind.value, str(line.period), f"{line.amount:f}") for line in result.lines]


def codes(result: EvaluationResult) -> list[tuple[str, str]]:
    return [(reason.code, reason.scope) for reason in result.reasons]


def nir_with_key(first13: str) -> str:
    """A NIR with its correct key (Corsica: 2A counts as 19, 2B as 18)."""
    digits = first13.replace("2A", "19").replace("2B", "18")
    return f"{first13}{97 - int(digits) % 97:02d}"


def iban_with_check(country: str, bban: str) -> str:
    """An IBAN whose ISO 13616 check digits are right (whatever the national key says)."""
    rearranged = bban + country + "00"
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"
