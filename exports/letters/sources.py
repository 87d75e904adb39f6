"""Stored data → letters: the decision letter of a dossier, the payment notice of a transfer, the
overpayment notice of an overpayment.

The context builders next door are pure; this module reads what they need from the database
(the decision's stored engine result, the payment's lines with their explanations, the overpayment's
origin lines) and checks that the figures add up before anything is written: a letter whose
amounts differ from the engine's or the payment's is refused, never sent.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from exports.errors import LetterRefused, LetterUnavailable
from exports.letters.context import LetterContext, Recipient, ServiceContact
from exports.letters.decision import build_decision_letter
from exports.letters.inputs import ResultError, TrainingInfo
from exports.letters.templates import LetterTemplates, load_service_contact, load_templates
from remuneration.db.models import Decision, Dossier, Trainee, Training
from remuneration.services.context import ServiceContext

__all__ = [
    "LetterSetup",
    "decision_letter",
    "dossier_reference",
    "latest_decision_of",
    "recipient_of",
    "training_info",
]

_CIVILITIES = {"F": "Madame", "M": "Monsieur"}


@dataclass(frozen=True, slots=True)
class LetterSetup:
    """The templates and the sender every letter of one request or one bulk run uses."""

    templates: LetterTemplates
    contact: ServiceContact

    @classmethod
    def packaged(cls) -> LetterSetup:
        return cls(load_templates(), load_service_contact())


def dossier_reference(dossier_id: uuid.UUID) -> str:
    """The dossier number a trainee reads: the one the transfer's remittance text also carries
    (``dossier 1A2B3C4D`` on the bank statement), so the letter and the statement match."""
    return dossier_id.hex[:8].upper()


def recipient_of(trainee: Trainee) -> Recipient:
    """The trainee as the envelope shows them; refused without a postal address."""
    if trainee.anonymised_at is not None:
        raise LetterRefused("Les données de ce stagiaire ont été anonymisées : pas de courrier.")
    if not trainee.town or not trainee.postcode:
        raise LetterRefused(
            "L'adresse postale du stagiaire est incomplète (code postal et commune) : "
            "complétez-la avant d'envoyer un courrier."
        )
    lines = [line for line in (trainee.street, f"{trainee.postcode} {trainee.town}") if line]
    if trainee.country != "FR":
        lines.append(trainee.country)
    return Recipient(
        full_name=f"{trainee.first_names} {trainee.last_name}",
        last_name=trainee.last_name,
        address_lines=tuple(lines),
        civility=_CIVILITIES.get(trainee.sex),
    )


def training_info(training: Training) -> TrainingInfo:
    return TrainingInfo(
        name=training.title, start_date=training.start_date, end_date=training.end_date
    )


def latest_decision_of(ctx: ServiceContext, dossier: Dossier) -> Decision:
    decision = ctx.session.scalar(
        select(Decision).where(Decision.dossier_id == dossier.id).order_by(Decision.number.desc())
    )
    if decision is None:
        raise LetterUnavailable(
            "Ce dossier n'a pas encore de décision : pas de lettre de décision."
        )
    return decision


def decision_letter(
    ctx: ServiceContext, decision: Decision, *, setup: LetterSetup, letter_date: date
) -> LetterContext:
    """The letter of one stored decision, from the engine's result kept with it (its figures
    are the engine's, byte for byte)."""
    dossier = ctx.session.get_one(Dossier, decision.dossier_id)
    trainee = ctx.session.get_one(Trainee, dossier.trainee_id)
    training = ctx.session.get_one(Training, dossier.training_id)
    try:
        return build_decision_letter(
            json.loads(decision.result_json),
            recipient=recipient_of(trainee),
            training=training_info(training),
            letter_date=letter_date,
            templates=setup.templates,
            contact=setup.contact,
            reference=dossier_reference(dossier.id),
        )
    except ResultError as error:
        raise LetterRefused(
            f"Le résultat enregistré de la décision est illisible : {error}"
        ) from error
