"""Builders shared by the job, retention and RGPD-export tests: a granted dossier whose identity
document has an uploaded file (built by `tests/builders.py`), and the back-dating of a closing."""

from __future__ import annotations

import random
from datetime import date, datetime

from remuneration.db.models import Dossier, Training
from remuneration.services import decisions
from remuneration.services.context import Actor, Role, ServiceContext
from remuneration.services.document_store import DocumentStore
from tests.builders import PDF, Built, build_trainee, trainee_with_dossier
from tests.builders import build_training as _build_training

"""Each person built here is another person (the duplicate check refuses a second record)."""

__all__ = ["AGENT", "PDF", "Built", "build_dossier", "build_training"]

AGENT = Actor(user_id=None, name="agent", role=Role.INSTRUCTOR)


def build_training(
    ctx: ServiceContext, rng: random.Random, *, start: date, end: date, postcode: str = "14000"
) -> Training:
    return _build_training(ctx, rng, start=start, end=end, site_postcode=postcode)


def build_dossier(
    ctx: ServiceContext,
    store: DocumentStore,
    rng: random.Random,
    *,
    training: Training | None = None,
    last_name: str = "Martin",
) -> Built:
    """A granted dossier whose identity document has an uploaded (encrypted) file."""
    built = trainee_with_dossier(
        ctx,
        rng,
        store=store,
        training=training,
        trainee=build_trainee(ctx, last_name=last_name),
        upload=PDF,
    )
    decisions.take_decision(ctx, built.dossier, as_of=None)
    return built


def closed_at(session_dossier: Dossier, moment: datetime) -> None:
    """Back-date a dossier's closing (tests of the retention periods)."""
    session_dossier.status = "closed"
    session_dossier.closed_at = moment
