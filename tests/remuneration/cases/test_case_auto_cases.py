"""Automatic cases: the table of docs/cases.md, trigger days, one case per cause while active."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date

import pytest

from remuneration.cases.domain import (
    AddEventToCase,
    AutoCaseRule,
    AutoCaseTrigger,
    BusinessCalendar,
    CaseConfigurationError,
    CaseId,
    CaseStatus,
    Category,
    CauseKey,
    Contact,
    ExistingAutoCase,
    InvalidCauseKeyError,
    OpenNewCase,
    Priority,
    decide_auto_case,
    iban_change_needs_case,
    load_auto_case_rules,
    trigger_day,
)
from rules.periods import Month

T = AutoCaseTrigger


@pytest.fixture(scope="module")
def rules() -> Mapping[AutoCaseTrigger, AutoCaseRule]:
    return load_auto_case_rules(on=date(2025, 1, 1))


def test_the_table_of_cases_md(rules: Mapping[AutoCaseTrigger, AutoCaseRule]) -> None:
    table = {
        trigger: (rule.category, rule.priority, rule.contact) for trigger, rule in rules.items()
    }
    assert table == {
        T.DOSSIER_INCOMPLETE: (Category.DOSSIER_INCOMPLETE, Priority.NORMAL, Contact.TRAINEE),
        T.PAYMENT_RETURNED: (Category.PAYMENT_RETURNED, Priority.HIGH, Contact.TRAINEE),
        T.OVERPAYMENT_NOT_OFFSET: (Category.OVERPAYMENT, Priority.NORMAL, Contact.TRAINEE),
        T.ATTENDANCE_STATEMENT_MISSING: (
            Category.ATTENDANCE_MISSING,
            Priority.NORMAL,
            Contact.TRAINING_ORGANISATION,
        ),
        T.IBAN_CHANGED_BEFORE_PAYMENT: (
            Category.BANK_DETAILS_CHANGE,
            Priority.HIGH,
            Contact.TRAINEE,
        ),
    }
    assert rules[T.DOSSIER_INCOMPLETE].delay_business_days == 5


def test_cause_key_text_and_parse(rules: Mapping[AutoCaseTrigger, AutoCaseRule]) -> None:
    key = CauseKey.for_rule(rules[T.PAYMENT_RETURNED], 123)
    assert str(key) == "payment_returned:payment:123"
    assert CauseKey.parse("payment_returned:payment:123") == key


@pytest.mark.parametrize(
    "text",
    ["payment_returned:payment", "unknown:payment:1", "payment_returned:bank payment:1", "a:b:c:d"],
)
def test_invalid_cause_keys(text: str) -> None:
    with pytest.raises(InvalidCauseKeyError):
        CauseKey.parse(text)


def existing(case_id: int, cause: str, status: CaseStatus) -> ExistingAutoCase:
    return ExistingAutoCase(
        case_id=CaseId(uuid.UUID(int=case_id)), cause=CauseKey.parse(cause), status=status
    )


def test_first_occurrence_opens_a_case(rules: Mapping[AutoCaseTrigger, AutoCaseRule]) -> None:
    decision = decide_auto_case(rules[T.PAYMENT_RETURNED], object_id=123, existing=[])
    assert decision == OpenNewCase(
        cause=CauseKey.parse("payment_returned:payment:123"),
        category=Category.PAYMENT_RETURNED,
        priority=Priority.HIGH,
        contact=Contact.TRAINEE,
    )


@pytest.mark.parametrize("status", [CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_TRAINEE])
def test_same_cause_while_active_adds_an_event(
    rules: Mapping[AutoCaseTrigger, AutoCaseRule], status: CaseStatus
) -> None:
    cases = [
        existing(7, "payment_returned:payment:123", status),
        existing(8, "payment_returned:payment:124", CaseStatus.OPEN),
    ]
    decision = decide_auto_case(rules[T.PAYMENT_RETURNED], object_id="123", existing=cases)
    assert decision == AddEventToCase(
        case_id=CaseId(uuid.UUID(int=7)), cause=CauseKey.parse("payment_returned:payment:123")
    )


@pytest.mark.parametrize("status", [CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.MERGED])
def test_same_cause_after_its_case_ended_opens_a_new_one(
    rules: Mapping[AutoCaseTrigger, AutoCaseRule], status: CaseStatus
) -> None:
    cases = [existing(7, "payment_returned:payment:123", status)]
    decision = decide_auto_case(rules[T.PAYMENT_RETURNED], object_id=123, existing=cases)
    assert isinstance(decision, OpenNewCase)


def test_the_oldest_active_case_gets_the_event(
    rules: Mapping[AutoCaseTrigger, AutoCaseRule],
) -> None:
    cases = [
        existing(9, "dossier_incomplete:dossier:55", CaseStatus.OPEN),
        existing(4, "dossier_incomplete:dossier:55", CaseStatus.NEW),
    ]
    decision = decide_auto_case(rules[T.DOSSIER_INCOMPLETE], object_id=55, existing=cases)
    assert decision == AddEventToCase(case_id=CaseId(uuid.UUID(int=4)), cause=cases[0].cause)


def test_incomplete_dossier_trigger_day(
    rules: Mapping[AutoCaseTrigger, AutoCaseRule], calendar: BusinessCalendar
) -> None:
    # Training starts Friday 11 July 2025; 14 July is a holiday: 15, 16, 17, 18, 21.
    rule = rules[T.DOSSIER_INCOMPLETE]
    assert trigger_day(rule, reference_day=date(2025, 7, 11), calendar=calendar) == date(
        2025, 7, 21
    )


def test_missing_attendance_trigger_day(
    rules: Mapping[AutoCaseTrigger, AutoCaseRule], calendar: BusinessCalendar
) -> None:
    rule = rules[T.ATTENDANCE_STATEMENT_MISSING]
    assert Month(2025, 4).last_day == date(2025, 4, 30)
    assert Month(2024, 2).last_day == date(2024, 2, 29)
    # April 2025 ends on Wednesday 30; 1 May and 8 May are holidays: 2, 5, 6, 7, 9 May.
    day = trigger_day(rule, reference_day=Month(2025, 4).last_day, calendar=calendar)
    assert day == date(2025, 5, 9)


def test_immediate_triggers_have_no_delay(
    rules: Mapping[AutoCaseTrigger, AutoCaseRule], calendar: BusinessCalendar
) -> None:
    rule = rules[T.PAYMENT_RETURNED]
    assert trigger_day(rule, reference_day=date(2025, 7, 12), calendar=calendar) == date(
        2025, 7, 12
    )


@pytest.mark.parametrize(
    ("changed_on", "payment_on", "expected"),
    [
        (date(2025, 6, 1), date(2025, 6, 1), True),
        (date(2025, 6, 1), date(2025, 7, 1), True),
        (date(2025, 6, 1), date(2025, 7, 2), False),
        (date(2025, 6, 2), date(2025, 6, 1), False),
    ],
)
def test_iban_change_window(
    rules: Mapping[AutoCaseTrigger, AutoCaseRule],
    changed_on: date,
    payment_on: date,
    expected: bool,
) -> None:
    rule = rules[T.IBAN_CHANGED_BEFORE_PAYMENT]
    assert iban_change_needs_case(rule, changed_on=changed_on, payment_on=payment_on) is expected


def test_iban_window_needs_a_window(rules: Mapping[AutoCaseTrigger, AutoCaseRule]) -> None:
    with pytest.raises(CaseConfigurationError):
        iban_change_needs_case(
            rules[T.PAYMENT_RETURNED], changed_on=date(2025, 6, 1), payment_on=date(2025, 6, 2)
        )
