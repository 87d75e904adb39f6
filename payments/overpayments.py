"""Overpayments: recovery orders when an overpayment can no longer be offset, and waivers.

An overpayment is first offset on the trainee's next payments (``payments.lines.settle``). Once the
training of its dossier is over (exit date or end date passed), what remains cannot be offset
any more: it becomes a recovery order (ordre de reversement) for finance and a case for the
relation-usagers team. The Region may waive it (remise gracieuse, R6341-48): a supervisor's
decision, recorded with who, when and why, and audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from payments.errors import OverpaymentNotWaivable
from payments.models import Overpayment
from payments.vocabulary import OverpaymentStatus
from remuneration.db.models import Dossier, Exit, Training
from remuneration.domain.errors import NotFound
from remuneration.services.audit import record_event
from remuneration.services.case_requests import request_case
from remuneration.services.context import ServiceContext

__all__ = ["issue_recovery_orders", "overpayment_summary", "waive_overpayment"]


def overpayment_summary(overpayment: Overpayment) -> dict[str, Any]:
    """The overpayment's figures and state, for the audit log."""
    return {
        "amount": str(overpayment.amount),
        "remaining": str(overpayment.remaining),
        "status": overpayment.status,
        "recovery_order_reference": overpayment.recovery_order_reference,
        "waiver_reason": overpayment.waiver_reason,
    }


def issue_recovery_orders(ctx: ServiceContext, *, period: str) -> int:
    """Turn every open overpayment whose training is over into a recovery order (once)."""
    last_day = func.coalesce(Exit.exit_date, Training.end_date)
    query = (
        select(Overpayment)
        .join(Dossier, Dossier.id == Overpayment.dossier_id)
        .join(Training, Training.id == Dossier.training_id)
        .outerjoin(Exit, Exit.dossier_id == Dossier.id)
        .where(
            Overpayment.status == OverpaymentStatus.OPEN.value,
            Overpayment.remaining > 0,
            last_day < ctx.today,
        )
        .order_by(Overpayment.created_at, Overpayment.id)
    )
    count = 0
    for overpayment in ctx.session.scalars(query).all():
        before = overpayment_summary(overpayment)
        overpayment.status = OverpaymentStatus.RECOVERY_ORDER.value
        overpayment.recovery_order_at = ctx.now
        overpayment.recovery_order_reference = f"OR-{period}-{overpayment.id.hex[:8].upper()}"
        request_case(
            ctx.session,
            cause_key=f"overpayment:debt:{overpayment.id}",
            category="overpayment",
            priority="normal",
            summary=(
                f"Trop-perçu de {overpayment.remaining} € non compensable (formation terminée) : "
                f"ordre de reversement {overpayment.recovery_order_reference} émis."
            ),
            now=ctx.now,
            trainee_id=overpayment.trainee_id,
            dossier_id=overpayment.dossier_id,
        )
        record_event(
            ctx,
            action="overpayment.recovery_order",
            entity_type="debt",
            entity_id=overpayment.id,
            dossier_id=overpayment.dossier_id,
            before=before,
            after=overpayment_summary(overpayment),
        )
        count += 1
    ctx.session.flush()
    return count


def waive_overpayment(
    ctx: ServiceContext, overpayment_id: uuid.UUID, *, reason: str
) -> Overpayment:
    """Record the waiver of what remains of an overpayment (the caller checked the supervisor
    role)."""
    overpayment = ctx.session.get(Overpayment, overpayment_id)
    if overpayment is None:
        raise NotFound("Trop-perçu introuvable.")
    if overpayment.status not in (
        OverpaymentStatus.OPEN.value,
        OverpaymentStatus.RECOVERY_ORDER.value,
    ):
        raise OverpaymentNotWaivable(
            "Ce trop-perçu est déjà soldé ou a déjà fait l'objet d'une remise gracieuse."
        )
    before = overpayment_summary(overpayment)
    overpayment.status = OverpaymentStatus.WAIVED.value
    overpayment.waived_by = ctx.actor.user_id
    overpayment.waived_at = ctx.now
    overpayment.waiver_reason = reason
    ctx.session.flush()
    record_event(
        ctx,
        action="overpayment.waived",
        entity_type="debt",
        entity_id=overpayment.id,
        dossier_id=overpayment.dossier_id,
        before=before,
        after=overpayment_summary(overpayment),
    )
    return overpayment
