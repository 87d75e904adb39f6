"""`GET /v1/dossiers/{id}` from the stored view: served while fresh, staled by every write that
feeds it (whatever service writes), never holding a clear NIR or IBAN, and checked against the
live view by the shadow mode that the whole suite runs with (``tests/conftest.py``)."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from api.composition import create_app
from api.settings import issue_token
from remuneration.db import view_stamps
from remuneration.db.models import DossierViewEpoch, StoredDossierView, Training, User
from remuneration.demo.data import make_iban
from tests.api.builders import (
    RNG,
    check,
    create_dossier,
    create_trainee,
    create_training,
    put_document,
    ready_dossier,
)
from tests.dbsupport import client_class


@pytest.fixture(scope="module")
def training(api: Any) -> dict[str, Any]:
    return dict(create_training(api, api.organisation_id))


@pytest.fixture
def dossier(api: Any, training: dict[str, Any]) -> dict[str, Any]:
    """A submitted dossier of a person of its own (fresh NIR and IBAN)."""
    name = f"Vue{uuid.uuid4().hex[:8]}"
    return ready_dossier(api, training, last_name=name, first_names="Anne")


def _read(api: Any, dossier_id: str, role: str = "instructor") -> dict[str, Any]:
    return dict(check(api.client.get(f"/v1/dossiers/{dossier_id}", headers=api.headers(role)), 200))


def _row(api: Any, dossier_id: str) -> tuple[StoredDossierView | None, int]:
    with api.session() as session:
        row = session.get(StoredDossierView, uuid.UUID(dossier_id))
        epoch = session.scalar(select(DossierViewEpoch.epoch).where(DossierViewEpoch.id == 1))
    assert epoch is not None
    return row, epoch


def _fresh(api: Any, dossier_id: str) -> bool:
    row, epoch = _row(api, dossier_id)
    return row is not None and row.body is not None and row.epoch == epoch


def _stored_then(api: Any, dossier_id: str) -> dict[str, Any]:
    """Read the dossier twice (the second read is served from the stored view) and check the
    stored view is fresh; returns the answer."""
    _read(api, dossier_id)
    assert _fresh(api, dossier_id)
    return _read(api, dossier_id)


def _etag(api: Any, path: str) -> str:
    return str(api.client.get(path, headers=api.headers("instructor")).headers["ETag"])


def test_a_read_stores_the_view_and_the_next_reads_are_served_from_it(
    api: Any, dossier: dict[str, Any]
) -> None:
    first = _read(api, dossier["id"])
    row, epoch = _row(api, dossier["id"])
    assert row is not None and row.body is not None and row.epoch == epoch
    assert json.loads(row.body) == first
    # Proof that a hit is served from the stored row: a body changed behind the application's
    # back is answered as stored (shadow mode off) ...
    tampered = {**first, "warnings": ["servi depuis la vue enregistrée"]}
    with api.session() as session:
        session.execute(
            update(StoredDossierView)
            .where(StoredDossierView.dossier_id == uuid.UUID(dossier["id"]))
            .values(body=json.dumps(tampered, ensure_ascii=False, separators=(",", ":")))
        )
        session.commit()
    quiet = create_app(
        api.settings.model_copy(update={"dossier_view_shadow": False}), clock=api.clock
    )
    with client_class()(quiet, raise_server_exceptions=False) as client:
        served = client.get(f"/v1/dossiers/{dossier['id']}", headers=api.headers("instructor"))
    quiet.state.engine.dispose()
    assert served.json()["warnings"] == ["servi depuis la vue enregistrée"]


def test_the_shadow_mode_fails_loudly_when_a_stored_view_differs(
    api: Any, dossier: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    first = _read(api, dossier["id"])
    with api.session() as session:
        session.execute(
            update(StoredDossierView)
            .where(StoredDossierView.dossier_id == uuid.UUID(dossier["id"]))
            .values(body=json.dumps({**first, "status": "granted"}, separators=(",", ":")))
        )
        session.commit()
    with caplog.at_level(logging.ERROR, logger="remu.api.dossier_views"):
        answer = api.client.get(f"/v1/dossiers/{dossier['id']}", headers=api.headers("instructor"))
    assert answer.status_code == 500
    assert "differs from the live one" in caplog.text


def test_the_stored_view_holds_no_clear_nir_or_iban_and_finance_still_gets_its_iban(
    api: Any, dossier: dict[str, Any]
) -> None:
    live = _read(api, dossier["id"], "finance")
    served = _read(api, dossier["id"], "finance")  # from the stored view
    assert served == live
    rib = next(d for d in served["documents"] if d["kind"] == "rib")
    assert rib["iban"] == dossier["iban"]
    assert all("iban" in d for d in served["documents"])
    row, _ = _row(api, dossier["id"])
    assert row is not None and row.body is not None
    assert dossier["iban"] not in row.body and dossier["nir"] not in row.body
    assert '"iban":' not in row.body and rib["iban_masked"] in row.body
    assert "iban" not in next(
        d for d in _read(api, dossier["id"])["documents"] if d["kind"] == "rib"
    )


def test_a_document_replaced_changes_the_next_read(api: Any, dossier: dict[str, Any]) -> None:
    before = _stored_then(api, dossier["id"])
    new_iban = make_iban(RNG)
    path = f"/v1/dossiers/{dossier['id']}"
    put_document(
        api,
        dossier["id"],
        "rib",
        _etag(api, path),
        {
            "verified": False,
            "iban": new_iban,
            "bic": "AGRIFRPP",
            "holder": "MME AUTRE",
            "change_reason": "Nouveau compte",
        },
    )
    assert not _fresh(api, dossier["id"])
    after = _read(api, dossier["id"])
    rib = next(d for d in after["documents"] if d["kind"] == "rib")
    assert rib != next(d for d in before["documents"] if d["kind"] == "rib")
    assert rib["verification_status"] == "received" and rib["previous_versions"] >= 1


def test_a_fact_patched_an_aid_request_and_an_exit_change_the_next_read(
    api: Any, dossier: dict[str, Any]
) -> None:
    path = f"/v1/dossiers/{dossier['id']}"
    _stored_then(api, dossier["id"])
    check(
        api.client.patch(
            path,
            json={"distance_km": "61"},
            headers=api.headers("instructor", **{"If-Match": _etag(api, path)}),
        ),
        200,
    )
    assert not _fresh(api, dossier["id"])
    assert _stored_then(api, dossier["id"])["facts"]["distance_km"] == "61.00"
    check(
        api.client.post(
            f"{path}/aid-requests",
            json={"kind": "equipment", "date": "2024-04-02", "invoice_amount": "320.00"},
            headers=api.headers("instructor"),
        ),
        201,
    )
    assert not _fresh(api, dossier["id"])
    assert len(_stored_then(api, dossier["id"])["aid_requests"]) == 1
    check(
        api.client.post(
            f"{path}/exit",
            json={"date": "2024-05-17", "reason": "legitimate"},
            headers=api.headers("instructor"),
        ),
        201,
    )
    assert not _fresh(api, dossier["id"])
    assert _read(api, dossier["id"])["exit"]["date"] == "2024-05-17"


def test_attendance_and_a_decision_change_the_next_read(
    api: Any, training: dict[str, Any], dossier: dict[str, Any]
) -> None:
    before = _stored_then(api, dossier["id"])
    check(
        api.client.put(
            f"/v1/trainings/{training['id']}/attendance/2024-04",
            json={
                "entries": [
                    {
                        "dossier_id": dossier["id"],
                        "scheduled_hours": "105",
                        "attended_hours": "98",
                        "justified_absence_hours": "0",
                        "unjustified_absence_hours": "7",
                    }
                ]
            },
            headers=api.headers("organisation"),
        ),
        201,
    )
    assert not _fresh(api, dossier["id"])
    _stored_then(api, dossier["id"])
    check(
        api.client.post(
            f"/v1/dossiers/{dossier['id']}/decisions", json={}, headers=api.headers("instructor")
        ),
        201,
    )
    assert not _fresh(api, dossier["id"])
    after = _read(api, dossier["id"])
    assert before["latest_decision"] is None and after["latest_decision"] is not None


def test_a_trainee_corrected_and_a_merge_change_the_next_read(
    api: Any, training: dict[str, Any], dossier: dict[str, Any]
) -> None:
    _stored_then(api, dossier["id"])
    path = f"/v1/trainees/{dossier['trainee']['id']}"
    check(
        api.client.patch(
            path,
            json={"last_name": "Corrigée"},
            headers=api.headers("instructor", **{"If-Match": _etag(api, path)}),
        ),
        200,
    )
    assert not _fresh(api, dossier["id"])
    assert _stored_then(api, dossier["id"])["trainee"]["last_name"] == "Corrigée"
    twin = create_trainee(
        api,
        last_name="Corrigée",
        first_names="Anne",
        birth_date=dossier["trainee"]["birth_date"],
    )
    elsewhere = create_training(api, api.organisation_id, title="Même période")
    twin_dossier, _ = create_dossier(api, elsewhere["id"], twin["id"])
    assert not _fresh(api, dossier["id"])  # a possible duplicate's dossier, same dates
    warned = _stored_then(api, dossier["id"])["warnings"]
    assert any("une autre fiche" in warning for warning in warned)
    check(
        api.client.post(
            f"{path}/merge",
            json={"duplicate_id": twin["id"], "reason": "Même personne"},
            headers=api.headers("supervisor"),
        ),
        200,
    )
    assert not _fresh(api, dossier["id"])
    merged = _read(api, dossier["id"])["warnings"]
    assert merged and all("ce stagiaire" in warning for warning in merged)
    assert _read(api, twin_dossier)["trainee"]["id"] == dossier["trainee"]["id"]


@pytest.mark.parametrize("kind", ["rib", "vitale"])
def test_another_person_sharing_the_iban_or_nir_changes_the_next_read(
    api: Any, training: dict[str, Any], dossier: dict[str, Any], kind: str
) -> None:
    before = _stored_then(api, dossier["id"])
    other = create_trainee(api, last_name="Tiers", first_names="Paul", sex="M")
    other_id, etag = create_dossier(api, training["id"], other["id"])
    body = (
        {"verified": False, "iban": dossier["iban"], "bic": "AGRIFRPP", "holder": "M TIERS"}
        if kind == "rib"
        else {"verified": False, "nir": dossier["nir"]}
    )
    put_document(api, other_id, kind, etag, body)
    assert not _fresh(api, dossier["id"])
    after = _read(api, dossier["id"])
    codes = {c["code"] for d in after["documents"] if d["kind"] == kind for c in d["checks"]}
    assert "POSSIBLE_DUPLICATE" in codes and after != before


def test_a_training_moved_changes_the_next_read(api: Any, dossier: dict[str, Any]) -> None:
    other_training = create_training(api, api.organisation_id, title="Autre formation")
    other_dossier, _ = create_dossier(api, other_training["id"], dossier["trainee"]["id"])
    assert _read(api, dossier["id"])["warnings"]  # the same person, the same dates
    _stored_then(api, dossier["id"])
    with api.session() as session:  # no route moves a training: the session, as a job would
        moved = session.get_one(Training, uuid.UUID(other_training["id"]))
        moved.start_date = moved.start_date.replace(year=2030)
        moved.end_date = moved.end_date.replace(year=2030)
        session.commit()
    assert not _fresh(api, dossier["id"])
    assert _read(api, dossier["id"])["warnings"] == []
    assert _read(api, other_dossier)["warnings"] == []


def test_a_new_day_stales_every_stored_view(api: Any, dossier: dict[str, Any]) -> None:
    _stored_then(api, dossier["id"])
    row, _ = _row(api, dossier["id"])
    assert row is not None and row.day is not None
    day = row.day
    api.clock.now += timedelta(days=1)
    with api.session() as session:
        user = session.scalars(select(User).where(User.name == "test-instructor")).one()
    headers = {"Authorization": f"Bearer {issue_token(api.settings, user=user, now=api.clock.now)}"}
    path = f"/v1/dossiers/{dossier['id']}"
    try:
        check(api.client.get(path, headers=headers), 200)  # a miss: built again, dated today
        row, _ = _row(api, dossier["id"])
        assert row is not None and row.day == day + timedelta(days=1)
        check(api.client.get(path, headers=headers), 200)  # served from it, shadow-checked
    finally:
        api.clock.now -= timedelta(days=1)


@pytest.fixture
def without_invalidation() -> Iterator[None]:
    event.remove(Session, "before_flush", view_stamps._before_flush)
    try:
        yield
    finally:
        event.listen(Session, "before_flush", view_stamps._before_flush)


def test_without_the_invalidation_a_stale_view_would_be_served_and_the_shadow_says_so(
    api: Any, dossier: dict[str, Any], without_invalidation: None
) -> None:
    path = f"/v1/dossiers/{dossier['id']}"
    _stored_then(api, dossier["id"])
    check(
        api.client.patch(
            path,
            json={"distance_km": "77"},
            headers=api.headers("instructor", **{"If-Match": _etag(api, path)}),
        ),
        200,
    )
    assert _fresh(api, dossier["id"])  # nothing staled it
    assert api.client.get(path, headers=api.headers("instructor")).status_code == 500
