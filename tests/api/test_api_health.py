"""The probes live where the operations guide says: ``/health/live`` and ``/health/ready``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.composition import create_app
from tests.dbsupport import MutableClock, client_class, default_now, make_settings


def test_probes_answer_at_their_documented_paths(api: Any) -> None:
    live = api.client.get("/health/live")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    ready = api.client.get("/health/ready")
    assert (ready.status_code, ready.json()) == (200, {"status": "ok"})
    paths = api.app.openapi()["paths"]
    assert {"/health/live", "/health/ready"} <= paths.keys()
    assert "/live" not in paths and "/ready" not in paths


def test_probes_need_no_token(api: Any) -> None:
    for path in ("/health/live", "/health/ready"):
        assert api.client.get(path, headers={"Authorization": "Bearer nonsense"}).status_code == 200


def test_ready_says_503_when_the_database_is_out_of_reach(tmp_path: Path) -> None:
    """Liveness touches nothing; readiness is what a load balancer must stop sending to."""
    url = "postgresql+psycopg://remu@127.0.0.1:9/remu?connect_timeout=2"  # the discard port
    app = create_app(make_settings(url, tmp_path), clock=MutableClock(default_now()))
    client = client_class()(app, raise_server_exceptions=False)
    try:
        assert client.get("/health/live").status_code == 200
        ready = client.get("/health/ready")
        assert (ready.status_code, ready.json()) == (503, {"status": "unavailable"})
    finally:
        client.close()
        app.state.engine.dispose()


@pytest.mark.parametrize("path", ["/live", "/ready"])
def test_the_bare_paths_are_not_probes(api: Any, path: str) -> None:
    response = api.client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
