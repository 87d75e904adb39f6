"""Users and their API keys (machine clients such as an organisation's own system).

An API key is shown once, at creation; only a SHA-256 of its secret part is stored (the secret
has 256 bits of entropy, so a plain hash is enough), with a short public prefix for lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from remuneration.db.models import ApiToken, TrainingOrganisation, User
from remuneration.domain.errors import AlreadyExists, FieldProblem, InvalidFacts, NotFound
from remuneration.domain.ids import new_id
from remuneration.domain.timezone import as_utc
from remuneration.services.context import Role

__all__ = [
    "API_KEY_PREFIX",
    "IssuedApiKey",
    "authenticate_api_key",
    "create_api_key",
    "create_user",
    "deactivate_user",
    "find_user",
    "list_api_keys",
    "list_users",
    "revoke_api_key",
]

API_KEY_PREFIX = "remu_"


@dataclass(frozen=True, slots=True)
class IssuedApiKey:
    """The key in clear (shown once) and its stored row."""

    key: str
    token: ApiToken


def create_user(
    session: Session,
    *,
    name: str,
    role: Role,
    now: datetime,
    display_name: str | None = None,
    organisation_id: uuid.UUID | None = None,
) -> User:
    """Create a user; an organisation user must name an existing organisation, others must not."""
    if session.scalar(select(User.id).where(User.name == name)):
        raise AlreadyExists("Un utilisateur porte déjà ce nom.", field="name")
    if (role is Role.ORGANISATION) != (organisation_id is not None):
        raise InvalidFacts(
            "Seul un utilisateur « organisation » est rattaché à un organisme.",
            problems=[FieldProblem("organisation", "inconsistent", "Rattachement incohérent.")],
        )
    if organisation_id is not None and session.get(TrainingOrganisation, organisation_id) is None:
        raise NotFound("Organisme de formation introuvable.", field="organisation")
    user = User(
        id=new_id(),
        name=name,
        display_name=display_name or name,
        role=role.value,
        organisation_id=organisation_id,
        active=True,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def find_user(session: Session, name: str) -> User:
    """A user by name."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound("Utilisateur introuvable.", field="user")
    return user


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_api_key(
    session: Session, *, user: User, label: str, now: datetime, expires_at: datetime | None = None
) -> IssuedApiKey:
    """Issue a new API key for `user`."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        id=new_id(),
        user_id=user.id,
        prefix=prefix,
        secret_hash=_secret_hash(secret),
        label=label,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    return IssuedApiKey(key=f"{API_KEY_PREFIX}{prefix}_{secret}", token=token)


def authenticate_api_key(session: Session, key: str, *, now: datetime) -> User | None:
    """The active user behind a valid, unexpired, unrevoked key; None otherwise."""
    if not key.startswith(API_KEY_PREFIX):
        return None
    prefix, _, secret = key[len(API_KEY_PREFIX) :].partition("_")
    token = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None or not hmac.compare_digest(token.secret_hash, _secret_hash(secret)):
        return None
    if token.revoked_at is not None or (token.expires_at and as_utc(token.expires_at) <= now):
        return None
    user = session.get(User, token.user_id)
    return user if user is not None and user.active else None


def list_users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.scalars(select(User).order_by(User.name)))


def deactivate_user(session: Session, name: str) -> User:
    """Deactivate a user: their bearer tokens and API keys stop working at the next request
    (authentication reads `active` every time)."""
    user = find_user(session, name)
    user.active = False
    session.flush()
    return user


def list_api_keys(session: Session) -> list[tuple[ApiToken, User]]:
    """Every API key (prefix, label, dates: never the secret) with its user."""
    rows = session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id).order_by(ApiToken.created_at)
    )
    return [(token, user) for token, user in rows.tuples()]


def revoke_api_key(session: Session, prefix: str, *, now: datetime) -> ApiToken:
    """Revoke the key of this public prefix (`remu_<prefix>_…`); revoking twice keeps the date."""
    token = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None:
        raise NotFound("Clé d'API introuvable.", field="prefix")
    if token.revoked_at is None:
        token.revoked_at = now
        session.flush()
    return token
