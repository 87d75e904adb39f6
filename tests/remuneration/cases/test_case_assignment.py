"""Round robin with caps and absences; the duplicate warning."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from remuneration.cases.domain import (
    AgentId,
    AgentLoad,
    CaseId,
    CaseStatus,
    CaseSummary,
    Category,
    TeamError,
    TraineeId,
    WorkRules,
    duplicate_warning,
    load_work_rules,
    next_assignee,
)

RULES = WorkRules(default_open_case_cap=3)


def team(*members: tuple[int, int, bool, int | None]) -> list[AgentLoad]:
    return [
        AgentLoad(AgentId(uuid.UUID(int=a)), open_cases=n, absent=absent, cap=cap)
        for a, n, absent, cap in members
    ]


def test_shipped_cap() -> None:
    assert load_work_rules(on=date(2025, 1, 1)).default_open_case_cap == 40


def test_turn_goes_to_the_next_in_roster_order() -> None:
    roster = team((10, 0, False, None), (20, 0, False, None), (30, 0, False, None))
    assert next_assignee(roster, last_assignee=AgentId(uuid.UUID(int=10)), rules=RULES) == AgentId(
        uuid.UUID(int=20)
    )
    assert next_assignee(roster, last_assignee=AgentId(uuid.UUID(int=30)), rules=RULES) == AgentId(
        uuid.UUID(int=10)
    )
    assert next_assignee(roster, last_assignee=None, rules=RULES) == AgentId(uuid.UUID(int=10))
    assert next_assignee(roster, last_assignee=AgentId(uuid.UUID(int=99)), rules=RULES) == AgentId(
        uuid.UUID(int=10)
    )


def test_absent_and_full_agents_are_skipped() -> None:
    roster = team(
        (10, 0, False, None), (20, 0, True, None), (30, 3, False, None), (40, 1, False, None)
    )
    assert next_assignee(roster, last_assignee=AgentId(uuid.UUID(int=10)), rules=RULES) == AgentId(
        uuid.UUID(int=40)
    )


def test_personal_cap_wins_over_the_default() -> None:
    roster = team((10, 0, False, None), (20, 1, False, 1), (30, 4, False, 5))
    assert next_assignee(roster, last_assignee=AgentId(uuid.UUID(int=10)), rules=RULES) == AgentId(
        uuid.UUID(int=30)
    )


def test_the_last_assignee_gets_it_when_alone_available() -> None:
    roster = team((10, 1, False, None), (20, 0, True, None))
    assert next_assignee(roster, last_assignee=AgentId(uuid.UUID(int=10)), rules=RULES) == AgentId(
        uuid.UUID(int=10)
    )


def test_nobody_available() -> None:
    roster = team((10, 3, False, None), (20, 0, True, None))
    assert next_assignee(roster, last_assignee=AgentId(uuid.UUID(int=10)), rules=RULES) is None
    assert next_assignee([], last_assignee=None, rules=RULES) is None


def test_a_sequence_of_assignments_is_even_and_deterministic() -> None:
    loads = {10: 0, 20: 2, 30: 0}
    absent = {30}
    last: AgentId | None = None
    given: list[AgentId] = []
    for _ in range(4):
        roster = [
            AgentLoad(AgentId(uuid.UUID(int=a)), open_cases=n, absent=a in absent)
            for a, n in loads.items()
        ]
        chosen = next_assignee(roster, last_assignee=last, rules=RULES)
        assert chosen is not None
        given.append(chosen)
        loads[chosen.int] += 1
        last = chosen
    # 20 reaches the cap of 3 after one case; 30 is absent; 10 takes the rest.
    assert given == [AgentId(uuid.UUID(int=n)) for n in (10, 20, 10, 10)]
    roster = [
        AgentLoad(AgentId(uuid.UUID(int=a)), open_cases=n, absent=a in absent)
        for a, n in loads.items()
    ]
    assert next_assignee(roster, last_assignee=last, rules=RULES) is None


def test_roster_with_a_duplicate_is_refused() -> None:
    with pytest.raises(TeamError):
        next_assignee(
            team((10, 0, False, None), (10, 0, False, None)), last_assignee=None, rules=RULES
        )


def test_invalid_cap() -> None:
    with pytest.raises(TeamError):
        WorkRules(default_open_case_cap=0)


def summary(case_id: int, trainee: int, category: Category, status: CaseStatus) -> CaseSummary:
    return CaseSummary(
        case_id=CaseId(uuid.UUID(int=case_id)),
        trainee_id=TraineeId(uuid.UUID(int=trainee)),
        category=category,
        status=status,
        reference=f"C-2025-{case_id:06d}",
    )


def test_duplicate_warning_lists_active_cases_of_the_same_kind() -> None:
    existing = [
        summary(5, 1, Category.PAYMENT_MISSING, CaseStatus.WAITING_TRAINEE),
        summary(3, 1, Category.PAYMENT_MISSING, CaseStatus.OPEN),
        summary(4, 1, Category.PAYMENT_MISSING, CaseStatus.RESOLVED),
        summary(6, 1, Category.COMPLAINT, CaseStatus.OPEN),
        summary(7, 2, Category.PAYMENT_MISSING, CaseStatus.OPEN),
    ]
    warning = duplicate_warning(
        trainee_id=TraineeId(uuid.UUID(int=1)), category=Category.PAYMENT_MISSING, existing=existing
    )
    assert warning is not None
    assert warning.case_ids == (CaseId(uuid.UUID(int=3)), CaseId(uuid.UUID(int=5)))
    assert warning.message == (
        "Ce stagiaire a déjà un dossier en cours pour le motif « paiement non reçu » : "
        "C-2025-000003, C-2025-000005. Vérifiez qu'il ne s'agit pas de la même demande."
    )


def test_no_warning_without_an_active_case_of_the_same_kind() -> None:
    existing = [
        summary(4, 1, Category.PAYMENT_MISSING, CaseStatus.CLOSED),
        summary(8, 1, Category.PAYMENT_MISSING, CaseStatus.MERGED),
        summary(6, 1, Category.COMPLAINT, CaseStatus.OPEN),
    ]
    assert (
        duplicate_warning(
            trainee_id=TraineeId(uuid.UUID(int=1)),
            category=Category.PAYMENT_MISSING,
            existing=existing,
        )
        is None
    )
