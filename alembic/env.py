"""Alembic environment: the models' metadata, SQLite batch mode, and the URL from the caller."""

from __future__ import annotations

import os

from sqlalchemy import Connection

import payments.models  # noqa: F401 - registers the payments tables on the metadata
import remuneration.db.models  # noqa: F401 - registers the tables on the metadata
from alembic import context
from remuneration.db.base import Base
from remuneration.db.session import make_engine

config = context.config
target_metadata = Base.metadata
DEFAULT_URL = "sqlite+pysqlite:///var/remu.sqlite3"


def _url() -> str:
    configured = config.get_main_option("sqlalchemy.url")
    return configured or os.environ.get("DATABASE_URL") or DEFAULT_URL


def _configure(connection: Connection | None = None) -> None:
    is_sqlite = _url().startswith("sqlite")
    options = {
        "target_metadata": target_metadata,
        "render_as_batch": is_sqlite,
        "compare_type": True,
    }
    if connection is None:
        context.configure(url=_url(), literal_binds=True, **options)
    else:
        context.configure(connection=connection, **options)


def run_migrations_offline() -> None:
    """Emit SQL to standard output instead of running it."""
    _configure()
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a live connection (SQLite settings applied by make_engine)."""
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
