"""The schema comes from the migrations, agrees with the models, and keeps its guarantees."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, insert, text
from sqlalchemy.exc import DBAPIError

import payments.models  # noqa: F401 - registers the payments tables
import remuneration.db.models  # noqa: F401 - registers the tables
from alembic import command
from remuneration.db.base import Base
from remuneration.db.migrate import alembic_config, upgrade
from remuneration.db.models import AuditEvent

NOW = datetime(2024, 6, 15, tzinfo=UTC)
_TABLE_QUERY = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type='table' AND name='dossiers'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname='public' "
    "AND tablename='dossiers'",
}
_TABLE_QUERY = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type='table' AND name='dossiers'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname='public' "
    "AND tablename='dossiers'",
}


def test_models_and_migrations_agree(remu_engine: Engine) -> None:
    with remu_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migration_files_are_date_prefixed_with_one_head(remu_db_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(remu_db_url))
    assert len(script.get_heads()) == 1
    for revision in script.walk_revisions():
        name = revision.path.rsplit("/", 1)[-1]
        assert name[:4].isdigit() and name[4] == "_", name


def test_downgrade_and_upgrade_again(remu_db_url: str, remu_engine: Engine) -> None:
    command.downgrade(alembic_config(remu_db_url), "base")
    with remu_engine.connect() as connection:
        tables = connection.execute(text(_TABLE_QUERY[remu_engine.dialect.name])).all()
    assert tables == []
    upgrade(remu_db_url)
    test_models_and_migrations_agree(remu_engine)


def test_the_audit_log_is_append_only(remu_engine: Engine) -> None:
    with remu_engine.begin() as connection:
        connection.execute(
            insert(AuditEvent).values(
                occurred_at=NOW,
                action="test.event",
                entity_type="test",
                entity_id=str(uuid.uuid4()),
            )
        )
    for statement in ("UPDATE audit_events SET action = 'changed'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError), remu_engine.begin() as connection:
            connection.execute(text(statement))
    with remu_engine.connect() as connection:
        assert connection.execute(text("SELECT action FROM audit_events")).scalars().all() == [
            "test.event"
        ]


def test_sqlite_connections_are_configured(remu_engine: Engine) -> None:
    if remu_engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with remu_engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
        # BEGIN IMMEDIATE: a second writer cannot start while the first holds the lock.
        other = remu_engine.raw_connection()
        try:
            other.execute("PRAGMA busy_timeout=0")
            cursor = other.cursor()
            with pytest.raises(Exception, match="locked"):
                cursor.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
