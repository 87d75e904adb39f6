"""`remu scheduler`: the process that runs the scheduled jobs (the only APScheduler import).

APScheduler (3.x, BlockingScheduler, in-memory) only wakes the process up: one cron trigger per
job in Europe/Paris, plus a catch-up tick every minute and one at start. Which slot is due, and
whether it already ran, is decided by `api.scheduler.runner` from the database, so several scheduler
processes, restarts after downtime (missed slots within their grace run once) and
daylight-saving days (APScheduler fires a 02:30 trigger twice on the autumn change day; the slot
runs once) all give one run per slot. SIGTERM and SIGINT stop the scheduler gracefully: no new
run starts, running jobs finish and commit, then the process exits.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from types import FrameType

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from api.scheduler.runner import JobRunner
from remuneration.domain.timezone import PARIS

__all__ = ["CATCH_UP_SECONDS", "build_scheduler", "run_scheduler"]

CATCH_UP_SECONDS = 60
_log = logging.getLogger("remu.scheduler")


def _safe(call: Callable[[], object], what: str) -> Callable[[], None]:
    """A scheduler callback never raises: a database outage is logged, the next tick retries."""

    def run() -> None:
        try:
            call()
        except Exception:
            _log.exception("le planificateur n'a pas pu exécuter %s", what)

    return run


def _due(runner: JobRunner, name: str, clock: Callable[[], datetime]) -> Callable[[], object]:
    return lambda: runner.run_due(name, clock())


def build_scheduler(
    runner: JobRunner, clock: Callable[[], datetime], stop: threading.Event | None = None
) -> BlockingScheduler:
    """One cron trigger per job plus the catch-up tick, in Europe/Paris."""
    scheduler = BlockingScheduler(
        timezone=PARIS, executors={"default": ThreadPoolExecutor(max_workers=4)}
    )
    for spec in runner.jobs.values():
        scheduler.add_job(
            _safe(_due(runner, spec.name, clock), spec.name),
            CronTrigger(timezone=PARIS, **spec.schedule.trigger_fields()),
            id=spec.name,
            name=spec.name,
            misfire_grace_time=int(spec.grace.total_seconds()),
            coalesce=True,
            max_instances=1,
        )

    def catch_up() -> None:
        if stop is not None and stop.is_set():
            scheduler.shutdown(wait=False)  # a signal came before the scheduler was running
            return
        runner.tick(clock())

    scheduler.add_job(
        _safe(catch_up, "le rattrapage"),
        IntervalTrigger(seconds=CATCH_UP_SECONDS, timezone=PARIS),
        id="catch-up",
        name="catch-up",
        coalesce=True,
        max_instances=1,
    )
    return scheduler


def run_scheduler(runner: JobRunner, clock: Callable[[], datetime]) -> None:
    """Catch up, then run until SIGTERM or SIGINT."""
    stop_requested = threading.Event()
    scheduler = build_scheduler(runner, clock, stop_requested)

    def stop(signum: int, _frame: FrameType | None) -> None:
        _log.info("signal %s reçu : arrêt après les tâches en cours", signal.Signals(signum).name)
        stop_requested.set()
        if scheduler.running:
            scheduler.shutdown(wait=True)

    def started(_event: object) -> None:
        _log.info("planificateur démarré : %s", ", ".join(runner.jobs))

    scheduler.add_listener(started, EVENT_SCHEDULER_STARTED)
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        _safe(lambda: runner.tick(clock()), "le rattrapage au démarrage")()
        if not stop_requested.is_set():
            scheduler.start()
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _log.info("planificateur arrêté")
