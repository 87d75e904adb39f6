"""One letter from stored data to PDF bytes, the same way for a request and for a bulk run.

A ``LetterJob`` names what a letter is about (a payment, an overpayment, a decision) by id;
rendering it gives the bytes, their SHA-256 and a file name made of ids only. Anything that would
make the letter wrong (no address, figures that do not add up, a full NIR or IBAN slipping into a
text) stops this letter with a ``LetterRefused``: nothing half-right is ever written.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date

from exports.errors import LetterRefused
from exports.letters.context import LetterContext
from exports.letters.guard import PersonalDataLeak
from exports.letters.money_sources import (
    latest_overpayment_of,
    new_rib_letter,
    overpayment_letter,
    payment_notice_letter,
)
from exports.letters.render import render_letter
from exports.letters.sources import LetterSetup, decision_letter, latest_decision_of
from payments.models import Overpayment, Payment
from remuneration.db.models import Decision, Dossier
from remuneration.domain.errors import NotFound
from remuneration.services.context import ServiceContext

__all__ = [
    "LetterJob",
    "RenderedLetter",
    "dossier_letter_job",
    "new_rib_request_job",
    "payment_notice_job",
    "render_job",
]

DECISION = "decision"
PAYMENT_NOTICE = "payment_notice"
OVERPAYMENT_NOTICE = "overpayment_notice"
NEW_RIB_REQUEST = "new_rib_request"


@dataclass(frozen=True, slots=True)
class LetterJob:
    """One letter to write: its kind and the id of what it is about."""

    kind: str
    subject_id: uuid.UUID

    @property
    def file_name(self) -> str:
        """``payment-notice-<payment id>.pdf``: ids only, never a name."""
        return f"{self.kind.replace('_', '-')}-{self.subject_id}.pdf"


@dataclass(frozen=True, slots=True)
class RenderedLetter:
    job: LetterJob
    dossier_id: uuid.UUID
    template_version: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def dossier_letter_job(ctx: ServiceContext, dossier: Dossier, kind: str) -> LetterJob:
    """The letter of a dossier: its latest decision, or its overpayment still to recover."""
    if kind == DECISION:
        return LetterJob(DECISION, latest_decision_of(ctx, dossier).id)
    return LetterJob(OVERPAYMENT_NOTICE, latest_overpayment_of(ctx, dossier).id)


def payment_notice_job(ctx: ServiceContext, payment_id: uuid.UUID) -> LetterJob:
    if ctx.session.get(Payment, payment_id) is None:
        raise NotFound("Virement introuvable.")
    return LetterJob(PAYMENT_NOTICE, payment_id)


def new_rib_request_job(ctx: ServiceContext, payment_id: uuid.UUID) -> LetterJob:
    """The letter asking for a new RIB after ``payment`` came back."""
    if ctx.session.get(Payment, payment_id) is None:
        raise NotFound("Virement introuvable.")
    return LetterJob(NEW_RIB_REQUEST, payment_id)


def _context(
    ctx: ServiceContext, job: LetterJob, setup: LetterSetup, letter_date: date
) -> tuple[LetterContext, uuid.UUID]:
    if job.kind == PAYMENT_NOTICE:
        payment = ctx.session.get_one(Payment, job.subject_id)
        letter = payment_notice_letter(ctx, payment, setup=setup, letter_date=letter_date)
        return letter, payment.dossier_id
    if job.kind == NEW_RIB_REQUEST:
        payment = ctx.session.get_one(Payment, job.subject_id)
        letter = new_rib_letter(ctx, payment, setup=setup, letter_date=letter_date)
        return letter, payment.dossier_id
    if job.kind == OVERPAYMENT_NOTICE:
        overpayment = ctx.session.get_one(Overpayment, job.subject_id)
        return overpayment_letter(
            ctx, overpayment, setup=setup, letter_date=letter_date
        ), overpayment.dossier_id
    decision = ctx.session.get_one(Decision, job.subject_id)
    return decision_letter(ctx, decision, setup=setup, letter_date=letter_date), decision.dossier_id


def render_job(
    ctx: ServiceContext, job: LetterJob, *, setup: LetterSetup, letter_date: date
) -> RenderedLetter:
    """The letter's PDF bytes, dated ``letter_date`` (the same data give the same bytes)."""
    try:
        context, dossier_id = _context(ctx, job, setup, letter_date)
        data = render_letter(context)
    except PersonalDataLeak as error:
        raise LetterRefused(
            "La lettre contiendrait un numéro de sécurité sociale ou de compte bancaire complet : "
            f"elle n'est pas produite ({error})."
        ) from error
    return RenderedLetter(job, dossier_id, context.template_version, data)
