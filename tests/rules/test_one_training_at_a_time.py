"""One remunerated training at a time, and one advance per training entry (history facts)."""

from __future__ import annotations

from typing import Any

import pytest

from rules import Decision, InputError
from tests.builders import codes, month, request, run


def _with_others(*periods: tuple[str, str], **changes: Any) -> dict[str, Any]:
    others = [{"start_date": start, "end_date": end} for start, end in periods]
    return request(history__remunerated_trainings=others, **changes)


@pytest.mark.parametrize(
    ("period", "overlaps"),
    [
        (("2024-09-27", "2024-12-20"), True),  # starts on this training's last day
        (("2023-10-01", "2024-03-11"), True),  # ends on this training's first day
        (("2024-04-01", "2024-05-31"), True),  # inside
        (("2024-09-28", "2024-12-20"), False),  # the day after
        (("2023-10-01", "2024-03-10"), False),  # the day before
    ],
)
def test_another_granted_training_that_overlaps_rejects(
    period: tuple[str, str], overlaps: bool
) -> None:
    result = run(_with_others(period))
    if overlaps:
        assert result.decision is Decision.REJECTED
        assert codes(result) == [("REMUNERATION_OVERLAP", "remuneration")]
        assert "que pour une formation à la fois" in result.reasons[0].message
        assert result.lines == ()
    else:
        assert result.decision is Decision.GRANTED


def test_an_exit_ends_the_period_compared() -> None:
    exit_ = {"date": "2024-04-30", "reason": "legitimate"}
    assert run(_with_others(("2024-05-02", "2024-08-30"), exit=exit_)).decision is Decision.GRANTED
    assert run(_with_others(("2024-04-30", "2024-08-30"), exit=exit_)).decision is (
        Decision.REJECTED
    )


def test_no_history_given_means_no_overlap_check_and_an_empty_list_grants() -> None:
    assert run(request()).decision is Decision.GRANTED
    assert run(_with_others()).decision is Decision.GRANTED


@pytest.mark.parametrize(
    ("others", "path", "code"),
    [
        (
            [{"start_date": "2024-05-01"}],
            "history.remunerated_trainings[0].end_date",
            "required",
        ),
        (
            [{"start_date": "2024-05-01", "end_date": "2024-04-01"}],
            "history.remunerated_trainings[0]",
            "end_before_start",
        ),
        (["2024-05-01"], "history.remunerated_trainings[0]", "type"),
        ("2024-05-01", "history.remunerated_trainings", "type"),
    ],
)
def test_malformed_history_is_an_input_error(others: Any, path: str, code: str) -> None:
    with pytest.raises(InputError) as raised:
        run(request(history__remunerated_trainings=others))
    assert (path, code) in [(p.path, p.code) for p in raised.value.problems]


def test_an_advance_already_received_is_not_paid_again_but_is_still_recovered() -> None:
    months = [month("2024-03", 105, 105), month("2024-04", 154, 154)]
    first = run(request(months=months))
    again = run(request(months=months, history__advance_received=True))
    kinds = [line.kind.value for line in again.lines]
    assert "advance" in [line.kind.value for line in first.lines]
    assert "advance" not in kinds and "advance_recovery" in kinds
    recovered = sum(line.amount for line in again.lines if line.kind.value == "advance_recovery")
    assert recovered == -sum(line.amount for line in first.lines if line.kind.value == "advance")
