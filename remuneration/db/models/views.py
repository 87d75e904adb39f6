"""Stored dossier views: the role-neutral dossier view as last built, and what it was built from.

A stored view is served only while it is fresh: built on the same Paris day, with the same rules
version and parameter set (``digest``), under the current global ``epoch``, and not stamped stale
since (``body`` is cleared and ``stamp`` raised by every write that feeds it, in the writing
transaction: ``remuneration.db.view_stamps``). It never holds a clear NIR or IBAN: only the
masked forms the view shows every role.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from remuneration.db.base import Base

__all__ = ["EPOCH_ROW", "DossierViewEpoch", "StoredDossierView"]

EPOCH_ROW = 1
"""The one row of ``dossier_view_epoch``."""


class StoredDossierView(Base):
    """One dossier's stored view (no foreign key: the row of a deleted dossier is deleted by the
    same transaction, and a stamp may be raised before the dossier's own row is written)."""

    __tablename__ = "dossier_views"

    dossier_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    stamp: Mapped[int] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    day: Mapped[date | None]
    digest: Mapped[str | None] = mapped_column(String(200))
    epoch: Mapped[int | None]
    built_at: Mapped[datetime | None]


class DossierViewEpoch(Base):
    """The global epoch: raised by a write that may change other dossiers' views (a shared NIR
    or IBAN, a trainee's identity, a training's dates...), it stales every stored view."""

    __tablename__ = "dossier_view_epoch"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    epoch: Mapped[int] = mapped_column(Integer)
