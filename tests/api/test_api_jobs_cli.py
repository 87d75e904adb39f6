"""Operator commands: `remu jobs list|run`, `remu check-config`, `remu gdpr export`,
`remu retention purge`, and the scheduler's refusal to start on an old schema."""

from __future__ import annotations

import base64
import json
import random
import secrets
import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from api.composition import main
from remuneration.db.migrate import drop_everything
from remuneration.db.models import AuditEvent, JobRun
from remuneration.db.session import make_engine, make_session_factory
from remuneration.domain.ids import new_id
from remuneration.services.context import ServiceContext
from remuneration.services.document_store import DocumentStore
from remuneration.services.protection import FieldProtector, decode_master_key
from tests.dbsupport import database_url_for, fresh_database
from tests.remuneration.jobs_support import AGENT, build_dossier

KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
JOBS = {
    "idempotency_expiry",
    "attendance_reminders",
    "retention_purge",
    "advance_run",
    "monthly_payment_run",
    "case_queue",
}


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = database_url_for(tmp_path)
    fresh_database(url)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REMU_JWT_SECRET", secrets.token_urlsafe(48))
    monkeypatch.setenv("REMU_DATA_KEY", KEY)
    monkeypatch.setenv("REMU_DOCUMENT_STORE_DIR", str(tmp_path / "documents"))
    monkeypatch.setenv("REMU_LOG_JSON", "false")
    return url


def test_jobs_list_shows_every_job_and_a_failure(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["jobs", "list", "--json"]) == 0
    states = {s["job"]: s for s in json.loads(capsys.readouterr().out)}
    assert set(states) == JOBS
    assert all(s["last_status"] is None and s["next_run"] for s in states.values())
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        session.add(
            JobRun(
                id=new_id(),
                job="retention_purge",
                scheduled_for=datetime(2026, 1, 1, tzinfo=UTC),
                trigger="schedule",
                status="failed",
                holder="h",
                attempts=1,
                started_at=datetime(2026, 1, 1, tzinfo=UTC),
                error="OperationalError: disque plein",
            )
        )
    engine.dispose()
    assert main(["jobs", "list"]) == 0
    table = capsys.readouterr().out
    line = next(row for row in table.splitlines() if row.startswith("retention_purge"))
    # The status in French words, the slot as French reads it (the stored code stays in --json).
    assert "échouée" in line and "failed" not in line and "disque plein" in line
    assert "01/01/2026 01:00" in line


def test_scheduler_simulation_refuses_a_malformed_moment(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["scheduler", "--simulate-from", "31/03/2026", "--simulate-until", "2026-04-01"]
    assert main(arguments) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Moment invalide pour --simulate-from ou --simulate-until" in err
    assert "Traceback" not in err
    assert main(["scheduler", "--simulate-from", "2026-03-31T08:00"]) == 2
    assert "ensemble" in capsys.readouterr().err


def test_jobs_run_now_and_for_a_day(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "run", "idempotency_expiry"]) == 0
    assert "réussie" in capsys.readouterr().out
    assert main(["jobs", "run", "attendance_reminders", "--for", "2026-03-31"]) == 0
    assert main(["jobs", "run", "attendance_reminders", "--for", "2026-03-31"]) == 0
    outputs = capsys.readouterr().out.splitlines()
    assert "(créneau 31/03/2026 07:00) : réussie" in outputs[0]
    assert "déjà exécutée" in outputs[1]
    assert main(["jobs", "run", "nothing"]) == 2
    assert main(["jobs", "run", "retention_purge", "--for", "31/03/2026"]) == 2
    assert main(["jobs", "list", "--json"]) == 0
    states = {s["job"]: s for s in json.loads(capsys.readouterr().out)}
    assert states["idempotency_expiry"]["last_status"] == "succeeded"
    assert states["attendance_reminders"]["last_success"] is not None


def test_check_config_reports_each_point(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["check-config"]) == 0
    report = capsys.readouterr().out
    for name in ("secrets", "base", "migrations", "paramètres", "documents", "métriques"):
        assert f"ok    {name} :" in report
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("x")
    monkeypatch.setenv("REMU_DOCUMENT_STORE_DIR", str(blocked / "documents"))
    assert main(["check-config"]) == 2
    assert "ÉCHEC documents" in capsys.readouterr().out


def test_check_config_and_the_scheduler_refuse_an_old_schema(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(url)
    drop_everything(engine)
    engine.dispose()
    assert main(["check-config"]) == 2
    assert "remu migrate" in capsys.readouterr().out
    assert main(["scheduler"]) == 2
    assert "remu migrate" in capsys.readouterr().err


def test_gdpr_export_and_retention_purge_from_the_command_line(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    protector = FieldProtector(decode_master_key(KEY))
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        ctx = ServiceContext(
            session=session, actor=AGENT, now=datetime(2024, 6, 15, tzinfo=UTC), protector=protector
        )
        built = build_dossier(
            ctx, DocumentStore(tmp_path / "documents", protector), random.Random(1)
        )
    output = tmp_path / "export.json"
    assert main(["gdpr", "export", "--trainee", str(built.trainee.id), "-o", str(output)]) == 0
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    exported = json.loads(output.read_text(encoding="utf-8"))
    assert exported["trainee"]["id"] == str(built.trainee.id)
    assert built.nir not in output.read_text(encoding="utf-8")
    assert main(["gdpr", "export", "--trainee", str(built.trainee.id), "--reveal"]) == 0
    assert built.nir in capsys.readouterr().out
    assert main(["gdpr", "export", "--trainee", "pas-un-identifiant"]) == 2
    assert main(["gdpr", "export", "--trainee", str(uuid.uuid4())]) == 2
    with make_session_factory(engine)() as session:
        exports = session.scalars(
            select(AuditEvent.after).where(AuditEvent.action == "gdpr.export")
        )
        assert [entry["revealed"] for entry in exports if entry] == [False, True]
    engine.dispose()
    assert main(["retention", "purge"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["applied"] is False and "done" not in plan
    assert main(["retention", "purge", "--apply"]) == 0
    applied = json.loads(capsys.readouterr().out)
    assert applied["applied"] is True and applied["done"]["files_deleted"] == applied["files"]


def test_the_job_list_says_when_an_advance_run_had_nothing_to_pay(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        for day, outcome in ((3, {"not_a_business_day": 1}), (4, {"nothing_to_pay": 1})):
            session.add(
                JobRun(
                    id=new_id(),
                    job="advance_run",
                    scheduled_for=datetime(2026, 12, day, 5, tzinfo=UTC),
                    trigger="schedule",
                    status="succeeded",
                    holder="h",
                    attempts=1,
                    started_at=datetime(2026, 12, day, 5, tzinfo=UTC),
                    finished_at=datetime(2026, 12, day, 5, 1, tzinfo=UTC),
                    outcome={"created": 0, "payments": 0, **outcome},
                )
            )
    engine.dispose()
    assert main(["jobs", "list"]) == 0
    line = next(
        row for row in capsys.readouterr().out.splitlines() if row.startswith("advance_run")
    )
    assert "réussie" in line and "succeeded" not in line and "rien à payer" in line
    assert main(["jobs", "list", "--json"]) == 0
    states = {s["job"]: s for s in json.loads(capsys.readouterr().out)}
    assert states["advance_run"]["last_note"] == "rien à payer"
