"""The case queue through the HTTP API only: a phone call from a trainee, end to end, with the
service-level figures the calendar gives; errors, ETags, idempotency and the trainee's file."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from api.settings import issue_token
from remuneration.db.models import User
from tests.api.builders import check, create_training, ready_dossier

REFERENCE = re.compile(r"^C-2024-\d{6}$")


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


def at(api: Any, moment: datetime) -> None:
    """Move the application's clock and give every role a token valid at that moment."""
    api.clock.now = moment
    with api.session() as session:
        for user in session.scalars(select(User).where(User.name.like("test-%"))):
            key = user.name.removeprefix("test-")
            api.tokens[key] = issue_token(api.settings, user=user, now=moment)


@pytest.fixture(scope="module")
def demo_trainee(api: Any) -> dict[str, Any]:
    """A trainee like the demo's: verified documents, a granted dossier with its decision."""
    at(api, utc(5, 6, 8))
    training = create_training(api, api.organisation_id)
    dossier = ready_dossier(api, training)
    check(
        api.client.post(
            f"/v1/dossiers/{dossier['id']}/decisions",
            json={"as_of": "2024-05-06"},
            headers=api.headers("instructor"),
        ),
        201,
    )
    return dossier


def _clock(case: dict[str, Any], name: str, index: int = 0) -> Any:
    return [clock for clock in case["clocks"] if clock["clock"] == name][index]


def _post(api: Any, path: str, body: Any, role: str = "relation_usagers", **headers: str) -> Any:
    return api.client.post(path, json=body, headers=api.headers(role, **headers))


def test_a_phone_call_claimed_waiting_then_resolved_gives_the_calendar_figures(
    api: Any, demo_trainee: dict[str, Any]
) -> None:
    # Tuesday 7 May 2024, 16:00 in Paris; 8 and 9 May are public holidays (Victoire 1945,
    # Ascension), 20 May too (Whit Monday). Opening hours 9:00-12:30, 13:30-17:00 (7 h a day).
    at(api, utc(5, 7, 14))
    created = _post(
        api,
        "/v1/cases",
        {
            "category": "payment_missing",
            "channel": "phone",
            "subject": "Paiement d'avril non reçu",
            "description": "La stagiaire appelle : le paiement d'avril n'est pas arrivé.",
            "dossier_id": demo_trainee["id"],
        },
    )
    case = check(created, 201)
    assert REFERENCE.match(case["reference"])
    assert created.headers["Location"] == f"/v1/cases/{case['id']}"
    assert created.headers["ETag"] == f'"{case["version"]}"'
    assert (case["status"], case["channel"], case["priority"]) == ("new", "phone", "normal")
    assert case["trainee_id"] == demo_trainee["trainee"]["id"]
    # First response 21 business hours: 1 h on Tuesday, 7 h on Friday 10 and Monday 13,
    # 6 h on Tuesday 14 → 16:00 Paris. Resolution 70 h → Friday 24 May, 16:00 Paris.
    assert _clock(case, "first_response")["due"] == "2024-05-14T14:00:00Z"
    assert _clock(case, "resolution")["due"] == "2024-05-24T14:00:00Z"
    assert case["due_at"] == "2024-05-14T14:00:00Z"

    file = case["file"]
    assert file["trainee"]["last_name"] == "Dupont"
    [dossier] = file["dossiers"]
    assert [decision["number"] for decision in dossier["decisions"]] == [1]
    rib = next(d for d in dossier["documents"] if d["kind"] == "rib")
    assert "iban" not in rib and rib["iban_masked"].startswith("FR76 ****")
    assert demo_trainee["iban"] not in created.text
    assert file["payments"] == []

    at(api, utc(5, 7, 14, 10))
    claimed = check(_post(api, f"/v1/cases/{case['reference']}/claim", None), 200)
    assert claimed["status"] == "open" and claimed["assignee"]["name"] == "test-relation_usagers"

    at(api, utc(5, 7, 14, 30))
    answered = check(
        _post(
            api,
            f"/v1/cases/{case['id']}/messages",
            {"direction": "outbound", "channel": "phone", "body": "Nous vérifions et rappelons."},
        ),
        201,
    )
    path = f"/v1/cases/{case['id']}/transitions"
    waiting = {"to": "waiting_trainee"}
    assert _post(api, path, waiting).status_code == 428
    stale = _post(api, path, waiting, **{"If-Match": f'"{claimed["version"]}"'})
    assert stale.status_code == 412
    waited = check(
        _post(api, path, waiting, **{"If-Match": f'"{answered["version"]}"'}),
        200,
    )
    assert waited["status"] == "waiting_trainee"
    assert _clock(waited, "resolution")["state"] == "paused"
    assert _clock(waited, "resolution")["due"] is None
    assert _clock(waited, "first_response")["used_seconds"] == 30 * 60

    at(api, utc(5, 13, 8))  # Monday 13 May, 10:00 Paris
    resumed = check(
        _post(
            api,
            f"/v1/cases/{case['id']}/messages",
            {"direction": "inbound", "channel": "email", "body": "Voici mon nouveau RIB."},
        ),
        201,
    )
    assert resumed["status"] == "open"

    at(api, utc(5, 13, 13))  # 15:00 Paris
    resolved = check(
        _post(
            api,
            path,
            {"to": "resolved", "reason": "answered"},
            **{"If-Match": f'"{resumed["version"]}"'},
        ),
        200,
    )
    assert (resolved["status"], resolved["resolution_reason"]) == ("resolved", "answered")
    first = _clock(resolved, "first_response")
    assert (first["state"], first["used_seconds"], first["target_seconds"]) == (
        "met",
        1800,
        21 * 3600,
    )
    following = _clock(resolved, "next_response")
    assert (following["state"], following["used_seconds"]) == ("met", 4 * 3600)
    resolution = _clock(resolved, "resolution")
    # 30 min before the pause + 10:00-12:30 and 13:30-15:00 on Monday = 4 h 30.
    assert (resolution["state"], resolution["used_seconds"]) == ("met", 16200)
    assert resolution["remaining_seconds"] == 70 * 3600 - 16200
    assert resolution["percent_used"] == "6.43"
    # The deadline it had: 65 h 30 after Monday 15:00 → Tuesday 28 May, 9:30 Paris.
    assert resolution["due"] == "2024-05-28T07:30:00Z"
    assert resolved["milestones"]["waiting_since"] is None
    assert resolved["milestones"]["resumed_at"] == "2024-05-13T08:00:00Z"
    assert [event["action"] for event in resolved["events"]][-1] == "status_changed"

    read = api.client.get(f"/v1/cases/{case['id']}", headers=api.headers("supervisor"))
    assert check(read, 200)["version"] == resolved["version"]
    assert read.headers["ETag"] == f'"{resolved["version"]}"'


def test_refusals_are_french_problems(api: Any, demo_trainee: dict[str, Any]) -> None:
    at(api, utc(5, 14, 8))
    case = check(
        _post(
            api,
            "/v1/cases",
            {
                "category": "complaint",
                "channel": "mail",
                "subject": "Réclamation",
                "trainee_id": demo_trainee["trainee"]["id"],
            },
        ),
        201,
    )
    etag = {"If-Match": f'"{case["version"]}"'}
    path = f"/v1/cases/{case['id']}/transitions"
    illegal = _post(api, path, {"to": "closed"}, **etag)
    assert illegal.status_code == 409
    assert illegal.headers["content-type"].startswith("application/problem+json")
    problem = illegal.json()
    assert problem["code"] == "case_illegal_transition"
    assert problem["detail"].startswith("Impossible de passer le dossier de « nouveau » à « clos »")
    opened = check(_post(api, path, {"to": "open"}, **etag), 200)
    etag = {"If-Match": f'"{opened["version"]}"'}
    missing = _post(api, path, {"to": "resolved"}, **etag)
    assert (missing.status_code, missing.json()["code"]) == (422, "case_resolution_reason")
    unwritten = _post(api, path, {"to": "resolved", "reason": "answered"}, **etag)
    assert (unwritten.status_code, unwritten.json()["code"]) == (
        409,
        "case_written_answer_required",
    )
    unknown = api.client.get("/v1/cases/C-2024-999999", headers=api.headers("supervisor"))
    assert (unknown.status_code, unknown.json()["code"]) == (404, "case_not_found")
    server_owned = _post(
        api,
        "/v1/cases",
        {
            "category": "other",
            "channel": "system",
            "subject": "x",
            "trainee_id": demo_trainee["trainee"]["id"],
            "status": "resolved",
        },
    )
    assert server_owned.status_code == 422
    assert {e["path"] for e in server_owned.json()["errors"]} == {"channel", "status"}


def test_duplicate_warning_idempotent_creation_and_merge(
    api: Any, demo_trainee: dict[str, Any]
) -> None:
    at(api, utc(5, 15, 8))
    body = {
        "category": "overpayment",
        "channel": "email",
        "subject": "Lettre de trop-perçu",
        "trainee_id": demo_trainee["trainee"]["id"],
    }
    first = check(_post(api, "/v1/cases", body, **{"Idempotency-Key": "case-0001"}), 201)
    replay = _post(api, "/v1/cases", body, **{"Idempotency-Key": "case-0001"})
    assert replay.status_code == 201 and replay.json()["id"] == first["id"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert first["warnings"] == []
    second = check(_post(api, "/v1/cases", body), 201)
    assert second["warnings"] == [
        "Ce stagiaire a déjà un dossier en cours pour le motif « trop-perçu » : "
        f"{first['reference']}. Vérifiez qu'il ne s'agit pas de la même demande."
    ]
    merge_path = f"/v1/cases/{second['id']}/merge"
    assert _post(api, merge_path, {"into": first["reference"]}).status_code == 428
    kept = check(
        _post(
            api,
            merge_path,
            {"into": first["reference"], "note": "Même courriel."},
            **{"If-Match": f'"{second["version"]}"'},
        ),
        200,
    )
    assert kept["id"] == first["id"]
    assert any(second["reference"] in entry["body"] for entry in kept["entries"])
    merged = check(
        api.client.get(merge_path[: -len("/merge")], headers=api.headers("supervisor")), 200
    )
    assert (merged["status"], merged["merged_into"]) == ("merged", first["reference"])
    again = _post(
        api,
        f"/v1/cases/{second['id']}/transitions",
        {"to": "open"},
        **{"If-Match": f'"{merged["version"]}"'},
    )
    assert again.status_code == 409 and "définitive" in again.json()["detail"]
