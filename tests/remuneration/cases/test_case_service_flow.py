"""A case through the services on a real migrated database: SLA figures from the calendar."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from remuneration.cases.domain import (
    CaseStatus,
    Category,
    Channel,
    ClockState,
    MessageDirection,
    Priority,
    ResolutionReason,
)
from remuneration.cases.models import Case, CaseEvent
from remuneration.cases.services import (
    CaseInput,
    add_note,
    case_clocks,
    change_status,
    claim_case,
    create_case,
    find_case,
    list_entries,
    list_events,
    record_message,
)
from remuneration.services.protection import FieldProtector
from tests.remuneration.cases.servicesupport import (
    agent,
    cctx,
    paris,
    session_of,
    trainee_with_dossier,
)

H = timedelta(hours=1)
M = timedelta(minutes=1)


def test_phone_case_claimed_waiting_resolved_with_calendar_exact_figures(
    remu_engine: Engine, protector: FieldProtector
) -> None:
    # Tuesday 7 May 2024, 16:00 in Paris; 8 May (Victoire 1945) and 9 May (Ascension) are
    # holidays, 11-12 May a weekend.
    created = paris(2024, 5, 7, 16)
    with session_of(remu_engine) as session, session.begin():
        trainee_id, dossier_id, _ = trainee_with_dossier(session, created, protector)
        me = agent(session, created)
        made = create_case(
            cctx(session, created, me),
            CaseInput(
                category=Category.PAYMENT_MISSING,
                channel=Channel.PHONE,
                subject="Paiement d'avril non reçu",
                dossier_id=dossier_id,
                description="La stagiaire n'a pas reçu son paiement d'avril.",
            ),
        )
        case = made.case
        assert made.warning is None
        assert case.trainee_id == trainee_id
        assert case.reference == "C-2024-000001"
        assert case.status == "new"
        clocks = case_clocks(cctx(session, created), case)
        # Normal priority: first response 3 business days (21 h of 7 h days). Tuesday 1 h,
        # Friday 10 May 7 h, Monday 13 7 h, Tuesday 14: 3.5 h in the morning, 2.5 h after 13:30.
        assert clocks.first_response.due == paris(2024, 5, 14, 16)
        # Resolution 10 days (70 h): 8 h by Friday 10, then 7 h a day from Monday 13 to
        # Thursday 23 without Whit Monday 20 May (8 days, 56 h), 6 h on Friday 24.
        assert clocks.resolution.due == paris(2024, 5, 24, 16)

        claim_case(cctx(session, paris(2024, 5, 7, 16, 10), me), case.id)
        assert (case.status, case.assignee_id) == ("open", me.id)
        record_message(
            cctx(session, paris(2024, 5, 7, 16, 30), me),
            case,
            direction=MessageDirection.OUTBOUND,
            channel=Channel.PHONE,
            body="Nous vérifions le paiement et vous rappelons.",
        )
        change_status(
            cctx(session, paris(2024, 5, 7, 16, 30), me), case, CaseStatus.WAITING_TRAINEE
        )
        waiting = case_clocks(cctx(session, paris(2024, 5, 10, 12)), case)
        assert waiting.resolution.state is ClockState.PAUSED
        assert waiting.resolution.used == 30 * M
        assert case.due_at is None and case.resolution_due is None

        record_message(
            cctx(session, paris(2024, 5, 13, 10), None),
            case,
            direction=MessageDirection.INBOUND,
            channel=Channel.EMAIL,
            body="Voici mon RIB.",
        )
        assert case.status == "open"
        assert case.resumed_at is not None and case.waiting_since is None
        change_status(
            cctx(session, paris(2024, 5, 13, 15), me),
            case,
            CaseStatus.RESOLVED,
            reason=ResolutionReason.ANSWERED,
        )
        clocks = case_clocks(cctx(session, paris(2024, 5, 13, 15)), case)
        assert clocks.first_response.state is ClockState.MET
        assert clocks.first_response.used == 30 * M
        assert clocks.next_response is not None
        assert clocks.next_response.used == 4 * H
        assert clocks.next_response.state is ClockState.MET
        assert clocks.resolution.state is ClockState.MET
        assert clocks.resolution.used == 4 * H + 30 * M
        # The deadline it had: 65.5 h left after Monday 13 May 15:00 — 2 h that day, 7 h on each
        # of the 9 business days from 14 to 27 May (Whit Monday 20 May excluded), 30 min on 28.
        assert clocks.resolution.due == paris(2024, 5, 28, 9, 30)
        assert case.resolution_reason == "answered"
        actions = [event.action for event in list_events(session, case.id)]
        assert actions == [
            "created",
            "message_added",
            "assigned",
            "status_changed",
            "message_added",
            "status_changed",
            "message_added",
            "status_changed",
            "status_changed",
        ]
        assert find_case(cctx(session, created), "c 2024 000001").id == case.id


def test_notes_are_internal_entries_and_events_are_append_only(
    remu_engine: Engine, protector: FieldProtector
) -> None:
    now = paris(2024, 6, 3, 10)
    with session_of(remu_engine) as session, session.begin():
        trainee_id, _, _ = trainee_with_dossier(session, now, protector)
        me = agent(session, now)
        case = create_case(
            cctx(session, now, me),
            CaseInput(
                category=Category.INFORMATION,
                channel=Channel.COUNTER,
                subject="Question",
                trainee_id=trainee_id,
            ),
        ).case
        add_note(cctx(session, now, me), case, "Appeler l'organisme avant de répondre.")
        entries = list_entries(session, case.id)
        assert [(e.kind, e.direction, e.author_id) for e in entries] == [("note", None, me.id)]
        case_id = case.id
    for statement in ("UPDATE case_events SET action = 'x'", "DELETE FROM case_events"):
        with pytest.raises(DBAPIError), remu_engine.begin() as connection:
            connection.execute(text(statement))
    with session_of(remu_engine) as session:
        events = session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id)).all()
        assert [e.action for e in events] == ["created", "note_added"]
        assert session.get(Case, case_id) is not None


def test_duplicate_warning_names_the_active_case(
    remu_engine: Engine, protector: FieldProtector
) -> None:
    now = paris(2024, 6, 4, 10)
    with session_of(remu_engine) as session, session.begin():
        trainee_id, _, _ = trainee_with_dossier(session, now, protector)
        me = agent(session, now)
        data = CaseInput(
            category=Category.PAYMENT_MISSING,
            channel=Channel.PHONE,
            subject="Paiement",
            trainee_id=trainee_id,
            priority=Priority.HIGH,
        )
        first = create_case(cctx(session, now, me), data).case
        second = create_case(cctx(session, now + H, me), data)
        assert second.warning is not None
        assert first.reference in second.warning.message
        assert second.warning.case_ids == (first.id,)
