"""The part of a case's event history that the service-level clocks read.

A case starts ``new`` at ``created_at``; then come status changes and messages (internal notes
do not matter to the clocks and are not listed). The services build a :class:`CaseHistory` from
the append-only event table; clocks are recomputed from it, never stored as counters that could
drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ._instants import require_aware, to_utc
from .errors import CalendarError, WrittenAnswerRequiredError
from .vocabulary import WRITTEN_CHANNELS, CaseStatus, Channel, MessageDirection

__all__ = [
    "CaseEvent",
    "CaseHistory",
    "MessageRecorded",
    "StatusChanged",
    "StatusSpan",
    "check_written_answer",
]


@dataclass(frozen=True)
class StatusChanged:
    """The case entered ``status`` at ``at``."""

    at: datetime
    status: CaseStatus


@dataclass(frozen=True)
class MessageRecorded:
    """A message from (inbound) or to (outbound) the trainee, through ``channel``.

    An outbound message on the ``system`` channel is an automatic notice: it is not an answer.
    """

    at: datetime
    direction: MessageDirection
    channel: Channel

    @property
    def is_answer(self) -> bool:
        """True for a message an agent sent to the trainee."""
        return self.direction is MessageDirection.OUTBOUND and self.channel is not Channel.SYSTEM

    @property
    def is_from_trainee(self) -> bool:
        """True for a message the trainee sent."""
        return self.direction is MessageDirection.INBOUND


CaseEvent = StatusChanged | MessageRecorded


@dataclass(frozen=True)
class StatusSpan:
    """The case stayed in ``status`` from ``start`` to ``end`` (None: still in it)."""

    status: CaseStatus
    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class CaseHistory:
    """Creation instant and events in the order they happened (ties keep their order)."""

    created_at: datetime
    events: tuple[CaseEvent, ...] = ()

    def __post_init__(self) -> None:
        previous = to_utc(self.created_at, "la date de création")
        for event in self.events:
            moment = to_utc(event.at, "la date d'un événement")
            if moment < previous:
                raise CalendarError(
                    "Les événements d'un dossier doivent être dans l'ordre chronologique et "
                    "postérieurs à sa création."
                )
            previous = moment

    def until(self, now: datetime) -> tuple[CaseEvent, ...]:
        """The events that had happened at ``now`` (the history as it stood then)."""
        moment = to_utc(now, "l'instant de calcul")
        if moment < to_utc(self.created_at):
            raise CalendarError("Le dossier n'existait pas encore à l'instant demandé.")
        return tuple(event for event in self.events if to_utc(event.at) <= moment)

    def status_spans(self, now: datetime) -> tuple[StatusSpan, ...]:
        """The successive statuses up to ``now``; the last span is open (``end`` None)."""
        spans: list[StatusSpan] = []
        status, start = CaseStatus.NEW, to_utc(self.created_at)
        for event in self.until(now):
            if isinstance(event, StatusChanged) and event.status is not status:
                spans.append(StatusSpan(status=status, start=start, end=to_utc(event.at)))
                status, start = event.status, to_utc(event.at)
        spans.append(StatusSpan(status=status, start=start, end=None))
        return tuple(spans)

    def status_at(self, now: datetime) -> CaseStatus:
        """The status of the case at ``now``."""
        return self.status_spans(now)[-1].status


def check_written_answer(
    *, written_answer_required: bool, history: CaseHistory, now: datetime
) -> None:
    """Refuse to resolve a case that must be answered in writing and was not.

    Every complaint is answered in writing (public commitment): an e-mail or a letter sent by an
    agent, not a phone call.
    """
    if not written_answer_required:
        return
    require_aware(now)
    for event in history.until(now):
        if (
            isinstance(event, MessageRecorded)
            and event.is_answer
            and event.channel in WRITTEN_CHANNELS
        ):
            return
    raise WrittenAnswerRequiredError(
        "Ce dossier doit recevoir une réponse écrite (courriel ou courrier) avant d'être résolu."
    )
