"""Supervisors edit the queue's teams and absences from the console (audited); other roles
are refused; bad input is answered on the page with the fields named."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from remuneration.cases.models import CaseAgent, CaseAgentAbsence, CaseTeam
from remuneration.db.models import AuditEvent, User
from tests.console.conftest import DemoConsole
from tests.console.support import csrf_of


def _plain(response: object) -> str:
    return re.sub(r"<[^>]+>", "", html.unescape(response.text))  # type: ignore[attr-defined]


def test_a_supervisor_creates_a_team_places_an_agent_and_records_an_absence(
    demo: DemoConsole,
) -> None:
    supervisor = demo.agent("demo-supervisor")
    page = supervisor.get("/file/supervision")
    assert "Modifier les équipes" in page.text
    token = csrf_of(page.text)
    created = supervisor.post(
        "/file/supervision/equipes",
        data={"csrf_token": token, "team_name": "relation-vire", "team_label": "Relation Vire"},
    )
    assert created.status_code == 200
    assert "Équipe créée." in _plain(created)
    again = supervisor.post(
        "/file/supervision/equipes",
        data={"csrf_token": token, "team_name": "relation-vire", "team_label": "Doublon"},
    )
    assert again.status_code == 422
    assert "existe déjà" in _plain(again)
    with demo.session() as session:
        team = session.scalars(select(CaseTeam).where(CaseTeam.name == "relation-vire")).one()
        agent_id = session.scalars(
            select(User.id).where(User.name == "demo-relation_usagers")
        ).one()
        finance_id = session.scalars(select(User.id).where(User.name == "demo-finance")).one()
    placed = supervisor.post(
        "/file/supervision/agents",
        data={
            "csrf_token": token,
            "user": str(agent_id),
            "team": str(team.id),
            "cap": "12",
            "active": "oui",
        },
    )
    assert placed.status_code == 200, _plain(placed)[-800:]
    assert "Relation Vire" in _plain(placed)
    bad_cap = supervisor.post(
        "/file/supervision/agents",
        data={"csrf_token": token, "user": str(agent_id), "team": str(team.id), "cap": "0"},
    )
    assert bad_cap.status_code == 422
    not_an_agent = supervisor.post(
        "/file/supervision/agents", data={"csrf_token": token, "user": str(finance_id)}
    )
    assert not_an_agent.status_code == 422
    assert 'aria-invalid="true"' in not_an_agent.text
    absent = supervisor.post(
        "/file/supervision/absences",
        data={
            "csrf_token": token,
            "absent": str(agent_id),
            "first_day": "2026-12-21",
            "last_day": "2026-12-24",
        },
    )
    assert absent.status_code == 200, _plain(absent)[-800:]
    assert "Absence enregistrée" in _plain(absent)
    backwards = supervisor.post(
        "/file/supervision/absences",
        data={
            "csrf_token": token,
            "absent": str(agent_id),
            "first_day": "2026-12-24",
            "last_day": "2026-12-21",
        },
    )
    assert backwards.status_code == 422
    assert "finir après son début" in _plain(backwards)
    with demo.session() as session:
        member = session.get_one(CaseAgent, agent_id)
        assert (member.team_id, member.open_case_cap, member.active) == (team.id, 12, True)
        absences = session.scalars(
            select(CaseAgentAbsence).where(CaseAgentAbsence.user_id == agent_id)
        ).all()
        assert [(a.first_day.isoformat(), a.last_day.isoformat()) for a in absences].count(
            ("2026-12-21", "2026-12-24")
        ) == 1
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"case_team.created", "case_agent.updated", "case_agent.absence_added"} <= actions

    relation = demo.agent("demo-relation_usagers")
    home = relation.get("/")
    refused = relation.post(
        "/file/supervision/absences",
        data={"csrf_token": csrf_of(home.text), "absent": str(agent_id)},
    )
    assert refused.status_code == 403
