"""The case state machine: every legal and every illegal move, reasons, merges."""

from __future__ import annotations

import itertools
import uuid

import pytest

from remuneration.cases.domain import (
    CLEARED_BY_MILESTONE,
    TRANSITIONS,
    CaseId,
    CaseStatus,
    IllegalTransitionError,
    InvalidMergeError,
    Milestone,
    ResolutionReason,
    ResolutionReasonError,
    allowed_targets,
    check_merge,
    check_transition,
)

S = CaseStatus

# Written out by hand from docs/cases.md, independently of the production table.
EXPECTED: dict[tuple[CaseStatus, CaseStatus], str] = {
    (S.NEW, S.OPEN): "opened_at",
    (S.OPEN, S.WAITING_TRAINEE): "waiting_since",
    (S.WAITING_TRAINEE, S.OPEN): "resumed_at",
    (S.OPEN, S.RESOLVED): "resolved_at",
    (S.RESOLVED, S.CLOSED): "closed_at",
    (S.RESOLVED, S.OPEN): "reopened_at",
    (S.NEW, S.MERGED): "merged_at",
    (S.OPEN, S.MERGED): "merged_at",
    (S.WAITING_TRAINEE, S.MERGED): "merged_at",
    (S.RESOLVED, S.MERGED): "merged_at",
}
ALL_PAIRS = list(itertools.product(CaseStatus, CaseStatus))
LEGAL = [pair for pair in ALL_PAIRS if pair in EXPECTED]
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in EXPECTED]


def test_the_table_is_exactly_the_specified_one() -> None:
    assert {pair: m.value for pair, m in TRANSITIONS.items()} == EXPECTED
    assert len(LEGAL) == 10
    assert len(ILLEGAL) == 26


@pytest.mark.parametrize(("source", "target"), LEGAL, ids=lambda s: s.value)
def test_legal_move_returns_its_milestone(source: CaseStatus, target: CaseStatus) -> None:
    reason = ResolutionReason.ANSWERED if target is S.RESOLVED else None
    milestone = check_transition(source, target, resolution_reason=reason)
    assert milestone.value == EXPECTED[(source, target)]


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=lambda s: s.value)
def test_illegal_move_is_refused_in_french(source: CaseStatus, target: CaseStatus) -> None:
    reason = ResolutionReason.FIXED if target is S.RESOLVED else None
    with pytest.raises(IllegalTransitionError) as caught:
        check_transition(source, target, resolution_reason=reason)
    assert caught.value.code == "case_illegal_transition"
    assert "dossier" in caught.value.message


def test_illegal_message_lists_the_possible_statuses() -> None:
    with pytest.raises(IllegalTransitionError) as caught:
        check_transition(S.NEW, S.RESOLVED, resolution_reason=ResolutionReason.ANSWERED)
    assert caught.value.message == (
        "Impossible de passer le dossier de « nouveau » à « résolu ». "
        "Statuts possibles depuis « nouveau » : « en cours », « fusionné »."
    )


@pytest.mark.parametrize("target", list(CaseStatus), ids=lambda s: s.value)
def test_merge_is_irreversible(target: CaseStatus) -> None:
    with pytest.raises(IllegalTransitionError, match="fusion est définitive"):
        check_transition(S.MERGED, target)


@pytest.mark.parametrize("target", list(CaseStatus), ids=lambda s: s.value)
def test_a_closed_case_never_moves(target: CaseStatus) -> None:
    with pytest.raises(IllegalTransitionError, match="clos"):
        check_transition(S.CLOSED, target)


def test_same_status_is_refused() -> None:
    with pytest.raises(IllegalTransitionError, match="déjà « en cours »"):
        check_transition(S.OPEN, S.OPEN)


def test_resolving_requires_a_reason() -> None:
    with pytest.raises(ResolutionReasonError, match="motif de résolution"):
        check_transition(S.OPEN, S.RESOLVED)


@pytest.mark.parametrize("reason", list(ResolutionReason), ids=lambda r: r.value)
def test_every_reason_resolves(reason: ResolutionReason) -> None:
    assert check_transition(S.OPEN, S.RESOLVED, resolution_reason=reason) is Milestone.RESOLVED_AT


def test_a_reason_is_refused_for_another_move() -> None:
    with pytest.raises(ResolutionReasonError):
        check_transition(S.NEW, S.OPEN, resolution_reason=ResolutionReason.ANSWERED)


def test_allowed_targets() -> None:
    assert allowed_targets(S.OPEN) == (S.WAITING_TRAINEE, S.RESOLVED, S.MERGED)
    assert allowed_targets(S.RESOLVED) == (S.OPEN, S.CLOSED, S.MERGED)
    assert allowed_targets(S.CLOSED) == ()
    assert allowed_targets(S.MERGED) == ()


def test_leaving_a_state_clears_its_columns() -> None:
    assert CLEARED_BY_MILESTONE[Milestone.RESUMED_AT] == ("waiting_since",)
    assert CLEARED_BY_MILESTONE[Milestone.REOPENED_AT] == ("resolved_at", "resolution_reason")
    assert Milestone.OPENED_AT not in CLEARED_BY_MILESTONE


def test_merge_into_an_active_case() -> None:
    milestone = check_merge(
        case_id=CaseId(uuid.UUID(int=1)),
        status=S.OPEN,
        into_case_id=CaseId(uuid.UUID(int=2)),
        into_status=S.WAITING_TRAINEE,
    )
    assert milestone is Milestone.MERGED_AT


@pytest.mark.parametrize(
    ("case_id", "status", "into_id", "into_status", "error"),
    [
        (1, S.OPEN, 1, S.OPEN, InvalidMergeError),
        (1, S.OPEN, 2, S.CLOSED, InvalidMergeError),
        (1, S.OPEN, 2, S.MERGED, InvalidMergeError),
        (1, S.CLOSED, 2, S.OPEN, IllegalTransitionError),
        (1, S.MERGED, 2, S.OPEN, IllegalTransitionError),
    ],
)
def test_refused_merges(
    case_id: int, status: CaseStatus, into_id: int, into_status: CaseStatus, error: type
) -> None:
    with pytest.raises(error):
        check_merge(
            case_id=CaseId(uuid.UUID(int=case_id)),
            status=status,
            into_case_id=CaseId(uuid.UUID(int=into_id)),
            into_status=into_status,
        )
