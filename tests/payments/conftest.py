"""Fixtures of the payment service tests: a fresh migrated database per module (SQLite, or
PostgreSQL when ``REMU_TEST_DATABASE_URL`` is set) and a world of users and keys on it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from remuneration.db.session import make_engine
from tests.dbsupport import database_url_for, fresh_database
from tests.payments.runworld import World, make_world


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """A fresh database for each test: runs are global per (kind, period)."""
    directory = tmp_path
    url = database_url_for(directory)
    fresh_database(url)
    engine = make_engine(url)
    try:
        yield make_world(engine, directory, datetime(2024, 5, 6, 8, tzinfo=UTC))
    finally:
        engine.dispose()
