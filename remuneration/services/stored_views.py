"""Stored dossier views: served while fresh, stored again after a miss; never stale.

A dossier view (its document checks, its overlap warnings...) is what the rules say of the
dossier *today*, with the parameters in force and everything stored about the person. It is
stored role-neutral (no clear NIR or IBAN: the masked forms only) with what it was built from:
the Paris day, the rules version and parameter set (`view_digest`), the dossier's stamp and the
global epoch at the moment the reader started (``remuneration.db.view_stamps`` raises them in
every transaction that writes something a view reads).

A read takes the stored view in the same query that finds the dossier (`stored_view`); on a
miss the caller builds the view as before, answers, and then stores it in a short transaction
of its own (`store_view`), conditioned on the stamp it read first: when a write committed in
between, the stamp has moved and nothing is stored (or what is stored carries an old epoch and
is never served).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from remuneration.db.models import Dossier, Training
from remuneration.db.models.views import EPOCH_ROW, DossierViewEpoch, StoredDossierView
from remuneration.domain.errors import NotFound
from remuneration.services.context import Role, ServiceContext
from rules import RULES_VERSION, ParameterStore, default_store

__all__ = ["VIEW_FORMAT", "Found", "store_view", "stored_view", "view_digest"]

VIEW_FORMAT = "1"
"""Raise it whenever the view's building changes (what a deployed version stored is then
never served by the next one). A release of remu changes ``RULES_VERSION`` too."""

_CURRENT_EPOCH = (
    select(DossierViewEpoch.epoch).where(DossierViewEpoch.id == EPOCH_ROW).scalar_subquery()
)
_FIND = (
    select(
        Dossier.version,
        Training.organisation_id,
        StoredDossierView.stamp,
        StoredDossierView.body,
        StoredDossierView.day,
        StoredDossierView.digest,
        StoredDossierView.epoch,
        _CURRENT_EPOCH,
    )
    .join(Training, Training.id == Dossier.training_id)
    .outerjoin(StoredDossierView, StoredDossierView.dossier_id == Dossier.id)
    .where(Dossier.id == bindparam("dossier_id"))
)  # built once: run on every dossier read


def view_digest(parameters: ParameterStore | None) -> str:
    """What a stored view was built with besides the data: the view's format, the rules
    version and the parameter set."""
    store = parameters if parameters is not None else default_store()
    return f"{VIEW_FORMAT}|{RULES_VERSION}|{store.digest}"


@dataclass(frozen=True, slots=True)
class Found:
    """A dossier found for a read: its version (the ETag), its stored view's body when fresh,
    and what a view built now must be stored with."""

    dossier_id: uuid.UUID
    version: int
    body: str | None
    stamp: int | None  # None: no stored row yet
    epoch: int | None  # the epoch now (None: no epoch row, nothing is ever fresh)
    day: date
    digest: str


def stored_view(ctx: ServiceContext, dossier_id: uuid.UUID) -> Found:
    """The dossier within the caller's perimeter (404 otherwise, as `get_dossier`), with its
    stored view when it is fresh today."""
    row = ctx.session.execute(_FIND, {"dossier_id": dossier_id}).one_or_none()
    if row is None:
        raise NotFound("Dossier introuvable.")
    version, organisation_id, stamp, body, day, digest, epoch, current = row
    if ctx.actor.role is Role.ORGANISATION and organisation_id != ctx.actor.organisation_id:
        raise NotFound("Dossier introuvable.")
    today = ctx.today
    wanted = view_digest(ctx.parameters)
    fresh = (
        body is not None
        and current is not None
        and epoch == current
        and day == today
        and digest == wanted
    )
    return Found(
        dossier_id=dossier_id,
        version=version,
        body=body if fresh else None,
        stamp=stamp,
        epoch=current,
        day=today,
        digest=wanted,
    )


def store_view(connection: Connection, found: Found, body: str, built_at: datetime) -> bool:
    """Store a view built after `found` was read, unless a write stamped it since (True when
    stored). ``connection``: a short writing transaction of the caller's."""
    if found.epoch is None:
        return False
    values = {
        "body": body,
        "day": found.day,
        "digest": found.digest,
        "epoch": found.epoch,
        "built_at": built_at,
    }
    table = cast(Table, StoredDossierView.__table__)
    if found.stamp is None:
        module = postgresql if connection.dialect.name == "postgresql" else sqlite
        statement = (
            module.insert(table)
            .values(dossier_id=found.dossier_id, stamp=0, **values)
            .on_conflict_do_nothing(index_elements=[table.c.dossier_id])
        )
    else:
        statement = (
            update(table)
            .where(table.c.dossier_id == found.dossier_id, table.c.stamp == found.stamp)
            .values(**values)
        )
    return bool(connection.execute(statement).rowcount)
