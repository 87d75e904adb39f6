"""Stored payments and overpayments → payment and overpayment notices.

A payment notice explains one transfer with the lines it pays (each with the engine's own
explanation) and the overpayments it offsets; the lines hang on the first transfer of a chain (a
replacement after a cancelled batch, or a re-issue after a bank return, carries the same money),
so the chain is walked back to them. The notice's total must equal the transfer's amount, and an
overpayment notice's lines must equal the overpayment: otherwise the letter is refused.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from exports.errors import LetterRefused, LetterUnavailable
from exports.letters.context import LetterContext
from exports.letters.deadlines import new_rib_deadline, waiver_deadline
from exports.letters.inputs import NoticeLine, OverpaymentNotice, PaymentNotice, RecoveryMethod
from exports.letters.notices import build_overpayment_notice, build_payment_notice
from exports.letters.rib_request import NewRibRequest, build_new_rib_request
from exports.letters.sources import LetterSetup, dossier_reference, recipient_of, training_info
from exports.wording import date_in_words
from payments.models import (
    Overpayment,
    OverpaymentOffset,
    Payment,
    PaymentBatch,
    PaymentLine,
    PaymentRun,
)
from payments.returns.reasons import reason_code
from payments.vocabulary import OverpaymentStatus, PaymentStatus
from remuneration.db.models import Dossier, Exit, Trainee, Training
from remuneration.services.context import ServiceContext
from rules import LineKind, Month
from rules.decisions import KIND_ORDER

__all__ = [
    "latest_overpayment_of",
    "overpayment_ids_of_run",
    "overpayment_letter",
    "overpayment_origin_lines",
    "payment_chain",
    "payment_notice_letter",
]

_REFUSED = frozenset({PaymentStatus.REJECTED.value, PaymentStatus.RETURNED.value})
_TO_RECOVER = (OverpaymentStatus.OPEN.value, OverpaymentStatus.RECOVERY_ORDER.value)


def _sorted_lines(lines: list[PaymentLine]) -> list[PaymentLine]:
    return sorted(lines, key=lambda x: (x.period, KIND_ORDER[LineKind(x.kind)], x.revision))


def payment_chain(ctx: ServiceContext, payment: Payment) -> list[Payment]:
    """The transfer, then the ones it replaces or re-issues, back to the first (which holds the
    lines)."""
    chain = [payment]
    while chain[-1].reissue_of is not None:
        previous = ctx.session.get_one(Payment, chain[-1].reissue_of)
        if any(p.id == previous.id for p in chain):
            raise LetterRefused("La chaîne de réémission de ce virement boucle.")
        chain.append(previous)
    return chain


def _payment_lines(ctx: ServiceContext, root: Payment, offset_text: str) -> list[NoticeLine]:
    lines = _sorted_lines(
        list(ctx.session.scalars(select(PaymentLine).where(PaymentLine.payment_id == root.id)))
    )
    if not lines:
        raise LetterRefused("Ce virement n'a aucune ligne de paiement : pas d'avis possible.")
    notice = [NoticeLine(x.kind, Month.parse(x.period), x.amount, x.explanation) for x in lines]
    offsets = ctx.session.scalars(
        select(OverpaymentOffset.amount)
        .where(OverpaymentOffset.payment_id == root.id)
        .order_by(OverpaymentOffset.id)
    ).all()
    last_period = Month.parse(lines[-1].period)
    return notice + [
        NoticeLine(LineKind.OVERPAYMENT.value, last_period, -amount, offset_text)
        for amount in offsets
    ]


def payment_notice_letter(
    ctx: ServiceContext, payment: Payment, *, setup: LetterSetup, letter_date: date
) -> LetterContext:
    """The notice of one transfer (prepared or released; a cancelled or refused one has none)."""
    if payment.status == PaymentStatus.CANCELLED.value:
        raise LetterRefused(
            "Ce virement a été annulé : l'avis porte sur le virement qui le remplace."
        )
    if payment.status in _REFUSED:
        raise LetterRefused("La banque a refusé ce virement : il n'y a pas d'avis de paiement.")
    if payment.batch_id is None:
        raise LetterRefused("Ce virement n'est dans aucun lot : pas encore d'avis de paiement.")
    chain = payment_chain(ctx, payment)
    lines = _payment_lines(ctx, chain[-1], setup.templates.text("payment_notice.offset"))
    if sum((x.amount for x in lines), Decimal(0)) != payment.amount:
        raise LetterRefused(
            "Les lignes de ce virement ne font pas son montant : l'avis n'est pas produit."
        )
    batch = ctx.session.get_one(PaymentBatch, payment.batch_id)
    trainee = ctx.session.get_one(Trainee, payment.trainee_id)
    notice = PaymentNotice(
        recipient=recipient_of(trainee),
        payment_date=batch.execution_date,
        masked_iban=payment.iban_masked,
        lines=tuple(lines),
        reference=dossier_reference(payment.dossier_id),
        replaces_refused_transfer=any(p.status in _REFUSED for p in chain[1:]),
    )
    return build_payment_notice(
        notice, letter_date=letter_date, templates=setup.templates, contact=setup.contact
    )


def latest_overpayment_of(ctx: ServiceContext, dossier: Dossier) -> Overpayment:
    """The dossier's most recent overpayment still to be paid back."""
    overpayment = ctx.session.scalar(
        select(Overpayment)
        .where(Overpayment.dossier_id == dossier.id, Overpayment.status.in_(_TO_RECOVER))
        .order_by(Overpayment.created_at.desc(), Overpayment.id)
    )
    if overpayment is None:
        raise LetterUnavailable("Ce dossier n'a pas de trop-perçu à rembourser.")
    return overpayment


def overpayment_origin_lines(ctx: ServiceContext, overpayment: Overpayment) -> list[PaymentLine]:
    """The lines whose negative balance made the overpayment: the trainee's lines of the run that
    recorded it (no transfer was sent then); they add up to minus the overpayment's amount."""
    lines = ctx.session.scalars(
        select(PaymentLine).where(
            PaymentLine.run_id == overpayment.origin_run_id,
            PaymentLine.trainee_id == overpayment.trainee_id,
            PaymentLine.payment_id.is_(None),
        )
    )
    return _sorted_lines(list(lines))


def _cause(
    ctx: ServiceContext, setup: LetterSetup, overpayment: Overpayment, lines: list[PaymentLine]
) -> str:
    exit_row = ctx.session.scalar(select(Exit).where(Exit.dossier_id == overpayment.dossier_id))
    key = "overpayment_notice.causes"
    if exit_row is not None:
        return setup.templates.text(
            f"{key}.{exit_row.reason}", exit_date=date_in_words(exit_row.exit_date)
        )
    if any(line.revision > 0 for line in lines):
        return setup.templates.text(f"{key}.regularisation")
    return setup.templates.text(f"{key}.default")


def overpayment_letter(
    ctx: ServiceContext, overpayment: Overpayment, *, setup: LetterSetup, letter_date: date
) -> LetterContext:
    """The overpayment notice of an overpayment still to recover: why, how much, how, the waiver."""
    if overpayment.status not in _TO_RECOVER or overpayment.remaining <= 0:
        raise LetterUnavailable("Ce trop-perçu est soldé ou a fait l'objet d'une remise gracieuse.")
    lines = overpayment_origin_lines(ctx, overpayment)
    if sum((line.amount for line in lines), Decimal(0)) != -overpayment.amount:
        raise LetterRefused("Les lignes à l'origine de ce trop-perçu ne font pas son montant.")
    dossier = ctx.session.get_one(Dossier, overpayment.dossier_id)
    trainee = ctx.session.get_one(Trainee, overpayment.trainee_id)
    recovery_order = overpayment.status == OverpaymentStatus.RECOVERY_ORDER.value
    notice = OverpaymentNotice(
        recipient=recipient_of(trainee),
        amount=overpayment.remaining,
        lines=tuple(
            NoticeLine(x.kind, Month.parse(x.period), x.amount, x.explanation) for x in lines
        ),
        explanation=_cause(ctx, setup, overpayment, lines),
        recovery=RecoveryMethod.RECOVERY_ORDER if recovery_order else RecoveryMethod.OFFSET,
        waiver_deadline=waiver_deadline(letter_date),
        training=training_info(ctx.session.get_one(Training, dossier.training_id)),
        reference=dossier_reference(dossier.id),
        recovery_order_reference=overpayment.recovery_order_reference if recovery_order else None,
        already_recovered=overpayment.amount - overpayment.remaining,
    )
    return build_overpayment_notice(
        notice, letter_date=letter_date, templates=setup.templates, contact=setup.contact
    )


def overpayment_ids_of_run(ctx: ServiceContext, run_id: uuid.UUID) -> list[uuid.UUID]:
    """Overpayments a run recorded, or turned into recovery orders (at the run's own moment)."""
    run = ctx.session.get_one(PaymentRun, run_id)
    created = select(Overpayment.id).where(Overpayment.origin_run_id == run.id)
    ordered = select(Overpayment.id).where(
        Overpayment.recovery_order_at.is_not(None),
        Overpayment.recovery_order_at >= run.started_at,
        Overpayment.recovery_order_at <= (run.completed_at or run.started_at),
    )
    ids = set(ctx.session.scalars(created)) | set(ctx.session.scalars(ordered))
    return sorted(ids, key=str)


def new_rib_letter(
    ctx: ServiceContext, payment: Payment, *, setup: LetterSetup, letter_date: date
) -> LetterContext:
    """The letter asking for a new RIB, for a transfer the bank refused or returned because of
    the account (a technical refusal of the whole file asks nothing of the trainee)."""
    if payment.status not in _REFUSED:
        raise LetterRefused("Ce virement n'a pas été refusé ni renvoyé par la banque.")
    known = reason_code(payment.return_reason_code or "", on=letter_date)
    if known is None or not known.block_bank_details:
        raise LetterRefused(
            "La raison donnée par la banque ne tient pas au compte du stagiaire : aucun nouveau "
            "RIB n'est à demander."
        )
    batch = ctx.session.get_one(PaymentBatch, payment.batch_id) if payment.batch_id else None
    trainee = ctx.session.get_one(Trainee, payment.trainee_id)
    request = NewRibRequest(
        recipient=recipient_of(trainee),
        amount=payment.amount,
        payment_date=batch.execution_date if batch else payment.created_at.date(),
        masked_iban=payment.iban_masked,
        reason=known.meaning,
        deadline=new_rib_deadline(letter_date),
        reference=dossier_reference(payment.dossier_id),
    )
    return build_new_rib_request(
        request, letter_date=letter_date, templates=setup.templates, contact=setup.contact
    )
