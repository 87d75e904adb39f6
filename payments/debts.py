"""Overpayments: recovery orders when a debt can no longer be offset, and waivers.

A debt is first offset on the trainee's next payments (``payments.lines.settle``). Once the
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
from payments.models import Debt
from payments.vocabulary import DebtStatus
from remuneration.db.models import Dossier, Exit, Training
from remuneration.domain.errors import NotFound
from remuneration.services.audit import record_event
from remuneration.services.case_requests import request_case
from remuneration.services.context import ServiceContext

__all__ = ["debt_summary", "issue_recovery_orders", "waive_overpayment"]


def debt_summary(debt: Debt) -> dict[str, Any]:
    """The debt's figures and state, for the audit log."""
    return {
        "amount": str(debt.amount),
        "remaining": str(debt.remaining),
        "status": debt.status,
        "recovery_order_reference": debt.recovery_order_reference,
        "waiver_reason": debt.waiver_reason,
    }


def issue_recovery_orders(ctx: ServiceContext, *, period: str) -> int:
    """Turn every open debt whose training is over into a recovery order (once)."""
    last_day = func.coalesce(Exit.exit_date, Training.end_date)
    query = (
        select(Debt)
        .join(Dossier, Dossier.id == Debt.dossier_id)
        .join(Training, Training.id == Dossier.training_id)
        .outerjoin(Exit, Exit.dossier_id == Dossier.id)
        .where(Debt.status == DebtStatus.OPEN.value, Debt.remaining > 0, last_day < ctx.today)
        .order_by(Debt.created_at, Debt.id)
    )
    count = 0
    for debt in ctx.session.scalars(query).all():
        before = debt_summary(debt)
        debt.status = DebtStatus.RECOVERY_ORDER.value
        debt.recovery_order_at = ctx.now
        debt.recovery_order_reference = f"OR-{period}-{debt.id.hex[:8].upper()}"
        request_case(
            ctx.session,
            cause_key=f"overpayment:debt:{debt.id}",
            category="overpayment",
            priority="normal",
            summary=(
                f"Trop-perçu de {debt.remaining} € non compensable (formation terminée) : ordre "
                f"de reversement {debt.recovery_order_reference} émis."
            ),
            now=ctx.now,
            trainee_id=debt.trainee_id,
            dossier_id=debt.dossier_id,
        )
        record_event(
            ctx,
            action="overpayment.recovery_order",
            entity_type="debt",
            entity_id=debt.id,
            dossier_id=debt.dossier_id,
            before=before,
            after=debt_summary(debt),
        )
        count += 1
    ctx.session.flush()
    return count


def waive_overpayment(ctx: ServiceContext, debt_id: uuid.UUID, *, reason: str) -> Debt:
    """Record the waiver of what remains of a debt (the caller checked the supervisor role)."""
    debt = ctx.session.get(Debt, debt_id)
    if debt is None:
        raise NotFound("Trop-perçu introuvable.")
    if debt.status not in (DebtStatus.OPEN.value, DebtStatus.RECOVERY_ORDER.value):
        raise OverpaymentNotWaivable(
            "Ce trop-perçu est déjà soldé ou a déjà fait l'objet d'une remise gracieuse."
        )
    before = debt_summary(debt)
    debt.status = DebtStatus.WAIVED.value
    debt.waived_by = ctx.actor.user_id
    debt.waived_at = ctx.now
    debt.waiver_reason = reason
    ctx.session.flush()
    record_event(
        ctx,
        action="overpayment.waived",
        entity_type="debt",
        entity_id=debt.id,
        dossier_id=debt.dossier_id,
        before=before,
        after=debt_summary(debt),
    )
    return debt
