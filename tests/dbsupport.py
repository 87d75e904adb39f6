"""Test databases built the production way: a fresh schema, then the Alembic migrations.

SQLite by default (one file per test module); PostgreSQL when `REMU_TEST_DATABASE_URL` is set
(schema `public` dropped and recreated, then migrated). Never `create_all`.
"""

from __future__ import annotations

import base64
import os
import secrets
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.exceptions import StarletteDeprecationWarning

from remuneration.db.migrate import drop_everything, upgrade
from remuneration.db.session import make_engine, sqlite_file_url

__all__ = [
    "MutableClock",
    "client_class",
    "database_url_for",
    "default_now",
    "fresh_database",
    "is_postgres",
    "make_settings",
]

TEST_DATABASE_ENV = "REMU_TEST_DATABASE_URL"


def database_url_for(directory: Path) -> str:
    """PostgreSQL from the environment, else a new SQLite file in `directory`."""
    return os.environ.get(TEST_DATABASE_ENV) or sqlite_file_url(directory / "remu-test.sqlite3")


def is_postgres(url: str) -> bool:
    """Whether the test database is PostgreSQL."""
    return url.startswith("postgresql")


def fresh_database(url: str) -> None:
    """Drop everything in the database, then run every migration."""
    engine = make_engine(url)
    try:
        drop_everything(engine)
    finally:
        engine.dispose()
    upgrade(url)


def make_settings(url: str, directory: Path, **overrides: Any) -> Any:
    """Settings with random strong secrets and a document store under `directory`."""
    from api.settings import Settings

    values: dict[str, Any] = {
        "database_url": url,
        "jwt_secret": secrets.token_urlsafe(48),
        "data_key": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "document_store_dir": directory / "documents",
        **overrides,
    }
    return Settings(**values)


class MutableClock:
    """The application's clock in tests: a fixed moment the test may move."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def client_class() -> Any:
    """Starlette's TestClient; its import warns that httpx2 is preferred over httpx, which is
    not ours to fix (the suite runs with warnings as errors)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from fastapi.testclient import TestClient
    return TestClient


def default_now() -> datetime:
    """The moment most API tests live in (the worked example's decision date)."""
    return datetime(2024, 6, 15, 8, 0, tzinfo=UTC)
