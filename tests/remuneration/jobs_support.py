"""Builders shared by the job, retention and RGPD-export tests: a real dossier made through the
services (organisation, training, trainee, three documents with an uploaded file, a decision)."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from remuneration.db.models import Dossier, Trainee, Training
from remuneration.demo.data import make_iban, make_nir, make_siret
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services import catalogue, decisions, dossiers
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.document_store import DocumentStore
from remuneration.services.documents import DocumentRequest, put_document
from remuneration.services.inputs import (
    DossierInput,
    IdentityInput,
    OrganisationInput,
    RibInput,
    TraineeInput,
    TrainingInput,
    UploadedFile,
    VitaleInput,
)

_BIRTHS = itertools.count()
"""Each person built here is another person (the duplicate check refuses a second record)."""

__all__ = ["AGENT", "PDF", "Built", "build_dossier", "build_training"]

AGENT = Actor(user_id=None, name="agent", role=Role.INSTRUCTOR)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Built:
    """A granted dossier and what it holds in clear (for the assertions)."""

    dossier: Dossier
    trainee: Trainee
    training: Training
    nir: str
    iban: str


def build_training(
    ctx: ServiceContext, rng: random.Random, *, start: date, end: date, postcode: str = "14000"
) -> Training:
    organisation = catalogue.create_organisation(
        ctx, OrganisationInput(name="Organisme", siret=make_siret(rng))
    )
    return catalogue.create_training(
        ctx,
        TrainingInput(
            organisation_id=organisation.id,
            programme="QUALIF",
            title="Soudeur",
            start_date=start,
            end_date=end,
            total_hours=Decimal(700),
            weekly_hours=Decimal(35),
            approved_for_remuneration=True,
            site_name="Centre",
            site_postcode=postcode,
            site_town="Caen",
        ),
    )


def build_dossier(
    ctx: ServiceContext,
    store: DocumentStore,
    rng: random.Random,
    *,
    training: Training | None = None,
    last_name: str = "Martin",
) -> Built:
    """A granted dossier whose identity document has an uploaded (encrypted) file."""
    training = training or build_training(ctx, rng, start=date(2024, 3, 11), end=date(2024, 9, 27))
    trainee = catalogue.create_trainee(
        ctx,
        TraineeInput(
            last_name=last_name,
            first_names="Paul",
            birth_date=date(1985, 11, 2) + timedelta(days=next(_BIRTHS)),
            sex="M",
        ),
    )
    dossier = dossiers.create_dossier(
        ctx,
        DossierInput(
            trainee_id=trainee.id,
            training_id=training.id,
            facts={
                "trainee_status": "job_seeker",
                "france_travail_registered": True,
                "france_travail_indemnity": "none",
            },
        ),
    )
    nir = make_nir(rng, sex="M", birth_date=trainee.birth_date, department="14")
    iban = make_iban(rng)
    requests = (
        DocumentRequest(
            kind=DocumentKind.IDENTITY,
            verified=True,
            identity=IdentityInput("cni", date(2031, 1, 1), "AB123456"),
            upload=UploadedFile(PDF),
        ),
        DocumentRequest(kind=DocumentKind.VITALE, verified=True, vitale=VitaleInput(nir)),
        DocumentRequest(
            kind=DocumentKind.RIB, verified=True, rib=RibInput(iban, None, "M MARTIN PAUL")
        ),
    )
    for request in requests:
        put_document(ctx, dossier, request, store=store, max_bytes=10_000)
    dossiers.submit_dossier(ctx, dossier)
    decisions.take_decision(ctx, dossier, as_of=None)
    return Built(dossier, trainee, training, nir, iban)


def closed_at(session_dossier: Dossier, moment: datetime) -> None:
    """Back-date a dossier's closing (tests of the retention periods)."""
    session_dossier.status = "closed"
    session_dossier.closed_at = moment
