"""Service-level clocks from a case history: business time, pauses, cycles, states."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from remuneration.cases.domain import (
    BusinessCalendar,
    CalendarError,
    CaseClocks,
    CaseEvent,
    CaseHistory,
    CaseStatus,
    Channel,
    ClockKind,
    ClockState,
    MessageDirection,
    MessageRecorded,
    SlaTargets,
    StatusChanged,
    compute_case_clocks,
)

PARIS = ZoneInfo("Europe/Paris")
H = timedelta(hours=1)
M = timedelta(minutes=1)
TARGETS = SlaTargets(first_response=7 * H, next_response=7 * H, resolution=35 * H)
S = CaseStatus


def paris(month: int, day: int, hour: int, minute: int = 0, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def status(at: datetime, to: CaseStatus) -> StatusChanged:
    return StatusChanged(at=at, status=to)


def answer(at: datetime, channel: Channel = Channel.EMAIL) -> MessageRecorded:
    return MessageRecorded(at=at, direction=MessageDirection.OUTBOUND, channel=channel)


def trainee_writes(at: datetime) -> MessageRecorded:
    return MessageRecorded(at=at, direction=MessageDirection.INBOUND, channel=Channel.EMAIL)


def clocks(
    calendar: BusinessCalendar, created: datetime, events: list[CaseEvent], now: datetime
) -> CaseClocks:
    return compute_case_clocks(
        CaseHistory(created_at=created, events=tuple(events)),
        targets=TARGETS,
        calendar=calendar,
        now=now,
        at_risk_percent=Decimal(80),
    )


def test_running_across_a_weekend_and_14_july(calendar: BusinessCalendar) -> None:
    result = clocks(calendar, paris(7, 11, 16), [], now=paris(7, 15, 9, 30)).first_response
    assert result.state is ClockState.RUNNING
    assert result.used == H + 30 * M
    assert result.remaining == 5 * H + 30 * M
    assert result.due == paris(7, 15, 16)
    assert result.percent_used == Decimal("21.43")
    assert result.completed_at is None
    assert not result.at_risk


def test_first_response_met_by_an_answer(calendar: BusinessCalendar) -> None:
    events: list[CaseEvent] = [status(paris(7, 11, 16, 5), S.OPEN), answer(paris(7, 15, 11))]
    result = clocks(calendar, paris(7, 11, 16), events, now=paris(7, 16, 9)).first_response
    assert result.state is ClockState.MET
    assert result.used == 3 * H
    assert result.completed_at == paris(7, 15, 11)
    assert result.due == paris(7, 15, 16)


def test_an_automatic_notice_is_not_an_answer(calendar: BusinessCalendar) -> None:
    events: list[CaseEvent] = [answer(paris(7, 7, 9, 1), channel=Channel.SYSTEM)]
    result = clocks(calendar, paris(7, 7, 9), events, now=paris(7, 7, 10)).first_response
    assert result.state is ClockState.RUNNING
    assert result.used == H


def test_breached_first_response(calendar: BusinessCalendar) -> None:
    result = clocks(calendar, paris(7, 7, 9), [], now=paris(7, 8, 10)).first_response
    assert result.state is ClockState.BREACHED
    assert result.used == 8 * H
    assert result.remaining == -H
    assert result.due == paris(7, 7, 17)
    assert result.percent_used == Decimal("114.29")
    assert not result.at_risk


@pytest.mark.parametrize(
    ("now", "at_risk"),
    [
        (paris(7, 7, 15), False),  # 5 h of 7 h: 71.43 %
        (datetime(2025, 7, 7, 15, 35, 59, tzinfo=PARIS), False),  # just under 80 %
        (paris(7, 7, 15, 36), True),  # 5 h 36 min: exactly 80 %
        (paris(7, 7, 16, 59), True),
        (paris(7, 7, 17), True),  # exactly due: at risk, not yet breached
    ],
)
def test_at_risk_threshold(calendar: BusinessCalendar, now: datetime, at_risk: bool) -> None:
    result = clocks(calendar, paris(7, 7, 9), [], now=now).first_response
    assert result.at_risk is at_risk
    assert result.state is ClockState.RUNNING


def waiting_case() -> list[CaseEvent]:
    """Monday 7 July 09:00 created; RIB asked at 10:00; the trainee answers on Thursday 10:00."""
    return [
        status(paris(7, 7, 9, 0), S.OPEN),
        answer(paris(7, 7, 10)),
        status(paris(7, 7, 10), S.WAITING_TRAINEE),
        trainee_writes(paris(7, 10, 10)),
        status(paris(7, 10, 10), S.OPEN),
    ]


def test_resolution_clock_pauses_while_waiting(calendar: BusinessCalendar) -> None:
    paused = clocks(calendar, paris(7, 7, 9), waiting_case(), now=paris(7, 9, 12)).resolution
    assert paused.state is ClockState.PAUSED
    assert paused.used == H
    assert paused.due is None
    assert paused.remaining == 34 * H

    resumed = clocks(calendar, paris(7, 7, 9), waiting_case(), now=paris(7, 10, 12)).resolution
    assert resumed.state is ClockState.RUNNING
    assert resumed.used == 3 * H
    # Without the pause it would have been due on Friday 11 July at 17:00.
    assert resumed.due == paris(7, 17, 17)


def test_next_response_cycle_after_the_trainee_answers(calendar: BusinessCalendar) -> None:
    result = clocks(calendar, paris(7, 7, 9), waiting_case(), now=paris(7, 10, 12))
    assert result.first_response.state is ClockState.MET
    assert result.first_response.used == H
    cycle = result.next_response
    assert cycle is not None
    assert cycle.started_at == paris(7, 10, 10)
    assert cycle.used == 2 * H
    assert cycle.due == paris(7, 11, 10)
    assert cycle.state is ClockState.RUNNING
    assert len(result.next_response_cycles) == 1


def test_next_response_starts_at_the_oldest_unanswered_message(calendar: BusinessCalendar) -> None:
    events: list[CaseEvent] = [
        status(paris(7, 7, 9), S.OPEN),
        answer(paris(7, 7, 9, 30)),
        trainee_writes(paris(7, 8, 10)),
        trainee_writes(paris(7, 8, 11)),
        answer(paris(7, 8, 14)),
        trainee_writes(paris(7, 9, 9, 30)),
    ]
    result = clocks(calendar, paris(7, 7, 9), events, now=paris(7, 9, 10))
    first_cycle, second_cycle = result.next_response_cycles
    assert first_cycle.started_at == paris(7, 8, 10)
    assert first_cycle.used == 3 * H
    assert first_cycle.state is ClockState.MET
    assert second_cycle.state is ClockState.RUNNING
    assert second_cycle.used == 30 * M
    assert result.next_response == second_cycle


def test_no_next_response_before_any_trainee_message(calendar: BusinessCalendar) -> None:
    events: list[CaseEvent] = [answer(paris(7, 7, 9, 30))]
    result = clocks(calendar, paris(7, 7, 9), events, now=paris(7, 9, 10))
    assert result.next_response is None
    assert result.all() == (result.first_response, result.resolution)


def test_resolution_met_then_reopened_counts_only_open_time(calendar: BusinessCalendar) -> None:
    events: list[CaseEvent] = [
        status(paris(7, 7, 9, 0), S.OPEN),
        answer(paris(7, 7, 10)),
        status(paris(7, 7, 11), S.RESOLVED),
        status(paris(7, 8, 9), S.OPEN),
        status(paris(7, 8, 10), S.RESOLVED),
    ]
    while_resolved = clocks(calendar, paris(7, 7, 9), events[:3], now=paris(7, 7, 16))
    assert while_resolved.resolution.state is ClockState.MET
    assert while_resolved.resolution.used == 2 * H
    assert while_resolved.resolution.completed_at == paris(7, 7, 11)

    reopened = clocks(calendar, paris(7, 7, 9), events[:4], now=paris(7, 8, 9, 30))
    assert reopened.resolution.state is ClockState.RUNNING
    assert reopened.resolution.used == 2 * H + 30 * M

    final = clocks(calendar, paris(7, 7, 9), events, now=paris(7, 9, 9))
    assert final.resolution.state is ClockState.MET
    assert final.resolution.used == 3 * H
    assert final.resolution.completed_at == paris(7, 8, 10)


def test_resolution_met_late_is_breached(calendar: BusinessCalendar) -> None:
    events: list[CaseEvent] = [
        status(paris(7, 7, 9), S.OPEN),
        answer(paris(7, 7, 9, 30)),
        status(paris(7, 16, 9), S.RESOLVED),
        status(paris(7, 16, 10), S.CLOSED),
    ]
    result = clocks(calendar, paris(7, 7, 9), events, now=paris(7, 20, 9)).resolution
    # 7 July to 16 July 09:00: 5 days of 7 h + Tuesday 15 (14 July is closed) = 42 h.
    assert result.used == 42 * H
    assert result.state is ClockState.BREACHED
    assert result.due == paris(7, 11, 17)
    assert result.completed_at == paris(7, 16, 9)


def test_resolution_without_answer_meets_the_first_response(calendar: BusinessCalendar) -> None:
    events: list[CaseEvent] = [
        status(paris(7, 7, 9), S.OPEN),
        status(paris(7, 7, 9, 30), S.RESOLVED),
    ]
    result = clocks(calendar, paris(7, 7, 9), events, now=paris(7, 8, 9))
    assert result.first_response.state is ClockState.MET
    assert result.first_response.used == 30 * M


def test_merged_case_stops_its_clocks(calendar: BusinessCalendar) -> None:
    events: list[CaseEvent] = [status(paris(7, 7, 10), S.MERGED)]
    result = clocks(calendar, paris(7, 7, 9), events, now=paris(7, 9, 9))
    assert result.first_response.state is ClockState.STOPPED
    assert result.resolution.state is ClockState.STOPPED
    assert result.resolution.used == H
    assert result.next_response is None


def test_a_case_created_at_night_starts_counting_at_opening(calendar: BusinessCalendar) -> None:
    result = clocks(calendar, paris(7, 5, 23), [], now=paris(7, 7, 9, 30)).first_response
    assert result.used == 30 * M
    assert result.due == paris(7, 7, 17)


def test_clock_across_the_dst_change(calendar: BusinessCalendar) -> None:
    result = clocks(calendar, paris(3, 28, 16), [], now=paris(3, 31, 10)).first_response
    assert result.used == 2 * H
    assert result.due == paris(3, 31, 16)


def test_events_after_now_are_ignored(calendar: BusinessCalendar) -> None:
    events: list[CaseEvent] = [answer(paris(7, 8, 9))]
    result = clocks(calendar, paris(7, 7, 9), events, now=paris(7, 7, 12)).first_response
    assert result.state is ClockState.RUNNING
    assert result.kind is ClockKind.FIRST_RESPONSE


def test_history_must_be_in_order(calendar: BusinessCalendar) -> None:
    with pytest.raises(CalendarError, match="chronologique"):
        CaseHistory(created_at=paris(7, 7, 9), events=(answer(paris(7, 6, 9)),))
    with pytest.raises(CalendarError, match="n'existait pas"):
        clocks(calendar, paris(7, 7, 9), [], now=paris(7, 6, 9))


def test_a_merge_stops_the_open_cycle_and_ends_the_cycles(calendar: BusinessCalendar) -> None:
    events: list[CaseEvent] = [
        status(paris(7, 7, 9), S.OPEN),
        answer(paris(7, 7, 9, 30)),
        trainee_writes(paris(7, 7, 10)),
        status(paris(7, 7, 11), S.MERGED),
        trainee_writes(paris(7, 7, 12)),
    ]
    history = CaseHistory(created_at=paris(7, 7, 9), events=tuple(events))
    assert history.status_at(paris(7, 7, 10, 30)) is S.OPEN
    assert history.status_at(paris(7, 8, 9)) is S.MERGED
    result = clocks(calendar, paris(7, 7, 9), events, now=paris(7, 8, 9))
    (cycle,) = result.next_response_cycles
    assert cycle.state is ClockState.STOPPED
    assert cycle.used == H
    assert cycle.completed_at == paris(7, 7, 11)


def test_a_message_to_a_resolved_case_waits_for_the_reopen(calendar: BusinessCalendar) -> None:
    events: list[CaseEvent] = [
        status(paris(7, 7, 9), S.OPEN),
        answer(paris(7, 7, 9, 30)),
        status(paris(7, 7, 10), S.RESOLVED),
        trainee_writes(paris(7, 8, 10)),
    ]
    paused = clocks(calendar, paris(7, 7, 9), events, now=paris(7, 9, 10)).next_response
    assert paused is not None
    assert paused.state is ClockState.PAUSED
    assert paused.used == timedelta(0)
    reopened = [*events, status(paris(7, 9, 10), S.OPEN)]
    running = clocks(calendar, paris(7, 7, 9), reopened, now=paris(7, 9, 11)).next_response
    assert running is not None
    assert running.state is ClockState.RUNNING
    assert running.used == H
