"""Signed bearer tokens: issued by the command line (`remu tokens create`, the demo), checked by
the HTTP door (`api.http.security`). Shared by the doors, like the settings that sign them."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import jwt

from api.settings import Settings
from remuneration.db.models import User

__all__ = ["TOKEN_ALGORITHM", "issue_token"]

TOKEN_ALGORITHM = "HS256"


def issue_token(
    settings: Settings, *, user: User, now: datetime, ttl: timedelta | None = None
) -> str:
    """A signed bearer token for `user`, valid `ttl` (default: the configured lifetime)."""
    lifetime = ttl or timedelta(minutes=settings.token_ttl_minutes)
    claims = {
        "sub": str(user.id),
        "name": user.name,
        "role": user.role,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    if user.organisation_id is not None:
        claims["org"] = str(user.organisation_id)
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm=TOKEN_ALGORITHM)
