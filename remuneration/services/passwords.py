"""Agents' console passwords: scrypt hashes, a length policy and a lock after repeated failures.

The hash string carries its parameters (`scrypt$n$r$p$salt$hash`, base64), so that the cost can
be raised later without invalidating stored passwords. An unknown user costs the same work as a
known one (a dummy hash is checked), so the answer time does not tell which names exist.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from remuneration.db.models import User, UserPassword
from remuneration.domain.errors import FieldProblem, InvalidFacts
from remuneration.domain.timezone import as_utc

__all__ = [
    "MAX_FAILED_ATTEMPTS",
    "MIN_PASSWORD_LENGTH",
    "SignInOutcome",
    "SignInResult",
    "check_sign_in",
    "hash_password",
    "password_matches",
    "set_password",
]

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
MAX_FAILED_ATTEMPTS = 5
LOCK_DURATION = timedelta(minutes=15)
_N, _R, _P, _LENGTH = 2**14, 8, 1, 32


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The storable scrypt hash of `password` (a new random salt unless given)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_LENGTH, maxmem=64 * 2**20
    )
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def password_matches(stored: str, password: str) -> bool:
    """Whether `password` is the one behind `stored` (constant-time comparison)."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(base64.b64decode(expected)),
            maxmem=64 * 2**20,
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest, base64.b64decode(expected))


_DUMMY_HASH = hash_password("not-a-password", salt=b"\x00" * 16)


def _policy_problems(user: User, password: str) -> list[FieldProblem]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            FieldProblem(
                "password",
                "too_short",
                f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères.",
            )
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(
            FieldProblem("password", "too_long", "Le mot de passe est trop long (200 au plus).")
        )
    if password.strip().lower() in {user.name.lower(), user.display_name.lower()}:
        problems.append(
            FieldProblem("password", "weak", "Le mot de passe ne peut pas être le nom du compte.")
        )
    return problems


def set_password(session: Session, *, user: User, password: str, now: datetime) -> UserPassword:
    """Set (or replace) the console password of `user`; the lock and failures are cleared."""
    problems = _policy_problems(user, password)
    if problems:
        raise InvalidFacts(problems[0].message, problems=problems)
    row = session.get(UserPassword, user.id)
    if row is None:
        row = UserPassword(user_id=user.id, password_hash="", set_at=now, failed_attempts=0)
        session.add(row)
    row.password_hash = hash_password(password)
    row.set_at = now
    row.failed_attempts = 0
    row.locked_until = None
    session.flush()
    return row


class SignInOutcome(StrEnum):
    """How a sign-in attempt ended."""

    ACCEPTED = "accepted"
    REFUSED = "refused"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class SignInResult:
    """The outcome, and the user when the name is known (for the audit trail)."""

    outcome: SignInOutcome
    user: User | None


def check_sign_in(session: Session, *, name: str, password: str, now: datetime) -> SignInResult:
    """Check a name and password; count failures and lock the account after too many."""
    user = session.scalar(select(User).where(User.name == name.strip()))
    row = session.get(UserPassword, user.id) if user is not None else None
    if user is None or row is None or not user.active:
        password_matches(_DUMMY_HASH, password)
        return SignInResult(SignInOutcome.REFUSED, user)
    if row.locked_until is not None and as_utc(row.locked_until) > now:
        return SignInResult(SignInOutcome.LOCKED, user)
    if not password_matches(row.password_hash, password):
        row.failed_attempts += 1
        if row.failed_attempts >= MAX_FAILED_ATTEMPTS:
            row.locked_until = now + LOCK_DURATION
            row.failed_attempts = 0
        session.flush()
        locked = row.locked_until is not None and as_utc(row.locked_until) > now
        return SignInResult(SignInOutcome.LOCKED if locked else SignInOutcome.REFUSED, user)
    row.failed_attempts = 0
    row.locked_until = None
    session.flush()
    return SignInResult(SignInOutcome.ACCEPTED, user)
