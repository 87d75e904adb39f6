"""Build test data through the HTTP API, as a client would (and two organisations directly)."""

from __future__ import annotations

import random
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from remuneration.db.models import TrainingOrganisation
from remuneration.demo.data import make_iban, make_nir, make_siret

RNG = random.Random(7)

# The worked example of the evaluation contract (01, granted, full time, with aids).
EXAMPLE_NIR = "290057654012387"
EXAMPLE_IBAN = "FR7630006000011234567890189"
EXAMPLE_HOLDER = "MME DUPONT MARIE"


def organisation_rows(session: Session, now: datetime) -> tuple[uuid.UUID, uuid.UUID]:
    """Two training organisations, for the users of the organisation role."""
    ids = []
    for name in ("Organisme du test", "Autre organisme"):
        organisation = TrainingOrganisation(
            id=uuid.uuid4(), name=name, siret=make_siret(RNG), created_at=now
        )
        session.add(organisation)
        ids.append(organisation.id)
    session.flush()
    return ids[0], ids[1]


def check(response: Any, status: int) -> Any:
    """Assert the status (showing the problem otherwise) and return the JSON body."""
    assert response.status_code == status, response.text
    return response.json()


def training_body(organisation_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    body = {
        "organisation_id": str(organisation_id),
        "programme": "QUALIF",
        "title": "Titre professionnel Agent de restauration",
        "start_date": "2024-03-11",
        "end_date": "2024-09-27",
        "total_hours": 700,
        "weekly_hours": 35,
        "approved_for_remuneration": True,
        "licence_useful_for_trade": True,
        "site_name": "Centre de Caen",
        "site_postcode": "14000",
        "site_town": "Caen",
    }
    body.update(overrides)
    return body


def trainee_body(**overrides: Any) -> dict[str, Any]:
    """The example trainee. Many tests create her again for another dossier: the duplicate
    check would refuse the second record, so the builder forces it with a reason (as an
    instructor may); the duplicate tests post their own bodies without it."""
    body = {
        "last_name": "Dupont",
        "first_names": "Marie Claire",
        "birth_date": "1990-05-17",
        "sex": "F",
        "postcode": "14000",
        "town": "Caen",
        "force": {"reason": "Jeu de données de test"},
    }
    body.update(overrides)
    return body


FACTS = {
    "trainee_status": "job_seeker",
    "france_travail_registered": True,
    "france_travail_indemnity": "none",
    "distance_km": "42.5",
    "driving_licence_aid_received": False,
}


def create_training(api: Any, organisation_id: uuid.UUID, **overrides: Any) -> Any:
    return check(
        api.client.post(
            "/v1/trainings",
            json=training_body(organisation_id, **overrides),
            headers=api.headers("instructor"),
        ),
        201,
    )


def create_trainee(api: Any, **overrides: Any) -> Any:
    return check(
        api.client.post(
            "/v1/trainees", json=trainee_body(**overrides), headers=api.headers("instructor")
        ),
        201,
    )


def create_dossier(api: Any, training_id: str, trainee_id: str, **facts: Any) -> tuple[str, str]:
    """A draft dossier; returns its id and ETag."""
    response = api.client.post(
        "/v1/dossiers",
        json={"trainee_id": trainee_id, "training_id": training_id, **FACTS, **facts},
        headers=api.headers("instructor"),
    )
    body = check(response, 201)
    return body["id"], response.headers["ETag"]


def put_document(
    api: Any, dossier_id: str, kind: str, etag: str, body: dict[str, Any], role: str = "instructor"
) -> str:
    response = api.client.put(
        f"/v1/dossiers/{dossier_id}/documents/{kind}",
        json=body,
        headers=api.headers(role, **{"If-Match": etag}),
    )
    check(response, 200)
    return str(response.headers["ETag"])


def verified_documents(
    api: Any, dossier_id: str, etag: str, *, nir: str, iban: str, holder: str
) -> str:
    """The three documents, verified; returns the dossier's new ETag."""
    etag = put_document(
        api,
        dossier_id,
        "identity",
        etag,
        {
            "verified": True,
            "identity_type": "cni",
            "expiry_date": "2030-01-01",
            "number": "X4RTBPFW4",
        },
    )
    etag = put_document(api, dossier_id, "vitale", etag, {"verified": True, "nir": nir})
    return put_document(
        api,
        dossier_id,
        "rib",
        etag,
        {"verified": True, "iban": iban, "bic": "AGRIFRPP", "holder": holder},
    )


def ready_dossier(api: Any, training: dict[str, Any], **trainee: Any) -> dict[str, Any]:
    """A submitted dossier with its three verified documents (fresh NIR and IBAN)."""
    person = create_trainee(api, **trainee)
    dossier_id, etag = create_dossier(api, training["id"], person["id"])
    birth = datetime.fromisoformat(person["birth_date"]).date()
    nir = make_nir(RNG, sex=person["sex"], birth_date=birth, department="14")
    iban = make_iban(RNG)
    holder = f"{'MME' if person['sex'] == 'F' else 'M'} {person['last_name'].upper()}"
    verified_documents(api, dossier_id, etag, nir=nir, iban=iban, holder=holder)
    check(
        api.client.post(f"/v1/dossiers/{dossier_id}/submit", headers=api.headers("instructor")), 200
    )
    return {"id": dossier_id, "nir": nir, "iban": iban, "trainee": person}
