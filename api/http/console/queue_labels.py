"""The queue in words: statuses, categories, service levels as time left with a text label
(never a colour alone), the tabs of the queue and the macros' own placeholders."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import timedelta

from remuneration.cases.domain import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    PRIORITY_LABELS,
    RESOLUTION_REASON_LABELS,
    STATUS_LABELS,
    CaseStatus,
    Category,
)
from remuneration.cases.domain.macros import Macro
from remuneration.cases.services import QueueView

__all__ = [
    "LABELS",
    "QUEUE_TABS",
    "SUPPLIED_PLACEHOLDERS",
    "QueueTab",
    "duration_text",
    "macro_placeholders",
    "sla_label",
]

LABELS = {
    "status": {status.value: label for status, label in STATUS_LABELS.items()},
    "category": {category.value: label for category, label in CATEGORY_LABELS.items()},
    "channel": {channel.value: label for channel, label in CHANNEL_LABELS.items()},
    "priority": {priority.value: label for priority, label in PRIORITY_LABELS.items()},
    "reason": {reason.value: label for reason, label in RESOLUTION_REASON_LABELS.items()},
}
STATUS_TONES = {
    CaseStatus.NEW.value: "attention",
    CaseStatus.OPEN.value: "neutre",
    CaseStatus.WAITING_TRAINEE.value: "neutre",
    CaseStatus.RESOLVED.value: "ok",
    CaseStatus.CLOSED.value: "ok",
    CaseStatus.MERGED.value: "neutre",
}


@dataclass(frozen=True, slots=True)
class QueueTab:
    """A tab of the queue: a view of the queue's service, maybe narrowed to a category."""

    key: str
    label: str
    view: QueueView
    category: Category | None = None


QUEUE_TABS = (
    QueueTab("a-prendre", "À prendre", QueueView.UNASSIGNED),
    QueueTab("mes-demandes", "Mes demandes", QueueView.MINE),
    QueueTab("attente", "En attente du stagiaire", QueueView.WAITING),
    QueueTab("echeance-proche", "Échéance proche", QueueView.AT_RISK),
    QueueTab("en-retard", "En retard", QueueView.BREACHED),
    QueueTab("paiement-bloque", "Paiement bloqué", QueueView.ACTIVE, Category.PAYMENT_RETURNED),
)

SUPPLIED_PLACEHOLDERS = frozenset(
    {"trainee_name", "case_reference", "service_contact", "reminder_date"}
)
"""Filled by the service itself; the agent types the others."""

PLACEHOLDER_LABELS = {
    "document_name": "Pièce demandée",
    "payment_date": "Date d'envoi du paiement (par exemple 3 décembre 2026)",
}


def macro_placeholders(macro: Macro) -> list[tuple[str, str]]:
    """(name, French label) of the values the agent must type for `macro`."""
    names: list[str] = []
    for template in (macro.message_template, macro.note_template):
        if template is None:
            continue
        for _, named, braced, _ in string.Template.pattern.findall(template):
            name = named or braced
            if name and name not in SUPPLIED_PLACEHOLDERS and name not in names:
                names.append(name)
    return [(name, PLACEHOLDER_LABELS.get(name, name.replace("_", " "))) for name in names]


def duration_text(duration: timedelta) -> str:
    """`3 h 20` (business time), `45 min`."""
    minutes = int(abs(duration).total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{rest} min"
    return f"{hours} h {rest:02d}"


def sla_label(state: str, remaining: timedelta, at_risk: bool) -> tuple[str, str]:
    """(text, tone) of a service-level clock: the text says it all, the tone only repeats it."""
    if state == "met":
        return "Respecté", "ok"
    if state == "stopped":
        return "Arrêté", "neutre"
    if state == "paused":
        return f"En pause (il restera {duration_text(remaining)} ouvrées)", "neutre"
    if state == "breached" or remaining < timedelta(0):
        return f"En retard de {duration_text(remaining)} ouvrées", "erreur"
    if at_risk:
        return f"Échéance proche : il reste {duration_text(remaining)} ouvrées", "attention"
    return f"Il reste {duration_text(remaining)} ouvrées", "neutre"
