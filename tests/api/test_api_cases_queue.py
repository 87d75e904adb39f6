"""The queue seen by its agents: automatic cases from the outbox, concurrent claims, views,
assignment, macros and metrics (JSON and CSV)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from api.settings import issue_token
from remuneration.cases.services import create_team, run_case_jobs, set_agent
from remuneration.db.models import User
from remuneration.services.case_requests import request_case
from remuneration.services.context import Role
from remuneration.services.users import create_user
from tests.api.builders import check, create_training, ready_dossier


def at(api: Any, moment: datetime) -> None:
    """Move the application's clock and give every test user a token valid at that moment."""
    api.clock.now = moment
    with api.session() as session:
        for user in session.scalars(select(User).where(User.name.like("test-%"))):
            api.tokens[user.name.removeprefix("test-")] = issue_token(
                api.settings, user=user, now=moment
            )


@pytest.fixture(scope="module")
def trainee(api: Any) -> dict[str, Any]:
    at(api, datetime(2024, 6, 3, 7, tzinfo=UTC))  # Monday 3 June, 9:00 Paris
    return ready_dossier(api, create_training(api, api.organisation_id))


def _new_case(api: Any, trainee: dict[str, Any], **extra: Any) -> Any:
    body = {
        "category": "information",
        "channel": "phone",
        "subject": "Question",
        "trainee_id": trainee["trainee"]["id"],
        **extra,
    }
    return check(
        api.client.post("/v1/cases", json=body, headers=api.headers("relation_usagers")), 201
    )


def test_a_returned_payment_opens_one_high_priority_case(api: Any, trainee: dict[str, Any]) -> None:
    payment_id = uuid.uuid4()

    def returned(hour: int) -> None:
        with api.session() as session, session.begin():
            request_case(
                session,
                cause_key=f"payment_returned:payment:{payment_id}",
                category="payment_returned",
                priority="high",
                summary="Virement retourné par la banque : compte clos.",
                now=datetime(2024, 6, 3, hour, tzinfo=UTC),
                trainee_id=uuid.UUID(trainee["trainee"]["id"]),
                payment_id=payment_id,
            )
            run_case_jobs(session, now=datetime(2024, 6, 3, hour, 5, tzinfo=UTC))

    returned(8)
    returned(9)
    at(api, datetime(2024, 6, 3, 9, 10, tzinfo=UTC))
    listed = check(
        api.client.get(
            "/v1/cases?category=payment_returned&view=unassigned",
            headers=api.headers("relation_usagers"),
        ),
        200,
    )
    mine = [item for item in listed["items"] if item["trainee_id"] == trainee["trainee"]["id"]]
    assert len(mine) == 1
    assert (mine[0]["priority"], mine[0]["channel"], mine[0]["status"]) == (
        "high",
        "system",
        "new",
    )
    case = check(
        api.client.get(f"/v1/cases/{mine[0]['id']}", headers=api.headers("supervisor")), 200
    )
    assert case["payment_id"] == str(payment_id)
    assert [e["action"] for e in case["events"]].count("occurrence") == 1
    assert case["entries"][0]["kind"] == "note"  # the system's summary is internal


def test_ten_agents_claiming_at_once_through_the_api(api: Any, trainee: dict[str, Any]) -> None:
    at(api, datetime(2024, 6, 4, 8, tzinfo=UTC))
    case = _new_case(api, trainee)
    with api.session() as session, session.begin():
        agents = [
            create_user(
                session,
                name=f"claimer-{i}-{uuid.uuid4().hex[:6]}",
                role=Role.RELATION_USAGERS,
                now=api.clock.now,
            )
            for i in range(10)
        ]
        tokens = [issue_token(api.settings, user=user, now=api.clock.now) for user in agents]
    barrier = threading.Barrier(10)
    statuses: list[int] = []
    lock = threading.Lock()

    def claim(token: str) -> None:
        barrier.wait()
        response = api.client.post(
            f"/v1/cases/{case['id']}/claim", headers={"Authorization": f"Bearer {token}"}
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=claim, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * 9
    final = check(api.client.get(f"/v1/cases/{case['id']}", headers=api.headers("supervisor")), 200)
    assert final["assignee"]["id"] in {str(user.id) for user in agents}
    assert [e["action"] for e in final["events"]].count("assigned") == 1


def test_views_assignment_and_round_robin(api: Any, trainee: dict[str, Any]) -> None:
    at(api, datetime(2024, 6, 5, 8, tzinfo=UTC))
    urgent = _new_case(api, trainee, priority="urgent", subject="Urgent")
    low = _new_case(api, trainee, priority="low", subject="Pas pressé")
    queue = check(
        api.client.get("/v1/cases?view=unassigned", headers=api.headers("supervisor")), 200
    )
    order = [item["id"] for item in queue["items"]]
    assert order.index(urgent["id"]) < order.index(low["id"])

    with api.session() as session, session.begin():
        worker = session.scalar(select(User).where(User.name == "test-relation_usagers"))
        assert worker is not None
        team = create_team(session, name="equipe-test", label="Équipe de test", now=api.clock.now)
        set_agent(session, user_id=worker.id, team_id=team.id, now=api.clock.now)
        worker_id, team_id = worker.id, team.id
    path = f"/v1/cases/{low['id']}/assign"
    denied = api.client.post(
        path, json={"assignee_id": str(worker_id)}, headers=api.headers("relation_usagers")
    )
    assert denied.status_code == 403
    given = check(
        api.client.post(
            path,
            json={"round_robin": True, "team_id": str(team_id)},
            headers=api.headers("supervisor", **{"If-Match": f'"{low["version"]}"'}),
        ),
        200,
    )
    assert given["assignee"]["id"] == str(worker_id) and given["team"] == "equipe-test"
    mine = check(
        api.client.get("/v1/cases?view=mine", headers=api.headers("relation_usagers")), 200
    )
    assert low["id"] in [item["id"] for item in mine["items"]]
    back = check(
        api.client.post(
            path,
            json={"assignee_id": None},
            headers=api.headers("supervisor", **{"If-Match": f'"{given["version"]}"'}),
        ),
        200,
    )
    assert back["assignee"] is None
    found = check(
        api.client.get(
            f"/v1/cases?q={urgent['reference']}", headers=api.headers("relation_usagers")
        ),
        200,
    )
    assert [item["id"] for item in found["items"]] == [urgent["id"]]


def test_a_macro_asks_for_the_rib(api: Any, trainee: dict[str, Any]) -> None:
    at(api, datetime(2024, 6, 6, 8, tzinfo=UTC))
    case = _new_case(api, trainee, category="bank_details_change")
    applied = check(
        api.client.post(
            f"/v1/cases/{case['id']}/macros/rib_requested",
            json={},
            headers=api.headers("relation_usagers", **{"If-Match": f'"{case["version"]}"'}),
        ),
        200,
    )
    assert applied["status"] == "waiting_trainee"
    assert applied["reminder_at"] == "2024-06-13T08:00:00Z"
    message = next(
        e for e in applied["entries"] if e["kind"] == "message" and e["direction"] == "outbound"
    )
    assert "avant le 13 juin 2024" in message["body"]


def test_metrics_json_and_csv_for_supervisors(api: Any, trainee: dict[str, Any]) -> None:
    at(api, datetime(2024, 6, 7, 8, tzinfo=UTC))
    denied = api.client.get("/v1/cases/metrics", headers=api.headers("relation_usagers"))
    assert denied.status_code == 403
    data = check(api.client.get("/v1/cases/metrics", headers=api.headers("supervisor")), 200)
    assert data["case_count"] >= 5
    assert set(data["backlog"]["by_status"]) == {"new", "open", "waiting_trainee"}
    assert set(data["compliance"]) == {"first_response", "resolution"}
    csv = api.client.get("/v1/cases/metrics?format=csv", headers=api.headers("supervisor"))
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.content.startswith(b"\xef\xbb\xbf")
    assert (
        csv.content.decode("utf-8-sig").splitlines()[0] == "indicateur;axe;valeur_axe;mesure;valeur"
    )
    empty = check(
        api.client.get("/v1/cases/metrics?since=2030-01-01", headers=api.headers("supervisor")),
        200,
    )
    assert empty["case_count"] == 0
