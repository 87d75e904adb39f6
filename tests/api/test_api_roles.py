"""Every role against every route: function-level permissions, object-level perimeter, tokens."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import jwt
import pytest
from sqlalchemy import select

from api.settings import issue_token
from remuneration.db.models import User
from tests.api.builders import check, create_training, ready_dossier

ALL = {"instructor", "relation_usagers", "finance", "organisation", "supervisor", "admin"}
AGENTS = {"instructor", "supervisor"}
READERS = AGENTS | {"relation_usagers", "finance"}
CASE_WORKERS = {"relation_usagers", "supervisor"}

# (method, path) → roles allowed; written independently of api.http.security.PERMISSIONS.
MATRIX: dict[tuple[str, str], set[str]] = {
    ("POST", "/v1/organisations"): AGENTS | {"admin"},
    ("GET", "/v1/organisations/{organisation_id}"): ALL,
    ("POST", "/v1/trainings"): AGENTS | {"admin"},
    ("GET", "/v1/trainings/{training_id}"): ALL,
    ("GET", "/v1/trainings/{training_id}/trainees"): READERS | {"organisation"},
    ("POST", "/v1/trainees"): AGENTS,
    ("GET", "/v1/trainees/{trainee_id}"): READERS,
    ("PATCH", "/v1/trainees/{trainee_id}"): AGENTS | {"relation_usagers"},
    ("GET", "/v1/trainees/{trainee_id}/possible-duplicates"): READERS,
    ("POST", "/v1/trainees/{trainee_id}/merge"): {"supervisor"},
    ("POST", "/v1/search"): READERS,
    ("GET", "/v1/dossiers/{dossier_id}/documents/{kind}/file"): AGENTS | {"finance"},
    ("POST", "/v1/dossiers"): AGENTS,
    ("GET", "/v1/dossiers"): READERS,
    ("GET", "/v1/dossiers/{dossier_id}"): READERS,
    ("PATCH", "/v1/dossiers/{dossier_id}"): AGENTS,
    ("POST", "/v1/dossiers/{dossier_id}/submit"): AGENTS,
    ("POST", "/v1/dossiers/{dossier_id}/close"): AGENTS,
    ("POST", "/v1/dossiers/{dossier_id}/exit"): AGENTS,
    ("POST", "/v1/dossiers/{dossier_id}/aid-requests"): AGENTS,
    ("PUT", "/v1/dossiers/{dossier_id}/documents/identity"): AGENTS,
    ("PUT", "/v1/dossiers/{dossier_id}/documents/vitale"): AGENTS,
    ("PUT", "/v1/dossiers/{dossier_id}/documents/rib"): AGENTS | {"relation_usagers"},
    ("POST", "/v1/dossiers/{dossier_id}/documents/vitale/nir-reveal"): AGENTS,
    ("POST", "/v1/dossiers/{dossier_id}/decisions"): AGENTS,
    ("GET", "/v1/dossiers/{dossier_id}/decisions"): READERS,
    ("GET", "/v1/dossiers/{dossier_id}/decisions/{decision_id}"): READERS,
    ("GET", "/v1/dossiers/{dossier_id}/decisions/{decision_id}/recomputation"): READERS,
    ("PUT", "/v1/trainings/{training_id}/attendance/{month}"): AGENTS | {"organisation"},
    ("GET", "/v1/trainings/{training_id}/attendance/{month}"): READERS | {"organisation"},
    ("GET", "/v1/parameters"): ALL,
    ("POST", "/v1/evaluations"): ALL - {"organisation"},
    ("POST", "/v1/payment-runs"): {"finance"},
    ("GET", "/v1/payment-runs/{run_id}"): {"finance"},
    ("GET", "/v1/payment-batches/{batch_id}"): {"finance"},
    ("POST", "/v1/payment-batches/{batch_id}/release"): {"finance"},
    ("POST", "/v1/payment-batches/{batch_id}/cancellation"): {"finance"},
    ("GET", "/v1/payment-batches/{batch_id}/file"): {"finance"},
    ("GET", "/v1/payment-runs"): {"finance"},
    ("GET", "/v1/payment-batches"): {"finance"},
    ("POST", "/v1/payment-batches/{batch_id}/approval"): {"finance"},
    ("POST", "/v1/payment-batches/{batch_id}/correction"): {"finance"},
    ("POST", "/v1/bank-files"): {"finance"},
    ("GET", "/v1/payments"): READERS,
    ("GET", "/v1/overpayments"): {"finance", "supervisor", "relation_usagers"},
    ("POST", "/v1/overpayments/{overpayment_id}/waiver"): {"supervisor"},
    ("POST", "/v1/cases"): CASE_WORKERS,
    ("GET", "/v1/cases"): CASE_WORKERS,
    ("GET", "/v1/cases/metrics"): {"supervisor"},
    ("GET", "/v1/cases/macros"): CASE_WORKERS,
    ("GET", "/v1/cases/{case_id}"): CASE_WORKERS,
    ("POST", "/v1/cases/{case_id}/claim"): CASE_WORKERS,
    ("POST", "/v1/cases/{case_id}/assign"): {"supervisor"},
    ("POST", "/v1/cases/{case_id}/transitions"): CASE_WORKERS,
    ("POST", "/v1/cases/{case_id}/notes"): CASE_WORKERS,
    ("POST", "/v1/cases/{case_id}/messages"): CASE_WORKERS,
    ("POST", "/v1/cases/{case_id}/merge"): CASE_WORKERS,
    ("POST", "/v1/cases/{case_id}/macros/{macro}"): CASE_WORKERS,
    ("GET", "/v1/dossiers/{dossier_id}/letters/{kind}"): AGENTS | {"relation_usagers"},
    ("GET", "/v1/payments/{payment_id}/notice"): READERS,
    ("GET", "/v1/payments/{payment_id}/letters/new-rib"): AGENTS | {"relation_usagers"},
    ("GET", "/v1/exports/payment-runs/{run_id}"): {"finance"},
    ("GET", "/v1/exports/periods/{month}"): {"finance"},
    ("GET", "/v1/exports/periods/{month}/summary"): {"finance"},
    ("GET", "/v1/exports/periods/{month}/reconciliation"): {"finance"},
    ("GET", "/v1/exports/recovery-orders"): {"finance"},
}
PUBLIC = {("GET", "/health/live"), ("GET", "/health/ready")}


@pytest.fixture(scope="module")
def world(api: Any) -> dict[str, str]:
    training = create_training(api, api.organisation_id)
    dossier = ready_dossier(api, training)
    decision = check(
        api.client.post(
            f"/v1/dossiers/{dossier['id']}/decisions", json={}, headers=api.headers("instructor")
        ),
        201,
    )
    check(
        api.client.put(
            f"/v1/trainings/{training['id']}/attendance/2024-04",
            json={"entries": []},
            headers=api.headers("instructor"),
        ),
        201,
    )
    case = check(
        api.client.post(
            "/v1/cases",
            json={
                "category": "payment_missing",
                "channel": "phone",
                "subject": "Paiement non reçu",
                "trainee_id": dossier["trainee"]["id"],
            },
            headers=api.headers("relation_usagers"),
        ),
        201,
    )
    return {
        "run_id": str(uuid.uuid4()),
        "batch_id": str(uuid.uuid4()),
        "overpayment_id": str(uuid.uuid4()),
        "payment_id": str(uuid.uuid4()),
        "kind": "decision",
        "case_id": case["id"],
        "macro": "rib_requested",
        "organisation_id": str(api.organisation_id),
        "training_id": training["id"],
        "trainee_id": dossier["trainee"]["id"],
        "dossier_id": dossier["id"],
        "decision_id": decision["id"],
        "month": "2024-04",
    }


def _bodies(world: dict[str, str]) -> dict[tuple[str, str], Any]:
    return {
        ("POST", "/v1/organisations"): {"name": "X", "siret": "00000000000000"},
        ("POST", "/v1/trainings"): {"organisation_id": world["organisation_id"]},
        ("POST", "/v1/trainees"): {"last_name": "Y"},
        ("PATCH", "/v1/trainees/{trainee_id}"): {"town": "Caen"},
        ("POST", "/v1/trainees/{trainee_id}/merge"): {
            "duplicate_id": world["trainee_id"],
            "reason": "Essai",
        },
        ("POST", "/v1/search"): {"q": "Dupont"},
        ("POST", "/v1/dossiers"): {"trainee_id": world["trainee_id"]},
        ("PATCH", "/v1/dossiers/{dossier_id}"): {},
        ("POST", "/v1/dossiers/{dossier_id}/exit"): {"date": "2024-05-01", "reason": "bogus"},
        ("POST", "/v1/dossiers/{dossier_id}/aid-requests"): {"kind": "equipment"},
        ("PUT", "/v1/dossiers/{dossier_id}/documents/identity"): {"number": "AB123"},
        ("PUT", "/v1/dossiers/{dossier_id}/documents/vitale"): {},
        ("PUT", "/v1/dossiers/{dossier_id}/documents/rib"): {"holder": "MME X"},
        ("POST", "/v1/dossiers/{dossier_id}/decisions"): {},
        ("PUT", "/v1/trainings/{training_id}/attendance/{month}"): {"entries": []},
        ("POST", "/v1/cases"): {"category": "information", "channel": "phone"},
        ("POST", "/v1/cases/{case_id}/transitions"): {"to": "bogus"},
        ("POST", "/v1/cases/{case_id}/notes"): {"body": "Note de test."},
        ("POST", "/v1/cases/{case_id}/merge"): {"into": "C-1999-000001"},
    }


def _call(
    api: Any, method: str, template: str, world: dict[str, str], headers: dict[str, str]
) -> Any:
    path = template.format(**world)
    body = _bodies(world).get((method, template))
    if method in ("POST", "PUT", "PATCH"):
        return api.client.request(
            method, path, json=body if body is not None else {}, headers=headers
        )
    return api.client.request(method, path, headers=headers)


def test_the_matrix_covers_every_route(api: Any) -> None:
    routes = {
        (method.upper(), path)
        for path, operations in api.app.openapi()["paths"].items()
        for method in operations
    }
    assert routes == set(MATRIX) | PUBLIC


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_every_role_against_every_route(
    api: Any, world: dict[str, str], role: str, route: tuple[str, str]
) -> None:
    method, template = route
    response = _call(api, method, template, world, api.headers(role))
    if role in MATRIX[route]:
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] in ("forbidden", "not_allowed")


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[0]} {r[1]}")
def test_no_token_no_access(api: Any, world: dict[str, str], route: tuple[str, str]) -> None:
    response = _call(api, route[0], route[1], world, {})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_forged_expired_and_stale_tokens_are_refused(api: Any, world: dict[str, str]) -> None:
    path = f"/v1/dossiers/{world['dossier_id']}"
    with api.session() as session:
        user = session.scalar(select(User).where(User.name == "test-instructor"))
        assert user is not None
        expired = issue_token(
            api.settings, user=user, now=api.clock.now - timedelta(days=2), ttl=timedelta(hours=1)
        )
        claims = jwt.decode(api.tokens["instructor"], options={"verify_signature": False})
    forged = jwt.encode({**claims, "role": "supervisor"}, "x" * 40, algorithm="HS256")
    unsigned = jwt.encode(claims, None, algorithm="none")  # type: ignore[arg-type]
    promoted = jwt.encode(
        {**claims, "role": "supervisor"},
        api.settings.jwt_secret.get_secret_value(),
        algorithm="HS256",
    )
    secret = api.settings.jwt_secret.get_secret_value()
    # Signed with the right secret, but not naming a user by its id, or with an unreadable expiry.
    by_name = jwt.encode({**claims, "sub": "test-instructor"}, secret, algorithm="HS256")
    odd_expiry = jwt.encode({**claims, "exp": "demain"}, secret, algorithm="HS256")
    tokens = (expired, forged, unsigned, promoted, by_name, odd_expiry, "remu_abc_def", "garbage")
    for token in tokens:
        response = api.client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
    for header in ("Basic dGVzdC1pbnN0cnVjdG9yOnNlY3JldA==", "Bearer ", "Bearer"):
        response = api.client.get(path, headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["www-authenticate"] == "Bearer"
    assert api.client.get(path, headers=api.headers("instructor")).status_code == 200


def test_an_organisation_sees_and_writes_only_its_own_trainings(
    api: Any, world: dict[str, str]
) -> None:
    own = api.headers("organisation")
    other = api.headers("organisation-other")
    training = f"/v1/trainings/{world['training_id']}"
    statement = f"{training}/attendance/{world['month']}"
    assert api.client.get(training, headers=own).status_code == 200
    assert api.client.get(statement, headers=own).status_code == 200
    assert api.client.get(f"{training}/trainees", headers=own).status_code == 200
    for method, path, body in (
        ("GET", training, None),
        ("GET", f"{training}/trainees", None),
        ("GET", statement, None),
        ("PUT", statement, {"entries": []}),
        ("PUT", f"{training}/attendance/2024-05", {"entries": []}),
        ("GET", f"/v1/organisations/{world['organisation_id']}", None),
    ):
        response = api.client.request(method, path, json=body, headers=other)
        assert response.status_code == 404, (method, path, response.text)
    assert api.client.get(f"/v1/trainings/{uuid.uuid4()}", headers=own).status_code == 404


def test_api_keys_authenticate_organisation_systems(api: Any, world: dict[str, str]) -> None:
    from remuneration.services.users import create_api_key

    with api.session() as session, session.begin():
        user = session.scalar(select(User).where(User.name == "test-organisation"))
        assert user is not None
        key = create_api_key(session, user=user, label="ERP", now=api.clock.now).key
    path = f"/v1/trainings/{world['training_id']}/attendance/{world['month']}"
    assert api.client.get(path, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    tampered = key[:-2] + ("AA" if not key.endswith("AA") else "BB")
    assert api.client.get(path, headers={"Authorization": f"Bearer {tampered}"}).status_code == 401
