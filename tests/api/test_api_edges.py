"""The edges of the HTTP door: an oversized body is refused before it is read, with a problem
and the request id; a request id the client sends is kept only when it is safe to log; the
readiness probe says when the database is gone."""

from __future__ import annotations

from pathlib import Path

from api.composition import create_app
from tests.dbsupport import (
    MutableClock,
    client_class,
    database_url_for,
    default_now,
    fresh_database,
    make_settings,
)


def test_the_door_refuses_oversized_bodies_and_unsafe_request_ids(tmp_path: Path) -> None:
    url = database_url_for(tmp_path)
    fresh_database(url)
    settings = make_settings(url, tmp_path, max_upload_bytes=2048, max_body_bytes=1024)
    app = create_app(settings, clock=MutableClock(default_now()))
    with client_class()(app, raise_server_exceptions=False) as client:
        limit = settings.max_body_bytes + 1
        big = client.post(
            "/v1/evaluations",
            content=b"{" + b" " * limit + b"}",
            headers={"Content-Type": "application/json", "X-Request-ID": "client-req-0001"},
        )
        assert big.status_code == 413
        assert big.headers["content-type"] == "application/problem+json"
        problem = big.json()
        assert problem["code"] == "request_too_large"
        assert problem["request_id"] == "client-req-0001" == big.headers["x-request-id"]

        unsafe = client.get("/health/live", headers={"X-Request-ID": "bad id\twith tab"})
        assert unsafe.status_code == 200
        assert unsafe.headers["x-request-id"] != "bad id\twith tab"
        assert len(unsafe.headers["x-request-id"]) == 32

        assert client.get("/health/ready").json() == {"status": "ok"}
        app.state.engine.dispose()
        if url.startswith("sqlite"):
            (tmp_path / "remu-test.sqlite3").unlink()
            (tmp_path / "remu-test.sqlite3").mkdir()  # the file is gone, a directory in its place
            gone = client.get("/health/ready")
            assert gone.status_code == 503 and gone.json() == {"status": "unavailable"}
    app.state.engine.dispose()
