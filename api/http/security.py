"""Authentication (signed JWT bearer tokens, hashed API keys) and the permission table.

Every route names one permission; this module's table says which roles hold it. Object-level
checks (an organisation sees only its trainings) are made by the services, which answer 404
outside the caller's perimeter.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Protocol

import jwt
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from api.settings import Settings
from remuneration.db.models import User
from remuneration.services.context import Actor, Role
from remuneration.services.users import API_KEY_PREFIX, authenticate_api_key

__all__ = [
    "ACCOUNT_STATEMENT",
    "PERMISSIONS",
    "actor_of_account",
    "authenticate",
    "bearer_credential",
    "jwt_subject",
]

_CLOCK_SKEW_SECONDS = 30
_ALL = frozenset(Role)
_AGENTS = frozenset({Role.INSTRUCTOR, Role.SUPERVISOR})
_READERS = _AGENTS | {Role.RELATION_USAGERS, Role.FINANCE}
_REFERENCE_WRITERS = _AGENTS | {Role.ADMIN}
_FINANCE = frozenset({Role.FINANCE})
_CASE_WORKERS = frozenset({Role.RELATION_USAGERS, Role.SUPERVISOR})

PERMISSIONS: Mapping[str, frozenset[Role]] = MappingProxyType(
    {
        "organisations.create": _REFERENCE_WRITERS,
        "organisations.read": _ALL,
        "trainings.create": _REFERENCE_WRITERS,
        "trainings.read": _ALL,
        "trainees.create": _AGENTS,
        "trainees.read": _READERS,
        "trainees.update": _AGENTS | {Role.RELATION_USAGERS},
        "trainees.merge": frozenset({Role.SUPERVISOR}),
        "search": _READERS,
        "dossiers.create": _AGENTS,
        "dossiers.read": _READERS,
        "dossiers.update": _AGENTS,
        "documents.write": _AGENTS | {Role.RELATION_USAGERS},
        "documents.read_file": _AGENTS | {Role.FINANCE},
        "nir.reveal": _AGENTS,
        "decisions.create": _AGENTS,
        "decisions.read": _READERS,
        "attendance.write": _AGENTS | {Role.ORGANISATION},
        "attendance.read": _READERS | {Role.ORGANISATION},
        "parameters.read": _ALL,
        "evaluations.create": _ALL - {Role.ORGANISATION},
        "payment_runs.create": _FINANCE,
        "payment_runs.read": _FINANCE,
        "payment_batches.read": _FINANCE,
        "payment_batches.release": _FINANCE,
        "payment_batches.cancel": _FINANCE,
        "payment_batches.download": _FINANCE,
        "bank_files.import": _FINANCE,
        "payments.read": _READERS,
        "overpayments.read": _FINANCE | {Role.SUPERVISOR, Role.RELATION_USAGERS},
        "overpayments.waive": frozenset({Role.SUPERVISOR}),
        "cases.create": _CASE_WORKERS,
        "cases.read": _CASE_WORKERS,
        "cases.work": _CASE_WORKERS,
        "cases.assign": frozenset({Role.SUPERVISOR}),
        "cases.metrics": frozenset({Role.SUPERVISOR}),
        "cases.teams": frozenset({Role.SUPERVISOR}),
        "letters.read": _AGENTS | {Role.RELATION_USAGERS},
        # Finance starts the payment runs, so it produces their notices in bulk (console).
        "letters.bulk": _FINANCE,
        "payment_notices.read": _READERS,
        "exports.read": _FINANCE,
    }
)
"""permission → roles that hold it (docs/security.md, "People and roles")."""


class _Account(Protocol):
    """What an actor is made of: a `User` row, or the columns of one read alone."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def organisation_id(self) -> uuid.UUID | None: ...


def _actor_of(user: _Account) -> Actor:
    return Actor(
        user_id=user.id, name=user.name, role=Role(user.role), organisation_id=user.organisation_id
    )


def _valid_times(claims: Mapping[str, object], now: datetime) -> bool:
    """Expiry and issue time are checked against the application's clock (time is an input)."""
    expires, issued = claims.get("exp"), claims.get("iat")
    if not isinstance(expires, int) or not isinstance(issued, int):
        return False
    moment = now.timestamp()
    return issued <= moment + _CLOCK_SKEW_SECONDS and moment < expires


@lru_cache(maxsize=1024)
def _signed_claims(
    token: str, secret: str, audience: str, issuer: str
) -> Mapping[str, object] | None:
    """The claims of a token whose signature, audience and issuer hold; None otherwise.

    Kept per token string (bounded): a token's signature does not change, and checking it
    (HMAC, JSON, claim checks) is the dearer part of authentication. Whatever can change is
    checked again on every request: the times against the clock, and the account (active, role)
    read from the database, so a deactivated account is refused on its very next request.
    """
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=audience,
            issuer=issuer,
            options={
                "require": ["exp", "iat", "sub", "iss", "aud"],
                "verify_exp": False,
                "verify_iat": False,
            },
        )
    except jwt.InvalidTokenError:
        return None
    return MappingProxyType(claims)


ACCOUNT_STATEMENT = select(User.id, User.name, User.role, User.organisation_id, User.active).where(
    User.id == bindparam("user_id")
)
"""The account behind a token, read on every request: built once (a statement built per call
costs as much as running it)."""


def jwt_subject(settings: Settings, token: str, now: datetime) -> tuple[uuid.UUID, object] | None:
    """The account id and the role a signed, unexpired JWT names; None when it is not one."""
    claims = _signed_claims(
        token, settings.jwt_secret.get_secret_value(), settings.jwt_audience, settings.jwt_issuer
    )
    if claims is None or not _valid_times(claims, now):
        return None
    try:
        user_id = uuid.UUID(str(claims["sub"]))
    except ValueError:
        return None
    return user_id, claims.get("role")


class _AccountState(_Account, Protocol):
    @property
    def active(self) -> bool: ...


def actor_of_account(account: _AccountState | None, claimed_role: object) -> Actor | None:
    """The actor of a token's account as just read: None when it is gone, deactivated, or no
    longer has the role the token was issued for."""
    if account is None or not account.active or account.role != claimed_role:
        return None
    return _actor_of(account)


def _from_jwt(session: Session, settings: Settings, token: str, now: datetime) -> Actor | None:
    subject = jwt_subject(settings, token, now)
    if subject is None:
        return None
    user_id, claimed_role = subject
    account = session.execute(ACCOUNT_STATEMENT, {"user_id": user_id}).one_or_none()
    return actor_of_account(account, claimed_role)


def bearer_credential(authorization: str | None) -> str | None:
    """The credential of an `Authorization: Bearer …` header (JWT or API key), or None."""
    if not authorization:
        return None
    scheme, _, credential = authorization.partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        return None
    return credential


def authenticate(
    session: Session, settings: Settings, authorization: str | None, now: datetime
) -> Actor | None:
    """The actor behind an `Authorization: Bearer …` header (JWT or API key), or None."""
    credential = bearer_credential(authorization)
    if credential is None:
        return None
    if credential.startswith(API_KEY_PREFIX):
        user = authenticate_api_key(session, credential, now=now)
        return _actor_of(user) if user is not None else None
    return _from_jwt(session, settings, credential, now)
