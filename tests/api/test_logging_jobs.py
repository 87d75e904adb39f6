"""Logs of scheduled jobs: one JSON object per line, in UTC, with the job run's id as request id,
and no NIR, IBAN or token even when a job logs or raises one."""

from __future__ import annotations

import io
import json
import logging
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.scheduler.registry import JobSpec
from api.scheduler.runner import JobRunner
from api.scheduler.slots import CronSchedule
from remuneration.db.models import JobRun
from remuneration.db.session import make_engine, make_session_factory
from remuneration.demo.data import make_iban, make_nir
from remuneration.logs import configure_logging
from tests.dbsupport import database_url_for, fresh_database

RNG = random.Random(4)
NIR = make_nir(RNG, sex="F", birth_date=date(1994, 2, 3), department="76")
IBAN = make_iban(RNG)
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = configure_logging(stream=stream, level=logging.INFO)
    yield stream
    logging.getLogger().removeHandler(handler)


def _talkative(session: Session, *, today: date, now: datetime) -> dict[str, int]:
    logging.getLogger("remu.test.job").warning("NIR %s, IBAN %s, jeton Bearer %s", NIR, IBAN, JWT)
    raise RuntimeError(f"paiement refusé pour {IBAN} ({NIR})")


def test_job_logs_are_json_in_utc_with_the_run_id_and_masked(
    captured: io.StringIO, tmp_path_factory: pytest.TempPathFactory
) -> None:
    url = database_url_for(tmp_path_factory.mktemp("logs"))
    fresh_database(url)
    engine = make_engine(url)
    try:
        spec = JobSpec("talkative", CronSchedule(minute="0", hour="3"), _talkative, "bavarde")
        runner = JobRunner(make_session_factory(engine), [spec])
        runner.tick(datetime(2026, 6, 1, 1, 0, 30, tzinfo=UTC))
        with make_session_factory(engine)() as session:
            run = session.scalars(select(JobRun)).one()
    finally:
        engine.dispose()
    output = captured.getvalue()
    for secret in (NIR, IBAN, JWT):
        assert secret not in output
        assert run.error is not None and secret not in run.error
    records = [json.loads(line) for line in output.splitlines()]
    from_job = [r for r in records if r["logger"] in ("remu.test.job", "remu.jobs")]
    assert len(from_job) == 2
    assert all(r["request_id"] == f"job-{run.id.hex}" for r in from_job)
    assert all(r["time"].endswith("+00:00") for r in records)
    assert "IBAN FR" in from_job[0]["message"] and "Bearer [masqué]" in from_job[0]["message"]
    assert run.error is not None and "RuntimeError" in run.error


def _quiet(session: Session, *, today: date, now: datetime) -> dict[str, int]:
    return {"rows": 0}


def test_a_successful_run_is_logged_under_its_run_id(
    captured: io.StringIO, tmp_path_factory: pytest.TempPathFactory
) -> None:
    url = database_url_for(tmp_path_factory.mktemp("logs-ok"))
    fresh_database(url)
    engine = make_engine(url)
    try:
        spec = JobSpec("quiet", CronSchedule(minute="0", hour="3"), _quiet, "calme")
        JobRunner(make_session_factory(engine), [spec]).tick(
            datetime(2026, 6, 1, 1, 0, 30, tzinfo=UTC)
        )
        with make_session_factory(engine)() as session:
            run = session.scalars(select(JobRun)).one()
    finally:
        engine.dispose()
    records = [json.loads(line) for line in captured.getvalue().splitlines()]
    [done] = [r for r in records if "terminée" in r["message"]]
    assert done["request_id"] == f"job-{run.id.hex}" and done["level"] == "INFO"


def test_http_requests_are_logged_with_their_request_id_in_utc(
    api: Any, captured: io.StringIO
) -> None:
    api.client.get("/health/live", headers={"X-Request-ID": "req-0123456789"})
    records = [json.loads(line) for line in captured.getvalue().splitlines()]
    [access] = [r for r in records if r["logger"] == "remu.access"]
    assert access["request_id"] == "req-0123456789"
    assert access["message"].startswith("GET 200 ") and access["message"].endswith(" /health/live")
    assert access["time"].endswith("+00:00")
