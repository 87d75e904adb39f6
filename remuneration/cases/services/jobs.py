"""The queue's periodic work in one call, for the scheduler and ``remu cases run``.

Each step is idempotent: running it twice at the same ``now`` changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from remuneration.cases.services.automatic import (
    AutomaticReport,
    consume_case_requests,
    detect_incomplete_dossiers,
    detect_missing_attendance,
)
from remuneration.cases.services.context import CaseContext
from remuneration.cases.services.sla import SweepReport, sweep_sla

__all__ = ["CaseJobsReport", "run_case_jobs"]


@dataclass(frozen=True, slots=True)
class CaseJobsReport:
    """What the run did, step by step."""

    requests: AutomaticReport
    incomplete_dossiers: AutomaticReport
    missing_attendance: AutomaticReport
    sweep: SweepReport


def run_case_jobs(session: Session, *, now: datetime) -> CaseJobsReport:
    """Outbox, detectors, then the SLA sweep (so that new cases get their alerts too)."""
    cctx = CaseContext(session=session, now=now)
    return CaseJobsReport(
        requests=consume_case_requests(cctx),
        incomplete_dossiers=detect_incomplete_dossiers(cctx),
        missing_attendance=detect_missing_attendance(cctx),
        sweep=sweep_sla(cctx),
    )
