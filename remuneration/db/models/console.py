"""Agents' sign-in for the web console: a password per user and the server-side sessions.

A password is stored as a scrypt hash only. A session row is keyed by the SHA-256 of the
random identifier held in the browser's cookie, so that a copy of the table opens no session.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from remuneration.db.base import Base

__all__ = ["ConsoleSession", "UserPassword"]


class UserPassword(Base):
    """The console password of one user (scrypt), and its failed-attempts lock."""

    __tablename__ = "user_passwords"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime]
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]


class ConsoleSession(Base):
    """One signed-in browser: idle and absolute expiries, its CSRF token, its end."""

    __tablename__ = "console_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))
