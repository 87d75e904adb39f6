"""Issue 11's attacks, replayed against the ASGI application (SQLite, and PostgreSQL when
`REMU_TEST_DATABASE_URL` is set), beside the classic ones that held."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import uuid
from collections.abc import MutableMapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.http.middleware import BodyLimits, RequestContextMiddleware
from api.settings import issue_token
from remuneration.db.models import AuditEvent, Document, DocumentVersion, User
from remuneration.logs import configure_logging
from remuneration.services.users import create_api_key
from tests.api.builders import check, create_training, ready_dossier, trainee_body
from tests.security.catalogue_check import assert_catalogued

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "rules" / "examples"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _json(api: Any, role: str, **extra: str) -> dict[str, str]:
    headers: dict[str, str] = api.headers(role, **{"Content-Type": "application/json", **extra})
    return headers


def _example() -> dict[str, Any]:
    path = EXAMPLES_DIR / "01-granted-full-time-with-aids.json"
    request: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["request"]
    return request


# 1. A chunked body is refused on the bytes read, before authentication.


def _endless_receive(chunk: int, counter: list[int]) -> Any:
    async def receive() -> dict[str, Any]:
        counter[0] += chunk
        return {"type": "http.request", "body": b"x" * chunk, "more_body": True}

    return receive


def test_a_chunked_body_is_cut_at_the_limit_before_authentication(api: Any) -> None:
    reached: list[str] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:  # the routes, never reached
        reached.append(scope["path"])

    guard = RequestContextMiddleware(
        app, limits=BodyLimits(default_bytes=1024 * 1024, upload_bytes=8 * 1024 * 1024)
    )
    read = [0]
    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/trainees",
        "headers": [(b"transfer-encoding", b"chunked"), (b"content-type", b"application/json")],
    }
    asyncio.run(guard(scope, _endless_receive(64 * 1024, read), send))
    assert sent[0]["status"] == 413 and not reached
    assert read[0] <= 1024 * 1024 + 64 * 1024  # an endless body: read up to the limit only
    upload = {**scope, "path": "/v1/dossiers/x/documents/identity"}
    read = [0]
    sent.clear()
    asyncio.run(guard(upload, _endless_receive(64 * 1024, read), send))
    assert sent[0]["status"] == 413 and 8 * 1024 * 1024 < read[0] <= 8 * 1024 * 1024 + 65536


def test_chunked_and_declared_bodies_get_413_through_the_app(api: Any) -> None:
    big = b'{"last_name": "' + b"A" * (2 * 1024 * 1024) + b'"}'

    def chunks() -> Any:
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    streamed = api.client.post(
        "/v1/trainees", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert assert_catalogued(streamed)["code"] == "request_too_large"
    declared = api.client.post("/v1/trainees", content=big, headers=_json(api, "instructor"))
    assert declared.status_code == 413


def test_uploads_keep_their_larger_limit(api: Any) -> None:
    training = create_training(api, api.organisation_id)
    dossier = ready_dossier(api, training)
    path = f"/v1/dossiers/{dossier['id']}"
    etag = api.client.get(path, headers=api.headers("instructor")).headers["ETag"]
    pdf = PDF + b"%" + b"0" * (1536 * 1024) + b"\n"  # 1.5 MiB: above the JSON limit
    stored = api.client.put(
        f"{path}/documents/identity",
        json={"file_base64": base64.b64encode(pdf).decode(), "verified": False},
        headers=api.headers("instructor", **{"If-Match": etag}),
    )
    assert stored.status_code == 200, stored.text


# 2 and 3. Deep JSON and huge numbers: 422 with the path (HTTP), exit 2 (CLI), never a crash.


@pytest.mark.parametrize(
    ("document", "path"),
    [
        (b'{"a":' * 3000 + b"1" + b"}" * 3000, ".".join(["a"] * 64)),
        (b"[" * 1000 + b"]" * 1000, "[0]" * 64),
    ],
    ids=["objects", "arrays"],
)
def test_deep_json_is_an_input_error_with_its_path(api: Any, document: bytes, path: str) -> None:
    for route in ("/v1/evaluations", "/v1/trainees"):
        response = api.client.post(route, content=document, headers=_json(api, "instructor"))
        assert response.status_code == 422
        body = assert_catalogued(response)
        assert body["errors"][0] == {
            "path": path,
            "code": "json_too_deep",
            "message": "imbrication trop profonde (au plus 64 niveaux)",
        }


def _with(path: tuple[str | int, ...], value: Any) -> str:
    request = _example()
    target: Any = request
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = "@@" if isinstance(value, str) and value.isdigit() else value
    return json.dumps(request).replace('"@@"', str(value))


@pytest.mark.parametrize(
    ("raw", "path", "code"),
    [
        (
            _with(("aid_requests", 0, "invoice_amount"), "1E+400"),
            "aid_requests[0].invoice_amount",
            "money_range",
        ),
        (_with(("training", "distance_km"), 1e308), "training.distance_km", "too_large"),
        (_with(("training", "total_hours"), "9" * 5000), "training.total_hours", "number_too_long"),
    ],
    ids=["decimal-text", "float", "5000-digit-integer"],
)
def test_huge_numbers_are_input_errors(api: Any, raw: str, path: str, code: str) -> None:
    response = api.client.post("/v1/evaluations", content=raw, headers=_json(api, "instructor"))
    assert response.status_code == 422, response.text
    body = assert_catalogued(response)
    assert {"path": path, "code": code} == {k: body["errors"][0][k] for k in ("path", "code")}
    assert "sys." not in response.text and "Python" not in response.text


# 5. Replaced uploads leave no file that no row names: the current file is the document's, the
# earlier ones belong to its history (document_versions), which the retention purge reaches.


def test_replacing_an_upload_leaves_no_file_that_no_row_names(api: Any) -> None:
    training = create_training(api, api.organisation_id)
    dossier = ready_dossier(api, training)
    path = f"/v1/dossiers/{dossier['id']}"
    store = api.settings.document_store_dir
    before = set(store.iterdir()) if store.exists() else set()
    for _ in range(5):
        etag = api.client.get(path, headers=api.headers("instructor")).headers["ETag"]
        check(
            api.client.put(
                f"{path}/documents/identity",
                json={"file_base64": base64.b64encode(PDF).decode(), "verified": False},
                headers=api.headers("instructor", **{"If-Match": etag}),
            ),
            200,
        )
    added = set(store.iterdir()) - before
    with api.session() as session:
        current = set(session.scalars(select(Document.stored_name)))
        history = set(session.scalars(select(DocumentVersion.stored_name)))
    assert len(added) == 5
    assert {p.name for p in added} <= current | history
    assert len({p.name for p in added} & current) == 1


# 6. If-Match: * does not skip the lost-update check.


def test_if_match_star_is_refused(api: Any) -> None:
    training = create_training(api, api.organisation_id)
    dossier = ready_dossier(api, training)
    path = f"/v1/dossiers/{dossier['id']}"
    for value in ("*", "W/*", "abc"):
        response = api.client.patch(
            path,
            json={"distance_km": "12"},
            headers=api.headers("instructor", **{"If-Match": value}),
        )
        assert response.status_code == 428, response.text
        assert "version précise" in assert_catalogued(response)["detail"]


# 7. Accounts: a deactivated user's tokens and keys stop at once; reveals are audited.


def _asks(api: Any, credential: str) -> list[int]:
    """The statuses of a dossier list and of a stateless evaluation (its account is read
    another way: accounts.AccountReader) made with `credential`."""
    header = {"Authorization": f"Bearer {credential}"}
    listed = api.client.get("/v1/dossiers", headers=header)
    evaluated = api.client.post(
        "/v1/evaluations",
        content=json.dumps(_example()).encode(),
        headers={**header, "Content-Type": "application/json"},
    )
    for refused in (r for r in (listed, evaluated) if r.status_code == 401):
        assert_catalogued(refused)
    return [listed.status_code, evaluated.status_code]


def test_a_deactivated_user_is_refused_at_once(api: Any) -> None:
    from remuneration.services.users import deactivate_user

    with api.session() as session, session.begin():
        user = User(
            id=uuid.uuid4(),
            name=f"leaver-{uuid.uuid4().hex[:6]}",
            display_name="Leaver",
            role="instructor",
            organisation_id=None,
            active=True,
            created_at=api.clock.now,
        )
        session.add(user)
        session.flush()
        key = create_api_key(session, user=user, label="test", now=api.clock.now).key
        token = issue_token(api.settings, user=user, now=api.clock.now, ttl=timedelta(hours=1))
        name = user.name
    for credential in (token, key):
        assert _asks(api, credential) == [200, 200]
    with api.session() as session, session.begin():
        deactivate_user(session, name)
    for credential in (token, key):
        assert _asks(api, credential) == [401, 401]


def test_a_revoked_api_key_is_refused_at_once(api: Any) -> None:
    from remuneration.services.users import revoke_api_key

    with api.session() as session, session.begin():
        user = session.scalars(select(User).where(User.role == "supervisor")).first()
        assert user is not None
        issued = create_api_key(session, user=user, label="revoked", now=api.clock.now)
    assert _asks(api, issued.key) == [200, 200]
    with api.session() as session, session.begin():
        revoke_api_key(session, issued.token.prefix, now=api.clock.now)
    assert _asks(api, issued.key) == [401, 401]


def test_a_token_checked_once_is_still_checked_on_every_request(api: Any) -> None:
    """The token's signature is verified once per token string (kept in memory), but what can
    change is read again on every request: the account's role and state, and the clock."""
    with api.session() as session, session.begin():
        user = User(
            id=uuid.uuid4(),
            name=f"mover-{uuid.uuid4().hex[:6]}",
            display_name="Mover",
            role="instructor",
            organisation_id=None,
            active=True,
            created_at=api.clock.now,
        )
        session.add(user)
        session.flush()
        token = issue_token(api.settings, user=user, now=api.clock.now, ttl=timedelta(hours=1))
        user_id = user.id
    assert _asks(api, token) == [200, 200]
    # The same token with one character of its signature changed is another string: refused.
    forged = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert _asks(api, forged) == [401, 401]
    # The role named by the token no longer matches the account: refused at once.
    with api.session() as session, session.begin():
        session.get_one(User, user_id).role = "finance"
    assert _asks(api, token) == [401, 401]
    with api.session() as session, session.begin():
        session.get_one(User, user_id).role = "instructor"
    assert _asks(api, token) == [200, 200]
    # Deleted: refused at once.
    with api.session() as session, session.begin():
        session.delete(session.get_one(User, user_id))
    assert _asks(api, token) == [401, 401]
    with api.session() as session, session.begin():
        session.add(
            User(
                id=user_id,
                name=f"mover-{uuid.uuid4().hex[:6]}",
                display_name="Mover",
                role="instructor",
                organisation_id=None,
                active=True,
                created_at=api.clock.now,
            )
        )
    assert _asks(api, token) == [200, 200]
    # Expiry is checked against the clock on every request, not when the token was first seen.
    start = api.clock.now
    try:
        api.clock.now = start + timedelta(hours=1, seconds=1)
        assert _asks(api, token) == [401, 401]
    finally:
        api.clock.now = start


def test_nir_reveal_is_audited(api: Any) -> None:
    training = create_training(api, api.organisation_id)
    dossier = ready_dossier(api, training)
    revealed = api.client.post(
        f"/v1/dossiers/{dossier['id']}/documents/vitale/nir-reveal",
        headers=api.headers("instructor"),
    )
    assert revealed.json() == {"nir": dossier["nir"]}
    assert revealed.headers["cache-control"] == "no-store"
    with api.session() as session:
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "nir.revealed",
                AuditEvent.dossier_id == uuid.UUID(dossier["id"]),
            )
        ).all()
    assert len(events) == 1 and events[0].actor_id is not None


# 8. Logs and problems.


def test_request_ids_holding_personal_data_are_replaced(api: Any) -> None:
    stream = io.StringIO()
    handler = configure_logging(stream=stream)
    try:
        response = api.client.get("/health/live", headers={"X-Request-ID": "290057654012387"})
        iban = "FR7630006000011234567890189"
        missing = api.client.get(f"/v1/payments/{iban}", headers=api.headers("finance"))
    finally:
        logging.getLogger().removeHandler(handler)
    assert response.headers["x-request-id"] != "290057654012387"
    logged = stream.getvalue()
    assert "290057654012387" not in logged and iban not in logged
    access = [json.loads(line) for line in logged.splitlines()]
    [line] = [r for r in access if r["logger"] == "remu.access" and "payments" in r["message"]]
    assert line["message"].startswith(f"GET {missing.status_code} ")


def test_plain_text_bodies_are_not_parsed_as_json(api: Any) -> None:
    response = api.client.post(
        "/v1/trainees",
        content=json.dumps({"last_name": "X"}),
        headers=api.headers("instructor", **{"Content-Type": "text/plain"}),
    )
    assert response.status_code == 415
    assert assert_catalogued(response)["code"] == "unsupported_media_type"


def test_wildcards_in_searches_are_searched_as_typed(api: Any) -> None:
    def total(text: str) -> int:
        found = api.client.get(
            "/v1/dossiers", params={"q": text}, headers=api.headers("instructor")
        )
        assert found.status_code == 200
        return int(found.json()["total"])

    training = create_training(api, api.organisation_id)
    ready_dossier(api, training, last_name="Ordinaire")
    assert total("%") == total("_") == 0
    ready_dossier(api, training, last_name="Sous_Tiret")
    assert total("_") == total("s_t") == 1
    assert total("r%") == 0


def test_personal_data_responses_are_not_cached(api: Any) -> None:
    training = create_training(api, api.organisation_id)
    dossier = ready_dossier(api, training)
    for role in ("instructor", "finance"):
        response = api.client.get(f"/v1/dossiers/{dossier['id']}", headers=api.headers(role))
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"


def test_an_unexpected_error_keeps_its_request_id(api: Any) -> None:
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    def refuse(session: Session) -> None:
        raise RuntimeError("disk full")

    event.listen(Session, "before_commit", refuse)
    try:
        response = api.client.post(
            "/v1/trainees",
            json=trainee_body(last_name="Perdu"),
            headers=api.headers("instructor", **{"X-Request-ID": "req-unexpected-1"}),
        )
    finally:
        event.remove(Session, "before_commit", refuse)
    assert response.status_code == 500
    body = assert_catalogued(response)
    assert body["request_id"] == "req-unexpected-1"
