"""Macros: one agent action that sets the status, writes a message, a note and a reminder.

A macro is data (macros.yaml); applying it is pure: it returns the intended changes (the
transitions with their milestones, the rendered French texts, the reminder instant) and the
service records them as events. Moving through intermediate statuses (``new → open →
waiting_trainee``) uses the transition table, so a macro can never make an illegal move.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from string import Template
from zoneinfo import ZoneInfo

from rules.french import fr_date

from ._instants import require_aware
from .business_calendar import BusinessCalendar
from .errors import CaseConfigurationError, IllegalTransitionError, MacroError
from .transitions import TRANSITIONS, Milestone, check_transition
from .vocabulary import STATUS_LABELS, TERMINAL_STATUSES, CaseStatus, ResolutionReason

__all__ = [
    "REMINDER_DATE_PLACEHOLDER",
    "Macro",
    "MacroPlan",
    "PlannedTransition",
    "apply_macro",
    "french_instant",
    "status_path",
]

REMINDER_DATE_PLACEHOLDER = "reminder_date"
_MACRO_TARGETS = frozenset({CaseStatus.OPEN, CaseStatus.WAITING_TRAINEE, CaseStatus.RESOLVED})


@dataclass(frozen=True)
class Macro:
    """One macro as configured; ``status`` None leaves the status unchanged."""

    key: str
    label: str
    status: CaseStatus | None = None
    resolution_reason: ResolutionReason | None = None
    message_template: str | None = None
    note_template: str | None = None
    reminder_calendar_days: int | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in _MACRO_TARGETS:
            raise CaseConfigurationError(
                f"La macro « {self.label} » ne peut pas mettre le statut « {self.status.value} »."
            )
        if (self.status is CaseStatus.RESOLVED) != (self.resolution_reason is not None):
            raise CaseConfigurationError(
                f"La macro « {self.label} » doit donner un motif de résolution si et seulement "
                "si elle résout le dossier."
            )
        if self.reminder_calendar_days is not None and self.reminder_calendar_days < 1:
            raise CaseConfigurationError(f"La relance de la macro « {self.label} » est invalide.")
        for template in self._templates():
            if not template.is_valid():
                raise CaseConfigurationError(f"Modèle de texte invalide : macro « {self.label} ».")

    @property
    def placeholders(self) -> frozenset[str]:
        """The data the service must supply (``reminder_date`` is supplied by the macro)."""
        names = {name for t in self._templates() for name in t.get_identifiers()}
        return frozenset(names - {REMINDER_DATE_PLACEHOLDER})

    def _templates(self) -> tuple[Template, ...]:
        texts = (self.message_template, self.note_template)
        return tuple(Template(text) for text in texts if text is not None)


@dataclass(frozen=True)
class PlannedTransition:
    """One status change the macro makes, with the milestone column it sets."""

    source: CaseStatus
    target: CaseStatus
    milestone: Milestone
    resolution_reason: ResolutionReason | None = None


@dataclass(frozen=True)
class MacroPlan:
    """The changes to record, in order: transitions, then the message, the note, the reminder."""

    macro_key: str
    transitions: tuple[PlannedTransition, ...]
    message: str | None
    note: str | None
    reminder_at: datetime | None


def apply_macro(
    macro: Macro,
    *,
    status: CaseStatus,
    context: Mapping[str, str],
    now: datetime,
    calendar: BusinessCalendar,
) -> MacroPlan:
    """What applying ``macro`` to a case in ``status`` at ``now`` changes.

    The reminder falls the given number of calendar days later at the same local time, moved
    to the next opening of the service if the service is closed then.
    """
    require_aware(now)
    if status in TERMINAL_STATUSES:
        raise IllegalTransitionError(
            f"Ce dossier est « {STATUS_LABELS[status]} » : aucune macro ne peut s'y appliquer."
        )
    missing = sorted(macro.placeholders - context.keys())
    if missing:
        raise MacroError(
            f"La macro « {macro.label} » a besoin de ces données : {', '.join(missing)}."
        )
    reminder_at = _reminder(macro, now, calendar)
    values = dict(context)
    if reminder_at is not None:
        values[REMINDER_DATE_PLACEHOLDER] = fr_date(reminder_at.date())
    return MacroPlan(
        macro_key=macro.key,
        transitions=_planned_transitions(macro, status),
        message=_render(macro.message_template, values),
        note=_render(macro.note_template, values),
        reminder_at=reminder_at,
    )


def status_path(
    source: CaseStatus, target: CaseStatus
) -> tuple[tuple[CaseStatus, CaseStatus], ...]:
    """The shortest chain of legal moves from ``source`` to ``target`` (empty if equal)."""
    if source is target:
        return ()
    previous: dict[CaseStatus, CaseStatus] = {}
    queue = deque([source])
    while queue:
        current = queue.popleft()
        for step_source, step_target in TRANSITIONS:
            if step_source is current and step_target is not source and step_target not in previous:
                previous[step_target] = current
                queue.append(step_target)
    if target not in previous:
        raise IllegalTransitionError(
            f"Impossible d'amener un dossier « {STATUS_LABELS[source]} » au statut "
            f"« {STATUS_LABELS[target]} »."
        )
    path: list[tuple[CaseStatus, CaseStatus]] = []
    node = target
    while node is not source:
        path.append((previous[node], node))
        node = previous[node]
    return tuple(reversed(path))


def french_instant(instant: datetime, timezone: ZoneInfo) -> str:
    """A deadline in words, in local time: ``le 27 mai 2024 à 9 h 30``."""
    local = require_aware(instant).astimezone(timezone)
    return f"le {fr_date(local.date())} à {local.hour} h {local.minute:02d}"


def _planned_transitions(macro: Macro, status: CaseStatus) -> tuple[PlannedTransition, ...]:
    if macro.status is None:
        return ()
    planned: list[PlannedTransition] = []
    for source, target in status_path(status, macro.status):
        reason = macro.resolution_reason if target is CaseStatus.RESOLVED else None
        milestone = check_transition(source, target, resolution_reason=reason)
        planned.append(PlannedTransition(source, target, milestone, reason))
    return tuple(planned)


def _reminder(macro: Macro, now: datetime, calendar: BusinessCalendar) -> datetime | None:
    if macro.reminder_calendar_days is None:
        return None
    local = now.astimezone(calendar.timezone)
    wall = local.replace(tzinfo=None) + timedelta(days=macro.reminder_calendar_days)
    return calendar.next_opening(wall.replace(tzinfo=calendar.timezone))


def _render(template: str | None, values: Mapping[str, str]) -> str | None:
    return None if template is None else Template(template).substitute(values)
