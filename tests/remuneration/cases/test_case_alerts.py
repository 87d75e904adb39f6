"""At-risk and breach alerts fire once; a breach may raise the priority."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from remuneration.cases.domain import (
    AlertKey,
    AlertLevel,
    BusinessCalendar,
    CaseHistory,
    ClockKind,
    ClockResult,
    Priority,
    SlaTargets,
    alerts_to_fire,
    compute_case_clocks,
    escalated_priority,
)

PARIS = ZoneInfo("Europe/Paris")
H = timedelta(hours=1)
TARGETS = SlaTargets(first_response=7 * H, next_response=7 * H, resolution=35 * H)
CREATED = datetime(2025, 7, 7, 9, tzinfo=PARIS)


def clocks_at(calendar: BusinessCalendar, now: datetime) -> tuple[ClockResult, ...]:
    result = compute_case_clocks(
        CaseHistory(created_at=CREATED),
        targets=TARGETS,
        calendar=calendar,
        now=now,
        at_risk_percent=Decimal(80),
    )
    return result.all()


def test_nothing_to_fire_early(calendar: BusinessCalendar) -> None:
    now = datetime(2025, 7, 7, 10, tzinfo=PARIS)
    assert alerts_to_fire(clocks_at(calendar, now), already_fired=set(), now=now) == ()


def test_at_risk_fires_once_then_breach_fires_once(calendar: BusinessCalendar) -> None:
    fired: set[AlertKey] = set()

    at_risk_time = datetime(2025, 7, 7, 16, tzinfo=PARIS)
    first = alerts_to_fire(clocks_at(calendar, at_risk_time), already_fired=fired, now=at_risk_time)
    assert [a.key for a in first] == [
        AlertKey(ClockKind.FIRST_RESPONSE, CREATED, AlertLevel.AT_RISK)
    ]
    assert first[0].percent_used == Decimal("85.71")
    assert first[0].due == datetime(2025, 7, 7, 17, tzinfo=PARIS)
    assert first[0].detected_at == at_risk_time
    fired.update(alert.key for alert in first)

    later = datetime(2025, 7, 7, 16, 30, tzinfo=PARIS)
    assert alerts_to_fire(clocks_at(calendar, later), already_fired=fired, now=later) == ()

    breach_time = datetime(2025, 7, 8, 9, 30, tzinfo=PARIS)
    second = alerts_to_fire(clocks_at(calendar, breach_time), already_fired=fired, now=breach_time)
    assert [a.key.level for a in second] == [AlertLevel.BREACHED]
    assert second[0].key.clock is ClockKind.FIRST_RESPONSE
    fired.update(alert.key for alert in second)

    assert (
        alerts_to_fire(clocks_at(calendar, breach_time), already_fired=fired, now=breach_time) == ()
    )


def test_a_missed_at_risk_is_not_fired_after_the_breach(calendar: BusinessCalendar) -> None:
    now = datetime(2025, 7, 15, 9, tzinfo=PARIS)
    alerts = alerts_to_fire(clocks_at(calendar, now), already_fired=set(), now=now)
    assert {(a.key.clock, a.key.level) for a in alerts} == {
        (ClockKind.FIRST_RESPONSE, AlertLevel.BREACHED),
        (ClockKind.RESOLUTION, AlertLevel.AT_RISK),
    }


def test_key_token_is_stable_in_utc() -> None:
    key = AlertKey(ClockKind.RESOLUTION, CREATED, AlertLevel.BREACHED)
    assert key.cycle_started_at == datetime(2025, 7, 7, 7, tzinfo=UTC)
    assert key.token == "resolution:2025-07-07T07:00:00+00:00:breached"
    assert key == AlertKey(ClockKind.RESOLUTION, CREATED.astimezone(UTC), AlertLevel.BREACHED)


def test_escalation() -> None:
    assert escalated_priority(Priority.NORMAL, level=AlertLevel.BREACHED, raise_on_breach=True) is (
        Priority.HIGH
    )
    assert escalated_priority(Priority.URGENT, level=AlertLevel.BREACHED, raise_on_breach=True) is (
        Priority.URGENT
    )
    assert escalated_priority(Priority.LOW, level=AlertLevel.AT_RISK, raise_on_breach=True) is (
        Priority.LOW
    )
    assert escalated_priority(Priority.LOW, level=AlertLevel.BREACHED, raise_on_breach=False) is (
        Priority.LOW
    )
