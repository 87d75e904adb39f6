"""The life of a dossier as data: an explicit transition table and one function that applies it.

draft → submitted → incomplete ⇄ complete → granted / rejected → closed. A fact changed after a
decision sends a granted or rejected dossier back to `submitted` (a new decision is needed); a
decided dossier may be decided again (new attendance, aid requests), the engine saying where it
goes. An
exit (the trainee leaves the training) moves any open dossier to `exited`; decisions may still be
taken on an exited dossier, because the exit changes what is owed (prorating, overpayment).
Each event sets one milestone timestamp (`*_at` column) on the dossier.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from remuneration.domain.errors import IllegalTransition

__all__ = [
    "DECISION_EVENTS",
    "EDITABLE_STATES",
    "MILESTONES",
    "TRANSITIONS",
    "DossierEvent",
    "DossierStatus",
    "next_status",
    "status_label",
]


class DossierStatus(StrEnum):
    """Where a dossier stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    INCOMPLETE = "incomplete"
    COMPLETE = "complete"
    GRANTED = "granted"
    REJECTED = "rejected"
    EXITED = "exited"
    CLOSED = "closed"


class DossierEvent(StrEnum):
    """What can happen to a dossier."""

    SUBMIT = "submit"
    MARK_INCOMPLETE = "mark_incomplete"
    MARK_COMPLETE = "mark_complete"
    GRANT = "grant"
    REJECT = "reject"
    REOPEN = "reopen"
    EXIT = "exit"
    CLOSE = "close"


_S = DossierStatus
_E = DossierEvent
_INSTRUCTION = (_S.SUBMITTED, _S.INCOMPLETE, _S.COMPLETE)

_TABLE: dict[tuple[DossierStatus, DossierEvent], DossierStatus] = {
    (_S.DRAFT, _E.SUBMIT): _S.SUBMITTED
}
for _state in _INSTRUCTION:
    _TABLE[(_state, _E.MARK_INCOMPLETE)] = _S.INCOMPLETE
    _TABLE[(_state, _E.MARK_COMPLETE)] = _S.COMPLETE
    _TABLE[(_state, _E.GRANT)] = _S.GRANTED
    _TABLE[(_state, _E.REJECT)] = _S.REJECTED
for _state in (_S.GRANTED, _S.REJECTED):
    _TABLE[(_state, _E.REOPEN)] = _S.SUBMITTED
    _TABLE[(_state, _E.GRANT)] = _S.GRANTED
    _TABLE[(_state, _E.REJECT)] = _S.REJECTED
    _TABLE[(_state, _E.MARK_INCOMPLETE)] = _S.INCOMPLETE
for _state in (_S.DRAFT, *_INSTRUCTION, _S.GRANTED, _S.REJECTED):
    _TABLE[(_state, _E.EXIT)] = _S.EXITED
for _event in (_E.GRANT, _E.REJECT, _E.MARK_INCOMPLETE):
    _TABLE[(_S.EXITED, _event)] = _S.EXITED
for _state in (_S.GRANTED, _S.REJECTED, _S.EXITED):
    _TABLE[(_state, _E.CLOSE)] = _S.CLOSED

TRANSITIONS: Mapping[tuple[DossierStatus, DossierEvent], DossierStatus] = MappingProxyType(_TABLE)
"""(current status, event) → next status; every pair absent from the table is refused."""

MILESTONES: Mapping[DossierEvent, str] = MappingProxyType(
    {
        _E.SUBMIT: "submitted_at",
        _E.MARK_INCOMPLETE: "incomplete_at",
        _E.MARK_COMPLETE: "completed_at",
        _E.GRANT: "granted_at",
        _E.REJECT: "rejected_at",
        _E.REOPEN: "reopened_at",
        _E.EXIT: "exited_at",
        _E.CLOSE: "closed_at",
    }
)
"""The dossier column stamped when the event happens."""

DECISION_EVENTS: Mapping[str, DossierEvent] = MappingProxyType(
    {"granted": _E.GRANT, "rejected": _E.REJECT, "incomplete": _E.MARK_INCOMPLETE}
)
"""The engine's remuneration decision → the event it triggers on the dossier."""

EDITABLE_STATES: frozenset[DossierStatus] = frozenset(
    {_S.DRAFT, *_INSTRUCTION, _S.GRANTED, _S.REJECTED, _S.EXITED}
)
"""States in which facts may still change (a closed dossier is frozen)."""

_STATUS_FR: Mapping[DossierStatus, str] = MappingProxyType(
    {
        _S.DRAFT: "brouillon",
        _S.SUBMITTED: "déposé",
        _S.INCOMPLETE: "incomplet",
        _S.COMPLETE: "complet",
        _S.GRANTED: "accordé",
        _S.REJECTED: "refusé",
        _S.EXITED: "sorti de formation",
        _S.CLOSED: "clos",
    }
)


def next_status(current: DossierStatus, event: DossierEvent) -> DossierStatus:
    """The status after `event`, or `IllegalTransition` with a French explanation."""
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalTransition(
            f"Cette action ({event.value}) est impossible sur un dossier à l'état "
            f"« {_STATUS_FR[current]} ».",
            field="status",
        ) from None


def status_label(status: DossierStatus) -> str:
    """The French word an agent reads for a dossier status."""
    return _STATUS_FR[status]
