"""The one builder module of the tests: evaluation requests, and "a trainee with a dossier"
through the real remuneration services.

The pure rules tests build evaluation requests here (``request``, ``month``, ``run``): the
contract's documented example (``EXAMPLE_REQUEST``, the one shown by the OpenAPI document)
without months or aids, changed field by field. Every test that needs a training, a trainee, a
dossier and its three documents builds them here too, the way the API and the demo do
(catalogue, dossiers and documents services), so a change of the services' inputs is made once.
Tests of the HTTP door send the same data through the API (`tests/api/builders.py`).
"""

from __future__ import annotations

import copy
import itertools
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from api.http.schemas.evaluations import EXAMPLE_REQUEST
from remuneration.db.models import Dossier, Trainee, Training
from remuneration.demo.data import make_iban, make_nir, make_siret
from remuneration.domain.vocabulary import DocumentKind
from remuneration.services import catalogue, dossiers
from remuneration.services.context import ServiceContext
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
from rules import EvaluationResult, evaluate

__all__ = [
    "BASE",
    "JOB_SEEKER",
    "PDF",
    "TODAY",
    "Built",
    "amounts",
    "build_trainee",
    "build_training",
    "codes",
    "draft_dossier",
    "holder_of",
    "iban_with_check",
    "month",
    "nir_with_key",
    "request",
    "run",
    "trainee_with_dossier",
    "verify_documents",
]

# Evaluation requests, for the pure rules tests.

#: The day the rules tests evaluate on (the example's ``as_of``).
TODAY = date(2024, 6, 15)
#: A granted request: the contract's example without its month and its aid.
BASE: dict[str, Any] = {**copy.deepcopy(EXAMPLE_REQUEST), "months": [], "aid_requests": []}


def request(**changes: Any) -> dict[str, Any]:
    """A copy of BASE; ``changes`` use ``__`` for nesting (``trainee__sex="M"``).

    A value of ``...`` (Ellipsis) removes the field: it becomes unknown.
    """
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        *parents, leaf = key.split("__")
        node = data
        for parent in parents:
            node = node[parent]
        if value is ...:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return data


def month(
    text: str,
    scheduled: Any,
    attended: Any,
    justified: Any = 0,
    unjustified: Any = 0,
    allowances: str = "0.00",
    outside: Any = None,
) -> dict[str, Any]:
    return {
        "month": text,
        "scheduled_hours": scheduled,
        "attended_hours": attended,
        "justified_absence_hours": justified,
        "unjustified_absence_hours": unjustified,
        "daily_allowances": allowances,
        "hours_outside_work": outside,
    }


def run(data: dict[str, Any], **kwargs: Any) -> EvaluationResult:
    return evaluate(data, today=TODAY, **kwargs)


def amounts(result: EvaluationResult) -> list[tuple[str, str, str]]:
    return [(line.kind.value, str(line.period), f"{line.amount:f}") for line in result.lines]


def codes(result: EvaluationResult) -> list[tuple[str, str]]:
    return [(reason.code, reason.scope) for reason in result.reasons]


def nir_with_key(first13: str) -> str:
    """A NIR with its correct key (Corsica: 2A counts as 19, 2B as 18)."""
    digits = first13.replace("2A", "19").replace("2B", "18")
    return f"{first13}{97 - int(digits) % 97:02d}"


def iban_with_check(country: str, bban: str) -> str:
    """An IBAN whose ISO 13616 check digits are right (whatever the national key says)."""
    rearranged = bban + country + "00"
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return f"{country}{98 - int(numeric) % 97:02d}{bban}"


# A trainee with a dossier, through the services.

#: The facts of a job seeker registered with France Travail and not indemnified: eligible.
JOB_SEEKER: Mapping[str, object] = {
    "trainee_status": "job_seeker",
    "france_travail_registered": True,
    "france_travail_indemnity": "none",
}
#: The smallest well-formed PDF, for uploads.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class Built:
    """A dossier and what its documents hold in clear (for the assertions)."""

    dossier: Dossier
    trainee: Trainee
    training: Training
    nir: str
    iban: str


_BIRTHS = itertools.count()


def build_training(
    ctx: ServiceContext,
    rng: random.Random,
    *,
    start: date = date(2024, 3, 11),
    end: date = date(2024, 9, 27),
    title: str = "Titre professionnel Soudeur",
    site_postcode: str = "14000",
    licence_useful_for_trade: bool | None = None,
) -> Training:
    """A full-time approved training of 700 hours, of its own training organisation."""
    organisation = catalogue.create_organisation(
        ctx, OrganisationInput(name="Organisme", siret=make_siret(rng))
    )
    return catalogue.create_training(
        ctx,
        TrainingInput(
            organisation_id=organisation.id,
            programme="QUALIF",
            title=title,
            start_date=start,
            end_date=end,
            total_hours=Decimal(700),
            weekly_hours=Decimal(35),
            approved_for_remuneration=True,
            site_name="Centre",
            site_postcode=site_postcode,
            site_town="Caen",
            licence_useful_for_trade=licence_useful_for_trade,
        ),
    )


def build_trainee(
    ctx: ServiceContext,
    *,
    last_name: str = "Martin",
    first_names: str = "Paul",
    birth_date: date | None = None,
    sex: str = "M",
    street: str | None = None,
    postcode: str | None = None,
    town: str | None = None,
) -> Trainee:
    """A trainee; without a birth date, each one is born a day after the previous, so that two
    trainees built with the default names are two people, not a duplicate remu refuses."""
    return catalogue.create_trainee(
        ctx,
        TraineeInput(
            last_name=last_name,
            first_names=first_names,
            birth_date=birth_date or date(1985, 11, 2) + timedelta(days=next(_BIRTHS)),
            sex=sex,
            street=street,
            postcode=postcode,
            town=town,
        ),
    )


def holder_of(trainee: Trainee) -> str:
    """The account holder as a bank writes it: civility, last name, first names."""
    civility = "MME" if trainee.sex == "F" else "M"
    return f"{civility} {trainee.last_name.upper()} {trainee.first_names.upper()}"


def verify_documents(
    ctx: ServiceContext,
    dossier: Dossier,
    trainee: Trainee,
    *,
    store: DocumentStore,
    rng: random.Random,
    upload: bytes | None = None,
    bic: str | None = None,
) -> tuple[str, str]:
    """The three documents, verified, with a fresh NIR and IBAN; returns (nir, iban)."""
    nir = make_nir(rng, sex=trainee.sex, birth_date=trainee.birth_date, department="14")
    iban = make_iban(rng)
    requests = (
        DocumentRequest(
            kind=DocumentKind.IDENTITY,
            verified=True,
            identity=IdentityInput("cni", date(2031, 1, 1), "AB123456"),
            upload=UploadedFile(upload) if upload is not None else None,
        ),
        DocumentRequest(kind=DocumentKind.VITALE, verified=True, vitale=VitaleInput(nir)),
        DocumentRequest(
            kind=DocumentKind.RIB, verified=True, rib=RibInput(iban, bic, holder_of(trainee))
        ),
    )
    for request in requests:
        put_document(ctx, dossier, request, store=store, max_bytes=1_000_000)
    return nir, iban


def draft_dossier(
    ctx: ServiceContext,
    rng: random.Random,
    *,
    training: Training | None = None,
    trainee: Trainee | None = None,
    facts: Mapping[str, object] = JOB_SEEKER,
) -> tuple[Dossier, Trainee, Training]:
    """A draft dossier without documents (a new training and trainee unless given)."""
    training = training or build_training(ctx, rng)
    trainee = trainee or build_trainee(ctx)
    dossier = dossiers.create_dossier(
        ctx, DossierInput(trainee_id=trainee.id, training_id=training.id, facts=dict(facts))
    )
    return dossier, trainee, training


def trainee_with_dossier(
    ctx: ServiceContext,
    rng: random.Random,
    *,
    store: DocumentStore,
    training: Training | None = None,
    trainee: Trainee | None = None,
    facts: Mapping[str, object] = JOB_SEEKER,
    upload: bytes | None = None,
    bic: str | None = None,
    submit: bool = True,
) -> Built:
    """A trainee's dossier on a training with its three documents verified.

    The dossier is submitted unless ``submit`` is false; no decision is taken (the caller takes
    it, at the date it needs).
    """
    dossier, trainee, training = draft_dossier(
        ctx, rng, training=training, trainee=trainee, facts=facts
    )
    nir, iban = verify_documents(
        ctx, dossier, trainee, store=store, rng=rng, upload=upload, bic=bic
    )
    if submit:
        dossiers.submit_dossier(ctx, dossier)
    return Built(dossier=dossier, trainee=trainee, training=training, nir=nir, iban=iban)
