"""`remu scheduler`: the process that runs the scheduled jobs (the only APScheduler import).

APScheduler (3.x, BackgroundScheduler, in-memory) only wakes the process up: one cron trigger per
job in Europe/Paris, plus a catch-up tick every minute and one at start. Which slot is due, and
whether it already ran, is decided by `api.scheduler.runner` from the database, so several scheduler
processes, restarts after downtime (missed slots within their grace run once) and
daylight-saving days (APScheduler fires a 02:30 trigger twice on the autumn change day; the slot
runs once) all give one run per slot. SIGTERM and SIGINT stop the scheduler gracefully: no new
run starts, running jobs finish and commit, then the process exits.

No work is done in a signal handler. The two signals are blocked before any thread starts (the
scheduler's threads inherit the mask) and the main thread waits for them with `signal.sigwait`;
a signal that comes during the start-up catch-up stays pending and is taken right after it. A
handler that stopped the scheduler itself could deadlock: it runs on the main thread, which may
hold the very lock the stop needs.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from datetime import datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
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


_STOP_SIGNALS = frozenset({signal.SIGTERM, signal.SIGINT})


def build_scheduler(runner: JobRunner, clock: Callable[[], datetime]) -> BackgroundScheduler:
    """One cron trigger per job plus the catch-up tick, in Europe/Paris."""
    scheduler = BackgroundScheduler(
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
    scheduler.add_job(
        _safe(lambda: runner.tick(clock()), "le rattrapage"),
        IntervalTrigger(seconds=CATCH_UP_SECONDS, timezone=PARIS),
        id="catch-up",
        name="catch-up",
        coalesce=True,
        max_instances=1,
    )
    return scheduler


def run_scheduler(runner: JobRunner, clock: Callable[[], datetime]) -> None:
    """Catch up, then run until SIGTERM or SIGINT."""
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    scheduler = build_scheduler(runner, clock)
    try:
        _safe(lambda: runner.tick(clock()), "le rattrapage au démarrage")()
        scheduler.start()
        _log.info("planificateur démarré : %s", ", ".join(runner.jobs))
        received = signal.sigwait(_STOP_SIGNALS)
        _log.info("signal %s reçu : arrêt après les tâches en cours", signal.Signals(received).name)
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=True)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
        _log.info("planificateur arrêté")
