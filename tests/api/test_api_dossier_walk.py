"""Through the HTTP API only: a dossier from creation to a granted decision, a monthly
attendance statement, and the explanation of every amount (the worked example of the contract)."""

from __future__ import annotations

from typing import Any

from tests.api.builders import (
    EXAMPLE_HOLDER,
    EXAMPLE_IBAN,
    EXAMPLE_NIR,
    check,
    create_dossier,
    create_trainee,
    verified_documents,
)

# Expected result of the worked example (docs/rules.md §3–6, example 01 of the contract).
EXPECTED_LINES = [
    ("advance", "2024-03", "200.00"),
    ("remuneration", "2024-03", "473.33"),
    ("advance_recovery", "2024-03", "-200.00"),
    ("mobility", "2024-03", "63.23"),
    ("equipment", "2024-04", "320.00"),
    ("driving_licence", "2024-05", "550.00"),
]


def _french(amount: str) -> str:
    return amount.lstrip("-").replace(".", ",")


def _organisation_and_training(api: Any) -> tuple[str, dict[str, Any]]:
    organisation = check(
        api.client.post(
            "/v1/organisations",
            json={"name": "AFPA Caen", "siret": "732 829 320 00074"},
            headers=api.headers("instructor"),
        ),
        201,
    )
    assert organisation["siret"] == "73282932000074"
    training = check(
        api.client.post(
            "/v1/trainings",
            json={
                "organisation_id": organisation["id"],
                "programme": "QUALIF",
                "title": "Agent de restauration",
                "start_date": "2024-03-11",
                "end_date": "2024-09-27",
                "total_hours": 700,
                "weekly_hours": 35,
                "approved_for_remuneration": True,
                "licence_useful_for_trade": True,
                "site_name": "Centre de Caen",
                "site_postcode": "14000",
                "site_town": "Caen",
            },
            headers=api.headers("instructor"),
        ),
        201,
    )
    return organisation["id"], training


def _organisation_token(api: Any, organisation_id: str) -> dict[str, str]:
    """The organisation role for this organisation (created by the admin's command-line tool)."""
    import uuid

    from api.settings import issue_token
    from remuneration.services.context import Role
    from remuneration.services.users import create_user

    with api.session() as session, session.begin():
        user = create_user(
            session,
            name="afpa-caen-system",
            role=Role.ORGANISATION,
            now=api.clock.now,
            organisation_id=uuid.UUID(organisation_id),
        )
        token = issue_token(api.settings, user=user, now=api.clock.now)
    return {"Authorization": f"Bearer {token}"}


def test_a_dossier_walks_from_creation_to_a_granted_decision_with_explained_amounts(
    api: Any,
) -> None:
    organisation_id, training = _organisation_and_training(api)
    trainee = create_trainee(api)
    dossier_id, etag = create_dossier(api, training["id"], trainee["id"])
    assert (
        check(api.client.get(f"/v1/dossiers/{dossier_id}", headers=api.headers("instructor")), 200)[
            "status"
        ]
        == "draft"
    )

    etag = verified_documents(
        api, dossier_id, etag, nir=EXAMPLE_NIR, iban=EXAMPLE_IBAN, holder=EXAMPLE_HOLDER
    )
    submitted = check(
        api.client.post(
            f"/v1/dossiers/{dossier_id}/submit",
            headers=api.headers("instructor", **{"If-Match": etag}),
        ),
        200,
    )
    assert submitted["status"] == "submitted"
    assert submitted["milestones"]["submitted_at"] is not None

    statement = check(
        api.client.put(
            f"/v1/trainings/{training['id']}/attendance/2024-03",
            json={
                "entries": [
                    {
                        "dossier_id": dossier_id,
                        "scheduled_hours": 105,
                        "attended_hours": 98,
                        "justified_absence_hours": 3.5,
                        "unjustified_absence_hours": 3.5,
                        "daily_allowances": "0.00",
                    }
                ]
            },
            headers=_organisation_token(api, organisation_id),
        ),
        201,
    )
    assert statement["entries"][0]["attended_hours"] == "98.00"

    for aid in (
        {"kind": "equipment", "date": "2024-04-02", "invoice_amount": "320.00"},
        {
            "kind": "driving_licence",
            "date": "2024-05-06",
            "cost": "1500.00",
            "other_funding": "400.00",
            "code_status": "passed",
        },
    ):
        check(
            api.client.post(
                f"/v1/dossiers/{dossier_id}/aid-requests",
                json=aid,
                headers=api.headers("instructor"),
            ),
            201,
        )

    decision = check(
        api.client.post(
            f"/v1/dossiers/{dossier_id}/decisions",
            json={"as_of": "2024-06-15"},
            headers=api.headers("instructor"),
        ),
        201,
    )
    assert decision["outcome"] == "granted"
    result = decision["result"]
    assert [(line["kind"], line["period"], line["amount"]) for line in result["lines"]] == (
        EXPECTED_LINES
    )
    assert result["total"] == "1406.56" == decision["total"]
    for line in result["lines"]:
        assert _french(line["amount"]) in line["explanation"], line
        assert line["parameters"] or line["kind"] == "advance_recovery", line
    assert "723,36" in result["lines"][1]["explanation"]
    assert len(decision["input_hash"]) == 64 and decision["rules_version"]
    assert decision["parameters_digest"]

    dossier = check(
        api.client.get(f"/v1/dossiers/{dossier_id}", headers=api.headers("instructor")), 200
    )
    assert dossier["status"] == "granted"
    assert dossier["milestones"]["granted_at"] is not None
    assert dossier["latest_decision"]["up_to_date"] is True
    listed = check(
        api.client.get(
            f"/v1/dossiers/{dossier_id}/decisions", headers=api.headers("relation_usagers")
        ),
        200,
    )
    assert [d["id"] for d in listed] == [decision["id"]]

    replay = check(
        api.client.get(
            f"/v1/dossiers/{dossier_id}/decisions/{decision['id']}/recomputation",
            headers=api.headers("supervisor"),
        ),
        200,
    )
    assert replay["same_result"] is True and replay["differences"] == []
    assert replay["facts_changed_since"] is False


def test_changing_a_fact_after_the_decision_needs_a_new_decision(api: Any) -> None:
    _, training = _organisation_and_training_second(api)
    from tests.api.builders import ready_dossier

    dossier = ready_dossier(api, training, last_name="Lefèvre Durand")
    first = check(
        api.client.post(
            f"/v1/dossiers/{dossier['id']}/decisions", json={}, headers=api.headers("instructor")
        ),
        201,
    )
    assert first["outcome"] == "granted"
    current = api.client.get(f"/v1/dossiers/{dossier['id']}", headers=api.headers("instructor"))
    patched = check(
        api.client.patch(
            f"/v1/dossiers/{dossier['id']}",
            json={"france_travail_indemnity": "are"},
            headers=api.headers("instructor", **{"If-Match": current.headers["ETag"]}),
        ),
        200,
    )
    # Sent back to instruction (reopened), reassessed at once: nothing missing, to be decided.
    assert patched["status"] == "complete"
    assert patched["milestones"]["reopened_at"] is not None
    assert patched["latest_decision"]["up_to_date"] is False
    second = check(
        api.client.post(
            f"/v1/dossiers/{dossier['id']}/decisions", json={}, headers=api.headers("instructor")
        ),
        201,
    )
    assert second["outcome"] == "rejected" and second["number"] == 2
    codes = [reason["code"] for reason in second["result"]["reasons"]]
    assert "INDEMNIFIED_BY_FRANCE_TRAVAIL" in codes


def _organisation_and_training_second(api: Any) -> tuple[str, dict[str, Any]]:
    from tests.api.builders import create_training

    return str(api.organisation_id), create_training(api, api.organisation_id)
