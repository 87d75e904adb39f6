"""What each tab of the dossier page shows, loaded only when that tab is open.

Personal data stay masked (NIR and IBAN as the API's views give them to the role); the
history shows who did what and when, never the values (the audit log keeps summaries only).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, or_, select

from api.http.console.desk import Desk
from api.http.console.forms import user_names
from api.http.console.labels import DOCUMENT_LABELS, IDENTITY_TYPES, VERIFICATION
from api.http.console.queue_labels import LABELS
from api.http.views import decision_view, dossier_view
from payments.models import Overpayment, OverpaymentOffset, Payment, PaymentLine
from remuneration.cases.models import Case
from remuneration.db.models import AuditEvent, Dossier, Trainee, Training, TrainingOrganisation
from remuneration.domain.errors import DomainError
from remuneration.domain.vocabulary import LINE_KIND_LABELS
from remuneration.services.decisions import latest_decision
from remuneration.services.evaluation_input import build_request
from rules import InputError, evaluate, result_to_json

__all__ = ["DOSSIER_PAGE_TABS", "FACT_LABELS", "MISSING_LABELS", "tab_context"]

DOSSIER_PAGE_TABS = {
    "donnees": "Données",
    "pieces": "Pièces",
    "calcul": "Calcul et décision",
    "paiements": "Paiements",
    "echanges": "Échanges",
    "historique": "Historique",
}
FACT_LABELS = {
    "trainee_status": "Statut du stagiaire",
    "france_travail_registered": "Inscrit à France Travail",
    "france_travail_indemnity": "Indemnisation France Travail",
    "insertion_contract": "Contrat d'insertion",
    "insertion_are_complement": "Complément ARE (insertion)",
    "insertion_hours_outside_work": "Heures hors travail (insertion)",
    "distance_km": "Distance domicile–formation (km)",
    "driving_licence_aid_received": "Aide au permis déjà reçue",
}
MISSING_LABELS = {
    "documents.rib": "le RIB du stagiaire, à son nom",
    "documents.identity": "une pièce d'identité en cours de validité",
    "documents.vitale": "l'attestation de carte Vitale (NIR)",
}
LINE_LABELS = LINE_KIND_LABELS


def _missing_text(path: str) -> str:
    if path in MISSING_LABELS:
        return MISSING_LABELS[path]
    name = path.rsplit(".", 1)[-1]
    return f"l'information « {FACT_LABELS.get(name, name.replace('_', ' '))} »"


def _data(agent: Desk, dossier: Dossier) -> dict[str, Any]:
    view = dossier_view(agent.ctx, dossier)
    training = agent.ctx.session.get_one(Training, dossier.training_id)
    organisation = agent.ctx.session.get_one(TrainingOrganisation, training.organisation_id)
    return {
        "view": view,
        "training": training,
        "organisation": organisation,
        "fact_labels": FACT_LABELS,
    }


def _documents(agent: Desk, dossier: Dossier) -> dict[str, Any]:
    view = dossier_view(agent.ctx, dossier)
    decision = latest_decision(agent.ctx, dossier)
    reasons = []
    if decision is not None:
        result = decision_view(dossier, decision).result
        reasons = [
            r for r in result.get("reasons", []) if str(r.get("scope", "")).startswith("documents")
        ]
    return {
        "view": view,
        "document_labels": DOCUMENT_LABELS,
        "verification": VERIFICATION,
        "document_reasons": reasons,
        "identity_types": IDENTITY_TYPES,
    }


def _engine_now(agent: Desk, dossier: Dossier) -> tuple[dict[str, Any] | None, str | None]:
    """The engine's answer on the recorded facts today, recorded nowhere (a preview)."""
    ctx = agent.ctx
    try:
        payload = build_request(ctx, dossier, as_of=ctx.today)
        result = evaluate(payload, today=ctx.today, parameters=ctx.parameters)
    except (InputError, DomainError) as error:
        return None, str(error)
    preview: dict[str, Any] = json.loads(result_to_json(result))
    return preview, None


def _decision(agent: Desk, dossier: Dossier) -> dict[str, Any]:
    preview, problem = _engine_now(agent, dossier)
    decision = latest_decision(agent.ctx, dossier)
    view = decision_view(dossier, decision) if decision is not None else None
    names = user_names(agent.ctx.session, [decision.taken_by] if decision else [])
    paths = list((preview or {}).get("missing", []))
    paths += [
        str(reason.get("scope"))
        for reason in (preview or {}).get("reasons", [])
        if str(reason.get("scope", "")) in MISSING_LABELS
    ]
    missing = list(dict.fromkeys(_missing_text(path) for path in paths))
    return {
        "preview": preview,
        "preview_problem": problem,
        "decision": view,
        "decided_by": names.get(decision.taken_by) if decision and decision.taken_by else None,
        "missing": missing,
        "line_labels": LINE_LABELS,
    }


def _payments(agent: Desk, dossier: Dossier) -> dict[str, Any]:
    session = agent.ctx.session
    payments = list(
        session.scalars(
            select(Payment).where(Payment.dossier_id == dossier.id).order_by(Payment.created_at)
        )
    )
    overpayments = list(
        session.scalars(
            select(Overpayment)
            .where(Overpayment.dossier_id == dossier.id)
            .order_by(Overpayment.created_at)
        )
    )
    return {
        "payments": payments,
        "overpayments": overpayments,
        "details": _payment_details(agent, [payment.id for payment in payments]),
        "line_labels": LINE_LABELS,
    }


def _payment_details(agent: Desk, payment_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
    """What each transfer is made of: its lines (month, kind, explanation) and the parts of an
    overpayment recovered on it, so an agent can say why a transfer is smaller."""
    session = agent.ctx.session
    details: dict[uuid.UUID, list[Any]] = {payment_id: [] for payment_id in payment_ids}
    lines = session.scalars(
        select(PaymentLine)
        .where(PaymentLine.payment_id.in_(payment_ids))
        .order_by(PaymentLine.period, PaymentLine.kind, PaymentLine.revision)
    )
    for line in lines:
        if line.payment_id is not None:  # always, by the query
            details[line.payment_id].append(line)
    offsets = session.scalars(
        select(OverpaymentOffset)
        .where(OverpaymentOffset.payment_id.in_(payment_ids))
        .order_by(OverpaymentOffset.created_at)
    )
    for offset in offsets:
        if offset.payment_id is not None:  # always, by the query
            details[offset.payment_id].append(offset)
    return details


def _cases(agent: Desk, dossier: Dossier) -> dict[str, Any]:
    cases = list(
        agent.ctx.session.scalars(
            select(Case).where(Case.trainee_id == dossier.trainee_id).order_by(Case.created_at)
        )
    )
    return {"cases": cases, "labels": LABELS}


TRAINEE_FIELD_NAMES = {
    "last_name": "nom",
    "first_names": "prénoms",
    "birth_date": "date de naissance",
    "sex": "sexe",
    "street": "adresse",
    "postcode": "code postal",
    "town": "commune",
    "country": "pays",
    "email": "courriel",
    "phone": "téléphone",
}
"""A trainee's field as the history names it (which fields changed, never their values)."""
_TRAINEE_ACTIONS = ("trainee.updated", "trainee.merge_kept", "trainee.merge_merged")
"""The trainee's own events shown in each of its dossiers' history (they change every dossier)."""


def changed_fields(event: AuditEvent) -> list[str]:
    """The trainee fields an identity correction changed, in French (no value)."""
    if event.entity_type != "trainee" or not event.after:
        return []
    return [name for key, name in TRAINEE_FIELD_NAMES.items() if key in event.after]  # form order


def _history(agent: Desk, dossier: Dossier) -> dict[str, Any]:
    own = AuditEvent.dossier_id == dossier.id
    trainee = and_(
        AuditEvent.action.in_(_TRAINEE_ACTIONS),
        AuditEvent.entity_id == str(dossier.trainee_id),
    )
    events = list(
        agent.ctx.session.scalars(
            select(AuditEvent).where(or_(own, trainee)).order_by(AuditEvent.id)
        )
    )
    names = user_names(agent.ctx.session, [event.actor_id for event in events])
    return {"events": events, "names": names, "changed_fields": changed_fields}


_LOADERS: dict[str, Callable[[Desk, Dossier], dict[str, Any]]] = {
    "donnees": _data,
    "pieces": _documents,
    "calcul": _decision,
    "paiements": _payments,
    "echanges": _cases,
    "historique": _history,
}


def tab_context(agent: Desk, dossier: Dossier, tab: str) -> dict[str, Any]:
    """The trainee and what the open tab shows."""
    trainee = agent.ctx.session.get_one(Trainee, dossier.trainee_id)
    return {"trainee": trainee, **_LOADERS[tab](agent, dossier)}
