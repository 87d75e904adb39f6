"""An agent's day on `remu demo`'s data: find a person, fix the record, see the decision follow;
and the demo itself holds no person with two granted dossiers."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from api.cli.main import load_demo_data, print_tokens
from remuneration.db.models import Decision, Document, Dossier, Trainee
from tests.api.builders import check

pytestmark = pytest.mark.slow

NOW = datetime(2026, 6, 15, 9, tzinfo=UTC)


def _granted_by_person(api: Any) -> dict[str, set[uuid.UUID]]:
    """Granted dossiers (latest decision) grouped by record, by NIR and by name and birth."""
    latest = (
        select(Decision.dossier_id, func.max(Decision.number).label("n"))
        .group_by(Decision.dossier_id)
        .subquery()
    )
    with api.session() as session:
        rows = session.execute(
            select(Dossier.id, Dossier.trainee_id, Trainee.identity_key, Document.nir_hash)
            .join(latest, latest.c.dossier_id == Dossier.id)
            .join(
                Decision,
                (Decision.dossier_id == Dossier.id) & (Decision.number == latest.c.n),
            )
            .join(Trainee, Trainee.id == Dossier.trainee_id)
            .outerjoin(Document, (Document.dossier_id == Dossier.id) & (Document.kind == "vitale"))
            .where(Decision.outcome == "granted")
        ).all()
    people: dict[str, set[uuid.UUID]] = defaultdict(set)
    for dossier_id, trainee_id, identity, nir_hash in rows:
        people[f"record:{trainee_id}"].add(dossier_id)
        people[f"identity:{identity}"].add(dossier_id)
        if nir_hash:
            people[f"nir:{nir_hash}"].add(dossier_id)
    return people


@pytest.fixture(scope="module")
def demo(api: Any) -> Any:
    load_demo_data(api.settings, trainees=300, seed=2024, now=NOW)  # what `remu demo` loads
    api.clock.now = NOW
    return api


_TOKENS: dict[str, str] = {}


def _headers(api: Any, role: str, **extra: str) -> dict[str, str]:
    """The demo's own users (tokens printed by `remu demo --tokens`)."""
    return {"Authorization": f"Bearer {_TOKENS[role]}", **extra}


def test_the_demo_holds_no_person_with_two_granted_dossiers(demo: Any) -> None:
    people = _granted_by_person(demo)
    assert len([key for key in people if key.startswith("record:")]) > 30
    assert {key: ids for key, ids in people.items() if len(ids) > 1} == {}


def test_an_agents_day_find_fix_redecide(demo: Any, capsys: pytest.CaptureFixture[str]) -> None:
    api = demo
    print_tokens(api.settings, now=NOW)
    for line in capsys.readouterr().out.splitlines():
        role, token = line.split("\t")
        _TOKENS[role] = token
    with api.session() as session:
        trainee = session.scalars(
            select(Trainee)
            .join(Dossier, Dossier.trainee_id == Trainee.id)
            .where(Dossier.status == "granted")
            .order_by(Trainee.last_name, Trainee.id)
        ).first()
        assert trainee is not None
        dossier = session.scalars(select(Dossier).where(Dossier.trainee_id == trainee.id)).one()
        last_name, first_names = trainee.last_name, trainee.first_names
    # Find: the name typed without accents, first name first; then the letter's number.
    typed = f"{first_names} {last_name}".upper()
    hits = check(
        api.client.post("/v1/search", json={"q": typed}, headers=_headers(api, "relation_usagers")),
        200,
    )["items"]
    assert str(trainee.id) in [hit["id"] for hit in hits]
    by_number = check(
        api.client.post(
            "/v1/search",
            json={"q": dossier.reference.lower()},
            headers=_headers(api, "relation_usagers"),
        ),
        200,
    )["items"]
    assert by_number[0]["id"] == str(dossier.id)
    # Fix: the address (relation usagers), then the name (instructor), re-decided.
    path = f"/v1/trainees/{trainee.id}"
    etag = api.client.get(path, headers=_headers(api, "relation_usagers")).headers["ETag"]
    fixed = check(
        api.client.patch(
            path,
            json={"street": "8 place du Marché", "postcode": "14000", "town": "Caen"},
            headers=_headers(api, "relation_usagers", **{"If-Match": etag}),
        ),
        200,
    )
    assert set(fixed["changed"]) <= {"street", "postcode", "town"} and fixed["changed"]
    assert fixed["new_decisions"] == []
    etag = api.client.get(path, headers=_headers(api, "instructor")).headers["ETag"]
    renamed = check(
        api.client.patch(
            path,
            json={"last_name": "Nouveau-Nom"},
            headers=_headers(api, "instructor", **{"If-Match": etag}),
        ),
        200,
    )
    assert renamed["new_decisions"][0]["before"] == "granted"
    assert renamed["new_decisions"][0]["after"] == "incomplete"  # the RIB holder no longer matches
    decisions = check(
        api.client.get(f"/v1/dossiers/{dossier.id}/decisions", headers=_headers(api, "instructor")),
        200,
    )
    codes = [r["code"] for r in decisions[-1]["result"]["reasons"]]
    assert "RIB_HOLDER_MISMATCH" in codes
    # Putting the name back restores the decision.
    etag = api.client.get(path, headers=_headers(api, "instructor")).headers["ETag"]
    back = check(
        api.client.patch(
            path,
            json={"last_name": last_name},
            headers=_headers(api, "instructor", **{"If-Match": etag}),
        ),
        200,
    )
    assert back["new_decisions"][0]["after"] == "granted"
    # Nobody holds two granted dossiers after the day either.
    assert {k: v for k, v in _granted_by_person(api).items() if len(v) > 1} == {}
