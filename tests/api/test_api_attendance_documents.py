"""Attendance statements (corrections until paid, audited) and documents (type, size, reasons)."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import pytest
from sqlalchemy import select, update

from remuneration.db.models import AttendanceStatementLine, AuditEvent
from tests.api.builders import check, create_training, ready_dossier


@pytest.fixture(scope="module")
def setting(api: Any) -> dict[str, Any]:
    training = create_training(api, api.organisation_id)
    first = ready_dossier(api, training)
    second = ready_dossier(
        api, training, last_name="Martin", first_names="Paul", sex="M", birth_date="1985-11-02"
    )
    return {"training": training, "dossiers": [first, second]}


def _entry(dossier_id: str, attended: str = "98") -> dict[str, Any]:
    absent = str(105 - float(attended))
    return {
        "dossier_id": dossier_id,
        "scheduled_hours": "105",
        "attended_hours": attended,
        "justified_absence_hours": "0",
        "unjustified_absence_hours": absent,
    }


def test_statement_is_corrected_with_if_match_until_paid(api: Any, setting: dict[str, Any]) -> None:
    path = f"/v1/trainings/{setting['training']['id']}/attendance/2024-04"
    ids = [d["id"] for d in setting["dossiers"]]
    org = api.headers("organisation")
    created = api.client.put(path, json={"entries": [_entry(i) for i in ids]}, headers=org)
    assert created.status_code == 201
    etag = created.headers["ETag"]
    assert api.client.put(path, json={"entries": [_entry(ids[0])]}, headers=org).status_code == 428

    corrected = api.client.put(
        path,
        json={"entries": [_entry(ids[0], "101.5"), _entry(ids[1])]},
        headers={**org, "If-Match": etag},
    )
    body = check(corrected, 200)
    assert body["corrections"] == 1
    assert (
        api.client.put(
            path, json={"entries": [_entry(i) for i in ids]}, headers={**org, "If-Match": etag}
        ).status_code
        == 412
    )
    with api.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "attendance.corrected")
        ).one()
        assert event.after is not None and set(event.after) == {ids[0]}
        assert event.before is not None and event.before[ids[0]]["attended_hours"] == "98"
        session.execute(
            update(AttendanceStatementLine)
            .where(AttendanceStatementLine.dossier_id == uuid.UUID(ids[0]))
            .values(paid=True)
        )
        session.commit()
    current = api.client.get(path, headers=org)
    locked = api.client.put(
        path,
        json={"entries": [_entry(ids[0], "70"), _entry(ids[1])]},
        headers={**org, "If-Match": current.headers["ETag"]},
    )
    assert locked.status_code == 409 and locked.json()["code"] == "attendance_already_paid"
    unpaid = api.client.put(
        path,
        json={"entries": [_entry(ids[0], "101.5"), _entry(ids[1], "91")]},
        headers={**org, "If-Match": current.headers["ETag"]},
    )
    assert unpaid.status_code == 200


def test_inconsistent_statements_are_refused_with_paths(api: Any, setting: dict[str, Any]) -> None:
    training = setting["training"]["id"]
    ids = [d["id"] for d in setting["dossiers"]]
    bad = {
        "entries": [
            {**_entry(ids[0]), "attended_hours": "50"},
            {**_entry(ids[1]), "hours_outside_work": "120"},
            {**_entry(str(uuid.uuid4()))},
        ]
    }
    response = api.client.put(
        f"/v1/trainings/{training}/attendance/2024-05", json=bad, headers=api.headers("instructor")
    )
    assert response.status_code == 422
    paths = {error["path"] for error in response.json()["errors"]}
    assert {
        "entries[0].scheduled_hours",
        "entries[1].hours_outside_work",
        "entries[2].dossier_id",
    } <= paths
    outside = api.client.put(
        f"/v1/trainings/{training}/attendance/2025-01",
        json={"entries": []},
        headers=api.headers("instructor"),
    )
    assert outside.status_code == 422 and outside.json()["errors"][0]["path"] == "month"
    malformed = api.client.put(
        f"/v1/trainings/{training}/attendance/2024-13",
        json={"entries": []},
        headers=api.headers("instructor"),
    )
    assert malformed.status_code == 422
    for verb in ("put", "get"):
        no_such_year = api.client.request(
            verb.upper(),
            f"/v1/trainings/{training}/attendance/0000-01",
            json={"entries": []} if verb == "put" else None,
            headers=api.headers("instructor"),
        )
        assert no_such_year.status_code == 422, no_such_year.text
        assert no_such_year.headers["content-type"].startswith("application/problem+json")
        assert no_such_year.json()["errors"][0]["path"] == "month"


def test_uploads_are_checked_by_content_and_size(api: Any, setting: dict[str, Any]) -> None:
    dossier = setting["dossiers"][0]["id"]
    path = f"/v1/dossiers/{dossier}"

    def put(payload: bytes) -> Any:
        etag = api.client.get(path, headers=api.headers("instructor")).headers["ETag"]
        return api.client.put(
            f"{path}/documents/rib",
            json={"file_base64": base64.b64encode(payload).decode()},
            headers=api.headers("instructor", **{"If-Match": etag}),
        )

    refused = put(b"MZ\x90\x00 not a pdf")
    assert refused.status_code == 415, refused.text
    too_big = b"%PDF-" + b"0" * (api.settings.max_upload_bytes + 1)
    assert put(too_big).status_code == 413
    png = put(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert png.status_code == 200 and png.json()["file"]["content_type"] == "image/png"


def test_an_iban_change_needs_a_reason_and_is_audited(api: Any, setting: dict[str, Any]) -> None:
    dossier = setting["dossiers"][1]
    path = f"/v1/dossiers/{dossier['id']}"
    new_iban = "FR7630006000011234567890189"

    def put(body: dict[str, Any], role: str = "instructor") -> Any:
        etag = api.client.get(path, headers=api.headers("instructor")).headers["ETag"]
        return api.client.put(
            f"{path}/documents/rib", json=body, headers=api.headers(role, **{"If-Match": etag})
        )

    refused = put({"iban": new_iban, "holder": "M MARTIN PAUL"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["path"] == "rib.change_reason"
    assert (
        put(
            {"iban": new_iban, "holder": "M MARTIN PAUL", "verified": True}, role="relation_usagers"
        ).status_code
        == 403
    )
    recorded = put(
        {
            "iban": new_iban,
            "holder": "M MARTIN PAUL",
            "change_reason": "Nouveau compte signalé par téléphone",
        },
        role="relation_usagers",
    )
    body = check(recorded, 200)
    assert body["verification_status"] == "received" and body["iban_changed_at"] is not None
    with api.session() as session:
        change = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "document.iban_changed")
        ).one()
    assert change.after is not None and new_iban not in str(change.after)
    assert change.after["reason"] == "Nouveau compte signalé par téléphone"
    dossier_now = check(api.client.get(path, headers=api.headers("instructor")), 200)
    assert dossier_now["status"] == "incomplete"  # an unverified RIB does not count


def test_malformed_requests_get_problems_not_stack_traces(api: Any) -> None:
    broken = api.client.post(
        "/v1/trainees",
        content=b"{not json",
        headers={**api.headers("instructor"), "Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    assert broken.headers["content-type"].startswith("application/problem+json")
    wrong = api.client.post(
        "/v1/trainees",
        json={
            "last_name": "A" * 101,
            "first_names": 3,
            "birth_date": "x",
            "sex": "X",
            "status": "granted",
        },
        headers=api.headers("instructor"),
    )
    problem = wrong.json()
    assert wrong.status_code == 422 and problem["request_id"]
    assert {e["path"] for e in problem["errors"]} >= {
        "last_name",
        "first_names",
        "birth_date",
        "sex",
        "status",
    }
    assert all(e["message"] for e in problem["errors"])
    assert api.client.get("/v1/nothing", headers=api.headers("instructor")).status_code == 404
    assert (
        api.client.delete(
            "/v1/trainees/" + str(uuid.uuid4()), headers=api.headers("instructor")
        ).status_code
        == 405
    )
