"""The scheduled work of the case queue, as the job runner calls it.

The payment runs' job bodies live in `payments.jobs`; the queue's in
`remuneration.cases.services.jobs.run_case_jobs`: this module only turns the latter's report into
the counts of the job-run record.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from remuneration.cases.services.jobs import run_case_jobs

__all__ = ["case_queue_job"]


def case_queue_job(session: Session, *, today: date, now: datetime) -> dict[str, int]:
    """The case-needed outbox, incomplete dossiers, missing attendance statements, then the
    service levels' sweep (at-risk and breached deadlines: each alert fires once)."""
    del today  # the queue works from ``now`` in its business calendar
    report = run_case_jobs(session, now=now)
    automatic = (report.requests, report.incomplete_dossiers, report.missing_attendance)
    return {
        "opened": sum(r.opened for r in automatic),
        "added": sum(r.added for r in automatic),
        "refused": sum(r.refused for r in automatic),
        "cases": report.sweep.cases,
        "alerts": report.sweep.alerts,
    }
