"""Fixtures of the remuneration persistence tests: a fresh migrated database per module."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from remuneration.db.session import make_engine
from remuneration.services.protection import FieldProtector
from tests.dbsupport import database_url_for, fresh_database


@pytest.fixture(scope="module")
def remu_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a database just rebuilt by the migrations."""
    directory: Path = tmp_path_factory.mktemp("remuneration-db")
    url = database_url_for(directory)
    fresh_database(url)
    return url


@pytest.fixture(scope="module")
def remu_engine(remu_db_url: str) -> Iterator[Engine]:
    engine = make_engine(remu_db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def protector() -> FieldProtector:
    return FieldProtector(secrets.token_bytes(32))


def on_postgres() -> bool:
    return bool(os.environ.get("REMU_TEST_DATABASE_URL"))
