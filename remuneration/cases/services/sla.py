"""Service levels of stored cases: clocks from the history, the cached deadlines, alerts.

After every change of a case, and in the periodic sweep, the clocks are recomputed from the
history and the case row caches what the queue sorts and filters on: the deadline of each clock
still running (``*_due``), the earliest one (``due_at``), the instant the case becomes at risk
(``at_risk_at``) and whether a commitment was missed (``sla_breached``). At-risk and breach
alerts fire once per clock cycle (a unique token per case), leave a note for the supervisor and,
for a breach, may raise the priority one step (service_levels.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from remuneration.cases.domain import (
    ACTIVE_STATUSES,
    CLOCK_LABELS,
    AlertLevel,
    CaseClocks,
    CaseStatus,
    Category,
    Channel,
    ClockResult,
    ClockState,
    Priority,
    SlaAlert,
    SlaTargets,
    alerts_to_fire,
    compute_case_clocks,
    escalated_priority,
    french_instant,
)
from remuneration.cases.models import Case, CaseSlaAlert
from remuneration.cases.services.context import CaseConfiguration, CaseContext, configuration_on
from remuneration.cases.services.entries import EntryKind, new_entry
from remuneration.cases.services.history import EventAction, history_of, record_case_event
from remuneration.domain.ids import new_id
from remuneration.domain.timezone import as_utc, paris_day

__all__ = [
    "SweepReport",
    "case_clocks",
    "configuration_of",
    "refresh_sla",
    "set_if_changed",
    "sweep_sla",
    "targets_of",
]

_LEVEL_TEXT = {
    AlertLevel.AT_RISK: "bientôt atteint",
    AlertLevel.BREACHED: "dépassé",
}


@dataclass(frozen=True, slots=True)
class SweepReport:
    """What one sweep did."""

    cases: int
    alerts: int


def configuration_of(case: Case) -> CaseConfiguration:
    """The configuration that governs a case: the one in force on the day it was created."""
    return configuration_on(paris_day(case.created_at))


def targets_of(case: Case, config: CaseConfiguration) -> SlaTargets:
    """The targets of the three clocks for the case's category, priority and channel."""
    return config.policy.targets_for(
        category=Category(case.category),
        priority=Priority(case.priority),
        channel=Channel(case.channel),
    )


def case_clocks(cctx: CaseContext, case: Case) -> CaseClocks:
    """The clocks of a case as they stand at ``cctx.now`` (read only).

    A reader whose clock lags behind the writer's (another server) sees the case as it was
    created rather than an error.
    """
    config = configuration_of(case)
    return compute_case_clocks(
        history_of(cctx.session, case),
        targets=targets_of(case, config),
        calendar=config.calendar,
        now=max(cctx.now, as_utc(case.created_at)),
        at_risk_percent=config.policy.at_risk_percent,
    )


def set_if_changed(case: Case, name: str, value: object) -> None:
    """Assign a column only when its value changes (SQLite hands back naive UTC datetimes), so
    that an unchanged case keeps its version and its clients' ETags stay valid."""
    old = getattr(case, name)
    if isinstance(old, datetime) and isinstance(value, datetime):
        if as_utc(old) == as_utc(value):
            return
    elif old == value:
        return
    setattr(case, name, value)


def _open_due(clock: ClockResult | None) -> datetime | None:
    if clock is None or clock.completed_at is not None or clock.due is None:
        return None
    return as_utc(clock.due)


def _threshold(target: timedelta, percent: Decimal) -> timedelta:
    """The business time after which a clock is at risk (rounded up to the microsecond)."""
    numerator, denominator = percent.as_integer_ratio()
    micro = target // timedelta(microseconds=1)
    return timedelta(microseconds=-(-micro * numerator // (denominator * 100)))


def _at_risk_from(
    clock: ClockResult, case: Case, config: CaseConfiguration, now: datetime
) -> datetime | None:
    if clock.completed_at is not None or clock.state is ClockState.BREACHED:
        return None
    if clock.at_risk:
        known = case.at_risk_at
        return as_utc(known) if known is not None and as_utc(known) <= now else now
    if clock.state is not ClockState.RUNNING:
        return None
    missing = _threshold(clock.target, config.policy.at_risk_percent) - clock.used
    return as_utc(config.calendar.add_business_duration(now, missing))


def _store_clocks(case: Case, clocks: CaseClocks, config: CaseConfiguration, now: datetime) -> None:
    dues = {
        "first_response_due": _open_due(clocks.first_response),
        "next_response_due": _open_due(clocks.next_response),
        "resolution_due": _open_due(clocks.resolution),
    }
    for name, value in dues.items():
        set_if_changed(case, name, value)
    present = [due for due in dues.values() if due is not None]
    set_if_changed(case, "due_at", min(present) if present else None)
    risky = [_at_risk_from(clock, case, config, now) for clock in clocks.all()]
    instants = [instant for instant in risky if instant is not None]
    set_if_changed(case, "at_risk_at", min(instants) if instants else None)
    breached = any(clock.state is ClockState.BREACHED for clock in clocks.all())
    set_if_changed(case, "sla_breached", breached)


def _alert_note(alert: SlaAlert, config: CaseConfiguration) -> str:
    clock = CLOCK_LABELS[alert.key.clock]
    due = (
        ""
        if alert.due is None
        else f", échéance {french_instant(alert.due, config.calendar.timezone)}"
    )
    used = format(alert.percent_used, "f").replace(".", ",")
    return (
        "À l'attention du superviseur de l'équipe. "
        f"Délai de {clock} {_LEVEL_TEXT[alert.key.level]} : {used} % du délai utilisé{due}."
    )


def _record_alert(
    cctx: CaseContext, case: Case, alert: SlaAlert, config: CaseConfiguration
) -> bool:
    row = CaseSlaAlert(
        id=new_id(),
        case_id=case.id,
        token=alert.key.token,
        clock=alert.key.clock.value,
        level=alert.key.level.value,
        due=None if alert.due is None else as_utc(alert.due),
        percent_used=alert.percent_used,
        fired_at=cctx.now,
    )
    try:
        with cctx.session.begin_nested():
            cctx.session.add(row)
            cctx.session.flush()
    except IntegrityError:
        return False
    record_case_event(
        cctx,
        case,
        action=EventAction.SLA_ALERT,
        after={
            "clock": alert.key.clock.value,
            "level": alert.key.level.value,
            "cycle_started_at": alert.key.cycle_started_at.isoformat(),
            "due": None if row.due is None else row.due.isoformat(),
            "percent_used": str(alert.percent_used),
        },
    )
    new_entry(cctx, case, kind=EntryKind.NOTE, body=_alert_note(alert, config))
    return True


def _escalate(cctx: CaseContext, case: Case, config: CaseConfiguration) -> bool:
    if CaseStatus(case.status) not in ACTIVE_STATUSES:
        return False
    current = Priority(case.priority)
    raised = escalated_priority(
        current,
        level=AlertLevel.BREACHED,
        raise_on_breach=config.policy.raise_priority_on_breach,
    )
    if raised is current:
        return False
    case.priority = raised.value
    record_case_event(
        cctx,
        case,
        action=EventAction.PRIORITY_CHANGED,
        before={"priority": current.value},
        after={"priority": raised.value, "because": "sla_breached"},
    )
    return True


def _fire_alerts(
    cctx: CaseContext, case: Case, clocks: CaseClocks, config: CaseConfiguration
) -> int:
    fired = set(
        cctx.session.scalars(select(CaseSlaAlert.token).where(CaseSlaAlert.case_id == case.id))
    )
    alerts = [
        alert
        for alert in alerts_to_fire(clocks.all(), already_fired=(), now=cctx.now)
        if alert.key.token not in fired
    ]
    count = sum(1 for alert in alerts if _record_alert(cctx, case, alert, config))
    breached = any(alert.key.level is AlertLevel.BREACHED for alert in alerts)
    if count and breached and _escalate(cctx, case, config):
        _store_clocks(case, case_clocks(cctx, case), config, cctx.now)
    return count


def refresh_sla(cctx: CaseContext, case: Case, *, fire_alerts: bool = True) -> CaseClocks:
    """Recompute the clocks, cache the deadlines on the row, fire the alerts due (once)."""
    config = configuration_of(case)
    clocks = case_clocks(cctx, case)
    _store_clocks(case, clocks, config, cctx.now)
    if fire_alerts:
        _fire_alerts(cctx, case, clocks, config)
    case.updated_at = cctx.now if cctx.session.is_modified(case) else case.updated_at
    cctx.session.flush()
    return clocks


def sweep_sla(cctx: CaseContext) -> SweepReport:
    """Refresh every active case (a plain, idempotent job: alerts fire once)."""
    cases = list(
        cctx.session.scalars(
            select(Case)
            .where(Case.status.in_([status.value for status in ACTIVE_STATUSES]))
            .order_by(Case.created_at, Case.id)
        )
    )
    before = _alert_count(cctx)
    for case in cases:
        refresh_sla(cctx, case)
    return SweepReport(cases=len(cases), alerts=_alert_count(cctx) - before)


def _alert_count(cctx: CaseContext) -> int:
    return cctx.session.scalar(select(func.count()).select_from(CaseSlaAlert)) or 0
