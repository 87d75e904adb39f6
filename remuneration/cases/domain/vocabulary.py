"""The words of the case queue: categories, priorities, channels, statuses, reasons.

The values are the stable identifiers stored in the database and exchanged through the API; the
French labels are what agents read in messages, exports and letters.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from types import MappingProxyType
from typing import NewType

from remuneration.domain.ids import TraineeId

__all__ = [
    "ACTIVE_STATUSES",
    "CATEGORY_LABELS",
    "CHANNEL_LABELS",
    "PRIORITY_LABELS",
    "PRIORITY_ORDER",
    "RESOLUTION_REASON_LABELS",
    "STATUS_LABELS",
    "TERMINAL_STATUSES",
    "WRITTEN_CHANNELS",
    "AgentId",
    "CaseId",
    "CaseStatus",
    "Category",
    "Channel",
    "MessageDirection",
    "Priority",
    "ResolutionReason",
    "TraineeId",
]

CaseId = NewType("CaseId", uuid.UUID)
AgentId = NewType("AgentId", uuid.UUID)
"""An agent is a user of the relation_usagers or supervisor role: the user's id."""
# Random UUID keys, like every table of the project; ``TraineeId`` is the one of
# remuneration.domain.ids.


class Category(StrEnum):
    """Why a case exists (motif)."""

    PAYMENT_MISSING = "payment_missing"
    PAYMENT_RETURNED = "payment_returned"
    BANK_DETAILS_CHANGE = "bank_details_change"
    DOSSIER_INCOMPLETE = "dossier_incomplete"
    ATTENDANCE_MISSING = "attendance_missing"
    OVERPAYMENT = "overpayment"
    BANK_FILE = "bank_file"
    COMPLAINT = "complaint"
    INFORMATION = "information"
    OTHER = "other"


class Priority(StrEnum):
    """How urgent a case is; the service levels depend on it."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Channel(StrEnum):
    """How the request reached the Region (``system``: opened by remu itself)."""

    PHONE = "phone"
    EMAIL = "email"
    MAIL = "mail"
    COUNTER = "counter"
    SYSTEM = "system"


class CaseStatus(StrEnum):
    """Where a case stands; moves are governed by ``transitions.TRANSITIONS``."""

    NEW = "new"
    OPEN = "open"
    WAITING_TRAINEE = "waiting_trainee"
    RESOLVED = "resolved"
    CLOSED = "closed"
    MERGED = "merged"


class ResolutionReason(StrEnum):
    """Why a case was resolved; required by the transition to ``resolved``."""

    ANSWERED = "answered"
    FIXED = "fixed"
    REDIRECTED = "redirected"
    DUPLICATE = "duplicate"
    NO_ACTION_NEEDED = "no_action_needed"


class MessageDirection(StrEnum):
    """A message comes from the trainee (inbound) or goes to the trainee (outbound)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


PRIORITY_ORDER: tuple[Priority, ...] = (
    Priority.LOW,
    Priority.NORMAL,
    Priority.HIGH,
    Priority.URGENT,
)

ACTIVE_STATUSES: frozenset[CaseStatus] = frozenset(
    {CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING_TRAINEE}
)
"""Statuses of a case that still needs work: the backlog, duplicates, caps and auto-cases."""

TERMINAL_STATUSES: frozenset[CaseStatus] = frozenset({CaseStatus.CLOSED, CaseStatus.MERGED})
"""Statuses a case never leaves."""

WRITTEN_CHANNELS: frozenset[Channel] = frozenset({Channel.EMAIL, Channel.MAIL})
"""Channels whose messages are a written answer (complaints must be answered in writing)."""

CATEGORY_LABELS = MappingProxyType(
    {
        Category.PAYMENT_MISSING: "paiement non reçu",
        Category.PAYMENT_RETURNED: "virement rejeté ou retourné",
        Category.BANK_DETAILS_CHANGE: "changement de coordonnées bancaires",
        Category.DOSSIER_INCOMPLETE: "dossier incomplet",
        Category.ATTENDANCE_MISSING: "état de présence manquant",
        Category.OVERPAYMENT: "trop-perçu",
        Category.BANK_FILE: "fichier bancaire à traiter (finance)",
        Category.COMPLAINT: "réclamation",
        Category.INFORMATION: "demande d'information",
        Category.OTHER: "autre",
    }
)

PRIORITY_LABELS = MappingProxyType(
    {
        Priority.LOW: "basse",
        Priority.NORMAL: "normale",
        Priority.HIGH: "haute",
        Priority.URGENT: "urgente",
    }
)

CHANNEL_LABELS = MappingProxyType(
    {
        Channel.PHONE: "téléphone",
        Channel.EMAIL: "courriel",
        Channel.MAIL: "courrier",
        Channel.COUNTER: "accueil",
        Channel.SYSTEM: "détection automatique",
    }
)

STATUS_LABELS = MappingProxyType(
    {
        CaseStatus.NEW: "nouveau",
        CaseStatus.OPEN: "en cours",
        CaseStatus.WAITING_TRAINEE: "en attente du stagiaire",
        CaseStatus.RESOLVED: "résolu",
        CaseStatus.CLOSED: "clos",
        CaseStatus.MERGED: "fusionné",
    }
)

RESOLUTION_REASON_LABELS = MappingProxyType(
    {
        ResolutionReason.ANSWERED: "réponse apportée",
        ResolutionReason.FIXED: "problème corrigé",
        ResolutionReason.REDIRECTED: "réorienté",
        ResolutionReason.DUPLICATE: "doublon",
        ResolutionReason.NO_ACTION_NEEDED: "aucune action nécessaire",
    }
)
