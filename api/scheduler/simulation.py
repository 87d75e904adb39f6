"""Simulated time for the scheduler: walk every slot of a period, as fast as the database allows.

Used by `remu scheduler --simulate-from … --simulate-until …` and the tests: several processes
walking the same period on one database must run every slot exactly once. At each simulated
instant a slot whose job is busy in another process is retried at that same instant (real time
would not move on while the other run finishes), then the walk continues.
"""

from __future__ import annotations

import time
from datetime import datetime

from api.scheduler.runner import JobRunner, Outcome, SlotResult
from api.scheduler.slots import slots_between

__all__ = ["simulate", "simulated_instants"]


def simulated_instants(runner: JobRunner, start: datetime, end: datetime) -> list[datetime]:
    """Every slot instant of every job in [start, end], sorted."""
    instants = {
        slot for spec in runner.jobs.values() for slot in slots_between(spec.schedule, start, end)
    }
    return sorted(instants)


def simulate(
    runner: JobRunner, start: datetime, end: datetime, *, busy_timeout: float = 60.0
) -> list[SlotResult]:
    """Tick at every slot instant of [start, end]; return what this runner ran (or failed)."""
    ran: list[SlotResult] = []
    done = (Outcome.SUCCEEDED, Outcome.FAILED)
    for instant in simulated_instants(runner, start, end):
        deadline = time.monotonic() + busy_timeout
        results = runner.tick(instant)
        ran.extend(r for r in results if r.outcome in done)
        while any(r.outcome is Outcome.BUSY for r in results) and time.monotonic() < deadline:
            time.sleep(0.002)
            results = runner.tick(instant)
            ran.extend(r for r in results if r.outcome in done)
    return ran
