"""`remu demo`'s data set: every dossier state, attendance, tokens that work."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from api.cli.main import load_demo_data, print_tokens
from remuneration.demo.loader import demo_loaded
from remuneration.domain.states import DOSSIER_STATUS_LABELS

pytestmark = pytest.mark.slow

STATES = {"draft", "submitted", "incomplete", "complete", "granted", "rejected", "exited", "closed"}


def test_the_demo_has_dossiers_in_every_state_and_working_tokens(
    api: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime(2026, 6, 15, 9, tzinfo=UTC)
    summary = load_demo_data(api.settings, trainees=150, seed=2024, now=now)
    assert "150 stagiaires" in summary
    assert demo_loaded(api.settings.database_url)
    assert load_demo_data(api.settings, trainees=150, seed=2024, now=now).startswith("Les données")
    for state in STATES:  # counted by the states' French words, as agents read them
        assert f"{DOSSIER_STATUS_LABELS[state].lower()} : " in summary, (state, summary)

    api.clock.now = now
    print_tokens(api.settings, now=now)
    tokens = dict(line.split("\t") for line in capsys.readouterr().out.splitlines())
    assert set(tokens) == {
        "instructor",
        "relation_usagers",
        "finance",
        "organisation",
        "supervisor",
        "admin",
    }
    headers = {"Authorization": f"Bearer {tokens['instructor']}"}
    granted = api.client.get("/v1/dossiers?status=granted&page_size=5", headers=headers).json()
    assert granted["total"] > 30
    decision = api.client.get(
        f"/v1/dossiers/{granted['items'][0]['id']}/decisions", headers=headers
    ).json()[-1]
    assert decision["outcome"] == "granted"
    assert any(line["kind"] == "remuneration" for line in decision["result"]["lines"])
