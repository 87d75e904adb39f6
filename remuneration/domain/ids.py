"""Distinct identifier types, so that a dossier id is never passed where a trainee id is expected.

Every table uses a random UUID as its key: it is stable across SQLite and PostgreSQL, can be
created before the row is flushed, reveals nothing about volumes, and later tables (payments,
payment batches, bank returns, cases, job runs) link to these rows by the same kind of key.
"""

from __future__ import annotations

import uuid
from typing import NewType

__all__ = [
    "AidRequestId",
    "AttendanceStatementId",
    "DecisionId",
    "DocumentId",
    "DossierId",
    "ExitId",
    "OrganisationId",
    "TraineeId",
    "TrainingId",
    "UserId",
    "new_id",
]

OrganisationId = NewType("OrganisationId", uuid.UUID)
TrainingId = NewType("TrainingId", uuid.UUID)
TraineeId = NewType("TraineeId", uuid.UUID)
DossierId = NewType("DossierId", uuid.UUID)
DocumentId = NewType("DocumentId", uuid.UUID)
DecisionId = NewType("DecisionId", uuid.UUID)
AttendanceStatementId = NewType("AttendanceStatementId", uuid.UUID)
AidRequestId = NewType("AidRequestId", uuid.UUID)
ExitId = NewType("ExitId", uuid.UUID)
UserId = NewType("UserId", uuid.UUID)


def new_id() -> uuid.UUID:
    """A fresh random key (UUID version 4)."""
    return uuid.uuid4()
