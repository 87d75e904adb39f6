"""Correcting a trainee: edit (audited, masked), then re-decide what the change affects.

An identity change (names, birth date, sex) is read by the engine (NIR and RIB holder checks):
each dossier never decided is reassessed (complete or incomplete), and each dossier with a
decision (not closed) is evaluated again; when the result differs from the standing decision, a
new decision is recorded and the case queue is told (the trainee will receive a new letter).
Address and contact changes reach the letters only. A relation-usagers agent may change the
address and contact details, not the identity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from remuneration.db.models import Dossier, Trainee
from remuneration.domain.address import check_postcode
from remuneration.domain.errors import NotAllowed
from remuneration.domain.masking import mask_person_field
from remuneration.domain.states import DossierStatus
from remuneration.services.audit import record_event
from remuneration.services.case_requests import request_case
from remuneration.services.context import Role, ServiceContext
from remuneration.services.decisions import comparable_result, latest_decision, take_decision
from remuneration.services.dossiers import refresh_assessment
from remuneration.services.evaluation_input import build_request
from rules import InputError, evaluate

__all__ = [
    "ADDRESS_FIELDS",
    "IDENTITY_FIELDS",
    "Redecision",
    "TraineeUpdate",
    "update_trainee",
]

IDENTITY_FIELDS = ("last_name", "first_names", "birth_date", "sex")
ADDRESS_FIELDS = ("street", "postcode", "town", "country", "email", "phone")
_DECIDED = frozenset({DossierStatus.GRANTED, DossierStatus.REJECTED, DossierStatus.EXITED})
_INSTRUCTION = frozenset(
    {DossierStatus.SUBMITTED, DossierStatus.INCOMPLETE, DossierStatus.COMPLETE}
)


@dataclass(frozen=True, slots=True)
class Redecision:
    """A dossier whose decision changed after the edit."""

    dossier_id: str
    before: str
    after: str
    decision_number: int


@dataclass(frozen=True, slots=True)
class TraineeUpdate:
    """What an edit changed and what it decided again."""

    changed: tuple[str, ...]
    reassessed: tuple[str, ...]
    redecided: tuple[Redecision, ...]


def _check_role(ctx: ServiceContext, changes: dict[str, Any]) -> None:
    if ctx.actor.role is Role.RELATION_USAGERS and set(changes) - set(ADDRESS_FIELDS):
        raise NotAllowed(
            "La relation usagers peut corriger l'adresse et les coordonnées, pas l'identité."
        )


def _redecide(ctx: ServiceContext, dossier: Dossier) -> Redecision | None:
    """Evaluate a decided dossier again; record a new decision only when the outcome differs."""
    latest = latest_decision(ctx, dossier)
    if latest is None:
        return None
    try:
        result = evaluate(
            build_request(ctx, dossier, as_of=ctx.today),
            today=ctx.today,
            parameters=ctx.parameters,
        )
    except InputError:
        return None
    if comparable_result(result.to_dict()) == comparable_result(json.loads(latest.result_json)):
        return None
    dossier.facts_version += 1
    outcome = take_decision(ctx, dossier, as_of=ctx.today).decision
    request_case(
        ctx.session,
        cause_key=f"information:decision:{outcome.id}",
        category="information",
        priority="normal",
        summary=(
            f"La fiche du stagiaire a été corrigée : la décision du dossier {dossier.reference} "
            f"passe de « {latest.outcome} » à « {outcome.outcome} » (décision n° {outcome.number})."
            " Prévenir le stagiaire du nouveau courrier."
        ),
        now=ctx.now,
        trainee_id=dossier.trainee_id,
        dossier_id=dossier.id,
    )
    return Redecision(str(dossier.id), latest.outcome, outcome.outcome, outcome.number)


def _follow_up(ctx: ServiceContext, trainee: Trainee) -> tuple[list[str], list[Redecision]]:
    reassessed: list[str] = []
    redecided: list[Redecision] = []
    dossiers = ctx.session.scalars(
        select(Dossier).where(Dossier.trainee_id == trainee.id).order_by(Dossier.created_at)
    )
    for dossier in dossiers:
        status = DossierStatus(dossier.status)
        if status in _DECIDED or (status in _INSTRUCTION and latest_decision(ctx, dossier)):
            changed = _redecide(ctx, dossier)
            if changed is not None:
                redecided.append(changed)
        elif status in _INSTRUCTION:
            dossier.facts_version += 1
            refresh_assessment(ctx, dossier)
            reassessed.append(str(dossier.id))
    return reassessed, redecided


def update_trainee(ctx: ServiceContext, trainee: Trainee, changes: dict[str, Any]) -> TraineeUpdate:
    """Apply the changed fields, audit them masked, and re-decide what they affect."""
    _check_role(ctx, changes)
    if "postcode" in changes or "country" in changes:
        check_postcode(
            changes.get("postcode", trainee.postcode), changes.get("country", trainee.country)
        )
    changed = tuple(name for name, value in changes.items() if getattr(trainee, name) != value)
    if not changed:
        return TraineeUpdate((), (), ())
    before = {name: mask_person_field(name, getattr(trainee, name)) for name in changed}
    for name in changed:
        setattr(trainee, name, changes[name])
    trainee.updated_at = ctx.now
    ctx.session.flush()
    record_event(
        ctx,
        action="trainee.updated",
        entity_type="trainee",
        entity_id=trainee.id,
        before=before,
        after={name: mask_person_field(name, getattr(trainee, name)) for name in changed},
    )
    if not set(changed) & set(IDENTITY_FIELDS):
        return TraineeUpdate(changed, (), ())
    reassessed, redecided = _follow_up(ctx, trainee)
    ctx.session.flush()
    return TraineeUpdate(changed, tuple(reassessed), tuple(redecided))
