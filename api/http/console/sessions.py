"""Console sessions: created at sign-in, kept in the database, ended by sign-out or timeouts.

The browser holds a random identifier in a `__Host-` cookie (`HttpOnly; Secure;
SameSite=Strict; Path=/`); the database holds only its SHA-256. A session ends after
`console_idle_minutes` without a request and, in any case, `console_session_hours` after
sign-in. Signing in always creates a new identifier (no session fixation) and ends the one the
browser may already hold.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from api.settings import Settings
from remuneration.db.models import ConsoleSession, User
from remuneration.domain.timezone import as_utc

__all__ = [
    "LOGIN_COOKIE",
    "SESSION_COOKIE",
    "ActiveSession",
    "end_session",
    "open_session",
    "resume_session",
]

SESSION_COOKIE = "__Host-remu_session"
LOGIN_COOKIE = "__Host-remu_login"
_TOUCH_EVERY = timedelta(seconds=60)


def _hash(identifier: str) -> str:
    return hashlib.sha256(identifier.encode("ascii", "replace")).hexdigest()


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """A valid session: its user and CSRF token (the cookie value is never kept here)."""

    user: User
    csrf_token: str
    id_hash: str


def open_session(
    session: Session, settings: Settings, *, user: User, now: datetime
) -> tuple[str, ConsoleSession]:
    """A new session for `user`: the identifier for the cookie, and the stored row."""
    identifier = secrets.token_urlsafe(32)
    row = ConsoleSession(
        id_hash=_hash(identifier),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.console_session_hours),
    )
    session.add(row)
    session.flush()
    return identifier, row


def _close(row: ConsoleSession, now: datetime, reason: str) -> None:
    row.ended_at = now
    row.end_reason = reason


def resume_session(
    session: Session, settings: Settings, identifier: str | None, now: datetime
) -> ActiveSession | None:
    """The session behind a cookie value, touched; None when unknown, ended or expired."""
    if not identifier:
        return None
    row = session.get(ConsoleSession, _hash(identifier))
    if row is None or row.ended_at is not None:
        return None
    idle_limit = as_utc(row.last_seen_at) + timedelta(minutes=settings.console_idle_minutes)
    if now >= as_utc(row.expires_at):
        _close(row, now, "absolute_timeout")
        return None
    if now >= idle_limit:
        _close(row, now, "idle_timeout")
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        _close(row, now, "user_inactive")
        return None
    if now - as_utc(row.last_seen_at) >= _TOUCH_EVERY:
        row.last_seen_at = now
    return ActiveSession(user=user, csrf_token=row.csrf_token, id_hash=row.id_hash)


def end_session(session: Session, identifier: str | None, now: datetime, reason: str) -> bool:
    """End the session behind a cookie value; whether there was an open one."""
    if not identifier:
        return False
    row = session.get(ConsoleSession, _hash(identifier))
    if row is None or row.ended_at is not None:
        return False
    _close(row, now, reason)
    return True
