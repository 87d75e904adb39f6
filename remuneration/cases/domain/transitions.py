"""The case state machine as data: one table, one checking function.

``new → open → waiting_trainee ⇄ open → resolved → closed``, ``resolved → open`` (reopen) and any
status that is not final → ``merged`` (irreversible). Each allowed move sets exactly one milestone
timestamp column (``*_at``), so the history of a case can be read from its row as well as from its
events; services call :func:`check_transition` before every status change.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType

from .errors import IllegalTransitionError, InvalidMergeError, ResolutionReasonError
from .vocabulary import (
    RESOLUTION_REASON_LABELS,
    STATUS_LABELS,
    TERMINAL_STATUSES,
    CaseId,
    CaseStatus,
    ResolutionReason,
)

__all__ = [
    "CLEARED_BY_MILESTONE",
    "TRANSITIONS",
    "Milestone",
    "allowed_targets",
    "check_merge",
    "check_transition",
]


class Milestone(StrEnum):
    """The timestamp column a transition sets; the value is the column name."""

    OPENED_AT = "opened_at"
    WAITING_SINCE = "waiting_since"
    RESUMED_AT = "resumed_at"
    RESOLVED_AT = "resolved_at"
    REOPENED_AT = "reopened_at"
    CLOSED_AT = "closed_at"
    MERGED_AT = "merged_at"


_S = CaseStatus

TRANSITIONS: MappingProxyType[tuple[CaseStatus, CaseStatus], Milestone] = MappingProxyType(
    {
        (_S.NEW, _S.OPEN): Milestone.OPENED_AT,
        (_S.OPEN, _S.WAITING_TRAINEE): Milestone.WAITING_SINCE,
        (_S.WAITING_TRAINEE, _S.OPEN): Milestone.RESUMED_AT,
        (_S.OPEN, _S.RESOLVED): Milestone.RESOLVED_AT,
        (_S.RESOLVED, _S.OPEN): Milestone.REOPENED_AT,
        (_S.RESOLVED, _S.CLOSED): Milestone.CLOSED_AT,
        (_S.NEW, _S.MERGED): Milestone.MERGED_AT,
        (_S.OPEN, _S.MERGED): Milestone.MERGED_AT,
        (_S.WAITING_TRAINEE, _S.MERGED): Milestone.MERGED_AT,
        (_S.RESOLVED, _S.MERGED): Milestone.MERGED_AT,
    }
)
"""Every allowed move (source, target) and the milestone column it sets; nothing else is legal."""

CLEARED_BY_MILESTONE: MappingProxyType[Milestone, tuple[str, ...]] = MappingProxyType(
    {
        Milestone.RESUMED_AT: ("waiting_since",),
        Milestone.REOPENED_AT: ("resolved_at", "resolution_reason"),
    }
)
"""Columns a service empties when it sets the milestone, so that ``waiting_since`` is set only
while waiting and ``resolved_at``/``resolution_reason`` only while resolved or closed."""


def allowed_targets(source: CaseStatus) -> tuple[CaseStatus, ...]:
    """The statuses reachable in one move from ``source``, in the order of ``CaseStatus``."""
    return tuple(target for target in CaseStatus if (source, target) in TRANSITIONS)


def check_transition(
    source: CaseStatus,
    target: CaseStatus,
    *,
    resolution_reason: ResolutionReason | None = None,
) -> Milestone:
    """Refuse an illegal move; return the milestone column the move sets.

    A resolution reason is required to resolve (so that metrics and letters can say why) and
    refused for any other move (it would be silently lost).
    """
    if (source, target) not in TRANSITIONS:
        raise IllegalTransitionError(_illegal_message(source, target))
    if target is CaseStatus.RESOLVED and resolution_reason is None:
        choices = ", ".join(f"« {label} »" for label in RESOLUTION_REASON_LABELS.values())
        raise ResolutionReasonError(
            f"Indiquez le motif de résolution du dossier. Motifs possibles : {choices}."
        )
    if target is not CaseStatus.RESOLVED and resolution_reason is not None:
        raise ResolutionReasonError(
            "Un motif de résolution ne s'indique que pour passer le dossier à « résolu »."
        )
    return TRANSITIONS[(source, target)]


def check_merge(
    *,
    case_id: CaseId,
    status: CaseStatus,
    into_case_id: CaseId,
    into_status: CaseStatus,
) -> Milestone:
    """Refuse a merge that would lose the case or its history; return ``merged_at``.

    The surviving case must still be alive (not closed, not merged itself): otherwise the
    trainee's request would end in a case nobody works on.
    """
    if case_id == into_case_id:
        raise InvalidMergeError("Un dossier ne peut pas être fusionné avec lui-même.")
    if into_status in TERMINAL_STATUSES:
        raise InvalidMergeError(
            "Le dossier de destination est "
            f"« {STATUS_LABELS[into_status]} » : choisissez un dossier encore actif."
        )
    return check_transition(status, CaseStatus.MERGED)


def _illegal_message(source: CaseStatus, target: CaseStatus) -> str:
    source_label = STATUS_LABELS[source]
    if source is CaseStatus.MERGED:
        return "Ce dossier a été fusionné : la fusion est définitive, il ne peut plus changer."
    if source is CaseStatus.CLOSED:
        return "Ce dossier est clos : il ne peut plus changer de statut."
    if source is target:
        return f"Le dossier est déjà « {source_label} »."
    choices = ", ".join(f"« {STATUS_LABELS[t]} »" for t in allowed_targets(source))
    return (
        f"Impossible de passer le dossier de « {source_label} » à « {STATUS_LABELS[target]} ». "
        f"Statuts possibles depuis « {source_label} » : {choices}."
    )
