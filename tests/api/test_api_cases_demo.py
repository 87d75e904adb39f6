"""`remu demo` fills the queue: agents' cases in several states and automatic cases."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from api.cli.main import load_demo_data
from api.settings import issue_token
from remuneration.db.models import User

pytestmark = pytest.mark.slow


def test_the_demo_queue_has_cases_to_work_on(api: Any) -> None:
    now = datetime(2026, 6, 15, 9, tzinfo=UTC)
    summary = load_demo_data(api.settings, trainees=80, seed=2024, now=now)
    assert "dossiers de relation usager" in summary
    api.clock.now = now
    with api.session() as session:
        user = session.scalar(select(User).where(User.name == "demo-supervisor"))
        assert user is not None
        headers = {"Authorization": f"Bearer {issue_token(api.settings, user=user, now=now)}"}
    everything = api.client.get("/v1/cases?view=all&page_size=200", headers=headers).json()
    statuses = {item["status"] for item in everything["items"]}
    assert {"resolved", "waiting_trainee", "new", "open"} <= statuses
    channels = {item["channel"] for item in everything["items"]}
    assert {"phone", "email", "mail", "counter"} <= channels
    waiting = api.client.get("/v1/cases?view=waiting", headers=headers).json()
    assert waiting["total"] >= 1
    metrics = api.client.get("/v1/cases/metrics", headers=headers).json()
    assert metrics["case_count"] == everything["total"]
