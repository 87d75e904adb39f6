"""A run under stress: killed in the middle (SIGKILL), started twice at once; and the bulk fact
reader gives the engine exactly what the one-dossier reader gives."""

from __future__ import annotations

import base64
import os
import secrets
import signal
import subprocess
import sys
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bench.payment_run import populate
from payments import RunKind, RunRequest, run_compute, run_writer, start_run
from payments.facts import load_facts
from payments.models import Payment, PaymentLine, PaymentRun
from payments.sepa import next_target2_business_day
from remuneration.db.models import Dossier
from remuneration.db.session import make_engine, make_session_factory
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.evaluation_input import build_request
from remuneration.services.inputs import AidRequestInput
from remuneration.services.protection import FieldProtector, decode_master_key
from tests.dbsupport import database_url_for
from tests.payments.runworld import FULL_MONTH, PAYER, World, entry, granted_dossier, record_exit

ROOT = Path(__file__).resolve().parents[2]


def _count(session: Any, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_run_killed_midway_leaves_nothing_and_runs_whole_again(tmp_path: Path) -> None:
    url = database_url_for(tmp_path)
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    n = 2000
    populate(url, n, key)
    today = datetime.now(UTC).date()
    execution = next_target2_business_day(today)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REMU_DATA_KEY": key,
        "REMU_JWT_SECRET": secrets.token_urlsafe(48),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "api.composition", "payments", "run", "--kind", "monthly"]
    command += ["--period", "2024-04", "--execution-date", execution.isoformat()]
    command += ["--chunk-size", "100"]
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    assert process.stderr is not None
    progress = [process.stderr.readline().decode() for _ in range(2)]
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert any(line.startswith("Paie : ") for line in progress), progress

    engine = make_engine(url)
    try:
        sessions = make_session_factory(engine)
        with sessions() as session:
            assert _count(session, PaymentRun) == 0, "a killed run left a run behind"
            assert _count(session, Payment) == _count(session, PaymentLine) == 0
        protector = FieldProtector(decode_master_key(key))
        request = RunRequest(RunKind.MONTHLY, "2024-04", execution)
        for attempt in range(2):
            with sessions.begin() as session:
                ctx = ServiceContext(
                    session=session,
                    actor=Actor(user_id=None, name="test", role=Role.FINANCE),
                    now=datetime.now(UTC),
                    protector=protector,
                )
                outcome = start_run(ctx, request, payer=PAYER)
                assert outcome.created is (attempt == 0)
        with sessions() as session:
            assert _count(session, PaymentRun) == 1
            assert _count(session, Payment) == n
            keys = session.execute(
                select(PaymentLine.dossier_id, PaymentLine.period, PaymentLine.kind)
            ).all()
            assert len(keys) == len(set(keys)) >= 3 * n
    finally:
        engine.dispose()


def test_two_runs_started_at_once_make_one_run(world: World) -> None:
    for _ in range(3):
        granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            barrier.wait(timeout=10)
            with world.unit() as ctx:
                request = RunRequest(RunKind.MONTHLY, "2024-04", date(2024, 5, 8))
                outcome = start_run(ctx, request, payer=PAYER)
                assert outcome.run is not None
                outcomes.append((outcome.run.id, outcome.created))
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len({run_id for run_id, _ in outcomes}) == 1
    assert sorted(created for _, created in outcomes) == [False, True]
    with world.session() as session:
        assert _count(session, PaymentRun) == 1
        assert _count(session, Payment) == 3


def test_the_bulk_reader_gives_the_same_requests_as_build_request(world: World) -> None:
    plain = granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": entry("120", "20")})
    with_aids = granted_dossier(
        world,
        months={"2024-03": FULL_MONTH},
        aids=[
            AidRequestInput(
                kind="equipment", request_date=date(2024, 4, 2), invoice_amount=Decimal("350")
            ),
            AidRequestInput(
                kind="driving_licence",
                request_date=date(2024, 4, 3),
                cost=Decimal("1200"),
                other_funding=Decimal("100"),
                code_status="passed",
            ),
        ],
    )
    exited = granted_dossier(world, months={"2024-03": FULL_MONTH}, town=None)
    record_exit(world, exited, date(2024, 4, 12), "legitimate")
    ids = [plain["dossier_id"], with_aids["dossier_id"], exited["dossier_id"]]
    as_of = date(2024, 5, 6)
    with world.unit() as ctx:
        bulk = {
            facts.dossier_id: facts
            for facts in load_facts(ctx.session, ctx.protector, ids, as_of=as_of)
        }
        for dossier_id in ids:
            dossier = ctx.session.get_one(Dossier, dossier_id)
            assert bulk[dossier_id].request == build_request(ctx, dossier, as_of=as_of)
    assert bulk[exited["dossier_id"]].exit_date == date(2024, 4, 12)
    assert bulk[plain["dossier_id"]].bank_details is not None
    assert set(bulk[plain["dossier_id"]].statement_lines) == {"2024-03", "2024-04"}


def _failing_after(calls: int, original: Any) -> Any:
    """``original``, raising on its ``calls``-th call (a crash in the middle of the run)."""
    seen = {"n": 0}

    def step(*args: Any, **kwargs: Any) -> Any:
        seen["n"] += 1
        if seen["n"] == calls:
            raise RuntimeError("crash in the middle of the run")
        return original(*args, **kwargs)

    return step


def _run_in_chunks_of_one(world: World) -> Any:
    with world.unit() as ctx:
        request = RunRequest(RunKind.MONTHLY, "2024-04", date(2024, 5, 8))
        return start_run(ctx, request, payer=PAYER, chunk_size=1)


@pytest.mark.parametrize(
    ("target", "calls"),
    [
        # the database step (written in a second thread on PostgreSQL): the third chunk's write
        (run_writer.RunWriter, "write"),
        # the computing, while the database step of the chunks around it is in flight
        (run_compute, "evaluate_chunk"),
    ],
    ids=["database-step", "computing"],
)
def test_a_crash_in_a_chunk_leaves_nothing_and_the_run_is_made_whole_after(
    world: World, monkeypatch: pytest.MonkeyPatch, target: Any, calls: str
) -> None:
    for _ in range(5):
        granted_dossier(world, months={"2024-03": FULL_MONTH, "2024-04": FULL_MONTH})
    original = getattr(target, calls)
    monkeypatch.setattr(target, calls, _failing_after(3, original))
    with pytest.raises(RuntimeError, match="crash in the middle"):
        _run_in_chunks_of_one(world)
    with world.session() as session:
        for model in (PaymentRun, Payment, PaymentLine):
            assert _count(session, model) == 0
    monkeypatch.setattr(target, calls, original)
    outcome = _run_in_chunks_of_one(world)
    assert outcome.created and outcome.run is not None
    assert outcome.run.payments_count == 5
    with world.session() as session:
        assert _count(session, Payment) == 5
        paid = session.scalar(select(func.sum(Payment.amount)))
        lines = session.scalar(select(func.sum(PaymentLine.amount)))
    assert Decimal(str(paid)) == Decimal(str(lines)) == outcome.run.total_amount
