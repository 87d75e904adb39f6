"""Keys of the tables, and the one typed id shared across packages.

Every table uses a random UUID as its key: it is stable across SQLite and PostgreSQL, can be
created before the row is flushed, reveals nothing about volumes, and later tables (payments,
payment batches, bank returns, cases, job runs) link to these rows by the same kind of key.

A ``NewType`` id exists where pure code takes several ids and could swap them: ``TraineeId``
here (the case queue's duplicate detection), ``CaseId`` and ``AgentId`` in
``remuneration.cases.domain.vocabulary``. The ORM rows keep plain ``uuid.UUID`` keys.
"""

from __future__ import annotations

import uuid
from typing import NewType

__all__ = ["TraineeId", "new_id"]

TraineeId = NewType("TraineeId", uuid.UUID)


def new_id() -> uuid.UUID:
    """A fresh random key (UUID version 4)."""
    return uuid.uuid4()
