"""`remu cases …`: teams, agents, absences and the queue's jobs from the command line."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import pytest
from sqlalchemy import select

from api.composition import main
from remuneration.cases.models import CaseAgent, CaseAgentAbsence, CaseTeam
from remuneration.db.session import make_engine, make_session_factory, sqlite_file_url


def test_team_agent_absence_and_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The command line on its own embedded SQLite file, in both test modes (the API tests cover
    # PostgreSQL).
    url = sqlite_file_url(tmp_path / "remu-cli.sqlite3")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REMU_JWT_SECRET", secrets.token_urlsafe(48))
    monkeypatch.setenv("REMU_DATA_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    assert main(["users", "create", "--name", "lea", "--role", "relation_usagers"]) == 0
    assert main(["users", "create", "--name", "paul", "--role", "finance"]) == 0
    assert main(["cases", "team", "relation-usagers", "--label", "Relation usagers"]) == 0
    assert main(["cases", "team", "relation-usagers"]) == 2
    assert main(["cases", "agent", "lea", "--team", "relation-usagers", "--cap", "5"]) == 0
    assert main(["cases", "agent", "paul", "--team", "relation-usagers"]) == 2
    assert main(["cases", "agent", "lea", "--team", "inconnue"]) == 2
    assert main(["cases", "absence", "lea", "2024-07-01", "2024-07-05"]) == 0
    capsys.readouterr()
    assert main(["cases", "run"]) == 0
    assert "Demandes consommées : 0 dossier ouvert, 0 occurrence ajoutée" in capsys.readouterr().out
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            team = session.scalar(select(CaseTeam))
            agent = session.scalar(select(CaseAgent))
            absence = session.scalar(select(CaseAgentAbsence))
            assert team is not None and agent is not None and absence is not None
            assert (agent.team_id, agent.open_case_cap) == (team.id, 5)
            assert (absence.first_day.isoformat(), absence.last_day.isoformat()) == (
                "2024-07-01",
                "2024-07-05",
            )
    finally:
        engine.dispose()
