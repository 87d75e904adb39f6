"""OpenAPI description of the evaluation contract's request (documentation only: the rules
package reads and checks the body itself, so that the three doors answer the same bytes).

The schema is generated from the contract's one field table (``rules.contract_fields``)."""

from __future__ import annotations

from typing import Any

from rules.contract_schema import request_schema

__all__ = ["EVALUATION_REQUEST_SCHEMA", "EXAMPLE_REQUEST"]

EVALUATION_REQUEST_SCHEMA: dict[str, Any] = request_schema()

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
