"""The replay store behind `Idempotency-Key`: a retried creating request never creates twice.

Keys are scoped to the caller. The first request claims the key in its own short transaction
(state `running`); the response is stored in the same transaction as the work, so either both
exist or neither. Same key and same body → the stored response; another body → an error;
a request still running → a conflict. Records are kept at least 24 hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from remuneration.db.models import IdempotencyRecord
from remuneration.domain.errors import DomainError
from remuneration.domain.ids import new_id
from remuneration.domain.timezone import as_utc

__all__ = [
    "RETENTION",
    "IdempotencyInProgress",
    "IdempotencyKeyRequired",
    "IdempotencyKeyReused",
    "StoredResponse",
    "claim_key",
    "complete_key",
    "release_key",
]

RETENTION = timedelta(hours=24)


class IdempotencyInProgress(DomainError):
    """A request with the same key is still being processed."""

    code = "idempotency_in_progress"


class IdempotencyKeyRequired(DomainError):
    """A payment or file endpoint called without Idempotency-Key."""

    code = "idempotency_key_required"


class IdempotencyKeyReused(DomainError):
    """The key was already used with another request."""

    code = "idempotency_key_reused"


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response recorded for replay."""

    status: int
    headers: dict[str, Any]
    body: bytes


def _find(session: Session, scope: str, key: str) -> IdempotencyRecord | None:
    return session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope, IdempotencyRecord.key == key
        )
    )


def _replay(record: IdempotencyRecord, request_hash: str, method: str, path: str) -> StoredResponse:
    if (record.request_hash, record.method, record.path) != (request_hash, method, path):
        raise IdempotencyKeyReused(
            "Cette clé d'idempotence a déjà servi pour une autre requête.",
            field="Idempotency-Key",
        )
    if record.state != "done" or record.response_status is None:
        raise IdempotencyInProgress(
            "Une requête avec cette clé d'idempotence est en cours ; réessayez dans un instant.",
            field="Idempotency-Key",
        )
    return StoredResponse(
        record.response_status, dict(record.response_headers or {}), record.response_body or b""
    )


def claim_key(
    session: Session,
    *,
    scope: str,
    key: str,
    method: str,
    path: str,
    request_hash: str,
    now: datetime,
) -> StoredResponse | None:
    """Claim `key` (None: go ahead) or return the stored response; commits its own transaction."""
    record = _find(session, scope, key)
    if record is not None and as_utc(record.expires_at) <= now:
        session.delete(record)
        session.flush()
        record = None
    if record is not None:
        stored = _replay(record, request_hash, method, path)
        session.rollback()
        return stored
    session.add(
        IdempotencyRecord(
            id=new_id(),
            scope=scope,
            key=key,
            method=method,
            path=path,
            request_hash=request_hash,
            state="running",
            created_at=now,
            expires_at=now + RETENTION,
        )
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        record = _find(session, scope, key)
        if record is None:
            raise
        return _replay(record, request_hash, method, path)
    return None


def complete_key(
    session: Session, *, scope: str, key: str, response: StoredResponse, now: datetime
) -> None:
    """Store the response with the work (same transaction as the caller's)."""
    record = _find(session, scope, key)
    if record is None:
        return
    record.state = "done"
    record.response_status = response.status
    record.response_headers = response.headers
    record.response_body = response.body
    record.completed_at = now
    record.expires_at = max(as_utc(record.expires_at), now + RETENTION)
    session.flush()


def release_key(session: Session, *, scope: str, key: str) -> None:
    """Forget a claim whose request failed, so the client may retry; commits."""
    session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
            IdempotencyRecord.state == "running",
        )
    )
    session.commit()
