"""Training organisations, trainings and trainees: the things dossiers refer to."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from remuneration.db.base import HOURS, Base
from remuneration.domain.people import identity_key, search_text

__all__ = ["Trainee", "Training", "TrainingOrganisation"]


class TrainingOrganisation(Base):
    """An organisme de formation, identified by its SIRET."""

    __tablename__ = "training_organisations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    contact_email: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]


class Training(Base):
    """A training session with its dates, hours, site and approval for remuneration."""

    __tablename__ = "trainings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("training_organisations.id"), index=True
    )
    programme: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date]
    end_date: Mapped[date]
    total_hours: Mapped[Decimal] = mapped_column(HOURS)
    weekly_hours: Mapped[Decimal] = mapped_column(HOURS)
    approved_for_remuneration: Mapped[bool]
    approval_reference: Mapped[str | None] = mapped_column(String(60))
    approval_start_date: Mapped[date | None]
    approval_end_date: Mapped[date | None]
    licence_useful_for_trade: Mapped[bool | None]
    site_name: Mapped[str] = mapped_column(String(200))
    site_street: Mapped[str | None] = mapped_column(String(200))
    site_postcode: Mapped[str] = mapped_column(String(10))
    site_town: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Trainee(Base):
    """A person in a training. The NIR is not here: it lives, encrypted, on the vitale document.

    ``search_name`` and ``identity_key`` are derived from the names (see
    ``remuneration.domain.people``) whenever the row is written through the ORM (no search
    column for a merged or anonymised record); ``version`` is
    the optimistic-concurrency counter exposed as the ETag. A record merged into another keeps
    its id (old letters and audit events point at it) with ``merged_into_id`` set.
    """

    __tablename__ = "trainees"
    __table_args__ = (
        Index(
            "ix_trainees_search_name_trgm",
            "search_name",
            postgresql_using="gin",
            postgresql_ops={"search_name": "gin_trgm_ops"},
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_names: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date]
    sex: Mapped[str] = mapped_column(String(1))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    street: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10))
    town: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    anonymised_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, server_default="1")
    search_name: Mapped[str | None] = mapped_column(String(400))
    identity_key: Mapped[str | None] = mapped_column(String(400), index=True)
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("trainees.id"))
    merged_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy mapper option


@event.listens_for(Trainee, "before_insert")
@event.listens_for(Trainee, "before_update")
def _derive_names(_mapper: object, _connection: object, trainee: Trainee) -> None:
    # A merged or anonymised record is found by no search: its search column is emptied.
    searchable = trainee.merged_into_id is None and trainee.anonymised_at is None
    trainee.search_name = (
        search_text(trainee.last_name, trainee.first_names) if searchable else None
    )
    trainee.identity_key = identity_key(trainee.last_name, trainee.first_names, trainee.birth_date)
