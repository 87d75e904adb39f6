"""Finding and fixing people through the HTTP API: duplicates refused or forced, one remunerated
training at a time, trainee edits that re-decide, possible duplicates and merges."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from remuneration.db.models import AuditEvent, CaseRequest, Dossier, Trainee
from remuneration.demo.data import make_iban, make_nir
from tests.api.builders import (
    RNG,
    check,
    create_dossier,
    create_training,
    ready_dossier,
    trainee_body,
    verified_documents,
)


def _person(**fields: Any) -> dict[str, Any]:
    """A trainee body without the builder's forcing: the duplicate check applies."""
    body = trainee_body(**fields)
    body.pop("force")
    return body


def _post_trainee(api: Any, body: dict[str, Any], role: str = "instructor") -> Any:
    return api.client.post("/v1/trainees", json=body, headers=api.headers(role))


def _decide(api: Any, dossier_id: str) -> dict[str, Any]:
    response = api.client.post(
        f"/v1/dossiers/{dossier_id}/decisions", json={}, headers=api.headers("instructor")
    )
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def _etag(api: Any, path: str, role: str = "instructor") -> str:
    return str(api.client.get(path, headers=api.headers(role)).headers["ETag"])


@pytest.fixture(scope="module")
def training(api: Any) -> dict[str, Any]:
    return dict(create_training(api, api.organisation_id))


def test_a_second_record_of_the_same_person_is_refused_with_a_link(api: Any) -> None:
    first = check(
        _post_trainee(
            api,
            _person(last_name="Lefèvre-Durand", first_names="Élise", birth_date="1988-02-03"),
        ),
        201,
    )
    again = _post_trainee(
        api,
        _person(last_name="DURAND LEFEVRE", first_names="elise marie", birth_date="1988-02-03"),
    )
    assert again.status_code == 409
    problem = again.json()
    assert problem["code"] == "duplicate_person"
    assert problem["existing"] == [{"id": first["id"], "href": f"/v1/trainees/{first['id']}"}]
    assert "déjà une fiche" in problem["detail"]

    # Particles are ignored too; another birth date is another person.
    assert (
        _post_trainee(
            api,
            _person(last_name="de Lefèvre Durand", first_names="Élise", birth_date="1988-02-03"),
        ).status_code
        == 409
    )
    check(
        _post_trainee(
            api,
            _person(last_name="Lefèvre-Durand", first_names="Élise", birth_date="1988-02-04"),
        ),
        201,
    )


def test_an_instructor_may_force_a_second_record_with_a_reason_audited(api: Any) -> None:
    body = _person(last_name="Homonyme", first_names="Jean", birth_date="1975-07-01", sex="M")
    first = check(_post_trainee(api, body), 201)
    forced = check(
        _post_trainee(api, {**body, "force": {"reason": "Homonyme vérifié : autre NIR"}}), 201
    )
    assert forced["id"] != first["id"]
    with api.session() as session:
        event = session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "trainee.duplicate_forced",
                AuditEvent.entity_id == forced["id"],
            )
        )
    assert event is not None and event.after is not None
    assert event.after == {"reason": "Homonyme vérifié : autre NIR", "existing": [first["id"]]}
    # A reason is required and must be meaningful.
    refused = _post_trainee(api, {**body, "force": {"reason": ""}})
    assert refused.status_code == 422


def _person_in(api: Any, training: dict[str, Any], person: dict[str, Any], nir: str) -> str:
    dossier_id, etag = create_dossier(api, training["id"], person["id"])
    holder = f"{'MME' if person['sex'] == 'F' else 'M'} {person['last_name'].upper()}"
    verified_documents(api, dossier_id, etag, nir=nir, iban=make_iban(RNG), holder=holder)
    check(
        api.client.post(f"/v1/dossiers/{dossier_id}/submit", headers=api.headers("instructor")), 200
    )
    return dossier_id


def test_one_remunerated_training_at_a_time_even_under_two_records(
    api: Any, training: dict[str, Any]
) -> None:
    other_training = create_training(
        api, api.organisation_id, start_date="2024-05-06", end_date="2024-11-29"
    )
    later_training = create_training(
        api, api.organisation_id, start_date="2024-10-07", end_date="2025-03-28"
    )
    body = _person(last_name="Double", first_names="Anne", birth_date="1992-09-09")
    person = check(_post_trainee(api, body), 201)
    twin = check(_post_trainee(api, {**body, "force": {"reason": "Saisie en double"}}), 201)
    nir = make_nir(RNG, sex="F", birth_date=date(1992, 9, 9), department="14")

    first = _person_in(api, training, person, nir)
    assert _decide(api, first)["outcome"] == "granted"
    # Same NIR under another record, overlapping training: rejected, with the reason.
    second = _person_in(api, other_training, twin, nir)
    decision = _decide(api, second)
    assert decision["outcome"] == "rejected"
    codes = [reason["code"] for reason in decision["result"]["reasons"]]
    assert codes == ["REMUNERATION_OVERLAP"]
    assert "que pour une formation à la fois" in decision["result"]["reasons"][0]["message"]
    # The same record in a training after the first one ends: granted.
    third = _person_in(api, later_training, person, nir)
    assert _decide(api, third)["outcome"] == "granted"
    # Opening the second dossier, the agent is told of the first, under the other record.
    shown = check(api.client.get(f"/v1/dossiers/{second}", headers=api.headers("instructor")), 200)
    warnings = shown["warnings"]  # the first and the third overlap the second's dates
    assert len(warnings) == 2
    assert all(w.startswith("Attention : une autre fiche a aussi le dossier") for w in warnings)
    assert uuid.UUID(first).hex[:8].upper() in warnings[0] and "à la fois" in warnings[0]
    assert uuid.UUID(third).hex[:8].upper() in warnings[1]
    # The first dossier, decided again, is still granted (the rejected one does not count).
    assert _decide(api, first)["outcome"] == "granted"


def test_possible_duplicates_by_nir_iban_and_name(api: Any, training: dict[str, Any]) -> None:
    body = _person(last_name="Martin", first_names="Paul", birth_date="1980-01-15", sex="M")
    person = check(_post_trainee(api, body), 201)
    twin = check(_post_trainee(api, {**body, "force": {"reason": "Saisie en double"}}), 201)
    stranger = check(
        _post_trainee(api, _person(last_name="Autre", first_names="Luc", sex="M")), 201
    )
    nir = make_nir(RNG, sex="M", birth_date=date(1980, 1, 15), department="14")
    iban = make_iban(RNG)
    for who, number in ((person, nir), (twin, nir)):
        dossier_id, etag = create_dossier(api, training["id"], who["id"])
        verified_documents(api, dossier_id, etag, nir=number, iban=iban, holder="M MARTIN")
    stranger_dossier, etag = create_dossier(api, training["id"], stranger["id"])
    verified_documents(
        api,
        stranger_dossier,
        etag,
        nir=make_nir(RNG, sex="M", birth_date=date(1990, 5, 17), department="14"),
        iban=iban,
        holder="M AUTRE",
    )
    found = check(
        api.client.get(
            f"/v1/trainees/{person['id']}/possible-duplicates", headers=api.headers("instructor")
        ),
        200,
    )
    by_id = {item["trainee"]["id"]: item for item in found}
    assert by_id[twin["id"]]["reasons"] == ["nir", "iban", "name_birth"]
    assert by_id[stranger["id"]]["reasons"] == ["iban"]
    assert found[0]["trainee"]["id"] == twin["id"]  # strongest first
    assert "Même numéro de sécurité sociale" in by_id[twin["id"]]["explanation"]
    assert person["id"] not in by_id

    # The vitale document of the twin says so as soon as it is stored.
    dossier = check(
        api.client.get(f"/v1/dossiers/{stranger_dossier}", headers=api.headers("instructor")), 200
    )
    rib = next(d for d in dossier["documents"] if d["kind"] == "rib")
    assert [c["code"] for c in rib["checks"]] == ["POSSIBLE_DUPLICATE"]
    assert "Cet IBAN figure aussi" in rib["checks"][0]["message"]


def test_editing_a_trainee_is_versioned_audited_masked_and_re_decides(
    api: Any, training: dict[str, Any]
) -> None:
    dossier = ready_dossier(api, training, last_name="Bernard", first_names="Chloé")
    assert _decide(api, dossier["id"])["outcome"] == "granted"
    path = f"/v1/trainees/{dossier['trainee']['id']}"

    missing = api.client.patch(path, json={"town": "Bayeux"}, headers=api.headers("instructor"))
    assert missing.status_code == 428
    stale = api.client.patch(
        path, json={"town": "Bayeux"}, headers=api.headers("instructor", **{"If-Match": '"99"'})
    )
    assert stale.status_code == 412

    # Relation usagers: the address, not the identity.
    etag = _etag(api, path)
    refused = api.client.patch(
        path,
        json={"last_name": "Autre"},
        headers=api.headers("relation_usagers", **{"If-Match": etag}),
    )
    assert refused.status_code == 403
    moved = check(
        api.client.patch(
            path,
            json={"street": "4 rue Neuve", "postcode": "14400", "town": "Bayeux"},
            headers=api.headers("relation_usagers", **{"If-Match": etag}),
        ),
        200,
    )
    assert moved["town"] == "Bayeux" and moved["changed"] == ["street", "postcode", "town"]
    assert moved["new_decisions"] == [] and moved["version"] == int(etag.strip('"')) + 1

    # A married name that no longer matches the RIB holder: the decision changes.
    renamed = check(
        api.client.patch(
            path,
            json={"last_name": "Lemoine"},
            headers=api.headers("instructor", **{"If-Match": _etag(api, path)}),
        ),
        200,
    )
    assert renamed["new_decisions"] == [
        {"dossier_id": dossier["id"], "before": "granted", "after": "incomplete",
         "decision_number": 2}
    ]  # fmt: skip
    latest = check(
        api.client.get(f"/v1/dossiers/{dossier['id']}", headers=api.headers("instructor")), 200
    )
    assert latest["status"] == "incomplete"
    with api.session() as session:
        request = session.scalar(
            select(CaseRequest).where(CaseRequest.dossier_id == uuid.UUID(dossier["id"]))
        )
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "trainee.updated")
            .where(AuditEvent.entity_id == dossier["trainee"]["id"])
            .order_by(AuditEvent.id)
        ).all()
    assert request is not None and "incomplete" in request.summary
    assert events[-1].before == {"last_name": "B******"}
    assert events[-1].after == {"last_name": "L******"}
    assert events[0].after == {"street": "4**********", "postcode": "14400", "town": "Bayeux"}

    # Nothing changed, nothing re-decided; an unknown field is refused.
    same = check(
        api.client.patch(
            path,
            json={"last_name": "Lemoine"},
            headers=api.headers("instructor", **{"If-Match": _etag(api, path)}),
        ),
        200,
    )
    assert same["changed"] == []
    bad = api.client.patch(
        path, json={"nir": "1"}, headers=api.headers("instructor", **{"If-Match": _etag(api, path)})
    )
    assert bad.status_code == 422


def test_a_supervisor_merges_two_records_of_one_person(api: Any, training: dict[str, Any]) -> None:
    later = create_training(
        api, api.organisation_id, start_date="2025-01-06", end_date="2025-06-27"
    )
    body = _person(last_name="Fusion", first_names="Léa", birth_date="1995-03-03")
    kept = check(_post_trainee(api, body), 201)
    twin = check(_post_trainee(api, {**body, "force": {"reason": "Saisie en double"}}), 201)
    kept_dossier, _ = create_dossier(api, training["id"], kept["id"])
    twin_dossier, _ = create_dossier(api, later["id"], twin["id"])
    case = check(
        api.client.post(
            "/v1/cases",
            json={
                "category": "information",
                "channel": "phone",
                "subject": "Question sur le dossier",
                "trainee_id": twin["id"],
            },
            headers=api.headers("relation_usagers"),
        ),
        201,
    )
    path = f"/v1/trainees/{kept['id']}/merge"
    payload = {"duplicate_id": twin["id"], "reason": "Même personne, saisie en double"}
    assert api.client.post(path, json=payload, headers=api.headers("instructor")).status_code == 403
    merged = check(api.client.post(path, json=payload, headers=api.headers("supervisor")), 200)
    assert merged["merged_id"] == twin["id"]
    assert merged["moved"]["dossiers"] == 1 and merged["moved"]["cases"] == 1
    with api.session() as session:
        moved = session.get(Dossier, uuid.UUID(twin_dossier))
        old = session.get(Trainee, uuid.UUID(twin["id"]))
        events = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("trainee.merge_%"))
        ).all()
    assert moved is not None and str(moved.trainee_id) == kept["id"]
    assert old is not None and str(old.merged_into_id) == kept["id"]
    assert {"trainee.merge_kept", "trainee.merge_merged"} <= set(events)
    assert kept_dossier != twin_dossier
    read = check(
        api.client.get(f"/v1/cases/{case['id']}", headers=api.headers("relation_usagers")), 200
    )
    assert read["trainee_id"] == kept["id"]
    # A merged record cannot be merged again; the other record no longer is a duplicate.
    again = api.client.post(path, json=payload, headers=api.headers("supervisor"))
    assert again.status_code == 409
    dupes = check(
        api.client.get(
            f"/v1/trainees/{kept['id']}/possible-duplicates", headers=api.headers("instructor")
        ),
        200,
    )
    assert twin["id"] not in [item["trainee"]["id"] for item in dupes]


def test_a_merge_is_refused_when_both_records_hold_a_dossier_in_one_training(
    api: Any, training: dict[str, Any]
) -> None:
    body = _person(last_name="Conflit", first_names="Marc", birth_date="1970-12-12", sex="M")
    kept = check(_post_trainee(api, body), 201)
    twin = check(_post_trainee(api, {**body, "force": {"reason": "Saisie en double"}}), 201)
    create_dossier(api, training["id"], kept["id"])
    create_dossier(api, training["id"], twin["id"])
    refused = api.client.post(
        f"/v1/trainees/{kept['id']}/merge",
        json={"duplicate_id": twin["id"], "reason": "Même personne"},
        headers=api.headers("supervisor"),
    )
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "same_training"
    with api.session() as session:
        record = session.get(Trainee, uuid.UUID(twin["id"]))
    assert record is not None and record.merged_into_id is None


def test_the_evaluation_door_reads_the_same_history(api: Any) -> None:
    from rules import evaluate, result_to_json
    from tests.builders import TODAY, request

    body = request(
        history__remunerated_trainings=[{"start_date": "2024-04-01", "end_date": "2024-05-31"}]
    )
    answer = api.client.post("/v1/evaluations", json=body, headers=api.headers("instructor"))
    assert answer.status_code == 200, answer.text
    assert [r["code"] for r in answer.json()["reasons"]] == ["REMUNERATION_OVERLAP"]
    assert answer.content == result_to_json(evaluate(body, today=TODAY))


def test_a_french_address_needs_a_french_postcode(api: Any) -> None:
    """« ABC » or four digits are refused with the field named, on creation and on correction;
    an address abroad keeps its own postcode; nothing is written by a refused request."""
    created = _post_trainee(api, trainee_body(last_name="Postal", postcode="ABC"))
    assert created.status_code == 422, created.text
    problem = created.json()
    assert created.headers["content-type"].startswith("application/problem+json")
    assert [error["path"] for error in problem["errors"]] == ["postcode"]
    assert "cinq chiffres" in problem["errors"][0]["message"]
    with api.session() as session:
        assert session.scalar(select(Trainee).where(Trainee.last_name == "Postal")) is None

    abroad = check(
        _post_trainee(api, trainee_body(last_name="Postal", postcode="1000", country="BE")), 201
    )
    path = f"/v1/trainees/{abroad['id']}"
    back_home = api.client.patch(
        path,
        json={"country": "FR"},
        headers=api.headers("instructor", **{"If-Match": _etag(api, path)}),
    )
    assert back_home.status_code == 422, back_home.text
    assert [error["path"] for error in back_home.json()["errors"]] == ["postcode"]
    moved = check(
        api.client.patch(
            path,
            json={"country": "FR", "postcode": "97110"},
            headers=api.headers("instructor", **{"If-Match": _etag(api, path)}),
        ),
        200,
    )
    assert moved["postcode"] == "97110" and moved["country"] == "FR"
