"""The relation-usagers case queue at the API edge.

Request models forbid unknown and server-owned fields (reference, status, assignee, deadlines,
versions are never accepted on creation). The channel ``system`` is remu's own: clients cannot
use it. Bank data in the trainee's file is always masked for the queue's roles.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from api.http.schemas.common import RequestModel, ResponseModel, UtcDatetime, printable, text
from api.http.schemas.dossiers import DecisionSummary, DocumentView
from remuneration.cases.domain import (
    RESOLUTION_REASON_LABELS,
    CaseStatus,
    Category,
    MessageDirection,
    Priority,
    ResolutionReason,
)
from remuneration.domain.people import name_words

__all__ = [
    "AgentRef",
    "CaseAssign",
    "CaseCreate",
    "CaseDossierSummary",
    "CaseFile",
    "CaseList",
    "CaseListItem",
    "CaseMacroApply",
    "CaseMerge",
    "CaseMessageCreate",
    "CaseNoteCreate",
    "CaseTrainee",
    "CaseTrainingSummary",
    "CaseTransition",
    "CaseView",
    "ClockView",
    "EntryView",
    "EventView",
    "MacroView",
]

HumanChannel = Literal["phone", "email", "mail", "counter"]
WrittenChannel = Literal["email", "mail"]


def _multiline(value: str) -> str:
    """Letters and messages have lines; other control characters are refused."""
    if any(ord(char) < 32 and char not in "\t\n\r" for char in value):
        raise ValueError("caractères de contrôle interdits")
    return value


Subject = Annotated[str, text(200), AfterValidator(printable)]
Body = Annotated[str, text(10_000), AfterValidator(_multiline)]
ShortText = Annotated[str, text(300), AfterValidator(printable)]
MacroValue = Annotated[str, text(200), AfterValidator(printable)]
CaseKey = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9 -]+$")]


class CaseCreate(RequestModel):
    """A request received by phone, e-mail, letter or at the counter."""

    category: Category
    channel: HumanChannel
    subject: Subject
    priority: Priority = Priority.NORMAL
    description: Body | None = Field(
        default=None, description="La demande telle qu'exprimée par le stagiaire."
    )
    trainee_id: uuid.UUID | None = None
    dossier_id: uuid.UUID | None = None
    payment_id: uuid.UUID | None = None
    payment_batch_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    round_robin: bool = Field(
        default=False, description="Attribuer à tour de rôle dans l'équipe `team_id`."
    )

    @model_validator(mode="after")
    def _someone(self) -> CaseCreate:
        if self.trainee_id is None and self.dossier_id is None:
            raise ValueError("indiquez trainee_id ou dossier_id")
        if self.round_robin and self.team_id is None:
            raise ValueError("round_robin demande team_id")
        return self


class CaseAssign(RequestModel):
    """Give the case to an agent (``assignee_id``), take it back (null), or round robin."""

    assignee_id: uuid.UUID | None = None
    round_robin: bool = False
    team_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one_way(self) -> CaseAssign:
        if self.round_robin and (self.team_id is None or self.assignee_id is not None):
            raise ValueError("round_robin demande team_id et exclut assignee_id")
        if not self.round_robin and "assignee_id" not in self.model_fields_set:
            raise ValueError("indiquez assignee_id (null pour retirer le dossier) ou round_robin")
        return self


def _resolution_reason(value: object) -> object:
    """A code (``answered``) or its French label (« réponse apportée »), any case or accents."""
    if value is None or not isinstance(value, str):
        return value
    wanted = " ".join(name_words(value))
    for reason, label in RESOLUTION_REASON_LABELS.items():
        if wanted in (" ".join(name_words(reason.value)), " ".join(name_words(label))):
            return reason.value
    choices = ", ".join(
        f"{reason.value} (« {label} »)" for reason, label in RESOLUTION_REASON_LABELS.items()
    )
    raise ValueError(f"motif de résolution inconnu ; motifs possibles : {choices}")


class CaseTransition(RequestModel):
    """A status change; ``reason`` (code or French label) is required to resolve."""

    to: CaseStatus
    reason: Annotated[ResolutionReason | None, BeforeValidator(_resolution_reason)] = Field(
        default=None,
        description="Code (answered, fixed, redirected, duplicate, no_action_needed) ou libellé "
        "français (« réponse apportée »…).",
    )


class MacroView(ResponseModel):
    """A macro as an agent chooses it: what it is called and what it does."""

    key: str
    label: str
    status: str | None
    resolution_reason: str | None
    sends_message: bool
    writes_note: bool
    reminder_calendar_days: int | None
    placeholders: list[str]
    description: str


class CaseNoteCreate(RequestModel):
    """An internal note: never shown or sent to the trainee."""

    body: Body


class CaseMessageCreate(RequestModel):
    """A message sent to the trainee (outbound) or received from them (inbound)."""

    direction: MessageDirection
    channel: HumanChannel
    body: Body


class CaseMerge(RequestModel):
    """Merge this case into ``into`` (id or reference): final."""

    into: CaseKey
    note: ShortText | None = None


class CaseMacroApply(RequestModel):
    """Apply a macro; ``values`` fill its own placeholders (e.g. ``document_name``)."""

    values: dict[Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")], MacroValue] = Field(
        default_factory=dict, max_length=10
    )
    channel: WrittenChannel = "email"


class AgentRef(ResponseModel):
    """An agent as shown in the queue."""

    id: uuid.UUID
    name: str


class ClockView(ResponseModel):
    """One service-level clock at the time of the request (durations in business seconds)."""

    clock: str
    state: str
    started_at: UtcDatetime
    due: UtcDatetime | None
    completed_at: UtcDatetime | None
    target_seconds: int
    used_seconds: int
    remaining_seconds: int
    percent_used: Decimal
    at_risk: bool


class EntryView(ResponseModel):
    """A note or a message."""

    id: uuid.UUID
    kind: str
    direction: str | None
    channel: str | None
    body: str
    author: AgentRef | None
    macro_key: str | None
    created_at: UtcDatetime


class EventView(ResponseModel):
    """One change in the case's history."""

    id: int
    occurred_at: UtcDatetime
    actor_id: uuid.UUID | None
    actor_name: str | None = None
    actor_role: str | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class CaseTrainee(ResponseModel):
    """The trainee as the agent needs them on the phone."""

    id: uuid.UUID
    last_name: str
    first_names: str
    birth_date: date
    email: str | None
    phone: str | None
    postcode: str | None
    town: str | None


class CaseTrainingSummary(ResponseModel):
    """A training and its organisation (the contact of attendance cases)."""

    id: uuid.UUID
    title: str
    start_date: date
    end_date: date
    organisation_name: str
    organisation_email: str | None


class CaseDossierSummary(ResponseModel):
    """A dossier of the trainee: status, training, documents (masked), decisions."""

    id: uuid.UUID
    status: str
    training: CaseTrainingSummary
    documents: list[DocumentView]
    decisions: list[DecisionSummary]


class CaseFile(ResponseModel):
    """Read-only summary of the trainee's file: dossiers, decisions and payments."""

    trainee: CaseTrainee | None
    training: CaseTrainingSummary | None
    dossiers: list[CaseDossierSummary]
    payments: list[dict[str, Any]]


class CaseListItem(ResponseModel):
    """One line of the queue."""

    id: uuid.UUID
    reference: str
    status: str
    category: str
    priority: str
    channel: str
    subject: str
    trainee_id: uuid.UUID | None
    trainee_name: str | None
    assignee: AgentRef | None
    due_at: UtcDatetime | None
    at_risk: bool
    breached: bool
    created_at: UtcDatetime
    updated_at: UtcDatetime


class CaseList(ResponseModel):
    """One page of the queue, earliest deadline first."""

    items: list[CaseListItem]
    total: int
    page: int
    page_size: int


class CaseView(ResponseModel):
    """A whole case: links, milestones, clocks, entries, history and the trainee's file."""

    id: uuid.UUID
    reference: str
    version: int
    status: str
    category: str
    priority: str
    channel: str
    contact: str
    subject: str
    resolution_reason: str | None
    trainee_id: uuid.UUID | None
    dossier_id: uuid.UUID | None
    training_id: uuid.UUID | None
    payment_id: uuid.UUID | None
    payment_batch_id: uuid.UUID | None
    cause_key: str | None
    merged_into: str | None
    assignee: AgentRef | None
    created_by: AgentRef | None = None
    team: str | None
    milestones: dict[str, UtcDatetime | None]
    reminder_at: UtcDatetime | None
    due_at: UtcDatetime | None
    breached: bool
    at_risk: bool
    clocks: list[ClockView]
    entries: list[EntryView]
    events: list[EventView]
    file: CaseFile
    warnings: list[str] = Field(default_factory=list)
