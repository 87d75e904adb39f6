"""OpenAPI description of the evaluation contract's request (documentation only: the rules
package reads and checks the body itself, so that the three doors answer the same bytes)."""

from __future__ import annotations

from typing import Any

__all__ = ["EVALUATION_REQUEST_SCHEMA", "EXAMPLE_REQUEST"]

_DATE: dict[str, Any] = {"type": ["string", "null"], "format": "date"}
_BOOL: dict[str, Any] = {"type": ["boolean", "null"]}
_TEXT: dict[str, Any] = {"type": ["string", "null"]}
_NUMBER: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\d+(\.\d+)?$"},
        {"type": "null"},
    ]
}
_MONEY: dict[str, Any] = {
    "anyOf": [{"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"}, {"type": "null"}]
}


def _enum(*values: str) -> dict[str, Any]:
    return {"anyOf": [{"type": "string", "enum": list(values)}, {"type": "null"}]}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


EVALUATION_REQUEST_SCHEMA: dict[str, Any] = _object(
    {
        "as_of": _DATE,
        "trainee": _nullable(
            _object(
                {
                    "last_name": _TEXT,
                    "first_names": _TEXT,
                    "birth_date": _DATE,
                    "sex": _enum("M", "F"),
                    "status": _enum("job_seeker", "insertion_employee", "other"),
                    "france_travail_registered": _BOOL,
                    "france_travail_indemnity": _enum("none", "are", "aref", "rff"),
                    "insertion": _nullable(
                        _object(
                            {
                                "contract": _TEXT,
                                "are_complement": _BOOL,
                                "training_hours_outside_work": _NUMBER,
                            }
                        )
                    ),
                }
            )
        ),
        "training": _nullable(
            _object(
                {
                    "programme": _TEXT,
                    "approved_for_remuneration": _BOOL,
                    "start_date": _DATE,
                    "end_date": _DATE,
                    "total_hours": _NUMBER,
                    "weekly_hours": _NUMBER,
                    "distance_km": _NUMBER,
                    "licence_useful_for_trade": _BOOL,
                }
            )
        ),
        "documents": _nullable(
            _object(
                {
                    "identity": _nullable(_object({"expiry_date": _DATE, "type": _TEXT})),
                    "vitale": _nullable(_object({"nir": _TEXT})),
                    "rib": _nullable(_object({"iban": _TEXT, "holder": _TEXT, "bic": _TEXT})),
                }
            )
        ),
        "months": {
            "type": ["array", "null"],
            "items": _object(
                {
                    "month": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
                    "scheduled_hours": _NUMBER,
                    "attended_hours": _NUMBER,
                    "justified_absence_hours": _NUMBER,
                    "unjustified_absence_hours": _NUMBER,
                    "daily_allowances": _MONEY,
                    "hours_outside_work": _NUMBER,
                },
                ["month", "scheduled_hours", "attended_hours"],
            ),
        },
        "exit": _nullable(
            _object(
                {
                    "date": {"type": "string", "format": "date"},
                    "reason": {
                        "type": "string",
                        "enum": ["legitimate", "abandonment", "exclusion"],
                    },
                },
                ["date", "reason"],
            )
        ),
        "aid_requests": {
            "type": ["array", "null"],
            "items": _object(
                {
                    "kind": {"type": "string", "enum": ["equipment", "driving_licence"]},
                    "date": _DATE,
                    "invoice_amount": _MONEY,
                    "cost": _MONEY,
                    "other_funding": _MONEY,
                    "code_status": _enum("passed", "in_preparation", "not_started"),
                },
                ["kind"],
            ),
        },
        "history": _nullable(
            _object(
                {
                    "driving_licence_aid_received": _BOOL,
                    "remunerated_trainings": {
                        "type": ["array", "null"],
                        "description": "Autres formations rémunérées de la même personne.",
                        "items": _object(
                            {"start_date": _DATE, "end_date": _DATE}, ["start_date", "end_date"]
                        ),
                    },
                    "advance_received": _BOOL,
                }
            )
        ),
    }
)

EXAMPLE_REQUEST: dict[str, Any] = {
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
    "months": [
        {
            "month": "2024-03",
            "scheduled_hours": 105,
            "attended_hours": 98,
            "justified_absence_hours": 3.5,
            "unjustified_absence_hours": 3.5,
            "daily_allowances": "0.00",
        }
    ],
    "exit": None,
    "aid_requests": [{"kind": "equipment", "date": "2024-04-02", "invoice_amount": "320.00"}],
    "history": {"driving_licence_aid_received": False},
}
