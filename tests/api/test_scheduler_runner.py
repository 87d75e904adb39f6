"""The job runner on a real database (SQLite, or PostgreSQL with REMU_TEST_DATABASE_URL): each
slot runs once across runners with their own engines, failures are recorded and visible, missed
slots are caught up once within their grace, dead holders' leases expire, and a job's effects
commit with its success record or not at all."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.orm import Session

from api.scheduler.registry import JobSpec
from api.scheduler.runner import JobRunner, Outcome, RunStatus
from api.scheduler.simulation import simulate, simulated_instants
from api.scheduler.slots import CronSchedule, slots_between
from api.scheduler.status import job_states
from remuneration.db.models import IdempotencyRecord, JobLease, JobRun
from remuneration.db.session import make_engine, make_session_factory
from remuneration.domain.ids import new_id
from remuneration.domain.timezone import PARIS
from tests.dbsupport import database_url_for, fresh_database, is_postgres


class Calls:
    """What the test jobs were asked to do, thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seen: list[tuple[str, date, datetime]] = []

    def job(self, name: str) -> JobSpec:
        def run(session: Session, *, today: date, now: datetime) -> dict[str, int]:
            session.execute(text("SELECT 1"))
            with self._lock:
                self.seen.append((name, today, now))
            return {"calls": 1}

        return JobSpec(name=name, schedule=SCHEDULES[name], func=run, description=name)


SCHEDULES = {
    "quarter": CronSchedule(minute="*/15", hour="*"),
    "hourly": CronSchedule(minute="0", hour="*"),
    "nightly": CronSchedule(minute="30", hour="2"),
}


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = database_url_for(tmp_path_factory.mktemp("runner"))
    fresh_database(url)
    return url


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(delete(JobRun))
        connection.execute(delete(JobLease))
    yield engine
    engine.dispose()


def _runs(engine: Engine) -> list[JobRun]:
    with make_session_factory(engine)() as session:
        return list(session.scalars(select(JobRun).order_by(JobRun.job, JobRun.scheduled_for)))


def test_two_runners_with_their_own_engines_run_each_slot_once(url: str, engine: Engine) -> None:
    calls = Calls()
    jobs = [calls.job(name) for name in SCHEDULES]
    start = datetime(2026, 3, 27, 0, 0, tzinfo=PARIS)
    end = datetime(2026, 3, 31, 0, 0, tzinfo=PARIS)  # across the spring change
    engines = [make_engine(url) for _ in range(2)]
    runners = [
        JobRunner(make_session_factory(e), jobs, holder=f"runner-{i}")
        for i, e in enumerate(engines)
    ]
    ran: list[list[object]] = [[], []]

    def walk(index: int) -> None:
        ran[index] = list(simulate(runners[index], start, end))

    threads = [threading.Thread(target=walk, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for e in engines:
        e.dispose()
    expected = {
        (name, slot)
        for name, schedule in SCHEDULES.items()
        for slot in slots_between(schedule, start, end)
    }
    executed = [(name, now) for name, _, now in calls.seen]
    assert len(executed) == len(set(executed)) == len(expected)
    assert set(executed) == expected
    rows = _runs(engine)
    assert {(r.job, r.scheduled_for.replace(tzinfo=UTC)) for r in rows} == expected
    assert all(r.status == RunStatus.SUCCEEDED and r.attempts == 1 for r in rows)
    assert len(ran[0]) + len(ran[1]) == len(expected)
    nightly_days = sorted(today for name, today, _ in calls.seen if name == "nightly")
    assert nightly_days == [date(2026, 3, d) for d in (27, 28, 29, 30)]


def test_a_0230_job_runs_once_on_both_daylight_saving_days(engine: Engine) -> None:
    """A tick every five minutes through both change days (time is an argument)."""
    calls = Calls()
    runner = JobRunner(make_session_factory(engine), [calls.job("nightly")])
    for day in (date(2026, 3, 29), date(2026, 10, 25)):
        moment = datetime.combine(day, time(0), tzinfo=PARIS).astimezone(UTC)
        while moment < datetime.combine(day + timedelta(days=1), time(0), tzinfo=PARIS):
            runner.tick(moment)
            moment += timedelta(minutes=5)
    assert [today for _, today, _ in calls.seen] == [date(2026, 3, 29), date(2026, 10, 25)]
    local = [now.astimezone(PARIS).strftime("%H:%M") for _, _, now in calls.seen]
    assert local == ["03:30", "02:30"]


def test_apscheduler_waking_twice_on_the_autumn_day_runs_the_slot_once(engine: Engine) -> None:
    calls = Calls()
    runner = JobRunner(make_session_factory(engine), [calls.job("nightly")])
    first = datetime(2026, 10, 25, 0, 30, 1, tzinfo=UTC)  # 02:30 CEST
    runner.run_due("nightly", first)
    runner.run_due("nightly", first + timedelta(hours=1))  # 02:30 CET, the trigger fires again
    assert len(calls.seen) == 1


def test_missed_slots_are_caught_up_once_within_their_grace(engine: Engine) -> None:
    calls = Calls()
    spec = calls.job("hourly")
    hourly = JobSpec(spec.name, spec.schedule, spec.func, "hourly", grace=timedelta(hours=3))
    runner = JobRunner(make_session_factory(engine), [hourly])
    runner.tick(datetime(2026, 6, 1, 0, 0, 5, tzinfo=UTC))
    # down from 00:01 to 05:10: slots 01:00 … 05:00 missed; 03:00, 04:00, 05:00 within grace
    results = runner.tick(datetime(2026, 6, 1, 5, 10, tzinfo=UTC))
    assert [(r.scheduled_for.hour, r.outcome) for r in results] == [(5, Outcome.SUCCEEDED)]
    assert runner.tick(datetime(2026, 6, 1, 5, 20, tzinfo=UTC)) == []
    assert [now.hour for _, _, now in calls.seen] == [0, 5]


def test_without_coalescing_each_missed_slot_within_grace_runs(engine: Engine) -> None:
    calls = Calls()
    spec = calls.job("hourly")
    hourly = JobSpec(
        spec.name, spec.schedule, spec.func, "hourly", grace=timedelta(hours=3), coalesce=False
    )
    runner = JobRunner(make_session_factory(engine), [hourly])
    runner.tick(datetime(2026, 6, 1, 0, 0, 5, tzinfo=UTC))
    runner.tick(datetime(2026, 6, 1, 5, 10, tzinfo=UTC))
    # the first start catches up the grace period too (22:00, 23:00), then 03:00 to 05:00
    assert [r.scheduled_for.hour for r in _runs(engine)] == [22, 23, 0, 3, 4, 5]


def _failing(session: Session, *, today: date, now: datetime) -> dict[str, int]:
    session.add(
        IdempotencyRecord(
            id=new_id(),
            scope="job",
            key=str(uuid.uuid4()),
            method="POST",
            path="/x",
            request_hash="0" * 64,
            state="done",
            created_at=now,
            expires_at=now,
        )
    )
    session.flush()
    raise ValueError("compte FR7630006000011234567890189 refusé")


def test_a_failing_job_is_rolled_back_recorded_masked_and_visible(engine: Engine) -> None:
    spec = JobSpec("fragile", SCHEDULES["nightly"], _failing, "fragile")
    runner = JobRunner(make_session_factory(engine), [spec])
    now = datetime(2026, 6, 2, 0, 31, tzinfo=UTC)
    assert [r.outcome for r in runner.tick(now)] == [Outcome.FAILED]
    assert runner.tick(now + timedelta(minutes=1)) == []  # a failed slot is not retried alone
    [run] = _runs(engine)
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert run.error is not None and run.error.startswith("ValueError: compte FR76")
    assert "FR7630006000011234567890189" not in run.error
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0
        [state] = job_states(session, [spec], now=now)
    assert state.last_status == "failed" and state.last_error == run.error
    assert state.last_success is None and state.next_run is not None


def test_an_operator_retries_a_failed_slot_for_its_day(engine: Engine) -> None:
    outcomes = iter([ValueError("panne"), None])

    def flaky(session: Session, *, today: date, now: datetime) -> dict[str, int]:
        error = next(outcomes)
        if error is not None:
            raise error
        return {"day": today.day}

    spec = JobSpec("flaky", SCHEDULES["nightly"], flaky, "flaky")
    runner = JobRunner(make_session_factory(engine), [spec])
    runner.tick(datetime(2026, 6, 2, 0, 31, tzinfo=UTC))
    result = runner.run_manual(
        "flaky", now=datetime(2026, 6, 2, 9, tzinfo=UTC), for_day=date(2026, 6, 2)
    )
    assert result.outcome is Outcome.SUCCEEDED
    again = runner.run_manual(
        "flaky", now=datetime(2026, 6, 2, 9, 5, tzinfo=UTC), for_day=date(2026, 6, 2)
    )
    assert again.outcome is Outcome.SKIPPED
    [run] = _runs(engine)
    assert run.status == RunStatus.SUCCEEDED and run.attempts == 2 and run.outcome == {"day": 2}
    assert run.error is None


def test_a_held_lease_makes_the_job_busy_and_a_dead_one_expires(engine: Engine) -> None:
    calls = Calls()
    runner = JobRunner(make_session_factory(engine), [calls.job("nightly")])
    now = datetime(2026, 6, 3, 0, 31, tzinfo=UTC)
    dead_run = JobRun(
        id=new_id(),
        job="nightly",
        scheduled_for=now - timedelta(days=1),
        trigger="schedule",
        status="running",
        holder="dead:1:abc",
        attempts=1,
        started_at=now - timedelta(days=1),
    )
    with make_session_factory(engine).begin() as session:
        session.add(dead_run)
        session.add(
            JobLease(
                job="nightly",
                holder="dead:1:abc",
                acquired_at=now,
                expires_at=now + timedelta(minutes=5),
            )
        )
    assert [r.outcome for r in runner.tick(now)] == [Outcome.BUSY]
    assert [r.outcome for r in runner.tick(now + timedelta(minutes=6))] == [Outcome.SUCCEEDED]
    runs = {r.holder.split(":")[0]: r for r in _runs(engine)}
    assert (
        runs["dead"].status == RunStatus.FAILED
        and runs["dead"].error == "interrompue (bail expiré)"
    )
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(JobLease)) == 0


def test_the_claim_is_serialised_by_an_advisory_lock_on_postgresql(
    url: str, engine: Engine
) -> None:
    if not is_postgres(url):
        pytest.skip("PostgreSQL advisory locks")
    from api.scheduler.runner import _lock_key

    calls = Calls()
    runner = JobRunner(make_session_factory(engine), [calls.job("nightly")])
    with engine.begin() as other:
        assert other.execute(select(func.pg_try_advisory_xact_lock(_lock_key("nightly")))).scalar()
        result = runner.run_slot(
            "nightly",
            datetime(2026, 6, 4, 0, 30, tzinfo=UTC),
            now=datetime(2026, 6, 4, 0, 30, tzinfo=UTC),
        )
        assert result.outcome is Outcome.BUSY
    assert calls.seen == []


def test_the_simulated_instants_are_the_slots(engine: Engine) -> None:
    calls = Calls()
    runner = JobRunner(make_session_factory(engine), [calls.job("nightly"), calls.job("hourly")])
    start = datetime(2026, 6, 1, tzinfo=PARIS)
    instants = simulated_instants(runner, start, start + timedelta(days=1))
    assert len(instants) == 26  # 25 hourly (both midnights), plus 02:30 once
