"""The search box and the documents through the HTTP API: references as printed in letters,
case numbers, EndToEndIds, NIR and IBAN typed in full (answered masked), names however typed;
document files viewed (streamed, no-store, audited), PUT replacing a whole document with its
history, and the checks answered before any decision."""

from __future__ import annotations

import base64
import random
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from remuneration.db.models import AuditEvent
from remuneration.demo.data import make_iban
from remuneration.domain.masking import mask_iban
from tests.api.builders import (
    check,
    create_dossier,
    create_trainee,
    create_training,
    ready_dossier,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"x" * 200_000


def _keyed(api: Any, role: str) -> dict[str, str]:
    headers: dict[str, str] = api.headers(role, **{"Idempotency-Key": uuid.uuid4().hex})
    return headers


def _search(api: Any, q: str, role: str = "instructor", **extra: Any) -> list[dict[str, Any]]:
    response = api.client.post("/v1/search", json={"q": q, **extra}, headers=api.headers(role))
    return list(check(response, 200)["items"])


@pytest.fixture(scope="module")
def world(api: Any) -> dict[str, Any]:
    api.clock.now = datetime(2024, 6, 15, 8, tzinfo=UTC)
    training = create_training(api, api.organisation_id)
    dossier = ready_dossier(
        api, training, last_name="Lefèvre-Durand", first_names="Marie-Hélène", sex="F"
    )
    other = ready_dossier(api, training, last_name="D'Artagnan", first_names="Charles", sex="M")
    check(
        api.client.put(
            f"/v1/trainings/{training['id']}/attendance/2024-05",
            json={
                "entries": [
                    {"dossier_id": dossier["id"], "scheduled_hours": "140", "attended_hours": "140"}
                ]
            },
            headers=api.headers("instructor"),
        ),
        201,
    )
    check(
        api.client.post(
            f"/v1/dossiers/{dossier['id']}/decisions", json={}, headers=api.headers("instructor")
        ),
        201,
    )
    body = {"kind": "monthly", "period": "2024-05", "execution_date": "2024-06-17"}
    check(api.client.post("/v1/payment-runs", json=body, headers=_keyed(api, "finance")), 201)
    payment = check(
        api.client.get(f"/v1/payments?dossier={dossier['id']}", headers=api.headers("finance")),
        200,
    )["items"][0]
    case = check(
        api.client.post(
            "/v1/cases",
            json={
                "category": "information",
                "channel": "phone",
                "subject": "Question sur la date du paiement",
                "dossier_id": dossier["id"],
            },
            headers=api.headers("relation_usagers"),
        ),
        201,
    )
    return {"dossier": dossier, "other": other, "payment": payment, "case": case}


@pytest.mark.parametrize(
    "typed",
    ["Lefevre", "lefèvre durand", "Durand Lefèvre", "LEFEVRE-DURAND marie helene", "helene"],
)
def test_names_ignore_accents_hyphens_case_and_order(
    api: Any, world: dict[str, Any], typed: str
) -> None:
    hits = _search(api, typed)
    trainee = world["dossier"]["trainee"]
    assert [(h["kind"], h["id"]) for h in hits] == [("trainee", trainee["id"])]
    assert hits[0]["label"] == "LEFÈVRE-DURAND Marie-Hélène"
    assert hits[0]["href"] == f"/v1/trainees/{trainee['id']}"


def test_apostrophes_and_partial_words(api: Any, world: dict[str, Any]) -> None:
    assert [h["id"] for h in _search(api, "d'artagnan")] == [world["other"]["trainee"]["id"]]
    assert [h["id"] for h in _search(api, "Artagnan Charles")] == [world["other"]["trainee"]["id"]]
    assert _search(api, "Artagnan Marie") == []


def test_the_dossier_number_printed_in_letters(api: Any, world: dict[str, Any]) -> None:
    dossier_id = world["dossier"]["id"]
    short = uuid.UUID(dossier_id).hex[:8]
    for typed in (short.upper(), short.lower(), f" {short.upper()} "):
        hits = _search(api, typed)
        assert [(h["kind"], h["id"]) for h in hits][:1] == [("dossier", dossier_id)]
        assert hits[0]["label"].startswith(f"Dossier {short.upper()} — LEFÈVRE-DURAND")
        assert "Titre professionnel" in hits[0]["summary"] and "accordé" in hits[0]["summary"]


def test_a_case_number_and_an_end_to_end_id(api: Any, world: dict[str, Any]) -> None:
    reference = world["case"]["reference"]
    hits = _search(api, reference.lower().replace("-", " "), role="relation_usagers")
    assert [(h["kind"], h["id"]) for h in hits] == [("case", world["case"]["id"])]
    # Instructors do not work the case queue: the case is not theirs to see.
    assert _search(api, reference, role="instructor") == []
    e2e = world["payment"]["end_to_end_id"]
    hits = _search(api, e2e, role="finance")
    assert [(h["kind"], h["id"]) for h in hits] == [("payment", world["payment"]["id"])]
    assert "FR76" in hits[0]["summary"] and "*" in hits[0]["summary"]


def test_a_nir_or_an_iban_typed_in_full_is_answered_masked(api: Any, world: dict[str, Any]) -> None:
    nir, iban = world["dossier"]["nir"], world["dossier"]["iban"]
    spaced = " ".join(nir[i : i + 3] for i in range(0, 15, 3))
    hits = _search(api, spaced)
    assert {h["kind"] for h in hits} == {"trainee", "dossier"}
    text = str(hits)
    assert nir not in text and f"NIR {nir[0]} {nir[1:3]} {nir[3:5]} **" in text
    hits = _search(api, iban.lower(), role="finance")
    kinds = [h["kind"] for h in hits]
    assert kinds.count("trainee") == 1 and "payment" in kinds
    assert iban not in str(hits) and mask_iban(iban) in str(hits)
    # Restricting the kinds.
    only = _search(api, iban, role="finance", kinds=["payment"])
    assert {h["kind"] for h in only} == {"payment"}


def test_terms_travel_in_the_body_only(api: Any) -> None:
    assert api.client.get("/v1/search?q=Dupont", headers=api.headers("instructor")).status_code in (
        404,
        405,
    )
    empty = api.client.post("/v1/search", json={"q": "  "}, headers=api.headers("instructor"))
    assert empty.status_code == 422
    assert (
        api.client.post(
            "/v1/search", json={"q": "x"}, headers=api.headers("organisation")
        ).status_code
        == 403
    )


def _put(
    api: Any, dossier_id: str, kind: str, body: dict[str, Any], role: str = "instructor"
) -> Any:
    etag = api.client.get(f"/v1/dossiers/{dossier_id}", headers=api.headers("instructor")).headers[
        "ETag"
    ]
    return api.client.put(
        f"/v1/dossiers/{dossier_id}/documents/{kind}",
        json=body,
        headers=api.headers(role, **{"If-Match": etag}),
    )


def test_a_document_file_is_viewed_streamed_inline_no_store_and_audited(
    api: Any, world: dict[str, Any]
) -> None:
    training = create_training(api, api.organisation_id)
    dossier = ready_dossier(api, training)
    stored = check(
        _put(
            api,
            dossier["id"],
            "rib",
            {"iban": dossier["iban"], "holder": "MME DUPONT", "bic": "AGRIFRPP",
             "file_base64": base64.b64encode(PDF).decode(), "verified": True},
        ),
        200,
    )  # fmt: skip
    assert stored["file"]["size_bytes"] == len(PDF)
    path = f"/v1/dossiers/{dossier['id']}/documents/rib/file"
    for role in ("instructor", "finance"):
        response = api.client.get(path, headers=api.headers(role))
        assert response.status_code == 200
        assert response.content == PDF
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"] == 'inline; filename="piece-rib.pdf"'
        assert response.headers["cache-control"] == "no-store"
    assert api.client.get(path, headers=api.headers("relation_usagers")).status_code == 403
    vitale = api.client.get(
        f"/v1/dossiers/{dossier['id']}/documents/vitale/file", headers=api.headers("finance")
    )
    assert vitale.status_code == 403
    no_file = api.client.get(
        f"/v1/dossiers/{dossier['id']}/documents/vitale/file", headers=api.headers("instructor")
    )
    assert no_file.status_code == 404
    with api.session() as session:
        views = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "document.file_viewed",
                AuditEvent.dossier_id == uuid.UUID(dossier["id"]),
            )
        ).all()
    assert len(views) == 2 and {v.actor_role for v in views} == {"instructor", "finance"}


def test_a_put_replaces_the_whole_document_and_keeps_the_previous_one(api: Any) -> None:
    training = create_training(api, api.organisation_id)
    dossier = ready_dossier(api, training)
    first = check(
        _put(
            api,
            dossier["id"],
            "identity",
            {"identity_type": "cni", "expiry_date": "2030-01-01", "number": "X4RTBPFW4",
             "file_base64": base64.b64encode(PDF).decode(), "verified": True},
        ),
        200,
    )  # fmt: skip
    assert first["file"] is not None and first["previous_versions"] == 1
    passport = check(
        _put(
            api,
            dossier["id"],
            "identity",
            {"identity_type": "passport", "expiry_date": "2031-05-01", "number": "19AB12345"},
        ),
        200,
    )
    assert passport["identity_type"] == "passport"
    assert passport.get("file") is None  # the card image is not the passport's
    assert passport["previous_versions"] == 2
    rib = check(
        _put(
            api,
            dossier["id"],
            "rib",
            {"iban": "FR7630006000011234567890189", "holder": "MME DUPONT",
             "change_reason": "Nouveau compte", "verified": True},
        ),
        200,
    )  # fmt: skip
    assert rib.get("bic") is None  # no BIC sent: the old one does not stay
    assert rib["previous_versions"] == 1


@pytest.mark.parametrize(
    ("kind", "body", "code"),
    [
        ("vitale", {"nir": "290057654012388"}, "NIR_INVALID"),
        ("vitale", {"nir": "190057654012340"}, None),
        ("rib", {"iban": "FR7630006000011234567890188", "holder": "MME DUPONT"}, "IBAN_INVALID"),
        ("rib", {"iban": make_iban(random.Random(99)), "holder": "M PERSONNE"},
         "RIB_HOLDER_MISMATCH"),
    ],
)  # fmt: skip
def test_every_document_answers_its_checks_before_any_decision(
    api: Any, kind: str, body: dict[str, Any], code: str | None
) -> None:
    training = create_training(api, api.organisation_id)
    person = create_trainee(api, first_names="Marie", sex="F")
    dossier_id, _ = create_dossier(api, training["id"], person["id"])
    stored = check(_put(api, dossier_id, kind, {**body, "verified": False}), 200)
    assert stored["verification_status"] == "received"
    codes = [c["code"] for c in stored["checks"] if c["status"] == "problem"]
    if code is None:
        # A NIR for a man born in January 1990 does not match this trainee.
        assert codes == ["NIR_MISMATCH"]
        assert "le sexe" in stored["checks"][0]["message"]
    else:
        assert codes == [code]
        assert stored["checks"][0]["message"][0].isupper()
    read = check(
        api.client.get(f"/v1/dossiers/{dossier_id}", headers=api.headers("instructor")), 200
    )
    assert next(d for d in read["documents"] if d["kind"] == kind)["checks"] == stored["checks"]
