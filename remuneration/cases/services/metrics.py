"""Queue metrics from the stored cases (definitions in ``remuneration.cases.domain.metrics``).

Each case's clocks are recomputed from its history at ``now`` (one query for all histories),
then the pure domain computes the figures; agents are named by their display name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from remuneration.cases.domain import (
    AgentId,
    CaseHistory,
    CaseId,
    CaseSnapshot,
    CaseStatus,
    Category,
    QueueMetrics,
    compute_case_clocks,
    compute_metrics,
)
from remuneration.cases.models import Case, CaseTeam
from remuneration.cases.services.context import CaseContext, configuration_on
from remuneration.cases.services.history import histories_of
from remuneration.cases.services.sla import configuration_of, targets_of
from remuneration.db.models import User
from remuneration.domain.timezone import as_utc, paris_day

__all__ = ["MetricsReport", "queue_metrics"]


@dataclass(frozen=True, slots=True)
class MetricsReport:
    """The figures and the names of the agents they mention."""

    metrics: QueueMetrics
    agent_names: Mapping[AgentId, str]


def _snapshot(
    cctx: CaseContext, case: Case, history: CaseHistory, team: str | None
) -> CaseSnapshot:
    config = configuration_of(case)
    clocks = compute_case_clocks(
        history,
        targets=targets_of(case, config),
        calendar=config.calendar,
        now=cctx.now,
        at_risk_percent=config.policy.at_risk_percent,
    )
    return CaseSnapshot(
        case_id=CaseId(case.id),
        status=CaseStatus(case.status),
        category=Category(case.category),
        assignee=None if case.assignee_id is None else AgentId(case.assignee_id),
        team=team,
        created_at=as_utc(case.created_at),
        resolved_at=None if case.resolved_at is None else as_utc(case.resolved_at),
        first_response=clocks.first_response.state,
        resolution=clocks.resolution.state,
    )


def queue_metrics(
    cctx: CaseContext, *, since: datetime | None = None, until: datetime | None = None
) -> MetricsReport:
    """Metrics of the cases created in ``[since, until)`` (all cases by default) at ``now``."""
    query = select(Case).order_by(Case.created_at, Case.id)
    if since is not None:
        query = query.where(Case.created_at >= since)
    if until is not None:
        query = query.where(Case.created_at < until)
    cases = list(cctx.session.scalars(query))
    histories = histories_of(cctx.session, cases)
    teams = {team.id: team.name for team in cctx.session.scalars(select(CaseTeam))}
    snapshots = [
        _snapshot(cctx, case, histories[case.id], teams.get(case.team_id) if case.team_id else None)
        for case in cases
    ]
    calendar = configuration_on(paris_day(cctx.now)).calendar
    metrics = compute_metrics(snapshots, calendar=calendar)
    assignees = {case.assignee_id for case in cases if case.assignee_id is not None}
    names = {
        AgentId(user.id): user.display_name
        for user in cctx.session.scalars(select(User).where(User.id.in_(assignees)))
    }
    return MetricsReport(metrics=metrics, agent_names=names)
