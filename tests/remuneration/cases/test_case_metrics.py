"""Metrics on a small known set of cases, with exact expected figures."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from remuneration.cases.domain import (
    CSV_HEADER,
    AgentId,
    BusinessCalendar,
    CaseId,
    CaseSnapshot,
    CaseStatus,
    Category,
    ClockKind,
    ClockState,
    Compliance,
    QueueMetrics,
    compute_metrics,
    iso_week,
    metrics_to_csv,
    metrics_to_json,
    nearest_rank,
)

PARIS = ZoneInfo("Europe/Paris")
H = timedelta(hours=1)
S = CaseStatus
C = Category
K = ClockState


def paris(month: int, day: int, hour: int) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=PARIS)


def snap(
    case_id: int,
    status: CaseStatus,
    category: Category,
    agent: int | None,
    team: str | None,
    created: datetime,
    resolved: datetime | None,
    first: ClockState | None,
    resolution: ClockState | None,
) -> CaseSnapshot:
    return CaseSnapshot(
        case_id=CaseId(uuid.UUID(int=case_id)),
        status=status,
        category=category,
        assignee=None if agent is None else AgentId(uuid.UUID(int=agent)),
        team=team,
        created_at=created,
        resolved_at=resolved,
        first_response=first,
        resolution=resolution,
    )


SNAPSHOTS = [
    snap(1, S.RESOLVED, C.PAYMENT_MISSING, 10, "A", paris(7, 7, 9), paris(7, 7, 11), K.MET, K.MET),
    snap(2, S.CLOSED, C.INFORMATION, 10, "A", paris(7, 7, 9), paris(7, 8, 9), K.MET, K.MET),
    snap(
        3, S.RESOLVED, C.COMPLAINT, 20, "A", paris(7, 11, 16), paris(7, 15, 10), K.BREACHED, K.MET
    ),
    snap(
        4,
        S.RESOLVED,
        C.PAYMENT_RETURNED,
        20,
        "B",
        paris(7, 14, 10),
        paris(7, 18, 17),
        K.MET,
        K.BREACHED,
    ),
    snap(5, S.OPEN, C.PAYMENT_MISSING, 30, "B", paris(7, 16, 10), None, K.BREACHED, K.RUNNING),
    snap(
        6, S.WAITING_TRAINEE, C.PAYMENT_MISSING, None, None, paris(7, 17, 10), None, K.MET, K.PAUSED
    ),
    snap(7, S.NEW, C.COMPLAINT, None, "B", paris(7, 28, 9), None, K.RUNNING, K.RUNNING),
    snap(8, S.MERGED, C.PAYMENT_MISSING, 10, "A", paris(7, 8, 9), None, K.STOPPED, K.STOPPED),
]


@pytest.fixture(scope="module")
def metrics(calendar: BusinessCalendar) -> QueueMetrics:
    return compute_metrics(SNAPSHOTS, calendar=calendar)


def test_backlog(metrics: QueueMetrics) -> None:
    assert metrics.case_count == 8
    assert metrics.backlog_by_status == ((S.NEW, 1), (S.OPEN, 1), (S.WAITING_TRAINEE, 1))
    by_category = dict(metrics.backlog_by_category)
    assert by_category[C.PAYMENT_MISSING] == 2
    assert by_category[C.COMPLAINT] == 1
    assert sum(by_category.values()) == 3
    assert list(by_category) == list(Category)


def test_first_response_compliance(metrics: QueueMetrics) -> None:
    first = metrics.compliance[0]
    assert first.clock is ClockKind.FIRST_RESPONSE
    assert first.overall == Compliance(met=4, breached=2)
    assert first.overall.rate_percent == Decimal("66.67")
    assert first.by_agent == (
        (AgentId(uuid.UUID(int=10)), Compliance(2, 0)),
        (AgentId(uuid.UUID(int=20)), Compliance(1, 1)),
        (AgentId(uuid.UUID(int=30)), Compliance(0, 1)),
        (None, Compliance(1, 0)),
    )
    assert first.by_team == (
        ("A", Compliance(2, 1)),
        ("B", Compliance(1, 1)),
        (None, Compliance(1, 0)),
    )


def test_resolution_compliance(metrics: QueueMetrics) -> None:
    resolution = metrics.compliance[1]
    assert resolution.clock is ClockKind.RESOLUTION
    assert resolution.overall == Compliance(met=3, breached=1)
    assert resolution.overall.rate_percent == Decimal("75.00")
    assert dict(resolution.by_agent)[AgentId(uuid.UUID(int=30))].rate_percent is None
    assert resolution.by_team == (
        ("A", Compliance(3, 0)),
        ("B", Compliance(0, 1)),
        (None, Compliance(0, 0)),
    )


def test_time_to_resolve(metrics: QueueMetrics) -> None:
    # Business: 2 h, 7 h, 2 h (weekend and 14 July), 28 h (14 July closed) → sorted 2, 2, 7, 28.
    assert metrics.business_time_to_resolve.count == 4
    assert metrics.business_time_to_resolve.median == 2 * H
    assert metrics.business_time_to_resolve.p90 == 28 * H
    # Calendar: 2 h, 24 h, 90 h, 103 h.
    assert metrics.calendar_time_to_resolve.median == 24 * H
    assert metrics.calendar_time_to_resolve.p90 == 103 * H


def test_weekly_flow_includes_empty_weeks(metrics: QueueMetrics) -> None:
    assert [(w.week, w.opened, w.resolved) for w in metrics.weekly] == [
        ("2025-W28", 4, 2),
        ("2025-W29", 3, 2),
        ("2025-W30", 0, 0),
        ("2025-W31", 1, 0),
    ]


def test_json(metrics: QueueMetrics) -> None:
    data = metrics_to_json(metrics)
    assert data["case_count"] == 8
    assert data["backlog"] == {
        "by_status": {"new": 1, "open": 1, "waiting_trainee": 1},
        "by_category": {c.value: {C.PAYMENT_MISSING: 2, C.COMPLAINT: 1}.get(c, 0) for c in C},
    }
    assert data["compliance"] == {
        "first_response": {
            "overall": {"met": 4, "breached": 2, "rate_percent": "66.67"},
            "by_agent": [
                {
                    "agent_id": str(uuid.UUID(int=10)),
                    "met": 2,
                    "breached": 0,
                    "rate_percent": "100.00",
                },
                {
                    "agent_id": str(uuid.UUID(int=20)),
                    "met": 1,
                    "breached": 1,
                    "rate_percent": "50.00",
                },
                {
                    "agent_id": str(uuid.UUID(int=30)),
                    "met": 0,
                    "breached": 1,
                    "rate_percent": "0.00",
                },
                {"agent_id": None, "met": 1, "breached": 0, "rate_percent": "100.00"},
            ],
            "by_team": [
                {"team": "A", "met": 2, "breached": 1, "rate_percent": "66.67"},
                {"team": "B", "met": 1, "breached": 1, "rate_percent": "50.00"},
                {"team": None, "met": 1, "breached": 0, "rate_percent": "100.00"},
            ],
        },
        "resolution": {
            "overall": {"met": 3, "breached": 1, "rate_percent": "75.00"},
            "by_agent": [
                {
                    "agent_id": str(uuid.UUID(int=10)),
                    "met": 2,
                    "breached": 0,
                    "rate_percent": "100.00",
                },
                {
                    "agent_id": str(uuid.UUID(int=20)),
                    "met": 1,
                    "breached": 1,
                    "rate_percent": "50.00",
                },
                {"agent_id": str(uuid.UUID(int=30)), "met": 0, "breached": 0, "rate_percent": None},
                {"agent_id": None, "met": 0, "breached": 0, "rate_percent": None},
            ],
            "by_team": [
                {"team": "A", "met": 3, "breached": 0, "rate_percent": "100.00"},
                {"team": "B", "met": 0, "breached": 1, "rate_percent": "0.00"},
                {"team": None, "met": 0, "breached": 0, "rate_percent": None},
            ],
        },
    }
    assert data["time_to_resolve"] == {
        "business": {"count": 4, "median_seconds": 7200, "p90_seconds": 100800},
        "calendar": {"count": 4, "median_seconds": 86400, "p90_seconds": 370800},
    }
    assert data["weekly"] == [
        {"week": "2025-W28", "opened": 4, "resolved": 2},
        {"week": "2025-W29", "opened": 3, "resolved": 2},
        {"week": "2025-W30", "opened": 0, "resolved": 0},
        {"week": "2025-W31", "opened": 1, "resolved": 0},
    ]


def test_csv_french_excel_profile(metrics: QueueMetrics) -> None:
    content = metrics_to_csv(metrics)
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ";".join(CSV_HEADER)
    assert lines[-1] == ""
    body = lines[1:-1]
    # 3 statuses + 10 categories + 2 clocks x (1 + 4 agents + 3 teams) x 3 + 2 x 3 + 4 weeks x 2.
    assert len(body) == 3 + 10 + 48 + 6 + 8
    expected_lines = [
        "Stock;statut;nouveau;dossiers;1",
        "Stock;motif;paiement non reçu;dossiers;2",
        "Respect du délai de première réponse;ensemble;;taux (%);66,67",
        "Respect du délai de première réponse;agent;(non attribué);respectés;1",
        "Respect du délai de résolution;équipe;(sans équipe);taux (%);",
        "Respect du délai de résolution;équipe;B;dépassés;1",
        "Délai de résolution en heures ouvrées;ensemble;;90e centile;28,00",
        "Délai de résolution en heures réelles;ensemble;;médiane;24,00",
        "Flux hebdomadaire;semaine;2025-W30;ouverts;0",
        "Flux hebdomadaire;semaine;2025-W28;résolus;2",
    ]
    for line in expected_lines:
        assert line in body


def test_agents_are_shown_by_name_when_known(metrics: QueueMetrics) -> None:
    names = {AgentId(uuid.UUID(int=10)): "Awa Diallo"}
    body = metrics_to_csv(metrics, agent_names=names).decode("utf-8-sig")
    assert "Respect du délai de première réponse;agent;Awa Diallo;respectés;2" in body
    assert f"agent;{uuid.UUID(int=20)};respectés;1" in body
    data = metrics_to_json(metrics, agent_names=names)
    compliance = data["compliance"]
    assert isinstance(compliance, dict)
    first_agent = compliance["first_response"]["by_agent"][0]
    assert first_agent == {
        "agent_id": str(uuid.UUID(int=10)),
        "agent_name": "Awa Diallo",
        "met": 2,
        "breached": 0,
        "rate_percent": "100.00",
    }


def test_csv_makes_formulas_inert(calendar: BusinessCalendar) -> None:
    hostile = [
        snap(1, S.OPEN, C.OTHER, 1, "=HYPERLINK(1)", paris(7, 7, 9), None, K.MET, K.RUNNING),
        snap(2, S.OPEN, C.OTHER, 1, "@SUM", paris(7, 7, 9), None, K.MET, K.RUNNING),
    ]
    body = metrics_to_csv(compute_metrics(hostile, calendar=calendar)).decode("utf-8-sig")
    assert "équipe;'=HYPERLINK(1);respectés;1" in body
    assert "équipe;'@SUM;respectés;1" in body
    assert ";=HYPERLINK" not in body


def test_half_hours_with_a_decimal_comma(calendar: BusinessCalendar) -> None:
    one = [
        snap(
            1,
            S.RESOLVED,
            C.OTHER,
            1,
            "A",
            paris(7, 7, 9),
            paris(7, 7, 9) + 90 * timedelta(minutes=1),
            K.MET,
            K.MET,
        )
    ]
    body = metrics_to_csv(compute_metrics(one, calendar=calendar)).decode("utf-8-sig")
    assert "Délai de résolution en heures ouvrées;ensemble;;médiane;1,50" in body


def test_empty_set(calendar: BusinessCalendar) -> None:
    empty = compute_metrics([], calendar=calendar)
    assert empty.weekly == ()
    assert empty.business_time_to_resolve.median is None
    assert empty.compliance[0].overall.rate_percent is None
    data = metrics_to_json(empty)
    assert data["time_to_resolve"] == {
        "business": {"count": 0, "median_seconds": None, "p90_seconds": None},
        "calendar": {"count": 0, "median_seconds": None, "p90_seconds": None},
    }


@pytest.mark.parametrize(
    ("values", "percent", "expected"),
    [
        ([15, 20, 35, 40, 50], 30, 20),
        ([15, 20, 35, 40, 50], 40, 20),
        ([15, 20, 35, 40, 50], 50, 35),
        ([15, 20, 35, 40, 50], 100, 50),
        ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 25, 7),
        ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 50, 8),
        ([3, 6, 7, 8, 8, 10, 13, 15, 16, 20], 90, 16),
        ([1, 2], 50, 1),
        ([42], 90, 42),
    ],
)
def test_nearest_rank(values: list[int], percent: int, expected: int) -> None:
    assert nearest_rank(values, percent) == expected


def test_nearest_rank_refusals() -> None:
    with pytest.raises(ValueError):
        nearest_rank([], 50)
    with pytest.raises(ValueError):
        nearest_rank([1], 0)


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=60), st.integers(1, 100))
def test_nearest_rank_is_an_observed_value_with_enough_below(
    values: list[int], percent: int
) -> None:
    ordered = sorted(values)
    result = nearest_rank(ordered, percent)
    assert result in ordered
    at_or_below = sum(1 for v in ordered if v <= result)
    assert at_or_below * 100 >= percent * len(ordered)
    strictly_below = sum(1 for v in ordered if v < result)
    assert strictly_below * 100 < percent * len(ordered)


def test_iso_week_at_year_boundaries() -> None:
    assert iso_week(datetime(2024, 12, 30).date()) == "2025-W01"
    assert iso_week(datetime(2021, 1, 3).date()) == "2020-W53"
