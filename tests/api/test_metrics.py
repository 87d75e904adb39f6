"""`/metrics`: Prometheus text, requests by route template with latency, the state of every job
(a failure is visible), and readers that tolerate tables other packages have not created yet."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, delete, text
from sqlalchemy.orm import Session

from api.composition import create_app
from api.http.metrics import breached_slas, open_cases_by_status, payments_pending
from remuneration.db.models import JobRun
from remuneration.db.session import make_session_factory
from remuneration.domain.ids import new_id
from tests.dbsupport import MutableClock, client_class, make_settings

TOKEN = secrets.token_urlsafe(40)
NOW = datetime(2026, 6, 1, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def metered(api: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A second application on the API tests' database, with a metrics token."""
    directory: Path = tmp_path_factory.mktemp("metrics")
    settings = make_settings(api.settings.database_url, directory, metrics_token=TOKEN)
    app = create_app(settings, clock=MutableClock(NOW))
    client = client_class()(app, raise_server_exceptions=False)
    yield client
    client.close()
    app.state.engine.dispose()


def _scrape(client: Any) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return str(response.text)


def test_metrics_are_off_without_a_token_and_closed_without_the_right_one(
    api: Any, metered: Any
) -> None:
    assert api.client.get("/metrics").status_code == 404
    assert metered.get("/metrics").status_code == 401
    wrong = metered.get("/metrics", headers={"Authorization": "Bearer " + "x" * 40})
    assert wrong.status_code == 401
    assert "/metrics" not in api.app.openapi()["paths"]


def test_requests_are_counted_by_route_template_with_their_latency(metered: Any) -> None:
    dossier = uuid.uuid4()
    metered.get("/health/live")
    metered.get(f"/v1/dossiers/{dossier}")
    metered.get(f"/v1/dossiers/{dossier}")
    metered.get("/no/such/path")
    body = _scrape(metered)
    assert str(dossier) not in body and "/no/such/path" not in body
    assert 'remu_http_requests_total{method="GET",route="/health/live",status="200"} 1' in body
    assert (
        'remu_http_requests_total{method="GET",route="/v1/dossiers/{dossier_id}",status="401"} 2'
        in body
    )
    assert 'route="<hors route>",status="404"' in body
    bucket = 'remu_http_request_duration_seconds_bucket{method="GET",route="/health/live"'
    assert f'{bucket},le="+Inf"}} 1' in body
    assert (
        'remu_http_request_duration_seconds_count{method="GET",route="/v1/dossiers/{dossier_id}"} 2'
        in body
    )


def test_every_job_is_shown_and_a_failing_job_is_visible(api: Any, metered: Any) -> None:
    with make_session_factory(api.engine).begin() as session:
        session.execute(delete(JobRun))
        for job, status, minutes in (
            ("idempotency_expiry", "succeeded", 60),
            ("retention_purge", "succeeded", 120),
            ("retention_purge", "failed", 30),
        ):
            started = NOW - timedelta(minutes=minutes)
            session.add(
                JobRun(
                    id=new_id(),
                    job=job,
                    scheduled_for=started,
                    trigger="schedule",
                    status=status,
                    holder="test",
                    attempts=1,
                    started_at=started,
                    finished_at=started + timedelta(seconds=2),
                    error="RuntimeError: panne" if status == "failed" else None,
                )
            )
    body = _scrape(metered)
    assert 'remu_job_last_run_failed{job="retention_purge"} 1' in body
    assert 'remu_job_last_run_failed{job="idempotency_expiry"} 0' in body
    assert 'remu_job_last_run_status{job="attendance_reminders",status="never"} 1' in body
    success = (NOW - timedelta(minutes=120) + timedelta(seconds=2)).timestamp()
    assert success.is_integer()
    assert (
        f'remu_job_last_success_timestamp_seconds{{job="retention_purge"}} {int(success)}\n' in body
    )
    # exact integers: a 05:00Z slot is not rounded to 05:20Z (`1.79688e+09`)
    [next_run] = re.findall(
        r'remu_job_next_run_timestamp_seconds\{job="attendance_reminders"\} (\S+)', body
    )
    assert re.fullmatch(r"\d{10}", next_run), next_run
    assert int(next_run) % 60 == 0
    for family in ("remu_cases_open", "remu_cases_sla_breached", "remu_payments_pending"):
        assert f"# TYPE {family} gauge" in body


@pytest.fixture
def scratch() -> Iterator[Engine]:
    """A throw-away SQLite database to exercise the tolerant readers (not the project schema)."""
    engine = create_engine("sqlite+pysqlite:///:memory:")
    yield engine
    engine.dispose()


def test_readers_answer_nothing_before_the_tables_exist(scratch: Engine) -> None:
    with Session(scratch) as session:
        assert open_cases_by_status(session, NOW) == []
        assert breached_slas(session, NOW) == []
        assert payments_pending(session, NOW) == []


def test_readers_count_once_the_tables_exist(scratch: Engine) -> None:
    with scratch.begin() as connection:
        connection.execute(text("CREATE TABLE cases (status TEXT, resolution_due TIMESTAMP)"))
        connection.execute(text("CREATE TABLE payments (status TEXT)"))
        connection.execute(
            text(
                "INSERT INTO cases VALUES ('open', '2026-05-01 00:00:00'), "
                "('open', '2026-07-01 00:00:00'), ('new', NULL), ('closed', '2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            text("INSERT INTO payments VALUES ('prepared'), ('prepared'), ('released')")
        )
    with Session(scratch) as session:
        opened = {s.labels["status"]: s.value for s in open_cases_by_status(session, NOW)}
        breached = {s.labels["clock"]: s.value for s in breached_slas(session, NOW)}
        pending = [(dict(s.labels), s.value) for s in payments_pending(session, NOW)]
    assert opened == {"new": 1, "open": 2, "waiting_trainee": 0}
    assert breached == {"resolution": 1}
    assert pending == [({}, 2)]
