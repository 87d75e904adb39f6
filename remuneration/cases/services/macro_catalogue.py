"""The macros in force, described for the agents who choose them (what each one does)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from remuneration.cases.domain import (
    RESOLUTION_REASON_LABELS,
    STATUS_LABELS,
    Macro,
    ResolutionReason,
)
from remuneration.cases.services.context import configuration_on

__all__ = ["MacroDescription", "describe_macros"]

_PLACEHOLDER = re.compile(r"\$(?:\{)?([a-z_]+)")
_SUPPLIED = frozenset({"trainee_name", "case_reference", "service_contact", "reminder_date"})


@dataclass(frozen=True, slots=True)
class MacroDescription:
    """One macro: its key, French label, effects, and the values the agent must give."""

    macro: Macro
    placeholders: tuple[str, ...]
    description: str


def _describe(macro: Macro, to_fill: tuple[str, ...]) -> str:
    parts: list[str] = []
    if macro.status is not None:
        parts.append(f"passe le dossier au statut « {STATUS_LABELS[macro.status]} »")
    if macro.resolution_reason is not None:
        reason = RESOLUTION_REASON_LABELS[ResolutionReason(macro.resolution_reason)]
        parts.append(f"avec le motif « {reason} »")
    if macro.message_template:
        parts.append("envoie un message au stagiaire")
    if macro.note_template:
        parts.append("écrit une note interne")
    if macro.reminder_calendar_days:
        parts.append(f"programme une relance dans {macro.reminder_calendar_days} jours")
    text = ", ".join(parts) or "ne change rien au dossier"
    if to_fill:
        text += f" ; à renseigner : {', '.join(to_fill)}"
    return text[0].upper() + text[1:] + "."


def describe_macros(day: date) -> list[MacroDescription]:
    """The macros in force on ``day``, in their configured order."""
    described = []
    for macro in configuration_on(day).macros.values():
        texts = (macro.message_template or "") + (macro.note_template or "")
        names = tuple(dict.fromkeys(_PLACEHOLDER.findall(texts)))
        to_fill = tuple(name for name in names if name not in _SUPPLIED)
        described.append(MacroDescription(macro, to_fill, _describe(macro, to_fill)))
    return described
