"""Taking a decision on a stored dossier, keeping it, and replaying it later.

A decision runs the engine on the stored facts, documents, attendance, exit and aid requests; it
keeps the canonical result, the input's SHA-256, the rules version and the parameter digest, and
the input itself encrypted (it holds the NIR and the IBAN) so the decision can be recomputed and
compared ("same result today?"). Asking again on unchanged facts returns the decision already
taken; concurrent requests are serialised by the dossier's version column.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, select

from remuneration.db.models import Decision, Dossier
from remuneration.domain.errors import IllegalTransition, NotFound
from remuneration.domain.ids import new_id
from remuneration.domain.states import DECISION_EVENTS, DossierStatus, next_status
from remuneration.services.audit import record_event
from remuneration.services.context import ServiceContext
from remuneration.services.dossiers import apply_event
from remuneration.services.evaluation_input import build_request
from rules import EvaluationResult, evaluate, input_hash, result_to_json

__all__ = [
    "DECISION_INPUT_CONTEXT",
    "Comparison",
    "DecisionOutcome",
    "comparable_result",
    "compare_decision",
    "get_decision",
    "latest_decision",
    "list_decisions",
    "take_decision",
]

DECISION_INPUT_CONTEXT = "decisions.input"
_INPUT_CONTEXT = DECISION_INPUT_CONTEXT


@dataclass(frozen=True, slots=True)
class DecisionOutcome:
    """The decision and whether this call created it (False: the same decision already stood)."""

    decision: Decision
    created: bool


@dataclass(frozen=True, slots=True)
class Comparison:
    """A stored decision recomputed with today's engine and parameters."""

    decision: Decision
    same_result: bool
    differences: list[str]
    recomputed: dict[str, Any]
    facts_changed_since: bool


def _canonical_input(payload: dict[str, Any]) -> bytes:
    def default(value: object) -> str:
        if isinstance(value, Decimal):
            return str(value)
        raise TypeError(type(value).__name__)

    return json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=default
    ).encode("utf-8")


_LATEST = (
    select(Decision)
    .where(Decision.dossier_id == bindparam("dossier_id"))
    .order_by(Decision.number.desc())
    .limit(1)
)  # built once: read on every dossier view


def latest_decision(ctx: ServiceContext, dossier: Dossier) -> Decision | None:
    """The most recent decision of a dossier, if any."""
    return ctx.session.scalar(_LATEST, {"dossier_id": dossier.id})


def list_decisions(ctx: ServiceContext, dossier: Dossier) -> list[Decision]:
    """Every decision of a dossier, oldest first."""
    return list(
        ctx.session.scalars(
            select(Decision).where(Decision.dossier_id == dossier.id).order_by(Decision.number)
        )
    )


def get_decision(ctx: ServiceContext, dossier: Dossier, decision_id: uuid.UUID) -> Decision:
    """One decision of one dossier."""
    decision = ctx.session.get(Decision, decision_id)
    if decision is None or decision.dossier_id != dossier.id:
        raise NotFound("Décision introuvable.")
    return decision


def _unchanged(latest: Decision, digest: str, dossier: Dossier, result: EvaluationResult) -> bool:
    """Same input, same facts, same engine and parameters: the standing decision answers."""
    return (
        latest.input_hash == digest
        and latest.facts_version == dossier.facts_version
        and latest.rules_version == result.rules_version
        and latest.parameters_digest == result.parameters_digest
    )


def take_decision(ctx: ServiceContext, dossier: Dossier, *, as_of: date | None) -> DecisionOutcome:
    """Run the engine on the dossier and record the decision (InputError if facts are invalid)."""
    if dossier.status in (DossierStatus.DRAFT, DossierStatus.CLOSED):
        raise IllegalTransition("Le dossier doit être déposé, et non clos, pour être décidé.")
    payload = build_request(ctx, dossier, as_of=as_of or ctx.today)
    digest = input_hash(payload)
    latest = latest_decision(ctx, dossier)
    result = evaluate(payload, today=ctx.today, parameters=ctx.parameters)
    if latest is not None and _unchanged(latest, digest, dossier, result):
        return DecisionOutcome(latest, created=False)
    event = DECISION_EVENTS[result.decision.value]
    next_status(DossierStatus(dossier.status), event)
    apply_event(ctx, dossier, event)
    ctx.session.flush()
    decision = Decision(
        id=new_id(),
        dossier_id=dossier.id,
        number=(latest.number + 1) if latest else 1,
        outcome=result.decision.value,
        as_of=date.fromisoformat(payload["as_of"]),
        facts_version=dossier.facts_version,
        input_hash=digest,
        input_encrypted=ctx.protector.encrypt_bytes(
            _canonical_input(payload), context=_INPUT_CONTEXT
        ),
        rules_version=result.rules_version,
        parameters_digest=result.parameters_digest,
        total=result.total,
        result_json=result_to_json(result).decode("utf-8"),
        taken_by=ctx.actor.user_id,
        taken_at=ctx.now,
    )
    ctx.session.add(decision)
    ctx.session.flush()
    record_event(
        ctx,
        action="decision.taken",
        entity_type="decision",
        entity_id=decision.id,
        dossier_id=dossier.id,
        after=decision.summary(),
    )
    return DecisionOutcome(decision, created=True)


def comparable_result(result: dict[str, Any]) -> dict[str, Any]:
    """What two results must share to be the same decision (not the wording, not the hash)."""
    return {
        "decision": result["decision"],
        "reasons": sorted(reason["code"] + "@" + reason["scope"] for reason in result["reasons"]),
        "missing": sorted(result["missing"]),
        "lines": [(line["kind"], line["period"], line["amount"]) for line in result["lines"]],
        "aid_decisions": [(aid["decision"], aid["amount"]) for aid in result["aid_decisions"]],
        "total": result["total"],
    }


def compare_decision(ctx: ServiceContext, dossier: Dossier, decision: Decision) -> Comparison:
    """Recompute a decision from its own stored input with today's engine and parameters."""
    payload = json.loads(
        ctx.protector.decrypt_bytes(decision.input_encrypted, context=_INPUT_CONTEXT)
    )
    recomputed = evaluate(payload, today=decision.as_of, parameters=ctx.parameters).to_dict()
    then = comparable_result(json.loads(decision.result_json))
    now = comparable_result(recomputed)
    differences = [name for name in then if then[name] != now[name]]
    current = input_hash(build_request(ctx, dossier, as_of=decision.as_of))
    return Comparison(
        decision=decision,
        same_result=not differences,
        differences=differences,
        recomputed=recomputed,
        facts_changed_since=current != decision.input_hash,
    )


def count_decisions(ctx: ServiceContext, dossier: Dossier) -> int:
    """How many decisions a dossier has (used by tests and the demo)."""
    return (
        ctx.session.scalar(
            select(func.count()).select_from(Decision).where(Decision.dossier_id == dossier.id)
        )
        or 0
    )
