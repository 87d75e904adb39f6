"""Work on a case: status changes, macros, and the irreversible merge.

Every status change goes through the domain's transition table (``apply_transition``); a
resolution needs its reason, and a complaint its written answer. A merge closes a duplicate
into the case that carries the request: it is final, recorded on both cases and in the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from sqlalchemy import CursorResult, update

from remuneration.cases.domain import (
    CaseId,
    CaseStatus,
    Channel,
    IllegalTransitionError,
    InvalidMergeError,
    MacroError,
    MacroPlan,
    MessageDirection,
    Milestone,
    ResolutionReason,
    apply_macro,
    check_merge,
    check_transition,
    check_written_answer,
)
from remuneration.cases.models import Case, CaseEntry
from remuneration.cases.services.context import CaseContext
from remuneration.cases.services.entries import EntryKind, new_entry
from remuneration.cases.services.history import EventAction, history_of, record_case_event
from remuneration.cases.services.messages import add_note, record_message
from remuneration.cases.services.sla import configuration_of, refresh_sla, targets_of
from remuneration.cases.services.transitions import apply_transition, set_milestone
from remuneration.contact import contact_line
from remuneration.db.models import AuditEvent, Trainee
from remuneration.domain.timezone import as_utc

__all__ = ["apply_case_macro", "change_status", "merge_cases", "preview_case_macro"]


def _check_resolution(cctx: CaseContext, case: Case) -> None:
    targets = targets_of(case, configuration_of(case))
    check_written_answer(
        written_answer_required=targets.written_answer_required,
        history=history_of(cctx.session, case),
        now=cctx.now,
    )


def _move(
    cctx: CaseContext, case: Case, target: CaseStatus, reason: ResolutionReason | None
) -> None:
    if target is CaseStatus.MERGED:
        raise IllegalTransitionError(
            "Une fusion se fait avec l'action « fusionner », qui désigne le dossier conservé.",
            field="to",
        )
    if target is CaseStatus.RESOLVED:
        check_transition(CaseStatus(case.status), target, resolution_reason=reason)
        _check_resolution(cctx, case)
    apply_transition(cctx, case, target, reason=reason)
    if target in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        case.reminder_at = None


def change_status(
    cctx: CaseContext,
    case: Case,
    target: CaseStatus,
    *,
    reason: ResolutionReason | None = None,
) -> Case:
    """Move the case to ``target`` (refused moves speak French), then refresh its deadlines."""
    _move(cctx, case, target, reason)
    refresh_sla(cctx, case)
    return case


def _trainee_name(cctx: CaseContext, case: Case) -> dict[str, str]:
    if case.trainee_id is None:
        return {}
    trainee = cctx.session.get_one(Trainee, case.trainee_id)
    return {"trainee_name": f"{trainee.first_names.split()[0]} {trainee.last_name}"}


def _macro_plan(cctx: CaseContext, case: Case, key: str, values: Mapping[str, str]) -> MacroPlan:
    config = configuration_of(case)
    macro = config.macros.get(key)
    if macro is None:
        known = ", ".join(sorted(config.macros))
        raise MacroError(f"Macro inconnue : « {key} ». Macros : {known}.", field="macro")
    context = {
        **values,
        **_trainee_name(cctx, case),
        "case_reference": case.reference,
        "service_contact": contact_line(),
    }
    return apply_macro(
        macro,
        status=CaseStatus(case.status),
        context=context,
        now=cctx.now,
        calendar=config.calendar,
    )


def preview_case_macro(
    cctx: CaseContext, case: Case, key: str, *, values: Mapping[str, str]
) -> MacroPlan:
    """What ``apply_case_macro`` would do (message, moves, note, reminder), changing nothing."""
    return _macro_plan(cctx, case, key, values)


def apply_case_macro(
    cctx: CaseContext,
    case: Case,
    key: str,
    *,
    values: Mapping[str, str],
    channel: Channel = Channel.EMAIL,
) -> MacroPlan:
    """One action: the templated message (first, so that it answers), the moves, the note
    and the reminder of the macro ``key``; ``values`` fill the macro's own placeholders."""
    plan = _macro_plan(cctx, case, key, values)
    if plan.message is not None:
        record_message(
            cctx,
            case,
            direction=MessageDirection.OUTBOUND,
            channel=channel,
            body=plan.message,
            macro_key=key,
            refresh=False,
        )
    for step in plan.transitions:
        _move(cctx, case, step.target, step.resolution_reason)
    if plan.note is not None:
        new_entry(cctx, case, kind=EntryKind.NOTE, body=plan.note, macro_key=key)
    if plan.reminder_at is not None:
        case.reminder_at = as_utc(plan.reminder_at)
    record_case_event(
        cctx,
        case,
        action=EventAction.MACRO_APPLIED,
        after={
            "macro": key,
            "reminder_at": None if plan.reminder_at is None else plan.reminder_at.isoformat(),
        },
    )
    refresh_sla(cctx, case)
    return plan


def _audit_merge(cctx: CaseContext, case: Case, into: Case) -> None:
    cctx.session.add(
        AuditEvent(
            occurred_at=cctx.now,
            actor_id=cctx.actor_id,
            actor_role=None if cctx.actor is None else cctx.actor.role.value,
            action="case.merged",
            entity_type="case",
            entity_id=str(case.id),
            dossier_id=case.dossier_id,
            request_id=cctx.request_id,
            before={"reference": case.reference, "status": case.status},
            after={"merged_into": into.reference, "merged_into_id": str(into.id)},
        )
    )


def merge_cases(cctx: CaseContext, case: Case, into: Case, *, note: str | None = None) -> Case:
    """Merge ``case`` into ``into`` (final): ``case`` becomes ``merged`` and points at ``into``."""
    check_merge(
        case_id=CaseId(case.id),
        status=CaseStatus(case.status),
        into_case_id=CaseId(into.id),
        into_status=CaseStatus(into.status),
    )
    if case.trainee_id and into.trainee_id and case.trainee_id != into.trainee_id:
        raise InvalidMergeError(
            "Ces deux dossiers concernent deux stagiaires différents : ils ne peuvent pas "
            "être fusionnés.",
            field="into",
        )
    _audit_merge(cctx, case, into)
    moved = cast(
        "CursorResult[object]",
        cctx.session.execute(
            update(CaseEntry)
            .where(CaseEntry.case_id == case.id)
            .values(case_id=into.id)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    before = {"status": case.status, "merged_into_id": None}
    set_milestone(cctx, case, CaseStatus.MERGED, Milestone.MERGED_AT)
    case.merged_into_id = into.id
    case.reminder_at = None
    record_case_event(
        cctx,
        case,
        action=EventAction.MERGED,
        before=before,
        after={
            "status": CaseStatus.MERGED.value,
            "merged_into_id": str(into.id),
            "into": into.reference,
        },
    )
    record_case_event(
        cctx,
        into,
        action=EventAction.MERGED_IN,
        after={"case_id": str(case.id), "reference": case.reference, "entries_moved": moved},
    )
    text = (
        f"Le dossier {case.reference} a été fusionné dans ce dossier ; ses {moved} messages et "
        "notes y sont repris à leur date."
        if moved
        else f"Le dossier {case.reference} a été fusionné dans ce dossier."
    )
    add_note(cctx, into, f"{text} {note}" if note else text)
    refresh_sla(cctx, case)
    refresh_sla(cctx, into)
    return into
