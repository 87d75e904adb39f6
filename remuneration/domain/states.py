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
    "DOSSIER_STATUS_LABELS",
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

DOSSIER_STATUS_LABELS: Mapping[str, str] = MappingProxyType(
    {
        _S.DRAFT.value: "Brouillon",
        _S.SUBMITTED.value: "Déposé, à instruire",
        _S.INCOMPLETE.value: "Incomplet",
        _S.COMPLETE.value: "Complet, à décider",
        _S.GRANTED.value: "Accordé",
        _S.REJECTED.value: "Refusé",
        _S.EXITED.value: "Sortie de formation",
        _S.CLOSED.value: "Clos",
    }
)
"""A dossier's status as agents read it, with the next step while it is being instructed: the
console (lists, dossier page, case page), the search and the refusals of a move."""

_EVENT_FR: Mapping[DossierEvent, str] = MappingProxyType(
    {
        _E.SUBMIT: "de déposer",
        _E.MARK_INCOMPLETE: "de déclarer incomplet",
        _E.MARK_COMPLETE: "de déclarer complet",
        _E.GRANT: "d'accorder",
        _E.REJECT: "de refuser",
        _E.REOPEN: "de rouvrir",
        _E.EXIT: "d'enregistrer une sortie de formation sur",
        _E.CLOSE: "de clore",
    }
)
"""What the agent tried to do, as the refusal says it (« Impossible de clore un dossier … »)."""


def next_status(current: DossierStatus, event: DossierEvent) -> DossierStatus:
    """The status after `event`, or `IllegalTransition` with a French explanation."""
    try:
        return TRANSITIONS[(current, event)]
    except KeyError:
        raise IllegalTransition(
            f"Impossible {_EVENT_FR[event]} un dossier à l'état "
            f"« {DOSSIER_STATUS_LABELS[current]} ».",
            field="status",
        ) from None


def status_label(status: DossierStatus) -> str:
    """The French words an agent reads for a dossier status."""
    return DOSSIER_STATUS_LABELS[status.value]
