"""Work rules of the queue: round-robin assignment and the duplicate warning.

Round robin spreads new cases evenly across a team without a supervisor dispatching by hand,
while never loading an agent beyond their cap and never giving a case to someone who is away.
It is deterministic: given the roster, the loads and the last assignee, the next agent is known,
so two runs agree and a test can predict them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import TeamError
from .vocabulary import (
    ACTIVE_STATUSES,
    CATEGORY_LABELS,
    AgentId,
    CaseId,
    CaseStatus,
    Category,
    TraineeId,
)

__all__ = [
    "AgentLoad",
    "CaseSummary",
    "DuplicateWarning",
    "WorkRules",
    "duplicate_warning",
    "next_assignee",
]


@dataclass(frozen=True)
class WorkRules:
    """Work rules in force (work_rules.yaml): the default cap, the team that receives the
    automatic cases by round robin (None: they stay unassigned), and how the service can be
    reached (written at the end of the messages of the macros)."""

    default_open_case_cap: int
    automatic_cases_team: str | None = None
    service_contact: str = ""

    def __post_init__(self) -> None:
        if self.default_open_case_cap < 1:
            raise TeamError("Le plafond de dossiers ouverts par agent doit être au moins 1.")


@dataclass(frozen=True)
class AgentLoad:
    """One member of the team, in roster order: how many active cases they hold, whether they
    are absent today, and their own cap if it differs from the team's default."""

    agent_id: AgentId
    open_cases: int
    absent: bool = False
    cap: int | None = None


def next_assignee(
    team: Sequence[AgentLoad], *, last_assignee: AgentId | None, rules: WorkRules
) -> AgentId | None:
    """The next agent after ``last_assignee`` in roster order who is present and below cap.

    The search wraps around the roster and may come back to ``last_assignee`` when everyone
    else is absent or full. None means nobody can take the case: it stays unassigned, in the
    team's "unassigned" view. An unknown ``last_assignee`` (who left the team) restarts the
    turn at the top of the roster.
    """
    ids = [member.agent_id for member in team]
    if len(ids) != len(set(ids)):
        raise TeamError("Un agent figure deux fois dans l'équipe.")
    if not team:
        return None
    start = ids.index(last_assignee) + 1 if last_assignee in ids else 0
    for offset in range(len(team)):
        member = team[(start + offset) % len(team)]
        cap = rules.default_open_case_cap if member.cap is None else member.cap
        if not member.absent and member.open_cases < cap:
            return member.agent_id
    return None


@dataclass(frozen=True)
class CaseSummary:
    """What the duplicate check needs to know about an existing case."""

    case_id: CaseId
    trainee_id: TraineeId
    category: Category
    status: CaseStatus
    reference: str


@dataclass(frozen=True)
class DuplicateWarning:
    """Active cases of the same trainee and category, and the French warning to show."""

    case_ids: tuple[CaseId, ...]
    message: str


def duplicate_warning(
    *, trainee_id: TraineeId, category: Category, existing: Iterable[CaseSummary]
) -> DuplicateWarning | None:
    """Warn (not refuse) when the trainee already has an active case with this category.

    Matches are listed oldest first (references are allocated in order within a year).

    The agent decides: a second call about the same payment belongs in the existing case (and
    may be merged), a new problem deserves its own case.
    """
    matches = sorted(
        (case for case in existing if _same_request(case, trainee_id, category)),
        key=lambda case: case.reference,
    )
    if not matches:
        return None
    references = ", ".join(case.reference for case in matches)
    return DuplicateWarning(
        case_ids=tuple(case.case_id for case in matches),
        message=(
            f"Ce stagiaire a déjà un dossier en cours pour le motif "
            f"« {CATEGORY_LABELS[category]} » : {references}. "
            "Vérifiez qu'il ne s'agit pas de la même demande."
        ),
    )


def _same_request(case: CaseSummary, trainee_id: TraineeId, category: Category) -> bool:
    return (
        case.trainee_id == trainee_id
        and case.category is category
        and case.status in ACTIVE_STATUSES
    )
