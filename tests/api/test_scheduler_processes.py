"""Two real `remu scheduler` processes on one database walk a simulated month (time as an
argument) and every slot runs exactly once; a live scheduler stops gracefully on SIGTERM."""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.scheduler.registry import build_registry
from api.scheduler.slots import slots_between
from remuneration.db.models import JobRun
from remuneration.db.session import make_engine, make_session_factory
from remuneration.domain.timezone import PARIS
from tests.dbsupport import database_url_for, fresh_database, make_settings

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 3, 1, tzinfo=PARIS)
END = datetime(2026, 3, 31, 23, 59, tzinfo=PARIS)  # with the spring change, 29 March


def _environment(url: str, directory: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("REMU_") and key != "DATABASE_URL"
    }
    env.update(
        {
            "DATABASE_URL": url,
            "REMU_JWT_SECRET": secrets.token_urlsafe(48),
            "REMU_DATA_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "REMU_DOCUMENT_STORE_DIR": str(directory / "documents"),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def _remu(*args: str) -> list[str]:
    """The `remu` console script's entry point, in a fresh interpreter."""
    entry = "import sys; from api.composition import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", entry, *args]


MONTHLY_WALK = (
    "idempotency_expiry",
    "attendance_reminders",
    "retention_purge",
    "advance_run",
    "monthly_payment_run",
)


def _walk(
    tmp_path: Path, start: datetime, end: datetime, only: tuple[str, ...] | None
) -> tuple[set[tuple[str, str]], list[dict[str, Any]]]:
    """Two real scheduler processes walk [start, end]; returns the expected slots and reports."""
    url = database_url_for(tmp_path)
    fresh_database(url)
    env = _environment(url, tmp_path)
    arguments = ["scheduler", "--simulate-from", start.isoformat()]
    arguments += ["--simulate-until", end.isoformat()]
    if only:
        arguments += ["--only", ",".join(only)]
    processes = [
        subprocess.Popen(
            _remu(*arguments),
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=600) for process in processes]
    assert [p.returncode for p in processes] == [0, 0], [err[-2000:] for _, err in outputs]
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert reports[0]["holder"] != reports[1]["holder"]
    jobs = [
        job for job in build_registry(make_settings(url, tmp_path)) if not only or job.name in only
    ]
    expected = {
        (job.name, slot.isoformat())
        for job in jobs
        for slot in slots_between(job.schedule, start, end)
    }
    graces = {job.name: job.grace for job in jobs}
    entries = [(job, slot) for r in reports for job, slot, _ in r["ran"]]
    failures = [entry for r in reports for entry in r["ran"] if entry[2] != "succeeded"]
    assert failures == []
    assert len(entries) == len(set(entries))  # nothing ran twice
    caught_up = set(entries) - expected  # missed slots just before the walk, within their grace
    for job, slot in caught_up:
        assert start - graces[job] <= datetime.fromisoformat(slot) < start, (job, slot)
    assert expected <= set(entries)  # every slot of the walk ran
    print("slots run by each process:", [len(r["ran"]) for r in reports])
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            rows = session.execute(select(JobRun.job, JobRun.scheduled_for, JobRun.status)).all()
    finally:
        engine.dispose()
    assert {(job, slot.replace(tzinfo=UTC).isoformat()) for job, slot, _ in rows} == set(entries)
    assert len(rows) == len(entries)
    assert {status for _, _, status in rows} == {"succeeded"}
    return expected, reports


@pytest.mark.slow
def test_two_scheduler_processes_run_every_slot_of_a_month_once(tmp_path: Path) -> None:
    expected, _ = _walk(tmp_path, START, END, MONTHLY_WALK)
    by_job = {name: sum(1 for job, _ in expected if job == name) for name in MONTHLY_WALK}
    assert by_job["idempotency_expiry"] == 743  # hourly, in a March of 743 hours (29 March)
    assert by_job["retention_purge"] == by_job["attendance_reminders"] == 31  # daily
    assert by_job["advance_run"] == 22 and by_job["monthly_payment_run"] == 1  # working days


@pytest.mark.slow
def test_two_scheduler_processes_run_every_job_of_a_day_once(tmp_path: Path) -> None:
    """Every job, the frequent case-queue ones included, on the spring daylight-saving day."""
    day_start = datetime(2026, 3, 29, tzinfo=PARIS)
    day_end = datetime(2026, 3, 29, 23, 59, tzinfo=PARIS)
    expected, _ = _walk(tmp_path, day_start, day_end, None)
    by_job = {name: sum(1 for job, _ in expected if job == name) for name, _ in expected}
    assert by_job["case_queue"] == 23 * 12  # every five minutes, 23 hours


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_the_scheduler_stops_gracefully_on_a_stop_signal(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    url = database_url_for(tmp_path)
    fresh_database(url)
    process = subprocess.Popen(
        _remu("scheduler"),
        cwd=tmp_path,
        env=_environment(url, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        started = ""
        deadline = time.monotonic() + 60
        while "planificateur démarré" not in started and time.monotonic() < deadline:
            started += process.stderr.readline()
        assert "planificateur démarré" in started
        process.send_signal(stop_signal)
        _, rest = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()  # reaps the process and closes its pipes
    assert process.returncode == 0
    lines = [json.loads(line) for line in (started + rest).splitlines() if line.startswith("{")]
    messages = [line["message"] for line in lines]
    assert any(stop_signal.name in message for message in messages)
    assert messages[-1] == "planificateur arrêté"
    assert all(line["time"].endswith("+00:00") for line in lines)
