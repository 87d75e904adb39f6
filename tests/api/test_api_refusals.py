"""What a client of the API gets for a file it cannot read or an action it may not take:
problem+json with the field's path and a French message, nothing recorded."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from payments.models import BankFile
from tests.api.builders import create_dossier, create_trainee, create_training

PROBLEM = "application/problem+json"


def _paths(response: Any) -> set[str]:
    return {item["path"] for item in response.json().get("errors", [])}


def test_a_bank_file_that_is_not_base64(api: Any) -> None:
    response = api.client.post(
        "/v1/bank-files",
        json={"file_name": "retour.xml", "content_base64": "ceci n'est pas du base64 !"},
        headers=api.headers("finance", **{"Idempotency-Key": "bank-file-not-base64"}),
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "base64" in response.json()["detail"]
    assert _paths(response) == {"content_base64"}
    with api.session() as session:
        assert session.scalar(select(func.count()).select_from(BankFile)) == 0


def test_document_uploads_refused(api: Any) -> None:
    training = create_training(api, api.organisation_id)
    trainee = create_trainee(api, last_name="Refus")
    dossier_id, etag = create_dossier(api, training["id"], trainee["id"])
    documents = f"/v1/dossiers/{dossier_id}/documents"

    garbled = api.client.put(
        f"{documents}/rib",
        json={"file_base64": "QUJDRA=QUJD"},  # base64 letters, misplaced padding
        headers=api.headers("instructor", **{"If-Match": etag}),
    )
    assert garbled.status_code == 422, garbled.text
    assert garbled.json()["errors"][0]["message"] == "Base64 invalide."
    assert _paths(garbled) == {"file_base64"}

    identity_by_relation = api.client.put(
        f"{documents}/identity",
        json={"identity_type": "passport", "number": "12AB34567"},
        headers=api.headers("relation_usagers", **{"If-Match": etag}),
    )
    assert identity_by_relation.status_code == 403, identity_by_relation.text
    assert "qu'un nouveau RIB" in identity_by_relation.json()["detail"]

    no_nir = api.client.post(f"{documents}/vitale/nir-reveal", headers=api.headers("instructor"))
    assert no_nir.status_code == 404, no_nir.text
    assert no_nir.json()["detail"] == "Aucun NIR enregistré pour ce dossier."

    read = api.client.get(f"/v1/dossiers/{dossier_id}", headers=api.headers("instructor"))
    assert read.headers["ETag"] == etag  # nothing was recorded
