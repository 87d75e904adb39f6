"""Macros as data, applied purely: transitions, French texts, reminders."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from remuneration.cases.domain import (
    BusinessCalendar,
    CaseConfigurationError,
    CaseStatus,
    IllegalTransitionError,
    Macro,
    MacroError,
    Milestone,
    PlannedTransition,
    ResolutionReason,
    apply_macro,
    status_path,
)
from rules.french import fr_date

PARIS = ZoneInfo("Europe/Paris")
S = CaseStatus
CONTEXT = {
    "trainee_name": "Awa Diallo",
    "case_reference": "C-2025-000042",
    "service_contact": "Téléphone : 03 00 00 00 00",
}


def test_rib_requested_from_an_open_case(
    macros: Mapping[str, Macro], calendar: BusinessCalendar
) -> None:
    now = datetime(2025, 7, 4, 10, tzinfo=PARIS)
    plan = apply_macro(
        macros["rib_requested"], status=S.OPEN, context=CONTEXT, now=now, calendar=calendar
    )
    assert plan.macro_key == "rib_requested"
    assert plan.transitions == (
        PlannedTransition(S.OPEN, S.WAITING_TRAINEE, Milestone.WAITING_SINCE),
    )
    assert plan.reminder_at == datetime(2025, 7, 11, 10, tzinfo=PARIS)
    assert plan.note == "RIB demandé au stagiaire. Relance prévue le 11 juillet 2025."
    assert plan.message is not None
    assert plan.message.startswith("Bonjour Awa Diallo,\n\nNous avons besoin de votre RIB")
    assert "avant le 11 juillet 2025." in plan.message
    assert "C-2025-000042" in plan.message
    assert plan.message.endswith(
        "Le service relation usagers de la Région\nTéléphone : 03 00 00 00 00"
    )


def test_rib_requested_on_a_new_case_opens_it_first(
    macros: Mapping[str, Macro], calendar: BusinessCalendar
) -> None:
    now = datetime(2025, 7, 7, 10, tzinfo=PARIS)
    plan = apply_macro(
        macros["rib_requested"], status=S.NEW, context=CONTEXT, now=now, calendar=calendar
    )
    assert [(t.source, t.target, t.milestone) for t in plan.transitions] == [
        (S.NEW, S.OPEN, Milestone.OPENED_AT),
        (S.OPEN, S.WAITING_TRAINEE, Milestone.WAITING_SINCE),
    ]
    # Seven days later is Monday 14 July, a holiday: the reminder moves to the next opening.
    assert plan.reminder_at == datetime(2025, 7, 15, 9, tzinfo=PARIS)
    assert plan.note == "RIB demandé au stagiaire. Relance prévue le 15 juillet 2025."


def test_a_reminder_across_the_dst_change_keeps_the_local_time(
    macros: Mapping[str, Macro], calendar: BusinessCalendar
) -> None:
    now = datetime(2025, 3, 27, 10, tzinfo=PARIS)
    plan = apply_macro(
        macros["rib_requested"], status=S.OPEN, context=CONTEXT, now=now, calendar=calendar
    )
    assert plan.reminder_at == datetime(2025, 4, 3, 10, tzinfo=PARIS)


def test_already_waiting_means_no_transition(
    macros: Mapping[str, Macro], calendar: BusinessCalendar
) -> None:
    now = datetime(2025, 7, 4, 10, tzinfo=PARIS)
    plan = apply_macro(
        macros["document_requested"],
        status=S.WAITING_TRAINEE,
        context=CONTEXT | {"document_name": "l'attestation de la carte Vitale"},
        now=now,
        calendar=calendar,
    )
    assert plan.transitions == ()
    assert plan.message is not None
    assert "La pièce qui manque est : l'attestation de la carte Vitale." in plan.message


def test_resolving_macro_carries_its_reason(
    macros: Mapping[str, Macro], calendar: BusinessCalendar
) -> None:
    now = datetime(2025, 7, 4, 10, tzinfo=PARIS)
    plan = apply_macro(
        macros["payment_sent_answered"],
        status=S.WAITING_TRAINEE,
        context=CONTEXT | {"payment_date": "3 juillet 2025"},
        now=now,
        calendar=calendar,
    )
    assert plan.transitions == (
        PlannedTransition(S.WAITING_TRAINEE, S.OPEN, Milestone.RESUMED_AT),
        PlannedTransition(S.OPEN, S.RESOLVED, Milestone.RESOLVED_AT, ResolutionReason.ANSWERED),
    )
    assert plan.reminder_at is None
    assert plan.note == "Information donnée : paiement envoyé le 3 juillet 2025."


def test_missing_data_is_named(macros: Mapping[str, Macro], calendar: BusinessCalendar) -> None:
    now = datetime(2025, 7, 4, 10, tzinfo=PARIS)
    with pytest.raises(MacroError) as caught:
        apply_macro(
            macros["rib_requested"],
            status=S.OPEN,
            context={"trainee_name": "Awa Diallo"},
            now=now,
            calendar=calendar,
        )
    assert caught.value.message == (
        "La macro « RIB demandé » a besoin de ces données : case_reference, service_contact."
    )


@pytest.mark.parametrize("status", [S.CLOSED, S.MERGED])
def test_no_macro_on_a_finished_case(
    macros: Mapping[str, Macro], calendar: BusinessCalendar, status: CaseStatus
) -> None:
    now = datetime(2025, 7, 4, 10, tzinfo=PARIS)
    with pytest.raises(IllegalTransitionError):
        apply_macro(
            macros["rib_requested"], status=status, context=CONTEXT, now=now, calendar=calendar
        )


def test_shipped_macros_declare_their_data(macros: Mapping[str, Macro]) -> None:
    assert set(macros) == {"rib_requested", "document_requested", "payment_sent_answered"}
    assert macros["rib_requested"].label == "RIB demandé"
    assert macros["rib_requested"].reminder_calendar_days == 7
    assert macros["rib_requested"].placeholders == {
        "trainee_name",
        "case_reference",
        "service_contact",
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"status": S.RESOLVED},
        {"status": S.OPEN, "resolution_reason": ResolutionReason.FIXED},
        {"status": S.MERGED},
        {"status": S.CLOSED},
        {"message_template": "Bonjour ${nom"},
        {"reminder_calendar_days": 0},
    ],
)
def test_invalid_macros(fields: dict[str, object]) -> None:
    with pytest.raises(CaseConfigurationError):
        Macro(key="k", label="Test", **fields)  # type: ignore[arg-type]


def test_status_path() -> None:
    assert status_path(S.RESOLVED, S.WAITING_TRAINEE) == (
        (S.RESOLVED, S.OPEN),
        (S.OPEN, S.WAITING_TRAINEE),
    )
    assert status_path(S.OPEN, S.OPEN) == ()
    with pytest.raises(IllegalTransitionError):
        status_path(S.CLOSED, S.OPEN)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2024, 3, 5), "5 mars 2024"),
        (date(2024, 5, 1), "1er mai 2024"),
        (date(2025, 8, 15), "15 août 2025"),
    ],
)
def test_french_date(day: date, text: str) -> None:
    assert fr_date(day) == text
