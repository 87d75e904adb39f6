"""ORM rows → response models, per role (ORM objects never leave the API raw).

Fields a role may not see are left unset, and routes answer with `response_model_exclude_unset`,
so they are absent from the JSON (not null-filled).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import bindparam, select

from api.http.schemas.attendance import AttendanceEntryView, AttendanceView
from api.http.schemas.dossiers import (
    AidRequestView,
    DecisionSummary,
    DecisionView,
    DocumentCheckView,
    DocumentView,
    DossierListItem,
    DossierView,
    ExitView,
    FileView,
    Milestones,
    RecomputationView,
    TraineeSummary,
)
from remuneration.db.models import (
    AidRequest,
    AttendanceStatementLine,
    Decision,
    Document,
    Dossier,
    Exit,
    Trainee,
    User,
)
from remuneration.domain.masking import mask_iban, mask_nir
from remuneration.domain.timezone import as_utc
from remuneration.services.attendance import StatementView
from remuneration.services.context import Role, ServiceContext
from remuneration.services.decisions import Comparison, latest_decision
from remuneration.services.document_checks import DocumentCheck, check_documents
from remuneration.services.documents import (
    document_history,
    earlier_versions,
    get_documents,
    revealed_iban,
    revealed_nir,
)
from remuneration.services.dossiers import FACT_FIELDS
from remuneration.services.duplicates import overlap_warnings
from remuneration.services.evaluation_input import StoredRows

__all__ = [
    "FULL_IBAN_ROLES",
    "attendance_view",
    "decision_view",
    "document_view",
    "dossier_list_item",
    "dossier_view",
    "recomputation_view",
]

FULL_IBAN_ROLES = frozenset({Role.FINANCE})


def _file_view(document: Document) -> FileView | None:
    if document.stored_name is None or document.uploaded_at is None:
        return None
    return FileView(
        content_type=document.content_type or "",
        size_bytes=document.size_bytes or 0,
        sha256=document.content_sha256 or "",
        uploaded_at=as_utc(document.uploaded_at),
    )


_NAMES = select(User.id, User.display_name).where(
    User.id.in_(bindparam("user_ids", expanding=True))
)  # built once: read on every dossier view


def user_names(ctx: ServiceContext, user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """The display names of user ids, in one query (agents read names, not ids)."""
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    rows = ctx.session.execute(_NAMES, {"user_ids": list(wanted)}).tuples()
    return {user_id: name for user_id, name in rows}


def user_name(ctx: ServiceContext, user_id: uuid.UUID | None) -> str | None:
    """The display name of a user id."""
    return user_names(ctx, [user_id]).get(user_id) if user_id is not None else None


def document_view(
    ctx: ServiceContext,
    document: Document,
    checks: list[DocumentCheck] | None = None,
    names: Mapping[uuid.UUID, str] | None = None,
    versions: Mapping[uuid.UUID, int] | None = None,
) -> DocumentView:
    """A document as the caller's role may see it (``names``: the verifiers' names and
    ``versions``: the count of earlier versions, when read for the whole dossier)."""
    nir = revealed_nir(ctx, document)
    iban = revealed_iban(ctx, document)
    fields: dict[str, Any] = {
        "kind": document.kind,
        "verification_status": document.verification_status,
        "identity_type": document.identity_type,
        "expiry_date": document.identity_expiry_date,
        "number_masked": document.identity_number_masked,
        "nir_masked": mask_nir(nir) if nir else None,
        "iban_masked": mask_iban(iban) if iban else None,
        "bic": document.bic,
        "holder": document.holder,
        "iban_changed_at": as_utc(document.iban_changed_at) if document.iban_changed_at else None,
        "file": _file_view(document),
        "verified_by": document.verified_by,
        "verified_by_name": (
            user_name(ctx, document.verified_by)
            if names is None
            else names.get(document.verified_by)
            if document.verified_by
            else None
        ),
        "verified_on": document.verified_on,
        "refusal_reason": document.refusal_reason,
        "previous_versions": (
            len(document_history(ctx, document))
            if versions is None
            else versions.get(document.id, 0)
        ),
    }
    if checks is not None:
        fields["checks"] = [
            DocumentCheckView.model_validate(check, from_attributes=True) for check in checks
        ]
    if ctx.actor.role in FULL_IBAN_ROLES:
        fields["iban"] = iban
    return DocumentView(**fields)


def documents_view(
    ctx: ServiceContext, dossier: Dossier, stored: StoredRows | None = None
) -> list[DocumentView]:
    """The documents of a dossier with their checks (``stored``: its exit and aid requests,
    already read by the caller)."""
    documents = get_documents(ctx, dossier)
    checks = check_documents(ctx, dossier, documents, stored)
    names = user_names(ctx, (d.verified_by for d in documents))
    versions = earlier_versions(ctx, dossier)
    return [document_view(ctx, d, checks.get(d.kind), names, versions) for d in documents]


def _trainee_summary(trainee: Trainee) -> TraineeSummary:
    return TraineeSummary(
        id=trainee.id,
        last_name=trainee.last_name,
        first_names=trainee.first_names,
        birth_date=trainee.birth_date,
    )


def _milestones(dossier: Dossier) -> Milestones:
    names = (
        "submitted_at",
        "incomplete_at",
        "completed_at",
        "granted_at",
        "rejected_at",
        "reopened_at",
        "exited_at",
        "closed_at",
    )
    values = {name: getattr(dossier, name) for name in names}
    return Milestones(
        created_at=as_utc(dossier.created_at),
        **{k: as_utc(v) if v else None for k, v in values.items()},
    )


def _facts(dossier: Dossier) -> dict[str, Any]:
    values = {name: getattr(dossier, name) for name in FACT_FIELDS}
    return {
        k: str(v) if v is not None and not isinstance(v, bool | str) else v
        for k, v in values.items()
    }


def _decision_summary(dossier: Dossier, decision: Decision | None) -> DecisionSummary | None:
    if decision is None:
        return None
    return DecisionSummary(
        id=decision.id,
        number=decision.number,
        outcome=decision.outcome,
        total=decision.total,
        taken_at=as_utc(decision.taken_at),
        up_to_date=decision.facts_version == dossier.facts_version,
    )


def _aid_view(aid: AidRequest) -> AidRequestView:
    return AidRequestView(
        id=aid.id,
        kind=aid.kind,
        date=aid.request_date,
        invoice_amount=aid.invoice_amount,
        cost=aid.cost,
        other_funding=aid.other_funding,
        code_status=aid.code_status,
        created_at=as_utc(aid.created_at),
    )


# Built once, with bind parameters: building a statement per read costs about as much as
# running it (expression construction and cache key).
_EXIT_OF = select(Exit).where(Exit.dossier_id == bindparam("dossier_id"))
_AIDS_OF = select(AidRequest).where(AidRequest.dossier_id == bindparam("dossier_id"))
_TRAINEE_BY_ID = select(Trainee).where(Trainee.id == bindparam("trainee_id"))  # not Session.get


def dossier_view(ctx: ServiceContext, dossier: Dossier) -> DossierView:
    """The whole dossier, for the caller's role. The exit and the aid requests are read once,
    for the view and for the document checks' evaluation request."""
    trainee = ctx.session.execute(_TRAINEE_BY_ID, {"trainee_id": dossier.trainee_id}).scalar_one()
    exit_row = ctx.session.scalar(_EXIT_OF, {"dossier_id": dossier.id})
    stored = StoredRows(exit_row, list(ctx.session.scalars(_AIDS_OF, {"dossier_id": dossier.id})))
    aids = sorted(stored.aids, key=lambda aid: (aid.created_at, aid.id))
    return DossierView(
        id=dossier.id,
        reference=dossier.reference,
        status=dossier.status,
        version=dossier.version,
        trainee=_trainee_summary(trainee),
        training_id=dossier.training_id,
        facts=_facts(dossier),
        documents=documents_view(ctx, dossier, stored),
        exit=ExitView(
            date=exit_row.exit_date,
            reason=exit_row.reason,
            recorded_at=as_utc(exit_row.recorded_at),
        )
        if exit_row
        else None,
        aid_requests=[_aid_view(aid) for aid in aids],
        milestones=_milestones(dossier),
        latest_decision=_decision_summary(dossier, latest_decision(ctx, dossier)),
        warnings=overlap_warnings(ctx, dossier),
    )


def dossier_list_item(dossier: Dossier, trainee: Trainee) -> DossierListItem:
    """One line of a dossier search."""
    return DossierListItem(
        id=dossier.id,
        status=dossier.status,
        trainee=_trainee_summary(trainee),
        training_id=dossier.training_id,
        updated_at=as_utc(dossier.updated_at),
    )


def decision_view(dossier: Dossier, decision: Decision) -> DecisionView:
    """A decision with the engine's full result (every line with its explanation)."""
    return DecisionView(
        id=decision.id,
        dossier_id=decision.dossier_id,
        number=decision.number,
        outcome=decision.outcome,
        as_of=decision.as_of,
        total=decision.total,
        taken_at=as_utc(decision.taken_at),
        taken_by=decision.taken_by,
        input_hash=decision.input_hash,
        rules_version=decision.rules_version,
        parameters_digest=decision.parameters_digest,
        up_to_date=decision.facts_version == dossier.facts_version,
        result=json.loads(decision.result_json),
    )


def recomputation_view(comparison: Comparison) -> RecomputationView:
    """A decision compared with its recomputation today."""
    decision = comparison.decision
    return RecomputationView(
        decision_id=decision.id,
        same_result=comparison.same_result,
        differences=comparison.differences,
        facts_changed_since=comparison.facts_changed_since,
        rules_version_then=decision.rules_version,
        rules_version_now=str(comparison.recomputed["rules_version"]),
        parameters_digest_then=decision.parameters_digest,
        parameters_digest_now=str(comparison.recomputed["parameters_digest"]),
        recomputed=comparison.recomputed,
    )


def _entry_view(line: AttendanceStatementLine) -> AttendanceEntryView:
    return AttendanceEntryView(
        dossier_id=line.dossier_id,
        scheduled_hours=line.scheduled_hours,
        attended_hours=line.attended_hours,
        justified_absence_hours=line.justified_absence_hours,
        unjustified_absence_hours=line.unjustified_absence_hours,
        daily_allowances=line.daily_allowances,
        hours_outside_work=line.hours_outside_work,
        paid=line.paid,
    )


def attendance_view(view: StatementView) -> AttendanceView:
    """A month's statement with every trainee's line."""
    statement = view.statement
    return AttendanceView(
        training_id=statement.training_id,
        month=statement.month,
        version=statement.version,
        corrections=statement.corrections,
        updated_at=as_utc(statement.updated_at),
        entries=[_entry_view(line) for line in view.lines],
    )
