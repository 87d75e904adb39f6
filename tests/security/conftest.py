"""The security tests replay attacks against the real ASGI application, on SQLite and, when
`REMU_TEST_DATABASE_URL` is set, on PostgreSQL (the API tests' fixtures)."""

from __future__ import annotations

from tests.api.conftest import api
from tests.api.test_api_roles import world

__all__ = ["api", "world"]
