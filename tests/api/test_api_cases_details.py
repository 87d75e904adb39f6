"""Case queue details through the HTTP API: the macros listed, French resolution labels, merges
that keep the messages with their dates, names instead of ids."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.api.builders import check, create_training, ready_dossier
from tests.api.test_api_cases_queue import at


def _post(api: Any, path: str, body: Any, role: str = "relation_usagers", **headers: str) -> Any:
    return api.client.post(path, json=body, headers=api.headers(role, **headers))


def _case(api: Any, trainee_id: str, subject: str) -> dict[str, Any]:
    body = {"category": "information", "channel": "phone", "subject": subject,
            "trainee_id": trainee_id}  # fmt: skip
    return dict(check(_post(api, "/v1/cases", body), 201))


def test_the_macros_are_listed_with_what_they_do(api: Any) -> None:
    macros = check(api.client.get("/v1/cases/macros", headers=api.headers("supervisor")), 200)
    by_key = {macro["key"]: macro for macro in macros}
    rib = by_key["rib_requested"]
    assert rib["label"] == "RIB demandé" and rib["status"] == "waiting_trainee"
    assert rib["sends_message"] and rib["reminder_calendar_days"] == 7
    assert "relance dans 7 jours" in rib["description"]
    assert by_key["document_requested"]["placeholders"] == ["document_name"]
    assert "à renseigner : document_name" in by_key["document_requested"]["description"]
    answered = by_key["payment_sent_answered"]
    assert "« réponse apportée »" in answered["description"]
    assert api.client.get("/v1/cases/macros", headers=api.headers("finance")).status_code == 403


def test_a_french_resolution_label_is_accepted_and_a_wrong_one_lists_the_codes(
    api: Any,
) -> None:
    at(api, datetime(2024, 6, 3, 7, tzinfo=UTC))
    dossier = ready_dossier(api, create_training(api, api.organisation_id))
    case = _case(api, dossier["trainee"]["id"], "Question sur l'avance")
    path = f"/v1/cases/{case['id']}/transitions"
    opened = check(_post(api, path, {"to": "open"}, **{"If-Match": f'"{case["version"]}"'}), 200)
    wrong = _post(
        api,
        path,
        {"to": "resolved", "reason": "réglé"},
        **{"If-Match": f'"{opened["version"]}"'},
    )
    assert wrong.status_code == 422
    message = wrong.json()["errors"][0]["message"]
    assert "answered (« réponse apportée »)" in message and "no_action_needed" in message
    resolved = check(
        _post(
            api,
            path,
            {"to": "resolved", "reason": "Réponse apportée"},
            **{"If-Match": f'"{opened["version"]}"'},
        ),
        200,
    )
    assert resolved["resolution_reason"] == "answered"
    # The views name people: the creator, the actors of the history.
    assert resolved["created_by"]["name"] != resolved["created_by"]["id"]
    named = [event["actor_name"] for event in resolved["events"] if event["actor_id"]]
    assert named and all(named)


def test_a_merge_moves_the_messages_with_their_dates(api: Any) -> None:
    at(api, datetime(2024, 6, 4, 7, tzinfo=UTC))
    dossier = ready_dossier(api, create_training(api, api.organisation_id))
    kept = _case(api, dossier["trainee"]["id"], "Paiement de mai")
    other = _case(api, dossier["trainee"]["id"], "Paiement de mai (courriel)")
    message = check(
        _post(
            api,
            f"/v1/cases/{other['id']}/messages",
            {"direction": "inbound", "channel": "email", "body": "Je n'ai rien reçu en mai."},
        ),
        201,
    )
    written = next(e for e in message["entries"] if e["kind"] == "message")
    at(api, datetime(2024, 6, 5, 7, tzinfo=UTC))
    merged = check(
        _post(
            api,
            f"/v1/cases/{other['id']}/merge",
            {"into": kept["reference"]},
            **{"If-Match": f'"{message["version"]}"'},
        ),
        200,
    )
    moved = [e for e in merged["entries"] if e["id"] == written["id"]]
    assert moved and moved[0]["created_at"] == written["created_at"]
    assert moved[0]["body"] == "Je n'ai rien reçu en mai."
    assert any("messages et notes y sont repris" in e["body"] for e in merged["entries"])
