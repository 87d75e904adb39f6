"""The SLA sweep (alerts fired once, supervisor notified, priority raised) and metrics on a
known set of stored cases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from remuneration.cases.domain import (
    CaseStatus,
    Category,
    Channel,
    MessageDirection,
    Priority,
    ResolutionReason,
    metrics_to_csv,
    metrics_to_json,
)
from remuneration.cases.models import Case, CaseSlaAlert
from remuneration.cases.services import (
    CaseInput,
    change_status,
    claim_case,
    create_case,
    list_entries,
    list_events,
    queue_metrics,
    record_message,
    sweep_sla,
)
from remuneration.db.models import User
from remuneration.services.protection import FieldProtector
from tests.remuneration.cases.servicesupport import (
    agent,
    cctx,
    paris,
    session_of,
    trainee_with_dossier,
)


@pytest.fixture
def session(remu_engine: Engine) -> Iterator[Session]:
    with session_of(remu_engine) as session, session.begin():
        yield session
        session.rollback()


def _open(
    session: Session,
    trainee_id: uuid.UUID,
    by: User,
    at: object,
    category: Category,
    priority: Priority = Priority.NORMAL,
) -> Case:
    assert hasattr(at, "tzinfo")
    return create_case(
        cctx(session, at, by),  # type: ignore[arg-type]
        CaseInput(
            category=category,
            channel=Channel.PHONE,
            subject="Sujet",
            trainee_id=trainee_id,
            priority=priority,
        ),
    ).case


def _tokens(session: Session, case: Case) -> list[str]:
    return sorted(
        session.scalars(select(CaseSlaAlert.token).where(CaseSlaAlert.case_id == case.id))
    )


def test_alerts_fire_once_notify_the_supervisor_and_raise_the_priority(
    session: Session, protector: FieldProtector
) -> None:
    created = paris(2024, 6, 18, 10)  # Tuesday
    trainee_id, _, _ = trainee_with_dossier(session, created, protector)
    me = agent(session, created)
    case = _open(session, trainee_id, me, created, Category.PAYMENT_MISSING, Priority.HIGH)
    # High: first response within 1 business day (7 h): 6 h on Tuesday, due Wednesday 10:00;
    # at risk after 80 % (5 h 36 min), i.e. from Tuesday 16:36.
    assert case.first_response_due is not None
    assert sweep_sla(cctx(session, paris(2024, 6, 18, 16, 35))).alerts == 0
    assert sweep_sla(cctx(session, paris(2024, 6, 18, 16, 40))).alerts == 1
    assert sweep_sla(cctx(session, paris(2024, 6, 18, 16, 50))).alerts == 0
    assert case.priority == "high"
    notes = [e.body for e in list_entries(session, case.id) if e.kind == "note"]
    assert notes == [
        "À l'attention du superviseur de l'équipe. Délai de première réponse bientôt atteint : "
        "80,95 % du délai utilisé, échéance le 19 juin 2024 à 10 h 00."
    ]

    assert sweep_sla(cctx(session, paris(2024, 6, 19, 10, 30))).alerts == 1
    assert case.priority == "urgent"
    assert case.sla_breached
    assert sweep_sla(cctx(session, paris(2024, 6, 19, 11))).alerts == 0
    assert [token.rsplit(":", 1)[1] for token in _tokens(session, case)] == [
        "at_risk",
        "breached",
    ]
    changes = [e for e in list_events(session, case.id) if e.action == "priority_changed"]
    assert [(e.before, e.after) for e in changes] == [
        ({"priority": "high"}, {"priority": "urgent", "because": "sla_breached"})
    ]


def test_metrics_on_a_known_set(session: Session, protector: FieldProtector) -> None:
    monday = paris(2024, 7, 1, 9)
    trainee_id, _, _ = trainee_with_dossier(session, monday, protector)
    a, b = agent(session, monday), agent(session, monday)
    # C1: answered after 1 h, resolved after 2 h (business and calendar).
    c1 = _open(session, trainee_id, a, monday, Category.PAYMENT_MISSING)
    claim_case(cctx(session, monday, a), c1.id)
    record_message(
        cctx(session, paris(2024, 7, 1, 10), a),
        c1,
        direction=MessageDirection.OUTBOUND,
        channel=Channel.PHONE,
        body="Réponse.",
    )
    change_status(
        cctx(session, paris(2024, 7, 1, 11), a),
        c1,
        CaseStatus.RESOLVED,
        reason=ResolutionReason.ANSWERED,
    )
    # C2: low priority, answered the next day, resolved on Wednesday: 14 business hours, 48 h.
    c2 = _open(session, trainee_id, b, monday, Category.INFORMATION, Priority.LOW)
    claim_case(cctx(session, monday, b), c2.id)
    record_message(
        cctx(session, paris(2024, 7, 2, 9), b),
        c2,
        direction=MessageDirection.OUTBOUND,
        channel=Channel.EMAIL,
        body="Réponse.",
    )
    change_status(
        cctx(session, paris(2024, 7, 3, 9), b),
        c2,
        CaseStatus.RESOLVED,
        reason=ResolutionReason.ANSWERED,
    )
    # C3: a complaint nobody answered: first response (3 days) breached by 12 July.
    _open(session, trainee_id, a, paris(2024, 7, 2, 9), Category.COMPLAINT)
    # C4: bank details, waiting for the trainee after 30 min: its clocks are paused.
    c4 = _open(session, trainee_id, a, paris(2024, 7, 3, 9), Category.BANK_DETAILS_CHANGE)
    claim_case(cctx(session, paris(2024, 7, 3, 9), a), c4.id)
    change_status(cctx(session, paris(2024, 7, 3, 9, 30), a), c4, CaseStatus.WAITING_TRAINEE)

    report = queue_metrics(
        cctx(session, paris(2024, 7, 12, 17)),
        since=paris(2024, 7, 1, 0),
        until=paris(2024, 7, 8, 0),
    )
    data = metrics_to_json(report.metrics, agent_names=report.agent_names)
    assert data["case_count"] == 4
    backlog = data["backlog"]
    assert isinstance(backlog, dict)
    assert backlog["by_status"] == {"new": 1, "open": 0, "waiting_trainee": 1}
    assert {k: v for k, v in backlog["by_category"].items() if v} == {
        "complaint": 1,
        "bank_details_change": 1,
    }
    compliance = data["compliance"]
    assert isinstance(compliance, dict)
    first = compliance["first_response"]
    assert first["overall"] == {"met": 2, "breached": 1, "rate_percent": "66.67"}
    by_agent = {row["agent_id"]: row for row in first["by_agent"]}
    assert (by_agent[str(a.id)]["met"], by_agent[str(a.id)]["breached"]) == (1, 0)
    assert (by_agent[None]["met"], by_agent[None]["breached"]) == (0, 1)  # C3, unassigned
    assert by_agent[str(a.id)]["agent_name"] == a.display_name
    assert by_agent[str(b.id)]["rate_percent"] == "100.00"
    assert compliance["resolution"]["overall"] == {
        "met": 2,
        "breached": 0,
        "rate_percent": "100.00",
    }
    assert data["time_to_resolve"] == {
        "business": {"count": 2, "median_seconds": 7200, "p90_seconds": 50400},
        "calendar": {"count": 2, "median_seconds": 7200, "p90_seconds": 172800},
    }
    assert data["weekly"] == [{"week": "2024-W27", "opened": 4, "resolved": 2}]
    csv_text = metrics_to_csv(report.metrics, agent_names=report.agent_names).decode("utf-8-sig")
    assert "Respect du délai de première réponse;ensemble;;taux (%);66,67" in csv_text
    assert f"Respect du délai de première réponse;agent;{b.display_name};respectés;1" in csv_text
