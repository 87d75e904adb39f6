"""Safety under retries and concurrency: ETag / If-Match, Idempotency-Key, conditional
transitions (ten identical concurrent decision requests give one decision), failed commits."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from remuneration.db.models import Decision, IdempotencyRecord, Trainee
from remuneration.services.idempotency import claim_key
from tests.api.builders import check, create_training, ready_dossier, trainee_body


@pytest.fixture(scope="module")
def training(api: Any) -> Any:
    return create_training(api, api.organisation_id)


def test_dossier_changes_need_the_current_etag(api: Any, training: dict[str, Any]) -> None:
    dossier = ready_dossier(api, training)
    path = f"/v1/dossiers/{dossier['id']}"
    read = api.client.get(path, headers=api.headers("instructor"))
    etag = read.headers["ETag"]
    assert etag == f'"{read.json()["version"]}"'

    missing = api.client.patch(path, json={"distance_km": "12"}, headers=api.headers("instructor"))
    assert missing.status_code == 428
    assert missing.json()["code"] == "precondition_required"
    changed = api.client.patch(
        path, json={"distance_km": "12"}, headers=api.headers("instructor", **{"If-Match": etag})
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    stale = api.client.patch(
        path, json={"distance_km": "13"}, headers=api.headers("instructor", **{"If-Match": etag})
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale_version"
    document = api.client.put(
        f"{path}/documents/identity",
        json={"number": "AB12345"},
        headers=api.headers("instructor", **{"If-Match": etag}),
    )
    assert document.status_code == 412
    assert (
        api.client.put(
            f"{path}/documents/identity",
            json={"number": "AB12345"},
            headers=api.headers("instructor"),
        ).status_code
        == 428
    )
    after = check(api.client.get(path, headers=api.headers("instructor")), 200)
    assert after["facts"]["distance_km"] == "12.00"


def _count_trainees(api: Any) -> int:
    with api.session() as session:
        return session.scalar(select(func.count()).select_from(Trainee)) or 0


def test_idempotency_key_replays_refuses_other_bodies_and_running_requests(api: Any) -> None:
    headers = api.headers("instructor", **{"Idempotency-Key": "creation-0001"})
    before = _count_trainees(api)
    body = trainee_body(last_name="Idem")
    first = api.client.post("/v1/trainees", json=body, headers=headers)
    again = api.client.post("/v1/trainees", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert _count_trainees(api) == before + 1

    other = api.client.post("/v1/trainees", json=trainee_body(last_name="Autre"), headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"

    # Another caller may use the same key: keys are scoped to the caller.
    mine = api.client.post(
        "/v1/trainees",
        json=trainee_body(last_name="Idem"),
        headers=api.headers("supervisor", **{"Idempotency-Key": "creation-0001"}),
    )
    assert mine.status_code == 201 and mine.json()["id"] != first.json()["id"]

    with api.session() as session:
        scopes = session.scalars(
            select(IdempotencyRecord.scope).where(IdempotencyRecord.key == "creation-0001")
        ).all()
    assert len(set(scopes)) == 2


def test_a_key_being_processed_answers_409(api: Any) -> None:
    from remuneration.db.models import User

    with api.session() as session:
        instructor = session.scalar(select(User).where(User.name == "test-instructor"))
        assert instructor is not None
        scope = f"user:{instructor.id}"
    import hashlib
    import json

    body = trainee_body(last_name="EnCours")
    from api.http.schemas.catalogue import TraineeCreate

    canonical = json.dumps(
        TraineeCreate(**body).model_dump(mode="json"),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    with api.session() as session:
        claim_key(
            session,
            scope=scope,
            key="busy-key",
            method="POST",
            path="/v1/trainees",
            request_hash=hashlib.sha256(canonical.encode()).hexdigest(),
            now=api.clock.now,
        )
    response = api.client.post(
        "/v1/trainees",
        json=body,
        headers=api.headers("instructor", **{"Idempotency-Key": "busy-key"}),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_progress"


def test_ten_concurrent_identical_decisions_give_one_decision(
    api: Any, training: dict[str, Any]
) -> None:
    dossier = ready_dossier(api, training)
    path = f"/v1/dossiers/{dossier['id']}/decisions"
    barrier = threading.Barrier(10)
    statuses: list[int] = []
    lock = threading.Lock()

    def decide() -> None:
        barrier.wait()
        response = api.client.post(
            path, json={"as_of": "2024-06-15"}, headers=api.headers("instructor")
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=decide) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {200, 201, 409}, statuses
    with api.session() as session:
        count = session.scalar(
            select(func.count())
            .select_from(Decision)
            .where(Decision.dossier_id == uuid.UUID(dossier["id"]))
        )
    assert count == 1


def test_a_failed_commit_never_answers_2xx(api: Any) -> None:
    def refuse(session: Session) -> None:
        raise RuntimeError("disk full")

    before = _count_trainees(api)
    event.listen(Session, "before_commit", refuse)
    try:
        response = api.client.post(
            "/v1/trainees",
            json=trainee_body(last_name="Perdu"),
            headers=api.headers("instructor", **{"Idempotency-Key": "lost-1"}),
        )
    finally:
        event.remove(Session, "before_commit", refuse)
    assert response.status_code == 500
    problem = response.json()
    assert problem["code"] == "internal_error" and "Traceback" not in response.text
    assert "disk full" not in response.text
    assert _count_trainees(api) == before
    retry = api.client.post(
        "/v1/trainees",
        json=trainee_body(last_name="Perdu"),
        headers=api.headers("instructor", **{"Idempotency-Key": "lost-1"}),
    )
    assert retry.status_code == 201
