"""A dossier submitted without its documents gets an automatic case N business days after its
training starts (auto_cases.yaml, 5 by default), seen through the HTTP API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from remuneration.cases.services import run_case_jobs
from tests.api.builders import check, create_dossier, create_trainee, create_training, ready_dossier
from tests.api.test_api_cases_queue import at


def test_a_submitted_dossier_still_missing_documents_opens_a_case(api: Any) -> None:
    at(api, datetime(2024, 7, 1, 7, tzinfo=UTC))
    # Starts Friday 5 July 2024; five business days later is Friday 12 July (14 July: Sunday).
    training = create_training(
        api, api.organisation_id, start_date="2024-07-05", end_date="2024-12-20"
    )
    person = create_trainee(api)
    waiting, etag = create_dossier(api, training["id"], person["id"])
    check(
        api.client.put(
            f"/v1/dossiers/{waiting}/documents/identity",
            json={"verified": True, "identity_type": "cni", "expiry_date": "2030-01-01"},
            headers=api.headers("instructor", **{"If-Match": etag}),
        ),
        200,
    )
    submitted = check(
        api.client.post(f"/v1/dossiers/{waiting}/submit", headers=api.headers("instructor")), 200
    )
    assert submitted["status"] == "submitted"
    complete = ready_dossier(api, training)  # every document verified: no case

    def cases_of(trainee_id: str) -> list[dict[str, Any]]:
        listed = check(
            api.client.get(
                "/v1/cases?category=dossier_incomplete&page_size=200",
                headers=api.headers("relation_usagers"),
            ),
            200,
        )
        return [item for item in listed["items"] if item["trainee_id"] == trainee_id]

    with api.session() as session, session.begin():
        run_case_jobs(session, now=datetime(2024, 7, 11, 21, tzinfo=UTC))
    at(api, datetime(2024, 7, 11, 21, 30, tzinfo=UTC))
    assert cases_of(person["id"]) == []

    with api.session() as session, session.begin():
        run_case_jobs(session, now=datetime(2024, 7, 12, 5, tzinfo=UTC))
    at(api, datetime(2024, 7, 12, 6, tzinfo=UTC))
    found = cases_of(person["id"])
    assert len(found) == 1 and found[0]["status"] == "new"
    assert cases_of(complete["trainee"]["id"]) == []
    case = check(
        api.client.get(f"/v1/cases/{found[0]['id']}", headers=api.headers("relation_usagers")),
        200,
    )
    note = case["entries"][0]["body"]
    assert "5 jours ouvrés" in note
    assert "Pièces manquantes : attestation de carte Vitale, RIB." in note

    # Once per spell: running again opens nothing more.
    with api.session() as session, session.begin():
        run_case_jobs(session, now=datetime(2024, 7, 15, 5, tzinfo=UTC))
    assert len(cases_of(person["id"])) == 1
